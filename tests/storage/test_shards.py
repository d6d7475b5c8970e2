"""The two layouts of a table (one file, or a folder of shards) and the conversion between them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import CorpusRootError, TableReadError, WriteError
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, BLOCKS, ENTITIES, STATUS
from peacetalks.storage.parquet import read_table, write_parquet
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.roots import corpus_root, find_corpus_root, is_corpus_root
from peacetalks.storage.shards import (
    Partition,
    check_layout,
    is_sharded,
    layout_problems,
    read_partition,
    shard_count,
    split_by_shard,
    stored_tables,
    table_exists,
    table_files,
)
from peacetalks.storage.transaction import transaction
from tests.conftest import status_frame, tiny_frames

DOCS = [f"doc-{i:02d}" for i in range(7)]


def _articles(doc_ids: list[str]) -> pl.DataFrame:
    base = tiny_frames()["articles"]
    return pl.concat([base.with_columns(pl.lit(d).alias("doc_id")) for d in doc_ids])


def _entities(doc_ids: list[str]) -> pl.DataFrame:
    base = tiny_frames()["entities"].head(1)
    return pl.concat(
        [base.with_columns(pl.lit(d).alias("doc_id"), pl.lit(f"m-{d}").alias("mention_id")) for d in doc_ids]
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A single-file corpus of seven articles, one mention each, gold status and one layer with notes."""
    with transaction(tmp_path, "test") as tx:
        tx.write_table(ARTICLES, _articles(DOCS))
        tx.write_table(ENTITIES, _entities(DOCS))
        tx.write_table(STATUS, status_frame(DOCS))
        tx.write_table(ENTITIES, _entities(DOCS[:3]), "ann-a")
    return tmp_path


def _parts(root: Path, folder: str) -> list[list[str]]:
    files = sorted((root / folder).glob("part-*.parquet"))
    return [pl.read_parquet(f)["doc_id"].unique(maintain_order=True).to_list() for f in files]


def test_a_single_file_table_is_its_one_file(corpus: Path) -> None:
    assert table_files(corpus, ARTICLES) == [corpus / "corpus" / "articles.parquet"]
    assert table_files(corpus, BLOCKS) == []
    assert (is_sharded(corpus), shard_count(corpus), check_layout(corpus)) == (False, 1, 0)
    assert read_partition(corpus) is None


def test_shard_cuts_every_table_at_the_same_documents_in_sorted_ranges(corpus: Path) -> None:
    single = {(t.name, layer): read_table(corpus, t, layer) for t, layer in stored_tables(corpus)}
    result = shard_corpus(corpus, shards=3)
    assert (result.before, result.after, result.documents) == (0, 3, 7)
    assert not (corpus / "corpus" / "articles.parquet").exists()
    assert (is_sharded(corpus), shard_count(corpus), check_layout(corpus)) == (True, 3, 3)
    assert _parts(corpus, "corpus/articles") == [DOCS[0:3], DOCS[3:5], DOCS[5:7]]
    assert _parts(corpus, "annotations/entities") == [DOCS[0:3], DOCS[3:5], DOCS[5:7]]
    assert _parts(corpus, "annotations/layers/ann-a/entities") == [DOCS[0:3], [], []]
    for (name, layer), df in single.items():  # read back in order: the same rows, the same order
        table = next(t for t in ALL_TABLES if t.name == name)
        assert read_table(corpus, table, layer).equals(df), (name, layer)


def test_docs_per_shard_leaves_the_rest_in_the_last_shard(corpus: Path) -> None:
    assert shard_corpus(corpus, docs_per_shard=3).after == 3
    assert _parts(corpus, "corpus/articles") == [DOCS[0:3], DOCS[3:6], DOCS[6:7]]


def test_single_converts_back_and_resharding_changes_the_count(corpus: Path) -> None:
    before = read_table(corpus, ENTITIES)
    shard_corpus(corpus, shards=4)
    assert shard_corpus(corpus, shards=2).before == 4
    assert shard_count(corpus) == 2
    assert len(list((corpus / "annotations" / "entities").iterdir())) == 2
    result = shard_corpus(corpus, single=True)
    assert (result.before, result.after) == (2, 0)
    assert not (corpus / "corpus" / "articles").exists()
    assert not (corpus / "annotations" / "layers" / "ann-a" / "entities").exists()
    assert read_table(corpus, ENTITIES).equals(before)


