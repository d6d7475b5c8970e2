"""The tables of the data model: where each lives, its columns, its keys.

A table's columns are declared once, as data, in :mod:`peacetalks.schema.columns`; its Parquet
(Arrow) schema and its pandera model (:attr:`Table.model`) are both derived from that declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from peacetalks.schema.columns import (
    ARGUMENT_COLUMNS,
    ARTICLE_COLUMNS,
    BLOCK_COLUMNS,
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
    SPLIT_COLUMNS,
    STANCE_COLUMNS,
    Column,
)

if TYPE_CHECKING:
    import pandera.polars as pandera


@dataclass(frozen=True)
class Table:
    name: str
    folder: str  # "corpus" or "annotations"
    spec: tuple[Column, ...]  # the columns in file order, declared in schema/columns.py
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
    def model(self) -> type[pandera.DataFrameModel]:
        """The table's pandera model (built from ``spec``; importing pandera takes a second or two)."""
        from peacetalks.schema.models import MODELS

        return MODELS[self.name]

    @property
    def columns(self) -> list[str]:
        return [column.name for column in self.spec]

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {column.name: column.dtype for column in self.spec}

    def arrow_schema(self) -> pa.Schema:
        empty = pl.DataFrame(schema=self.polars_schema())
        return empty.to_arrow().schema


ARTICLES = Table("articles", "corpus", ARTICLE_COLUMNS, ("doc_id",), "doc_id")
BLOCKS = Table("blocks", "corpus", BLOCK_COLUMNS, ("doc_id", "block_id"), "block_id")
SPLITS = Table("splits", "corpus", SPLIT_COLUMNS, ("doc_id",), "doc_id")
ENTITIES = Table("entities", "annotations", ENTITY_COLUMNS, ("doc_id", "start", "end", "mention_id"), "mention_id")
EVENTS = Table("events", "annotations", EVENT_COLUMNS, ("doc_id", "event_id"), "event_id")
ARGUMENTS = Table(
    "event_arguments", "annotations", ARGUMENT_COLUMNS, ("doc_id", "event_id", "argument_id"), "argument_id"
)
STANCES = Table("stances", "annotations", STANCE_COLUMNS, ("doc_id", "stance_id"), "stance_id")

CORPUS_TABLES = (ARTICLES, BLOCKS)
ANNOTATION_TABLES = (ENTITIES, EVENTS, ARGUMENTS, STANCES)
ALL_TABLES = (ARTICLES, BLOCKS, SPLITS, *ANNOTATION_TABLES)
BY_NAME = {t.name: t for t in ALL_TABLES}
