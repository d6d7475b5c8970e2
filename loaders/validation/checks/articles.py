"""Article checks: the text is NFC with \\n line ends, not empty, and matches its sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import polars as pl

from peacetalks.validation.checks import THREADS
from peacetalks.validation.checks._issues import issues_from
from peacetalks.validation.checks._utf8 import utf8_buffers
from peacetalks.validation.report import Issue

# NFC can change or recompose only code points from U+0300 up (combining marks, singletons, jamo):
# every code point below has NFC_Quick_Check=Yes and combining class 0, so a text without any
# code point from U+0300 up is NFC as it stands and needs no normalisation. In UTF-8 those code
# points, and only they, start with a byte from 0xCC up (U+0300 is CC 80).
_FIRST_BYTE_FROM_U0300 = 0xCC
_SHA_BATCH = 1_024  # articles per hashing task; bounds the Arrow copy of the text to one batch


def _scan_batch(texts: pl.Series) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """sha256 of each text of a batch, and whether it has a code point from U+0300 up.

    Straight from the Arrow buffers (no Python strings); hashlib and numpy release the GIL.
    """
    offsets, data, _ = utf8_buffers(texts)
    bounds = offsets.tolist()
    view = data.data
    digests = [hashlib.sha256(view[bounds[i] : bounds[i + 1]]).hexdigest() for i in range(len(bounds) - 1)]
    high = np.flatnonzero(data >= _FIRST_BYTE_FROM_U0300)
    return digests, np.searchsorted(high, offsets[1:]) > np.searchsorted(high, offsets[:-1])


def scan_texts(texts: pl.Series) -> tuple[pl.Series, pl.Series]:
    """sha256 hex digests of a String column, and a mask of the texts that may not be NFC.

    In batches on a thread pool.
    """
    batches = [texts.slice(i, _SHA_BATCH) for i in range(0, texts.len(), _SHA_BATCH)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parts = list(pool.map(_scan_batch, batches))
    digests = [d for part, _ in parts for d in part]
    high = np.concatenate([flags for _, flags in parts]) if parts else np.zeros(0, dtype=bool)
    return pl.Series("__actual", digests, dtype=pl.String), pl.Series("__high", high, dtype=pl.Boolean)


def _not_nfc(articles: pl.DataFrame, may_need: pl.Series) -> pl.DataFrame:
    """Rows whose text is not NFC; only texts with a code point from U+0300 up are examined."""
    candidates = articles.filter(may_need)
    if candidates.is_empty():
        return candidates
    flags = [not unicodedata.is_normalized("NFC", t) for t in candidates["text"]]
    return candidates.filter(pl.Series(flags, dtype=pl.Boolean))


def article_issues(articles: pl.DataFrame, file: str, today: dt.date | None = None) -> list[Issue]:
    today = today or dt.date.today()
    text = pl.col("text")
    issues: list[Issue] = []
    common = {"file": file, "id_column": "doc_id"}
    digests, may_need = scan_texts(articles["text"])
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
        _not_nfc(articles, may_need),
        code="text-not-nfc",
        column="text",
        message=pl.lit("the text is not in Unicode NFC; normalise it (re-ingest the article)"),
        **common,
    )
    hashed = articles.select("__row", "doc_id", "text_sha256").with_columns(digests)
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
