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
A merge into gold writes ``annotations/gold.yaml`` too: the scheme and codebook versions it was merged
and validated under, and the corpus's guidelines version (:mod:`peacetalks.storage.gold_versions`).

Gold may differ from the merge where it was checked against a rule after adjudication: those changes are
the review file's corrections (:mod:`peacetalks.review.corrections`), applied after the decisions, so that
gold = agreed items + decided conflicts + corrections. ``mode="check"`` compares gold with that and writes
nothing; ``mode="record"`` adds every difference not yet recorded to the review file as a correction
without rule and reason, for the adjudicator to give them (a correction without both is never applied).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import polars as pl

from peacetalks.errors import MergeInvalid, ReviewError, ValidationFailed
from peacetalks.review import corrections as corr
from peacetalks.review import gold_history as history
from peacetalks.review.corrections import Correction, CorrectionsInvalid
from peacetalks.review.items import (
    CONTENT,
    DTYPES,
    ID,
    KINDS,
    UNITS,
    Rebuilt,
    canonical,
    tables_from_versions,
    versions,
)
from peacetalks.review.review_file import Conflict, read_review, review_relpath, write_review
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import (
    ANNOTATION_TABLES,
    ARTICLES,
    BLOCKS,
    ENTITIES,
    EVENTS,
    SPANS,
    STANCES,
    STATUS,
    Table,
)
from peacetalks.storage.gold_versions import GOLD_VERSIONS, current_versions
from peacetalks.storage.layers import (
    GOLD,
    check_layer,
    layer_dir,
    layer_exists,
    layer_fingerprint,
    layer_relpath,
    read_layer,
)
from peacetalks.storage.machine import refuse_machine
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.status import KINDS as STATUS_KINDS
from peacetalks.storage.status import read_status, status_rows, upsert
from peacetalks.storage.transaction import Transaction, transaction
from peacetalks.text.tokenize import tokenize
from peacetalks.validation.report import Report
from peacetalks.validation.validate import validate_frames

Status = Literal["pending", "written", "unchanged", "differs", "recorded"]
Mode = Literal["merge", "check", "record"]


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
    corrections: list[Correction] = field(default_factory=list)  # of the review file (after a record: with the new)
    recorded: list[Correction] = field(default_factory=list)  # mode "record": the corrections it added
    differences: list[Correction] = field(default_factory=list)  # mode "check": what gold has beyond the record

    @property
    def pending(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.decision is None]

    @property
    def without_reason(self) -> list[Correction]:
        """The corrections that still need their rule or reason."""
        return [c for c in self.corrections if not c.complete]

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
            "corrections": [c.to_dict() for c in self.corrections],
            "recorded": [c.to_dict() for c in self.recorded],
            "differences": [c.to_dict() for c in self.differences],
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
    line = f"{conflict.id}{about}: A {side(conflict.a)}  B {side(conflict.b)}"
    if conflict.differs:
        line += f"  (differs: {', '.join(conflict.differs)})"
    return line + (f"\n    in: {conflict.sentence}" if conflict.sentence else "")


def describe_correction(correction: Correction) -> str:
    """One line on a correction, e.g. ``stances s0010 'Kreml': ... -> ...  (differs: holder_start, ...)``."""
    as_conflict = Conflict(
        f"{correction.table} {correction.id}",
        correction.table,
        correction.doc_id,
        correction.before,
        correction.after,
        differs=correction.differs,
    )
    line = describe(as_conflict).replace(": A ", ": merge ", 1).replace("  B ", "  -> gold ", 1)
    why = f"  [{correction.rule}] {correction.reason}" if correction.complete else ""
    return line + why + (f"\n    in: {correction.sentence}" if correction.sentence else "")


def _key(kind: str, row: dict[str, Any], k: int) -> str:
    unit = "-".join(str(row[c]) for c in UNITS[kind])
    return f"{kind}:{row['doc_id']}:{unit}" + (f"#{k + 1}" if k else "")


