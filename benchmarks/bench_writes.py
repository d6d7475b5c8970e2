"""What the redo journal of multi-file writes costs: ``write_tables`` against the bare renames it replaced.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_writes.py                     # 10,000 articles, 5 repeats
    .venv/bin/python benchmarks/bench_writes.py --articles 100000 --repeat 3

A synthetic corpus (``benchmarks.synth.generate``) is written to a temporary folder, its four
annotation tables are read, and then written again as an annotator layer, ``--repeat`` times each way:

* ``journal``: :func:`peacetalks.storage.parquet.write_tables`, the one transaction of
  :mod:`peacetalks.storage.transaction` (take the lock, stage, fsync every file, write and fsync the
  journal, rename, fsync the folders, remove the journal);
* ``bare``: what ``write_tables`` did before: each table to a temporary file beside its target,
  then one ``os.replace`` after another, no fsync, no lock.

The same is done for the one-article corpus of the tests, where the fixed cost of a change (the
fsyncs and the journal) is all there is. It prints the median wall time of each and their ratio;
it does not assert timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.synth` importable

import polars as pl  # noqa: E402  # after the path is set, as in the other benchmarks

from benchmarks.synth import generate  # noqa: E402
from peacetalks.schema.tables import ANNOTATION_TABLES, Table  # noqa: E402
from peacetalks.storage.parquet import read_table, write_parquet, write_tables  # noqa: E402


def _bare(root: Path, frames: dict[Table, pl.DataFrame], layer: str) -> None:
    staged = []
    for table, df in frames.items():
        target = table.path(root, layer)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.bench.tmp")
        write_parquet(df, table, tmp)
        staged.append((tmp, target))
    for tmp, target in staged:
        os.replace(tmp, target)


def _journal(root: Path, frames: dict[Table, pl.DataFrame], layer: str) -> None:
    write_tables(root, frames, layer)


def _median(fn: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _compare(label: str, root: Path, repeat: int) -> None:
    frames = {t: read_table(root, t) for t in ANNOTATION_TABLES}
    size = sum(t.path(root).stat().st_size for t in ANNOTATION_TABLES)
    bare = _median(lambda: _bare(root, frames, "bench-bare"), repeat)
    journal = _median(lambda: _journal(root, frames, "bench-journal"), repeat)
    print(
        f"{label}: 4 tables, {size / 1e6:.1f} MB: bare {bare:.3f} s, journal {journal:.3f} s, "
        f"ratio {journal / bare:.2f}x, extra {1000 * (journal - bare):.1f} ms per change"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-writes-", dir=HERE.parent / "build") as tmp:
        big = Path(tmp) / "big"
        generate(big, args.articles)
        _compare(f"{args.articles:,} articles", big, args.repeat)
        small = Path(tmp) / "small"
        generate(small, 1)
        _compare("1 article", small, max(args.repeat, 20))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
