"""Sentences and tokens for the INCEpTION formats: the German tokenizer's, cut at every annotation boundary.

INCEpTION anchors annotations to tokens, and WebAnno TSV can only address whole tokens (or
sub-token rows); cutting the tokens where an annotation starts or ends inside one ("Kreml" in
"Kremlchef", "US" in "US-Präsident") makes every span of the layer a run of whole tokens in both
formats, so the same tokens serve the XMI, the CAS JSON and the TSV export. Sentences are the
tokenizer's (:func:`peacetalks.text.tokenize.tokenize`: never across a line break), from their
first token's start to their last token's end.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

import polars as pl

from peacetalks.interchange.document import Document
from peacetalks.text.tokenize import tokenize

Token = tuple[int, int]


@dataclass(frozen=True)
class Segments:
    """One document's sentences, each a list of tokens ``(start, end)`` in code points."""

    sentences: list[list[Token]]

    @property
    def tokens(self) -> list[Token]:
        return [t for s in self.sentences for t in s]


def boundaries(doc: Document) -> list[int]:
    """Every start and end of the document's spans (mentions, triggers, span arguments, evidence), sorted."""
    found = {x for m in doc.mentions for x in (m.start, m.end)}
    found |= {x for e in doc.events for x in (e.trigger_start, e.trigger_end)}
    found |= {x for a in doc.arguments if a.start is not None and a.end is not None for x in (a.start, a.end)}
    found |= {x for st in doc.stances for x in (st.evidence_start, st.evidence_end)}
    return sorted(found)


def _cut(token: Token, cuts: list[int]) -> list[Token]:
    start, end = token
    inside = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]
    edges = [start, *inside, end]
    return list(itertools.pairwise(edges))


def segments(documents: list[Document]) -> dict[str, Segments]:
    """The sentences and tokens of every document, its tokens cut at its annotation boundaries."""
    if not documents:
        return {}
    articles = pl.DataFrame(
        {"doc_id": [d.doc_id for d in documents], "text": [d.text for d in documents]},
        schema={"doc_id": pl.String, "text": pl.String},
    )
    tokens = tokenize(articles).select("doc_id", "sentence_id", "start", "end")
    out: dict[str, Segments] = {}
    by_doc = {d.doc_id: d for d in documents}
    for (doc_id,), rows in tokens.group_by("doc_id", maintain_order=True):
        cuts = boundaries(by_doc[str(doc_id)])
        sentences: dict[int, list[Token]] = {}
        for sid, start, end in rows.select("sentence_id", "start", "end").iter_rows():
            sentences.setdefault(sid, []).extend(_cut((start, end), cuts))
        out[str(doc_id)] = Segments(list(sentences.values()))
    for doc in documents:
        out.setdefault(doc.doc_id, Segments([]))
    return out
