"""Hugging Face ``Features`` of the tables, derived from the pandera models and the scheme.

Value types come from each column's polars dtype in its pandera model; the columns whose values
are constrained by a label set of the scheme become ``ClassLabel``s named from :func:`load_scheme`.
A test asserts that every ``ClassLabel`` agrees with the model's ``isin`` check of that column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from datasets import ClassLabel, List, Value

from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ALL_TABLES, SPLITS

# (table, column) -> the label set of the scheme that names the column's ClassLabel.
LABEL_SETS: dict[tuple[str, str], Callable[[Scheme], tuple[str, ...]]] = {
    ("articles", "license"): lambda s: tuple(s.licenses),
    ("blocks", "kind"): lambda s: s.block_kinds,
    ("entities", "label"): lambda s: s.entity_labels,
    ("entities", "form"): lambda s: s.entity_forms,
    ("entities", "mention_type"): lambda s: s.mention_types,
    ("events", "category"): lambda s: s.category_names,
    ("events", "mode"): lambda s: s.all_modes,
    ("events", "context"): lambda s: s.event_contexts,
    ("events", "realis"): lambda s: s.realis,
    ("events", "modality"): lambda s: s.modalities,
    ("event_arguments", "role"): lambda s: s.argument_roles,
    ("stances", "target_id"): lambda s: s.target_ids,
    ("stances", "polarity"): lambda s: s.stance_polarities,
    ("stances", "attribution"): lambda s: s.stance_attributions,
}

# The models of the tables that configs are built from, by table name (from the table registry).
# Not the splits table: a config's split is the Hugging Face split, not a column.
MODELS: dict[str, Any] = {t.name: t.model for t in ALL_TABLES if t is not SPLITS}

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
    pick = LABEL_SETS.get((table, column))
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
    dtype = MODELS[table].to_schema().columns[column].dtype.type
    names = label_names(table, column, scheme)
    if names is None:
        return value_feature(dtype)
    label = ClassLabel(names=list(names))
    return List(label) if isinstance(dtype, pl.List) else label


def table_features(table: str, *, drop: tuple[str, ...] = (), scheme: Scheme | None = None) -> dict[str, Any]:
    """Column -> feature for every column of a table's model (in model order), minus ``drop``."""
    columns = MODELS[table].to_schema().columns
    return {name: column_feature(table, name, scheme) for name in columns if name not in drop}
