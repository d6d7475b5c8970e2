"""Benchmark ``peacetalks import brat`` of one article holding many NAME mentions stacked on one another.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_import_overlaps.py                   # 200,000 mentions
    .venv/bin/python benchmarks/bench_import_overlaps.py --mentions 20000  # a quicker run

The worst case of the crossing check (issue 16): every mention starts inside many others, so the
pairs to compare grow with the square of the mentions. A corpus of the one tiny test article is
written to a temporary folder with a brat export of ``--mentions`` random spans of its first line,
each with ``form NAME``; the import (parse, map, write the layer, validate it) runs in this process.
It prints the seconds, the peak memory and the issue counts of the layer. It does not assert timing.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `tests.conftest` importable

from peacetalks.interchange.importers.import_layer import import_layer  # noqa: E402  # after sys.path
from tests.conftest import DOC, TEXT  # noqa: E402  # after sys.path
from tests.interchange.helpers import write_corpus  # noqa: E402  # after sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(16)
    first_line = TEXT.index("\n")
    lines = []
    for i in range(1, args.mentions + 1):
        start = rng.randrange(0, first_line - 1)
        end = rng.randrange(start + 1, first_line)
        lines += [f"T{i}\tPER {start} {end}\t{TEXT[start:end]}", f"A{i}\tform T{i} NAME"]
    with tempfile.TemporaryDirectory() as tmp:
        root = write_corpus(Path(tmp) / "corpus")
        export = Path(tmp) / "export"
        export.mkdir()
        (export / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
        ann = export / f"{DOC}.ann"
        ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        result = import_layer("brat", ann, annotator="bench", root=root)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.mentions:,} stacked mentions, .ann of {ann_size(lines):,} bytes")
    print(f"import: {seconds:.1f} s, peak memory {peak_mb:,.0f} MB")
    print(f"layer issues: {result.report.count_by_code()}")


def ann_size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


if __name__ == "__main__":
    main()
