"""Annotator layers and gold, read as the four annotation tables, and their id-free form.

A layer is named by its folder under ``annotations/layers/``; the name ``gold`` stands for the
tables in ``annotations/`` itself. Agreement and adjudication compare items by what they cover,
never by their ids: :func:`span_frames` replaces every reference (an argument's mention, a
stance's holder and event) by the spans it points to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.errors import ReviewError
from peacetalks.schema.names import check_name
from peacetalks.schema.tables import ANNOTATION_TABLES, ARGUMENTS, ENTITIES, EVENTS, LAYERS_FOLDER, STANCES, Table
from peacetalks.storage.parquet import read_table, sort_table
from peacetalks.storage.shards import table_exists

GOLD = "gold"
# The two annotation passes the data card's agreement section, its chart and `view` compare by default.
PASSES = ("annotator-a", "annotator-b")


def check_layer(name: str) -> str:
    """``name`` if it is ``gold`` or passes the name rule (PathError ``bad-name`` otherwise)."""
    return name if name == GOLD else check_name(name, "layer")


def layer_dir(name: str) -> str | None:
    """The ``layer`` argument of the storage functions for a layer name (``None`` for gold)."""
    return None if name == GOLD else check_layer(name)


def layer_relpath(name: str) -> str:
    return "annotations" if name == GOLD else f"{LAYERS_FOLDER}/{check_layer(name)}"


def layer_names(root: Path) -> list[str]:
    """The annotator layers of the corpus at ``root``: the folders under ``annotations/layers/``, sorted."""
    folder = root / LAYERS_FOLDER
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def layer_exists(root: Path, name: str) -> bool:
    layer = layer_dir(name)
    return any(table_exists(root, t, layer) for t in ANNOTATION_TABLES)


def read_layer(root: Path, name: str, *, missing_ok: bool = False) -> dict[Table, pl.DataFrame]:
    """The four annotation tables of a layer; a table file the layer lacks reads as empty.

    Raises ReviewError ``unknown-layer`` when the layer has none of the four files (unless
    ``missing_ok``, which gives four empty tables).
    """
    if not missing_ok and not layer_exists(root, name):
        raise ReviewError(
            "unknown-layer",
            f"layer {name!r} has no annotation tables",
            path=layer_relpath(name),
            data={"layer": name},
        )
    layer = layer_dir(name)
    return {t: read_table(root, t, layer, missing_ok=True) for t in ANNOTATION_TABLES}


# Columns added by a minor scheme version whose null means "not annotated" (scheme 2.1.0: events.cluster_id,
# no event coreference). A table where such a column is null throughout has the content it had before the
# column existed, so it is hashed without it: migrating a layer to the new scheme keeps its fingerprint.
_ADDED_NULLABLE: dict[str, tuple[str, ...]] = {EVENTS.name: ("cluster_id",)}


def _content(df: pl.DataFrame, table: Table) -> pl.DataFrame:
    unannotated = [
        c for c in _ADDED_NULLABLE.get(table.name, ()) if c in df.columns and df[c].null_count() == df.height
    ]
    return sort_table(df, table).drop(unannotated)


def layer_fingerprint(tables: dict[Table, pl.DataFrame]) -> str:
    """The sha256 of a layer's content: its four tables, each sorted by its keys, as JSON lines.

    Two layers with the same rows have the same fingerprint however their files were written; a column
    of :data:`_ADDED_NULLABLE` that is null throughout counts as absent (the layer as before that column).
    """
    digest = hashlib.sha256()
    for table in ANNOTATION_TABLES:
        digest.update(table.name.encode() + b"\0")
        digest.update(_content(tables[table], table).write_ndjson().encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class SpanFrames:
    """A layer with references resolved to spans.

    - ``entities``: doc_id, mention_id, start, end, text, label, form, mention_type, entity_id
    - ``events``: the events table as it is
    - ``arguments``: doc_id, event_id, argument_id, role, trigger_start, trigger_end (of its event),
      start, end, text (of the argument or its mention), mention_label (null for a span argument)
    - ``stances``: the stances table plus holder_start, holder_end, holder_label and
      event_trigger_start, event_trigger_end
    """

    entities: pl.DataFrame
    events: pl.DataFrame
    arguments: pl.DataFrame
    stances: pl.DataFrame


def span_frames(tables: dict[Table, pl.DataFrame]) -> SpanFrames:
    entities = tables[ENTITIES]
    events = tables[EVENTS]
    mentions = entities.unique(["doc_id", "mention_id"], keep="first", maintain_order=True).select(
        "doc_id",
        "mention_id",
        pl.col("start").alias("__m_start"),
        pl.col("end").alias("__m_end"),
        pl.col("text").alias("__m_text"),
        pl.col("label").alias("mention_label"),
    )
    triggers = events.unique(["doc_id", "event_id"], keep="first", maintain_order=True).select(
        "doc_id", "event_id", "trigger_start", "trigger_end"
    )
    arguments = (
        tables[ARGUMENTS]
        .join(triggers, on=["doc_id", "event_id"], how="left")
        .join(mentions, on=["doc_id", "mention_id"], how="left")
        .select(
            "doc_id",
            "event_id",
            "argument_id",
            "role",
            "trigger_start",
            "trigger_end",
            pl.coalesce("__m_start", "start").alias("start"),
            pl.coalesce("__m_end", "end").alias("end"),
            pl.coalesce("__m_text", "text").alias("text"),
            "mention_label",
        )
    )
    holders = mentions.select(
        "doc_id",
        pl.col("mention_id").alias("holder_mention_id"),
        pl.col("__m_start").alias("holder_start"),
        pl.col("__m_end").alias("holder_end"),
        pl.col("mention_label").alias("holder_label"),
    )
    stance_events = triggers.select(
        "doc_id",
        "event_id",
        pl.col("trigger_start").alias("event_trigger_start"),
        pl.col("trigger_end").alias("event_trigger_end"),
    )
    stances = (
        tables[STANCES]
        .join(holders, on=["doc_id", "holder_mention_id"], how="left")
        .join(stance_events, on=["doc_id", "event_id"], how="left")
    )
    return SpanFrames(entities=entities, events=events, arguments=arguments, stances=stances)
