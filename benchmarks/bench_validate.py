"""Benchmark ``peacetalks validate`` on a synthetic corpus with planted errors.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/bench_validate.py                      # 100,000 articles
    .venv/bin/python benchmarks/bench_validate.py --articles 10000     # a quicker run
    .venv/bin/python benchmarks/bench_validate.py --docs-per-shard 10000 --in-memory  # sharded, both paths

It generates the corpus under ``benchmarks/out/`` (git-ignored; reused when the same size, seed
and number of planted errors was generated before), then runs, each in a fresh child process:

* ``read``: ``pyarrow.parquet.read_table`` of the same seven Parquet files, one held at a time (the
  baseline of the bounded path);
* ``read-held`` (with ``--in-memory``): the same read holding all seven tables at once (the baseline of
  the in-memory path, which must hold them all too);
* ``validate``: the library call ``peacetalks.validate(root)`` (a sharded corpus: shard by shard);
* ``in-memory`` (with ``--in-memory``): ``peacetalks.validate(root, bounded=False)``, every table in memory,
  and whether its report equals the ``validate`` run's, issue for issue;
* ``cli``: ``peacetalks validate ROOT`` as a subprocess (unless ``--no-cli``);
* with ``--sample-shards K`` (a sharded corpus): ``validate`` and ``in-memory`` of the corpus of its first
  K shards (hard links, removed afterwards), and whether the two reports are equal.

With ``--shards K`` or ``--docs-per-shard D`` the corpus is sharded (``synth.generate_sharded``, written
shard by shard) and ``read`` reads every shard file of the same seven tables.

For each it prints the wall time (measured inside the child around the work itself, and for the
whole process) and the peak resident memory of the child (its own ``ru_maxrss``: started from the small launcher of
``benchmarks/_measure.py``, so a corpus generated in the same run does not count), then the
ratio of validation time to read time, and whether every planted error was found with its file,
row and code, and which issues were reported that were not planted. It prints figures; it does
not assert timing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: make `benchmarks.synth` importable
from benchmarks._measure import load_average, measure  # noqa: E402  # the standard library only

# benchmarks.synth (polars, numpy, peacetalks) is imported by the parent only, so the children
# that measure reading and validation import nothing they do not need.
if TYPE_CHECKING:
    from benchmarks.synth import PlantedErrors

FILES = (
    "corpus/articles.parquet",
    "corpus/blocks.parquet",
    "corpus/splits.parquet",
    "annotations/entities.parquet",
    "annotations/events.parquet",
    "annotations/event_arguments.parquet",
    "annotations/stances.parquet",
)
MANIFEST = "planted.json"


@dataclass
class Run:
    name: str
    inner_s: float | None  # wall time of the work itself, measured in the child
    process_s: float  # wall time of the whole child process (interpreter start, imports, work)
    peak_mib: float  # peak resident set size of the child
    cpu_s: float  # user + system CPU time of the child (less sensitive to other load on the machine)
    result: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Children: each measurement runs in its own process so its peak memory is its own.
# ---------------------------------------------------------------------------------------------


def table_files(root: Path) -> dict[str, list[Path]]:
    """The files of each of the seven tables: the file, or its shards in order."""
    out = {}
    for f in FILES:
        single = root / f
        out[f] = [single] if single.exists() else sorted((root / f.removesuffix(".parquet")).glob("part-*.parquet"))
    return out


def _child_read(root: Path) -> dict[str, Any]:
    import pyarrow.dataset  # noqa: F401  # read_table imports it on first use; keep that out of the timing
    import pyarrow.parquet as pq

    files = table_files(root)
    t0 = time.perf_counter()
    rows = {f: sum(pq.read_table(p).num_rows for p in paths) for f, paths in files.items()}  # one file held at once
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _child_read_held(root: Path) -> dict[str, Any]:
    import pyarrow.dataset  # noqa: F401
    import pyarrow.parquet as pq

    files = table_files(root)
    t0 = time.perf_counter()
    held = {f: [pq.read_table(p) for p in paths] for f, paths in files.items()}  # every table held at once
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": {f: sum(t.num_rows for t in ts) for f, ts in held.items()}}


def _child_validate(root: Path, bounded: bool | None = None) -> dict[str, Any]:
    # `import peacetalks` imports its names on first use: take validate (and with it polars and
    # pyarrow, which the read child imports before its timing too) before the clock starts.
    from peacetalks import validate

    t0 = time.perf_counter()
    report = validate(root, bounded=bounded)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "issues": [[i.file, i.row, i.code] for i in report.issues],
        "digest": _digest([i.to_dict() for i in report.issues]),
        "checked": report.checked,
    }


def _digest(issues: list[dict[str, Any]]) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(issues, ensure_ascii=False).encode()).hexdigest()


def _spawn(args: list[str]) -> tuple[float, float, float, int, str]:
    """Run a child from the launcher (``benchmarks/_measure.py``); its wall time, own peak RSS (MiB), CPU, code, stdout.

    The launcher keeps the figure the child's own: started from this process, which may hold a freshly
    generated corpus, the child's ``ru_maxrss`` would start at this process's resident set.
    """
    done = measure(args, ok_codes=(0, 1))
    if not done.stdout and done.stderr:
        raise RuntimeError(f"{' '.join(args[:4])} exited with {done.exit_code}:\n{done.stderr}")
    return done.seconds, done.peak_mib, done.cpu_s, done.exit_code, done.stdout


def _measure(name: str, root: Path) -> Run:
    seconds, peak, cpu, _, out = _spawn([sys.executable, __file__, "--child", name, str(root)])
    if not out.strip():
        raise RuntimeError(f"{name} child printed nothing")
    result = json.loads(out)
    return Run(name, result.pop("seconds"), seconds, peak, cpu, result)


def _measure_cli(root: Path) -> Run:
    exe = Path(sys.executable).parent / "peacetalks"
    seconds, peak, cpu, code, out = _spawn([str(exe), "validate", str(root)])
    return Run("cli", None, seconds, peak, cpu, {"exit_code": code, "lines": out.count("\n")})


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def _corpus(
    out: Path, n: int, seed: int, plant: int, regenerate: bool, shards: int = 0
) -> tuple[Path, PlantedErrors, float | None]:
    root = out / (f"synth-{n}-s{seed}-e{plant}" + (f"-k{shards}" if shards else ""))
    manifest = root / MANIFEST
    if manifest.exists() and not regenerate:
        data = json.loads(manifest.read_text())
        return root, _planted_from_json(data), None
    from benchmarks.synth import generate, generate_sharded
    from peacetalks.storage.parquet import write_text_atomic

    t0 = time.perf_counter()
    if shards:
        planted = generate_sharded(root, n, shards, seed=seed, plant_errors=plant)
    else:
        planted = generate(root, n, seed=seed, plant_errors=plant)
    seconds = time.perf_counter() - t0
    write_text_atomic(manifest, json.dumps(_planted_to_json(planted), ensure_ascii=False, indent=1))
    return root, planted, seconds


def _planted_to_json(planted: PlantedErrors) -> dict[str, Any]:
    return {"counts": planted.counts, "errors": [asdict(e) for e in planted.errors]}


def _planted_from_json(data: dict[str, Any]) -> PlantedErrors:
    from benchmarks.synth import ExpectedIssue, PlantedError, PlantedErrors

    errors = [
        PlantedError(e["kind"], e["doc_id"], tuple(ExpectedIssue(**x) for x in e["expected"])) for e in data["errors"]
    ]
    return PlantedErrors(errors, dict(data["counts"]))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _print(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _check(planted: PlantedErrors, issues: list[list[Any]]) -> bool:
    from benchmarks.synth import KINDS

    found = {(f, r, c) for f, r, c in issues}
    expected = planted.expected()
    missed = [e for err in planted.errors for e in err.expected if (e.file, e.row, e.code) not in found]
    unexpected = sorted(found - expected, key=lambda x: (x[0], -1 if x[1] is None else x[1], x[2]))
    kinds_found = sum(all((e.file, e.row, e.code) in found for e in err.expected) for err in planted.errors)
    _print(
        f"planted errors: {len(planted)} ({len(expected)} expected issues, {len({k.kind for k in KINDS})} kinds); "
        f"found {kinds_found}/{len(planted)}; issues reported: {len(issues)}"
    )
    for e in missed:
        _print(f"  MISSED {e.file}:{e.row} [{e.code}] doc={e.doc_id}")
    codes: dict[str, int] = {}
    for _, _, c in unexpected:
        codes[c] = codes.get(c, 0) + 1
    _print(f"unexpected issues: {len(unexpected)}" + (f" (codes: {codes})" if codes else ""))
    for f, r, c in unexpected[:20]:
        _print(f"  UNEXPECTED {f}:{r} [{c}]")
    return not missed and not unexpected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the synthetic corpus")
    parser.add_argument("--plant-errors", type=int, default=54, help="errors to plant (default: 3 of each kind)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora are generated")
    parser.add_argument("--regenerate", action="store_true", help="generate even if the corpus exists")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI subprocess run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of read and validate (the best is used)")
    parser.add_argument("--shards", type=int, default=0, help="generate a sharded corpus of this many shards")
    parser.add_argument("--docs-per-shard", type=int, default=0, help="... or of shards of this many articles")
    parser.add_argument("--in-memory", action="store_true", help="also run validate(bounded=False) and compare")
    parser.add_argument(
        "--sample-shards", type=int, default=0, help="also validate the first K shards both ways and compare"
    )
    parser.add_argument("--keep", action="store_true", help="keep a generated corpus of 500,000 articles or more")
    parser.add_argument("--child", choices=["read", "read-held", "validate", "in-memory"], help=argparse.SUPPRESS)
    parser.add_argument("root", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child == "read":
            result = _child_read(args.root)
        elif args.child == "read-held":
            result = _child_read_held(args.root)
        else:
            result = _child_validate(args.root, bounded=False if args.child == "in-memory" else None)
        sys.stdout.write(json.dumps(result))
        return 0

    shards = args.shards or (-(-args.articles // args.docs_per_shard) if args.docs_per_shard else 0)
    root, planted, gen_s = _corpus(args.out, args.articles, args.seed, args.plant_errors, args.regenerate, shards)
    try:
        return _bench(args, root, planted, gen_s, shards)
    finally:
        if args.articles >= 500_000 and not args.keep:
            import shutil

            shutil.rmtree(root)  # a million articles take gigabytes of disk
            _print(f"deleted {root} (pass --keep to keep it)")


def _bench(args: argparse.Namespace, root: Path, planted: PlantedErrors, gen_s: float | None, shards: int) -> int:
    size_mib = sum(p.stat().st_size for paths in table_files(root).values() for p in paths) / 2**20
    _print(f"corpus: {root} ({size_mib:.0f} MiB on disk{f', {shards} shards' if shards else ', single-file'})")
    _print("  " + ", ".join(f"{k}={v:,}" for k, v in planted.counts.items()))
    _print(f"  generated in {gen_s:.1f} s" if gen_s is not None else "  reused (pass --regenerate to rebuild)")
    _print(f"  machine: {os.cpu_count()} cores; before: {load_average()}")

    reads = [_measure("read", root) for _ in range(args.repeat)]
    validations = [_measure("validate", root) for _ in range(args.repeat)]
    read = min(reads, key=lambda r: r.inner_s or 0.0)
    val = min(validations, key=lambda r: r.inner_s or 0.0)
    if args.repeat > 1:
        _print("  read work s: " + ", ".join(f"{r.inner_s:.2f}" for r in reads))
        _print("  validate work s: " + ", ".join(f"{r.inner_s:.2f}" for r in validations))
    runs = [read, val]
    memory = _measure("in-memory", root) if args.in_memory else None
    held = _measure("read-held", root) if args.in_memory else None
    if memory is not None and held is not None:
        runs += [held, memory]
    cli = None if args.no_cli else _measure_cli(root)
    if cli is not None:
        runs.append(cli)
    _print()
    _print(f"{'run':<11}{'work s':>10}{'process s':>12}{'cpu s':>9}{'peak MiB':>11}")
    for r in runs:
        inner = f"{r.inner_s:.2f}" if r.inner_s is not None else "-"
        _print(f"{r.name:<11}{inner:>10}{r.process_s:>12.2f}{r.cpu_s:>9.1f}{r.peak_mib:>11.0f}")
    assert read.inner_s is not None
    assert val.inner_s is not None
    _print(f"after: {load_average()}")
    _print()
    _print(f"validate / read time: {val.inner_s / read.inner_s:.2f}x (target <= 1.5x)")
    _print(f"validate / read CPU time (whole processes): {val.cpu_s / read.cpu_s:.2f}x")
    _print(f"validate / read peak memory: {val.peak_mib / read.peak_mib:.2f}x")
    if memory is not None:
        assert memory.inner_s is not None
        assert held is not None
        _print(
            f"in-memory / read: time {memory.inner_s / read.inner_s:.2f}x (target <= 1.5x), "
            f"peak memory {memory.peak_mib / read.peak_mib:.2f}x (target <= 1.3x)"
        )
        _print(f"in-memory / read-held: peak memory {memory.peak_mib / held.peak_mib:.2f}x (every table held)")
        same = memory.result["digest"] == val.result["digest"] and memory.result["checked"] == val.result["checked"]
        _print(f"in-memory report {'equals' if same else 'DIFFERS FROM'} the validate run's (issues, order, counts)")
    if cli is not None:
        _print(f"cli process / read process: {cli.process_s / read.process_s:.2f}x")
        _print(f"cli exit code: {cli.result['exit_code']}, lines printed: {cli.result['lines']}")
    peak_gb = val.peak_mib * 2**20 / 1e9
    _print(f"validate peak memory: {val.peak_mib:.0f} MiB = {peak_gb:.2f} GB (target at 1M articles: <= 3 GB)")
    ok = _check(planted, val.result["issues"])
    _print("all planted errors found, nothing else reported" if ok else "MISMATCH between planted and found")
    if args.sample_shards and shards:
        _sample(root, args.sample_shards)
    return 0


def _sample(root: Path, k: int) -> None:
    """Validate the corpus of the first ``k`` shards of ``root`` both ways, and compare the two reports."""
    import shutil

    sample = root.with_name(f"{root.name}-first{k}")
    shutil.rmtree(sample, ignore_errors=True)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_dir() or rel.name == MANIFEST:
            continue
        if rel.name.startswith("part-") and int(rel.stem.removeprefix("part-")) >= k:
            continue
        (sample / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(path, sample / rel)  # the same bytes, no copy
    try:
        bounded, whole = _measure("validate", sample), _measure("in-memory", sample)
    finally:
        shutil.rmtree(sample)
    articles = bounded.result["checked"].get("articles", 0)
    _print()
    _print(f"sample: the first {k} shards ({articles:,} articles), validated both ways")
    for r in (bounded, whole):
        _print(f"  {r.name:<11}{r.inner_s or 0:>8.2f} s{r.peak_mib:>9.0f} MiB  issues: {len(r.result['issues'])}")
    same = bounded.result["digest"] == whole.result["digest"] and bounded.result["checked"] == whole.result["checked"]
    verdict = "equals" if same else "DIFFERS FROM"
    _print(f"  in-memory report {verdict} the shard-by-shard report (issues, order, counts)")


if __name__ == "__main__":
    raise SystemExit(main())
