"""Hugging Face ``Features`` of the tables, derived from the column declaration and the scheme.

Value types come from each column's declared polars dtype (:mod:`peacetalks.schema.columns`, the
declaration the pandera models are built from); the columns whose values come from a label set of
the scheme become ``ClassLabel``s named from :func:`load_scheme`. A test asserts that every
``ClassLabel`` agrees with the pandera model's ``isin`` check of that column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from datasets import ClassLabel, List, Value

from peacetalks.schema.columns import ANNOTATION_KINDS, Column, status_column
from peacetalks.schema.plover import PLOVER_COLUMN
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, STATUS

# The tables that have Features (splits.parquet and status.parquet are not loaded as configs of their
# own; the status table's ``status`` column gives the ``documents`` config its status columns).
_TABLES = {t.name: t for t in (ARTICLES, BLOCKS, *ANNOTATION_TABLES)}
COLUMNS: dict[str, dict[str, Column]] = {name: {c.name: c for c in t.spec} for name, t in _TABLES.items()}


def _label_set(column: Column) -> Callable[[Scheme], tuple[str, ...]]:
    labels = str(column.labels)
    return lambda scheme: tuple(getattr(scheme, labels))


# (table, column) -> the label set of the scheme that names the column's ClassLabel.
LABEL_SETS: dict[tuple[str, str], Callable[[Scheme], tuple[str, ...]]] = {
    (table, name): _label_set(column)
    for table, columns in COLUMNS.items()
    for name, column in columns.items()
    if column.labels is not None
}
# Label columns the configs derive, never stored: the PLOVER category of an event mention
# (peacetalks.schema.plover), given after `category` as a ClassLabel of the categories (null: no PLOVER event).
DERIVED_LABEL_SETS: dict[tuple[str, str], Callable[[Scheme], tuple[str, ...]]] = {
    ("events", PLOVER_COLUMN): lambda scheme: scheme.category_names,
}

_VALUES: dict[type[pl.DataType], str] = {
    pl.String: "large_string",  # polars strings are large; "string" would cost a copy of every text
    pl.Int64: "int64",
    pl.Int32: "int32",
    pl.Date: "date32",
    pl.Boolean: "bool",
    pl.Float64: "float64",
}


STRING = Value("large_string")


def label_names(table: str, column: str, scheme: Scheme | None = None) -> tuple[str, ...] | None:
    """The ClassLabel names of a column, or None when the column is not a label column."""
    pick = LABEL_SETS.get((table, column)) or DERIVED_LABEL_SETS.get((table, column))
    return None if pick is None else pick(scheme or load_scheme())


def value_feature(dtype: pl.DataType) -> Any:
    """The datasets feature of a polars dtype (lists become ``List``)."""
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        return List(value_feature(inner() if isinstance(inner, type) else inner))
    name = _VALUES.get(dtype.base_type())
    if name is None:  # pragma: no cover - every model column has one of the types above
        raise TypeError(f"no datasets feature for polars dtype {dtype}")
    return Value(name)


def column_feature(table: str, column: str, scheme: Scheme | None = None) -> Any:
    dtype = COLUMNS[table][column].dtype
    names = label_names(table, column, scheme)
    if names is None:
        return value_feature(dtype)
    label = ClassLabel(names=list(names))
    return List(label) if isinstance(dtype, pl.List) else label


def table_features(table: str, *, drop: tuple[str, ...] = (), scheme: Scheme | None = None) -> dict[str, Any]:
    """Column -> feature for every declared column of a table (in file order), minus ``drop``."""
    columns = COLUMNS[table]
    return {name: column_feature(table, name, scheme) for name in columns if name not in drop}


def status_features(scheme: Scheme | None = None) -> dict[str, Any]:
    """The ``documents`` config's status columns: one ClassLabel of the statuses per kind (null: no status)."""
    column = next(c for c in STATUS.spec if c.name == "status")
    names = column.allowed(scheme or load_scheme())
    return {status_column(kind): ClassLabel(names=list(names or ())) for kind in ANNOTATION_KINDS}
