"""Benchmark start-up: whole ``peacetalks`` processes against ``python -c pass`` on the same machine.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_startup.py              # each command 5 times
    .venv/bin/python benchmarks/bench_startup.py --repeat 11

Each command runs ``--repeat`` times, each time in a fresh process started from the venv's
python itself (``python -m peacetalks ...``, no shell, no launcher); the runs go round-robin over
the commands, so a change in the load of a shared machine touches every command alike. It prints
the median and the fastest wall time of each, the ratio of the median to that of ``python -c pass``
and whether the target is met:

* ``import peacetalks`` imports none of pandas, pandera, datasets, spaCy, huggingface_hub (looked
  up in ``sys.modules`` of a fresh interpreter, not timed);
* ``peacetalks --help`` and the ``--help`` of every command (listed from the typer app): ≤ 0.3 s;
* ``peacetalks validate`` on the bundled corpus: ≤ 1.0 s.

It prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

HEAVY = ("pandas", "pandera", "datasets", "spacy", "huggingface_hub", "daft", "ray")
HELP_TARGET_S = 0.3
VALIDATE_TARGET_S = 1.0


@dataclass
class Command:
    name: str
    args: list[str]
    target_s: float | None = None  # the wall-time target of the median, if any
    times: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _command_paths(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command of the typer app as its words after ``peacetalks`` (groups and their commands)."""
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        yield (*path, name)
        if hasattr(sub, "list_commands"):
            yield from _command_paths(sub, (*path, name))


def _commands(python: str) -> list[Command]:
    """The commands to time. Listing the CLI's commands imports it here, in the benchmark's own process."""
    import typer.main

    from peacetalks.cli import app

    cli = [python, "-m", "peacetalks"]
    commands = [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("python -c 'import peacetalks'", [python, "-c", "import peacetalks"]),
        Command("peacetalks --help", [*cli, "--help"], HELP_TARGET_S),
    ]
    commands += [
        Command(f"peacetalks {' '.join(path)} --help", [*cli, *path, "--help"], HELP_TARGET_S)
        for path in _command_paths(typer.main.get_command(app))
    ]
    # The library call alone, without the CLI's imports: what the validate path itself costs.
    library = "import peacetalks\nassert peacetalks.validate().valid"
    commands.append(Command("python -c 'peacetalks.validate()'", [python, "-c", library]))
    commands.append(Command("peacetalks validate", [*cli, "validate"], VALIDATE_TARGET_S))
    return commands


def _run(command: Command) -> None:
    t0 = time.perf_counter()
    done = subprocess.run(command.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    command.times.append(time.perf_counter() - t0)
    command.exit_codes.add(done.returncode)


def _heavy_modules(python: str, code: str) -> list[str]:
    """The heavy packages in ``sys.modules`` of a fresh interpreter after ``code`` (not timed)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    return [name for name in HEAVY if name in loaded]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per command (the median is used)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to start (default: this one)")
    args = parser.parse_args(argv)

    commands = _commands(args.python)
    _print(f"python: {args.python}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    for _ in range(args.repeat):
        for command in commands:
            _run(command)
    _print(f"{args.repeat} runs of each command; load average {os.getloadavg()[0]:.2f} at the end")

    base = commands[0].median
    on_import = _heavy_modules(args.python, "import peacetalks")
    on_validate = _heavy_modules(
        args.python, "import sys\nfrom peacetalks.cli import main\nmain(['validate'])\nsys.stdout.flush()"
    )
    met: list[bool] = []
    _print()
    width = max(len(c.name) for c in commands) + 2
    _print(f"{'what':<{width}}{'median s':>10}{'min s':>8}{'ratio':>8}  target")
    for command in commands:
        if command.target_s is not None:
            ok = command.median <= command.target_s
            target = f"<= {command.target_s:.1f} s: {'met' if ok else 'NOT met'}"
            met.append(ok)
        elif command.name.endswith("'import peacetalks'"):
            ok = not on_import
            target = f"imports none of {', '.join(HEAVY)}: {'met' if ok else 'NOT met: ' + ', '.join(on_import)}"
            met.append(ok)
        else:
            target = ""
        codes = "" if command.exit_codes == {0} else f"  (exit codes {sorted(command.exit_codes)})"
        _print(
            f"{command.name:<{width}}{command.median:>10.3f}{min(command.times):>8.3f}"
            f"{command.median / base:>7.1f}x  {target}{codes}"
        )
    _print()
    _print(f"heavy modules imported by `peacetalks validate`: {', '.join(on_validate) or 'none'}")
    _print(f"targets met: {sum(met)} of {len(met)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
