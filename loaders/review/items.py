"""Annotations as id-free versions, and back to tables with fresh, consistent ids.

A *version* is one item as JSON with its references replaced by the spans they point to: a
mention, an event with its arguments (each a role and a span; a mention argument also names the
label of its mention), or a stance (its holder as span and label, its event as trigger span).
Two layers agree on an item when their versions are equal; adjudication merges versions and
:func:`tables_from_versions` turns them back into the four tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from peacetalks.schema.tables import ARGUMENTS, ENTITIES, EVENTS, SPANS, STANCES, Table
from peacetalks.storage.layers import span_frames

CONTENT = "content"

_ARGUMENT = pl.Struct(
    {"role": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String, "mention_label": pl.String}
)

# The fields of a version of each kind, in the order they are written to the review file.
DTYPES: dict[str, pl.Struct] = {
    ENTITIES.name: pl.Struct(
        {
            "start": pl.Int64,
            "end": pl.Int64,
            "text": pl.String,
            "label": pl.String,
            "form": pl.String,
            "mention_type": pl.String,
            "entity_id": pl.String,
        }
    ),
    EVENTS.name: pl.Struct(
        {
            "trigger_start": pl.Int64,
            "trigger_end": pl.Int64,
            "trigger_text": pl.String,
            "category": pl.String,
            "mode": pl.String,
            "context": pl.List(pl.String),
            "realis": pl.String,
            "modality": pl.String,
            "cluster_id": pl.String,
            "arguments": pl.List(_ARGUMENT),
        }
    ),
    STANCES.name: pl.Struct(
        {
            "holder_start": pl.Int64,
            "holder_end": pl.Int64,
            "holder_label": pl.String,
            "target_id": pl.String,
            "polarity": pl.String,
            "attribution": pl.String,
            "evidence_start": pl.Int64,
            "evidence_end": pl.Int64,
            "evidence_text": pl.String,
            "event_trigger_start": pl.Int64,
            "event_trigger_end": pl.Int64,
        }
    ),
}

# The columns that pair two differing versions as one conflict (besides doc_id).
UNITS: dict[str, tuple[str, ...]] = {
    ENTITIES.name: SPANS[ENTITIES.name].bounds,
    EVENTS.name: SPANS[EVENTS.name].bounds,
    STANCES.name: ("holder_start", "holder_end", "target_id"),
}

KINDS = tuple(DTYPES)
# An argument's own span columns: null when it points at a mention.
_ARGUMENT_SPAN = (*SPANS[ARGUMENTS.name].bounds, *ARGUMENTS.text_columns)


# The table of each kind, whose id column names an item (``with_ids`` of :func:`versions`).
TABLES: dict[str, Table] = {ENTITIES.name: ENTITIES, EVENTS.name: EVENTS, STANCES.name: STANCES}
ID = "id"


def versions(tables: dict[Table, pl.DataFrame], *, with_ids: bool = False) -> dict[str, pl.DataFrame]:
    """Per kind: doc_id, the unit columns and ``content`` (the version as canonical JSON).

    ``with_ids`` adds ``id``, the item's id in its table (``mention_id``, ``event_id``, ``stance_id``).
    """
    frames = span_frames(tables)
    args = (
        frames.arguments.sort(["doc_id", "event_id", "role", "start", "end", "mention_label"], nulls_last=True)
        .group_by(["doc_id", "event_id"], maintain_order=True)
        .agg(pl.struct(list(_ARGUMENT.to_schema())).alias("arguments"))
    )
    events = frames.events.join(args, on=["doc_id", "event_id"], how="left").with_columns(
        pl.col("arguments").fill_null(pl.lit([], dtype=pl.List(_ARGUMENT))),
        pl.col("context").list.sort(),
    )
    sources = {ENTITIES.name: frames.entities, EVENTS.name: events, STANCES.name: frames.stances}
    found: dict[str, pl.DataFrame] = {}
    for kind, df in sources.items():
        fields = list(DTYPES[kind].to_schema())
        found[kind] = df.select(
            "doc_id",
            *UNITS[kind],
            pl.struct([pl.col(f).cast(DTYPES[kind].to_schema()[f]) for f in fields])
            .struct.json_encode()
            .alias(CONTENT),
            *([pl.col(TABLES[kind].id_column).alias(ID)] if with_ids else []),
        )
    return found


def canonical(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``rows`` (doc_id, content, ...) with ``content`` re-encoded as :func:`versions` writes it.

    A version read from a review file may order its fields, context codes or arguments otherwise, or
    leave out a field that is null; the canonical form is equal for equal versions. A value of the wrong
    type raises polars' error.
    """
    decoded = pl.col(CONTENT).str.json_decode(DTYPES[kind])
    if kind == EVENTS.name:
        decoded = decoded.struct.with_fields(pl.field("context").list.sort(), pl.field("arguments").list.sort())
    return rows.with_columns(decoded.struct.json_encode().alias(CONTENT))


