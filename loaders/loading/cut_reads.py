"""The reads of a config build cut by cut: which cuts, and one cut's rows of each table.

A config is built from one cut of the corpus at a time (:mod:`peacetalks.storage.units`: a shard each
of a sharded corpus, or a range of doc_ids over the row groups of a single-file corpus), so that its
peak memory is that of a cut, not of the corpus. The rows a cut gives, concatenated over the cuts in
order, must be those of the whole tables in file order; :func:`plan` gives cuts only when that holds,
found from the doc_id columns alone:

- a sharded corpus: no document has rows in two shards (in any table the config reads), and the shards
  of a table have the same columns (else the whole read reports ``bad-shards``);
- a single-file corpus: a document's rows are never split by construction, but the output of a flat
  config (entities, events, stances) is its table in file order, so within each row group of that
  table the rows of an earlier cut must come before those of a later one.

Otherwise :func:`plan` gives None and the caller reads the tables whole, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from polars.exceptions import PanicException

from peacetalks.errors import LoadError, TableReadError
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, STANCES, STATUS, Table
from peacetalks.storage.shards import file_relpath, is_sharded, table_exists
from peacetalks.storage.units import UNIT_ARTICLES, Cut, Part, cuts, read_part

NEEDS: dict[str, tuple[Table, ...]] = {
    "documents": (ARTICLES, BLOCKS, ENTITIES, EVENTS, ARGUMENTS, STANCES, STATUS),
    "entities": (ARTICLES, ENTITIES, STATUS),
    "events": (ARTICLES, EVENTS, ARGUMENTS, STATUS),
    "stances": (ARTICLES, STANCES, ENTITIES, STATUS),
    "tokens": (ARTICLES, BLOCKS, ENTITIES, STATUS),
}
"""The tables each config reads (the articles always: they say where a single-file corpus is cut)."""

ORDERED: dict[str, Table] = {"entities": ENTITIES, "events": EVENTS, "stances": STANCES}
"""The table whose file order is a flat config's row order (documents and tokens follow the articles)."""


@dataclass(frozen=True)
class Plan:
    """The cuts of a config build, and for a sharded corpus the cut of each doc_id (``doc_id``, ``cut``)."""

    root: Path
    cuts: list[Cut]
    homes: pl.DataFrame | None  # None: a single-file corpus, whose cuts are ranges of doc_ids

    def splits(self, splits: pl.DataFrame, index: int) -> pl.DataFrame:
        """The rows of ``splits`` (doc_id, split) of the documents of cut ``index``."""
        cut = self.cuts[index]
        if self.homes is not None:
            mine = self.homes.filter(pl.col("cut") == index).select("doc_id")
            return splits.join(mine, on="doc_id", how="semi", maintain_order="left")
        keep = pl.lit(value=True)
        if cut.lo is not None:
            keep &= pl.col("doc_id") >= cut.lo
        if cut.hi is not None:
            keep &= pl.col("doc_id") < cut.hi
        return splits.filter(keep)

    def reader(self, index: int) -> Callable[[Table], pl.DataFrame]:
        """Read a table's rows of cut ``index`` in file order; an annotation table that is absent is empty."""
        cut = self.cuts[index]
        parts = {p.table: p for p in cut.parts}

        def read(table: Table) -> pl.DataFrame:
            part = parts.get(table.name)
            if part is None:
                if table.folder == "annotations":
                    return pl.DataFrame(schema=table.polars_schema())
                raise LoadError("missing-table", f"the cut holds no {table.relpath()}")
            try:
                return read_part(part, cut.lo, cut.hi)
            except (pl.exceptions.PolarsError, OSError, PanicException) as exc:
                rel = file_relpath(self.root, Path(part.path))
                message = f"cannot read Parquet file: {str(exc).splitlines()[0]}"
                raise TableReadError("unreadable-file", message, path=rel) from None

        return read


