"""Corrections of a merge: the changes gold has beyond the decided conflicts, each with its rule and reason.

Adjudication decides conflicts only: an item both passes agree on goes into gold unread. When gold is
checked against a rule later (a new version of the guidelines), the items it changes, agreed ones
included, are recorded in the review file's ``corrections`` list, so that the passes, the decisions and
the corrections together give gold: ``peacetalks adjudicate`` applies them after the decisions.

A correction names the item (``table`` and ``id``: its id in gold, or in the merge for a removed item)
and its ``doc_id``, what the item is in the merge of agreed and decided items (``before``, null for an
item gold adds) and what it is in gold (``after``, null for an item gold removes), both as versions of
:mod:`peacetalks.review.items`, and the ``rule`` (the section of the guidelines) and ``reason`` that
required it. ``sentence`` and ``differs`` are written for the reader and not read back.

Every correction applies to the merge as the decisions make it (not to the result of other corrections):
its ``before`` must be an item of that merge. A correction whose item is no longer there, or whose
``before`` differs from the item there, is an issue naming the review file's line, as is one without a
rule or a reason when it is applied; all of them are reported together (ValidationFailed
``bad-corrections``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import yaml

from peacetalks.errors import ValidationFailed
from peacetalks.review.items import CONTENT, DTYPES, KINDS, UNITS, canonical, with_units
from peacetalks.validation.report import Issue, Report

SECTION = "corrections"
# The fields of a correction in the review file, in the order they are written.
FIELDS = ("table", "id", "doc_id", "sentence", "differs", "rule", "reason", "before", "after")
_REQUIRED_TEXT = ("rule", "reason")


@dataclass
class Correction:
    """One change of gold against the merge: ``before`` -> ``after`` (either may be None, not both)."""

    table: str
    id: str
    doc_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    rule: str | None = None
    reason: str | None = None
    sentence: str | None = None  # for the reader, like a conflict's
    differs: list[str] = field(default_factory=list)  # for the reader: the fields before and after differ in
    line: int | None = None  # where it starts in the review file (1-based), when read from one

    @property
    def complete(self) -> bool:
        """Both ``rule`` and ``reason`` are filled in."""
        return all(isinstance(v, str) and v.strip() for v in (self.rule, self.reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "doc_id": self.doc_id,
            **({"sentence": self.sentence} if self.sentence else {}),
            **({"differs": self.differs} if self.differs else {}),
            "rule": self.rule,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
        }


class CorrectionsInvalid(ValidationFailed):
    """The review file's corrections do not fit the merge (or lack a rule or reason); ``report`` lists each.

    For these issues ``Issue.row`` is the 1-based line of the correction in the review file.
    """

    def __init__(self, report: Report, review_file: str) -> None:
        super().__init__(
            report,
            review_file,
            code="bad-corrections",
            path=review_file,
            data={"review_file": review_file},
        )


def _issue(
    relpath: str, entry: Correction | None, line: int | None, message: str, column: str | None = None, *, code: str
) -> Issue:
    return Issue(
        code=code,
        file=relpath,
        row=line,
        doc_id=None if entry is None else entry.doc_id,
        record_id=None if entry is None else f"{entry.table} {entry.id}",
        column=column,
        message=message,
    )


def _lines(text: str, loader: type[Any]) -> list[int]:
    """The 1-based line on which each entry of the ``corrections`` list starts (none when it has no list)."""
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == SECTION and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def parse(data: dict[str, Any], text: str, relpath: str, loader: type[Any]) -> tuple[list[Correction], list[Issue]]:
    """The corrections of a loaded review file (``data``, read from ``text``), and the problems of their shape."""
    entries = data.get(SECTION)
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        return [], [_issue(relpath, None, None, f"'{SECTION}' must be a list of corrections", code="bad-correction")]
    lines = _lines(text, loader)
    found: list[Correction] = []
    issues: list[Issue] = []
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else None
        correction, problems = _one(entry, n, line, relpath)
        issues += problems
        if correction is not None:
            found.append(correction)
    return found, issues


def _one(entry: object, n: int, line: int | None, relpath: str) -> tuple[Correction | None, list[Issue]]:
    if not isinstance(entry, dict):
        return None, [_issue(relpath, None, line, f"correction #{n + 1} is not a mapping", code="bad-correction")]
    table, cid, doc = entry.get("table"), entry.get("id"), entry.get("doc_id")
    named = Correction(str(table), str(cid), str(doc), None, None, line=line)
    bad: list[str] = []
    if table not in KINDS:
        bad.append(f"table {table!r} is not one of {', '.join(KINDS)}")
    for key, value in (("id", cid), ("doc_id", doc)):
        if not isinstance(value, str) or not value.strip():
            bad.append(f"'{key}' must name the item ({'its id in gold' if key == 'id' else 'its article'})")
    unknown = sorted(str(k) for k in entry if k not in FIELDS)
    if unknown:
        bad.append(f"unknown field(s) {', '.join(unknown)} (a correction has {', '.join(FIELDS)})")
    sides, problems = _sides(entry, table)
    bad += problems
    if sides["before"] is None and sides["after"] is None and not any("'before'" in b or "'after'" in b for b in bad):
        bad.append("'before' and 'after' are both null: a correction adds, removes or changes an item")
    elif sides["before"] is not None and sides["before"] == sides["after"]:
        bad.append("'before' and 'after' are the same version: nothing is corrected")
    texts = {key: entry.get(key) for key in _REQUIRED_TEXT}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            bad.append(f"'{key}' must be text")
            texts[key] = None
    if bad:
        return None, [_issue(relpath, named, line, "; ".join(bad), code="bad-correction")]
    differs = entry.get("differs")
    return (
        Correction(
            str(table),
            str(cid),
            str(doc),
            sides["before"],
            sides["after"],
            rule=texts["rule"],
            reason=texts["reason"],
            sentence=entry.get("sentence") if isinstance(entry.get("sentence"), str) else None,
            differs=[str(d) for d in differs] if isinstance(differs, list) else [],
            line=line,
        ),
        [],
    )


def _sides(entry: dict[Any, Any], table: object) -> tuple[dict[str, dict[str, Any] | None], list[str]]:
    """The ``before`` and ``after`` versions of an entry (None where missing or malformed), and what is wrong."""
    sides: dict[str, dict[str, Any] | None] = {}
    bad: list[str] = []
    for side in ("before", "after"):
        value = entry.get(side)
        if value is not None and not isinstance(value, dict):
            bad.append(f"'{side}' must be a version (a mapping) or null")
            value = None
        elif value is not None and table in KINDS:
            extra = sorted(str(k) for k in value if k not in DTYPES[str(table)].to_schema())
            if extra:
                bad.append(f"'{side}' has unknown field(s) {', '.join(extra)}")
            elif not _decodes(value, str(table)):
                bad.append(f"'{side}' has a value of the wrong type for a {table} version")
        sides[side] = value
    return sides, bad


def _decodes(version: dict[str, Any], kind: str) -> bool:
    try:
        pl.Series([json.dumps(version, ensure_ascii=False)]).str.json_decode(DTYPES[kind])
    except pl.exceptions.PolarsError:
        return False
    return True


def without_reason(corrections: list[Correction], relpath: str) -> list[Issue]:
    """An issue for each correction that has no ``rule`` or no ``reason``: it is not applied without them."""
    return [
        _issue(
            relpath,
            c,
            c.line,
            "a correction needs the rule of the guidelines that required it ('rule', e.g. '3.1') and its reason "
            f"('reason'); missing: {', '.join(k for k in _REQUIRED_TEXT if not (getattr(c, k) or '').strip())}",
            column=next(k for k in _REQUIRED_TEXT if not (getattr(c, k) or "").strip()),
            code="correction-without-reason",
        )
        for c in corrections
        if not c.complete
    ]


def _frame(corrections: list[Correction], side: str, kind: str) -> pl.DataFrame:
    """doc_id, content (canonical) and the correction's index, of the corrections of ``kind`` with a ``side``."""
    rows = [
        (c.doc_id, json.dumps(getattr(c, side), ensure_ascii=False), i)
        for i, c in enumerate(corrections)
        if c.table == kind and getattr(c, side) is not None
    ]
    frame = pl.DataFrame(rows, schema={"doc_id": pl.String, CONTENT: pl.String, "__i": pl.Int64}, orient="row")
    return canonical(frame, kind)


