"""Benchmark the config builds of ``load()`` cut by cut on sharded synthetic corpora of two sizes.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_build.py                                  # 10,000 and 100,000 articles
    .venv/bin/python benchmarks/bench_build.py --sizes 2000,20000 --docs-per-shard 2000   # a quicker run
    .venv/bin/python benchmarks/bench_build.py --configs documents,entities --whole       # also the whole build

For each size it generates a sharded corpus (``synth.generate_sharded``, shards of ``--docs-per-shard``
articles) under ``benchmarks/out/`` (git-ignored; the folders are shared with ``bench_validate.py`` and
reused), then runs, each in a fresh child process started from the small launcher of
``benchmarks/_measure.py`` (so its peak memory is its own, not the generator's):

* ``read``: ``pyarrow.parquet.read_table`` of every file of the tables the config reads (one held at a time);
* ``build``: what ``load(config)`` does on a cold cache (``cached_config``: the config built cut by cut
  and written to Arrow files under a fresh ``PEACETALKS_CACHE``);
* ``whole`` (with ``--whole``): the config built from every table read whole (``config_pieces_from_frames``
  in one cut, as a corpus that cannot be cut is built), the pieces dropped as they come.

It prints per config and size the time of the work (measured in the child) and the peak resident memory,
the ratio of build to read for both, and how the build's peak grows from the small size to the large one
against how the corpus grows. It prints figures; it does not assert timing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.synth` importable
from benchmarks._measure import load_average, measure  # noqa: E402  # the standard library only

CONFIGS = ("documents", "entities", "events", "stances", "tokens")


@dataclass
class Run:
    name: str
    work_s: float  # the work itself, measured in the child
    process_s: float  # the whole child process
    peak_mib: float  # the child's own peak resident set
    result: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Children: each measurement runs in its own process so its peak memory is its own.
# ---------------------------------------------------------------------------------------------


def _files(root: Path, config: str) -> list[Path]:
    """The Parquet files of the tables ``config`` reads: each table's file, or its shards in order."""
    from peacetalks.loading.cut_reads import NEEDS
    from peacetalks.storage.shards import table_exists, table_files

    return [path for table in NEEDS[config] if table_exists(root, table) for path in table_files(root, table)]


def _child_read(root: Path, config: str) -> dict[str, Any]:
    import pyarrow.dataset  # noqa: F401  # read_table imports it on first use; keep that out of the timing
    import pyarrow.parquet as pq

    files = _files(root, config)
    t0 = time.perf_counter()
    rows = sum(pq.read_table(path).num_rows for path in files)  # one file held at a time
    return {"seconds": time.perf_counter() - t0, "rows": rows, "files": len(files)}


def _child_build(root: Path, config: str) -> dict[str, Any]:
    from peacetalks.loading.cut_reads import plan
    from peacetalks.loading.load import cached_config

    with tempfile.TemporaryDirectory(prefix="bench-build-") as cache:
        os.environ["PEACETALKS_CACHE"] = cache
        t0 = time.perf_counter()
        files = cached_config(config, root)
        seconds = time.perf_counter() - t0
        size = sum(path.stat().st_size for path in files.values())
    cut = plan(root, config)
    return {"seconds": seconds, "arrow_mib": size / 2**20, "cuts": None if cut is None else len(cut.cuts)}


def _child_whole(root: Path, config: str) -> dict[str, Any]:
    from peacetalks.ingest.splits import current_splits
    from peacetalks.loading.configs import config_pieces_from_frames
    from peacetalks.loading.cut_reads import NEEDS
    from peacetalks.schema.tables import SPLITS
    from peacetalks.storage.parquet import read_table
    from peacetalks.storage.shards import table_exists

    t0 = time.perf_counter()
    frames = {t: read_table(root, t) for t in NEEDS[config] if table_exists(root, t)}
    frames[SPLITS] = current_splits(root)
    articles = frames[NEEDS[config][0]].height
    rows = sum(piece.num_rows for _, piece in config_pieces_from_frames(config, frames, cut_articles=articles))
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _measure(child: str, root: Path, config: str) -> Run:
    done = measure([sys.executable, __file__, "--child", child, config, str(root)])
    result = json.loads(done.stdout)
    return Run(child, result.pop("seconds"), done.seconds, done.peak_mib, result)


