"""Validation of a sharded corpus: its layout, and every document's rows in the shard of its article."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from peacetalks.schema.tables import ARTICLES, ENTITIES, STATUS
from peacetalks.storage.parquet import read_table, write_parquet
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.transaction import transaction
from peacetalks.validation.checks.partition import doc_keys, split_issues
from peacetalks.validation.validate import validate
from tests.conftest import status_frame
from tests.storage.test_shards import DOCS, _articles, _entities  # the seven-document corpus of those tests


@pytest.fixture
def sharded(tmp_path: Path) -> Path:
    with transaction(tmp_path, "test") as tx:
        tx.write_table(ARTICLES, _articles(DOCS))
        tx.write_table(ENTITIES, _entities(DOCS))
        tx.write_table(STATUS, status_frame(DOCS))
    shard_corpus(tmp_path, shards=3)  # doc-00..02 | doc-03..04 | doc-05..06
    return tmp_path


def test_a_well_sharded_corpus_has_no_shard_issues(sharded: Path) -> None:
    report = validate(sharded)
    assert not [
        i for i in report.issues if i.code in ("doc-split-across-shards", "mixed-layout", "shard-counts-differ")
    ]


def test_a_mention_in_another_shard_than_its_article_is_named_with_file_and_row(sharded: Path) -> None:
    first = sharded / "annotations" / "entities" / "part-00000.parquet"
    last = sharded / "annotations" / "entities" / "part-00002.parquet"
    moved = pl.read_parquet(first).filter(pl.col("doc_id") == "doc-01")
    write_parquet(pl.read_parquet(first).filter(pl.col("doc_id") != "doc-01"), ENTITIES, first)
    write_parquet(pl.concat([pl.read_parquet(last), moved]), ENTITIES, last)
    issues = [i for i in validate(sharded).issues if i.code == "doc-split-across-shards"]
    assert [(i.file, i.row, i.doc_id) for i in issues] == [("annotations/entities/part-00002.parquet", 0, "doc-01")]
    assert "corpus/articles/part-00000.parquet" in issues[0].message
    assert "shard 2" in issues[0].message


def test_an_article_in_two_shards_is_split_and_its_strays_are_named(sharded: Path) -> None:
    last = sharded / "corpus" / "articles" / "part-00002.parquet"
    extra = read_table(sharded, ARTICLES).filter(pl.col("doc_id") == "doc-03")
    write_parquet(pl.concat([pl.read_parquet(last), extra]), ARTICLES, last)
    issues = [i for i in validate(sharded).issues if i.code == "doc-split-across-shards"]
    assert [(i.file, i.row, i.doc_id) for i in issues] == [("corpus/articles/part-00002.parquet", 0, "doc-03")]


def test_without_an_article_the_first_shard_of_a_document_is_its_home() -> None:
    keys = pl.concat(
        [
            doc_keys(pl.Series(["x", "x", "y"]), table="entities", file="e/part-00000.parquet", shard=0),
            doc_keys(pl.Series(["y", "x"]), table="entities", file="e/part-00001.parquet", shard=1),
            doc_keys(pl.Series(["y"]), table="articles", file="a/part-00001.parquet", shard=1),
        ]
    )
    found = [(i.file, i.row, i.doc_id) for i in split_issues(keys)]
    assert found == [("e/part-00000.parquet", 2, "y"), ("e/part-00001.parquet", 1, "x")]
    assert "no article holds it" in split_issues(keys)[1].message


def test_mixed_layouts_are_issues_of_validate(sharded: Path) -> None:
    shutil.rmtree(sharded / "annotations" / "status")
    write_parquet(status_frame(DOCS), STATUS, sharded / "annotations" / "status.parquet")
    (sharded / "annotations" / "entities" / "part-00002.parquet").unlink()
    found = [(i.file, i.code) for i in validate(sharded).issues if i.code in ("mixed-layout", "shard-counts-differ")]
    assert found == [("annotations/entities/", "shard-counts-differ"), ("annotations/status.parquet", "mixed-layout")]


def test_a_damaged_shard_is_an_issue_naming_the_shard(sharded: Path) -> None:
    (sharded / "annotations" / "entities" / "part-00001.parquet").write_bytes(b"not parquet")
    found = [(i.file, i.code) for i in validate(sharded).issues if i.code == "unreadable-file"]
    assert found == [("annotations/entities/part-00001.parquet", "unreadable-file")]


def test_a_table_as_file_and_folder_and_a_gap_in_the_shards_are_issues(sharded: Path) -> None:
    write_parquet(_entities(DOCS), ENTITIES, sharded / "annotations" / "entities.parquet")
    (sharded / "corpus" / "articles" / "part-00001.parquet").unlink()
    found = [(i.file, i.code) for i in validate(sharded).issues if i.code in ("table-file-and-folder", "bad-shards")]
    assert found == [("annotations/entities.parquet", "table-file-and-folder"), ("corpus/articles/", "bad-shards")]