def _compare(
    va: pl.DataFrame, vb: pl.DataFrame, kind: str, overlap: Overlap | None = None
) -> tuple[pl.DataFrame, list[Conflict]]:
    """Agreed rows (doc_id, content) and the conflicts of one kind (``overlap``: how one-sided items pair)."""
    occurrence = pl.int_range(pl.len()).over(["doc_id", CONTENT]).alias("__n")
    va, vb = va.with_columns(occurrence), vb.with_columns(occurrence)
    agreed = va.join(vb.select("doc_id", CONTENT, "__n"), on=["doc_id", CONTENT, "__n"], how="semi")
    unit = ["doc_id", *UNITS[kind]]
    rank = pl.int_range(pl.len()).over(unit).alias("__k")
    left = va.join(agreed, on=["doc_id", CONTENT, "__n"], how="anti").sort([*unit, CONTENT]).with_columns(rank)
    right = vb.join(agreed, on=["doc_id", CONTENT, "__n"], how="anti").sort([*unit, CONTENT]).with_columns(rank)
    pairs = left.join(right, on=[*unit, "__k"], how="full", coalesce=True, suffix="__b").sort([*unit, "__k"])
    pairs = _pair_overlapping(pairs.with_row_index("__row"), kind, overlap or _OVERLAP[kind])
    conflicts = [
        Conflict(
            id=_key(kind, row, row["__k"]) + ("" if row["__with"] is None else f"~{row['__with']}"),
            kind=kind,
            doc_id=row["doc_id"],
            a=None if row[CONTENT] is None else _loads(row[CONTENT]),
            b=None if row[f"{CONTENT}__b"] is None else _loads(row[f"{CONTENT}__b"]),
            parts=None if row["__with"] is None else (_key(kind, row, row["__k"]), row["__with_id"]),
        )
        for row in pairs.iter_rows(named=True)
    ]
    return agreed.select("doc_id", CONTENT), [_with_differences(c) for c in conflicts]


# Where two one-sided items of a kind are about the same thing when they overlap: their span (entities, events),
# or their evidence with the same holder (stances; a stance's pair is its holder and target).
Overlap = tuple[tuple[str, str], tuple[str, ...]]
_OVERLAP: dict[str, Overlap] = {
    ENTITIES.name: (SPANS[ENTITIES.name].bounds, ()),
    EVENTS.name: (SPANS[EVENTS.name].bounds, ()),
    STANCES.name: (("evidence_start", "evidence_end"), ("holder_start", "holder_end")),
}
# A correction of a stance may change its holder (the rule of who holds a position), so a stance the merge
# has and one gold has pair when they are about the same target with overlapping evidence.
_CORRECTION_OVERLAP: dict[str, Overlap] = {**_OVERLAP, STANCES.name: (_OVERLAP[STANCES.name][0], ("target_id",))}


