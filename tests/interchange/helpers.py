"""Building annotator layers on disk from the tiny corpus, with edits, for agreement and adjudication tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, STATUS
from peacetalks.storage.parquet import write_tables
from tests.conftest import DOC, status_frame, tiny_frames


def write_corpus(root: Path) -> Path:
    frames = tiny_frames()
    write_tables(root, {ARTICLES: frames["articles"], BLOCKS: frames["blocks"]})
    return root


def write_layer(root: Path, name: str | None, frames: dict[str, pl.DataFrame] | None = None) -> None:
    """Write the four annotation tables of ``frames`` (default: the tiny corpus) as layer ``name`` (None = gold).

    The layer's status: its article complete (gold: adjudicated), as a finished pass.
    """
    frames = frames or tiny_frames()
    status = status_frame([DOC], "adjudicated" if name is None else "complete")
    write_tables(root, {**{t: frames[t.name] for t in ANNOTATION_TABLES}, STATUS: status}, layer=name)


def with_event_clusters(frames: dict[str, pl.DataFrame] | None = None) -> dict[str, pl.DataFrame]:
    """``frames`` (default: the tiny corpus) with a cluster on each of its two events: the call, the support."""
    frames = frames or tiny_frames()
    clusters = pl.Series("cluster_id", ["trump-putin-call", "kremlin-support"], dtype=pl.String)
    return {**frames, "events": frames["events"].with_columns(clusters)}


def edit(frames: dict[str, pl.DataFrame], table: str, where: pl.Expr, **values: object) -> dict[str, pl.DataFrame]:
    """A copy of ``frames`` with ``values`` set on the rows of ``table`` matching ``where``."""
    df = frames[table]
    changed = df.with_columns(
        [pl.when(where).then(pl.lit(v, dtype=df.schema[k])).otherwise(pl.col(k)).alias(k) for k, v in values.items()]
    )
    return {**frames, table: changed}


def drop(frames: dict[str, pl.DataFrame], table: str, where: pl.Expr) -> dict[str, pl.DataFrame]:
    return {**frames, table: frames[table].filter(~where)}
