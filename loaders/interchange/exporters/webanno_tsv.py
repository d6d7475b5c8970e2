"""WebAnno TSV 3.3, INCEpTION's tab-separated format: one ``<doc_id>.tsv`` per article, our own writer.

No maintained Python library writes the format, so this module does, after INCEpTION's own
serializer and the format description in its user guide (checked against INCEpTION's test files
in ``tests/interchange/test_inception_exports.py``). The layers are those of the UIMA export
(:mod:`.uima`: Mention, Event with its ``arguments`` slots, Argument, Stance with its ``links``
slots), on the same sentences and tokens (:mod:`.segments`), so a TSV and an XMI export of a
layer hold the same annotations and read back with the same ``mapping.yaml``.

How the file is written:

* ``#FORMAT=WebAnno TSV 3.3``, one ``#T_SP=type|feature|...`` line per layer (a slot feature is
  ``ROLE_type:feature_linktype`` followed by its target type, ``uima.tcas.Annotation``: a slot
  may point at any layer), then two empty lines;
* per sentence ``#Text=`` (escaped as INCEpTION escapes text), then one row per token
  ``S-T<TAB>BEGIN-END<TAB>token`` with one cell per column and a final TAB; offsets are UTF-16
  code units, as INCEpTION counts;
* every annotation carries a disambiguation id ``[n]``, unique in the file, on every row it
  covers (so stacked, multi-token and slot-target annotations are all unambiguous); a slot target
  is the address of the target's first row with the target's id (``1-3[7]``); a host without slots
  writes ``_[n]`` and ``*``; values are escaped (``\\ [ ] | _ -> ; * TAB LF``);
* the text between sentences is not in the format (INCEpTION fills it with spaces; the importer
  accepts the article's white space there).

A span that covers no token (only white space) cannot be written and is listed as left out;
annotator notes are not carried (a warning says how many).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, counts, not_carried, note_count
from peacetalks.interchange.exporters.segments import Segments, Token, segments
from peacetalks.interchange.exporters.uima import (
    ABOUT_ROLE,
    ANNOTATION,
    ARGUMENT,
    EVENT,
    FEATURES,
    HOLDER_ROLE,
    MENTION,
    SLOTS,
    STANCE,
    uima_mapping,
)
from peacetalks.schema.names import check_names, child_path
from peacetalks.schema.tables import ARTICLES
from peacetalks.storage.parquet import write_text_atomic

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
LAYERS = (ARGUMENT, EVENT, MENTION, STANCE)

_VALUE_ESCAPES = {"\\": "\\\\", "[": "\\[", "]": "\\]", "|": "\\|", "_": "\\_", "->": "\\->", ";": "\\;"}
_VALUE_ESCAPES |= {"\t": "\\t", "\n": "\\n", "*": "\\*"}
_VALUE = re.compile("|".join(re.escape(k) for k in sorted(_VALUE_ESCAPES, key=len, reverse=True)))
_TEXT_ESCAPES = {chr(i): "\\" + chr(i) for i in range(32) if not 7 < i < 14}
_TEXT_ESCAPES |= {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_TEXT = re.compile("|".join(re.escape(k) for k in _TEXT_ESCAPES))


def escape_value(value: str) -> str:
    """A feature value as INCEpTION escapes it (its reserved characters behind a backslash)."""
    return _VALUE.sub(lambda m: _VALUE_ESCAPES[m.group()], value)


def escape_text(text: str) -> str:
    """Sentence text of a ``#Text=`` line as INCEpTION escapes it (control characters, backslash)."""
    return _TEXT.sub(lambda m: _TEXT_ESCAPES[m.group()], text)


@dataclass
class _Ann:
    layer: str
    ident: int
    start: int
    end: int
    values: dict[str, str | None] = field(default_factory=dict)
    links: list[tuple[str, _Ann]] = field(default_factory=list)
    first_row: str | None = None  # the address of the first row it covers (where slots point at it)


def _annotations(doc: Document, skipped: list[str]) -> list[_Ann]:
    anns: list[_Ann] = []

    def add(layer: str, start: int, end: int, **values: str | None) -> _Ann:
        ann = _Ann(layer, len(anns) + 1, start, end, values)
        anns.append(ann)
        return ann

    mentions: dict[str, _Ann] = {}
    for m in doc.mentions:
        ann = add(
            MENTION, m.start, m.end, entity_id=m.entity_id, form=m.form, mention_type=m.mention_type, value=m.label
        )
        mentions.setdefault(m.mention_id, ann)
    events: dict[str, _Ann] = {}
    for e in doc.events:
        context = ",".join(e.context or []) or None
        events[e.event_id] = add(
            EVENT,
            e.trigger_start,
            e.trigger_end,
            cluster_id=e.cluster_id,
            context=context,
            modality=e.modality,
            mode=e.mode,
            realis=e.realis,
            value=e.category,
        )
    for a in doc.arguments:
        target = mentions.get(a.mention_id) if a.mention_id is not None else None
        if target is None and a.start is not None and a.end is not None:
            target = add(ARGUMENT, a.start, a.end)
        if target is None or a.event_id not in events:
            skipped.append(f"{doc.doc_id}: argument {a.argument_id} has no event or target to link")
            continue
        events[a.event_id].links.append((a.role, target))
    for st in doc.stances:
        holder = mentions.get(st.holder_mention_id)
        if holder is None:
            skipped.append(f"{doc.doc_id}: stance {st.stance_id} names unknown holder {st.holder_mention_id}")
            continue
        ann = add(
            STANCE,
            st.evidence_start,
            st.evidence_end,
            attribution=st.attribution,
            target_id=st.target_id,
            value=st.polarity,
        )
        ann.links.append((HOLDER_ROLE, holder))
        if st.event_id is not None and st.event_id in events:
            ann.links.append((ABOUT_ROLE, events[st.event_id]))
    return anns


