"""The shards of a sharded corpus: the layout of its tables, and every document's rows in one shard.

Shard ``k`` of every table holds the rows of the same documents (:mod:`peacetalks.storage.shards`):
those whose article is in shard ``k`` of the articles. A document with rows in another shard, of any
table (the articles too), is the issue ``doc-split-across-shards``, once per file and document,
naming the file, its first such row, how many there are and where the document's article is.

The check works on compact keys, one row per (file, document) — :func:`doc_keys` makes them from one
shard's doc_id column — and :func:`split_issues` compares them. :func:`shard_issues` reads each shard's
doc_id column twice, never holding more than one at a time: first for the 64-bit hash of each doc_id
it holds (a few bytes per document and table), then, for the few doc_ids whose hash is in two shards,
for their keys, so what it holds does not grow with the rows of the corpus, only with its documents.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from polars.exceptions import PanicException

from peacetalks.errors import TableReadError
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, Table
from peacetalks.storage.shards import (
    LAYER_TABLES,
    file_relpath,
    folder_relpath,
    is_sharded,
    is_table_sharded,
    layout_problems,
    shard_name,
    table_files,
)
from peacetalks.validation.report import Issue

SPLIT_CODE = "doc-split-across-shards"
# The corpus-wide layout problems validation reports; a table's own (a file and a folder, bad shard
# names) are read errors, reported where the table is read.
LAYOUT_ISSUES = frozenset({"mixed-layout", "shard-counts-differ"})
KEY_SCHEMA = {
    "table": pl.String,
    "file": pl.String,
    "shard": pl.Int64,
    "doc_id": pl.String,
    "first_row": pl.Int64,
    "rows": pl.Int64,
}


def doc_keys(doc_ids: pl.Series, *, table: str, file: str, shard: int, only: pl.Series | None = None) -> pl.DataFrame:
    """The compact keys of one shard file: each doc_id with its first row (0-based, in the file) and row count.

    ``only``: the keys of the doc_ids whose hash (``Series.hash()``) is one of these alone.
    """
    frame = pl.DataFrame({"doc_id": doc_ids.cast(pl.String)}).with_row_index("row")
    if only is not None:
        frame = frame.filter(pl.col("doc_id").hash().is_in(only.implode()))
    return (
        frame.group_by("doc_id", maintain_order=True)
        .agg(pl.col("row").min().cast(pl.Int64).alias("first_row"), pl.len().cast(pl.Int64).alias("rows"))
        .with_columns(pl.lit(table).alias("table"), pl.lit(file).alias("file"), pl.lit(shard, pl.Int64).alias("shard"))
        .select(list(KEY_SCHEMA))
    )


def split_issues(keys: pl.DataFrame) -> list[Issue]:
    """``doc-split-across-shards`` for every (file, document) whose rows are not in the document's shard.

    A document's shard is the lowest shard of the articles that holds it, or, without an article,
    the lowest shard holding any of its rows. ``keys`` has the columns of :data:`KEY_SCHEMA`.
    """
    keys = keys.filter(pl.col("doc_id").is_not_null())
    home = keys.group_by("doc_id").agg(
        pl.col("shard").filter(pl.col("table") == ARTICLES.name).min().alias("article_shard"),
        pl.col("shard").min().alias("first_shard"),
    )
    strays = (
        keys.join(home, on="doc_id", how="left")
        .with_columns(pl.coalesce("article_shard", "first_shard").alias("home"))
        .filter(pl.col("shard") != pl.col("home"))
        .sort("file", "first_row")
    )
    prefix = folder_relpath(ARTICLES)
    return [
        Issue(
            code="doc-split-across-shards",
            file=row["file"],
            row=row["first_row"],
            doc_id=row["doc_id"],
            message=(
                f"{row['rows']} row(s) of this document are in shard {row['shard']}, but "
                + (
                    f"its article is in {prefix}/{shard_name(row['home'])}"
                    if row["article_shard"] is not None
                    else f"no article holds it and its first rows are in shard {row['home']}"
                )
                + ": every table keeps a document's rows in the shard of its article (peacetalks shard re-cuts them)"
            ),
        )
        for row in strays.iter_rows(named=True)  # one per file and document out of place: few
    ]


def _tables(layer: str | None) -> list[tuple[Table, str | None]]:
    corpus: list[tuple[Table, str | None]] = [(t, None) for t in ALL_TABLES if t.folder == "corpus"]
    if layer is None:
        return corpus + [(t, None) for t in ALL_TABLES if t.folder == "annotations"]
    return corpus + [(t, layer) for t in LAYER_TABLES]


def shard_issues(folder: Path, layer: str | None = None) -> list[Issue]:
    """The layout issues of the corpus at ``folder`` for the tables of gold (or ``layer``) and the corpus,
    and, when it is sharded, every document split across shards. Nothing for a single-file corpus.

    Reads only the doc_id column of each shard; a shard that cannot be read is skipped here (its
    read error is reported where the table is read).
    """
    tables = _tables(layer)
    names = {folder_relpath(t, lay) + "/" for t, lay in tables} | {t.relpath(lay) for t, lay in tables}
    issues = [
        Issue(code=p.code, file=p.path or "", message=p.message)
        for p in layout_problems(folder)
        if p.code in LAYOUT_ISSUES and p.path in names
    ]
    if issues or not is_sharded(folder):
        return issues
    files: list[tuple[Table, int, Path]] = []
    for table, lay in tables:
        if not is_table_sharded(folder, table, lay):
            continue
        try:
            files += [(table, k, path) for k, path in enumerate(table_files(folder, table, lay))]
        except TableReadError:
            continue
    held = [pl.DataFrame(schema={"h": pl.UInt64, "shard": pl.UInt32})]
    for _, k, path in files:
        ids = _doc_ids(path)
        if ids is not None:
            unique = ids.drop_nulls().hash().unique().shrink_to_fit()  # unique() keeps the capacity of its input
            held.append(pl.DataFrame({"h": unique}).with_columns(shard=pl.lit(k, pl.UInt32)))
    hashes = pl.concat(held)
    # A doc_id in two shards has its hash in two; the rare hash shared by two doc_ids is settled by the keys.
    suspects = hashes.group_by("h").agg(pl.col("shard").n_unique().alias("n")).filter(pl.col("n") > 1)["h"]
    del hashes, held
    if suspects.is_empty():
        return issues
    keys = [pl.DataFrame(schema=KEY_SCHEMA)]
    for table, k, path in files:
        ids = _doc_ids(path)
        if ids is not None:
            keys.append(doc_keys(ids, table=table.name, file=file_relpath(folder, path), shard=k, only=suspects))
    return split_issues(pl.concat(keys))


def _doc_ids(path: Path) -> pl.Series | None:
    """The doc_id column of a shard; None for one that cannot be read (reported where its table is read)."""
    try:
        return pl.read_parquet(path, columns=["doc_id"])["doc_id"].cast(pl.String)
    except (pl.exceptions.PolarsError, OSError, PanicException):
        return None
