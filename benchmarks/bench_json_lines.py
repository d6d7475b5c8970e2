"""Benchmark what finding the line of every JSON object costs an import (``interchange/_json_lines.py``).

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_json_lines.py                  # 300 tasks of 400 results (~30 MB)
    .venv/bin/python benchmarks/bench_json_lines.py --tasks 30       # a quicker run

A Label Studio export of ``--tasks`` copies of the test article's task, each with ``--results``
results, is written pretty-printed (as Label Studio writes it). It prints the best of ``--repeat``
seconds of ``json.loads``, of :meth:`JsonLines.loads` (the same parse with the line of every
object), of the pure-Python scanner of the standard library (the other way to get positions,
without recording them) and of the whole Label Studio reader, and the ratios to ``json.loads``.
It does not assert timing.
"""

from __future__ import annotations

import argparse
import json
import json.scanner
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `tests` importable

from peacetalks.interchange._json_lines import JsonLines  # noqa: E402  # after sys.path
from peacetalks.interchange.importers.labelstudio import read_label_studio  # noqa: E402  # after sys.path
from tests.interchange.hostile import _files as f  # noqa: E402  # after sys.path


def _export(tasks: int, results: int) -> str:
    task = f.label_studio_task()
    base = task["annotations"][0]["result"]
    task["annotations"][0]["result"] = [
        {**r, "id": f"{r['id']}-{k}"} for k in range(results // len(base)) for r in base
    ]
    return json.dumps([{**task, "id": i} for i in range(tasks)], indent=2)


def _best(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--results", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = _export(args.tasks, args.results)
    python_scanner = json.JSONDecoder()
    python_scanner.scan_once = json.scanner.py_make_scanner(python_scanner)  # type: ignore[attr-defined]  # not in typeshed
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(text, encoding="utf-8")
        figures = {
            "json.loads": _best(lambda: json.loads(text), args.repeat),
            "JsonLines.loads": _best(lambda: JsonLines().loads(text), args.repeat),
            "pure-Python scanner": _best(lambda: python_scanner.decode(text), args.repeat),
            "read_label_studio": _best(lambda: read_label_studio(path), args.repeat),
        }
    print(f"{args.tasks} tasks x {args.results} results, {len(text.encode()) / 2**20:.1f} MiB, best of {args.repeat}")
    for what, seconds in figures.items():
        print(f"{what:>20}: {seconds:7.3f} s  {seconds / figures['json.loads']:5.2f}x json.loads")


if __name__ == "__main__":
    main()
