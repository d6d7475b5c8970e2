"""The redo journal and the corpus lock, in process: replay, strays, refusal, complete backups only."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import polars as pl
import pytest

from peacetalks.errors import ReviewError, WriteError
from peacetalks.review.gold_history import backups, history_relpath, restore
from peacetalks.schema.tables import ANNOTATION_TABLES, ENTITIES, EVENTS, STATUS
from peacetalks.storage.backups import MANIFEST
from peacetalks.storage.parquet import read_table, write_parquet
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.transaction import (
    HOLDER,
    JOURNAL,
    STATE_DIR,
    folder_lock,
    read_holder,
    transaction,
)
from peacetalks.validation.validate import validate
from tests.conftest import tiny_frames


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _unfinished_change(root: Path) -> dict[str, bytes]:
    """Layer ann-a written as a commit writes it, killed after its first rename; the staged bytes by target."""
    staging = root / STATE_DIR / "tx-0123456789ab"
    staging.mkdir(parents=True)
    steps, staged = [], {}
    for i, table in enumerate(ANNOTATION_TABLES):
        path = staging / f"{i:04d}-{table.filename}"
        write_parquet(tiny_frames()[table.name], table, path)
        steps.append(["rename", path.relative_to(root).as_posix(), table.relpath("ann-a")])
        staged[table.relpath("ann-a")] = path.read_bytes()
    (root / STATE_DIR / JOURNAL).write_text(json.dumps({"format": 1, "command": "import", "steps": steps}))
    (root / steps[0][2]).parent.mkdir(parents=True)
    os.replace(root / steps[0][1], root / steps[0][2])  # the first step ran, then the process died
    return staged


def test_an_interrupted_change_is_rolled_forward_by_the_next_reader(corpus_dir: Path) -> None:
    staged = _unfinished_change(corpus_dir)
    assert not EVENTS.path(corpus_dir, "ann-a").exists()  # entities without events: half a layer
    report = validate(corpus_dir, layer="ann-a")  # opens the corpus: replays the journal first
    assert report.valid, report.flatten(["code"])
    assert {rel: (corpus_dir / rel).read_bytes() for rel in staged} == staged
    assert [p.name for p in (corpus_dir / STATE_DIR).iterdir()] == ["lock"]  # no journal, nothing staged


@pytest.mark.parametrize(
    "journal",
    ["{not json", json.dumps({"format": 1, "steps": [["remove", "../outside.txt"]]})],
    ids=["not-json", "path-outside"],
)
def test_a_journal_that_cannot_be_read_is_left_and_named(corpus_dir: Path, journal: str) -> None:
    corpus = corpus_dir / "corpus-folder"  # so that ../outside.txt is inside this test's own folder
    shutil.copytree(corpus_dir, corpus, ignore=shutil.ignore_patterns(STATE_DIR))
    corpus_dir = corpus
    outside = corpus_dir.parent / "outside.txt"
    outside.write_text("kept")
    (corpus_dir / STATE_DIR).mkdir(exist_ok=True)
    (corpus_dir / STATE_DIR / JOURNAL).write_text(journal)
    with pytest.raises(WriteError) as info:
        resolve_root(corpus_dir)
    assert info.value.code == "interrupted-change"
    assert info.value.path == str(corpus_dir / STATE_DIR / JOURNAL)
    assert (corpus_dir / STATE_DIR / JOURNAL).exists()
    assert outside.read_text() == "kept"


def test_staged_files_without_a_journal_are_strays_and_change_nothing(corpus_dir: Path) -> None:
    before = _files(corpus_dir)
    stray = corpus_dir / STATE_DIR / "tx-0123456789ab"
    stray.mkdir(parents=True)
    (stray / "0000-entities.parquet").write_bytes(b"half a file")
    resolve_root(corpus_dir)
    assert not stray.exists()
    assert _files(corpus_dir) == before


def test_temporaries_of_killed_single_file_writes_are_removed_by_the_next_writer(corpus_dir: Path) -> None:
    old = time.time() - 60
    leftovers = [
        corpus_dir / "annotations" / ".entities.parquet.k2j4_x9q.tmp",
        corpus_dir / "corpus" / ".splits.yaml.abcdefgh.tmp",
        corpus_dir / "annotations" / "layers" / "ann-a" / ".events.parquet.zzzzzzzz.tmp",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        os.utime(path, (old, old))
    keep = corpus_dir / "annotations" / ".notes.tmp"  # not a name this package makes
    keep.write_bytes(b"mine")
    with transaction(corpus_dir, "test"):
        pass
    assert [p.exists() for p in leftovers] == [False, False, False]
    assert keep.exists()


def test_an_exception_inside_a_transaction_writes_nothing(corpus_dir: Path) -> None:
    before = _files(corpus_dir)

    def change() -> None:
        with transaction(corpus_dir, "test") as tx:
            tx.write_table(ENTITIES, tiny_frames()["entities"].head(1))
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        change()
    assert _files(corpus_dir) == before
    assert not any((corpus_dir / STATE_DIR).glob("tx-*"))


def test_a_second_writer_is_refused_after_the_timeout_naming_the_holder(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with folder_lock(corpus_dir, "import"):
            held.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        held.wait(10)
        assert read_holder(corpus_dir)["command"] == "import"
        with pytest.raises(WriteError) as info, transaction(corpus_dir, "split"):
            pass  # pragma: no cover - never entered
    finally:
        monkeypatch.setenv("PEACETALKS_LOCK_TIMEOUT", "0.2")
        done.set()
        thread.join()
    assert info.value.code == "folder-locked"
    assert (info.value.data["pid"], info.value.data["command"]) == (os.getpid(), "import")
    assert f"pid {os.getpid()} (import, since " in info.value.message
    assert not (corpus_dir / STATE_DIR / HOLDER).exists()  # the holder's note goes with the lock


@pytest.fixture(autouse=True)
def _short_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_LOCK_TIMEOUT", "0.3")


def test_a_transaction_inside_another_joins_it(corpus_dir: Path) -> None:
    with transaction(corpus_dir, "outer") as outer:
        with transaction(corpus_dir, "inner") as inner:
            inner.write_table(ENTITIES, tiny_frames()["entities"].head(2))
        assert inner is outer
        assert read_table(corpus_dir, ENTITIES).height == 3  # nothing renamed before the outer block ends
    assert read_table(corpus_dir, ENTITIES).height == 2


def test_a_target_outside_the_corpus_is_refused(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.txt"
    with pytest.raises(ValueError, match="is not in the subpath"), transaction(corpus_dir, "test") as tx:
        tx.write_text(elsewhere, "no")
    assert not elsewhere.exists()


def _interrupted_backup(root: Path) -> str:
    """A backup folder as an earlier version left it when killed: one of four tables, no manifest."""
    folder = root / history_relpath("gold") / "29990101T000000Z"
    folder.mkdir(parents=True)
    shutil.copyfile(ENTITIES.path(root), folder / ENTITIES.filename)
    return folder.name


def test_restore_never_picks_an_incomplete_backup(corpus_dir: Path) -> None:
    name = _interrupted_backup(corpus_dir)
    assert backups(corpus_dir, "gold") == []
    with pytest.raises(ReviewError) as info:
        restore(corpus_dir, "gold")
    assert info.value.code == "no-backup"
    with pytest.raises(ReviewError) as named:
        restore(corpus_dir, "gold", name)
    assert named.value.code == "backup-incomplete"
    assert all(t.path(corpus_dir).exists() for t in ANNOTATION_TABLES)


def test_a_backup_whose_files_differ_from_its_manifest_is_not_restored(corpus_dir: Path) -> None:
    restore_from = corpus_dir / history_relpath("gold") / "20250101T000000Z"
    restore_from.mkdir(parents=True)
    for table in ANNOTATION_TABLES:
        shutil.copyfile(table.path(corpus_dir), restore_from / table.filename)
    manifest = {"target": "gold", "tables": {t.filename: "0" * 64 for t in ANNOTATION_TABLES}}
    (restore_from / MANIFEST).write_text(json.dumps(manifest))
    before = _files(corpus_dir)
    with pytest.raises(ReviewError) as info:
        restore(corpus_dir, "gold")
    assert info.value.code == "backup-incomplete"
    assert _files(corpus_dir) == before


def test_restore_backs_up_and_restores_in_one_change_with_a_manifest(corpus_dir: Path) -> None:
    first = corpus_dir / history_relpath("gold") / "20250101T000000Z"
    first.mkdir(parents=True)
    shutil.copyfile(ENTITIES.path(corpus_dir), first / ENTITIES.filename)
    import hashlib

    sha = hashlib.sha256((first / ENTITIES.filename).read_bytes()).hexdigest()
    (first / MANIFEST).write_text(json.dumps({"target": "gold", "tables": {ENTITIES.filename: sha}}))
    assert STATUS.path(corpus_dir).is_file()
    done = restore(corpus_dir, "gold")
    assert done.restored_from.endswith(first.name)
    assert [t.path(corpus_dir).exists() for t in ANNOTATION_TABLES] == [True, False, False, False]
    assert not STATUS.path(corpus_dir).exists()  # the backup held no status: none is put back
    assert not (corpus_dir / "annotations" / "gold.yaml").exists()  # nor the versions gold records
    saved = corpus_dir / str(done.previous_saved_to)
    manifest = json.loads((saved / MANIFEST).read_text())
    assert sorted(manifest["tables"]) == sorted([*(t.filename for t in (*ANNOTATION_TABLES, STATUS)), "gold.yaml"])
    assert backups(corpus_dir, "gold") == [first.name, saved.name]
    assert pl.read_parquet(saved / ENTITIES.filename).height == 3
