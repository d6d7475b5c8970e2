"""The README and the command line agree: what the README shows exists, and every command is shown.

In the manner of sqlite-utils' tests/test_docs.py: the README's example lines (``sh`` and ``text`` blocks,
lines starting with ``peacetalks ``) are parsed against the typer app's commands and options.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
from typer.main import get_command

from peacetalks.cli import app
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
LINES = [
    line.split(" #")[0].strip().removeprefix("$ ")
    for body in re.findall(r"```(?:sh|text)\n(.*?)```", README, re.DOTALL)
    for line in body.splitlines()
    if line.removeprefix("$ ").startswith("peacetalks ")
]
ROOT = get_command(app)
HELP = ("-h", "--help")


def _walk(argv: list[str]) -> tuple[list[str], Any, list[str]]:
    """The command path named by ``argv``, its click command, and the arguments left over."""
    command: Any = ROOT
    path: list[str] = []
    rest = list(argv)
    while rest and rest[0] in getattr(command, "commands", {}):
        path.append(rest[0])
        command = command.commands[rest.pop(0)]
    return path, command, rest


def _options(command: Any) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)} | set(HELP)


def _all_commands() -> list[str]:
    """Every command, and for a group (cache) each of its sub-commands instead."""
    found = []
    for name, command in ROOT.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {})
        found.extend([f"{name} {sub}" for sub in subs] or [name])
    return found


def test_the_readme_shows_commands() -> None:
    assert len(LINES) > 20


def _unknown(line: str) -> list[str]:
    argv = [arg for arg in shlex.split(line)[1:] if arg != "COMMAND"]  # COMMAND: a placeholder for any command
    path, command, rest = _walk(argv)
    assert path or rest[0] in (*HELP, "--version"), f"{line!r}: no such command"
    unknown = [a.split("=")[0] for a in rest if a.startswith("-") and a.split("=")[0] not in _options(command)]
    if not path:
        unknown = [a for a in unknown if a != "--version"]
    return [a for a in unknown if a != "--debug"]  # read by main() before typer parses


@pytest.mark.parametrize("line", LINES)
def test_every_command_and_option_the_readme_shows_exists(line: str) -> None:
    assert _unknown(line) == [], f"{line!r}: unknown option"


def test_the_check_catches_an_old_option_and_an_old_command() -> None:
    assert _unknown("peacetalks agree a b --layer stances") == ["--layer"]
    assert _unknown("peacetalks cache list --json") == ["--json"]
    with pytest.raises(AssertionError, match="no such command"):
        _unknown("peacetalks lint")


@pytest.mark.parametrize("name", _all_commands())
def test_every_command_is_shown_in_the_readme(name: str) -> None:
    shown = {" ".join(_walk(shlex.split(line)[1:])[0]) for line in LINES}
    assert name in shown, f"peacetalks {name} appears in no sh or text block of the README"


def test_the_makefile_uses_only_existing_options() -> None:
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    calls = re.findall(r"\$\(BIN\)/peacetalks (.+)", makefile)
    assert calls
    for call in calls:
        path, command, rest = _walk(shlex.split(call))
        assert path, call
        assert [a for a in rest if a.startswith("-") and a not in _options(command)] == [], call