# ---------------------------------------------------------------------------------------------
# The corpora
# ---------------------------------------------------------------------------------------------


def _corpus(out: Path, n: int, shards: int, seed: int, regenerate: bool) -> tuple[Path, float | None]:
    root = out / f"synth-{n}-s{seed}-e0-k{shards}"  # bench_validate.py's name for the same corpus
    done = root / "planted.json"
    if done.exists() and not regenerate:
        return root, None
    from benchmarks.synth import generate_sharded
    from peacetalks.storage.parquet import write_text_atomic

    t0 = time.perf_counter()
    planted = generate_sharded(root, n, shards, seed=seed)
    seconds = time.perf_counter() - t0
    write_text_atomic(done, json.dumps({"counts": planted.counts, "errors": []}, indent=1))
    return root, seconds


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _bench(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in args.sizes.split(",")]
    configs = [c for c in args.configs.split(",") if c]
    unknown = sorted(set(configs) - set(CONFIGS))
    if unknown:
        raise SystemExit(f"unknown configs: {', '.join(unknown)}")
    _print(f"machine: {os.cpu_count()} cores; before: {load_average()}")
    roots = {}
    for n in sizes:
        shards = -(-n // args.docs_per_shard)
        root, gen_s = _corpus(args.out, n, shards, args.seed, args.regenerate)
        mib = sum(p.stat().st_size for p in root.rglob("*.parquet")) / 2**20
        made = f"generated in {gen_s:.1f} s" if gen_s is not None else "reused"
        _print(f"corpus: {root} ({n:,} articles, {shards} shards, {mib:.0f} MiB on disk; {made})")
        roots[n] = root
    _print()
    _print(f"{'config':<11}{'articles':>10}{'run':>7}{'work s':>9}{'peak MiB':>10}{'build/read':>26}{'cuts':>6}")
    peaks: dict[tuple[str, int], float] = {}
    for config in configs:
        for n in sizes:
            read = _measure("read", roots[n], config)
            build = _measure("build", roots[n], config)
            runs = [read, build] + ([_measure("whole", roots[n], config)] if args.whole else [])
            peaks[config, n] = build.peak_mib
            for run in runs:
                ratio = ""
                if run is not read:
                    ratio = f"time {run.work_s / read.work_s:.2f}x mem {run.peak_mib / read.peak_mib:.2f}x"
                cuts = run.result.get("cuts")
                _print(
                    f"{config:<11}{n:>10,}{run.name:>7}{run.work_s:>9.2f}{run.peak_mib:>10.0f}{ratio:>26}"
                    f"{'' if cuts is None else cuts:>6}"
                )
    _print()
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        _print(f"build peak memory at {large:,} / at {small:,} articles ({large / small:.0f}x the documents):")
        for config in configs:
            _print(f"  {config:<11}{peaks[config, large] / peaks[config, small]:.2f}x")
    _print(f"after: {load_average()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="articles of each corpus, comma-separated")
    parser.add_argument("--docs-per-shard", type=int, default=10_000, help="articles per shard")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="configs to build, comma-separated")
    parser.add_argument("--whole", action="store_true", help="also build each config from the tables read whole")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora are generated")
    parser.add_argument("--regenerate", action="store_true", help="generate even if the corpus exists")
    parser.add_argument("--child", choices=["read", "build", "whole"], help=argparse.SUPPRESS)
    parser.add_argument("config", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("root", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        children = {"read": _child_read, "build": _child_build, "whole": _child_whole}
        sys.stdout.write(json.dumps(children[args.child](args.root, args.config)))
        return 0
    return _bench(args)


if __name__ == "__main__":
    raise SystemExit(main())
