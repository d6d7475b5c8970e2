"""The tables of the data model: where each lives, its pandera model, its keys.

The Parquet (Arrow) schema of each table is derived from its pandera model, so the model is
the one definition of a table's columns and types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from peacetalks.schema.models import (
    ArticleModel,
    BlockModel,
    EntityModel,
    EventArgumentModel,
    EventModel,
    SplitModel,
    StanceModel,
)

_Model = (
    type[ArticleModel]
    | type[BlockModel]
    | type[EntityModel]
    | type[EventModel]
    | type[EventArgumentModel]
    | type[StanceModel]
    | type[SplitModel]
)


@dataclass(frozen=True)
class Table:
    name: str
    folder: str  # "corpus" or "annotations"
    model: _Model
    keys: tuple[str, ...]
    id_column: str

    @property
    def filename(self) -> str:
        return f"{self.name}.parquet"

    def relpath(self, layer: str | None = None) -> str:
        if self.folder == "annotations" and layer:
            return f"annotations/layers/{layer}/{self.filename}"
        return f"{self.folder}/{self.filename}"

    def path(self, root: Path, layer: str | None = None) -> Path:
        return root / self.relpath(layer)

    @property
    def columns(self) -> list[str]:
        return list(self.model.to_schema().columns)

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {name: col.dtype.type for name, col in self.model.to_schema().columns.items()}

    def arrow_schema(self) -> pa.Schema:
        empty = pl.DataFrame(schema=self.polars_schema())
        return empty.to_arrow().schema


ARTICLES = Table("articles", "corpus", ArticleModel, ("doc_id",), "doc_id")
BLOCKS = Table("blocks", "corpus", BlockModel, ("doc_id", "block_id"), "block_id")
SPLITS = Table("splits", "corpus", SplitModel, ("doc_id",), "doc_id")
ENTITIES = Table("entities", "annotations", EntityModel, ("doc_id", "start", "end", "mention_id"), "mention_id")
EVENTS = Table("events", "annotations", EventModel, ("doc_id", "event_id"), "event_id")
ARGUMENTS = Table(
    "event_arguments", "annotations", EventArgumentModel, ("doc_id", "event_id", "argument_id"), "argument_id"
)
STANCES = Table("stances", "annotations", StanceModel, ("doc_id", "stance_id"), "stance_id")

ANNOTATION_TABLES = (ENTITIES, EVENTS, ARGUMENTS, STANCES)
ALL_TABLES = (ARTICLES, BLOCKS, SPLITS, *ANNOTATION_TABLES)
BY_NAME = {t.name: t for t in ALL_TABLES}