def _pair_overlapping(pairs: pl.DataFrame, kind: str, overlap: Overlap) -> pl.DataFrame:
    """``pairs`` with each A-only item that overlaps exactly one B-only item (and it only that one) made one row.

    "Putin " in A and "utin" in B are one conflict about one mention, not an A-only and a B-only one. The
    merged row keeps A's unit; ``__with`` holds B's unit (it extends the conflict id) and ``__with_id`` the
    id B's item had alone. Other rows get nulls there. Items overlapping several on the other side stay apart.
    """
    (lo, hi), same = overlap
    b_content = f"{CONTENT}__b"

    def one_sided(content: str, other: str, tag: str) -> pl.DataFrame:
        fields = pl.col(content).str.json_decode(DTYPES[kind])
        return pairs.filter(pl.col(other).is_null()).select(
            "doc_id",
            pl.col("__row").alias(f"__row{tag}"),
            *(fields.struct.field(c).alias(c) for c in same),
            fields.struct.field(lo).alias(f"__lo{tag}"),
            fields.struct.field(hi).alias(f"__hi{tag}"),
        )

    a_only, b_only = one_sided(CONTENT, b_content, "a"), one_sided(b_content, CONTENT, "b")
    overlaps = a_only.join(b_only, on=["doc_id", *same], how="inner", nulls_equal=True).filter(
        (pl.col("__loa") < pl.col("__hib")) & (pl.col("__lob") < pl.col("__hia"))
    )
    one_to_one = overlaps.filter((pl.len().over("__rowa") == 1) & (pl.len().over("__rowb") == 1))
    unit = UNITS[kind]
    b_rows = pairs.join(one_to_one.select("__rowa", pl.col("__rowb").alias("__row")), on="__row").select(
        "__rowa",
        pl.col(b_content).alias("__b_content"),
        pl.concat_str([pl.col(c).cast(pl.String) for c in unit], separator="-").alias("__with"),
        pl.struct("doc_id", *unit, "__k").alias("__b_row"),
    )
    merged = pairs.join(b_rows, left_on="__row", right_on="__rowa", how="left").with_columns(
        pl.coalesce("__b_content", b_content).alias(b_content)
    )
    merged = merged.filter(~pl.col("__row").is_in(one_to_one["__rowb"].implode()))
    with_id = [None if r is None else _key(kind, r, r["__k"]) for r in merged["__b_row"].to_list()]
    return merged.with_columns(pl.Series("__with_id", with_id, dtype=pl.String)).drop("__b_content", "__b_row")


def _with_differences(conflict: Conflict) -> Conflict:
    """``conflict`` with ``differs``, the fields whose values differ (arguments by role and text), if both exist."""
    a, b = conflict.a, conflict.b
    if a is None or b is None:
        return conflict
    differs = [k for k in a if k != "arguments" and a.get(k) != b.get(k)]
    if a.get("arguments") != b.get("arguments"):
        args_a = {_argument(x) for x in a.get("arguments") or []}
        args_b = {_argument(x) for x in b.get("arguments") or []}
        differs += [f"argument {x} only in A" for x in sorted(args_a - args_b)]
        differs += [f"argument {x} only in B" for x in sorted(args_b - args_a)]
    conflict.differs = differs
    return conflict


def _argument(arg: dict[str, Any]) -> str:
    """An argument in a few words: role, text, span, and the label of the mention it points at."""
    label = f" {arg['mention_label']}" if arg.get("mention_label") else ""
    return f"{arg.get('role')} {arg.get('text')!r} {arg.get('start')}-{arg.get('end')}{label}"


def _as_saved(fresh: Conflict, saved: dict[str, Conflict]) -> Conflict:
    """``fresh`` with the decision and versions of the review file: its own entry, or those of its two parts.

    A review file written before overlapping one-sided items were paired holds an A-only and a B-only
    entry for what is now one conflict; their decisions together say which versions to keep.
    """
    found = saved.get(fresh.id)
    if found is None and fresh.parts is not None and all(p in saved for p in fresh.parts):
        part_a, part_b = (saved[p] for p in fresh.parts)
        if part_a.decision is not None and part_b.decision is not None:
            keep_a, keep_b = bool(part_a.chosen()), bool(part_b.chosen())
            decision = {(True, True): "both", (True, False): "a", (False, True): "b"}.get((keep_a, keep_b), "neither")
            found = replace(fresh, a=part_a.a, b=part_b.b, decision=decision)
    if found is None:
        return fresh
    return replace(found, differs=fresh.differs, parts=fresh.parts)


