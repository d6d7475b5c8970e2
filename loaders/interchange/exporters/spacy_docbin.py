"""spaCy ``DocBin`` export (``.spacy``): tokens and sentences by spaCy's German rules, spans per kind.

Per article one ``Doc`` (``spacy.blank("de")`` tokenizer and sentencizer, as in
:mod:`.export_conll`) with

* ``doc.ents``: the plain-name mentions (the scheme's ``plain_name_form``, NAME) that do not overlap a
  longer one, label = entity label, ``kb_id`` = entity_id (for spaCy's ``ner`` component);
* ``doc.spans["mentions"]``: every mention (overlaps allowed; for ``spancat``), ``kb_id`` = entity_id;
* ``doc.spans["events"]``: event triggers labelled with their category;
* ``doc.spans["stances"]``: stance evidence labelled with its polarity;
* ``doc.user_data["peacetalks"]``: the article's rows as in the JSONL export (nothing is lost).

Span boundaries that fall inside a token are widened to whole tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, counts
from peacetalks.interchange.exporters.conll import tokenize
from peacetalks.interchange.exporters.jsonl import document_record
from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.parquet import atomic_path


def _span(doc: Any, start: int, end: int, label: str, kb_id: str = "") -> Any:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    from spacy.tokens import Span

    return Span(doc, span.start, span.end, label=label, kb_id=kb_id)


def spacy_doc(document: Document, skipped: list[str]) -> Any:
    from spacy.util import filter_spans

    doc = tokenize(document.text)
    mentions = []
    for m in document.mentions:
        span = _span(doc, m.start, m.end, m.label, m.entity_id)
        if span is None:
            skipped.append(f"{document.doc_id}: mention {m.mention_id} covers no token")
        else:
            mentions.append((m, span))
    doc.spans["mentions"] = [s for _, s in mentions]
    name = load_scheme().plain_name_form
    doc.ents = filter_spans([s for m, s in mentions if m.form == name])
    doc.spans["events"] = [
        s for e in document.events if (s := _span(doc, e.trigger_start, e.trigger_end, e.category)) is not None
    ]
    doc.spans["stances"] = [
        s for st in document.stances if (s := _span(doc, st.evidence_start, st.evidence_end, st.polarity)) is not None
    ]
    doc.user_data["peacetalks"] = document_record(document) | {"text": None}
    return doc


def export_spacy(documents: list[Document], out: Path) -> ExportResult:
    from spacy.tokens import DocBin

    skipped: list[str] = []
    docbin = DocBin(store_user_data=True)
    for document in documents:
        docbin.add(spacy_doc(document, skipped))
    with atomic_path(out) as tmp:
        tmp.write_bytes(docbin.to_bytes())
    return ExportResult("spacy", out, [out], len(documents), counts(documents), skipped)