def test_the_same_layout_again_rewrites_nothing(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    mtime = (corpus / "corpus" / "articles" / "part-00000.parquet").stat().st_mtime_ns
    assert shard_corpus(corpus, shards=2).tables == []
    assert (corpus / "corpus" / "articles" / "part-00000.parquet").stat().st_mtime_ns == mtime


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({}, "bad-shard-option"),
        ({"shards": 2, "single": True}, "bad-shard-option"),
        ({"shards": 0}, "bad-shard-option"),
    ],
)
def test_shard_takes_exactly_one_positive_option(corpus: Path, options: dict[str, object], code: str) -> None:
    with pytest.raises(WriteError) as caught:
        shard_corpus(corpus, **options)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert (corpus / "corpus" / "articles.parquet").is_file()


def test_a_sharded_corpus_is_a_corpus_folder(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    assert is_corpus_root(corpus)
    assert find_corpus_root(corpus / "annotations") == corpus
    assert corpus_root(corpus) == corpus


def test_a_folder_without_articles_in_either_layout_is_not_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "corpus" / "blocks").mkdir(parents=True)
    with pytest.raises(CorpusRootError) as caught:
        corpus_root(tmp_path)
    assert caught.value.code == "not-a-corpus"
    assert "corpus/articles/" in caught.value.message


def test_writes_keep_a_sharded_corpus_sharded_and_co_partitioned(corpus: Path) -> None:
    shard_corpus(corpus, shards=3)
    new = ["doc-00a", "doc-03a", "doc-99"]  # sort into shard 0, shard 1 and the last shard
    with transaction(corpus, "test") as tx:
        tx.write_table(ARTICLES, _articles(sorted([*DOCS, *new])))
        tx.write_table(ENTITIES, _entities(sorted([*DOCS, *new])))
    assert not (corpus / "corpus" / "articles.parquet").exists()
    expected = [
        ["doc-00", "doc-00a", "doc-01", "doc-02"],
        ["doc-03", "doc-03a", "doc-04"],
        ["doc-05", "doc-06", "doc-99"],
    ]
    assert _parts(corpus, "corpus/articles") == expected
    assert _parts(corpus, "annotations/entities") == expected
    assert read_table(corpus, ARTICLES)["doc_id"].is_sorted()


def test_a_new_table_of_a_sharded_corpus_is_written_in_shards(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    with transaction(corpus, "test") as tx:
        tx.write_table(ENTITIES, _entities(DOCS[4:]), "ann-new")
    assert _parts(corpus, "annotations/layers/ann-new/entities") == [[], DOCS[4:]]


def test_documents_keep_their_shard_when_the_shards_are_not_ranges(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    folder = corpus / "corpus" / "articles"  # swap two documents between the shards, as a hand-made corpus may
    a, b = (
        read_table(corpus, ARTICLES).filter(pl.col("doc_id").is_in(ids))
        for ids in ([*DOCS[:3], DOCS[5]], [*DOCS[3:5], DOCS[6]])
    )
    write_parquet(a, ARTICLES, folder / "part-00000.parquet")
    write_parquet(b, ARTICLES, folder / "part-00001.parquet")
    partition = read_partition(corpus)
    assert partition is not None
    assert partition.assign(pl.Series(DOCS)).to_list() == [0, 0, 0, 1, 1, 0, 1]
    parts = split_by_shard(_entities(DOCS), partition)
    assert [p["doc_id"].to_list() for p in parts] == [[*DOCS[:3], DOCS[5]], [*DOCS[3:5], DOCS[6]]]


def test_by_ranges_is_even_and_covers_every_document() -> None:
    partition = Partition.by_ranges(pl.Series([f"d{i:03d}" for i in range(10)]), 4)
    assert partition.members.group_by("shard").len().sort("shard")["len"].to_list() == [3, 2, 3, 2]
    assert Partition.by_ranges(pl.Series(["a", "b"]), 4).members["shard"].to_list() == [0, 2]


def test_a_table_that_is_a_file_and_a_folder_is_an_error(corpus: Path) -> None:
    (corpus / "annotations" / "entities").mkdir()
    with pytest.raises(TableReadError) as caught:
        read_table(corpus, ENTITIES)
    assert (caught.value.code, caught.value.path) == ("table-file-and-folder", "annotations/entities.parquet")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["part-00000.parquet", "part-00002.parquet"], "part-00001.parquet"),
        (["part-00001.parquet"], "part-00000.parquet"),
        (["part-00000.parquet", "notes.txt"], "notes.txt"),
        (["part-0.parquet"], "part-0.parquet"),
        ([], "no shards"),
    ],
)
def test_a_shard_folder_must_be_numbered_from_0_without_gaps(corpus: Path, names: list[str], message: str) -> None:
    shard_corpus(corpus, shards=1)
    folder = corpus / "annotations" / "entities"
    shutil.rmtree(folder)
    folder.mkdir()
    for name in names:
        write_parquet(_entities(DOCS), ENTITIES, folder / name)
    with pytest.raises(TableReadError) as caught:
        read_table(corpus, ENTITIES)
    assert (caught.value.code, caught.value.path) == ("bad-shards", "annotations/entities/")
    assert message in caught.value.message


