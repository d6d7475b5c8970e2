"""Token-level NER exports: CoNLL-2003 and GermEval 2014 TSV, IOB2 tags from the one tagger.

Tokens, sentences and tags are exactly those of ``load("tokens", tagset=..., mention_types=...)``:
tokens and sentences from :mod:`peacetalks.text.tokenize` (spaCy's German rules; a sentence never
crosses a block or a line break; white-space tokens are left out), tags from
:mod:`peacetalks.text.bio`. Each format writes its own tag set unless another is asked for:

* ``conll2003``: tag set ``conll2003`` (PER, ORG, LOC, MISC; DERIV mentions are MISC, PART
  mentions untagged). ``-DOCSTART- -X- -X- O`` and a blank line before each article, then
  ``token _ _ TAG`` per token and a blank line after each sentence. One level: a mention nested
  in (or crossing) a kept one is left out and reported.
* ``germeval2014``: tag set ``germeval2014`` (PER, ORG, LOC, OTH with ``deriv``/``part``). A
  ``#<TAB>doc_id [start:end]`` line before each sentence (the sentence's character span), then
  ``n<TAB>token<TAB>outer<TAB>inner`` and a blank line. The outer column is the ``tokens``
  config's tags; the inner column tags the outer mentions of those left out of the outer level
  (GermEval's embedded level). A mention fitting neither level is left out and reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from peacetalks.interchange.exporters.common import ExportResult, Selection, left_out_notes, tagged_tokens
from peacetalks.storage.parquet import write_text_atomic
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, Tagged

TOKEN_STYLES = {"conll2003": 1, "germeval2014": 2}  # style -> tag levels written


def _field(column: str) -> pl.Expr:
    """A token as one column: white space inside it becomes ``_``."""
    return pl.col(column).str.replace_all(r"\s+", "_")


def _keyed(frame: pl.DataFrame, part: int, line: pl.Expr) -> pl.DataFrame:
    """Lines of one kind, one per row of ``frame`` (keyed by ``__doc``, ``sentence_id``): before (0) or after (2)."""
    return frame.select("__doc", "sentence_id", pl.lit(part).alias("__part"), pl.lit(0, pl.Int64).alias("__n"), line)


def _lines(selection: Selection, tagged: Tagged, style: str) -> pl.DataFrame:
    """Every line of the file with its sort key (article, sentence, part, position)."""
    tokens = tagged.tokens
    sentence = ["__doc", "sentence_id"]
    if style == "conll2003":
        body = pl.concat_str(_field("token"), pl.lit(" _ _ "), tagged.tag_names(0))
    else:
        n = pl.int_range(1, pl.len() + 1).over(sentence).cast(pl.String)
        body = pl.concat_str(n, _field("token"), tagged.tag_names(0), tagged.tag_names(1), separator="\t")
    rows = tokens.select(*sentence, pl.lit(1).alias("__part"), pl.col("__key").alias("__n"), body.alias("line"))
    sentences = tokens.group_by(sentence).agg(pl.first("doc_id"), pl.min("start"), pl.max("end"))
    parts = [rows, _keyed(sentences, 2, pl.lit("").alias("line"))]
    if style == "germeval2014":
        parts.append(_keyed(sentences, 0, pl.format("#\t{} [{}:{}]", "doc_id", "start", "end").alias("line")))
    else:
        docs = selection.articles.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"), pl.lit(-1, pl.Int64).alias("sentence_id")
        )
        parts += [
            _keyed(docs, 0, pl.lit("-DOCSTART- -X- -X- O").alias("line")),
            _keyed(docs, 2, pl.lit("").alias("line")),
        ]
    return pl.concat(parts, how="vertical_relaxed").sort("__doc", "sentence_id", "__part", "__n")


def export_conll(
    selection: Selection,
    out: Path,
    *,
    style: str = "conll2003",
    tagset: str | None = None,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
) -> ExportResult:
    """Write one file (``out``) holding every selected article in ``style`` (conll2003 or germeval2014).

    ``tagset`` defaults to the style's own (``conll2003``, ``germeval2014``).
    """
    tagged = tagged_tokens(selection, tagset=tagset or style, mention_types=mention_types, levels=TOKEN_STYLES[style])
    lines = _lines(selection, tagged, style).get_column("line")
    write_text_atomic(out, lines.str.join("\n").item() + "\n" if len(lines) else "")
    return ExportResult(style, out, [out], selection.articles.height, selection.counts(), left_out_notes(tagged))
