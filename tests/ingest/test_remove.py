"""`peacetalks remove`: every row of an article in every table, its source file, refused over annotations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import signal
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import IngestError
from peacetalks.ingest.ingest import IngestOptions, ingest_many
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.remove import remove_articles
from peacetalks.ingest.splits import split_corpus
from peacetalks.schema.tables import ALL_TABLES, ANNOTATION_TABLES, ARTICLES, ENTITIES, NOTES, SCORES, STATUS
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import status_rows
from peacetalks.validation.validate import validate
from tests.conftest import SEED
from tests.storage.test_names import snapshot

DATE = dt.date(2025, 2, 12)
DOC = "tagesschau-2025-02-12-trump-und-putin-sprechen-ueber-ukraine"
OTHER = "example-2025-02-14-ein-anderer-artikel"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed and a second article, split, with a mention of the seed in gold and in layer ann-a."""
    folder = tmp_path / "c"
    init_corpus(folder)
    words = " ".join(f"Wort{i}" for i in range(80))
    record = {"headline": "Ein anderer Artikel", "paragraphs": [words], "date": "2025-02-14", "source": "example"}
    (tmp_path / "b.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    summary = ingest_many([SEED, tmp_path / "b.jsonl"], root=folder, options=IngestOptions("tagesschau", DATE))
    assert summary.ok
    split_corpus(folder)
    text = read_table(folder, ARTICLES).filter(pl.col("doc_id") == DOC)["text"][0]
    start = text.index("Baerbock")
    mention = {
        "doc_id": DOC,
        "mention_id": "m1",
        "start": start,
        "end": start + 8,
        "text": "Baerbock",
        "label": "PER",
        "form": "NAME",
        "mention_type": "NAM",
        "entity_id": "e1",
    }
    for layer in (None, "ann-a"):
        tables = {t: pl.DataFrame(schema=t.polars_schema()) for t in ANNOTATION_TABLES}
        tables[ENTITIES] = pl.DataFrame([mention], schema=ENTITIES.polars_schema())
        tables[STATUS] = status_rows([DOC, OTHER], "in-progress", set_by="test").select(STATUS.columns)
        write_tables(folder, tables, layer)
    note = {"doc_id": DOC, "note_id": "n1", "kind": "entities", "item_id": "m1", "text": "Außenministerin"}
    write_tables(folder, {NOTES: pl.DataFrame([note], schema=NOTES.polars_schema())}, "ann-a")
    score = {
        "doc_id": DOC,
        "kind": "entities",
        "item_id": "m1",
        "rule": SCORES.spec[3].values[0],
        "pattern": "Baerbock",
        "score": 1.0,
        "annotated": 1,
        "matched": 1,
        "suggester": "test",
        "version": "1",
    }
    write_tables(folder, {SCORES: pl.DataFrame([score], schema=SCORES.polars_schema())}, "ann-a")
    return folder


def test_remove_refuses_an_article_with_annotations_and_changes_nothing(corpus: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(IngestError) as exc:
        remove_articles(corpus, [DOC])
    assert exc.value.code == "has-annotations"
    assert exc.value.data == {
        "option": "with_annotations",
        "annotations": {"gold/entities": 1, "ann-a/entities": 1, "ann-a/notes": 1, "ann-a/suggestion_scores": 1},
    }
    assert snapshot(corpus) == before


def test_remove_takes_every_row_and_the_source_and_backs_them_up(corpus: Path) -> None:
    raw_file = read_table(corpus, ARTICLES).filter(pl.col("doc_id") == DOC)["raw_file"][0]
    raw = (corpus / "corpus" / "raw" / raw_file).read_bytes()
    result = remove_articles(corpus, [DOC], with_annotations=True)
    for table in ALL_TABLES:
        for layer in (None, "ann-a") if table in (*ANNOTATION_TABLES, STATUS) else (None,):
            assert read_table(corpus, table, layer).filter(pl.col("doc_id") == DOC).is_empty(), (table, layer)
    assert read_table(corpus, NOTES, "ann-a").is_empty()
    assert read_table(corpus, SCORES, "ann-a").is_empty()
    assert read_table(corpus, ARTICLES)["doc_id"].to_list() == [OTHER]
    assert not (corpus / "corpus" / "raw" / raw_file).exists()
    assert result.rows["annotations/layers/ann-a/entities.parquet"] == 1
    assert result.rows["corpus/splits.parquet"] == 1
    assert validate(corpus).valid
    backup = corpus / str(result.backup)
    manifest = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    assert manifest["removed"] == [DOC]
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((backup / name).read_bytes()).hexdigest() == sha
    assert (backup / "raw" / raw_file).read_bytes() == raw
    kept = pl.read_parquet(backup / "annotations" / "layers" / "ann-a" / "entities.parquet")
    assert kept["mention_id"].to_list() == ["m1"]
    assert pl.read_parquet(backup / "corpus" / "articles.parquet")["doc_id"].to_list() == [DOC]


def test_remove_of_an_unknown_doc_id_names_it_and_removes_nothing(corpus: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(IngestError) as exc:
        remove_articles(corpus, [OTHER, "no-such-doc"])
    assert (exc.value.code, exc.value.data) == ("unknown-doc", {"doc_ids": ["no-such-doc"]})
    assert snapshot(corpus) == before


def test_cli_remove_says_what_it_removed_and_the_hint_names_the_flag(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["remove", DOC, "-r", str(corpus)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "hint: pass --with-annotations to remove the annotations too (they are backed up)"
    )
    assert main(["remove", OTHER, "-r", str(corpus)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"removed 1 article: {OTHER}"
    assert "backup: corpus/removed/" in captured.err


def _without_stamp(tree: dict[str, bytes | str]) -> dict[str, bytes | str]:
    """A snapshot with the backup folder's timestamp taken out of its paths."""
    out = {}
    for rel, content in tree.items():
        parts = rel.split("/")
        if parts[:2] == ["corpus", "removed"] and len(parts) > 2:
            parts[2] = "STAMP"
        out["/".join(parts)] = content
    return out


@pytest.mark.parametrize("n", [0, 1, 4, 9])
def test_a_removal_killed_before_a_rename_is_finished_or_undone(corpus: Path, tmp_path: Path, n: int) -> None:
    """SIGKILL before the journal (0) changes nothing; after it, the next command finishes the removal."""
    from peacetalks.storage.roots import resolve_root
    from peacetalks.storage.transaction import KILL_ENV
    from tests.storage._cases import run_cli

    before = snapshot(corpus)
    done = tmp_path / "done"
    shutil.copytree(corpus, done)
    remove_articles(done, [DOC], with_annotations=True)
    after = _without_stamp(snapshot(done))
    run = run_cli(["remove", DOC, "--with-annotations", "-r", str(corpus)], cwd=tmp_path, env={KILL_ENV: str(n)})
    assert run.returncode == -signal.SIGKILL, run.stderr
    resolve_root(corpus)  # what every command does first
    state = _without_stamp(snapshot(corpus))
    state = {k: v for k, v in state.items() if not k.startswith(".peacetalks")}
    expected = {
        k: v for k, v in (_without_stamp(before) if n == 0 else after).items() if not k.startswith(".peacetalks")
    }
    assert state == expected
    assert validate(corpus).valid
