"""Run in a fresh process: start a local Ray cluster, validate corpora on it with the daft engine, print the reports.

Usage: python ray_probe.py ROOT... (every corpus on the one cluster). Daft fixes its runner once per process,
and the test process runs Daft's native runner, so the cluster gets a process of its own. The cluster is
small (2 CPUs, no dashboard) and is shut down before the probe ends. Prints one JSON line:
``{"runner": ..., "reports": [...]}`` (``runner``: the runner Daft ran the queries on, ``ray`` unless the
engine fell back to another; a report per ROOT).
"""

from __future__ import annotations

import json
import sys

import ray

import peacetalks


def main() -> None:
    roots = sys.argv[1:]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        address = str(ray.get_runtime_context().gcs_address)
        reports = [peacetalks.validate(root, engine="daft", ray_address=address).to_dict() for root in roots]
        import daft

        found = {"runner": daft.get_or_infer_runner_type(), "reports": reports}
    finally:
        ray.shutdown()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
