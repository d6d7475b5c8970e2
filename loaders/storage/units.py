"""A corpus cut into sets of documents, so that a reader holds one set's rows of every table at a time.

A :class:`Cut` is the rows of one set of documents in every table: shard k of every table of a
sharded corpus (:mod:`peacetalks.storage.shards`: co-partitioned by document), or a range of doc_ids
(``lo <= doc_id < hi``) over the document-aligned row groups of a single-file corpus. :func:`cuts`
makes them, in doc_id order; :func:`read_part` reads one table's rows of a cut. Validation
(:mod:`peacetalks.validation.shards`) and the config builds (:mod:`peacetalks.loading.cut_reads`) cut a
corpus this way.

A cut is plain data (paths, row ranges, doc_id bounds) and pickles. A corpus that cannot be cut (a
file that is missing or unreadable, a layout that is broken, row groups without doc_id statistics
or not in doc_id order) gives None: the caller reads its tables whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from peacetalks.errors import TableReadError
from peacetalks.schema.tables import ARTICLES, Table
from peacetalks.storage.shards import is_sharded, layout_problems, table_files

UNIT_ARTICLES = 20_000
"""The least articles of a cut of a single-file corpus (its last cut may have fewer): consecutive row groups of
``corpus/articles.parquet`` are taken together up to it, so that a cut's fixed costs (a scan of each file's
footer, a thread pool) stay small against its work, and its memory stays that of 20,000 articles."""


@dataclass(frozen=True)
class Part:
    """The rows of one table a cut reads: rows ``start`` to ``stop`` of a file, those of the cut's doc_ids."""

    table: str  # the table's name (peacetalks.schema.tables.BY_NAME)
    path: str  # the Parquet file
    file: str  # the file as issues name it, relative to the corpus folder
    start: int
    stop: int
    offset: int = 0  # rows of this table in the files before this one


@dataclass(frozen=True)
class Cut:
    """One set of documents: a part of each table, and the bounds of its doc_ids (None: no bound)."""

    parts: tuple[Part, ...]
    lo: str | None = None  # doc_id >= lo
    hi: str | None = None  # doc_id < hi


Fit = Callable[[Path, Table, str | None], "pq.FileMetaData | None"]
"""Whether a file can be read in parts: its metadata, or None (the corpus is then read whole)."""


def readable(path: Path, table: Table, layer: str | None) -> pq.FileMetaData | None:  # noqa: ARG001  # a Fit
    """The file's Parquet metadata, or None when it cannot be read."""
    try:
        return pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException, ValueError):
        return None


def cuts(
    folder: Path,
    tables: Sequence[Table],
    layer: str | None = None,
    *,
    min_articles: int = UNIT_ARTICLES,
    fit: Fit = readable,
) -> list[Cut] | None:
    """The cuts of ``tables`` (the articles among them) of the corpus at ``folder``, in doc_id order; None: read whole.

    A sharded corpus gives a cut per shard. A single-file corpus is cut at the row groups of
    ``corpus/articles.parquet``: consecutive row groups of at least ``min_articles`` rows together, the
    doc_ids from the first of their first row group to the first of the next cut's; every other table
    gives each cut the rows of those doc_ids, read from its row groups that can hold them (by their
    statistics). ``fit`` says whether a file can be read in parts at all.
    """
    if is_sharded(folder):
        return _shard_cuts(folder, layer, tables, fit)
    bounds = {table.name: _doc_bounds(table.path(folder, layer), table, layer, fit) for table in tables}
    if any(b is None for b in bounds.values()):
        return None
    articles = bounds[ARTICLES.name]
    assert articles is not None
    edges: list[str] = []
    taken = 0
    for least, _, rows in articles:
        if taken >= min_articles and (not edges or least > edges[-1]):
            edges.append(least)  # the first doc_id of a row group begins the next cut
            taken = 0
        taken += rows
    out = []
    for lo, hi in itertools.pairwise([None, *edges, None]):
        parts = []
        for table in tables:
            groups = bounds[table.name]
            assert groups is not None
            start, stop = _row_range(groups, lo, hi)
            parts.append(Part(table.name, str(table.path(folder, layer)), table.relpath(layer), start, stop))
        out.append(Cut(tuple(parts), lo, hi))
    return out


