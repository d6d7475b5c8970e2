"""The byte-level span check (code points mapped to UTF-8 bytes) reports what slicing by code point would."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks.validation.checks import spans as span_checks
from peacetalks.validation.checks._issues import ROW
from peacetalks.validation.checks._utf8 import WHITE_SPACE, ByteMap
from peacetalks.validation.checks.spans import SpanSpec, article_index, span_issues

# One- to four-byte code points, white space of every width, combining marks.
ALPHABET = "aZ ßäöü„“–\u00a0\u2009\u3000\t\n\u0301€𝔘😀"
SPEC = SpanSpec("annotations/entities.parquet", "mention_id", "start", "end", "text")
BLOCKS = SpanSpec("corpus/blocks.parquet", "block_id", "start", "end", None)


def test_white_space_is_what_polars_calls_white_space() -> None:
    """The code points the fast path treats as white space are exactly those polars' ``\\s`` matches."""
    points = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    chars = pl.Series([chr(cp) for cp in points])
    matched = {cp for cp, hit in zip(points, chars.str.contains(r"^\s$"), strict=True) if hit}
    assert matched == set(WHITE_SPACE)


def test_byte_map_finds_every_code_point() -> None:
    texts = ["", "aä😀b", "ß", "plain"]
    mapped = ByteMap(pl.Series(texts))
    for doc, text in enumerate(texts):
        chars = np.arange(len(text) + 1, dtype=np.int64)
        got = mapped.byte(np.full(chars.size, doc, dtype=np.int64), chars)
        base = sum(len(t.encode()) for t in texts[:doc])
        want = [base + len(text[:k].encode()) for k in range(len(text) + 1)]
        assert got.tolist() == want


def _expected(articles: pl.DataFrame, spans: pl.DataFrame, spec: SpanSpec) -> set[tuple[int, str]]:
    """(row, code) by slicing every span by code point in Python, independent of the validator."""
    texts = dict(zip(articles["doc_id"], articles["text"], strict=True))
    white = {chr(cp) for cp in WHITE_SPACE}  # polars' \s, checked above
    out = set()

    def word(c: str) -> bool:  # a letter or digit of the Basic Multilingual Plane
        return c.isalnum() and ord(c) < 0x10000

    for row in spans.iter_rows(named=True):
        text, start, end = texts[row["doc_id"]], row["start"], row["end"]
        covered = text[start:end]
        failed = {"span-whitespace"} if covered[0] in white or covered[-1] in white else set()
        if spec.text and row["text"] != covered:
            failed.add("span-text-mismatch")
        cuts = (start > 0 and word(text[start - 1]) and word(text[start])) or (
            end < len(text) and word(text[end - 1]) and word(text[end])
        )
        if cuts and not failed:  # a span already failing is not also told it cuts a word
            failed.add("span-inside-word")
        out |= {(row[ROW], code) for code in failed}
    return out


@st.composite
def corpora(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    texts = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=40), min_size=1, max_size=5))
    rows = []
    for doc, text in enumerate(texts):
        for _ in range(draw(st.integers(0, 6))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            stored = text[start:end]
            choice = draw(st.sampled_from(["same", "shifted", "edited", "longer"]))
            if choice == "shifted" and end < len(text):
                stored = text[start + 1 : end + 1]
            elif choice == "edited":
                stored = stored[:-1] + draw(st.sampled_from(list(ALPHABET)))
            elif choice == "longer":
                stored = stored + draw(st.sampled_from(list(ALPHABET)))
            rows.append({"doc_id": f"d{doc}", "start": start, "end": end, "text": stored})
    articles = pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    spans = pl.DataFrame(rows, schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String})
    spans = spans.with_columns(pl.format("m{}", pl.int_range(pl.len())).alias("mention_id")).with_row_index(ROW)
    return articles, spans


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.sampled_from([1, 2, 2_000]))
def test_byte_check_agrees_with_slicing(corpus: tuple[pl.DataFrame, pl.DataFrame], batch: int) -> None:
    articles, spans = corpus
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(span_checks, "BATCH_DOCS", batch)
        index = article_index(articles)
        got = {(i.row, i.code) for i in span_issues([(spans, SPEC)], articles, index)}
        assert got == _expected(articles, spans, SPEC)
        blocks = spans.drop("text").rename({"mention_id": "block_id"})
        got = {(i.row, i.code) for i in span_issues([(blocks, BLOCKS)], articles, index)}
        assert got == _expected(articles, blocks, BLOCKS)


def test_null_stored_text_is_not_compared_but_its_ends_are() -> None:
    articles = pl.DataFrame({"doc_id": ["d"], "text": ["Putin sagte: ja"]})
    spans = pl.DataFrame(
        {"doc_id": ["d", "d"], "mention_id": ["a", "b"], "start": [0, 5], "end": [5, 11], "text": [None, None]},
        schema_overrides={"text": pl.String},
    ).with_row_index(ROW)
    spec = SpanSpec("annotations/event_arguments.parquet", "mention_id", "start", "end", "text", optional=True)
    issues = span_issues([(spans, spec)], articles, article_index(articles))
    assert [(i.row, i.code) for i in issues] == [(1, "span-whitespace")]
