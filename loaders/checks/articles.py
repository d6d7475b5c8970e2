"""Article checks: the text is NFC with \\n line ends, not empty, and matches its sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from peacetalks.checks._issues import issues_from
from peacetalks.report import Issue


def sha256_hex(texts: list[str]) -> list[str]:
    """sha256 of each UTF-8 text. hashlib releases the GIL, so threads use every core."""
    with ThreadPoolExecutor() as pool:
        return list(pool.map(lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest(), texts, chunksize=256))


def article_issues(articles: pl.DataFrame, file: str, today: dt.date | None = None) -> list[Issue]:
    today = today or dt.date.today()
    text = pl.col("text")
    issues: list[Issue] = []
    common = {"file": file, "id_column": "doc_id"}
    issues += issues_from(
        articles.filter(text.str.len_chars() == 0),
        code="empty-text",
        column="text",
        message=pl.lit("the article text is empty"),
        **common,
    )
    issues += issues_from(
        articles.filter(text.str.contains("\r", literal=True)),
        code="text-has-cr",
        column="text",
        message=pl.lit("the text contains \\r; line ends must be \\n (re-ingest the article)"),
        **common,
    )
    issues += issues_from(
        articles.filter(text != text.str.normalize("NFC")),
        code="text-not-nfc",
        column="text",
        message=pl.lit("the text is not in Unicode NFC; normalise it (re-ingest the article)"),
        **common,
    )
    hashed = articles.select("__row", "doc_id", "text_sha256").with_columns(
        pl.Series("__actual", sha256_hex(articles["text"].to_list()), dtype=pl.String)
    )
    issues += issues_from(
        hashed.filter(pl.col("text_sha256") != pl.col("__actual")),
        code="sha256-mismatch",
        column="text_sha256",
        value="text_sha256",
        message=pl.format(
            "text_sha256 {} does not match the text (sha256 {})", pl.col("text_sha256"), pl.col("__actual")
        ),
        **common,
    )
    issues += issues_from(
        articles.filter(pl.col("published") > today),
        code="future-date",
        column="published",
        value="published",
        message=pl.format("published {} is in the future (today is {})", pl.col("published"), pl.lit(str(today))),
        **common,
    )
    return issues
