"""Identity and reference checks: duplicate ids and dangling references between tables."""

from __future__ import annotations

import polars as pl

from peacetalks.validation.checks._issues import issues_from
from peacetalks.validation.report import Issue

_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it (mod 2**64) spreads one column's hash before the next is added


def key_hash(keys: list[str], seed: int = 0) -> pl.Expr:
    """A 64-bit hash of a composite key, combined from one hash per column.

    ``pl.struct(keys).hash()`` would first build the struct rows (over 300 MB for two string
    columns of 5 million rows); this needs one u64 per row and column. Each column is hashed
    with a seed of its own, so (a, b) and (b, a) differ.
    """
    combined = pl.col(keys[0]).hash(seed=seed)
    for i, key in enumerate(keys[1:], start=1):
        combined = combined * pl.lit(_MIX, pl.UInt64) + pl.col(key).hash(seed=seed + i)
    return combined


def missing(
    df: pl.DataFrame, keys: list[str], targets: pl.DataFrame, target_keys: list[str], *, where: pl.Expr | None = None
) -> pl.Series:
    """Positions of the rows of ``df`` (those ``where`` holds) whose key names no row of ``targets``.

    A row with a null in its key never matches (as in a join). Compared by a 64-bit key hash in
    a lazy anti join, which polars runs on all cores: several times faster and leaner than a join
    on the string keys. A row whose hash is absent from ``targets`` is certainly missing; a
    missing key could pass unreported only if its hash equalled one of the N target hashes, a
    chance of N / 2**64 (below 3e-13 for five million targets).
    """
    complete = pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
    mine = df.lazy().with_row_index("__pos")
    if where is not None:
        mine = mine.filter(where)
    mine = mine.select("__pos", pl.when(complete).then(key_hash(keys)).alias("__h"))  # null: never matches
    present = targets.lazy().filter(pl.all_horizontal(pl.col(k).is_not_null() for k in target_keys))
    present = present.select(key_hash(target_keys).alias("__h"))
    return mine.join(present, on="__h", how="anti").select("__pos").collect().to_series()


def repeated(hashes: pl.Series) -> pl.Series:
    """Mask of the entries whose value occurs more than once.

    By sorting and comparing neighbours: leaner than ``is_duplicated()``, which keeps the row
    indices of every distinct value. Meant for u64 key hashes, where repeats are rare.
    """
    ordered = hashes.drop_nulls().sort()
    twice = ordered.filter(ordered == ordered.shift(1)).unique()
    return hashes.is_in(twice.implode()).fill_null(False)


def duplicate_issues(df: pl.DataFrame, keys: list[str], file: str, id_column: str) -> list[Issue]:
    """Every row whose key (e.g. doc_id + mention_id) occurs more than once."""
    # Rows with equal keys have equal hashes: find the (few) rows whose key hash repeats, then
    # decide on the keys themselves, so a hash collision can never report a false duplicate.
    candidates = df.filter(repeated(df.select(key_hash(keys)).to_series()))
    dup = candidates.filter(pl.struct(keys).is_duplicated())
    what = " + ".join(keys)
    return issues_from(
        dup,
        code="duplicate-id",
        file=file,
        id_column=id_column,
        column=id_column,
        value=id_column,
        message=pl.format(
            "{} {} occurs more than once; ids must be unique",
            pl.lit(what),
            pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator="/"),
        ),
    )


def unknown_doc_issues(df: pl.DataFrame, doc_ids: pl.DataFrame, file: str, id_column: str) -> list[Issue]:
    known = pl.col("doc_id").is_in(doc_ids["doc_id"].implode()).fill_null(False)  # null doc_id: unknown
    missing = df.filter(~known)
    return issues_from(
        missing,
        code="unknown-doc",
        file=file,
        id_column=id_column,
        column="doc_id",
        value="doc_id",
        message=pl.format("doc_id {} has no article in corpus/articles.parquet", pl.col("doc_id")),
    )


def reference_issues(
    df: pl.DataFrame,
    column: str,
    targets: pl.DataFrame,
    target_column: str,
    *,
    file: str,
    id_column: str,
    target_file: str,
    code: str,
    other_doc_code: str,
) -> list[Issue]:
    """Rows whose (doc_id, column) names no (doc_id, target_column) row of ``targets``: ``code``.

    A reference that exists in another document is reported as ``other_doc_code``.
    """
    # Only the key hashes (and each row's position) are joined; the whole rows of the (few)
    # dangling references are picked from ``df`` afterwards.
    lost = missing(df, ["doc_id", column], targets, ["doc_id", target_column], where=pl.col(column).is_not_null())
    if lost.is_empty():
        return []
    dangling = df[lost]
    keyed = targets.select("doc_id", pl.col(target_column).alias(column))
    candidates = keyed.filter(pl.col(column).is_in(dangling[column].implode()))
    elsewhere = candidates.select(pl.col(column), pl.col("doc_id").alias("__other_doc")).unique(column, keep="first")
    dangling = dangling.join(elsewhere, on=column, how="left")
    other = dangling.filter(pl.col("__other_doc").is_not_null())
    none = dangling.filter(pl.col("__other_doc").is_null())
    return issues_from(
        other,
        code=other_doc_code,
        file=file,
        id_column=id_column,
        column=column,
        value=column,
        message=pl.format(
            "{}={} belongs to doc {}, not to this document", pl.lit(column), pl.col(column), pl.col("__other_doc")
        ),
    ) + issues_from(
        none,
        code=code,
        file=file,
        id_column=id_column,
        column=column,
        value=column,
        message=pl.format(
            "{}={} does not exist in {} for this document", pl.lit(column), pl.col(column), pl.lit(target_file)
        ),
    )
