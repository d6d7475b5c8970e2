"""Benchmark ``validate --engine daft`` beside the single-machine runs, on a synthetic corpus with planted errors.

Usage (from the checkout, with the project's virtual environment and the scale extra)::

    .venv/bin/python benchmarks/bench_engine.py --articles 10000
    .venv/bin/python benchmarks/bench_engine.py --articles 100000 --shards 8 --no-ray

It generates (or reuses) the corpus of ``bench_validate.py`` under ``benchmarks/out/``, optionally a copy
in ``--shards`` shard folders (``peacetalks shard``), and runs, each in a fresh child started from the
small launcher (``benchmarks/_measure.py``, so every figure is the child's own):

* ``local``: ``peacetalks.validate(root)``, every table in memory;
* ``units``: ``peacetalks.validation.shards.validate_sharded(root)``, unit by unit in one process;
* ``daft``: ``peacetalks.validate(root, engine="daft")`` on Daft's native runner;
* ``ray``: the same on a local Ray cluster the child starts (``ray.init(num_cpus=<cores>)``; unless
  ``--no-ray``). Its work time excludes the cluster's start, printed apart; its peak memory is the
  driver's alone (Ray's workers are processes of the cluster, not of the child).

It prints wall time of the work and of the process, CPU time, peak memory, the number of units, and
whether each engine's report equals the local one issue for issue. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.*` importable
from benchmarks._measure import load_average, measure  # noqa: E402  # the standard library only

RUNS = ("local", "units", "daft", "ray")


def _child(name: str, root: Path) -> dict[str, Any]:
    """One run in this (child) process: the work's seconds, and a digest of the report to compare."""
    from peacetalks import validate

    started: dict[str, Any] = {}
    if name == "ray":
        import ray

        t0 = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
        started["cluster_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if name == "local":
        report = validate(root)
    elif name == "units":
        from peacetalks.validation.shards import validate_sharded

        report = validate_sharded(root)
    else:
        import ray

        address = str(ray.get_runtime_context().gcs_address) if name == "ray" else None
        report = validate(root, engine="daft", ray_address=address)
    seconds = time.perf_counter() - t0
    from peacetalks.validation.shards import units

    digest = hashlib.sha256(report.to_json().encode()).hexdigest()
    found = {"seconds": seconds, "issues": len(report.issues), "digest": digest, "units": len(units(root))}
    if name == "ray":
        import ray

        ray.shutdown()
    return found | started


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _sharded_copy(root: Path, shards: int) -> Path:
    target = root.with_name(f"{root.name}-shards{shards}")
    if not target.exists():
        from peacetalks.storage.reshard import shard_corpus

        shutil.copytree(root, target)
        shard_corpus(target, shards=shards)
    return target


def _table(root: Path, names: list[str]) -> None:
    runs = {}
    for name in names:
        done = measure([sys.executable, __file__, "--child", name, str(root)], ok_codes=(0,))
        runs[name] = (done, json.loads(done.stdout))
    _print(f"{root.name}: {runs[names[0]][1]['units']} units; {load_average()}")
    _print(f"  {'run':<8}{'work s':>9}{'process s':>11}{'cpu s':>8}{'peak MiB':>10}  same report as local")
    local = runs["local"][1]["digest"]
    for name, (done, result) in runs.items():
        extra = f" (cluster start {result['cluster_s']:.1f} s)" if "cluster_s" in result else ""
        same = "yes" if result["digest"] == local else "NO"
        _print(
            f"  {name:<8}{result['seconds']:>9.2f}{done.seconds:>11.2f}{done.cpu_s:>8.1f}{done.peak_mib:>10.0f}"
            f"  {same}, {result['issues']} issues{extra}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the synthetic corpus")
    parser.add_argument("--plant-errors", type=int, default=54, help="errors to plant (default: 3 of each kind)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shards", type=int, default=4, help="also run on a copy in this many shards (0: not)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora are generated")
    parser.add_argument("--no-ray", action="store_true", help="skip the run on a local Ray cluster")
    parser.add_argument("--child", choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("root", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.stdout.write(json.dumps(_child(args.child, args.root)))
        return 0
    from benchmarks.bench_validate import _corpus

    root, planted, _ = _corpus(args.out, args.articles, args.seed, args.plant_errors, regenerate=False)
    _print(f"corpus: {root}; " + ", ".join(f"{k}={v:,}" for k, v in planted.counts.items()))
    names = [n for n in RUNS if not (args.no_ray and n == "ray")]
    _table(root, names)
    if args.shards:
        _table(_sharded_copy(root, args.shards), names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