def with_units(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``rows`` (doc_id, content, ...) with the unit columns of ``kind``, read from the content."""
    decoded = pl.col(CONTENT).str.json_decode(DTYPES[kind])
    return rows.with_columns(decoded.struct.field(c).alias(c) for c in UNITS[kind])


@dataclass
class Rebuilt:
    """The four tables rebuilt from versions, and what could not be linked as the version said."""

    tables: dict[Table, pl.DataFrame]
    notes: list[str] = field(default_factory=list)


def _decode(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    return rows.select("doc_id", pl.col(CONTENT).str.json_decode(DTYPES[kind])).unnest(CONTENT)


def _numbered(df: pl.DataFrame, column: str, prefix: str, order: list[str]) -> pl.DataFrame:
    df = df.sort(["doc_id", *order], nulls_last=True, maintain_order=True)
    number = (pl.int_range(1, pl.len() + 1).over("doc_id")).cast(pl.String).str.zfill(4)
    return df.with_columns(pl.format("{}{}", pl.lit(prefix), number).alias(column))


def tables_from_versions(rows: dict[str, pl.DataFrame]) -> Rebuilt:
    """Decode versions (doc_id, content) into the four tables with fresh ids per document.

    Ids are ``m0001``, ``ev0001``, ``a0001``, ``s0001`` in text order. A mention argument whose
    mention is not among the merged mentions stays as a span argument (noted); a stance event
    that is not among the merged events is dropped from the stance (noted); a stance whose
    holder is not among the merged mentions keeps an empty holder, which validation reports.
    """
    notes: list[str] = []
    entities = _numbered(_decode(rows[ENTITIES.name], ENTITIES.name), "mention_id", "m", ["start", "end", "label"])
    events = _numbered(_decode(rows[EVENTS.name], EVENTS.name), "event_id", "ev", ["trigger_start", "trigger_end"])
    by_span = entities.unique(["doc_id", "start", "end", "label"], keep="first", maintain_order=True).select(
        "doc_id", "start", "end", pl.col("label").alias("mention_label"), "mention_id"
    )
    arguments = (
        events.select("doc_id", "event_id", "arguments")
        .explode("arguments")
        .drop_nulls("arguments")
        .unnest("arguments")
        .join(by_span, on=["doc_id", "start", "end", "mention_label"], how="left")
    )
    lost = arguments.filter(pl.col("mention_label").is_not_null() & pl.col("mention_id").is_null())
    notes += [
        f"{doc}: the {role} argument of event {ev} names a {label} mention at {s}-{e} that is not in the merge; "
        "it is kept as a span argument"
        for doc, ev, role, s, e, label in lost.select("doc_id", "event_id", "role", "start", "end", "mention_label")
        .unique(maintain_order=True)
        .iter_rows()
    ]
    linked = pl.col("mention_id").is_not_null()
    arguments = arguments.with_columns(
        [pl.when(linked).then(None).otherwise(pl.col(c)).alias(c) for c in _ARGUMENT_SPAN]
    )
    arguments = _numbered(arguments, "argument_id", "a", ["event_id", "role", "start", "end", "mention_id"])
    stances = _stances(_decode(rows[STANCES.name], STANCES.name), entities, events, notes)
    tables = {
        ENTITIES: entities.select(ENTITIES.columns),
        EVENTS: events.select(EVENTS.columns),
        ARGUMENTS: arguments.select(ARGUMENTS.columns),
        STANCES: stances.select(STANCES.columns),
    }
    return Rebuilt(tables, notes)


def _stances(stances: pl.DataFrame, entities: pl.DataFrame, events: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    exact = entities.unique(["doc_id", "start", "end", "label"], keep="first", maintain_order=True).select(
        "doc_id",
        pl.col("start").alias("holder_start"),
        pl.col("end").alias("holder_end"),
        pl.col("label").alias("holder_label"),
        pl.col("mention_id").alias("__exact"),
    )
    loose = entities.unique(["doc_id", "start", "end"], keep="first", maintain_order=True).select(
        "doc_id",
        pl.col("start").alias("holder_start"),
        pl.col("end").alias("holder_end"),
        pl.col("mention_id").alias("__loose"),
    )
    triggers = events.unique(["doc_id", "trigger_start", "trigger_end"], keep="first", maintain_order=True).select(
        "doc_id",
        pl.col("trigger_start").alias("event_trigger_start"),
        pl.col("trigger_end").alias("event_trigger_end"),
        "event_id",
    )
    joined = (
        stances.join(exact, on=["doc_id", "holder_start", "holder_end", "holder_label"], how="left")
        .join(loose, on=["doc_id", "holder_start", "holder_end"], how="left")
        .join(triggers, on=["doc_id", "event_trigger_start", "event_trigger_end"], how="left")
        .with_columns(pl.coalesce("__exact", "__loose").fill_null("").alias("holder_mention_id"))
    )
    dropped = joined.filter(pl.col("event_trigger_start").is_not_null() & pl.col("event_id").is_null())
    notes += [
        f"{doc}: the stance of the holder at {hs}-{he} on {target} names an event at {s}-{e} "
        "that is not in the merge; its event_id is left empty"
        for doc, hs, he, target, s, e in dropped.select(
            "doc_id", "holder_start", "holder_end", "target_id", "event_trigger_start", "event_trigger_end"
        ).iter_rows()
    ]
    return _numbered(joined, "stance_id", "s", ["evidence_start", "evidence_end", "holder_start", "target_id"])
