"""The ``tokens`` config: one row per sentence with tokens, offsets and BIO NER tags.

Tokens and sentences are those of :mod:`peacetalks.text.tokenize` (spaCy's German rules plus the
rule-based sentencizer; a sentence never crosses a block or a line break; white-space tokens are
dropped; ``token_starts``/``token_ends`` are code-point offsets into the article text). The tags are
the outer level of :mod:`peacetalks.text.bio`, the tagger the CoNLL-2003, GermEval 2014 and spaCy
exports use too: mentions of ``mention_types`` (default NAM), mapped by the tag set
(``schema/tagsets.yaml``); of nested or crossing mentions the outer one is kept; a token sharing a
character with a mention is tagged with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from datasets import ClassLabel, Features, List, Value

from peacetalks.schema.features import STRING
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import DEFAULT_TAGSET, tagsets
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, check_options, level_column, tag
from peacetalks.text.tokenize import token_texts, tokenize

__all__ = ["DEFAULT_MENTION_TYPES", "DEFAULT_TAGSET", "align_labels", "token_features", "token_rows"]


def token_features(tagset: str = DEFAULT_TAGSET, mention_types: Sequence[str] = DEFAULT_MENTION_TYPES) -> Features:
    check_options(tagset, mention_types)
    return Features(
        {
            "doc_id": STRING,
            "sentence_id": Value("int64"),
            "tokens": List(STRING),
            "token_starts": List(Value("int64")),
            "token_ends": List(Value("int64")),
            "ner_tags": List(ClassLabel(names=tagsets()[tagset].tags(load_scheme()))),
        }
    )


def token_rows(
    articles: pl.DataFrame,
    blocks: pl.DataFrame,
    entities: pl.DataFrame,
    *,
    tagset: str = DEFAULT_TAGSET,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
) -> pl.DataFrame:
    """One row per sentence: doc_id, sentence_id, tokens, token_starts, token_ends, ner_tags."""
    check_options(tagset, mention_types)
    tokens = tokenize(articles, blocks)
    tagged = tag(tokens, articles, entities, tagset=tagset, mention_types=tuple(mention_types)).tokens
    tagged = tagged.with_columns(token_texts(articles, tagged))
    return tagged.group_by("doc_id", "sentence_id", maintain_order=True).agg(
        pl.col("token").alias("tokens"),
        pl.col("start").alias("token_starts"),
        pl.col("end").alias("token_ends"),
        pl.col(level_column(0)).alias("ner_tags"),
    )


def align_labels(word_ids: Sequence[int | None], ner_tags: Sequence[int], *, every_subword: bool = False) -> list[int]:
    """Tags per sub-word token from a Hugging Face fast tokenizer's ``word_ids()``.

    Special tokens (word id None) get -100, which the loss ignores; the first sub-word of a word
    gets the word's tag; the later sub-words get -100, or with ``every_subword`` the word's tag
    with ``B-`` turned into ``I-`` (tag ids of the ``tokens`` config: B is odd, I = B + 1).
    """
    labels: list[int] = []
    previous: int | None = None
    for word in word_ids:
        if word is None:
            labels.append(-100)
        elif word != previous:
            labels.append(ner_tags[word])
        else:
            tag = ner_tags[word]
            labels.append((tag + 1 if tag % 2 == 1 else tag) if every_subword else -100)
        previous = word
    return labels
