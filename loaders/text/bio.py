"""The BIO tagger: mentions onto the tokens of :mod:`peacetalks.text.tokenize`, vectorised with polars.

The one place where mentions become token tags; the ``tokens`` config and the CoNLL-2003,
GermEval 2014 and spaCy exports all call :func:`tag`. How a mention becomes tags:

- only mentions whose ``mention_type`` is in ``mention_types`` (default: NAM) are tagged;
- the tag set (:mod:`peacetalks.schema.tagsets`) maps label and form to a class, or to none
  (``conll2003`` does not tag PART mentions); a mention without a class is not tagged;
- levels: the first (outer) level holds the outer mentions, the longest of those that start
  first, and drops every mention overlapping one already kept; each further level does the same
  with the mentions left out of the levels before it. So level 2 is GermEval 2014's inner
  (embedded) level, and a mention that fits no level is reported in :attr:`Tagged.left_out`;
- a token is tagged with a mention when they share a character, so a mention inside a token (the
  PART mention "Kreml" in "Kremlchef") tags the whole token, as GermEval tags parts; when two
  mentions of one level fall into one token, the first wins (and the second, tagging no token,
  is left out);
- the first token of a mention in a sentence is ``B-``, the following ones ``I-`` (IOB2).

Tag ids are those of :meth:`TagSet.tags`: 0 is ``O``, ``1 + 2k`` ``B-`` and ``2 + 2k`` ``I-`` of class k.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from peacetalks.errors import LoadError, bad_argument
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import DEFAULT_TAGSET, TagSet, tagsets
from peacetalks.text.tokenize import SHIFT, doc_index

# Names are tagged by default: the scheme's name mention type (NAM).
DEFAULT_MENTION_TYPES = (load_scheme().name_mention_type,)
__all__ = ["DEFAULT_MENTION_TYPES", "DEFAULT_TAGSET", "Tagged", "check_options", "outer_mentions", "tag"]


def check_options(tagset: str, mention_types: Sequence[str]) -> None:
    """Raise LoadError (``bad-argument``, ``unknown-tagset``, ``unknown-mention-type``) unless both are valid."""
    if not isinstance(tagset, str):
        raise bad_argument("tagset", tagset, "the name of a tag set (a str)")
    if (
        not isinstance(mention_types, list | tuple)
        or not mention_types
        or not all(isinstance(t, str) for t in mention_types)
    ):
        raise bad_argument("mention_types", mention_types, "a non-empty list of mention types, e.g. ['NAM']")
    known = tagsets()
    if tagset not in known:
        raise LoadError("unknown-tagset", f"tagset {tagset!r} does not exist; expected one of {', '.join(known)}")
    types = load_scheme().mention_types
    if not mention_types or set(mention_types) - set(types):
        raise LoadError("unknown-mention-type", f"mention_types {list(mention_types)}: expected some of {list(types)}")


def level_column(level: int) -> str:
    """The tag column of a level in :attr:`Tagged.tokens` (0: outer, 1: inner, ...)."""
    return f"tag_{level}"


def mention_column(level: int) -> str:
    """The column holding the mention_id that tagged each token on a level (null for O)."""
    return f"mention_{level}"


@dataclass(frozen=True)
class Tagged:
    """Tokens with one tag column per level, the tag names, and the mentions that fit no level."""

    tokens: pl.DataFrame
    names: list[str]
    left_out: pl.DataFrame  # doc_id, mention_id, text of every taggable mention on no level
    levels: int

    def tag_names(self, level: int = 0) -> pl.Expr:
        """The tag column of ``level`` as names (``B-PER``) instead of ids."""
        return pl.col(level_column(level)).replace_strict(range(len(self.names)), self.names, return_dtype=pl.String)


def _taggable(entities: pl.DataFrame, tags: TagSet, mention_types: Sequence[str]) -> pl.DataFrame:
    """The mentions of ``mention_types`` that the tag set gives a class, with ``__class`` (its index)."""
    scheme = load_scheme()
    classes = tags.classes(scheme)
    pairs = [(label, form) for label in scheme.entity_labels for form in (*scheme.entity_forms, None)]
    mapping = pl.DataFrame(
        {
            "label": [p[0] for p in pairs],
            "form": [p[1] for p in pairs],
            "__class": [None if (c := tags.class_of(lab, form)) is None else classes.index(c) for lab, form in pairs],
        },
        schema={"label": pl.String, "form": pl.String, "__class": pl.Int64},
    )
    return (
        entities.filter(pl.col("mention_type").is_in(list(mention_types)))
        .join(mapping, on=["label", "form"], how="inner", nulls_equal=True)
        .filter(pl.col("__class").is_not_null())
        .select("doc_id", "mention_id", "start", "end", "text", "__class")
    )


def outer_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Drop every mention that overlaps an earlier-starting (or equally starting, longer) one."""
    ordered = mentions.sort(["doc_id", "start", "end", "mention_id"], descending=[False, False, True, False])
    reach = pl.col("end").cum_max().shift(1).over("doc_id")
    return ordered.filter(reach.is_null() | (pl.col("start") >= reach))


