"""pandera models, one per table, built from the column declaration and the scheme files.

Each model checks one table: columns, types, nulls, formats and label sets, all as declared in
:mod:`peacetalks.schema.columns`. Rules that need more than one table (spans that fit their
article, references, roles per category) are the vectorised functions in
:mod:`peacetalks.validation.checks`.

``peacetalks validate`` does not import this module (pandera imports pandas, which takes seconds):
it evaluates the same declaration with polars expressions, and a test runs both on the same bad
frames and asserts they agree.
"""

from __future__ import annotations

from typing import Any

import pandera.polars as pa

from peacetalks.schema.columns import (
    ARGUMENT_COLUMNS,
    ARTICLE_COLUMNS,
    BLOCK_COLUMNS,
    CLUSTER_ID_PATTERN,
    DOC_ID_PATTERN,
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    SCORE_COLUMNS,
    SHA256_PATTERN,
    SPLIT_COLUMNS,
    SPLIT_NAMES,
    STANCE_COLUMNS,
    STATUS_COLUMNS,
    Column,
)
from peacetalks.schema.scheme import load_scheme

__all__ = [
    "CLUSTER_ID_PATTERN",
    "DOC_ID_PATTERN",
    "ID_PATTERN",
    "LANGUAGE_PATTERN",
    "MODELS",
    "SHA256_PATTERN",
    "SPLIT_NAMES",
    "ArticleModel",
    "BlockModel",
    "EntityModel",
    "EventArgumentModel",
    "EventModel",
    "SplitModel",
    "StanceModel",
    "StatusModel",
    "SuggestionScoreModel",
]


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = False


def _field(column: Column) -> Any:
    checks: dict[str, Any] = {}
    allowed = column.allowed(load_scheme())
    if allowed is not None:
        checks["isin"] = list(allowed)
    if column.pattern is not None:
        checks["str_matches"] = column.pattern
    if column.min_length is not None:
        checks["str_length"] = {"min_value": column.min_length}
    if column.value_range is not None:
        checks["in_range"] = {"min_value": column.value_range[0], "max_value": column.value_range[1]}
    # Every column is required, nullable or not: a nullable column holds nulls, it is not optional.
    return pa.Field(nullable=column.nullable, **checks)


def _model(name: str, doc: str, columns: tuple[Column, ...]) -> type[pa.DataFrameModel]:
    """A strict DataFrameModel with one field per declared column (annotated with its polars dtype)."""
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": doc,
        "__annotations__": {c.name: c.dtype for c in columns},
    }
    namespace.update({c.name: _field(c) for c in columns})
    return type(name, (_Strict,), namespace)


ArticleModel = _model("ArticleModel", "corpus/articles.parquet: one row per article.", ARTICLE_COLUMNS)
BlockModel = _model(
    "BlockModel", "corpus/blocks.parquet: the article's structure as spans into its text.", BLOCK_COLUMNS
)
EntityModel = _model("EntityModel", "annotations/entities.parquet: one row per entity mention.", ENTITY_COLUMNS)
EventModel = _model(
    "EventModel",
    "annotations/events.parquet: one row per event mention (PLOVER category, mode, context, cluster).",
    EVENT_COLUMNS,
)
EventArgumentModel = _model(
    "EventArgumentModel",
    "annotations/event_arguments.parquet: one row per argument, a mention or a span.",
    ARGUMENT_COLUMNS,
)
StanceModel = _model("StanceModel", "annotations/stances.parquet: one row per stance.", STANCE_COLUMNS)
SplitModel = _model("SplitModel", "corpus/splits.parquet: the split each article belongs to.", SPLIT_COLUMNS)
StatusModel = _model(
    "StatusModel", "annotations/status.parquet: the annotation status of each article and kind.", STATUS_COLUMNS
)
SuggestionScoreModel = _model(
    "SuggestionScoreModel",
    "annotations/layers/NAME/suggestion_scores.parquet: the score of each suggestion of a machine layer.",
    SCORE_COLUMNS,
)

MODELS: dict[str, type[pa.DataFrameModel]] = {
    "articles": ArticleModel,
    "blocks": BlockModel,
    "entities": EntityModel,
    "events": EventModel,
    "event_arguments": EventArgumentModel,
    "stances": StanceModel,
    "splits": SplitModel,
    "status": StatusModel,
    "suggestion_scores": SuggestionScoreModel,
}
