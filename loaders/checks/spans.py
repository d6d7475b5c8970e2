"""Span checks: a span fits its article, and its stored text is what the article says there.

Article text is never joined onto the whole annotation table. Spans are compared against
their article in batches of ``BATCH_DOCS`` articles, so memory stays bounded by one batch
whatever the size of the corpus (polars slices by code point, as the offsets count).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from peacetalks.checks._issues import ROW, issues_from
from peacetalks.report import Issue

BATCH_DOCS = 2_000
_DOC_INDEX = "__doc"
_LEN = "__len"
_POS = "__pos"  # the row's position in the frame given to span_issues


@dataclass(frozen=True)
class SpanSpec:
    file: str
    id_column: str
    start: str
    end: str
    text: str | None  # the stored covered text, if the table has one
    optional: bool = False  # span columns may be null (event arguments that point at mentions)


def article_index(articles: pl.DataFrame) -> pl.DataFrame:
    """doc_id -> position and text length, computed once per validation run."""
    return articles.select(
        "doc_id",
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(_DOC_INDEX),
        pl.col("text").str.len_chars().cast(pl.Int64).alias(_LEN),
    ).unique("doc_id", keep="first")


def covered_text(
    articles: pl.DataFrame, index: pl.DataFrame, spans: pl.DataFrame, start: str, end: str
) -> pl.DataFrame:
    """``text[start:end]`` for each valid span row, as a frame of ``__row`` and ``__covered``."""
    located = spans.select(ROW, "doc_id", start, end).join(index.select("doc_id", _DOC_INDEX), on="doc_id")
    located = located.with_columns((pl.col(_DOC_INDEX) // BATCH_DOCS).alias("__batch"))
    parts = []
    for (batch,), part in located.partition_by("__batch", as_dict=True).items():
        texts = articles.slice(int(batch) * BATCH_DOCS, BATCH_DOCS).select("doc_id", "text")
        parts.append(
            part.join(texts, on="doc_id").select(
                ROW, pl.col("text").str.slice(pl.col(start), pl.col(end) - pl.col(start)).alias("__covered")
            )
        )
    if not parts:
        return pl.DataFrame(schema={ROW: pl.UInt32, "__covered": pl.String})
    return pl.concat(parts)


def _with_strings(failing: pl.DataFrame, df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Fetch string columns of ``df`` for the (few) failing rows, by their position in ``df``."""
    rows = failing[_POS]
    return failing.with_columns(df[c].gather(rows) for c in columns if c not in failing.columns)


def _failing_text(articles: pl.DataFrame, valid: pl.DataFrame, df: pl.DataFrame, spec: SpanSpec) -> pl.DataFrame:
    """The valid spans whose covered text differs from the stored one or has white space at an end.

    Batch by batch of ``BATCH_DOCS`` articles: only that batch's texts are picked for its spans,
    and only the failing rows are kept (with ``__covered``), so no text is held for the whole table.
    """
    s, e = pl.col(spec.start), pl.col(spec.end)
    whitespace = pl.col("__covered").str.contains(r"^\s|\s$")
    wrong = whitespace if spec.text is None else (pl.col(spec.text) != pl.col("__covered")) | whitespace
    batches = valid.select(ROW, _POS, spec.start, spec.end, _DOC_INDEX, (pl.col(_DOC_INDEX) // BATCH_DOCS).alias("__b"))
    parts = []
    for batch in batches["__b"].unique().sort():
        first = int(batch) * BATCH_DOCS
        part = batches.filter(pl.col("__b") == batch)
        texts = articles["text"].slice(first, BATCH_DOCS)
        # _DOC_INDEX is the article's row, so its text is picked by position within the batch.
        part = part.with_columns(texts.gather(part[_DOC_INDEX] - first).alias("__text"))
        part = part.select(pl.exclude("__text"), pl.col("__text").str.slice(s, e - s).alias("__covered"))
        if spec.text is not None:
            part = part.with_columns(df[spec.text].gather(part[_POS]))
        parts.append(part.filter(wrong).drop("__b", _DOC_INDEX))
    if not parts:
        return (
            valid.select(ROW, _POS, spec.start, spec.end)
            .with_columns(pl.lit(None, pl.String).alias("__covered"))
            .clear()
        )
    return pl.concat(parts, how="diagonal")


def span_issues(df: pl.DataFrame, spec: SpanSpec, articles: pl.DataFrame, index: pl.DataFrame) -> list[Issue]:
    # Only integers travel through the big join and filters; the strings (doc_id, id, stored text)
    # of the failing rows are fetched by their position in ``df`` at the end.
    spans = df.select(ROW, pl.int_range(pl.len(), dtype=pl.UInt32).alias(_POS), "doc_id", spec.start, spec.end)
    if spec.optional:
        spans = spans.filter(pl.col(spec.start).is_not_null() | pl.col(spec.end).is_not_null())
    spans = spans.join(index, on="doc_id", how="inner").drop("doc_id")
    strings = ["doc_id", spec.id_column] + ([spec.text] if spec.text else [])
    s, e = pl.col(spec.start), pl.col(spec.end)
    common = {"file": spec.file, "id_column": spec.id_column}
    issues: list[Issue] = []
    issues += issues_from(
        _with_strings(spans.filter(s.is_null() != e.is_null()), df, strings),
        code="incomplete-span",
        column=spec.end,
        message=pl.format("a span needs both {} and {}", pl.lit(spec.start), pl.lit(spec.end)),
        **common,
    )
    spans = spans.filter(s.is_not_null() & e.is_not_null())
    issues += issues_from(
        _with_strings(spans.filter(s < 0), df, strings),
        code="span-out-of-bounds",
        column=spec.start,
        value=spec.start,
        message=pl.format("{}={} is negative; offsets count code points from 0", pl.lit(spec.start), s),
        **common,
    )
    issues += issues_from(
        _with_strings(spans.filter(e > pl.col(_LEN)), df, strings),
        code="span-out-of-bounds",
        column=spec.end,
        value=spec.end,
        message=pl.format("{}={} exceeds text length {}", pl.lit(spec.end), e, pl.col(_LEN)),
        **common,
    )
    issues += issues_from(
        _with_strings(spans.filter(s >= e), df, strings),
        code="empty-span",
        column=spec.end,
        value=spec.end,
        message=pl.format(
            "{}={} is not after {}={}; spans are end-exclusive and non-empty",
            pl.lit(spec.end),
            e,
            pl.lit(spec.start),
            s,
        ),
        **common,
    )
    valid = spans.filter((s >= 0) & (s < e) & (e <= pl.col(_LEN)))
    del spans  # the valid rows are a copy; let the larger frame go before the text pass
    checked = _with_strings(_failing_text(articles, valid, df, spec), df, strings)
    if spec.text:
        stored = pl.col(spec.text)
        issues += issues_from(
            checked.filter(stored != pl.col("__covered")),
            code="span-text-mismatch",
            column=spec.text,
            value=spec.text,
            message=pl.format(
                "stored {}={} but the article has {} at {}..{}",
                pl.lit(spec.text),
                stored.str.slice(0, 60),
                pl.col("__covered").str.slice(0, 60),
                s,
                e,
            ),
            **common,
        )
    issues += issues_from(
        checked.filter(pl.col("__covered").str.contains(r"^\s|\s$")),
        code="span-whitespace",
        column=spec.start,
        message=pl.format(
            "span {}..{} ({}) starts or ends with white space; trim it", s, e, pl.col("__covered").str.slice(0, 60)
        ),
        **common,
    )
    return issues
