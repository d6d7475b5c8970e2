"""The one way the benchmarks measure a child process: its wall time, CPU time and its own peak memory.

:func:`measure` starts the command from a small launcher (``_launch.py``, a fresh interpreter that
imports the standard library only), so the figure is the command's own even when the benchmark
itself holds gigabytes, as after generating a corpus: Linux keeps the high-water mark of the
parent's resident set in a forked child's ``ru_maxrss`` across ``exec``. The launcher's own peak is
reported too (``launcher_mib``): it bounds what the command can have inherited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "_launch.py"


@dataclass(frozen=True)
class Measured:
    seconds: float  # wall time of the whole child process
    peak_mib: float  # the child's own peak resident set (ru_maxrss)
    cpu_s: float  # user + system CPU time of the child
    exit_code: int
    stdout: str
    stderr: str
    launcher_mib: float  # the launcher's peak: the most the child can have inherited


def measure(args: list[str], *, ok_codes: tuple[int, ...] = (0,)) -> Measured:
    """Run ``args`` (``args[0]`` a path to an executable) from the launcher; raise if its exit code is not ok."""
    exe = args[0] if os.sep in args[0] else _which(args[0])
    with tempfile.TemporaryDirectory(prefix="bench-measure-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        launched = subprocess.run(
            [sys.executable, "-I", str(LAUNCHER), str(out), str(err), exe, *args[1:]],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(launched.stdout)
        stdout, stderr = out.read_text(), err.read_text()
    code = int(figures["exit_code"])
    if code not in ok_codes:
        raise RuntimeError(f"{' '.join(args[:4])} exited with {code}:\n{stderr}")
    return Measured(
        seconds=float(figures["seconds"]),
        peak_mib=float(figures["peak_mib"]),
        cpu_s=float(figures["cpu_s"]),
        exit_code=code,
        stdout=stdout,
        stderr=stderr,
        launcher_mib=float(figures["launcher_peak_mib"]),
    )


def _which(name: str) -> str:
    import shutil

    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(name)
    return found


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to print beside every figure (the machine is shared)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
