"""The columns of every table, declared as data: the one definition of the data model.

Each table is a tuple of :class:`Column` in file order: its name, its polars dtype, whether it may
be null, and the checks on its values (allowed values from a label set of the scheme, a pattern,
a minimum length). Three things are built from this declaration:

* the pandera models (:mod:`peacetalks.schema.models`), the public description of the tables;
* the Parquet/Arrow schemas and the Hugging Face ``Features`` (:mod:`~peacetalks.schema.tables`,
  :mod:`~peacetalks.schema.features`);
* the fast table check of ``peacetalks validate``, which evaluates the same declaration as polars
  expressions without importing pandera (:mod:`peacetalks.validation.checks.table_schema`).

Importing this module reads no file: label sets are named here and looked up in the scheme when
a check runs (:meth:`Column.allowed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from peacetalks.schema.scheme import Scheme

DOC_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ID_PATTERN = r"^\S+$"
# An event cluster's id (GUIDELINES.md 2.7): a readable slug, lower-case letters and digits joined by single
# hyphens ("trump-putin-call"), unique within its document.
CLUSTER_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The splits of the corpus, in the order they are reported.
SPLIT_NAMES = ("train", "validation", "test")
# The kinds of annotation an article has a status for, each named like its table (arguments belong to events).
ANNOTATION_KINDS = ("entities", "events", "stances")


def status_column(kind: str) -> str:
    """The column of the ``documents`` config holding an article's gold status for ``kind``."""
    return f"{kind}_status"


@dataclass(frozen=True)
class Column:
    """One column of a table and the checks on its values (nulls never fail a value check)."""

    name: str
    dtype: pl.DataType
    nullable: bool = False
    # The scheme's label set the values come from (an attribute of Scheme, e.g. "entity_labels").
    # It names the column's ClassLabel; a scalar column is checked against it, a list column by
    # the cross-table rules (validation/checks/rules.py).
    labels: str | None = None
    values: tuple[str, ...] = ()  # fixed allowed values, for a column whose set is not in the scheme
    pattern: str | None = None  # a regular expression every value matches (anchored with ^...$)
    min_length: int | None = None  # the least number of characters of a value
    value_range: tuple[float, float] | None = None  # a number's least and greatest value (inclusive)

    @property
    def is_list(self) -> bool:
        return isinstance(self.dtype, pl.List)

    def allowed(self, scheme: Scheme) -> tuple[str, ...] | None:
        """The values a scalar column may take, or None when its values are not a closed set."""
        if self.is_list:
            return None
        if self.labels is not None:
            return tuple(getattr(scheme, self.labels))
        return self.values or None


def _str(
    name: str,
    *,
    nullable: bool = False,
    labels: str | None = None,
    values: tuple[str, ...] = (),
    pattern: str | None = None,
    min_length: int | None = None,
) -> Column:
    return Column(name, pl.String(), nullable, labels, values, pattern, min_length)


def _opt(name: str, *, labels: str | None = None) -> Column:
    return _str(name, nullable=True, labels=labels)


def _int(name: str, *, nullable: bool = False) -> Column:
    return Column(name, pl.Int64(), nullable=nullable)


def _fraction(name: str) -> Column:
    """A number from 0 to 1 (a score, a precision)."""
    return Column(name, pl.Float64(), value_range=(0.0, 1.0))


_DOC_ID = _str("doc_id", pattern=DOC_ID_PATTERN)

