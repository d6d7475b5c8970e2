"""Token-level NER exports: CoNLL-2003 style and GermEval 2014 style, with IOB2 tags.

Tokens and sentences come from spaCy's German tokenizer rules (``spacy.blank("de")``) and its
rule-based sentencizer; a line break in the article (between blocks) always starts a sentence.
Nothing is downloaded. Whitespace tokens are left out.

A mention tags every token it overlaps (so a name inside a compound, ``US`` in
``US-Präsident``, tags the whole token, as GermEval does). Only names are exported:

* CoNLL-2003 style: one tag column, mentions whose ``form`` is NAME, tags like ``B-PER``;
  ``token _ _ TAG`` per line, a blank line after each sentence, ``-DOCSTART- -X- -X- O``
  before each document. Mentions overlapping an earlier, longer one are left out.
* GermEval 2014 style: two tag columns (outer, inner) for mentions with a form (NAME, DERIV,
  PART), tags like ``B-PER``, ``B-GPEderiv``, ``I-ORGpart``; a ``#`` line before each sentence,
  then ``n<TAB>token<TAB>outer<TAB>inner``. A mention that fits neither level is left out.

Labels are the scheme's (PER, ORG, GPE, LOC, FAC, EVENT, MISC), not GermEval's four.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peacetalks.interchange.document import Document, Mention
from peacetalks.interchange.exporters.common import ExportResult, counts
from peacetalks.storage.parquet import write_text_atomic

FORM_SUFFIX = {"NAME": "", "DERIV": "deriv", "PART": "part"}


@functools.cache
def german_pipeline() -> Any:
    """``spacy.blank("de")`` with a sentencizer: tokenizer rules only, no model download."""
    import spacy

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str) -> Any:
    """A spaCy Doc of ``text``: German tokenizer, sentence starts after line breaks and at punctuation."""
    nlp = german_pipeline()
    doc = nlp.make_doc(text)
    for i, token in enumerate(doc[:-1]):
        if token.is_space and "\n" in token.text:
            if i > 0:
                token.is_sent_start = False  # the break belongs to the sentence before it
            doc[i + 1].is_sent_start = True
    return nlp.get_pipe("sentencizer")(doc)


@dataclass
class _Levels:
    tags: list[list[str]]
    dropped: list[Mention]


def assign_levels(doc: Any, mentions: list[Mention], levels: int, suffix: bool) -> _Levels:
    """IOB2 tags per token on ``levels`` levels; longer mentions first, then by start."""
    tags = [["O"] * len(doc) for _ in range(levels)]
    dropped: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), m.label)):
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            dropped.append(m)
            continue
        label = m.label + (FORM_SUFFIX.get(m.form or "", "") if suffix else "")
        for level in tags:
            if all(t == "O" for t in level[span.start : span.end]):
                level[span.start] = f"B-{label}"
                for i in range(span.start + 1, span.end):
                    level[i] = f"I-{label}"
                break
        else:
            dropped.append(m)
    return _Levels(tags, dropped)


def _token_text(token: Any) -> str:
    return "_".join(str(token.text).split()) or "_"


def conll_text(document: Document, dropped: list[str]) -> str:
    doc = tokenize(document.text)
    names = [m for m in document.mentions if m.form == "NAME"]
    levels = assign_levels(doc, names, 1, suffix=False)
    dropped += [f"{document.doc_id}: mention {m.mention_id} ({m.text!r})" for m in levels.dropped]
    lines = ["-DOCSTART- -X- -X- O", ""]
    for sent in doc.sents:
        rows = [f"{_token_text(t)} _ _ {levels.tags[0][t.i]}" for t in sent if not t.is_space]
        if rows:
            lines += [*rows, ""]
    return "\n".join(lines) + "\n"


def germeval_text(document: Document, dropped: list[str]) -> str:
    doc = tokenize(document.text)
    named = [m for m in document.mentions if m.form in FORM_SUFFIX]
    levels = assign_levels(doc, named, 2, suffix=True)
    dropped += [f"{document.doc_id}: mention {m.mention_id} ({m.text!r})" for m in levels.dropped]
    lines: list[str] = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        lines.append(f"#\t{document.doc_id} [{tokens[0].idx}:{tokens[-1].idx + len(tokens[-1].text)}]")
        lines += [
            f"{n}\t{_token_text(t)}\t{levels.tags[0][t.i]}\t{levels.tags[1][t.i]}" for n, t in enumerate(tokens, 1)
        ]
        lines.append("")
    return "\n".join(lines) + "\n" if lines else ""


def export_conll(documents: list[Document], out: Path, *, style: str = "conll2003") -> ExportResult:
    """Write one file (``out``) holding every document in the given style (conll2003 or germeval2014)."""
    render = conll_text if style == "conll2003" else germeval_text
    dropped: list[str] = []
    write_text_atomic(out, "".join(render(d, dropped) for d in documents))
    return ExportResult(style, out, [out], len(documents), counts(documents), dropped)
