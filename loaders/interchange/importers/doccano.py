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
Problems: ``doccano-malformed-line``, ``doccano-missing-text``, ``span-out-of-bounds``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter
from typing_extensions import TypedDict

from peacetalks.errors import shown
from peacetalks.interchange._input import Id, Offset, Text, check_shape, load_json, read_utf8
from peacetalks.interchange._problems import fail_on, problem
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
    label: list[_SpanItem]
    labels: list[_SpanItem]
    entities: list[_SpanItem]
    column_label: list[_SpanItem]
    annotations: list[_Annotation]
    relations: list[_Relation]
    cats: list[Text]


_RECORD = TypeAdapter(_Record)
"""The shape of one record (the text key, configurable, is checked by the reader)."""


def _records(path: Path, issues: list[Issue]) -> list[tuple[int, Any]]:
    content = read_utf8(path)
    file = str(path)
    records: list[tuple[int, Any]] = []
    bad: list[Issue] = []
    for lineno, line in enumerate(content.split("\n"), start=1):  # JSON strings may hold U+2028
        if not line.strip():
            continue
        value, problem_found = load_json(line, file, lineno, "doccano-malformed-line")
        if problem_found is None:
            records.append((lineno, value))
        else:
            bad.append(problem_found)
    if any(i.code == "doccano-malformed-line" for i in bad):
        whole, whole_problem = load_json(content, file, None, "doccano-malformed-line")
        if whole_problem is not None:
            issues.extend(bad)
            return []
        items = whole if isinstance(whole, list) else [whole]
        return [(i, item) for i, item in enumerate(items, start=1)]
    issues.extend(bad)
    return records


def parse_doccano(
    path: Path, *, user: str | None = None, text_key: str = "text", label_key: str | None = None
) -> list[ToolDocument]:
    """Read a doccano JSONL export; raises ImportFailed listing every problem."""
    issues: list[Issue] = []
    docs: list[ToolDocument] = []
    for lineno, rec in _records(path, issues):
        if not isinstance(rec, dict):
            issues.append(problem("doccano-malformed-line", str(path), lineno, "expected a JSON object"))
            continue
        wrong = check_shape(_RECORD, rec, file=str(path), line=lineno, code="doccano-malformed-line")
        if wrong:
            issues.extend(wrong)
            continue
        doc = _record(rec, path, lineno, user, text_key, label_key, issues)
        if doc is not None:
            issues.extend(check_span_texts(doc))
            docs.append(doc)
    fail_on(issues, f"doccano import of {path}")
    return docs


def _add_span(
    doc: ToolDocument,
    seen: set[tuple[int, int, str]],
    issues: list[Issue],
    lineno: int,
    ident: str,
    start: Any,
    end: Any,
    label: Any,
) -> None:
    """Add one span of a record to ``doc`` once (doccano repeats a span per user); a problem if malformed."""
    if type(start) is not int or type(end) is not int or label is None:  # a boolean is not an offset
        issues.append(
            problem("doccano-malformed-line", doc.source, lineno, f"span {ident}: expected start, end and label")
        )
        return
    key = (start, end, str(label))
    if key in seen:
        return
    seen.add(key)
    doc.spans.append(ToolSpan(ident, str(label), ((start, end),), line=lineno))


def _record(
    rec: dict[str, Any],
    path: Path,
    lineno: int,
    user: str | None,
    text_key: str,
    label_key: str | None,
    issues: list[Issue],
) -> ToolDocument | None:
    file = str(path)
    text = rec.get(text_key)
    if text is None and text_key == "text":
        text = rec.get(ALTERNATE_TEXT_KEY)
    if not isinstance(text, str):
        issues.append(problem("doccano-missing-text", file, lineno, f"the record has no {shown(text_key)} string"))
        return None
    raw_meta = rec.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    doc_id = str(rec.get("doc_id", rec.get("id", meta.get("doc_id", f"{path.stem}-{lineno}"))))
    doc = ToolDocument(doc_id=doc_id, text=text, source=file, meta={"line": str(lineno)})
    keys = (label_key,) if label_key else SPAN_KEYS
    seen: set[tuple[int, int, str]] = set()

    add = functools.partial(_add_span, doc, seen, issues, lineno)

    for key in keys:
        for i, item in enumerate(rec.get(key) or [], start=1):
            if isinstance(item, str):
                doc.labels.append(item)
            elif isinstance(item, list) and len(item) == 3:
                add(f"{key}{i}", item[0], item[1], item[2])
            elif isinstance(item, dict):
                add(
                    str(item.get("id", f"{key}{i}")),
                    item.get("start_offset"),
                    item.get("end_offset"),
                    item.get("label"),
                )
            else:
                issues.append(
                    problem("doccano-malformed-line", file, lineno, f"{key}[{i - 1}]: unexpected {shown(item)}")
                )
    for i, item in enumerate(rec.get("annotations") or [], start=1):
        if not isinstance(item, dict):
            continue
        if user is not None and str(item.get("user")) != user:
            continue
        if "start_offset" in item:
            add(f"a{i}", item.get("start_offset"), item.get("end_offset"), item.get("label"))
        else:
            doc.labels.append(str(item.get("label")))
    doc.labels.extend(str(c) for c in rec.get("cats") or [])
    for i, rel in enumerate(rec.get("relations") or [], start=1):
        if not isinstance(rel, dict) or "from_id" not in rel or "to_id" not in rel:
            issues.append(
                problem("doccano-malformed-line", file, lineno, f"relations[{i - 1}]: expected from_id and to_id")
            )
            continue
        doc.relations.append(
            ToolRelation(
                str(rel.get("id", f"r{i}")), str(rel.get("type")), str(rel["from_id"]), str(rel["to_id"]), line=lineno
            )
        )
    return doc
