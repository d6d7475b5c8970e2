"""spaCy ``DocBin`` export (``.spacy``): the tokens, sentences and outer tags of the ``tokens`` config, spans per kind.

Per article one ``Doc`` made by the German pipeline of :mod:`peacetalks.text.tokenize` (so its
tokens are spaCy's German ones, white space included), with

* sentence starts as in the ``tokens`` config (a sentence never crosses a block or a line break);
* ``doc.ents``: the outer level of :mod:`peacetalks.text.bio` in the tag set asked for (default
  ``peacetalks``: the scheme labels, ``GPEderiv``/``ORGpart`` for DERIV and PART mentions), the same
  tokens the ``tokens`` config tags; ``kb_id`` = entity_id (for spaCy's ``ner`` component);
* ``doc.spans["mentions"]``: every mention (overlaps allowed; for ``spancat``), ``kb_id`` = entity_id;
* ``doc.spans["events"]``: event triggers labelled with their category, ``kb_id`` = cluster_id (empty: none);
* ``doc.spans["stances"]``: stance evidence labelled with its polarity;
* ``doc.user_data["peacetalks"]``: the article's rows as in the JSONL export (nothing is lost).

Span boundaries of the span groups that fall inside a token are widened to whole tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, Selection, tagged_tokens
from peacetalks.interchange.exporters.jsonl import document_record
from peacetalks.schema.tables import ENTITIES
from peacetalks.schema.tagsets import DEFAULT_TAGSET
from peacetalks.storage.parquet import atomic_path
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, Tagged, level_column, mention_column
from peacetalks.text.tokenize import german_pipeline

Ents = list[tuple[int, int, str, str]]  # first token, end token, label, kb_id


def _span(doc: Any, start: int, end: int, label: str, kb_id: str = "") -> Any:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    from spacy.tokens import Span

    return Span(doc, span.start, span.end, label=label, kb_id=kb_id)


def _sentence_starts(tagged: Tagged) -> dict[str, list[int]]:
    """doc_id -> the spaCy token index of each sentence's first token."""
    first = tagged.tokens.filter(pl.col("sentence_id") != pl.col("sentence_id").shift(1).over("__doc").fill_null(-1))
    return dict(first.group_by("doc_id").agg("__i").iter_rows())


def _ents(tagged: Tagged, entities: pl.DataFrame) -> dict[str, Ents]:
    """doc_id -> the outer level's B/I runs as (first token, end token, class, entity_id)."""
    tag = pl.col(level_column(0))
    inside = tagged.tokens.filter(tag > 0).with_columns((tag % 2 == 1).cum_sum().alias("__run"))
    runs = inside.group_by("__run", maintain_order=True).agg(
        pl.first("doc_id"),
        pl.min("__i").alias("__first"),
        (pl.max("__i") + 1).alias("__end"),
        tagged.tag_names(0).first().str.slice(2).alias("__label"),
        pl.first(mention_column(0)).alias("mention_id"),
    )
    runs = runs.join(entities.select("doc_id", "mention_id", "entity_id"), on=["doc_id", "mention_id"], how="left")
    ents = runs.group_by("doc_id").agg(pl.struct("__first", "__end", "__label", "entity_id").alias("__ent"))
    return {
        doc_id: [(e["__first"], e["__end"], e["__label"], e["entity_id"] or "") for e in spans]
        for doc_id, spans in ents.iter_rows()
    }


def spacy_doc(document: Document, sentence_starts: Sequence[int], ents: Ents, skipped: list[str]) -> Any:
    from spacy.attrs import SENT_START
    from spacy.tokens import Span

    doc = german_pipeline().make_doc(document.text)
    if len(doc):
        starts = np.full(len(doc), -1, dtype=np.int64)
        starts[0] = 1
        starts[list(sentence_starts)] = 1
        doc.from_array([SENT_START], starts.astype(np.uint64))
    mentions = []
    for m in document.mentions:
        span = _span(doc, m.start, m.end, m.label, m.entity_id)
        if span is None:
            skipped.append(f"{document.doc_id}: mention {m.mention_id} covers no token")
        else:
            mentions.append(span)
    doc.spans["mentions"] = mentions
    doc.ents = [Span(doc, first, end, label=label, kb_id=kb_id) for first, end, label, kb_id in ents]
    doc.spans["events"] = [
        s
        for e in document.events
        if (s := _span(doc, e.trigger_start, e.trigger_end, e.category, e.cluster_id or "")) is not None
    ]
    doc.spans["stances"] = [
        s for st in document.stances if (s := _span(doc, st.evidence_start, st.evidence_end, st.polarity)) is not None
    ]
    doc.user_data["peacetalks"] = document_record(document) | {"text": None}
    return doc


def export_spacy(
    selection: Selection,
    out: Path,
    *,
    tagset: str | None = None,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
) -> ExportResult:
    """Write the selected articles as one DocBin (``out``); ``doc.ents`` in ``tagset`` (default ``peacetalks``)."""
    from spacy.tokens import DocBin

    tagged = tagged_tokens(selection, tagset=tagset or DEFAULT_TAGSET, mention_types=mention_types, with_text=False)
    starts, ents = _sentence_starts(tagged), _ents(tagged, selection.tables[ENTITIES])
    documents = selection.documents()
    skipped: list[str] = []
    docbin = DocBin(store_user_data=True)
    for document in documents:
        docbin.add(spacy_doc(document, starts.get(document.doc_id, []), ents.get(document.doc_id, []), skipped))
    with atomic_path(out) as tmp:
        tmp.write_bytes(docbin.to_bytes())
    return ExportResult("spacy", out, [out], len(documents), selection.counts(), skipped)