def _shard_cuts(folder: Path, layer: str | None, tables: Sequence[Table], fit: Fit) -> list[Cut] | None:
    """A cut per shard: shard k of every table (the same documents); None if the layout is broken."""
    if layout_problems(folder):
        return None
    files: dict[str, list[Path]] = {}
    rows: dict[str, list[int]] = {}
    for table in tables:
        try:
            files[table.name] = table_files(folder, table, layer)
        except TableReadError:
            return None
        metas = [fit(path, table, layer) for path in files[table.name]]
        if not metas or any(m is None for m in metas):
            return None
        rows[table.name] = [m.num_rows for m in metas if m is not None]
    if len({len(f) for f in files.values()}) != 1:
        return None
    return [
        Cut(
            tuple(
                Part(
                    table.name,
                    str(files[table.name][k]),
                    table.relpath(layer),  # the table as a whole; a caller that names rows locates the shard
                    0,
                    rows[table.name][k],
                    offset=sum(rows[table.name][:k]),
                )
                for table in tables
            )
        )
        for k in range(len(files[tables[0].name]))
    ]


def _doc_bounds(path: Path, table: Table, layer: str | None, fit: Fit) -> list[tuple[str, str, int]] | None:
    """(least doc_id, greatest doc_id, rows) of each row group of the file; None if it cannot be cut.

    It cannot be cut when it cannot be read (or ``fit`` refuses it), or when its row groups have no
    doc_id statistics, hold nulls or are not in doc_id order (a row group's least doc_id below the
    previous one's greatest).
    """
    if not path.exists():
        return None
    meta = fit(path, table, layer)
    if meta is None:
        return None
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    if "doc_id" not in names:
        return None
    column = names.index("doc_id")
    groups: list[tuple[str, str, int]] = []
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        if group.num_rows == 0:
            continue
        stats = group.column(column).statistics
        if stats is None or not stats.has_min_max or stats.null_count != 0:
            return None
        lo, hi = stats.min, stats.max
        if not isinstance(lo, str) or not isinstance(hi, str):
            return None
        if groups and lo < groups[-1][1]:
            return None
        groups.append((lo, hi, group.num_rows))
    return groups


def _row_range(groups: Sequence[tuple[str, str, int]], lo: str | None, hi: str | None) -> tuple[int, int]:
    """The rows (start, stop) of the row groups that can hold doc_ids in ``[lo, hi)``."""
    start = stop = None
    at = 0
    for least, greatest, rows in groups:
        if (lo is None or greatest >= lo) and (hi is None or least < hi):
            start = at if start is None else start
            stop = at + rows
        at += rows
    return (0, 0) if start is None or stop is None else (start, stop)


def read_part(
    part: Part, lo: str | None, hi: str | None, columns: list[str] | None = None, *, row: str | None = None
) -> pl.DataFrame:
    """The rows of ``part`` whose doc_id is in ``[lo, hi)`` (a cut's bounds), in file order (only ``columns`` if given).

    With ``row``, a column of that name numbers each row as in the whole table (``part.offset`` on).
    """
    frame = pl.scan_parquet(part.path)
    if row is not None:
        frame = frame.with_row_index(row, offset=part.offset)
    frame = frame.slice(part.start, part.stop - part.start)
    if columns is not None:
        frame = frame.select(*([row] if row is not None else []), *columns)
    if lo is not None:
        frame = frame.filter(pl.col("doc_id") >= lo)
    if hi is not None:
        frame = frame.filter(pl.col("doc_id") < hi)
    return frame.collect()


__all__ = ["UNIT_ARTICLES", "Cut", "Fit", "Part", "cuts", "read_part", "readable"]
