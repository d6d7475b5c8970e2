"""What the content fingerprint in ``load()``'s cache key costs: the key as it is, against the alternatives.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_cache_key.py                    # 100,000 articles
    .venv/bin/python benchmarks/bench_cache_key.py --articles 10000   # a quicker run

The synthetic corpus is the one of ``bench_load.py`` (generated under ``benchmarks/out/`` or
reused). Each figure is the best of ``--repeat`` runs, in this process, with the files in the page
cache (a warm load computes the key once per call):

* ``stat``: size and mtime of every input (the key before the fingerprint);
* ``stat + ctime + footer``: what :func:`peacetalks.loading.load.cache_key` does now (the sha256
  of each Parquet footer, read from the end of the file; ctime from the same stat call);
* ``whole-file sha256``: hashing every input's bytes, the exact fingerprint it replaces;
* ``warm load("entities")``: the call the key is part of, for scale.

It prints figures; it does not assert timing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.bench_load` importable
from benchmarks.bench_load import _corpus  # noqa: E402  # the corpus bench_load generates, shared


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _inputs(root: Path) -> list[Path]:
    from peacetalks.ingest.splits import SETTINGS_RELPATH
    from peacetalks.schema.scheme import scheme_dir
    from peacetalks.schema.tables import ALL_TABLES

    paths = [root / t.relpath() for t in ALL_TABLES] + [root / SETTINGS_RELPATH]
    return [p for p in paths if p.exists()] + sorted(scheme_dir().glob("*.yaml"))


def _stat_only(paths: list[Path]) -> list[list[int]]:
    return [[p.stat().st_size, p.stat().st_mtime_ns] for p in paths]


def _whole_file(paths: list[Path]) -> list[str]:
    digests = []
    for path in paths:
        with path.open("rb") as handle:
            digests.append(hashlib.file_digest(handle, "sha256").hexdigest())
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the synthetic corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora are generated")
    parser.add_argument("--repeat", type=int, default=20, help="runs per figure (the best is printed)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    root, generated = _corpus(args.out, args.articles, args.seed, regenerate=False)
    if generated is not None:
        print(f"generated {args.articles:,} articles in {generated:.1f} s")
    paths = _inputs(root)
    total = sum(p.stat().st_size for p in paths)
    print(f"corpus: {root} ({len(paths)} inputs, {total / 2**20:,.1f} MiB)")

    import peacetalks
    from peacetalks.loading.load import cache_key

    with tempfile.TemporaryDirectory(prefix="bench-cache-key-", dir=args.out) as tmp:
        os.environ["PEACETALKS_CACHE"] = tmp
        peacetalks.load("entities", source=root)  # cold build, not measured
        rows = [
            ("stat (size, mtime)", _best(lambda: _stat_only(paths), args.repeat)),
            ("stat + ctime + footer (cache_key)", _best(lambda: cache_key("entities", root, {}), args.repeat)),
            ("whole-file sha256", _best(lambda: _whole_file(paths), max(3, args.repeat // 5))),
            ("warm load('entities')", _best(lambda: peacetalks.load("entities", source=root), args.repeat)),
        ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:9.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