def _tag_level(tokens: pl.DataFrame, mentions: pl.DataFrame, level: int) -> pl.DataFrame:
    """``tokens`` (sorted by ``__key``) with the tag and mention_id of one level's (non-overlapping) mentions."""
    right = mentions.select(
        (pl.col("__doc") * (1 << SHIFT) + pl.col("end")).alias("__mkey"),
        (pl.col("__doc") * (1 << SHIFT) + pl.col("start")).alias("__mstart"),
        "__class",
        pl.col("mention_id").alias("__mid"),
    ).sort("__mkey")
    # the first mention ending after the token's start; it overlaps when it also starts before the token's end
    probe = tokens.select("__key", "__doc", "sentence_id", "start", "end", (pl.col("__key") + 1).alias("__mkey"))
    hit = probe.join_asof(right, on="__mkey", strategy="forward")
    token_end = pl.col("__key") - pl.col("start") + pl.col("end")
    overlaps = (pl.col("__mstart") < token_end) & pl.col("__class").is_not_null()
    hit = hit.with_columns(
        *(pl.when(overlaps).then(pl.col(c)).alias(c) for c in ("__mstart", "__class", "__mid")),
    )
    first = pl.any_horizontal(
        (pl.col(c) != pl.col(c).shift(1)).fill_null(True) for c in ("__mstart", "__doc", "sentence_id")
    )
    begin_or_inside = pl.when(first).then(1 + 2 * pl.col("__class")).otherwise(2 + 2 * pl.col("__class"))
    ids = pl.when(pl.col("__class").is_null()).then(0).otherwise(begin_or_inside)
    return hit.select(ids.cast(pl.Int64).alias(level_column(level)), pl.col("__mid").alias(mention_column(level)))


def tag(
    tokens: pl.DataFrame,
    articles: pl.DataFrame,
    entities: pl.DataFrame,
    *,
    tagset: str = DEFAULT_TAGSET,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
    levels: int = 1,
) -> Tagged:
    """Tag ``tokens`` (:func:`~peacetalks.text.tokenize.tokenize` of ``articles``) with the mentions in ``entities``.

    ``tagset`` and ``mention_types`` must be valid (see :func:`check_options`). The result's
    tokens are sorted by article and offset, with ``tag_0`` ... ``tag_{levels-1}`` and
    ``mention_0`` ... per level.
    """
    tags = tagsets()[tagset]
    names = tags.tags(load_scheme())
    candidates = _taggable(entities, tags, mention_types).join(doc_index(articles), on="doc_id")
    rest = candidates
    ordered = tokens.sort("__key")
    columns = []
    for level in range(levels):
        kept = outer_mentions(rest)
        rest = rest.join(kept, on=["doc_id", "mention_id"], how="anti")
        columns.append(_tag_level(ordered, kept, level))
    tagged = pl.concat([ordered, *columns], how="horizontal")
    # a mention is (doc_id, mention_id): left out when it tags no token on any level
    placed = pl.concat(
        [tagged.select("doc_id", pl.col(mention_column(level)).alias("mention_id")) for level in range(levels)]
    )
    left_out = candidates.join(placed.drop_nulls(), on=["doc_id", "mention_id"], how="anti")
    left_out = left_out.sort("doc_id", "start", "mention_id").select("doc_id", "mention_id", "text")
    return Tagged(tagged, names, left_out, levels)
