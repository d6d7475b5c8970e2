"""brat standoff export: ``<doc_id>.txt`` + ``<doc_id>.ann`` per article, a mapping and a brat config.

How the scheme is written (and read back by ``peacetalks import brat OUT --mapping OUT/mapping.yaml``):

* a mention is a ``T`` line labelled with its entity label; ``form``, ``mention_type`` and
  ``entity_id`` are ``A`` lines on it;
* an event is a ``T`` line for its trigger labelled with its category and an ``E`` line
  ``CATEGORY:Tn ROLE:Tm ...`` (a repeated role is numbered: ``ACTOR``, ``ACTOR2``); ``mode``,
  ``realis``, ``modality`` and ``cluster_id`` (the event it denotes, GUIDELINES.md 2.7: brat's
  ``Equiv`` relations join entities, not events, so the id travels as ``entity_id`` does) are
  ``A`` lines on the ``E``, and so is each context code, numbered
  like roles (``context``, ``context2``, ...: a brat attribute holds one value);
  an argument that is a mention points at the mention's ``T``, a span argument at a ``T``
  labelled ``Argument``;
* a stance is a ``T`` labelled ``Stance`` over its evidence with ``target_id``, ``polarity``
  and ``attribution`` as ``A`` lines, an ``R`` line ``holder`` to its holder mention and, when
  it has one, an ``R`` line ``about`` to its event's trigger;
* a span that crosses a line break is written as fragments split at the break (brat's own
  convention); the importer joins fragments separated by whitespace only;
* an annotator's note is an ``AnnotatorNotes`` line (``#1``) on the ``T`` or ``E`` of its item
  (one line: tabs and line breaks become spaces; a note on an argument that is a mention has no
  annotation of its own to sit on and is left out, listed).

``annotation.conf`` declares every type and every attribute the ``.ann`` files use, with the
values they use (brat offers only declared values: an ``entity_id`` not in the export needs a
line added there).

Ids are not kept: brat numbers its own (``T1``, ``E1``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, counts
from peacetalks.schema.names import check_names, child_path
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARTICLES
from peacetalks.storage.parquet import write_text_atomic

ARGUMENT_LABEL = "Argument"
STANCE_LABEL = "Stance"
HOLDER_RELATION = "holder"
ABOUT_RELATION = "about"


def brat_mapping() -> dict[str, Any]:
    """The mapping file that reads this export back onto the scheme."""
    scheme = load_scheme()
    labels: dict[str, Any] = {label: label for label in (*scheme.entity_labels, *scheme.category_names)}
    labels |= {ARGUMENT_LABEL: "span", STANCE_LABEL: "stance"}
    columns = ("form", "mention_type", "entity_id", "mode", "context", "realis", "modality", "cluster_id")
    return {
        "labels": labels,
        "roles": {role: role for role in scheme.argument_roles},
        "relations": {HOLDER_RELATION: "holder", ABOUT_RELATION: "stance-event"},
        "attributes": {c: {"column": c} for c in (*columns, "target_id", "polarity", "attribution")},
    }


def _declarable(value: str) -> bool:
    """Whether brat's annotation.conf can list ``value`` (its ``Value:a|b`` syntax has no escapes)."""
    return bool(value) and not any(ch.isspace() or ch in ",|" for ch in value)


def context_names(n: int) -> list[str]:
    """The attribute names of an event's first ``n`` context codes: context, context2, context3, ..."""
    return ["context" if i == 1 else f"context{i}" for i in range(1, n + 1)]


