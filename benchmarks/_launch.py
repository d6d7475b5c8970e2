"""Run one command and print its own wall time, CPU time and peak memory as JSON (used by ``_measure.py``).

Usage: ``python _launch.py OUT ERR COMMAND...``: the command's stdout and stderr go to the files OUT
and ERR, this script's stdout gets one JSON line.

Why a launcher: Linux carries a process's memory high-water mark across ``fork`` and ``exec`` (a
forked child starts with its parent's resident pages counted, and ``exec`` keeps the larger of that
and the new program's peak in ``ru_maxrss``). A benchmark that has just generated a corpus has a
large resident set, so the children it starts report it as their own peak. This script is exec'd
fresh (its own high-water mark starts at zero with its new address space) and stays small (the
standard library's ``os``, ``json`` and ``time`` only), so the command it starts inherits a few MiB
at most, and ``os.wait4`` gives that command's own ``ru_maxrss``.
"""

import json
import os
import sys
import time


def _high_water_mib() -> float:
    """This process's own peak resident set (VmHWM: of its address space since exec; ru_maxrss is not)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> int:
    out, err, *command = argv
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [(os.POSIX_SPAWN_OPEN, 1, out, flags, 0o644), (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - t0
    own = _high_water_mib()  # what the command can have inherited at most
    result = {
        "seconds": seconds,
        "peak_mib": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "exit_code": os.waitstatus_to_exitcode(status),
        "launcher_peak_mib": own,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
