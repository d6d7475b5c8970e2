"""Benchmark ``peacetalks.load()`` against ``datasets.load_dataset("parquet", ...)`` on the same files.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_load.py                    # 100,000 articles, 5,000,000 mentions
    .venv/bin/python benchmarks/bench_load.py --articles 10000   # a quicker run

The synthetic corpus (``benchmarks.synth.generate``) is generated under ``benchmarks/out/``
(git-ignored) or reused when a corpus of that size and seed is there already (the folders are
shared with ``bench_validate.py``); ``peacetalks split`` is run on it once, as on a real corpus.
Then each measurement runs in a fresh child process, so "cold" means a new process and an empty
Arrow cache (the operating system's page cache is not dropped), "warm" a new process that finds
the cache:

* anchor: ``datasets.load_dataset("parquet", data_files=...)`` of ``corpus/articles.parquet``
  (and of ``annotations/entities.parquet``) with a fresh ``cache_dir``, then again;
* anchor-all-six: the same for each of the six Parquet files the ``documents`` config is built
  from (the data ``documents`` holds), one after the other;
* ``load("documents")`` cold and warm, ``load("entities")`` cold and warm (``PEACETALKS_CACHE``
  set to a fresh folder);
* ``scan("entities").collect()``, the polars path that skips ``datasets``.

It prints each time (measured in the child around the call), the child's peak memory, and the
ratios to the anchors. It prints figures; it does not assert timing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.synth` importable
from benchmarks._measure import load_average, measure  # noqa: E402
from benchmarks.bench_validate import FILES  # noqa: E402  # the six Parquet files of a corpus

MANIFEST = "planted.json"


def _child(kind: str, root: Path, cache: Path) -> dict[str, Any]:
    """Run one measurement in this (child) process."""
    if kind == "anchor-all":
        import datasets

        datasets.disable_progress_bars()
        t0 = time.perf_counter()
        rows = 0
        for rel in FILES:
            name = Path(rel).stem
            ds = datasets.load_dataset("parquet", data_files={"train": str(root / rel)}, cache_dir=str(cache / name))
            rows += ds["train"].num_rows
        return {"seconds": time.perf_counter() - t0, "rows": rows}
    if kind.startswith("anchor"):
        import datasets

        datasets.disable_progress_bars()
        rel = "corpus/articles.parquet" if kind.startswith("anchor-articles") else "annotations/entities.parquet"
        t0 = time.perf_counter()
        ds = datasets.load_dataset("parquet", data_files={"train": str(root / rel)}, cache_dir=str(cache))
        seconds = time.perf_counter() - t0
        return {"seconds": seconds, "rows": ds["train"].num_rows}
    if kind == "scan-entities":
        from peacetalks.loading.frames import scan

        t0 = time.perf_counter()
        frame = scan("entities", source=root).collect()
        return {"seconds": time.perf_counter() - t0, "rows": frame.height}
    os.environ["PEACETALKS_CACHE"] = str(cache)
    import datasets

    from peacetalks.loading.load import load

    datasets.disable_progress_bars()
    config = kind.split("-")[0]
    t0 = time.perf_counter()
    dd = load(config, source=root)
    seconds = time.perf_counter() - t0
    assert isinstance(dd, datasets.DatasetDict)
    return {"seconds": seconds, "rows": {name: d.num_rows for name, d in dd.items()}}


def _spawn(kind: str, root: Path, cache: Path) -> tuple[dict[str, Any], float, float]:
    """Run a child from the launcher; return its result, the whole process's wall time and its own peak RSS in MiB."""
    done = measure([sys.executable, __file__, "--child", kind, str(root), str(cache)])
    if not done.stdout.strip():
        raise RuntimeError(f"{kind} printed nothing:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), done.seconds, done.peak_mib


def _corpus(out: Path, n: int, seed: int, regenerate: bool) -> tuple[Path, float | None]:
    root = out / f"synth-{n}-s{seed}-e0"
    if (root / MANIFEST).exists() and not regenerate:
        return root, None
    from benchmarks.synth import generate
    from peacetalks.storage.parquet import write_text_atomic

    t0 = time.perf_counter()
    planted = generate(root, n, seed=seed)
    seconds = time.perf_counter() - t0
    write_text_atomic(root / MANIFEST, json.dumps({"counts": planted.counts, "errors": []}, indent=1))
    return root, seconds


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the synthetic corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora are generated")
    parser.add_argument("--regenerate", action="store_true", help="generate even if the corpus exists")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "ROOT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, root, cache = args.child
        _print(json.dumps(_child(kind, Path(root), Path(cache))))
        return 0

    root, generated = _corpus(args.out, args.articles, args.seed, args.regenerate)
    counts = json.loads((root / MANIFEST).read_text())["counts"]
    _print(f"corpus: {root} ({', '.join(f'{k} {v:,}' for k, v in counts.items())})")
    if generated is not None:
        _print(f"generated in {generated:.1f} s")
    from peacetalks.ingest.splits import split_corpus

    t0 = time.perf_counter()
    result = split_corpus(root)
    _print(
        f"peacetalks split: {time.perf_counter() - t0:.2f} s, "
        + ", ".join(f"{k} {n:,}" for k, (n, _) in result.counts().items())
    )
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-", dir=args.out) as tmp:
        caches = {
            name: Path(tmp) / name for name in ("anchor-articles", "anchor-entities", "pt-documents", "pt-entities")
        }
        plan = [
            ("anchor-articles cold", "anchor-articles", caches["anchor-articles"]),
            ("anchor-articles warm", "anchor-articles", caches["anchor-articles"]),
            ("anchor-entities cold", "anchor-entities", caches["anchor-entities"]),
            ("anchor-entities warm", "anchor-entities", caches["anchor-entities"]),
            ("anchor-all-six cold", "anchor-all", Path(tmp) / "anchor-all"),
            ("documents cold", "documents", caches["pt-documents"]),
            ("documents warm", "documents", caches["pt-documents"]),
            ("entities cold", "entities", caches["pt-entities"]),
            ("entities warm", "entities", caches["pt-entities"]),
            ("scan entities", "scan-entities", Path(tmp)),
        ]
        _print(f"{'measurement':<22} {'call s':>8} {'process s':>10} {'peak MiB':>9}  rows")
        for label, kind, cache in plan:
            result_, wall, peak = _spawn(kind, root, cache)
            times[label] = result_["seconds"]
            _print(f"{label:<22} {result_['seconds']:>8.2f} {wall:>10.2f} {peak:>9.0f}  {result_['rows']}")
    _print(load_average())
    _print()
    _print("ratios (call time / anchor call time; target: cold within 2x, warm reloads well under 1 s):")
    for ours, anchor in (
        ("documents cold", "anchor-articles cold"),
        ("documents warm", "anchor-articles warm"),
        ("entities cold", "anchor-entities cold"),
        ("entities warm", "anchor-entities warm"),
        ("entities cold", "anchor-articles cold"),
        ("documents cold", "anchor-all-six cold"),
    ):
        _print(f"  {ours:<16} / {anchor:<22} = {times[ours] / times[anchor]:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
