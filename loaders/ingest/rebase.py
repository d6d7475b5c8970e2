"""Move annotation offsets from an old text onto a changed one, by a character diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARGUMENTS, EVENTS, REFERENCES, SPANS, Table


def offset_map(old: str, new: str) -> np.ndarray:
    """For each position 0..len(old) the matching position in ``new``, or -1 if it changed.

    Position len(old) maps to len(new) when the texts end alike.
    """
    mapping = np.full(len(old) + 1, -1, dtype=np.int64)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            mapping[i1:i2] = np.arange(j1, j1 + (i2 - i1))
    if old and new and old[-1] == new[-1] and mapping[len(old) - 1] == len(new) - 1:
        mapping[len(old)] = len(new)
    return mapping


@dataclass
class RebaseResult:
    """The rebased tables and what was dropped from them.

    ``dropped``: table -> ids of every annotation removed, whether its own text changed or it depended on one
    that did. ``dependents``: ``table/id`` of an annotation whose text changed -> the ``table/id`` of each
    annotation removed because of it (an argument or stance naming its mention or event; an event that lost a
    role its category requires; and so on, transitively), so the tables stay valid.
    """

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    dependents: dict[str, list[str]] = field(default_factory=dict)


def _rebase_table(
    df: pl.DataFrame, table: Table, doc_id: str, mapping: np.ndarray, new: str
) -> tuple[pl.DataFrame, list[str]]:
    start, end = SPANS[table.name].bounds
    (text,) = table.text_columns  # an annotation table keeps the text of its span
    mine = df.filter(pl.col("doc_id") == doc_id)
    rest = df.filter(pl.col("doc_id") != doc_id)
    spanned = mine.filter(pl.col(start).is_not_null())
    unspanned = mine.filter(pl.col(start).is_null())
    starts = spanned[start].to_numpy()
    ends = spanned[end].to_numpy()
    in_range = (starts >= 0) & (ends > starts) & (ends <= len(mapping) - 1)
    new_start = np.where(in_range, mapping[np.clip(starts, 0, len(mapping) - 1)], -1)
    last = np.where(in_range, mapping[np.clip(ends - 1, 0, len(mapping) - 1)], -1)
    new_end = np.where(last >= 0, last + 1, -1)
    moved = spanned.with_columns(pl.Series(start, new_start), pl.Series(end, new_end))
    covered = [new[s:e] if s >= 0 and e > s else None for s, e in zip(new_start, new_end, strict=True)]
    moved = moved.with_columns(pl.Series("__covered", covered, dtype=pl.String))
    fits = (pl.col(start) >= 0) & (pl.col("__covered") == pl.col(text))
    kept = moved.filter(fits).drop("__covered")
    dropped = moved.filter(~fits.fill_null(False))[table.id_column].to_list()
    return pl.concat([rest, kept, unspanned], how="vertical_relaxed"), dropped


def rebase(tables: dict[str, pl.DataFrame], doc_id: str, old: str, new: str) -> RebaseResult:
    """Rebase every annotation of ``doc_id``; annotations whose text changed are dropped and listed, and so is
    every annotation that depended on one of them (:class:`RebaseResult`)."""
    mapping = offset_map(old, new)
    result = RebaseResult()
    by_name = {t.name: t for t in ANNOTATION_TABLES}
    changed: dict[str, list[str]] = {}
    for name, df in tables.items():
        result.frames[name], changed[name] = _rebase_table(df, by_name[name], doc_id, mapping, new)
    cause = {f"{name}/{i}": f"{name}/{i}" for name, ids in changed.items() for i in ids}
    result.dropped = {name: list(ids) for name, ids in changed.items()}
    while True:  # one round per level of dependence: arguments of a dropped event, then its stances, ...
        found = _dependents(tables, result.frames, doc_id, result.dropped, cause)
        if not found:
            break
        for (name, ident), because in found.items():
            cause[f"{name}/{ident}"] = because
            result.dropped.setdefault(name, []).append(ident)
        keep = {name: [i for (n, i) in found if n == name] for name in result.frames}
        for name, ids in keep.items():
            if ids:
                column = by_name[name].id_column
                mine = (pl.col("doc_id") == doc_id) & pl.col(column).is_in(ids)
                result.frames[name] = result.frames[name].filter(~mine)
    for key, root in cause.items():
        if key != root:
            result.dependents.setdefault(root, []).append(key)
    return result


def _dependents(
    before: dict[str, pl.DataFrame],
    frames: dict[str, pl.DataFrame],
    doc_id: str,
    dropped: dict[str, list[str]],
    cause: dict[str, str],
) -> dict[tuple[str, str], str]:
    """(table, id) -> root cause of every annotation still in ``frames`` that can no longer stand."""
    found: dict[tuple[str, str], str] = {}
    for ref in REFERENCES:  # an argument's mention and event, a stance's holder and event
        if ref.table.name not in frames or ref.target.name not in dropped or ref.column == "doc_id":
            continue
        gone = dropped[ref.target.name]
        rows = frames[ref.table.name].filter((pl.col("doc_id") == doc_id) & pl.col(ref.column).is_in(gone))
        for ident, target in rows.select(ref.table.id_column, ref.column).iter_rows():  # the few dependents
            found.setdefault((ref.table.name, ident), cause[f"{ref.target.name}/{target}"])
    if EVENTS.name in frames and ARGUMENTS.name in frames:
        found.update(_events_without_required_roles(before, frames, doc_id, cause, found))
    return found


def _events_without_required_roles(
    before: dict[str, pl.DataFrame],
    frames: dict[str, pl.DataFrame],
    doc_id: str,
    cause: dict[str, str],
    found: dict[tuple[str, str], str],
) -> dict[tuple[str, str], str]:
    """Events of ``doc_id`` that had an argument of a role their category requires and lost every one of them."""
    required = pl.DataFrame(load_scheme().required_role_pairs(), schema=["category", "role"], orient="row")
    leaving = [i for (name, i) in found if name == ARGUMENTS.name]

    def roles(arguments: pl.DataFrame) -> pl.DataFrame:
        return arguments.filter(pl.col("doc_id") == doc_id).select("event_id", "role", "argument_id")

    had = roles(before[ARGUMENTS.name]).join(
        frames[EVENTS.name].filter(pl.col("doc_id") == doc_id).select("event_id", "category"), on="event_id"
    )
    had = had.join(required, on=["category", "role"], how="semi")
    has = roles(frames[ARGUMENTS.name]).filter(~pl.col("argument_id").is_in(leaving))
    lost = had.join(has, on=["event_id", "role"], how="anti")
    result: dict[tuple[str, str], str] = {}
    for event_id, argument_id in lost.select("event_id", "argument_id").iter_rows():  # the few events concerned
        because = cause.get(f"{ARGUMENTS.name}/{argument_id}") or found.get((ARGUMENTS.name, argument_id))
        if because is not None and (EVENTS.name, event_id) not in found:
            result[(EVENTS.name, event_id)] = because
    return result