def header() -> list[str]:
    lines = [FORMAT_LINE]
    for layer in LAYERS:
        columns = [*FEATURES[layer]] or [""]
        if layer in SLOTS:
            feature, link = SLOTS[layer]
            columns += [f"ROLE_{layer}:{feature}_{link}", ANNOTATION]
        lines.append(f"#T_SP={layer}|{'|'.join(columns)}")
    return [*lines, ""]


def _cells(layer: str, here: list[_Ann]) -> list[str]:
    """The cells of one layer on one row: one per feature (or the placeholder), two per slot feature."""
    if not here:
        return ["_"] * (max(len(FEATURES[layer]), 1) + (2 if layer in SLOTS else 0))
    cells = [
        "|".join(f"{'*' if a.values.get(f) is None else escape_value(str(a.values[f]))}[{a.ident}]" for a in here)
        for f in FEATURES[layer]
    ] or ["|".join(f"*[{a.ident}]" for a in here)]
    if layer in SLOTS:
        roles = [(";".join(escape_value(r) for r, _ in a.links) or "_") + f"[{a.ident}]" for a in here]
        targets = [";".join(f"{t.first_row}[{t.ident}]" for _, t in a.links) or "*" for a in here]
        cells += ["|".join(roles), "|".join(targets)]
    return cells


def _utf16(text: str) -> list[int]:
    """The UTF-16 code-unit offset of every code-point offset 0..len(text) of ``text``."""
    units = [0]
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return units


def webanno_tsv(doc: Document, segs: Segments, skipped: list[str]) -> str:
    """The TSV text of one document."""
    anns = _annotations(doc, skipped)
    rows: list[tuple[int, int, Token, str]] = [
        (s, t, token, f"{s}-{t}")
        for s, sentence in enumerate(segs.sentences, start=1)
        for t, token in enumerate(sentence, start=1)
    ]
    covering: dict[str, list[_Ann]] = {}
    for ann in sorted(anns, key=lambda a: (a.start, a.end, a.ident)):
        for _, _, (start, end), addr in rows:
            if ann.start <= start and end <= ann.end:
                covering.setdefault(addr, []).append(ann)
                ann.first_row = ann.first_row or addr
        if ann.first_row is None:
            skipped.append(f"{doc.doc_id}: {ann.layer.rsplit('.', 1)[-1]} at {ann.start}-{ann.end} covers no token")
    units = _utf16(doc.text)
    lines = header()
    for s, sentence in enumerate(segs.sentences, start=1):
        lines.append("")
        lines += [f"#Text={escape_text(part)}" for part in doc.text[sentence[0][0] : sentence[-1][1]].split("\n")]
        for t, (start, end) in enumerate(sentence, start=1):
            addr = f"{s}-{t}"
            here = covering.get(addr, [])
            cells = [c for layer in LAYERS for c in _cells(layer, [a for a in here if a.layer == layer])]
            lines.append("\t".join([addr, f"{units[start]}-{units[end]}", doc.text[start:end], *cells, ""]))
    return "\n".join(lines) + "\n"


def export_webanno_tsv(documents: list[Document], out: Path) -> ExportResult:
    """Write ``out/<doc_id>.tsv`` for every document and ``mapping.yaml``."""
    check_names(pl.Series([d.doc_id for d in documents], dtype=pl.String), "doc_id", path=ARTICLES.relpath())
    skipped: list[str] = []
    files: list[Path] = []
    segs = segments(documents)
    for doc in documents:
        path = child_path(out, doc.doc_id, "doc_id", suffix=".tsv")
        write_text_atomic(path, webanno_tsv(doc, segs[doc.doc_id], skipped))
        files.append(path)
    mapping = yaml.safe_dump(uima_mapping(), sort_keys=False, allow_unicode=True)
    write_text_atomic(
        out / "mapping.yaml", "# Maps this WebAnno TSV export back onto the PeaceTalks-DE scheme.\n" + mapping
    )
    files.append(out / "mapping.yaml")
    warnings = not_carried("webanno-tsv", {"annotator notes": note_count(documents)})
    return ExportResult("webanno-tsv", out, files, len(documents), counts(documents), skipped, warnings)
