"""pandera models, one per table, built from the scheme files.

Each model checks one table: columns, types, nulls, formats and label sets. Rules that need
more than one table (spans that fit their article, references, roles per category) are the
vectorised functions in :mod:`peacetalks.validation.checks`.
"""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from peacetalks.schema.scheme import load_scheme

_S = load_scheme()

DOC_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ID_PATTERN = r"^\S+$"
# The splits of the corpus, in the order they are reported.
SPLIT_NAMES = ("train", "validation", "test")


class _Strict(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = False


class _DocRecord(_Strict):
    doc_id: str = pa.Field(str_matches=DOC_ID_PATTERN)


class ArticleModel(_DocRecord):
    """corpus/articles.parquet: one row per article."""

    source: str = pa.Field(str_length={"min_value": 1})
    url: Optional[str] = pa.Field(nullable=True)
    language: str = pa.Field(str_matches=LANGUAGE_PATTERN)
    published: pl.Date = pa.Field()
    kicker: str = pa.Field()
    headline: str = pa.Field(str_length={"min_value": 1})
    text: str = pa.Field()
    license: str = pa.Field(isin=list(_S.licenses))
    text_sha256: str = pa.Field(str_matches=SHA256_PATTERN)
    story_id: Optional[str] = pa.Field(nullable=True)
    image_url: Optional[str] = pa.Field(nullable=True)


class BlockModel(_DocRecord):
    """corpus/blocks.parquet: the article's structure as spans into its text."""

    block_id: pl.Int64 = pa.Field()
    kind: str = pa.Field(isin=list(_S.block_kinds))
    start: pl.Int64 = pa.Field()
    end: pl.Int64 = pa.Field()


class EntityModel(_DocRecord):
    """annotations/entities.parquet: one row per entity mention."""

    mention_id: str = pa.Field(str_matches=ID_PATTERN)
    start: pl.Int64 = pa.Field()
    end: pl.Int64 = pa.Field()
    text: str = pa.Field()
    label: str = pa.Field(isin=list(_S.entity_labels))
    form: Optional[str] = pa.Field(nullable=True, isin=list(_S.entity_forms))
    mention_type: str = pa.Field(isin=list(_S.mention_types))
    entity_id: str = pa.Field(str_matches=ID_PATTERN)


class EventModel(_DocRecord):
    """annotations/events.parquet: one row per event (PLOVER category, mode, context)."""

    event_id: str = pa.Field(str_matches=ID_PATTERN)
    trigger_start: pl.Int64 = pa.Field()
    trigger_end: pl.Int64 = pa.Field()
    trigger_text: str = pa.Field()
    category: str = pa.Field(isin=list(_S.category_names))
    mode: Optional[str] = pa.Field(nullable=True, isin=list(_S.all_modes))
    context: pl.List(pl.String) = pa.Field()  # type: ignore[valid-type]  # pandera takes polars dtypes as annotations
    realis: str = pa.Field(isin=list(_S.realis))
    modality: Optional[str] = pa.Field(nullable=True, isin=list(_S.modalities))


class EventArgumentModel(_DocRecord):
    """annotations/event_arguments.parquet: one row per argument, a mention or a span."""

    event_id: str = pa.Field(str_matches=ID_PATTERN)
    argument_id: str = pa.Field(str_matches=ID_PATTERN)
    role: str = pa.Field(isin=list(_S.argument_roles))
    mention_id: Optional[str] = pa.Field(nullable=True)
    start: Optional[pl.Int64] = pa.Field(nullable=True)
    end: Optional[pl.Int64] = pa.Field(nullable=True)
    text: Optional[str] = pa.Field(nullable=True)


class StanceModel(_DocRecord):
    """annotations/stances.parquet: one row per stance."""

    stance_id: str = pa.Field(str_matches=ID_PATTERN)
    holder_mention_id: str = pa.Field()
    target_id: str = pa.Field(isin=list(_S.target_ids))
    polarity: str = pa.Field(isin=list(_S.stance_polarities))
    evidence_start: pl.Int64 = pa.Field()
    evidence_end: pl.Int64 = pa.Field()
    evidence_text: str = pa.Field()
    attribution: str = pa.Field(isin=list(_S.stance_attributions))
    event_id: Optional[str] = pa.Field(nullable=True)


class SplitModel(_DocRecord):
    """corpus/splits.parquet: the split each article belongs to."""

    split: str = pa.Field(isin=list(SPLIT_NAMES))
    group_id: str = pa.Field()
