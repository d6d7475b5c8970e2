"""Tables as polars LazyFrames and pandas DataFrames, optionally of one split."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import peacetalks
from peacetalks.errors import LoadError
from peacetalks.ingest.splits import split_corpus
from tests.loading.corpora import Doc, write_corpus


def test_scan_gives_a_lazy_table(corpus_dir: Path) -> None:
    frame = peacetalks.scan("entities", source=corpus_dir)
    assert isinstance(frame, pl.LazyFrame)
    assert frame.select("mention_id").collect()["mention_id"].to_list() == ["m1", "m2", "m3"]


def test_split_keeps_only_that_splits_articles(tmp_path: Path) -> None:
    docs = [Doc(f"doc-{i}", f"Text Nummer {i}.") for i in range(40)]
    write_corpus(tmp_path, docs)
    assignment = split_corpus(tmp_path).assignment
    for split in ("train", "validation", "test"):
        expected = sorted(assignment.filter(pl.col("split") == split)["doc_id"].to_list())
        got = peacetalks.scan("articles", split=split, source=tmp_path).collect()["doc_id"].sort().to_list()
        assert got == expected


def test_read_pandas_gives_a_dataframe(corpus_dir: Path) -> None:
    df = peacetalks.read_pandas("stances", source=corpus_dir)
    assert list(df["stance_id"]) == ["s1"]
    assert df.shape[0] == 1


def test_unknown_table_is_a_load_error(corpus_dir: Path) -> None:
    with pytest.raises(LoadError) as info:
        peacetalks.scan("mentions", source=corpus_dir)
    assert info.value.code == "unknown-table"
