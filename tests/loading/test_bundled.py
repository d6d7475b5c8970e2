"""Every config loads from the bundled corpus (the real gold annotations), and tokens slice its text."""

from __future__ import annotations

from pathlib import Path

import datasets
import polars as pl
import pytest

import peacetalks
from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.storage.roots import bundled_root


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path))


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_bundled_corpus_loads(config: str) -> None:
    root = bundled_root()
    if not (root / "annotations" / "entities.parquet").exists():
        pytest.skip("the bundled corpus has no gold annotations yet")
    ds = peacetalks.load(config, source=root)
    assert isinstance(ds, datasets.DatasetDict)
    total = sum(d.num_rows for d in ds.values())
    if config in ("entities", "stances", "events"):
        assert total == peacetalks.scan(config, source=root).select(pl.len()).collect().item()
    else:
        assert total > 0


def test_bundled_tokens_slice_the_article_text() -> None:
    root = bundled_root()
    texts = dict(peacetalks.scan("articles", source=root).select("doc_id", "text").collect().iter_rows())
    ds = peacetalks.load("tokens", source=root)
    tagged = 0
    for split in ds.values():
        for row in split:
            text = texts[row["doc_id"]]
            assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"], strict=True)] == row["tokens"]
            tagged += sum(tag != 0 for tag in row["ner_tags"])
    assert tagged > 0
