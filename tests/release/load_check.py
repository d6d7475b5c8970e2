"""Run in a fresh process: load every config of a release with plain ``datasets`` (no peacetalks).

Usage: python load_check.py SOURCE CONFIG[,CONFIG...] [REVISION]. Prints JSON: for each config, the
row count of each split and the names of every ClassLabel (by column path), and whether the
``peacetalks`` package got imported.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import datasets


def _labels(features: Any, prefix: str = "") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    items = features.items() if isinstance(features, dict) else []
    for name, feature in items:
        path = f"{prefix}{name}"
        inner = feature.feature if isinstance(feature, datasets.List) else feature
        if isinstance(inner, datasets.ClassLabel):
            found[path] = list(inner.names)
        elif isinstance(inner, dict):
            found.update(_labels(inner, f"{path}."))
    return found


def main() -> None:
    source, configs = sys.argv[1], sys.argv[2].split(",")
    revision = sys.argv[3] if len(sys.argv) > 3 else None
    result: dict[str, Any] = {}
    for config in configs:
        loaded = datasets.load_dataset(source, name=config, revision=revision)
        first = next(iter(loaded.values()))
        result[config] = {
            "rows": {split: ds.num_rows for split, ds in loaded.items()},
            "labels": _labels(first.features),
            "first": {split: ds[0] for split, ds in loaded.items()},
        }
    result["imports_peacetalks"] = "peacetalks" in sys.modules
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