def annotation_conf(documents: Sequence[Document] = (), warnings: list[str] | None = None) -> str:
    """A brat ``annotation.conf`` declaring the scheme's types and every attribute the ``.ann`` files use.

    brat attributes take values from a declared list: ``entity_id`` lists the entity ids of
    ``documents`` and ``cluster_id`` their event clusters (declared only when there are some), each
    context code is an attribute of its own (``context``, ``context2``, ...; at least three, so an
    annotator can add codes); the other attributes list the scheme's values and
    any other value the documents use. A value brat cannot declare (white space, ``,`` or ``|``) is
    added to ``warnings``.
    """
    scheme = load_scheme()
    lines = ["[entities]", *scheme.entity_labels, ARGUMENT_LABEL, STANCE_LABEL, "", "[relations]"]
    holders = "|".join(scheme.stance_holder_labels)
    lines += [
        f"{HOLDER_RELATION}\tArg1:{STANCE_LABEL}, Arg2:{holders}",
        f"{ABOUT_RELATION}\tArg1:{STANCE_LABEL}, Arg2:<EVENT>",
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
    ]
    targets = "|".join([*scheme.entity_labels, ARGUMENT_LABEL])
    for cat in scheme.event_categories.values():
        lines.append(f"{cat.name}\t" + ", ".join(f"{role}*:{targets}" for role in cat.roles))
    mentions = [m for d in documents for m in d.mentions]
    events = [e for d in documents for e in d.events]
    stances = [st for d in documents for st in d.stances]
    contexts = max((len(e.context or []) for e in events), default=0)
    clusters = sorted({e.cluster_id for e in events if e.cluster_id})
    declared: list[tuple[str, str, list[str]]] = [
        ("form", "<ENTITY>", [*scheme.entity_forms, *(m.form for m in mentions if m.form)]),
        ("mention_type", "<ENTITY>", [*scheme.mention_types, *(m.mention_type for m in mentions)]),
        ("entity_id", "<ENTITY>", sorted(m.entity_id for m in mentions)),
        ("mode", "<EVENT>", [*scheme.all_modes, *(e.mode for e in events if e.mode)]),
        ("realis", "<EVENT>", [*scheme.realis, *(e.realis for e in events)]),
        ("modality", "<EVENT>", [*scheme.modalities, *(e.modality for e in events if e.modality)]),
        *([("cluster_id", "<EVENT>", clusters)] if clusters else []),
        *[
            (name, "<EVENT>", [*scheme.event_contexts, *(c for e in events for c in e.context or [])])
            for name in context_names(max(contexts, 3))
        ],
        ("target_id", STANCE_LABEL, [*scheme.target_ids, *(st.target_id for st in stances)]),
        ("polarity", STANCE_LABEL, [*scheme.stance_polarities, *(st.polarity for st in stances)]),
        ("attribution", STANCE_LABEL, [*scheme.stance_attributions, *(st.attribution for st in stances)]),
    ]
    lines += ["", "[attributes]"]
    for name, arg, values in declared:
        unique = list(dict.fromkeys(values))
        bad = [v for v in unique if not _declarable(v)]
        if bad and warnings is not None:
            warnings.append(f"annotation.conf cannot declare {name} value(s) {', '.join(map(repr, bad))}")
        good = [v for v in unique if _declarable(v)]
        if good:
            lines.append(f"{name}\tArg:{arg}, Value:{'|'.join(good)}")
        else:  # brat's attribute without a value list is binary; an empty list is no declaration
            lines.append(f"# {name}: no value brat can declare")
    return "\n".join(lines) + "\n"


class _Ann:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.n = {"T": 0, "E": 0, "R": 0, "A": 0, "#": 0}

    def next_id(self, kind: str) -> str:
        self.n[kind] += 1
        return f"{kind}{self.n[kind]}"

    def span(self, label: str, start: int, end: int) -> str:
        tid = self.next_id("T")
        pieces: list[tuple[int, int]] = []
        pos = start
        for part in self.text[start:end].split("\n"):
            if part:
                pieces.append((pos, pos + len(part)))
            pos += len(part) + 1
        pieces = pieces or [(start, end)]
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        covered = " ".join(self.text[s:e] for s, e in pieces)
        self.lines.append(f"{tid}\t{label} {offsets}\t{covered}")
        return tid

    def attribute(self, name: str, target: str, value: str | None) -> None:
        if value is not None and value != "":
            self.lines.append(f"{self.next_id('A')}\t{name} {target} {value}")

    def relation(self, label: str, source: str, target: str) -> None:
        self.lines.append(f"{self.next_id('R')}\t{label} Arg1:{source} Arg2:{target}")

    def note(self, target: str, text: str) -> None:
        """An ``AnnotatorNotes`` line; brat notes are one line, so tabs and line breaks become spaces."""
        flat = " ".join(text.replace("\t", " ").splitlines()) if text else ""
        self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {target}\t{flat}")