def plan(root: Path, config: str, *, min_articles: int = UNIT_ARTICLES) -> Plan | None:
    """The cuts to build ``config`` from, or None: read the tables whole (see the module docstring)."""
    needed = NEEDS[config]
    if any(t.folder == "corpus" and not table_exists(root, t) for t in needed):
        return None  # the whole read reports the missing table
    present = [t for t in needed if table_exists(root, t)]
    found = cuts(root, present, min_articles=min_articles)
    if found is None:
        return None
    if not is_sharded(root):
        ordered = ORDERED.get(config)
        if ordered is not None and ordered in present and not _in_cut_order(found, ordered):
            return None
        return Plan(root, found, None)
    homes = _homes(found)
    return None if homes is None else Plan(root, found, homes)


def _doc_ids(part: Part) -> pl.Series:
    """The doc_id column of the rows a part reads (before a cut's bounds keep its own)."""
    frame = pl.scan_parquet(part.path).slice(part.start, part.stop - part.start).select("doc_id")
    return frame.collect()["doc_id"]


def _in_cut_order(found: list[Cut], table: Table) -> bool:
    """Do the rows of ``table`` (a single file) come cut by cut: each cut's rows after the earlier cuts'?

    Row groups are in doc_id order (else the corpus is not cut), so only the rows a cut reads can be out
    of order: each must be below the cut (an earlier cut's), in it, or above it (a later cut's), in that order.
    """
    for cut in found:
        part = next(p for p in cut.parts if p.table == table.name)
        ids = _doc_ids(part)
        place = pl.zeros(len(ids), dtype=pl.Int8, eager=True)
        if cut.lo is not None:
            place += (ids >= cut.lo).cast(pl.Int8)
        if cut.hi is not None:
            place += (ids >= cut.hi).cast(pl.Int8)
        if not place.is_sorted():
            return False
    return True


def _homes(found: list[Cut]) -> pl.DataFrame | None:
    """doc_id -> the shard (cut) holding it, or None when a document has rows in two shards or shards differ."""
    schemas: dict[str, pl.Schema] = {}
    frames = []
    for index, cut in enumerate(found):
        ids = []
        for part in cut.parts:
            try:
                schema = pl.Schema(pl.read_parquet_schema(part.path))
                ids.append(_doc_ids(part))
            except (pl.exceptions.PolarsError, OSError, PanicException):
                return None  # the whole read reports the damaged file
            if schemas.setdefault(part.table, schema) != schema:
                return None
        docs = pl.concat(ids).cast(pl.String).unique().drop_nulls()
        frames.append(pl.DataFrame({"doc_id": docs, "cut": pl.repeat(index, len(docs), dtype=pl.UInt32, eager=True)}))
    homes = pl.concat(frames)
    return None if homes["doc_id"].is_duplicated().any() else homes


def frame_cuts(
    frames: Mapping[Table, pl.DataFrame], config: str, *, min_articles: int = UNIT_ARTICLES
) -> list[dict[Table, pl.DataFrame]] | None:
    """Tables read already, cut into sets of ``min_articles`` consecutive articles (slices, no copies).

    Cut ``k`` holds articles ``k * min_articles`` on and every row of their documents; None (build
    from the frames whole) unless each table the config reads has only rows of an article and holds
    them article by article in the articles' order (as files sorted by their keys do), with no doc_id
    twice among the articles. ``frames`` keeps its other tables (the splits) whole in every cut.
    """
    articles = frames.get(ARTICLES)
    if articles is None or articles.height <= min_articles or articles["doc_id"].is_duplicated().any():
        return None
    count = -(-articles.height // min_articles)
    where = pl.int_range(articles.height, dtype=pl.UInt32, eager=True) // min_articles
    bounds: dict[Table, np.ndarray] = {}
    for table in NEEDS[config]:
        frame = frames.get(table)
        if frame is None:
            continue
        cut = frame["doc_id"].replace_strict(articles["doc_id"], where, default=None)
        if cut.null_count() or not cut.is_sorted():
            return None
        bounds[table] = np.searchsorted(cut.to_numpy(), np.arange(count + 1))
    return [
        {
            t: frame.slice(int(bounds[t][k]), int(bounds[t][k + 1] - bounds[t][k])) if t in bounds else frame
            for t, frame in frames.items()
        }
        for k in range(count)
    ]
