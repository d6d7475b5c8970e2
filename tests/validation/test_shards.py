"""Validation unit by unit (peacetalks.validation.shards) gives the in-memory run's report, issue for issue.

The corpora are synthetic (benchmarks/synth.py) with planted errors of every kind, written again with
small row groups so that the corpus falls into several units; some errors are planted across units on
purpose: a text repeated in another unit and split, a reference to a mention of a document in another unit.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from benchmarks.synth import KINDS, generate
from peacetalks import validate
from peacetalks.validation.shards import check_unit, finish, units, validate_sharded

ARTICLES = 500  # with one article in 200 a rerun: the near-duplicate kind has articles to go into
GROUPS = 6  # row groups per file


def _rewrite(root: Path, groups: int = GROUPS) -> None:
    """Write every table of the corpus again in ``groups`` row groups (same rows, same order)."""
    for path in sorted(root.rglob("*.parquet")):
        table = pq.read_table(path)
        pq.write_table(table, path, compression="zstd", row_group_size=max(1, -(-table.num_rows // groups)))


def _edit(path: Path, frame: pl.DataFrame) -> None:
    schema = pq.read_schema(path)
    pq.write_table(frame.to_arrow().cast(schema), path, compression="zstd")


def _plant_across(root: Path) -> None:
    """Errors whose two ends lie in different units: a repeated text in another split, a foreign mention."""
    articles_path, splits_path = root / "corpus/articles.parquet", root / "corpus/splits.parquet"
    articles = pl.read_parquet(articles_path)
    first, last = articles["doc_id"][0], articles["doc_id"][-1]
    text = articles["text"][0]
    digest = hashlib.sha256(text.encode()).hexdigest()
    articles = articles.with_columns(
        pl.when(pl.col("doc_id") == last).then(pl.lit(text)).otherwise(pl.col("text")).alias("text"),
        pl.when(pl.col("doc_id") == last).then(pl.lit(digest)).otherwise(pl.col("text_sha256")).alias("text_sha256"),
    )
    _edit(articles_path, articles)
    splits = pl.read_parquet(splits_path)
    other = "test" if splits.filter(pl.col("doc_id") == first)["split"][0] != "test" else "train"
    split = pl.when(pl.col("doc_id") == last).then(pl.lit(other)).otherwise("split").alias("split")
    _edit(splits_path, splits.with_columns(split))
    # The crossing-mentions plant adds the mention m-crossing to two documents: an argument of the first
    # document and one of the last name it (the in-memory run names the first document that has it).
    args_path = root / "annotations/event_arguments.parquet"
    arguments = pl.read_parquet(args_path)
    ids = [
        arguments.filter((pl.col("doc_id") == doc) & pl.col("mention_id").is_not_null())["argument_id"][0]
        for doc in (first, last)
    ]
    foreign = pl.col("doc_id").is_in([first, last]) & pl.col("argument_id").is_in(ids)
    mention = pl.when(foreign).then(pl.lit("m-crossing")).otherwise("mention_id").alias("mention_id")
    _edit(args_path, arguments.with_columns(mention))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("units")
    generate(root, ARTICLES, seed=5, plant_errors=2 * len(KINDS))
    _plant_across(root)
    _rewrite(root)
    return root


def test_the_corpus_falls_into_units_that_cover_every_row_once(corpus: Path) -> None:
    parts = units(corpus)
    assert len(parts) == GROUPS
    assert not any(u.whole for u in parts)
    results = [check_unit(u) for u in parts]
    for name, rows in validate(corpus).checked.items():
        assert sum(r.checked.get(name, 0) for r in results) == rows, name


def test_unit_by_unit_gives_the_in_memory_report(corpus: Path) -> None:
    """Same issues (code, file, row, doc, id, column, value, message), in the same order, and the same counts."""
    expected = validate(corpus)
    got = validate_sharded(corpus)
    assert got.checked == expected.checked
    assert got.issues == expected.issues
    codes = set(got.codes())
    assert {k.code for k in KINDS} <= codes  # every planted kind is in the report compared
    assert {"split-leakage", "near-duplicate-leakage", "mention-in-other-doc"} <= codes
    other = [i for i in got.issues if i.code == "mention-in-other-doc"]
    assert len(other) == 2
    assert len({i.message for i in other}) == 1  # both name the first document that has m-crossing


def test_a_unit_pickles_and_runs_anywhere(corpus: Path) -> None:
    """What another engine sends to its workers and back: the units and their results, pickled."""
    parts = units(corpus)
    sent = pickle.loads(pickle.dumps(parts))
    assert sent == parts
    results = [pickle.loads(pickle.dumps(check_unit(u))) for u in sent]
    assert finish(parts, results[::-1]).issues == validate(corpus).issues  # results in any order


def _uncut(root: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    for path in root.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return copy


def test_row_groups_out_of_doc_order_are_one_whole_unit(corpus: Path, tmp_path: Path) -> None:
    root = _uncut(corpus, tmp_path)
    path = root / "annotations/entities.parquet"
    entities = pq.read_table(path)
    pq.write_table(entities[::-1], path, row_group_size=entities.num_rows // 4)
    parts = units(root)
    assert [u.whole for u in parts] == [True]
    assert validate_sharded(root).issues == validate(root).issues


def test_a_table_with_a_missing_column_is_one_whole_unit(corpus: Path, tmp_path: Path) -> None:
    root = _uncut(corpus, tmp_path)
    path = root / "annotations/stances.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["polarity"]), path)
    assert [u.whole for u in units(root)] == [True]
    report = validate_sharded(root)
    assert "missing-column" in report.codes()
    assert report.issues == validate(root).issues
