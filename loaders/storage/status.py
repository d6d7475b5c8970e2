"""The annotation status of each article and kind (entities, events, stances), in gold and in each layer.

``annotations/status.parquet`` (gold) and ``annotations/layers/<name>/status.parquet`` (a layer) hold one
row per article and kind: its status (``annotation_statuses`` of the scheme: not-started, in-progress,
complete, adjudicated), the command that set it and the day, where known. An article without a row
for a kind is in no state at all: a release refuses it, and it never counts as annotated.

:func:`keep_complete` is the one filter every config and export uses: the rows of a kind's tables
whose article has complete gold (a status in ``complete_statuses``) for that kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import StatusError
from peacetalks.schema.columns import ANNOTATION_KINDS, status_column
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARTICLES, KIND_TABLES, LAYERS_FOLDER, STATUS, Table
from peacetalks.storage.layers import GOLD, layer_exists, layer_names
from peacetalks.storage.parquet import read_table, sort_table, write_tables

KINDS = ANNOTATION_KINDS
# The word for an article with no status row for a kind (counted, shown; never stored).
NO_STATUS = "no status"


def read_status(root: Path, layer: str | None = None) -> pl.DataFrame:
    """The status table of gold (``layer`` None) or of an annotator layer; empty when it has none."""
    return read_table(root, STATUS, layer, missing_ok=True)


def status_rows(
    doc_ids: Iterable[str],
    status: str,
    *,
    kinds: Sequence[str] = KINDS,
    set_by: str | None = None,
    set_on: dt.date | None = None,
) -> pl.DataFrame:
    """One status row per article and kind."""
    docs = pl.DataFrame({"doc_id": list(doc_ids)}, schema={"doc_id": pl.String}).unique(maintain_order=True)
    return docs.join(pl.DataFrame({"kind": list(kinds)}, schema={"kind": pl.String}), how="cross").with_columns(
        pl.lit(status, pl.String).alias("status"),
        pl.lit(set_by, pl.String).alias("set_by"),
        pl.lit(set_on, pl.Date).alias("set_on"),
    )


def upsert(current: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """``current`` with the rows of ``new`` in place of the same (doc_id, kind); sorted like the file.

    A row whose status does not change keeps who set it and when, so setting a status again changes nothing.
    """
    same = new.join(current, on=["doc_id", "kind", "status"], how="semi")
    changed = new.join(same, on=["doc_id", "kind"], how="anti")
    kept = current.join(changed, on=["doc_id", "kind"], how="anti")
    return sort_table(pl.concat([kept.select(STATUS.columns), changed.select(STATUS.columns)]), STATUS)


def complete_doc_ids(status: pl.DataFrame, kind: str) -> pl.Series:
    """The articles whose ``status`` table (gold's) says ``kind`` is complete."""
    done = load_scheme().complete_statuses
    rows = status.filter((pl.col("kind") == kind) & pl.col("status").is_in(done))
    return rows["doc_id"].unique()


def keep_complete(frame: pl.DataFrame, status: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The rows of ``frame`` (any table with a doc_id) whose article has complete gold for ``kind``.

    The one filter of every config and export: an article whose gold for a kind is not complete
    never gives rows of that kind, so its missing annotations never count as negatives.
    """
    return frame.filter(pl.col("doc_id").is_in(complete_doc_ids(status, kind).implode()))


def kind_of(table: Table) -> str:
    """The kind whose status governs annotation table ``table`` (arguments: events)."""
    return next(kind for kind, tables in KIND_TABLES.items() if table in tables)


def wide(doc_ids: pl.DataFrame, status: pl.DataFrame, *, missing: str | None = None) -> pl.DataFrame:
    """``doc_ids`` (a frame with doc_id, in its order) with one column per kind: the article's status.

    An article without a row for a kind gets ``missing`` (None: null).
    """
    out = doc_ids.select("doc_id")
    for kind in KINDS:
        one = status.filter(pl.col("kind") == kind).select("doc_id", pl.col("status").alias(status_column(kind)))
        out = out.join(one.unique("doc_id", keep="first"), on="doc_id", how="left", maintain_order="left")
        if missing is not None:
            out = out.with_columns(pl.col(status_column(kind)).fill_null(missing))
    return out


def coverage(articles: pl.DataFrame, status: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Per kind, the number of articles of ``articles`` in each status (every status listed, then ``no status``)."""
    statuses = wide(articles, status, missing=NO_STATUS)
    order = (*load_scheme().annotation_statuses, NO_STATUS)
    counts: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        found = dict(statuses.group_by(status_column(kind)).len().iter_rows())
        counts[kind] = {name: int(found.get(name, 0)) for name in order}
    return counts


def annotated_counts(articles: pl.DataFrame, status: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """Per kind: (annotated, unannotated) articles, annotated meaning complete gold (``complete_statuses``)."""
    done = load_scheme().complete_statuses
    counts = coverage(articles, status)
    return {
        kind: (sum(n for s, n in by.items() if s in done), sum(n for s, n in by.items() if s not in done))
        for kind, by in counts.items()
    }


def without_status(articles: pl.DataFrame, status: pl.DataFrame) -> dict[str, list[str]]:
    """The articles that have no status row for some kind, with the kinds they lack (sorted by doc_id)."""
    statuses = wide(articles, status)
    lacking = statuses.select(
        "doc_id",
        pl.concat_list([pl.when(pl.col(status_column(k)).is_null()).then(pl.lit(k)) for k in KINDS])
        .list.drop_nulls()
        .alias("kinds"),
    ).filter(pl.col("kinds").list.len() > 0)
    return {str(d): list(k) for d, k in lacking.sort("doc_id").iter_rows()}


@dataclass(frozen=True)
class StatusChange:
    """What :func:`set_status` did: the layer, the rows set and how many of them changed."""

    layer: str | None
    rows: pl.DataFrame
    changed: int
    written: list[Path] = field(default_factory=list)


def check_status(status: str, *, layer: str | None, kinds: Sequence[str]) -> None:
    """A status and kinds the scheme defines; ``adjudicated`` only for gold."""
    scheme = load_scheme()
    if status not in scheme.annotation_statuses:
        raise StatusError(
            "bad-status",
            f"status {status!r} is not one of {', '.join(scheme.annotation_statuses)}",
            data={"option": "status", "allowed": list(scheme.annotation_statuses)},
        )
    if layer is not None and status == scheme.adjudicated_status:
        raise StatusError(
            "bad-status",
            f"status {status!r} is for gold only (an annotator layer's pass is {scheme.finished_status!r} at most)",
            data={"option": "status", "layer": layer},
        )
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise StatusError(
            "bad-status",
            f"kind {', '.join(map(repr, unknown))} is not one of {', '.join(KINDS)}",
            data={"option": "kinds", "allowed": list(KINDS)},
        )


def set_status(
    root: Path,
    doc_ids: Sequence[str],
    status: str,
    *,
    kinds: Sequence[str] = KINDS,
    layer: str | None = None,
    set_by: str = "status set",
    today: dt.date | None = None,
) -> StatusChange:
    """Set the status of ``doc_ids`` for ``kinds`` in gold (``layer`` None) or in an annotator layer; atomic.

    Every doc_id must be an article of the corpus (StatusError ``unknown-doc`` naming all that are not).
    """
    check_status(status, layer=layer, kinds=kinds)
    if layer is not None and not layer_exists(root, layer):
        raise StatusError(
            "unknown-layer",
            f"layer {layer!r} has no annotation tables",
            path=f"{LAYERS_FOLDER}/{layer}",
            data={"layer": layer},
        )
    articles = read_table(root, ARTICLES, missing_ok=True).select("doc_id")
    unknown = sorted(set(doc_ids) - set(articles["doc_id"].to_list()))
    if unknown:
        raise StatusError(
            "unknown-doc",
            f"no article {', '.join(unknown)} in the corpus",
            path=ARTICLES.relpath(),
            data={"doc_ids": unknown},
        )
    current = read_status(root, layer)
    new = status_rows(doc_ids, status, kinds=kinds, set_by=set_by, set_on=today or dt.date.today())
    merged = upsert(current, new)
    changed = new.join(current, on=["doc_id", "kind", "status"], how="anti").height
    written = write_tables(root, {STATUS: merged}, layer) if changed else []
    return StatusChange(
        layer, merged.join(new.select("doc_id", "kind"), on=["doc_id", "kind"], how="semi"), changed, written
    )


def with_status(
    frames: Mapping[Table, pl.DataFrame], root: Path, layer: str | None, new: pl.DataFrame
) -> dict[Table, pl.DataFrame]:
    """``frames`` plus the layer's status table with the rows of ``new`` set (for one write of them all)."""
    return {**frames, STATUS: upsert(read_status(root, layer), new)}


def status_overview(root: Path, layers: Sequence[str | None] | None = None) -> pl.DataFrame:
    """Every article x layer x kind with its status (null: no status), set_by and set_on.

    Columns: doc_id, layer (``gold`` or the layer's name), kind, status, set_by, set_on; ``layers``
    (None: gold and every annotator layer) names the layers, None for gold.
    """
    wanted = [None, *layer_names(root)] if layers is None else list(layers)
    articles = read_table(root, ARTICLES, missing_ok=True).select("doc_id")
    grid = articles.join(pl.DataFrame({"kind": list(KINDS)}), how="cross")
    parts = [
        grid.join(read_status(root, layer), on=["doc_id", "kind"], how="left", maintain_order="left").select(
            "doc_id", pl.lit(layer or GOLD).alias("layer"), "kind", "status", "set_by", "set_on"
        )
        for layer in wanted
    ]
    schema = {
        "doc_id": pl.String,
        "layer": pl.String,
        "kind": pl.String,
        "status": pl.String,
        "set_by": pl.String,
        "set_on": pl.Date,
    }
    return pl.concat(parts).sort("doc_id", maintain_order=True) if parts else pl.DataFrame(schema=schema)
