"""Golden records of the bundled corpus: each config's row count per split and a few fixed records.

A change to any config's content (a new article, a changed annotation, a new column, another
tokenisation) changes ``golden/bundled.json``, so it is a visible, intended change of this test.
After such an intended change, regenerate the file and review its diff:

    PEACETALKS_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/loading/test_golden.py

Each pinned record is the config's row as ``datasets`` gives it, with long strings (an article's
text) and nested lists (a document's mentions, ...) given by their size, first and last items and
the sha256 of their JSON; ``sha256`` is that of every row of the split, so no change goes unseen.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import datasets
import pytest

import peacetalks
from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.storage.roots import bundled_root

GOLDEN = Path(__file__).with_name("golden") / "bundled.json"
LONG = 200  # strings longer than this are pinned by length and sha256


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path))


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _sha(value: Any) -> str:
    return hashlib.sha256(_json(value).encode()).hexdigest()


def _pinned(value: Any) -> Any:
    """A value as pinned: long strings and lists of records summarised, everything else as it is."""
    if isinstance(value, str) and len(value) > LONG:
        return {"chars": len(value), "sha256": _sha(value)}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {"count": len(value), "first": value[0], "last": value[-1], "sha256": _sha(value)}
    return value


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _pinned(value) for name, value in row.items()}


def _golden(config: str) -> dict[str, Any]:
    loaded = peacetalks.load(config, source=bundled_root())
    assert isinstance(loaded, datasets.DatasetDict)
    splits: dict[str, Any] = {}
    for split, ds in loaded.items():
        rows = ds.to_list()
        picks = sorted({0, len(rows) // 2, len(rows) - 1}) if rows else []
        splits[split] = {
            "rows": len(rows),
            "sha256": _sha(rows),
            "records": {str(i): _record(rows[i]) for i in picks},
        }
    return {"features": loaded["train"].features.to_dict(), "splits": splits}


def test_golden_file_covers_every_config() -> None:
    if os.environ.get("PEACETALKS_UPDATE_GOLDEN"):
        pytest.skip("the golden file is being updated")
    if not GOLDEN.is_file():
        pytest.fail(f"{GOLDEN} is missing: run with PEACETALKS_UPDATE_GOLDEN=1")
    assert sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))) == sorted(CONFIG_NAMES)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_config_matches_its_golden_records(config: str) -> None:
    got = json.loads(_json(_golden(config)))  # as it reads back from the file
    if os.environ.get("PEACETALKS_UPDATE_GOLDEN"):
        pinned = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.is_file() else {}
        pinned[config] = got
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(pinned, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.skip("golden file updated: review its diff")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[config]
    assert {s: v["rows"] for s, v in got["splits"].items()} == {s: v["rows"] for s, v in expected["splits"].items()}
    assert got["features"] == expected["features"]
    for split, pinned in expected["splits"].items():
        assert got["splits"][split]["records"] == pinned["records"], (config, split)
        assert got["splits"][split]["sha256"] == pinned["sha256"], (config, split)
