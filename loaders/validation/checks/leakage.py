"""Split leakage: the same text (after normalising white space and case), or near-duplicates, in two splits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from peacetalks.text.normalise import leakage_key

if TYPE_CHECKING:
    from peacetalks.text.near_duplicates import Profile
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.report import Issue

_TEXT = "__text"


def leakage_issues(splits: pl.DataFrame, articles: pl.DataFrame, file: str) -> list[Issue]:
    """One issue per splits row whose article's text also occurs, normalised, in another split.

    ``splits`` carries the ``__row`` column; the other article named is the first (by doc_id) of
    the same text in a different split.
    """
    texts = articles.select("doc_id", leakage_key().alias(_TEXT)).unique("doc_id", keep="first")
    return exact_issues(splits.select(ROW, "doc_id", "split").join(texts, on="doc_id", how="inner"), file)


def exact_issues(rows: pl.DataFrame, file: str) -> list[Issue]:
    """``split-leakage`` of ``rows`` (``__row``, doc_id, split and ``__text``: the leakage key, or a hash of it)."""
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


def split_leakage(splits: pl.DataFrame, articles: pl.DataFrame, file: str) -> list[Issue]:
    """``split-leakage`` and ``near-duplicate-leakage`` of the articles of ``splits`` (with its ``__row``).

    Every text is read once (:func:`peacetalks.text.near_duplicates.profile`); only texts that share their
    word hash can be equal, so the leakage key is computed for those alone.
    """
    from peacetalks.text.near_duplicates import profile

    texts = articles.select("doc_id", "text").unique("doc_id", keep="first")
    placed = splits.select(ROW, "doc_id", "split").join(texts, on="doc_id", how="inner")
    if placed.height < 2 or placed["split"].n_unique() < 2:
        return []
    prof = profile(placed["text"])
    shared = placed.with_columns(pl.Series("__words", prof.words)).filter(pl.len().over("__words") > 1)
    exact = leakage_issues(shared.select(ROW, "doc_id", "split"), shared.select("doc_id", "text"), file)
    return exact + near_duplicate_issues(placed, prof, file, leakage_key().hash())


def near_duplicate_issues(placed: pl.DataFrame, prof: Profile, file: str, key: pl.Expr) -> list[Issue]:
    """One issue per pair of near-duplicate articles in two splits (:mod:`peacetalks.text.near_duplicates`).

    ``placed``: the splits rows (``__row``, doc_id, split) with their texts; ``prof`` the profile of the texts.
    The issue is on the splits row of the pair's second article (by doc_id) and names the first, its split
    and the similarity. Pairs whose texts are equal after normalising are ``split-leakage`` already and are
    not repeated: ``key`` is the hash of a row's leakage key (evaluated on ``placed``).
    """
    from peacetalks.text.near_duplicates import near_duplicates

    pairs = near_duplicates(placed.select("doc_id"), prof=prof)
    if pairs.is_empty():
        return []
    in_pairs = pl.concat([pairs["doc_id"], pairs["other_doc_id"]]).unique()
    where = placed.filter(pl.col("doc_id").is_in(in_pairs.implode())).select("doc_id", ROW, "split", key.alias(_TEXT))
    crossing = (
        pairs.join(
            where.rename({"doc_id": "other_doc_id", "split": "__other_split", ROW: "__other_row", _TEXT: "__key"}),
            on="other_doc_id",
        )
        .join(where.rename({"split": "__first_split"}).drop(ROW), on="doc_id")
        .filter((pl.col("__first_split") != pl.col("__other_split")) & (pl.col(_TEXT) != pl.col("__key")))
        .select(
            pl.col("__other_row").alias(ROW),
            pl.col("other_doc_id").alias("doc_id"),
            pl.col("__other_split").alias("split"),
            pl.col("doc_id").alias("__other_doc"),
            pl.col("__first_split").alias("__other_split"),
            pl.col("similarity"),
        )
        .sort(ROW, "__other_doc")
    )
    return issues_from(
        crossing,
        code="near-duplicate-leakage",
        file=file,
        id_column="doc_id",
        column="split",
        value="split",
        message=pl.format(
            "this {} article is a near-duplicate of {} in {} (shingle similarity {}); put both into one split",
            pl.col("split"),
            pl.col("__other_doc"),
            pl.col("__other_split"),
            pl.col("similarity").round(2),
        ),
    )
