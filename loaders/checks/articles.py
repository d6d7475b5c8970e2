"""Article checks: the text is NFC with \\n line ends, not empty, and matches its sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pyarrow as pa

from peacetalks.checks._issues import issues_from
from peacetalks.report import Issue

# NFC can change or recompose only code points from U+0300 up (combining marks, singletons, jamo):
# every code point below has NFC_Quick_Check=Yes and combining class 0, so a text without any
# code point from U+0300 up is NFC as it stands and needs no normalisation.
_MAY_NEED_NFC = r"[^\x00-\x{2FF}]"
_SHA_BATCH = 4_096  # articles per hashing task; bounds the Arrow copy of the text to one batch


def _sha256_batch(texts: pl.Series) -> list[str]:
    """sha256 of each text of a batch, hashed straight from the Arrow buffers (no Python strings)."""
    arr = texts.to_arrow(compat_level=pl.CompatLevel.oldest())  # large_string: offsets + one data buffer
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    _, offsets_buf, data_buf = arr.buffers()
    offsets = memoryview(offsets_buf).cast("q")[arr.offset : arr.offset + len(arr) + 1]
    data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
    return [hashlib.sha256(data[offsets[i] : offsets[i + 1]]).hexdigest() for i in range(len(arr))]


def sha256_column(texts: pl.Series) -> pl.Series:
    """sha256 hex digests of a String column, in batches on a thread pool."""
    batches = [texts.slice(i, _SHA_BATCH) for i in range(0, texts.len(), _SHA_BATCH)]
    with ThreadPoolExecutor() as pool:
        digests = [d for part in pool.map(_sha256_batch, batches) for d in part]
    return pl.Series("__actual", digests, dtype=pl.String)


def _not_nfc(articles: pl.DataFrame) -> pl.DataFrame:
    """Rows whose text is not NFC; only texts with a code point from U+0300 up are examined."""
    candidates = articles.filter(pl.col("text").str.contains(_MAY_NEED_NFC))
    if candidates.is_empty():
        return candidates
    flags = [not unicodedata.is_normalized("NFC", t) for t in candidates["text"]]
    return candidates.filter(pl.Series(flags, dtype=pl.Boolean))


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
        _not_nfc(articles),
        code="text-not-nfc",
        column="text",
        message=pl.lit("the text is not in Unicode NFC; normalise it (re-ingest the article)"),
        **common,
    )
    hashed = articles.select("__row", "doc_id", "text_sha256").with_columns(sha256_column(articles["text"]))
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
