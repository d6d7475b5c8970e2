"""doccano JSONL exports (every dialect seen in the wild) read into :class:`ToolDocument`.

One JSON object per line (a file holding one pretty-printed JSON object or array is read as
well). Per record:

* text under ``text`` (or the key given as ``text_key``; doccano's import form names its
  configurable columns ``column_data`` and ``column_label``, read when ``text`` is absent);
* spans as ``label``/``labels``/``entities``/``column_label`` (or ``label_key``): ``[start, end, "LABEL"]`` lists
  or ``{id, start_offset, end_offset, label}`` objects; doccano 1.0's ``annotations`` with
  numeric label ids and one entry per ``user`` (the label name is the id as a string; pass
  ``user`` to keep one annotator's spans);
* ``relations`` ``{id?, from_id, to_id, type}``;
* plain string labels and ``cats`` are document labels (kept, not imported as annotations).

Offsets are code points. Exact duplicate spans (same start, end and label) are kept once.
The document's name is the record's ``doc_id`` (what ``peacetalks export doccano`` writes, and
doccano keeps as metadata), else its ``id``, else ``meta.doc_id``, else ``<file stem>-<line>``.
Problems: ``doccano-malformed-line``, ``doccano-missing-text``, ``span-out-of-bounds``. Each
issue's row is the record's line (in a pretty-printed file, the line where the record's or the
span's object starts) and its record id the span's (its ``id``, else ``<key><n>``, e.g.
``label2``). A line that is not JSON, a record whose own fields have the wrong type, and a
span or relation of the wrong shape are each skipped; every problem is returned with what
could be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter
from typing_extensions import TypedDict

from peacetalks.errors import shown
from peacetalks.interchange._input import Id, Offset, Text, Where, check_shape, load_json, read_utf8
from peacetalks.interchange._json_lines import JsonLines
from peacetalks.interchange._problems import collect, fail_on, problem
from peacetalks.interchange.document import ToolDocument, ToolRelation, ToolSpan
from peacetalks.interchange.importers._offsets import check_span_texts
from peacetalks.validation.report import Issue

SPAN_KEYS = ("label", "labels", "entities", "column_label")
ALTERNATE_TEXT_KEY = "column_data"


class _SpanObject(TypedDict, total=False):
    id: Id
    start_offset: Offset
    end_offset: Offset
    label: Id


class _Annotation(TypedDict, total=False):
    id: Id
    user: Id
    start_offset: Offset
    end_offset: Offset
    label: Id


class _Relation(TypedDict, total=False):
    id: Id
    from_id: Id
    to_id: Id
    type: Text


_KINDS: dict[type, str] = {str: "name", list: "triple", dict: "object"}


def _item_kind(item: object) -> str | None:
    return _KINDS.get(type(item))


_SpanItem = Annotated[
    Annotated[str, Tag("name")]
    | Annotated[tuple[Offset, Offset, Id], Tag("triple")]
    | Annotated[_SpanObject, Tag("object")],
    Discriminator(
        _item_kind,
        custom_error_type="span_item",
        custom_error_message="a label name, [start, end, label] or {start_offset, end_offset, label}",
    ),
]


class _Record(TypedDict, total=False):
    doc_id: Id
    id: Id
    meta: dict[str, Any]
    label: list[Any]  # the items of the span lists are checked one by one (a wrong one is skipped)
    labels: list[Any]
    entities: list[Any]
    column_label: list[Any]
    annotations: list[Any]
    relations: list[Any]
    cats: list[Text]


_RECORD = TypeAdapter(_Record)
"""The shape of one record (the text key, configurable, is checked by the reader)."""
_ITEM: dict[str, TypeAdapter[Any]] = {
    **dict.fromkeys(SPAN_KEYS, TypeAdapter(_SpanItem)),
    "annotations": TypeAdapter(_Annotation),
    "relations": TypeAdapter(_Relation),
}
"""The shape of one item of each list of a record."""


class _Records:
    """The records of a file: (line, record) each, their problems, and the line of an object inside a record."""

    def __init__(self, path: Path, issues: list[Issue]) -> None:
        self.file = str(path)
        self.lines: JsonLines | None = None  # for a file that is one JSON value, not JSON lines
        self.records: list[tuple[int | None, int, Any]] = []  # (line, number in the file, record)
        content = collect(issues, lambda: read_utf8(path))
        if content is not None:
            self._read(content, issues)

    def _read(self, content: str, issues: list[Issue]) -> None:
        bad: list[Issue] = []
        for lineno, line in enumerate(content.split("\n"), start=1):  # JSON strings may hold U+2028
            if not line.strip():
                continue
            value, problem_found = load_json(line, self.file, lineno, "doccano-malformed-line")
            if problem_found is None:
                self.records.append((lineno, lineno, value))
            else:
                bad.append(problem_found)
        if any(i.code == "doccano-malformed-line" for i in bad):
            lines = JsonLines()
            whole, whole_problem = load_json(content, self.file, None, "doccano-malformed-line", lines=lines)
            if whole_problem is not None:
                issues.extend(bad)
                return
            self.lines = lines
            items = whole if isinstance(whole, list) else [whole]
            self.records = [(lines.line(item), pos, item) for pos, item in enumerate(items, start=1)]
            return
        issues.extend(bad)

    def where(self, record: object, lineno: int | None) -> Where:
        """The line and id of a field inside ``record`` (on line ``lineno``) from its path."""

        def at(loc: Sequence[int | str]) -> tuple[int | None, str | None]:
            if self.lines is None:
                return lineno, None
            return self.lines.at(record, loc)

        return at

    def line(self, obj: object, lineno: int | None) -> int | None:
        """The line where ``obj`` (an object inside a record on line ``lineno``) starts."""
        return (self.lines.line(obj) if self.lines is not None else None) or lineno


def parse_doccano(
    path: Path, *, user: str | None = None, text_key: str = "text", label_key: str | None = None
) -> list[ToolDocument]:
    """Read a doccano JSONL export; raises ImportFailed listing every problem."""
    docs, issues = read_doccano(path, user=user, text_key=text_key, label_key=label_key)
    fail_on(issues, f"doccano import of {path}")
    return docs


def read_doccano(
    path: Path, *, user: str | None = None, text_key: str = "text", label_key: str | None = None
) -> tuple[list[ToolDocument], list[Issue]]:
    """The documents of a doccano export that could be read, and every problem (with its line)."""
    issues: list[Issue] = []
    docs: list[ToolDocument] = []
    records = _Records(path, issues)
    for lineno, number, rec in records.records:
        if not isinstance(rec, dict):
            issues.append(problem("doccano-malformed-line", str(path), lineno, "expected a JSON object"))
            continue
        where = records.where(rec, lineno)
        wrong = check_shape(_RECORD, rec, file=str(path), line=lineno, code="doccano-malformed-line", where=where)
        if wrong:
            issues.extend(wrong)
            continue
        reader = _Reader(path, records, rec, (lineno, number), issues)
        doc = reader.document(user, text_key, label_key)
        if doc is not None:
            issues.extend(check_span_texts(doc))
            docs.append(doc)
    return docs, issues


class _Reader:
    """One record read into a document; its problems go to ``issues``."""

    def __init__(
        self, path: Path, records: _Records, rec: dict[str, Any], at: tuple[int | None, int], issues: list[Issue]
    ) -> None:
        self.path, self.file, self.records, self.rec = path, str(path), records, rec
        self.lineno, self.number = at  # the record's line, and its number in the file (which names it without an id)
        self.issues = issues
        self.seen: set[tuple[int, int, str]] = set()

    def malformed(self, obj: object, message: str, record_id: str | None = None) -> None:
        line = self.records.line(obj, self.lineno)
        self.issues.append(problem("doccano-malformed-line", self.file, line, message, record_id=record_id))

    def items(self, key: str, ident: str) -> list[tuple[int, Any]]:
        """(1-based position, item) of each item of list ``key`` that has its shape; the others are issues."""
        out = []
        where = self.records.where(self.rec, self.lineno)
        for i, item in enumerate(self.rec.get(key) or [], start=1):
            wrong = check_shape(
                _ITEM[key],
                item,
                file=self.file,
                line=self.lineno,
                code="doccano-malformed-line",
                record_id=_own_id(item) or ident.format(key=key, i=i),
                prefix=(key, i - 1),
                where=where,
            )
            if wrong:
                self.issues.extend(wrong)
            else:
                out.append((i, item))
        return out

    def add_span(self, doc: ToolDocument, item: object, ident: str, start: Any, end: Any, label: Any) -> None:
        """Add one span of the record to ``doc`` once (doccano repeats a span per user); a problem if incomplete."""
        if start is None or end is None or label is None:
            self.malformed(item, f"span {ident}: expected start, end and label", ident)
            doc.broken.add(ident)
            return
        key = (start, end, str(label))
        if key in self.seen:
            return
        self.seen.add(key)
        doc.spans.append(ToolSpan(ident, str(label), ((start, end),), line=self.records.line(item, self.lineno)))

    def document(self, user: str | None, text_key: str, label_key: str | None) -> ToolDocument | None:
        rec, file, lineno = self.rec, self.file, self.lineno
        text = rec.get(text_key)
        if text is None and text_key == "text":
            text = rec.get(ALTERNATE_TEXT_KEY)
        if not isinstance(text, str):
            self.issues.append(
                problem("doccano-missing-text", file, lineno, f"the record has no {shown(text_key)} string")
            )
            return None
        raw_meta = rec.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        doc_id = str(rec.get("doc_id", rec.get("id", meta.get("doc_id", f"{self.path.stem}-{self.number}"))))
        doc = ToolDocument(doc_id=doc_id, text=text, source=file, meta={"line": str(lineno)})
        for key in (label_key,) if label_key else SPAN_KEYS:
            if key not in _ITEM:
                self.custom_key(doc, key)
                continue
            for i, item in self.items(key, "{key}{i}"):
                if isinstance(item, str):
                    doc.labels.append(item)
                elif isinstance(item, list):
                    self.add_span(doc, item, f"{key}{i}", item[0], item[1], item[2])
                else:
                    ident = str(item.get("id", f"{key}{i}"))
                    self.add_span(doc, item, ident, item.get("start_offset"), item.get("end_offset"), item.get("label"))
        for i, item in self.items("annotations", "a{i}"):
            if user is not None and str(item.get("user")) != user:
                continue
            if "start_offset" in item:
                self.add_span(doc, item, f"a{i}", item.get("start_offset"), item.get("end_offset"), item.get("label"))
            else:
                doc.labels.append(str(item.get("label")))
        doc.labels.extend(str(c) for c in rec.get("cats") or [])
        self.relations(doc)
        return doc

    def custom_key(self, doc: ToolDocument, key: str) -> None:
        """Spans under a key the caller named (``label_key``), read without a typed shape."""
        value = self.rec.get(key)
        for i, item in enumerate(value if isinstance(value, list) else [], start=1):
            if isinstance(item, str):
                doc.labels.append(item)
            elif isinstance(item, list) and len(item) == 3 and all(type(n) is int for n in item[:2]):
                self.add_span(doc, item, f"{key}{i}", item[0], item[1], item[2])
            elif isinstance(item, dict) and all(type(item.get(k)) is int for k in ("start_offset", "end_offset")):
                ident = str(item.get("id", f"{key}{i}"))
                self.add_span(doc, item, ident, item["start_offset"], item["end_offset"], item.get("label"))
            else:
                self.malformed(item, f"{key}[{i - 1}]: unexpected {shown(item)}", f"{key}{i}")

    def relations(self, doc: ToolDocument) -> None:
        for i, rel in self.items("relations", "r{i}"):
            ident = str(rel.get("id", f"r{i}"))
            if "from_id" not in rel or "to_id" not in rel:
                self.malformed(rel, f"relations[{i - 1}]: expected from_id and to_id", ident)
                continue
            line = self.records.line(rel, self.lineno)
            doc.relations.append(
                ToolRelation(ident, str(rel.get("type")), str(rel["from_id"]), str(rel["to_id"]), line=line)
            )


def _own_id(item: object) -> str | None:
    ident = item.get("id") if isinstance(item, dict) else None
    return None if ident is None else str(ident)
