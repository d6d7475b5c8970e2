"""Move annotation offsets from an old text onto a changed one, by a character diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from peacetalks.schema.tables import ANNOTATION_TABLES, SPANS, Table


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
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)


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
    """Rebase every annotation of ``doc_id``; annotations whose text changed are dropped and listed."""
    mapping = offset_map(old, new)
    result = RebaseResult()
    by_name = {t.name: t for t in ANNOTATION_TABLES}
    for name, df in tables.items():
        frame, dropped = _rebase_table(df, by_name[name], doc_id, mapping, new)
        result.frames[name] = frame
        result.dropped[name] = dropped
    return result