def _occurrence(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.int_range(pl.len()).over(["doc_id", CONTENT]).alias("__n"))


def apply(
    rows: dict[str, pl.DataFrame], corrections: list[Correction], relpath: str
) -> tuple[dict[str, pl.DataFrame], list[Issue]]:
    """The merge ``rows`` (per kind: doc_id, content) with ``corrections`` applied, and the ones that do not fit.

    Each ``before`` takes one item of that content out of the merge (two corrections of one item: the
    second does not fit); each ``after`` goes in. A ``before`` not in the merge is an issue: the item is
    gone (nothing of that kind at its unit, e.g. the holder and target of a stance) or differs (naming
    the fields). The rows are returned canonical (:func:`~peacetalks.review.items.canonical`).
    """
    done: dict[str, pl.DataFrame] = {}
    issues: list[Issue] = []
    for kind in KINDS:
        merged = _occurrence(canonical(rows[kind].select("doc_id", CONTENT), kind))
        before = _occurrence(_frame(corrections, "before", kind))
        missing = before.join(merged, on=["doc_id", CONTENT, "__n"], how="anti")
        issues += _not_in_merge(missing, merged, corrections, kind, relpath)
        kept = merged.join(before, on=["doc_id", CONTENT, "__n"], how="anti").select("doc_id", CONTENT)
        done[kind] = pl.concat([kept, _frame(corrections, "after", kind).select("doc_id", CONTENT)])
    return done, issues


