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

import datasets
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from datasets import ClassLabel, Features, List, Value

from peacetalks.errors import LoadError
from peacetalks.schema.features import STRING
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import DEFAULT_TAGSET, tag_mapping, tagsets
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, check_options, level_column, tag
from peacetalks.text.tokenize import token_texts, tokenize

__all__ = ["DEFAULT_MENTION_TYPES", "DEFAULT_TAGSET", "align_labels", "retag", "token_features", "token_rows"]


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


def retag(ds: datasets.Dataset, tagset: str) -> datasets.Dataset:
    """The ``tokens`` rows of ``ds`` (tagged with the default tag set, as a release holds them) in ``tagset``.

    A tag set is a label mapping (:func:`peacetalks.schema.tagsets.tag_mapping`), applied to the
    ``ner_tags`` ids with one Arrow ``take``; the result has the features of ``load("tokens",
    tagset=tagset)``.
    """
    check_options(tagset, DEFAULT_MENTION_TYPES)
    feature = ds.features.get("ner_tags")
    expected = tagsets()[DEFAULT_TAGSET].tags(load_scheme())
    names = getattr(getattr(feature, "feature", None), "names", None)
    if names != expected:
        raise LoadError(
            "tags-not-mappable",
            f"ner_tags are not the {DEFAULT_TAGSET} tags of this scheme, so tagset={tagset!r} cannot map them",
            data={"tagset": tagset},
        )
    if tagset == DEFAULT_TAGSET:
        return ds
    table = ds.data.table
    tags = table["ner_tags"].combine_chunks()
    lookup = pa.array(tag_mapping(DEFAULT_TAGSET, tagset), pa.int64())
    mapped = pc.take(lookup, tags.values.cast(pa.int64()))
    column = type(tags).from_arrays(tags.offsets, mapped, mask=pc.invert(tags.is_valid()) if tags.null_count else None)
    feats = token_features(tagset)
    out = table.set_column(table.schema.get_field_index("ner_tags"), "ner_tags", column).cast(feats.arrow_schema)
    info = datasets.DatasetInfo(features=feats)
    return datasets.Dataset(datasets.table.InMemoryTable(out), info=info, split=ds.split)