ARTICLE_COLUMNS = (
    _DOC_ID,
    _str("source", min_length=1),
    _opt("url"),
    _str("language", pattern=LANGUAGE_PATTERN),
    Column("published", pl.Date()),
    _str("kicker"),
    _str("headline", min_length=1),
    _str("text"),
    _str("license", labels="licenses"),
    _str("text_sha256", pattern=SHA256_PATTERN),
    _opt("story_id"),
    _opt("image_url"),
    _opt("author"),  # the byline as the source gives it ("A, B" for several), if known
    _opt("raw_file"),  # the source file kept under corpus/raw/ (its name there), null for articles not ingested
    _str("raw_sha256", nullable=True, pattern=SHA256_PATTERN),  # the sha256 of that file's bytes
)
BLOCK_COLUMNS = (
    _DOC_ID,
    _int("block_id"),
    _str("kind", labels="block_kinds"),
    _int("start"),
    _int("end"),
)
ENTITY_COLUMNS = (
    _DOC_ID,
    _str("mention_id", pattern=ID_PATTERN),
    _int("start"),
    _int("end"),
    _str("text"),
    _str("label", labels="entity_labels"),
    _opt("form", labels="entity_forms"),
    _str("mention_type", labels="mention_types"),
    _str("entity_id", pattern=ID_PATTERN),
)
EVENT_COLUMNS = (
    _DOC_ID,
    _str("event_id", pattern=ID_PATTERN),
    _int("trigger_start"),
    _int("trigger_end"),
    _str("trigger_text"),
    _str("category", labels="category_names"),
    _opt("mode", labels="all_modes"),
    Column("context", pl.List(pl.String()), labels="event_contexts"),
    _str("realis", labels="realis"),
    _opt("modality", labels="modalities"),
    # The event the mention denotes (event coreference, GUIDELINES.md 2.7): mentions of one event share it.
    # Null: the layer has no event coreference for this article (passes made before scheme 2.1.0).
    _str("cluster_id", nullable=True, pattern=CLUSTER_ID_PATTERN),
)
ARGUMENT_COLUMNS = (
    _DOC_ID,
    _str("event_id", pattern=ID_PATTERN),
    _str("argument_id", pattern=ID_PATTERN),
    _str("role", labels="argument_roles"),
    _opt("mention_id"),
    _int("start", nullable=True),
    _int("end", nullable=True),
    _opt("text"),
)
STANCE_COLUMNS = (
    _DOC_ID,
    _str("stance_id", pattern=ID_PATTERN),
    _str("holder_mention_id"),
    _str("target_id", labels="target_ids"),
    _str("polarity", labels="stance_polarities"),
    _int("evidence_start"),
    _int("evidence_end"),
    _str("evidence_text"),
    _str("attribution", labels="stance_attributions"),
    _opt("event_id"),
)
SPLIT_COLUMNS = (
    _DOC_ID,
    _str("split", values=SPLIT_NAMES),
    _str("group_id"),
)
STATUS_COLUMNS = (
    _DOC_ID,
    _str("kind", values=ANNOTATION_KINDS),
    _str("status", labels="annotation_statuses"),
    _opt("set_by"),  # the command that set the status ("import brat", "adjudicate a b", "status set"), if known
    Column("set_on", pl.Date(), nullable=True),  # the day it was set, if known
)
# The kinds of annotation a machine layer suggests (its scores name the item of one of them).
SUGGESTED_KINDS = ("entities", "events")
# How a suggestion was found (peacetalks/suggest/): a gold surface form as a token sequence, a gold name
# inside a compound token, a gold trigger's stem, or a gold trigger's stem as the head of a compound.
SUGGESTION_RULES = ("phrase", "compound", "stem", "compound-head")
# The scores of a machine layer (annotations/layers/NAME/suggestion_scores.parquet): one row per suggested
# mention or event, with the lexicon entry that made it and that entry's precision on gold.
SCORE_COLUMNS = (
    _DOC_ID,
    _str("kind", values=SUGGESTED_KINDS),
    _str("item_id", pattern=ID_PATTERN),  # the mention_id (entities) or event_id (events) in the layer
    _str("rule", values=SUGGESTION_RULES),
    _str("pattern", min_length=1),  # the lexicon entry: a surface form, a name part or a stem
    _fraction("score"),  # annotated / matched: the entry's precision on the complete gold it was built from
    _int("annotated"),  # the entry's matches in gold texts that gold annotates with the suggested label
    _int("matched"),  # the entry's matches in gold texts
    _str("suggester", min_length=1),
    _str("version", min_length=1),
)
# The kinds of item an annotator's note is about, each named like the table of the item's id.
NOTE_KINDS = ("entities", "events", "event_arguments", "stances")
# An annotator layer's notes on its items (brat AnnotatorNotes), kept beside the layer's tables.
NOTE_COLUMNS = (
    _DOC_ID,
    _str("note_id", pattern=ID_PATTERN),
    _str("kind", values=NOTE_KINDS),
    _str("item_id", pattern=ID_PATTERN),  # the mention_id, event_id, argument_id or stance_id of the item
    _str("text"),
)
