"""The ``tokens`` config: one row per sentence with tokens, offsets and BIO NER tags.

Tokenisation and sentence splitting use spaCy's German rules (``spacy.blank("de")`` plus the
rule-based ``sentencizer``; no model is downloaded). A sentence never crosses a block (kicker,
headline, paragraph, ...). White-space tokens are dropped; ``token_starts``/``token_ends`` are
code-point offsets into the article text, like every span of the corpus.

How mentions become tags:

- only mentions whose ``mention_type`` is in ``mention_types`` (default: NAM) are tagged;
- the tag set (``schema/tagsets.yaml``) maps the label and form to a class: ``peacetalks`` keeps
  the scheme's labels and marks DERIV and PART mentions with GermEval's ``deriv``/``part``
  suffixes (``B-GPEderiv``); ``germeval2014`` maps to PER/ORG/LOC/OTH with the same suffixes;
  ``conll2003`` maps to PER/ORG/LOC/MISC, tags DERIV mentions as MISC and does not tag PART;
- BIO is flat: of nested or crossing mentions the outer one is kept (the longest of those that
  start first), like GermEval's outer level; the inner ones are dropped;
- a token is tagged with a mention when they share a character. So a mention inside a token (the
  PART mention "Kreml" in "Kremlchef", "US" in "US-Präsident") tags the whole token, which is
  exactly GermEval's part convention (``B-ORGpart`` on "Kremlchef"); when two mentions fall into
  one token, the first wins;
- the first token of a mention in a sentence is ``B-``, the following ones ``I-``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import yaml
from datasets import ClassLabel, Features, List, Value

from peacetalks.errors import LoadError, SchemeError
from peacetalks.schema.features import STRING
from peacetalks.schema.scheme import Scheme, load_scheme, scheme_dir
from peacetalks.validation.checks._issues import ROW
from peacetalks.validation.checks.spans import article_index, covered_text

DEFAULT_TAGSET = "peacetalks"
DEFAULT_MENTION_TYPES = ("NAM",)
_SHIFT = 32  # global key = doc index << 32 | offset (texts are far shorter than 2**32)


@dataclass(frozen=True)
class TagSet:
    name: str
    description: str
    labels: dict[str, str] | None
    forms: dict[str, str | None]

    def class_of(self, label: str, form: str | None) -> str | None:
        template = self.forms.get(form or "NAME")
        if template is None:
            return None
        mapped = self.labels[label] if self.labels is not None else label
        return template.replace("{label}", mapped)

    def classes(self, scheme: Scheme) -> list[str]:
        found: dict[str, None] = {}
        for form in scheme.entity_forms:
            for label in scheme.entity_labels:
                cls = self.class_of(label, form)
                if cls is not None:
                    found[cls] = None
        return list(found)

    def tags(self, scheme: Scheme) -> list[str]:
        return ["O"] + [f"{prefix}-{cls}" for cls in self.classes(scheme) for prefix in ("B", "I")]


@functools.cache
def tagsets() -> dict[str, TagSet]:
    """The tag sets of ``schema/tagsets.yaml``, checked against the scheme."""
    scheme = load_scheme()
    raw = yaml.safe_load((scheme_dir() / "tagsets.yaml").read_text(encoding="utf-8"))
    out = {}
    for name, spec in raw.items():
        labels = spec.get("labels")
        forms = spec["forms"]
        if labels is not None and set(labels) != set(scheme.entity_labels):
            raise SchemeError(f"tagsets.yaml: {name} must map exactly the scheme's labels {scheme.entity_labels}")
        if set(forms) != set(scheme.entity_forms):
            raise SchemeError(f"tagsets.yaml: {name} must map exactly the scheme's forms {scheme.entity_forms}")
        out[str(name)] = TagSet(str(name), str(spec.get("description", "")), labels, forms)
    return out


def _options(tagset: str, mention_types: Sequence[str]) -> tuple[TagSet, tuple[str, ...]]:
    known = tagsets()
    if tagset not in known:
        raise LoadError("unknown-tagset", f"tagset {tagset!r} does not exist; expected one of {', '.join(known)}")
    types = tuple(mention_types)
    unknown = sorted(set(types) - set(load_scheme().mention_types))
    if unknown or not types:
        raise LoadError(
            "unknown-mention-type", f"mention_types {list(types)}: expected some of {load_scheme().mention_types}"
        )
    return known[tagset], types


def token_features(tagset: str = DEFAULT_TAGSET, mention_types: Sequence[str] = DEFAULT_MENTION_TYPES) -> Features:
    tags, _ = _options(tagset, mention_types)
    return Features(
        {
            "doc_id": STRING,
            "sentence_id": Value("int64"),
            "tokens": List(STRING),
            "token_starts": List(Value("int64")),
            "token_ends": List(Value("int64")),
            "ner_tags": List(ClassLabel(names=tags.tags(load_scheme()))),
        }
    )


@functools.cache
def german_pipeline() -> Any:
    """spaCy's German tokenizer rules and the rule-based sentencizer (no model download)."""
    import spacy

    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(articles: pl.DataFrame, blocks: pl.DataFrame) -> pl.DataFrame:
    """doc_id, __doc (article index), sentence_id, start, end of every non-space token."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    nlp = german_pipeline()
    arrays, counts = [], []
    for doc in nlp.pipe(articles["text"].to_list(), batch_size=64):
        arrays.append(doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE]).astype(np.int64))
        counts.append(len(doc))
    stacked = np.concatenate(arrays) if arrays else np.zeros((0, 4), dtype=np.int64)
    doc_index = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    tokens = pl.DataFrame(
        {
            "__doc": doc_index,
            "start": stacked[:, 0],
            "end": stacked[:, 0] + stacked[:, 1],
            "__spacy_sent": stacked[:, 2] == 1,
            "__space": stacked[:, 3] == 1,
        }
    ).with_columns(pl.col("__spacy_sent").cum_sum().over("__doc").alias("__spacy_sent"))
    tokens = tokens.filter(~pl.col("__space")).with_columns(
        (pl.col("__doc") * 2**_SHIFT + pl.col("start")).alias("__key")
    )
    doc_ids = articles.select("doc_id", pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"))
    starts = (
        blocks.join(doc_ids, on="doc_id")
        .select((pl.col("__doc") * 2**_SHIFT + pl.col("start")).alias("__key"), pl.col("block_id").alias("__block"))
        .sort("__key")
    )
    tokens = tokens.sort("__key").join_asof(starts, on="__key", strategy="backward")
    same_doc = pl.col("__doc") == pl.col("__doc").shift(1)
    new_sentence = (
        ~same_doc.fill_null(False)
        | (pl.col("__spacy_sent") != pl.col("__spacy_sent").shift(1))
        | (pl.col("__block").fill_null(-1) != pl.col("__block").shift(1).fill_null(-1))
    ).fill_null(True)
    tokens = tokens.with_columns((new_sentence.cast(pl.Int64).cum_sum().over("__doc") - 1).alias("sentence_id"))
    return tokens.join(doc_ids, on="__doc").select("doc_id", "__doc", "__key", "sentence_id", "start", "end")


def outer_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Drop every mention that overlaps an earlier-starting (or equally starting, longer) one."""
    ordered = mentions.sort(["doc_id", "start", "end", "mention_id"], descending=[False, False, True, False])
    reach = pl.col("end").cum_max().shift(1).over("doc_id")
    return ordered.filter(reach.is_null() | (pl.col("start") >= reach))