def in_sentences(conflicts: list[Conflict], articles: pl.DataFrame, blocks: pl.DataFrame) -> list[Conflict]:
    """``conflicts`` with ``sentence``: the sentence(s) their span is in, the span itself in ``[...]``.

    Only the articles with conflicts are tokenised (by the corpus's one tokenizer and sentence rules).
    """
    spans = [(c, *_span(c)) for c in conflicts]
    docs = sorted({c.doc_id for c, _, _ in spans})
    if not docs:
        return conflicts
    texts = articles.filter(pl.col("doc_id").is_in(docs)).select("doc_id", "text")
    sentences = (
        tokenize(texts, blocks.filter(pl.col("doc_id").is_in(docs)))
        .group_by("doc_id", "sentence_id")
        .agg(pl.col("start").min(), pl.col("end").max())
    )
    bounds = {
        doc: (frame["start"].to_list(), frame["end"].to_list())
        for (doc,), frame in sentences.sort("doc_id", "start").partition_by("doc_id", as_dict=True).items()
    }
    text_of = dict(texts.iter_rows())
    done = []
    for conflict, start, end in spans:
        if conflict.doc_id not in bounds or start is None or end is None:
            done.append(conflict)
            continue
        starts, ends = bounds[conflict.doc_id]
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = max(bisect.bisect_left(ends, end), first)
        text = text_of[conflict.doc_id]
        lo, hi = starts[first], ends[min(last, len(ends) - 1)]
        marked = f"{text[lo:start]}[{text[start:end]}]{text[end : max(hi, end)]}"
        done.append(replace(conflict, sentence=" ".join(marked.split())))
    return done


def _span(conflict: Conflict) -> tuple[int | None, int | None]:
    """The span a conflict is about: the union of both versions' spans (mention, trigger or evidence)."""
    (lo, hi), _ = _OVERLAP[conflict.kind]
    versions = [v for v in (conflict.a, conflict.b) if v is not None]
    starts = [v[lo] for v in versions if isinstance(v.get(lo), int)]
    ends = [v[hi] for v in versions if isinstance(v.get(hi), int)]
    return (min(starts) if starts else None, max(ends) if ends else None)


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


def adjudicate(
    root: Path | str | None,
    a: str,
    b: str,
    *,
    into: str = GOLD,
    force: bool = False,
    command: str | None = None,
    mode: Mode = "merge",
) -> Adjudication:
    """Merge layers ``a`` and ``b`` into ``into`` (gold by default); see the module docstring.

    ``mode``: ``merge`` writes the merge (decisions, then corrections); ``check`` writes nothing and gives
    status ``unchanged`` when ``into`` equals that merge, else ``differs`` with the ``differences``;
    ``record`` writes the differences not yet recorded into the review file as corrections (status
    ``recorded``; ``recorded`` lists them). A correction that does not fit the merge, or (merge, check)
    lacks its rule or reason, is CorrectionsInvalid ``bad-corrections`` with every such problem.

    One transaction under the corpus lock: the backup of the replaced target (with its status), its
    new tables and its new status table appear together, or (killed, failing) none of them. A layer
    that does not validate is refused with its problems (ValidationFailed ``layer-invalid``): a merge
    of it could only carry them into gold. A machine layer (``peacetalks suggest``) is no person's pass
    and is refused as either pass or as the target (SuggestError ``machine-layer``). ``command`` is the
    command line the review file tells its reader to run again (default: ``peacetalks adjudicate A B
    --into INTO``, with ``--root`` when given).
    """
    folder = resolve_root(root)
    for name in (a, b, into):
        check_layer(name)
    if command is None:
        where = "" if root is None else f" --root {shlex.quote(str(root))}"
        command = f"peacetalks adjudicate {shlex.quote(a)} {shlex.quote(b)} --into {shlex.quote(into)}{where}"
    if force and mode != "merge":
        raise ValueError("force replaces the target, which only mode 'merge' writes")
    with transaction(folder, "adjudicate") as tx:
        return _adjudicate(tx, a, b, into=into, force=force, command=command, mode=mode)