def _not_in_merge(
    missing: pl.DataFrame, merged: pl.DataFrame, corrections: list[Correction], kind: str, relpath: str
) -> list[Issue]:
    if missing.is_empty():
        return []
    unit = ["doc_id", *UNITS[kind]]
    there = with_units(merged.select("doc_id", CONTENT), kind).rename({CONTENT: "__there"})
    found = with_units(missing.select("doc_id", CONTENT, "__i"), kind)
    matched = (
        found.join(there, on=unit, how="left", nulls_equal=True)
        .group_by("__i", maintain_order=True)
        .agg(pl.col("__there").drop_nulls())
    )
    issues = []
    for i, candidates in matched.iter_rows():
        c = corrections[i]
        assert c.before is not None
        what = " ".join(f"{k}={c.before.get(k)}" for k in UNITS[kind])
        if not candidates:
            issues.append(
                _issue(
                    relpath,
                    c,
                    c.line,
                    f"the merge has no {kind} item at {what} any more (or another correction "
                    "already takes it): the correction's 'before' is not there",
                    column="before",
                    code="correction-item-gone",
                )
            )
            continue
        now = json.loads(candidates[0])
        fields = [k for k in DTYPES[kind].to_schema() if _value(now, k) != _value(c.before, k)]
        issues.append(
            _issue(
                relpath,
                c,
                c.line,
                f"'before' does not match the merge's item at {what}: it differs in "
                f"{', '.join(fields) or 'the order of its arguments'} (the merge has "
                + ", ".join(f"{k}={_value(now, k)!r}" for k in fields[:3])
                + ")",
                column="before",
                code="correction-before-differs",
            )
        )
    return issues


def _value(version: dict[str, Any], key: str) -> Any:
    value = version.get(key)
    return sorted(value, key=json.dumps) if isinstance(value, list) else value
