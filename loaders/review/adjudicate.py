"""Merge two annotator layers into gold: agreed items go in, conflicts go to a review file.

The first run writes ``annotations/review/<A>--<B>.yaml`` with every conflict and leaves gold
alone while any conflict is undecided. Once every conflict has a decision, the next run merges:
agreed versions plus the decided ones become the target's four tables, with fresh ids and every
reference (argument mention, stance holder and event) linked to the merged items. The merged
tables must validate. An existing, different gold is replaced only with ``force``, and is backed
up first to ``annotations/history/gold/<timestamp>/`` (see :func:`peacetalks.review.gold_history.restore`).

The merge also sets the target's annotation status, per article of either layer and kind:
``adjudicated_status`` (gold; ``finished_status`` for a layer target) when both passes are complete
for it, else ``import_status`` (in-progress: a merge of unfinished passes is unfinished). An article of
neither layer has no annotations in the merge, so its status becomes ``initial_status`` (not-started).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from peacetalks.errors import MergeInvalid, ReviewError
from peacetalks.review import gold_history as history
from peacetalks.review.items import CONTENT, DTYPES, KINDS, UNITS, tables_from_versions, versions
from peacetalks.review.review_file import Conflict, read_review, review_relpath, write_review
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, STATUS, Table
from peacetalks.storage.layers import (
    GOLD,
    check_layer,
    layer_dir,
    layer_exists,
    layer_fingerprint,
    layer_relpath,
    read_layer,
)
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.status import KINDS as STATUS_KINDS
from peacetalks.storage.status import read_status, status_rows, upsert
from peacetalks.validation.validate import validate_frames

Status = Literal["pending", "written", "unchanged"]


@dataclass
class Adjudication:
    a: str
    b: str
    into: str
    review_file: str
    status: Status
    agreed: dict[str, int]
    conflicts: list[Conflict]
    written: list[str] = field(default_factory=list)
    backup: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def pending(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.decision is None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "into": self.into,
            "status": self.status,
            "review_file": self.review_file,
            "agreed": self.agreed,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "written": self.written,
            "backup": self.backup,
            "notes": self.notes,
        }


def describe(conflict: Conflict) -> str:
    """One line on what a conflict is about, e.g. ``entities 0-5 'Trump': A PER/NAME  B -``."""

    def side(v: dict[str, Any] | None) -> str:
        if v is None:
            return "-"
        if conflict.kind == "entities":
            return f"{v.get('label')}/{v.get('form')}/{v.get('mention_type')}/{v.get('entity_id')}"
        if conflict.kind == "events":
            args = ",".join(str(x.get("role")) for x in v.get("arguments") or [])
            return f"{v.get('category')}/{v.get('mode')}/{v.get('realis')} [{args}]"
        return f"{v.get('polarity')}/{v.get('attribution')} {v.get('evidence_start')}-{v.get('evidence_end')}"

    text = next((v.get(k) for v in (conflict.a, conflict.b) if v for k in ("text", "trigger_text") if k in v), None)
    about = f" {text!r}" if text else ""
    return f"{conflict.id}{about}: A {side(conflict.a)}  B {side(conflict.b)}"


def _key(kind: str, row: dict[str, Any], k: int) -> str:
    unit = "-".join(str(row[c]) for c in UNITS[kind])
    return f"{kind}:{row['doc_id']}:{unit}" + (f"#{k + 1}" if k else "")


def _compare(va: pl.DataFrame, vb: pl.DataFrame, kind: str) -> tuple[pl.DataFrame, list[Conflict]]:
    """Agreed rows (doc_id, content) and the conflicts of one kind."""
    occurrence = pl.int_range(pl.len()).over(["doc_id", CONTENT]).alias("__n")
    va, vb = va.with_columns(occurrence), vb.with_columns(occurrence)
    agreed = va.join(vb.select("doc_id", CONTENT, "__n"), on=["doc_id", CONTENT, "__n"], how="semi")
    unit = ["doc_id", *UNITS[kind]]
    rank = pl.int_range(pl.len()).over(unit).alias("__k")
    left = va.join(agreed, on=["doc_id", CONTENT, "__n"], how="anti").sort([*unit, CONTENT]).with_columns(rank)
    right = vb.join(agreed, on=["doc_id", CONTENT, "__n"], how="anti").sort([*unit, CONTENT]).with_columns(rank)
    pairs = left.join(right, on=[*unit, "__k"], how="full", coalesce=True, suffix="__b").sort([*unit, "__k"])
    conflicts = [
        Conflict(
            id=_key(kind, row, row["__k"]),
            kind=kind,
            doc_id=row["doc_id"],
            a=None if row[CONTENT] is None else _loads(row[CONTENT]),
            b=None if row[f"{CONTENT}__b"] is None else _loads(row[f"{CONTENT}__b"]),
        )
        for row in pairs.iter_rows(named=True)
    ]
    return agreed.select("doc_id", CONTENT), conflicts


def _loads(content: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(content)
    return value


def _decided_rows(conflicts: list[Conflict], kind: str, review: str) -> pl.DataFrame:
    rows = [(c.doc_id, json.dumps(v, ensure_ascii=False)) for c in conflicts if c.kind == kind for v in c.chosen()]
    frame = pl.DataFrame(rows, schema={"doc_id": pl.String, CONTENT: pl.String}, orient="row")
    try:
        frame.select(pl.col(CONTENT).str.json_decode(DTYPES[kind]))
    except pl.exceptions.PolarsError as exc:
        raise ReviewError(
            "bad-kept-version",
            f"a kept {kind} version has a value of the wrong type: {str(exc).splitlines()[0]}",
            path=review,
        ) from None
    return frame


def _same_content(root: Path, into: str, rebuilt: dict[Table, pl.DataFrame]) -> bool:
    current = versions(read_layer(root, into, missing_ok=True))
    merged = versions(rebuilt)
    return all(
        sorted(current[k].select(pl.concat_str("doc_id", CONTENT)).to_series().to_list())
        == sorted(merged[k].select(pl.concat_str("doc_id", CONTENT)).to_series().to_list())
        for k in KINDS
    )


def adjudicate(root: Path | str | None, a: str, b: str, *, into: str = GOLD, force: bool = False) -> Adjudication:
    """Merge layers ``a`` and ``b`` into ``into`` (gold by default); see the module docstring."""
    folder = resolve_root(root)
    for name in (a, b, into):
        check_layer(name)
    if into in (a, b):
        raise ReviewError(
            "bad-target", "cannot adjudicate into one of the layers being merged", path=layer_relpath(into)
        )
    layer_a, layer_b = read_layer(folder, a), read_layer(folder, b)
    fingerprints = {"a": layer_fingerprint(layer_a), "b": layer_fingerprint(layer_b)}
    va, vb = versions(layer_a), versions(layer_b)
    review = review_relpath(a, b)
    agreed: dict[str, pl.DataFrame] = {}
    conflicts: list[Conflict] = []
    for kind in KINDS:
        agreed[kind], found = _compare(va[kind], vb[kind], kind)
        conflicts += found
    saved = read_review(folder, a, b, {k: list(DTYPES[k].to_schema()) for k in KINDS}, fingerprints)
    if saved is not None:
        # A conflict keeps the decision and the (possibly edited) versions written in the file.
        conflicts = [saved.get(c.id, c) for c in conflicts]
    if conflicts and (saved is None or set(saved) != {c.id for c in conflicts}):
        write_review(folder, a, b, into, conflicts, fingerprints)
    result = Adjudication(
        a=a,
        b=b,
        into=into,
        review_file=review,
        status="pending",
        agreed={k: v.height for k, v in agreed.items()},
        conflicts=conflicts,
    )
    if result.pending:
        return result
    rows = {k: pl.concat([agreed[k], _decided_rows(conflicts, k, review)]) for k in KINDS}
    rebuilt = tables_from_versions(rows)
    result.notes = rebuilt.notes
    frames: dict[str, pl.DataFrame | None] = {t.name: df for t, df in rebuilt.tables.items()}
    frames[ARTICLES.name] = read_table(folder, ARTICLES)
    frames[BLOCKS.name] = read_table(folder, BLOCKS)
    report = validate_frames(frames, files={t.name: t.relpath(layer_dir(into)) for t in rebuilt.tables})
    if not report.valid:
        raise MergeInvalid(report, f"the merge of {a} and {b}", review)
    status = _merged_status(folder, a, b, into)
    if layer_exists(folder, into):
        if _same_content(folder, into, rebuilt.tables):
            result.status = "unchanged"
            if not status.equals(read_status(folder, layer_dir(into))):
                paths = write_tables(folder, {STATUS: status}, layer=layer_dir(into))
                result.written = [p.relative_to(folder).as_posix() for p in paths]
            return result
        if not force:
            raise ReviewError(
                "target-differs",
                f"{into} exists and differs from the merge of {a} and {b}; it is not overwritten",
                path=layer_relpath(into),
                data={"option": "force", "into": into, "backups": history.history_relpath(into)},
            )
        kept = history.backup(folder, into)
        result.backup = None if kept is None else kept.relative_to(folder).as_posix()
    paths = write_tables(folder, {**rebuilt.tables, STATUS: status}, layer=layer_dir(into))
    result.written = [p.relative_to(folder).as_posix() for p in paths]
    result.status = "written"
    return result


def _covered(root: Path, name: str) -> pl.DataFrame:
    """The articles of a layer (with a status row or an annotation), and the layer's status per kind."""
    layer = layer_dir(name)
    docs = pl.concat(
        [read_status(root, layer).select("doc_id")]
        + [read_table(root, t, layer, missing_ok=True).select("doc_id") for t in ANNOTATION_TABLES]
    ).unique()
    return docs.join(pl.DataFrame({"kind": list(STATUS_KINDS)}), how="cross").join(
        read_status(root, layer).select("doc_id", "kind", "status"), on=["doc_id", "kind"], how="left"
    )


def _merged_status(root: Path, a: str, b: str, into: str) -> pl.DataFrame:
    """The target's status table after the merge of ``a`` and ``b`` (see the module docstring)."""
    scheme = load_scheme()
    done = scheme.adjudicated_status if into == GOLD else scheme.finished_status
    by, day = f"adjudicate {a} {b}", dt.date.today()
    both = _covered(root, a).join(_covered(root, b), on=["doc_id", "kind"], how="full", coalesce=True, suffix="_b")
    finished = (pl.col("status") == scheme.finished_status) & (pl.col("status_b") == scheme.finished_status)
    merged = both.select(
        "doc_id",
        "kind",
        pl.when(finished.fill_null(False)).then(pl.lit(done)).otherwise(pl.lit(scheme.import_status)).alias("status"),
        pl.lit(by).alias("set_by"),
        pl.lit(day).alias("set_on"),
    )
    current = read_status(root, layer_dir(into))
    gone = current.join(merged, on="doc_id", how="anti")["doc_id"].unique().sort()
    emptied = status_rows(gone, scheme.initial_status, set_by=by, set_on=day)
    return upsert(current, pl.concat([merged, emptied]))