def brat_ann(doc: Document, skipped: list[str] | None = None) -> str:
    """The ``.ann`` text of one document."""
    skipped = skipped if skipped is not None else []
    ann = _Ann(doc.text)
    mention_t: dict[str, str] = {}
    written: dict[tuple[str, str], str] = {}  # (table, id) -> the brat id it became, for the notes
    for m in sorted(doc.mentions, key=lambda m: (m.start, m.end, m.label, m.mention_id)):
        tid = ann.span(m.label, m.start, m.end)
        mention_t.setdefault(m.mention_id, tid)
        ann.attribute("form", tid, m.form)
        ann.attribute("mention_type", tid, m.mention_type)
        ann.attribute("entity_id", tid, m.entity_id)
    trigger_t: dict[str, str] = {}
    arguments: dict[str, list[tuple[str, str]]] = {}
    for arg in sorted(doc.arguments, key=lambda a: (a.event_id, a.role, a.start or -1, a.argument_id)):
        if arg.mention_id is not None:
            target = mention_t.get(arg.mention_id)
            if target is None:
                skipped.append(f"{doc.doc_id}: argument {arg.argument_id} names unknown mention {arg.mention_id}")
                continue
        elif arg.start is not None and arg.end is not None:
            target = ann.span(ARGUMENT_LABEL, arg.start, arg.end)
            written[("event_arguments", arg.argument_id)] = target
        else:
            skipped.append(f"{doc.doc_id}: argument {arg.argument_id} has neither a mention nor a span")
            continue
        arguments.setdefault(arg.event_id, []).append((arg.role, target))
    for ev in sorted(doc.events, key=lambda e: (e.trigger_start, e.trigger_end, e.event_id)):
        tid = ann.span(ev.category, ev.trigger_start, ev.trigger_end)
        trigger_t[ev.event_id] = tid
        seen: dict[str, int] = {}
        parts = [f"{ev.category}:{tid}"]
        for role, target in arguments.get(ev.event_id, []):
            seen[role] = seen.get(role, 0) + 1
            parts.append(f"{role}{'' if seen[role] == 1 else seen[role]}:{target}")
        eid = ann.next_id("E")
        ann.lines.append(f"{eid}\t{' '.join(parts)}")
        ann.attribute("mode", eid, ev.mode)
        ann.attribute("realis", eid, ev.realis)
        ann.attribute("modality", eid, ev.modality)
        ann.attribute("cluster_id", eid, ev.cluster_id)
        codes = list(ev.context or [])
        for name, code in zip(context_names(len(codes)), codes, strict=True):
            ann.attribute(name, eid, code)
        written[("events", ev.event_id)] = eid
    for st in sorted(doc.stances, key=lambda s: (s.evidence_start, s.evidence_end, s.stance_id)):
        holder = mention_t.get(st.holder_mention_id)
        if holder is None:
            skipped.append(f"{doc.doc_id}: stance {st.stance_id} names unknown holder {st.holder_mention_id}")
            continue
        tid = ann.span(STANCE_LABEL, st.evidence_start, st.evidence_end)
        written[("stances", st.stance_id)] = tid
        ann.attribute("target_id", tid, st.target_id)
        ann.attribute("polarity", tid, st.polarity)
        ann.attribute("attribution", tid, st.attribution)
        ann.relation(HOLDER_RELATION, tid, holder)
        if st.event_id is not None and st.event_id in trigger_t:
            ann.relation(ABOUT_RELATION, tid, trigger_t[st.event_id])
    written |= {("entities", mid): tid for mid, tid in mention_t.items()}
    for note in sorted(doc.notes, key=lambda n: n.note_id):
        target = written.get((note.kind, note.item_id))
        if target is None:
            skipped.append(f"{doc.doc_id}: note {note.note_id} on {note.kind} {note.item_id}, which brat does not show")
        else:
            ann.note(target, note.text)
    return "".join(line + "\n" for line in ann.lines)


def export_brat(documents: list[Document], out: Path) -> ExportResult:
    """Write ``out/<doc_id>.txt`` and ``.ann`` for every document, ``mapping.yaml`` and ``annotation.conf``."""
    skipped: list[str] = []
    check_names(pl.Series([d.doc_id for d in documents], dtype=pl.String), "doc_id", path=ARTICLES.relpath())
    files: list[Path] = []
    for doc in documents:
        for suffix, content in ((".txt", doc.text), (".ann", brat_ann(doc, skipped))):
            path = child_path(out, doc.doc_id, "doc_id", suffix=suffix)
            write_text_atomic(path, content)
            files.append(path)
    mapping = yaml.safe_dump(brat_mapping(), sort_keys=False, allow_unicode=True)
    write_text_atomic(out / "mapping.yaml", "# Maps this brat export back onto the PeaceTalks-DE scheme.\n" + mapping)
    warnings: list[str] = []
    write_text_atomic(out / "annotation.conf", annotation_conf(documents, warnings))
    files += [out / "mapping.yaml", out / "annotation.conf"]
    return ExportResult("brat", out, files, len(documents), counts(documents), skipped, warnings)