def fresh_conflicts(root: Path | str | None, a: str, b: str) -> list[Conflict]:
    """The conflicts between layers ``a`` and ``b`` as they are now, before any review file is applied.

    A review file's kept version that differs from its conflict here was edited by the adjudicator.
    """
    folder = resolve_root(root)
    va, vb = versions(read_layer(folder, a)), versions(read_layer(folder, b))
    return [c for kind in KINDS for c in _compare(va[kind], vb[kind], kind)[1]]


def _checked_layer(folder: Path, name: str, articles: pl.DataFrame, blocks: pl.DataFrame) -> dict[Table, pl.DataFrame]:
    """The tables of layer ``name``, or ValidationFailed ``layer-invalid`` listing every problem it has."""
    tables = read_layer(folder, name)
    frames: dict[str, pl.DataFrame | None] = {t.name: df for t, df in tables.items()}
    frames |= {ARTICLES.name: articles, BLOCKS.name: blocks}
    report = validate_frames(frames, files={t.name: t.relpath(layer_dir(name)) for t in tables}, status_check=False)
    if not report.valid:
        raise ValidationFailed(
            report, f"layer {name}", code="layer-invalid", path=layer_relpath(name), data={"layer": name}
        )
    return tables


def _adjudicate(tx: Transaction, a: str, b: str, *, into: str, force: bool, command: str, mode: Mode) -> Adjudication:
    folder = tx.root
    if into in (a, b):
        raise ReviewError(
            "bad-target", "cannot adjudicate into one of the layers being merged", path=layer_relpath(into)
        )
    for name in (a, b):
        refuse_machine(folder, name, "adjudicate merges two people's passes (compare it with one: peacetalks agree)")
    refuse_machine(folder, into, "adjudicate never writes into it")
    articles, blocks = read_table(folder, ARTICLES), read_table(folder, BLOCKS)
    layer_a, layer_b = (_checked_layer(folder, name, articles, blocks) for name in (a, b))
    fingerprints = {"a": layer_fingerprint(layer_a), "b": layer_fingerprint(layer_b)}
    va, vb = versions(layer_a), versions(layer_b)
    review = review_relpath(a, b)
    agreed: dict[str, pl.DataFrame] = {}
    conflicts: list[Conflict] = []
    for kind in KINDS:
        agreed[kind], found = _compare(va[kind], vb[kind], kind)
        conflicts += found
    saved = read_review(folder, a, b, {k: list(DTYPES[k].to_schema()) for k in KINDS}, fingerprints)
    corrections = [] if saved is None else saved.corrections
    if saved is not None:
        # A conflict keeps the decision and the (possibly edited) versions written in the file.
        conflicts = [_as_saved(c, saved.conflicts) for c in conflicts]
    conflicts = in_sentences(conflicts, articles, blocks)
    if conflicts and (saved is None or set(saved.conflicts) != {c.id for c in conflicts}) and mode != "check":
        write_review(folder, a, b, into, conflicts, fingerprints, command=command, corrections=corrections)
    result = Adjudication(
        a=a,
        b=b,
        into=into,
        review_file=review,
        status="pending",
        agreed={k: v.height for k, v in agreed.items()},
        conflicts=conflicts,
        corrections=corrections,
    )
    if result.pending:
        return result
    rows = {k: pl.concat([agreed[k], _decided_rows(conflicts, k, review)]) for k in KINDS}
    issues = [] if saved is None else list(saved.issues)
    if mode != "record":  # a correction is applied only with its rule and reason
        issues += corr.without_reason(corrections, review)
    rows, misfits = corr.apply(rows, corrections, review)
    if issues or misfits:
        raise CorrectionsInvalid(Report([*issues, *misfits]), review)
    rebuilt = tables_from_versions(rows)
    result.notes = rebuilt.notes
    if mode == "record":
        return _record(folder, result, rebuilt, articles, blocks, fingerprints, command)
    frames: dict[str, pl.DataFrame | None] = {t.name: df for t, df in rebuilt.tables.items()}
    frames[ARTICLES.name] = articles
    frames[BLOCKS.name] = blocks
    report = validate_frames(frames, files={t.name: t.relpath(layer_dir(into)) for t in rebuilt.tables})
    if not report.valid:
        raise MergeInvalid(report, f"the merge of {a} and {b}", review)
    if mode == "check":
        result.differences = _differences(folder, into, rebuilt, articles, blocks)
        result.status = "differs" if result.differences else "unchanged"
        return result
    return _write_merge(tx, result, rebuilt, force=force)


