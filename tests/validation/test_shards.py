"""Validation unit by unit (peacetalks.validation.shards) gives the in-memory run's report, issue for issue.

The corpora are synthetic (benchmarks/synth.py) with planted errors of every kind, written again with
small row groups so that the corpus falls into several units; some errors are planted across units on
purpose: a text repeated in another unit and split, a reference to a mention of a document in another unit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from benchmarks.synth import KINDS, generate
from peacetalks import Issue, Report, validate
from peacetalks.storage.reshard import shard_corpus
from peacetalks.validation import shards
from peacetalks.validation.shards import check_unit, finish

ARTICLES = 500  # with one article in 200 a rerun: the near-duplicate kind has articles to go into
GROUPS = 6  # row groups per file


def units(root: Path) -> list[shards.Unit]:
    return shards.units(root, min_articles=1)


def validate_sharded(root: Path) -> Report:
    return finish(units(root), [check_unit(u) for u in units(root)])


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
    for name, rows in validate(corpus, bounded=False).checked.items():
        assert sum(r.checked.get(name, 0) for r in results) == rows, name


def test_unit_by_unit_gives_the_in_memory_report(corpus: Path) -> None:
    """Same issues (code, file, row, doc, id, column, value, message), in the same order, and the same counts."""
    expected = validate(corpus, bounded=False)
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
    assert finish(parts, results[::-1]).issues == validate(corpus, bounded=False).issues  # results in any order


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
    assert validate_sharded(root).issues == validate(root, bounded=False).issues


def test_a_table_with_a_missing_column_is_one_whole_unit(corpus: Path, tmp_path: Path) -> None:
    root = _uncut(corpus, tmp_path)
    path = root / "annotations/stances.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["polarity"]), path)
    assert [u.whole for u in units(root)] == [True]
    report = validate_sharded(root)
    assert "missing-column" in report.codes()
    assert report.issues == validate(root, bounded=False).issues


def test_validate_goes_unit_by_unit_when_the_corpus_has_several(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``validate`` goes unit by unit when a corpus has several; with units of 20,000 articles this one has one."""
    assert len(shards.units(corpus)) == 1  # 500 articles: below UNIT_ARTICLES
    seen: list[int] = []
    real = shards.check_unit

    def check(unit: shards.Unit) -> shards.UnitResult:
        seen.append(unit.index)
        return real(unit)

    monkeypatch.setattr(shards, "check_unit", check)
    cut = shards.units
    monkeypatch.setattr(shards, "units", lambda root, layer, *, today: cut(root, layer, today=today, min_articles=1))
    assert validate(corpus).issues == validate(corpus, bounded=False).issues
    assert seen == list(range(GROUPS))


# ---------------------------------------------------------------------------------------------
# A sharded corpus: a unit per shard
# ---------------------------------------------------------------------------------------------

SHARDS = 3


@pytest.fixture(scope="module")
def sharded(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus above (every planted kind, the errors across units) as three shards."""
    root = _uncut(corpus, tmp_path_factory.mktemp("sharded"))
    shard_corpus(root, shards=SHARDS)
    assert not (root / "corpus/articles.parquet").exists()
    return root


def _located(report: Report, root: Path) -> list[Issue]:
    """The single-file report's issues with each row named as in the sharded corpus: shard file, row in it."""
    offsets: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(root.rglob("part-*.parquet")):
        table = path.parent.relative_to(root).as_posix() + ".parquet"
        at = sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(path.parent.glob("part-*.parquet")) if p < path)
        offsets.setdefault(table, []).append((at, path.relative_to(root).as_posix()))
    out = []
    for issue in report.issues:
        if issue.row is not None and issue.file in offsets:
            at, name = max((o, n) for o, n in offsets[issue.file] if o <= issue.row)
            issue = dataclasses.replace(issue, file=name, row=issue.row - at)
        out.append(issue)
    return sorted(out, key=Issue.sort_key)


def test_a_sharded_corpus_is_a_unit_per_shard(sharded: Path) -> None:
    parts = shards.units(sharded)
    assert len(parts) == SHARDS
    assert not any(u.whole for u in parts)
    for k, unit in enumerate(parts):
        assert all(Path(p.path).name == f"part-{k:05d}.parquet" for p in unit.parts)


def test_shard_by_shard_gives_the_in_memory_report(corpus: Path, sharded: Path) -> None:
    """The same issues as the in-memory run on the shards, and as on the single file, rows located in shards."""
    got = validate(sharded)
    assert got.issues == validate(sharded, bounded=False).issues
    assert got.issues == _located(validate(corpus, bounded=False), sharded)
    assert got.checked == validate(corpus, bounded=False).checked
    assert {"split-leakage", "near-duplicate-leakage", "mention-in-other-doc"} | {k.code for k in KINDS} <= set(
        got.codes()
    )
    assert any(i.file == "annotations/entities/part-00002.parquet" for i in got.issues)


def test_a_document_split_across_shards_is_checked_whole(sharded: Path, tmp_path: Path) -> None:
    """A document with rows in two shards: checked as the in-memory run checks it, not shard by shard."""
    root = _uncut(sharded, tmp_path)
    first, second = root / "annotations/entities/part-00000.parquet", root / "annotations/entities/part-00001.parquet"
    moving = pl.read_parquet(second)
    doc = moving["doc_id"][0]
    _edit(first, pl.concat([pl.read_parquet(first), moving.filter(pl.col("doc_id") == doc)]))
    _edit(second, moving.filter(pl.col("doc_id") != doc))
    report = validate(root)
    assert report.issues == validate(root, bounded=False).issues
    assert not [i for i in report.issues if i.code == "unknown-doc"]  # shard by shard would have said so
