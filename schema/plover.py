"""The PLOVER mapping (GUIDELINES.md 2.8) applied to event mentions, as one polars expression.

The mapping is data (``plover_mapping`` in ``schema/scheme.yaml``, read into
:attr:`Scheme.plover_mapping`); this module turns it into an expression over the ``category``,
``realis`` and ``modality`` columns, so every place that shows a mention's PLOVER category (the
``events`` and ``documents`` configs, the data card) computes it the same way, for all rows at once.
"""

from __future__ import annotations

import polars as pl

from peacetalks.schema.scheme import PloverRule, Scheme, load_scheme

# The name of the derived column wherever it is shown.
PLOVER_COLUMN = "plover_category"


def _matches(rule: PloverRule) -> pl.Expr:
    condition = pl.lit(value=True)
    if rule.categories:
        condition = condition & pl.col("category").is_in(list(rule.categories))
    if rule.realis is not None:
        condition = condition & (pl.col("realis") == rule.realis)
    if rule.modality is not None:
        condition = condition & (pl.col("modality") == rule.modality)
    return condition.fill_null(value=False)


def plover_category(scheme: Scheme | None = None) -> pl.Expr:
    """The PLOVER category of each event row (null: the manual codes no event of its own), as ``plover_category``.

    The first rule of the mapping a row matches gives its category; a row no rule matches keeps its
    ``category``. Needs the columns ``category``, ``realis`` and ``modality``.
    """
    rules = (scheme or load_scheme()).plover_mapping
    result: pl.Expr = pl.col("category").cast(pl.String)
    for rule in reversed(rules):  # built inside out, so the first rule is tried first
        result = pl.when(_matches(rule)).then(pl.lit(rule.plover, pl.String)).otherwise(result)
    return result.alias(PLOVER_COLUMN)


def with_plover_category(events: pl.DataFrame, scheme: Scheme | None = None) -> pl.DataFrame:
    """``events`` with the column ``plover_category`` added after ``category``."""
    columns = list(events.columns)
    at = columns.index("category") + 1 if "category" in columns else len(columns)
    out = events.with_columns(plover_category(scheme))
    return out.select([*columns[:at], PLOVER_COLUMN, *columns[at:]])
