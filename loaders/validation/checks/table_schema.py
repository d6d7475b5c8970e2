"""Check one table against its declared columns (:mod:`peacetalks.schema.columns`), with polars.

The declaration the pandera models are built from is evaluated here directly, as vectorised
polars expressions, so ``peacetalks validate`` never imports pandera (and with it pandas). The
issues are the ones the pandera model's failure cases gave (``tests/validation/test_table_schema.py``
runs both on the same bad frames and compares them):

* the frame's columns: ``extra-column``, ``missing-column``, ``wrong-type`` (the structural codes:
  no other check runs on such a table);
* each row of each present column: ``null-value``; and where the column has its declared type,
  ``value-not-in-scheme``, ``malformed-value``, ``empty-value``, ``value-out-of-range``, or the more specific code of
  :data:`_OVERRIDES`. Nulls fail only the null check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from peacetalks.schema.columns import Column
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import Table
from peacetalks.validation.checks._issues import ROW
from peacetalks.validation.report import Issue

# (column, code) -> a more specific code
_OVERRIDES = {
    ("doc_id", "malformed-value"): "malformed-doc-id",
    ("language", "malformed-value"): "malformed-language",
    ("text_sha256", "malformed-value"): "malformed-sha256",
    ("raw_sha256", "malformed-value"): "malformed-sha256",
    ("target_id", "value-not-in-scheme"): "unknown-target",
    ("cluster_id", "malformed-value"): "malformed-cluster-id",
}
STRUCTURAL = frozenset({"extra-column", "missing-column", "wrong-type"})


@dataclass(frozen=True)
class _RowCheck:
    """A check of one column's values: ``fails`` is True on the rows that fail it (never null)."""

    column: str
    code: str
    fails: pl.Expr
    value: pl.Expr  # the offending value as text, or null
    message: Callable[[str | None], str]


def schema_issues(df: pl.DataFrame, table: Table, file: str, scheme: Scheme | None = None) -> list[Issue]:
    """Check ``df`` (which may carry a ``__row`` column) against the columns declared for ``table``."""
    issues = _column_issues(df, table, file)
    checks = [check for column in table.spec if column.name in df.columns for check in _row_checks(df, column, scheme)]
    if not checks or df.is_empty():
        return issues
    # One pass over the table counts every check's failures; only failing checks look at rows.
    counts = df.select([check.fails.sum().alias(str(i)) for i, check in enumerate(checks)]).row(0)
    where = _position(df, table)
    for check, count in zip(checks, counts, strict=True):
        if count:
            issues += _row_issues(df, check, where, file)
    return issues


def _column_issues(df: pl.DataFrame, table: Table, file: str) -> list[Issue]:
    declared = {column.name: column for column in table.spec}
    expected = ", ".join(declared)
    issues = [
        Issue(
            code="extra-column",
            file=file,
            column=name,
            value=name,
            message=f"column '{name}' is not part of this table; remove it or rename it to one of: {expected}",
        )
        for name in df.columns
        if name not in declared and name != ROW
    ]
    issues += [
        Issue(code="missing-column", file=file, column=name, value=name, message=f"required column '{name}' is missing")
        for name in declared
        if name not in df.columns
    ]
    issues += [
        Issue(
            code="wrong-type",
            file=file,
            column=name,
            value=str(df.schema[name]),
            message=f"column '{name}' has type {df.schema[name]}, expected '{column.dtype}'",
        )
        for name, column in declared.items()
        if name in df.columns and df.schema[name] != column.dtype
    ]
    return issues


def _row_checks(df: pl.DataFrame, column: Column, scheme: Scheme | None) -> list[_RowCheck]:
    name, dtype = column.name, df.schema[column.name]
    col = pl.col(name)
    checks = []
    if not column.nullable:
        missing = col.is_null()
        value = pl.lit(None, pl.String)
        if dtype.is_float():  # NaN counts as missing, as in pandera
            missing = missing | col.is_nan()
            value = pl.when(col.is_nan()).then(pl.lit("NaN"))
        checks.append(
            _RowCheck(name, "null-value", missing, value, lambda _: f"'{name}' is empty (null) but is required")
        )
    if dtype != column.dtype:  # reported as wrong-type; the value checks assume the declared type
        return checks
    present = col.is_not_null()
    allowed = column.allowed(scheme or load_scheme())
    if allowed is not None:
        expected = list(allowed)
        checks.append(
            _row_check(
                name,
                "value-not-in-scheme",
                present & ~col.is_in(expected),
                lambda v: f"{name}={v!r} is not in the scheme; expected one of {expected}",
            )
        )
    if column.pattern is not None:
        pattern = column.pattern
        anchored = pattern if pattern.startswith("^") else f"^{pattern}"
        checks.append(
            _row_check(
                name,
                "malformed-value",
                present & ~col.str.contains(anchored),
                lambda v: f"{name}={v!r} does not match '{pattern}'",
            )
        )
    if column.min_length is not None:
        checks.append(
            _row_check(
                name,
                "empty-value",
                present & (col.str.len_chars() < column.min_length),
                lambda _: f"'{name}' must not be empty",
            )
        )
    if column.value_range is not None:
        low, high = column.value_range
        checks.append(
            _row_check(
                name,
                "value-out-of-range",
                present & ((col < low) | (col > high)),
                lambda v: f"{name}={v} is outside {low:g}..{high:g}",
            )
        )
    return checks


def _row_check(name: str, code: str, fails: pl.Expr, message: Callable[[str | None], str]) -> _RowCheck:
    return _RowCheck(name, _OVERRIDES.get((name, code), code), fails.fill_null(False), pl.col(name), message)


def _text(df: pl.DataFrame, name: str) -> pl.Expr:
    """Column ``name`` as text where it can be cast to text, else null."""
    dtype = df.schema[name]
    castable = dtype.is_numeric() or dtype.is_temporal() or dtype in (pl.String(), pl.Categorical(), pl.Boolean())
    return pl.col(name).cast(pl.String) if castable or isinstance(dtype, pl.Enum) else pl.lit(None, pl.String)


def _position(df: pl.DataFrame, table: Table) -> list[pl.Expr]:
    """The row, document and record id of a failing row (the record's own id, else its doc_id)."""
    row = pl.col(ROW) if ROW in df.columns else pl.int_range(pl.len(), dtype=pl.UInt32)
    if "doc_id" not in df.columns:
        return [row.alias(ROW), pl.lit(None, pl.String).alias("__doc"), pl.lit(None, pl.String).alias("__id")]
    id_column = table.id_column if table.id_column in df.columns else "doc_id"
    return [row.alias(ROW), _text(df, "doc_id").alias("__doc"), _text(df, id_column).alias("__id")]


def _row_issues(df: pl.DataFrame, check: _RowCheck, where: list[pl.Expr], file: str) -> list[Issue]:
    # The row positions are taken before the filter, so they are the rows of the whole frame.
    failing = (
        df.select([*where, check.value.alias("__value"), check.fails.alias("__fails")]).filter("__fails").rechunk()
    )
    return [
        Issue(
            code=check.code,
            file=file,
            row=int(row),
            doc_id=doc,
            record_id=rid,
            column=check.column,
            value=value,
            message=check.message(value),
        )
        for row, doc, rid, value, _ in failing.iter_rows()
    ]
