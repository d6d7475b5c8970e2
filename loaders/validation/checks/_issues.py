"""Turning a frame of failing rows into Issue objects."""

from __future__ import annotations

import polars as pl

from peacetalks.validation.report import Issue

ROW = "__row"


def with_row(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_row_index(ROW)


def issues_from(
    failing: pl.DataFrame,
    *,
    code: str,
    file: str,
    id_column: str | None,
    column: str | None,
    message: pl.Expr,
    value: str | None = None,
) -> list[Issue]:
    """One issue per row of ``failing``; ``message`` is evaluated on those rows only."""
    if failing.is_empty():
        return []
    cols = failing.columns
    # One chunk per column: polars 2.1 can panic ("assertion failed: i < self.len()") formatting
    # string columns of a filtered multi-chunk frame, as read_parquet returns for a large file.
    out = failing.rechunk().select(
        pl.col(ROW) if ROW in cols else pl.lit(None, pl.UInt32).alias(ROW),
        pl.col("doc_id").cast(pl.String) if "doc_id" in cols else pl.lit(None, pl.String).alias("doc_id"),
        (pl.col(id_column).cast(pl.String) if id_column and id_column in cols else pl.lit(None, pl.String)).alias(
            "__id"
        ),
        (pl.col(value).cast(pl.String) if value and value in cols else pl.lit(None, pl.String)).alias("__value"),
        message.alias("__message"),
    )
    return [
        Issue(
            code=code,
            file=file,
            message=msg,
            row=None if row is None else int(row),
            doc_id=doc,
            record_id=rid,
            column=column,
            value=val,
        )
        for row, doc, rid, val, msg in out.iter_rows()
    ]
