"""The German tokenizer of the corpus: spaCy's German rules, sentences that never cross a block or line.

Tokens and sentence starts come from ``spacy.blank("de")`` plus the rule-based ``sentencizer``
(tokenizer rules only; no model is downloaded). On top of the sentencizer, a sentence starts at
every block (kicker, headline, paragraph, ...) and after every line break, so no sentence crosses
either. White-space tokens are dropped; ``start``/``end`` are code-point offsets into the article
text, like every span of the corpus.

Every user of tokens (the ``tokens`` config, the CoNLL-2003, GermEval 2014 and spaCy exports, the
data card's token count) goes through this module, so they all see the same tokens and sentences.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

SHIFT = 32
"""A token's global key is ``doc index << SHIFT | start`` (texts are far shorter than 2**32)."""
_TEXT_BATCH = 2_000  # articles whose texts are sliced at once (bounds the memory of the gathered texts)


@functools.cache
def german_pipeline() -> Any:
    """spaCy's German tokenizer rules and the rule-based sentencizer (no model download)."""
    import spacy

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def count_tokens(texts: list[str]) -> int:
    """Tokens of ``texts`` by the German tokenizer rules, white-space tokens included (as spaCy counts)."""
    tokenizer = german_pipeline().tokenizer
    return sum(len(doc) for doc in tokenizer.pipe(texts))


def doc_index(articles: pl.DataFrame) -> pl.DataFrame:
    """doc_id -> ``__doc``, the article's position in ``articles`` (the order every token frame uses)."""
    return articles.select("doc_id", pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"))


def _global(offset: str) -> pl.Expr:
    return pl.col("__doc") * (1 << SHIFT) + pl.col(offset)


def _segment_starts(articles: pl.DataFrame, blocks: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Global start keys of every line (text after a ``\\n``) and of every block, each sorted."""
    lines = (
        articles.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"),
            pl.col("text").str.split("\n").list.eval(pl.element().str.len_chars() + 1).alias("__len"),
        )
        .explode("__len")
        .with_columns((pl.col("__len").cum_sum().over("__doc") - pl.col("__len")).cast(pl.Int64).alias("start"))
        .select(_global("start").alias("__key"), pl.int_range(pl.len(), dtype=pl.Int64).alias("__line"))
        .sort("__key")
    )
    if blocks is None:
        blocks = pl.DataFrame(schema={"doc_id": pl.String, "block_id": pl.Int64, "start": pl.Int64})
    starts = (
        blocks.join(doc_index(articles), on="doc_id")
        .select(_global("start").alias("__key"), pl.col("block_id").cast(pl.Int64).alias("__block"))
        .sort("__key")
    )
    return lines, starts


def tokenize(
    articles: pl.DataFrame, blocks: pl.DataFrame | None = None, *, each_doc: Callable[[int, Any], None] | None = None
) -> pl.DataFrame:
    """Every non-space token of ``articles`` (doc_id, text), sorted by article (in frame order) and offset.

    Columns: ``doc_id``, ``__doc`` (article position), ``__key`` (global start), ``__i`` (spaCy's
    token index in the article's Doc, white space counted), ``sentence_id`` (0-based per article),
    ``start``, ``end``. ``blocks`` (doc_id, block_id, start) adds block starts as sentence starts.
    ``each_doc(position, doc)`` is called with each article's spaCy ``Doc`` as it is made, so that a
    caller that needs the Docs too (a matcher) does not tokenize the texts a second time.
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    arrays, counts = [], []
    for position, doc in enumerate(german_pipeline().pipe(articles["text"].to_list(), batch_size=64)):
        if each_doc is not None:
            each_doc(position, doc)
        arrays.append(doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE]).astype(np.int64))
        counts.append(len(doc))
    stacked = np.concatenate(arrays) if arrays else np.zeros((0, 4), dtype=np.int64)
    tokens = (
        pl.DataFrame(
            {
                "__doc": np.repeat(np.arange(len(counts), dtype=np.int64), counts),
                "__i": np.concatenate([np.arange(n, dtype=np.int64) for n in counts]) if counts else [],
                "start": stacked[:, 0],
                "end": stacked[:, 0] + stacked[:, 1],
                "__spacy_sent": stacked[:, 2] == 1,
                "__space": stacked[:, 3] == 1,
            },
            schema_overrides={"__i": pl.Int64},
        )
        .with_columns(pl.col("__spacy_sent").cum_sum().over("__doc").alias("__spacy_sent"))
        .filter(~pl.col("__space"))
        .with_columns(_global("start").alias("__key"))
        .sort("__key")
    )
    lines, starts = _segment_starts(articles, blocks)
    tokens = tokens.join_asof(lines, on="__key", strategy="backward").join_asof(starts, on="__key", strategy="backward")
    segments = ("__doc", "__spacy_sent", "__line", "__block")
    new_sentence = pl.any_horizontal(pl.col(c).fill_null(-1) != pl.col(c).shift(1).fill_null(-1) for c in segments)
    tokens = tokens.with_columns((new_sentence.cast(pl.Int64).cum_sum().over("__doc") - 1).alias("sentence_id"))
    return tokens.join(doc_index(articles), on="__doc", maintain_order="left").select(
        "doc_id", "__doc", "__key", "__i", "sentence_id", "start", "end"
    )


def token_texts(articles: pl.DataFrame, tokens: pl.DataFrame) -> pl.Series:
    """``text[start:end]`` of each row of ``tokens`` (a frame of :func:`tokenize` on the same ``articles``)."""
    docs = tokens["__doc"].to_numpy()
    parts = []
    for first in range(0, articles.height, _TEXT_BATCH):
        lo, hi = np.searchsorted(docs, [first, first + _TEXT_BATCH])
        part = tokens.slice(int(lo), int(hi - lo))
        # One chunk first: polars gathers a string column of several chunks (the shards of a table read
        # whole) by copying each string, a 4,000-character text once per token; from one chunk it gathers views.
        texts = articles["text"].slice(first, _TEXT_BATCH).rechunk().gather(part["__doc"] - first)
        covered = pl.col("__text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
        parts.append(part.with_columns(texts.alias("__text")).select(covered.alias("token")).to_series())
    return pl.concat(parts) if parts else pl.Series("token", [], dtype=pl.String)
