"""Split leakage: the same text (after normalising white space and case) in two splits."""

from __future__ import annotations

import polars as pl

from peacetalks.text.normalise import leakage_key
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.report import Issue

_TEXT = "__text"


def leakage_issues(splits: pl.DataFrame, articles: pl.DataFrame, file: str) -> list[Issue]:
    """One issue per splits row whose article's text also occurs, normalised, in another split.

    ``splits`` carries the ``__row`` column; the other article named is the first (by doc_id) of
    the same text in a different split.
    """
    texts = articles.select("doc_id", leakage_key().alias(_TEXT)).unique("doc_id", keep="first")
    rows = splits.select(ROW, "doc_id", "split").join(texts, on="doc_id", how="inner")
    leaking = rows.filter(pl.col("split").n_unique().over(_TEXT) > 1)
    if leaking.is_empty():
        return []
    firsts = leaking.sort("doc_id").group_by(_TEXT, "split", maintain_order=True).agg(pl.col("doc_id").first())
    pairs = leaking.join(firsts.rename({"split": "__other_split", "doc_id": "__other_doc"}), on=_TEXT)
    other = (
        pairs.filter(pl.col("split") != pl.col("__other_split"))
        .sort(ROW, "__other_doc")
        .unique(ROW, keep="first", maintain_order=True)
    )
    return issues_from(
        other,
        code="split-leakage",
        file=file,
        id_column="doc_id",
        column="split",
        value="split",
        message=pl.format(
            "the text of this {} article equals (ignoring case and white space) that of {} in {}; "
            "put both into one split",
            pl.col("split"),
            pl.col("__other_doc"),
            pl.col("__other_split"),
        ),
    )
