"""The load() cache: entries are current, stale or incomplete; prune removes what load() never reads again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import peacetalks
from peacetalks.cli import app, main
from peacetalks.errors import CacheWarning, PathError
from peacetalks.loading.cache import INCOMPLETE_AFTER_S, cache_entries, prune_cache
from peacetalks.loading.load import cache_root, footer_digest


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


# --- damaged entries, an unwritable cache, a rewrite the stat misses ------------------------


def _entry_files(ds: datasets.Dataset) -> Path:
    return Path(ds.cache_files[0]["filename"]).parent


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _delete(path: Path) -> None:
    path.unlink()


def _scribble(path: Path) -> None:
    """The same size, other bytes: only opening the file tells."""
    path.write_bytes(b"\xff" * path.stat().st_size)


@pytest.mark.parametrize("damage", [_truncate, _empty, _delete, _scribble], ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_entry_is_rebuilt_with_a_warning(corpus_dir: Path, damage: Callable[[Path], None]) -> None:
    first = peacetalks.load("entities", "train", source=corpus_dir)
    rows = first.to_list()
    folder = _entry_files(first)
    del first
    for name in ("train", "test"):
        damage(folder / f"{name}.arrow")
    if damage is not _scribble:
        assert _states() == [("entities", "damaged")]
    with pytest.warns(CacheWarning, match="damaged"):
        again = peacetalks.load("entities", source=corpus_dir)
    assert isinstance(again, datasets.DatasetDict)
    assert again["train"].to_list() == rows
    assert _states() == [("entities", "current")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        peacetalks.load("entities", "test", source=corpus_dir)  # rebuilt once: no warning now


def test_a_damaged_entry_is_listed_so_and_pruned(corpus_dir: Path) -> None:
    folder = _entry_files(peacetalks.load("events", "train", source=corpus_dir))
    _truncate(folder / "validation.arrow")
    listed = CliRunner().invoke(app, ["cache", "list"])
    assert listed.stdout.split()[0] == "damaged"
    assert [e.path for e in prune_cache()] == [folder]
    assert not folder.exists()


def test_an_entry_without_complete_json_is_never_read(corpus_dir: Path) -> None:
    """A half-built entry (split files there, complete.json not yet) is built again, not read."""
    ds = peacetalks.load("entities", "train", source=corpus_dir)
    folder, rows = _entry_files(ds), ds.num_rows
    del ds
    (folder / "complete.json").unlink()
    _empty(folder / "train.arrow")
    assert peacetalks.load("entities", "train", source=corpus_dir).num_rows == rows


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder; the full-disk case covers root")
def test_a_read_only_cache_folder_builds_in_memory_with_a_warning(corpus_dir: Path) -> None:
    root = cache_root()
    root.chmod(0o555)
    try:
        with pytest.warns(CacheWarning, match="cannot be written"):
            ds = peacetalks.load("entities", "train", source=corpus_dir)
    finally:
        root.chmod(0o755)
    assert ds.num_rows == 3
    assert ds.cache_files == []
    assert list(root.iterdir()) == []


FULL_DISK = """
import json, resource, signal, sys, warnings
import peacetalks
from peacetalks.loading.configs import features
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ds = peacetalks.load("documents", "train", source=sys.argv[1])
same = ds.features == features("documents")
print(json.dumps({"rows": ds.num_rows, "files": ds.cache_files, "same_features": same,
                  "warnings": [str(w.message) for w in caught]}))
"""


def test_a_full_cache_folder_builds_in_memory_with_a_warning(corpus_dir: Path) -> None:
    """RLIMIT_FSIZE makes every write past 1 KiB fail as a full disk does (EFBIG); the config is built in memory."""
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(corpus_dir)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["rows"], result["files"]) == (peacetalks.load("documents", "train", source=corpus_dir).num_rows, [])
    assert result["same_features"]
    assert any("cannot be written" in w and "in memory" in w for w in result["warnings"]), result["warnings"]


def test_a_file_named_as_the_cache_folder_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], corpus_dir: Path
) -> None:
    (tmp_path / "cache-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache-file"))
    with pytest.raises(PathError) as info:
        peacetalks.load("entities", source=corpus_dir)
    assert (info.value.code, info.value.data["what"]) == ("not-a-folder", "PEACETALKS_CACHE")
    assert main(["cache", "list"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: {tmp_path / 'cache-file'} [not-a-folder] PEACETALKS_CACHE must be a folder")


def test_a_table_rewritten_with_the_same_size_and_mtime_is_read_again(corpus_dir: Path) -> None:
    """Plain encoding, no statistics: one label changed keeps the file's size (and footer); mtime is set back."""
    entities = corpus_dir / "annotations" / "entities.parquet"
    table = pq.read_table(entities)
    pq.write_table(table, entities, compression="none", use_dictionary=False, write_statistics=False)
    before = entities.stat()
    first = peacetalks.load("entities", source=corpus_dir)
    labels = table["label"].to_pylist()
    swapped = "ORG" if labels[0] != "ORG" else "PER"
    assert len(swapped) == len(labels[0])
    column = pa.array([swapped, *labels[1:]], table.schema.field("label").type)
    changed = table.set_column(table.schema.get_field_index("label"), "label", column)
    pq.write_table(changed, entities, compression="none", use_dictionary=False, write_statistics=False)
    os.utime(entities, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = entities.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = peacetalks.load("entities", source=corpus_dir)
    names = again["train"].features["label"].names
    got = sorted(names[i] for split in again.values() for i in split["label"])
    assert got == sorted([swapped, *labels[1:]])
    assert got != sorted(names[i] for split in first.values() for i in split["label"])


def test_the_footer_digest_tells_parquet_files_of_one_size_apart(tmp_path: Path) -> None:
    a, b, junk = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "junk.parquet"
    pq.write_table(pa.table({"x": ["aaa", "bbb"]}), a, compression="none")
    pq.write_table(pa.table({"x": ["aaa", "bbc"]}), b, compression="none")
    junk.write_bytes(b"PAR1 not really")
    assert a.stat().st_size == b.stat().st_size
    assert footer_digest(a) != footer_digest(b)  # the statistics (max) differ
    assert footer_digest(a) == footer_digest(a)
    assert footer_digest(junk) is None