def _write_merge(tx: Transaction, result: Adjudication, rebuilt: Rebuilt, *, force: bool) -> Adjudication:
    """Write the merge into the target (and its status), unless the target holds it; see :func:`adjudicate`."""
    folder, a, b, into, review = tx.root, result.a, result.b, result.into, result.review_file
    status = _merged_status(folder, a, b, into)
    if layer_exists(folder, into):
        if _same_content(folder, into, rebuilt.tables):
            result.status = "unchanged"
            if not status.equals(read_status(folder, layer_dir(into))):
                path = tx.write_table(STATUS, status, layer_dir(into))
                result.written = [path.relative_to(folder).as_posix()]
            return result
        if not force:
            raise ReviewError(
                "target-differs",
                f"{into} exists and differs from the merge of {a} and {b} with the corrections of {review}; "
                "it is not overwritten",
                path=layer_relpath(into),
                data={
                    "option": "force",
                    "into": into,
                    "backups": history.history_relpath(into),
                    "a": a,
                    "b": b,
                },
            )
        kept = history.backup(folder, into, tx)
        result.backup = None if kept is None else kept.relative_to(folder).as_posix()
    paths = [tx.write_table(table, df, layer_dir(into)) for table, df in {**rebuilt.tables, STATUS: status}.items()]
    if into == GOLD:  # the versions this gold was merged and validated under
        paths.append(tx.write_text(folder / GOLD_VERSIONS, current_versions(folder, load_scheme()).as_yaml()))
    result.written = [p.relative_to(folder).as_posix() for p in paths]
    result.status = "written"
    return result


def _differences(
    folder: Path, into: str, rebuilt: Rebuilt, articles: pl.DataFrame, blocks: pl.DataFrame
) -> list[Correction]:
    """What ``into`` has beyond the merge ``rebuilt``, as corrections without rule and reason.

    Each pairs the merge's item (``before``) with the target's (``after``) by their unit, else by overlap
    (a stance: the same target, overlapping evidence, so that a new holder is one correction); ``id`` is
    the item's id in the target, or in the merge for an item the target does not have.
    """
    target = read_layer(folder, into, missing_ok=True)
    merged, now = versions(rebuilt.tables, with_ids=True), versions(target, with_ids=True)
    found: list[Conflict] = []
    for kind in KINDS:
        found += _compare(merged[kind].drop(ID), now[kind].drop(ID), kind, _CORRECTION_OVERLAP[kind])[1]
    ids = {kind: _ids(merged[kind], now[kind], [c for c in found if c.kind == kind], kind) for kind in KINDS}
    named = [(ids[c.kind][n], c) for n, c in _numbered_by_kind(found)]
    paired = in_sentences([_with_differences(c) for c in _paired_by_id(named)], articles, blocks)
    return [
        Correction(
            table=c.kind, id=c.id, doc_id=c.doc_id, before=c.a, after=c.b, sentence=c.sentence, differs=c.differs
        )
        for c in paired
    ]


def _paired_by_id(named: list[tuple[str, Conflict]]) -> list[Conflict]:
    """Conflicts (id = the item's id) where an item only the merge has and one only the target has that share
    their id (the target kept the id the merge gave the item) are one: the item, corrected.

    A stance whose holder changed, beside a new stance of the same target on the same evidence, pairs with
    neither by overlap; its id still says which it is.
    """
    one_sided: dict[tuple[str, str, str, bool], int] = {}
    for n, (item, c) in enumerate(named):
        if (c.a is None) != (c.b is None):
            one_sided.setdefault((c.kind, c.doc_id, item, c.a is None), n)
    done: list[Conflict] = []
    taken: set[int] = set()
    for n, (item, c) in enumerate(named):
        if n in taken:
            continue
        other = one_sided.get((c.kind, c.doc_id, item, True)) if c.b is None and c.a is not None else None
        if other is not None and other not in taken:
            taken.add(other)
            c = replace(c, b=named[other][1].b)
        done.append(replace(c, id=item))
    return done