def tag_tokens(
    tokens: pl.DataFrame, articles: pl.DataFrame, entities: pl.DataFrame, tags: TagSet, mention_types: tuple[str, ...]
) -> pl.DataFrame:
    """``tokens`` with ``ner_tag``: 0 for O, 1 + 2k for B- and 2 + 2k for I- of class k."""
    scheme = load_scheme()
    classes = tags.classes(scheme)
    pairs = [(label, form) for label in scheme.entity_labels for form in (*scheme.entity_forms, None)]
    mapping = pl.DataFrame(
        {
            "label": [p[0] for p in pairs],
            "form": [p[1] for p in pairs],
            "__class": [
                None if (c := tags.class_of(label, form)) is None else classes.index(c) for label, form in pairs
            ],
        },
        schema={"label": pl.String, "form": pl.String, "__class": pl.Int64},
    )
    doc_ids = articles.select("doc_id", pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"))
    mentions = (
        entities.filter(pl.col("mention_type").is_in(mention_types))
        .join(mapping, on=["label", "form"], how="inner", nulls_equal=True)
        .filter(pl.col("__class").is_not_null())
    )
    mentions = outer_mentions(mentions).join(doc_ids, on="doc_id")
    right = mentions.select(
        (pl.col("__doc") * 2**_SHIFT + pl.col("end")).alias("__mkey"),
        (pl.col("__doc") * 2**_SHIFT + pl.col("start")).alias("__mstart"),
        "__class",
    ).sort("__mkey")
    # the first mention ending after the token's start; it overlaps when it also starts before its end
    probe = tokens.with_columns((pl.col("__key") + 1).alias("__mkey")).sort("__mkey")
    hit = probe.join_asof(right, on="__mkey", strategy="forward")
    token_end_key = pl.col("__key") - pl.col("start") + pl.col("end")
    overlaps = (pl.col("__mstart") < token_end_key) & pl.col("__class").is_not_null()
    hit = hit.with_columns(
        pl.when(overlaps).then(pl.col("__mstart")).otherwise(None).alias("__mention"),
        pl.when(overlaps).then(pl.col("__class")).otherwise(None).alias("__class"),
    ).sort("__key")
    first = (pl.col("__mention") != pl.col("__mention").shift(1)).fill_null(True) | (
        pl.col("sentence_id") != pl.col("sentence_id").shift(1)
    ).fill_null(True)
    tag = pl.when(pl.col("__class").is_null()).then(0).when(first).then(1 + 2 * pl.col("__class"))
    return hit.with_columns(tag.otherwise(2 + 2 * pl.col("__class")).cast(pl.Int64).alias("ner_tag"))


def token_rows(
    articles: pl.DataFrame,
    blocks: pl.DataFrame,
    entities: pl.DataFrame,
    *,
    tagset: str = DEFAULT_TAGSET,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
) -> pl.DataFrame:
    """One row per sentence: doc_id, sentence_id, tokens, token_starts, token_ends, ner_tags."""
    tags, types = _options(tagset, mention_types)
    tokens = tokenize(articles, blocks)
    tagged = tag_tokens(tokens, articles, entities, tags, types).with_row_index(ROW)
    texts = covered_text(articles, article_index(articles), tagged, "start", "end")
    tagged = tagged.join(texts, on=ROW).sort("__key")
    return tagged.group_by("doc_id", "sentence_id", maintain_order=True).agg(
        pl.col("__covered").alias("tokens"),
        pl.col("start").alias("token_starts"),
        pl.col("end").alias("token_ends"),
        pl.col("ner_tag").alias("ner_tags"),
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
