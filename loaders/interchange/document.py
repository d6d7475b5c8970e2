"""The intermediate representation shared by every importer and exporter.

Two levels:

* :class:`ToolDocument` is what a parser reads from a tool's file, still in the tool's
  vocabulary: its text, its text-bound spans (with their fragments), relations, events and
  attributes, each remembering the line (or record) it came from. Parsers never look at the
  corpus or the scheme; the conformance tests check this level directly.
* :class:`Document` holds one article's annotations in the scheme's vocabulary, as the rows
  of the four annotation tables (:class:`Mention`, :class:`Event`, :class:`Argument`,
  :class:`Stance`), and an annotator's notes on them (:class:`Note`, the layer's
  ``notes.parquet``). :func:`to_frames` and :func:`from_frames` convert between a list of
  documents and the polars frames of the data model.

Offsets everywhere are Python string indices (Unicode code points), ``end`` exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

import polars as pl

from peacetalks.schema.tables import ARGUMENTS, ENTITIES, EVENTS, NOTES, STANCES, Table

# --- the tool's vocabulary ------------------------------------------------------------------

AttrValue = str | bool


@dataclass
class ToolSpan:
    """A text-bound annotation as the tool wrote it (brat T, a UIMA annotation, a TSV span).

    ``fragments`` holds one ``(start, end)`` pair per piece; more than one for a discontinuous
    span. ``text`` is the covered text the tool recorded itself, when the format has it.
    """

    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    text: str | None = None
    attributes: dict[str, AttrValue] = field(default_factory=dict)
    line: int | None = None

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)

    @property
    def discontinuous(self) -> bool:
        return len(self.fragments) > 1

    def covered(self, text: str, sep: str = " ") -> str:
        """The text under the fragments, joined by ``sep`` (brat's convention is one space)."""
        return sep.join(text[s:e] for s, e in self.fragments)


@dataclass
class ToolRelation:
    """A binary relation between two annotations (brat R, a UIMA relation, a TSV relation)."""

    id: str
    label: str
    source: str
    target: str
    attributes: dict[str, AttrValue] = field(default_factory=dict)
    line: int | None = None


@dataclass
class ToolEvent:
    """An n-ary event: a trigger span and role-labelled arguments (brat E lines)."""

    id: str
    label: str
    trigger: str
    arguments: list[tuple[str, str]] = field(default_factory=list)
    attributes: dict[str, AttrValue] = field(default_factory=dict)
    line: int | None = None


@dataclass
class ToolNote:
    """A free-text note or normalisation attached to an annotation (brat ``#`` and N lines)."""

    id: str
    kind: str  # "note" or "normalization"
    target: str
    value: str
    reference: str | None = None  # N lines: "Wikipedia:534366"
    line: int | None = None


@dataclass
class ToolDocument:
    """One document as read from a tool's export, before mapping onto the scheme.

    ``doc_id`` is the tool's own name for it (file stem, task id, document name): the
    matching step decides which corpus article it is. ``labels`` lists document-level
    classifications (Label Studio choices, doccano categories); ``gaps`` the ranges of text the
    file does not hold (matching accepts any whitespace of the article there).
    """

    doc_id: str
    text: str
    source: str
    spans: list[ToolSpan] = field(default_factory=list)
    relations: list[ToolRelation] = field(default_factory=list)
    events: list[ToolEvent] = field(default_factory=list)
    notes: list[ToolNote] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Ranges of ``text`` the file does not record (WebAnno TSV between sentences), filled with spaces."""
    attribute_lines: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    """Attributes given on a line of their own (brat ``A``): (annotation id, name) -> (line, the line's id)."""
    broken: set[str] = field(default_factory=set)
    """Ids of annotations the parser reported as not (fully) read: malformed, of the wrong type, naming
    what does not exist. Conversion does not report again what follows from that (a relation to one)."""

    def span(self, span_id: str) -> ToolSpan | None:
        for s in self.spans:
            if s.id == span_id:
                return s
        return None


# --- the scheme's vocabulary: the rows of the four annotation tables -----------------------


@dataclass
class Mention:
    """A row of annotations/entities.parquet (without doc_id)."""

    mention_id: str
    start: int
    end: int
    text: str
    label: str
    form: str | None
    mention_type: str
    entity_id: str


@dataclass
class Event:
    """A row of annotations/events.parquet (without doc_id)."""

    event_id: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    category: str
    mode: str | None
    context: list[str]
    realis: str
    modality: str | None
    cluster_id: str | None = None  # the event it denotes (GUIDELINES.md 2.7); None: no event coreference


@dataclass
class Argument:
    """A row of annotations/event_arguments.parquet (without doc_id): a mention or a span."""

    event_id: str
    argument_id: str
    role: str
    mention_id: str | None
    start: int | None
    end: int | None
    text: str | None


@dataclass
class Stance:
    """A row of annotations/stances.parquet (without doc_id)."""

    stance_id: str
    holder_mention_id: str
    target_id: str
    polarity: str
    evidence_start: int
    evidence_end: int
    evidence_text: str
    attribution: str
    event_id: str | None


@dataclass
class Note:
    """A row of an annotator layer's notes.parquet (without doc_id): free text on one item.

    ``kind`` names the item's table (entities, events, event_arguments, stances) and ``item_id`` its
    id there (mention_id, event_id, argument_id, stance_id).
    """

    note_id: str
    kind: str
    item_id: str
    text: str


@dataclass
class Document:
    """One article's annotations in the scheme's vocabulary, and the annotator's notes on them."""

    doc_id: str
    text: str
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    arguments: list[Argument] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


_ROW_TYPES: tuple[tuple[Table, str, type], ...] = (
    (ENTITIES, "mentions", Mention),
    (EVENTS, "events", Event),
    (ARGUMENTS, "arguments", Argument),
    (STANCES, "stances", Stance),
    (NOTES, "notes", Note),
)


def _frame(table: Table, rows: list[dict[str, object]]) -> pl.DataFrame:
    schema = table.polars_schema()
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row").select(table.columns)


def to_frames(documents: Iterable[Document]) -> dict[Table, pl.DataFrame]:
    """The four annotation tables and the notes table holding every document's rows (keyed by :class:`Table`)."""
    docs = list(documents)
    out: dict[Table, pl.DataFrame] = {}
    for table, attr, _ in _ROW_TYPES:
        rows = [{"doc_id": d.doc_id, **vars(r)} for d in docs for r in getattr(d, attr)]  # vars: no deep copy
        out[table] = _frame(table, rows)
    return out


def from_frames(frames: Mapping[Table, pl.DataFrame], texts: Mapping[str, str]) -> list[Document]:
    """Documents from the four annotation tables (and the notes table, if given); ``texts`` maps doc_id to text.

    Every doc_id in ``texts`` gets a document (possibly empty); a doc_id that has rows but no
    text gets an empty text. Documents come sorted by doc_id.
    """
    docs: dict[str, Document] = {doc_id: Document(doc_id, text) for doc_id, text in texts.items()}
    for table, attr, row_type in _ROW_TYPES:
        df = frames.get(table)
        if df is None or df.is_empty():
            continue
        names = [f.name for f in fields(row_type)]
        for rec in df.select(["doc_id", *names]).iter_rows(named=True):
            doc = docs.setdefault(rec["doc_id"], Document(rec["doc_id"], ""))
            values = {n: rec[n] for n in names}
            if "context" in values and values["context"] is None:
                values["context"] = []
            getattr(doc, attr).append(row_type(**values))
    return [docs[k] for k in sorted(docs)]