def _numbered_by_kind(conflicts: list[Conflict]) -> list[tuple[int, Conflict]]:
    """Each conflict with its position among the conflicts of its kind."""
    seen: dict[str, int] = {}
    numbered = []
    for c in conflicts:
        numbered.append((seen.get(c.kind, 0), c))
        seen[c.kind] = seen.get(c.kind, 0) + 1
    return numbered


def _ids(merged: pl.DataFrame, now: pl.DataFrame, conflicts: list[Conflict], kind: str) -> list[str]:
    """The id of each conflict's item: of its target version (``b``), else of its merge version (``a``)."""
    rows = [
        (n, c.doc_id, json.dumps(v, ensure_ascii=False), side)
        for n, c in enumerate(conflicts)
        for side, v in (("b", c.b), ("a", c.a))
        if v is not None
    ]
    frame = pl.DataFrame(
        rows, schema={"__n": pl.Int64, "doc_id": pl.String, CONTENT: pl.String, "__side": pl.String}, orient="row"
    )
    frame = canonical(frame, kind)
    lookup = pl.concat(
        [
            canonical(df.select("doc_id", CONTENT, ID), kind)
            .unique(["doc_id", CONTENT], keep="first")
            .with_columns(pl.lit(side).alias("__side"))
            for side, df in (("b", now), ("a", merged))
        ]
    )
    named = (
        frame.join(lookup, on=["doc_id", CONTENT, "__side"], how="left")
        .sort("__n", "__side", descending=[False, True])
        .group_by("__n", maintain_order=True)
        .agg(pl.col(ID).drop_nulls().first())
        .sort("__n")
    )
    return [str(x) for x in named[ID].to_list()]


def _record(
    folder: Path,
    result: Adjudication,
    rebuilt: Rebuilt,
    articles: pl.DataFrame,
    blocks: pl.DataFrame,
    fingerprints: dict[str, str],
    command: str,
) -> Adjudication:
    """Add the target's differences from the merge (with the corrections so far) to the review file.

    A difference whose merge version is the ``after`` of a recorded correction means that correction no
    longer gives the target's version: it is not recorded twice but named in a note, to edit its ``after``.
    """
    given = {
        (c.table, c.doc_id, _canonical_json(c.after, c.table)): c for c in result.corrections if c.after is not None
    }
    new: list[Correction] = []
    for found in _differences(folder, result.into, rebuilt, articles, blocks):
        earlier = (
            None
            if found.before is None
            else given.get((found.table, found.doc_id, _canonical_json(found.before, found.table)))
        )
        if earlier is None:
            new.append(found)
            continue
        result.notes.append(
            f"{result.review_file}:{earlier.line}: the correction of {earlier.table} {earlier.id} gives a version "
            f"{result.into} does not have (it differs in {', '.join(found.differs) or 'its item'}); edit its 'after'"
        )
    result.recorded = new
    result.corrections = [*result.corrections, *new]
    result.status = "recorded"
    if new:
        write_review(
            folder,
            result.a,
            result.b,
            result.into,
            result.conflicts,
            fingerprints,
            command=command,
            corrections=result.corrections,
        )
        result.written = [result.review_file]
    return result


def _canonical_json(version: dict[str, Any], kind: str) -> str:
    frame = pl.DataFrame({"doc_id": [""], CONTENT: [json.dumps(version, ensure_ascii=False)]})
    return str(canonical(frame, kind)[CONTENT].item())


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
