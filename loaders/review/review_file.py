"""The review file of an adjudication: one entry per conflict, both versions and a decision.

``annotations/review/<A>--<B>.yaml`` is written for people to edit. Each conflict has an ``id``
(kind, document and the span it is about), the ``a`` and ``b`` versions (``null`` where a layer
has no such item) and a ``decision``: ``a``, ``b``, ``both`` or ``neither``. The chosen version
may be edited in place before re-running ``peacetalks adjudicate``. The ``corrections`` list holds
the changes gold has beyond the decisions, each with its rule and reason
(:mod:`peacetalks.review.corrections`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from peacetalks.errors import ReviewError
from peacetalks.review import corrections as corr
from peacetalks.review.corrections import Correction
from peacetalks.storage.layers import check_layer
from peacetalks.storage.parquet import write_text_atomic
from peacetalks.validation.report import Issue

DECISIONS = ("a", "b", "both", "neither")

HEADER = """\
# Conflicts between two annotator layers, written by 'peacetalks adjudicate {a} {b}'.
# For every conflict set `decision` to one of:
#   a        keep the version of {a}
#   b        keep the version of {b}
#   both     keep both versions (two distinct items)
#   neither  keep none
# `sentence` shows where the item is (its span in [...]) and `differs` what the versions differ in.
# You may edit the fields of the version you keep (an edited version is validated on merge).
# Then run '{command}' again to complete the merge.
# `corrections` (at the end, when there are any) are changes gold has beyond these decisions, made when
# gold was checked against a rule: each names the item (table, id in gold), its version in the merge
# (`before`, null for an added item) and in gold (`after`, null for a removed one), the guidelines'
# `rule` (section) and the `reason`. They are applied after the decisions; one without both is refused.
# '--record-corrections' adds the differences between the merge and gold for you to give their reasons.
"""


# libyaml's C loader and dumper when PyYAML has them (the pure-Python ones take minutes on big files).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def review_relpath(a: str, b: str) -> str:
    return f"annotations/review/{check_layer(a)}--{check_layer(b)}.yaml"


@dataclass
class SavedReview:
    """What a review file holds: its conflicts by id, its corrections, and the problems of their shape."""

    conflicts: dict[str, Conflict]
    corrections: list[Correction]
    issues: list[Issue]


@dataclass
class Conflict:
    """Two versions of one item that differ, or an item only one layer has."""

    id: str
    kind: str
    doc_id: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None
    decision: str | None = None
    sentence: str | None = None  # where it is, the span in [...]; written for the reader, not read back
    differs: list[str] = field(default_factory=list)  # the fields A and B differ in; also only for the reader
    parts: tuple[str, str] | None = None  # the ids of the A-only and B-only items paired into this conflict

    def chosen(self) -> list[dict[str, Any]]:
        """The versions the decision keeps (empty for 'neither' or no decision)."""
        picked = {"a": [self.a], "b": [self.b], "both": [self.a, self.b]}.get(self.decision or "", [])
        return [v for v in picked if v is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "doc_id": self.doc_id,
            **({"sentence": self.sentence} if self.sentence else {}),
            **({"differs": self.differs} if self.differs else {}),
            "a": self.a,
            "b": self.b,
            "decision": self.decision,
        }


def write_review(
    root: Path,
    a: str,
    b: str,
    into: str,
    conflicts: list[Conflict],
    fingerprints: dict[str, str],
    *,
    command: str | None = None,
    corrections: list[Correction] | None = None,
) -> Path:
    """Write the review file; ``fingerprints`` (``a`` and ``b`` -> :func:`layer_fingerprint`) date it.

    ``command`` is the command line the header tells the reader to run again; ``corrections`` (kept as
    they are, in their order) are written after the conflicts.
    """
    path = root / review_relpath(a, b)
    content: dict[str, object] = {"a": a, "b": b, "fingerprints": fingerprints}
    content["conflicts"] = [c.to_dict() for c in conflicts]
    if corrections:
        content[corr.SECTION] = [c.to_dict() for c in corrections]
    body = yaml.dump(
        content,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=110,
    )
    rerun = command or f"peacetalks adjudicate {a} {b} --into {into}"
    write_text_atomic(path, HEADER.format(a=a, b=b, command=rerun) + body)
    return path


def _bad(code: str, relpath: str, message: str) -> ReviewError:
    return ReviewError(code, message, path=relpath)


def _check_fresh(recorded: object, now: dict[str, str], names: dict[str, str], relpath: str) -> None:
    if not isinstance(recorded, dict):
        changed = sorted(names.values())
        why = "records no fingerprints of the layers, so whether they changed since cannot be told"
    else:
        changed = [names[side] for side in ("a", "b") if recorded.get(side) != now[side]]
        why = f"was written for other contents of {' and '.join(changed)}: the layer(s) changed since"
    if changed:
        raise ReviewError(
            "stale-review-file",
            f"the review file {why}; its decisions are not applied",
            path=relpath,
            data={"changed": changed, "review_file": relpath},
        )


def read_review(
    root: Path, a: str, b: str, fields: dict[str, list[str]], fingerprints: dict[str, str]
) -> SavedReview | None:
    """The conflicts in the review file by id and its corrections, or None when there is no file.

    ``fields`` gives the allowed fields of a version of each kind; an unknown field, an unknown
    decision, or a decision that keeps a missing version is an error naming the conflict.
    ``fingerprints`` are those of the layers now: a file written for other contents of either layer
    (or that records none) is ReviewError ``stale-review-file``, and none of its decisions is used.
    The shape of the corrections is checked (every problem an issue of ``SavedReview.issues``); whether
    they fit the merge is for :func:`peacetalks.review.corrections.apply`.
    """
    relpath = review_relpath(a, b)
    path = root / relpath
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)  # a safe (C) loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ReviewError("bad-review-file", f"not valid YAML: {exc}", path=relpath, line=line) from None
    entries = data.get("conflicts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise _bad("bad-review-file", relpath, "expected a mapping with a 'conflicts' list")
    _check_fresh(data.get("fingerprints"), fingerprints, {"a": a, "b": b}, relpath)
    found: dict[str, Conflict] = {}
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise _bad("bad-review-entry", relpath, f"conflict #{n + 1} has no id")
        cid, kind = entry["id"], entry.get("kind")
        if kind not in fields:
            raise _bad("bad-review-entry", relpath, f"conflict {cid}: kind {kind!r} is not one of {list(fields)}")
        decision = entry.get("decision")
        if isinstance(decision, str):
            decision = decision.strip().lower() or None
        if decision is not None and decision not in DECISIONS:
            raise _bad(
                "bad-decision", relpath, f"conflict {cid}: decision {decision!r} is not one of {', '.join(DECISIONS)}"
            )
        versions: dict[str, dict[str, Any] | None] = {}
        for side in ("a", "b"):
            value = entry.get(side)
            if value is not None and not isinstance(value, dict):
                raise _bad("bad-kept-version", relpath, f"conflict {cid}: version {side} must be a mapping or null")
            unknown = sorted(set(value or {}) - set(fields[kind]))
            if unknown:
                raise _bad(
                    "bad-kept-version",
                    relpath,
                    f"conflict {cid}: version {side} has unknown field(s) {', '.join(unknown)}",
                )
            versions[side] = value
        conflict = Conflict(cid, kind, str(entry.get("doc_id")), versions["a"], versions["b"], decision)
        if decision in ("a", "b", "both") and len(conflict.chosen()) < (2 if decision == "both" else 1):
            raise _bad("bad-decision", relpath, f"conflict {cid}: decision {decision!r} keeps a version that is null")
        found[cid] = conflict
    corrections, issues = corr.parse(data, text, relpath, _Loader)
    return SavedReview(found, corrections, issues)
