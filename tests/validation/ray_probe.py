"""Run in a fresh process: start a local Ray cluster, validate corpora and build configs on it with the daft engine.

Usage: python ray_probe.py ROOT... [--build ROOT...]: every corpus on the one cluster; after ``--build``,
corpora whose configs are built on it (``config_pieces(engine="daft")``). Daft fixes its runner once per
process, and the test process runs Daft's native runner, so the cluster gets a process of its own. The
cluster is small (2 CPUs, no dashboard) and is shut down before the probe ends. Prints one JSON line:
``{"runner": ..., "reports": [...], "builds": [...]}`` (``runner``: the runner Daft ran the queries on,
``ray`` unless the engine fell back to another; a report per ROOT; per build ROOT, the digest of each
config's splits: :func:`digests`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import peacetalks

BUILT = ("documents", "entities", "stances")


def digests(root: str, engine: str = "local", ray_address: str | None = None) -> dict[str, dict[str, str]]:
    """The sha256 of each split (its Arrow IPC stream) of each config of :data:`BUILT`, built from ``root``."""
    import hashlib

    import pyarrow as pa

    from peacetalks.loading.configs import config_pieces, joined

    out = {}
    for config in BUILT:
        splits = {}
        for name, table in joined(
            config_pieces(config, Path(root), cut_articles=1, engine=engine, ray_address=ray_address)
        ).items():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            splits[name] = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
        out[config] = splits
    return out


def probe(*args: str) -> dict[str, Any]:
    """Run this probe in a fresh process with ``args``; what it printed (fails the test if it failed)."""
    import subprocess

    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    args = sys.argv[1:]
    cut = args.index("--build") if "--build" in args else len(args)
    roots, builds = args[:cut], args[cut + 1 :]
    import ray  # here: tests import digests() without Ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        address = str(ray.get_runtime_context().gcs_address)
        reports = [peacetalks.validate(root, engine="daft", ray_address=address).to_dict() for root in roots]
        built = [digests(root, engine="daft", ray_address=address) for root in builds]
        import daft

        found = {"runner": daft.get_or_infer_runner_type(), "reports": reports, "builds": built}
    finally:
        ray.shutdown()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