def test_a_damaged_shard_is_named(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    (corpus / "annotations" / "entities" / "part-00001.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(TableReadError) as caught:
        read_table(corpus, ENTITIES)
    assert (caught.value.code, caught.value.path) == ("unreadable-file", "annotations/entities/part-00001.parquet")


def test_shards_with_other_columns_are_named(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    target = corpus / "annotations" / "entities" / "part-00001.parquet"
    pl.read_parquet(target).drop("text").write_parquet(target)
    with pytest.raises(TableReadError) as caught:
        read_table(corpus, ENTITIES)
    assert (caught.value.code, caught.value.path) == ("bad-shards", "annotations/entities/part-00001.parquet")


def test_columns_read_from_every_shard(corpus: Path) -> None:
    shard_corpus(corpus, shards=3)
    assert read_table(corpus, ARTICLES, columns=["doc_id"]).columns == ["doc_id"]
    assert read_table(corpus, ARTICLES, columns=["doc_id"])["doc_id"].to_list() == DOCS
    assert read_table(corpus, BLOCKS, missing_ok=True, columns=["doc_id"]).columns == ["doc_id"]


def test_mixed_layouts_and_counts_are_each_named_and_refused_by_writers(corpus: Path) -> None:
    shard_corpus(corpus, shards=2)
    shutil.rmtree(corpus / "annotations" / "status")
    write_parquet(status_frame(DOCS), STATUS, corpus / "annotations" / "status.parquet")
    (corpus / "annotations" / "layers" / "ann-a" / "entities" / "part-00001.parquet").unlink()
    problems = [(p.code, p.path) for p in layout_problems(corpus)]
    assert problems == [
        ("mixed-layout", "annotations/status.parquet"),
        ("shard-counts-differ", "annotations/layers/ann-a/entities/"),
    ]
    for call in (lambda: shard_corpus(corpus, single=True), lambda: _write_one(corpus)):
        with pytest.raises(TableReadError) as caught:
            call()
        assert caught.value.code == "mixed-layout"
        assert len(caught.value.data["problems"]) == 2
    assert table_exists(corpus, STATUS)
    assert (corpus / "corpus" / "articles").is_dir()


def _write_one(root: Path) -> None:
    with transaction(root, "test") as tx:
        tx.write_table(ENTITIES, _entities(DOCS))


def test_a_single_file_corpus_with_one_sharded_table_is_mixed(corpus: Path) -> None:
    shard_corpus(corpus, shards=1)
    shard_corpus(corpus, single=True)
    folder = corpus / "annotations" / "entities"
    folder.mkdir()
    write_parquet(_entities(DOCS), ENTITIES, folder / "part-00000.parquet")
    (corpus / "annotations" / "entities.parquet").unlink()
    assert [(p.code, p.path) for p in layout_problems(corpus)] == [("mixed-layout", "annotations/entities/")]


def test_the_shard_command_converts_and_says_what_it_did(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shard", str(corpus), "--shards", "3"]) == 0
    assert capsys.readouterr().out.strip() == "7 articles: single-file -> 3 shards; 4 tables rewritten"
    assert main(["shard", "-r", str(corpus), "--shards", "3"]) == 0
    assert capsys.readouterr().out.strip() == "the corpus is 3 shards already: nothing rewritten"
    assert main(["shard", "-r", str(corpus), "--single", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) | {"tables": []} == {
        "before": 3,
        "after": 0,
        "documents": 7,
        "tables": [],
    }
    assert (corpus / "corpus" / "articles.parquet").is_file()


@pytest.mark.parametrize("options", [[], ["--shards", "2", "--single"], ["--docs-per-shard", "-1"]])
def test_the_shard_command_takes_exactly_one_option(
    corpus: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["shard", "-r", str(corpus), *options]) == 2
    assert "exactly one of" in capsys.readouterr().err or options == ["--docs-per-shard", "-1"]
    assert (corpus / "corpus" / "articles.parquet").is_file()


def test_the_shard_command_refuses_a_mixed_corpus_in_one_line(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shard_corpus(corpus, shards=2)
    write_parquet(status_frame(DOCS), STATUS, corpus / "annotations" / "status.parquet")
    shutil.rmtree(corpus / "annotations" / "status")
    assert main(["shard", "-r", str(corpus), "--single"]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("error: annotations/status.parquet [mixed-layout] this table is one file")
