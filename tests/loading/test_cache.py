"""The load() cache: entries are current, stale or incomplete; prune removes what load() never reads again."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import peacetalks
from peacetalks.cli import app
from peacetalks.loading.cache import INCOMPLETE_AFTER_S, cache_entries, prune_cache
from peacetalks.loading.load import cache_root


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PEACETALKS_CACHE", str(folder))
    return folder


def _states() -> list[tuple[str, str]]:
    return [(e.config, e.state) for e in cache_entries()]


def _shrink_entities(corpus: Path) -> None:
    """Rewrite entities.parquet with two rows and another mtime: the cached entry goes stale."""
    path = corpus / "annotations" / "entities.parquet"
    pq.write_table(pq.read_table(path).slice(0, 2), path)
    os.utime(path, ns=(1, 1))


def test_a_changed_corpus_leaves_a_stale_entry_that_prune_removes(corpus_dir: Path) -> None:
    first = peacetalks.load("entities", "train", source=corpus_dir)
    peacetalks.load("tokens", "train", source=corpus_dir, tagset="germeval2014")
    assert _states() == [("entities", "current"), ("tokens", "current")]
    _shrink_entities(corpus_dir)
    again = peacetalks.load("entities", "train", source=corpus_dir)
    assert sorted(_states()) == [("entities", "current"), ("entities", "stale"), ("tokens", "stale")]
    old = Path(first.cache_files[0]["filename"]).parent
    listed = prune_cache(dry_run=True)
    assert sorted(e.path for e in listed) == sorted(e.path for e in cache_entries() if e.state == "stale")
    assert old.is_dir()  # a dry run removes nothing
    removed = prune_cache()
    assert old in [e.path for e in removed]
    assert not old.exists()
    assert _states() == [("entities", "current")]
    assert peacetalks.load("entities", "train", source=corpus_dir).cache_files == again.cache_files


def test_an_entry_of_a_folder_that_is_gone_is_stale(corpus_dir: Path, tmp_path: Path) -> None:
    moved = tmp_path / "copy"
    shutil.copytree(corpus_dir, moved)
    peacetalks.load("events", "train", source=moved)
    shutil.rmtree(moved)
    (entry,) = cache_entries()
    assert entry.state == "stale"
    assert entry.root == str(moved.resolve())


def test_only_old_incomplete_entries_are_pruned() -> None:
    fresh, old = cache_root() / "documents" / "fresh", cache_root() / "documents" / "old"
    for folder in (fresh, old):
        folder.mkdir(parents=True)
        (folder / ".train.arrow.x.tmp").write_bytes(b"\0" * 10)
    long_ago = time.time() - INCOMPLETE_AFTER_S - 60
    os.utime(old / ".train.arrow.x.tmp", (long_ago, long_ago))
    assert [(e.path.name, e.state, e.size_bytes) for e in cache_entries()] == [
        ("fresh", "incomplete", 10),
        ("old", "incomplete", 10),
    ]
    assert [e.path.name for e in prune_cache()] == ["old"]
    assert fresh.is_dir()


def test_an_entry_from_before_markers_named_their_options_is_stale(corpus_dir: Path) -> None:
    ds = peacetalks.load("stances", "train", source=corpus_dir)
    marker = Path(ds.cache_files[0]["filename"]).parent / "complete.json"
    about = json.loads(marker.read_text(encoding="utf-8"))
    del about["options"]
    marker.write_text(json.dumps(about), encoding="utf-8")
    assert _states() == [("stances", "stale")]


def test_cli_lists_and_prunes(corpus_dir: Path) -> None:
    peacetalks.load("entities", "train", source=corpus_dir)
    _shrink_entities(corpus_dir)
    peacetalks.load("entities", "train", source=corpus_dir)
    runner = CliRunner()
    listed = runner.invoke(app, ["cache", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert sorted(e["state"] for e in json.loads(listed.stdout)) == ["current", "stale"]
    dry = runner.invoke(app, ["cache", "prune", "--dry-run"])
    assert dry.exit_code == 0
    assert dry.stdout.startswith("stale")
    assert "would remove 1 entry" in dry.stderr
    assert len(cache_entries()) == 2
    pruned = runner.invoke(app, ["cache", "prune"])
    assert pruned.exit_code == 0
    assert "removed 1 entry" in pruned.stderr
    assert _states() == [("entities", "current")]
