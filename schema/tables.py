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
    NOTE_COLUMNS,
    SCORE_COLUMNS,
    SPLIT_COLUMNS,
    STANCE_COLUMNS,
    STATUS_COLUMNS,
    Column,
)
from peacetalks.schema.names import check_inside, check_name

# The folder of the annotator layers: annotations/layers/<name>/ holds a layer's annotation tables.
LAYERS_FOLDER = "annotations/layers"

if TYPE_CHECKING:
    import pandera.polars as pandera


@dataclass(frozen=True)
class Span:
    """A table's span into its article's text: start and end columns (code points, end-exclusive)."""

    start: str
    end: str
    text: str | None  # the stored covered text; None: the table keeps no copy (blocks)
    optional: bool = False  # the span may be wholly null (an event argument that points at a mention)

    @property
    def bounds(self) -> tuple[str, str]:
        return self.start, self.end


@dataclass(frozen=True)
class Reference:
    """``column`` of ``table`` names a row of ``target`` by its id, within the same document.

    The references to the articles are the doc_id column itself (``column == target.id_column``).
    A name that matches no row is the issue ``code``; one that matches a row of another document is
    ``other_doc_code`` (None for the doc_id references: an unknown doc_id has no other document).
    """

    table: Table
    column: str
    target: Table
    code: str
    other_doc_code: str | None = None


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
        """The table's file under a corpus folder; ``layer`` (an annotator layer) must pass the name rule."""
        if self.folder == "annotations" and layer is not None:
            return f"{LAYERS_FOLDER}/{check_name(layer, 'layer')}/{self.filename}"
        return f"{self.folder}/{self.filename}"

    def path(self, root: Path, layer: str | None = None) -> Path:
        """The table's file in ``root``; PathError ``path-escapes`` if links take it outside ``root``."""
        return check_inside(root, root / self.relpath(layer), "table file")

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

    @property
    def id_key(self) -> list[str]:
        """The columns that identify one record: its id within its document (doc_id alone for a document's record)."""
        return ["doc_id"] if self.id_column == "doc_id" else ["doc_id", self.id_column]

    @property
    def span(self) -> Span | None:
        """The table's span into the article text (None: the table has none), from :data:`SPANS`."""
        return SPANS.get(self.name)

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The columns holding (part of) the article text: nulled in a stand-off release."""
        if self.name in ARTICLE_TEXT_COLUMNS:
            return ARTICLE_TEXT_COLUMNS[self.name]
        span = self.span
        return (span.text,) if span is not None and span.text is not None else ()

    @property
    def references(self) -> tuple[Reference, ...]:
        """The references from this table's columns to other tables' ids, from :data:`REFERENCES`."""
        return tuple(r for r in REFERENCES if r.table is self)


ARTICLES = Table("articles", "corpus", ARTICLE_COLUMNS, ("doc_id",), "doc_id")
BLOCKS = Table("blocks", "corpus", BLOCK_COLUMNS, ("doc_id", "block_id"), "block_id")
SPLITS = Table("splits", "corpus", SPLIT_COLUMNS, ("doc_id",), "doc_id")
ENTITIES = Table("entities", "annotations", ENTITY_COLUMNS, ("doc_id", "start", "end", "mention_id"), "mention_id")
EVENTS = Table("events", "annotations", EVENT_COLUMNS, ("doc_id", "event_id"), "event_id")
ARGUMENTS = Table(
    "event_arguments", "annotations", ARGUMENT_COLUMNS, ("doc_id", "event_id", "argument_id"), "argument_id"
)
STANCES = Table("stances", "annotations", STANCE_COLUMNS, ("doc_id", "stance_id"), "stance_id")
# The annotation status of each article and kind, beside the annotation tables of gold and of each layer.
STATUS = Table("status", "annotations", STATUS_COLUMNS, ("doc_id", "kind"), "kind")

# The scores of a machine layer's suggestions (peacetalks suggest): only in a machine layer, never in gold,
# so it is in none of the tuples below (validate reads it for a machine layer, beside its tables).
SCORES = Table("suggestion_scores", "annotations", SCORE_COLUMNS, ("doc_id", "kind", "item_id"), "item_id")
# An annotator layer's notes on its items (brat AnnotatorNotes): a layer file only, never gold, never released,
# so it is in none of the lists below; absent when the layer has no notes.
NOTES = Table("notes", "annotations", NOTE_COLUMNS, ("doc_id", "note_id"), "note_id")

ANNOTATION_TABLES = (ENTITIES, EVENTS, ARGUMENTS, STANCES)
ALL_TABLES = (ARTICLES, BLOCKS, SPLITS, *ANNOTATION_TABLES, STATUS)
# The annotation tables of each kind an article has a status for (schema/columns.py ANNOTATION_KINDS).
KIND_TABLES: dict[str, tuple[Table, ...]] = {
    "entities": (ENTITIES,),
    "events": (EVENTS, ARGUMENTS),
    "stances": (STANCES,),
}
BY_NAME = {t.name: t for t in ALL_TABLES}

# Each table's span into the article text. Validation checks them, stand-off releases strip and
# refill their texts, ingest rebases them onto a changed text.
SPANS: dict[str, Span] = {
    BLOCKS.name: Span("start", "end", None),
    ENTITIES.name: Span("start", "end", "text"),
    EVENTS.name: Span("trigger_start", "trigger_end", "trigger_text"),
    ARGUMENTS.name: Span("start", "end", "text", optional=True),
    STANCES.name: Span("evidence_start", "evidence_end", "evidence_text"),
}
SPANNED_TABLES = tuple(t for t in ALL_TABLES if t.name in SPANS)
# Article columns that hold text: the text itself and the parts of it kept as metadata.
ARTICLE_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {ARTICLES.name: ("text", "kicker", "headline")}

# Which column names which table's id. Every table but the articles belongs to an article by its doc_id.
REFERENCES: tuple[Reference, ...] = (
    *(Reference(t, "doc_id", ARTICLES, code="unknown-doc") for t in ALL_TABLES if t is not ARTICLES),
    Reference(ARGUMENTS, "event_id", EVENTS, code="unknown-event", other_doc_code="event-in-other-doc"),
    Reference(ARGUMENTS, "mention_id", ENTITIES, code="unknown-mention", other_doc_code="mention-in-other-doc"),
    Reference(STANCES, "holder_mention_id", ENTITIES, code="unknown-mention", other_doc_code="mention-in-other-doc"),
    Reference(STANCES, "event_id", EVENTS, code="unknown-event", other_doc_code="event-in-other-doc"),
)
