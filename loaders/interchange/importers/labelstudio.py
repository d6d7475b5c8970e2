"""Label Studio JSON exports (and prediction imports) read into :class:`ToolDocument`.

The file holds a list of tasks or one task. Per task:

* the text is ``data.text`` (a task without it has an empty text: choices about other data);
* the annotations are ``annotations`` (Label Studio 1.x) or ``completions`` (0.x); cancelled
  ones are skipped; without any, ``predictions`` are read. Several annotations of one task
  give one document each (pass ``user`` – the ``completed_by`` id or e-mail – to keep one);
* ``labels`` results are spans (one span per label when a region has several); ``relation``
  results are relations (their first label, or ``relation`` when they have none);
  ``choices`` results are attributes of the region with the same id (several choices as one
  comma-separated value), else document labels; per-region ``textarea`` results are attributes
  of their region too (lines joined by newlines; e.g. the ``entity_id`` text area that
  ``peacetalks export label-studio`` writes); other result types (rating, ..., and text areas
  of the whole task) and ``history``/``reviews``/``drafts`` are ignored.

Offsets are code points (Label Studio before 2022 wrote UTF-16 code units: a mismatch
message says when the offsets would fit that way). The recorded ``value.text`` must equal the
covered text (``span-text-mismatch``); spans are not trimmed. Each issue's row is the task's
1-based position in the file. The document's name is ``data.doc_id``, else the task ``id``,
else ``<file stem>-<position>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from peacetalks.interchange._input import Flag, Id, Offset, Text, check_shape, load_json, read_utf8
from peacetalks.interchange._problems import fail, fail_on, problem
from peacetalks.interchange.document import ToolDocument, ToolRelation, ToolSpan
from peacetalks.interchange.importers._offsets import check_span_texts
from peacetalks.validation.report import Issue


class _Value(TypedDict, total=False):
    start: Offset
    end: Offset
    text: Text | list[Text]
    labels: list[Text]
    choices: list[Text]


class _Result(TypedDict, total=False):
    id: Id
    type: Text
    from_name: Text
    value: _Value
    from_id: Id
    to_id: Id
    labels: list[Text]


class _Annotation(TypedDict, total=False):
    result: list[_Result]
    was_cancelled: Flag
    completed_by: Id | dict[str, Any] | None


class _Task(TypedDict, total=False):
    id: Id
    data: dict[str, Any]
    annotations: list[_Annotation]
    completions: list[_Annotation]
    predictions: list[_Annotation]


_TASK = TypeAdapter(_Task)
"""The shape of one task, checked before it is read (one issue per wrong field)."""


def parse_label_studio(path: Path, *, user: str | None = None) -> list[ToolDocument]:
    """Read a Label Studio JSON export; raises ImportFailed listing every problem."""
    file = str(path)
    data, bad = load_json(read_utf8(path), file, None, "label-studio-malformed")
    if bad is not None:
        fail([bad])
    tasks = data if isinstance(data, list) else [data]
    issues: list[Issue] = []
    docs: list[ToolDocument] = []
    for pos, task in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            issues.append(problem("label-studio-malformed", file, pos, "a task must be an object with 'data'"))
            continue
        wrong = check_shape(_TASK, task, file=file, line=pos, code="label-studio-malformed")
        if wrong:
            issues.extend(wrong)
            continue
        for doc in _task(task, path, pos, user, issues):
            issues.extend(check_span_texts(doc))
            docs.append(doc)
    fail_on(issues, f"Label Studio import of {path}")
    return docs


def _annotator(ann: dict[str, Any]) -> set[str]:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return {str(who.get("id")), str(who.get("email"))}
    return {str(who)}


def _task(task: dict[str, Any], path: Path, pos: int, user: str | None, issues: list[Issue]) -> list[ToolDocument]:
    data = task.get("data") or {}
    raw_text = data.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    base = str(data.get("doc_id") or task.get("id") or f"{path.stem}-{pos}")
    anns = [a for a in (task.get("annotations") or task.get("completions") or []) if isinstance(a, dict)]
    anns = [a for a in anns if not a.get("was_cancelled")]
    if user is not None:
        anns = [a for a in anns if user in _annotator(a)]
    elif not anns:
        anns = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    docs = []
    for ann in anns:
        doc = ToolDocument(doc_id=base, text=text, source=str(path), meta={"task": str(pos)})
        if "completed_by" in ann:
            doc.meta["annotator"] = min(_annotator(ann))
        _results(doc, ann.get("result") or [], pos, issues)
        docs.append(doc)
    return docs


def _label_spans(
    doc: ToolDocument, rid: str, value: dict[str, Any], pos: int, spans: dict[str, list[ToolSpan]]
) -> list[Issue]:
    """Add the spans of one labels result (one per label) to ``doc`` and ``spans``; the problem if it is malformed."""
    start, end, labels = value.get("start"), value.get("end"), value.get("labels") or []
    if type(start) is not int or type(end) is not int or not labels:  # a boolean is not an offset
        message = f"result {rid}: expected start, end and labels"
        return [problem("label-studio-malformed", doc.source, pos, message, record_id=rid)]
    for k, label in enumerate(labels):
        span_id = rid if k == 0 else f"{rid}.{k}"
        span = ToolSpan(span_id, str(label), ((start, end),), text=value.get("text"), line=pos)
        spans.setdefault(rid, []).append(span)
        doc.spans.append(span)
    return []


def _region_attributes(doc: ToolDocument, per_region: list[dict[str, Any]], spans: dict[str, list[ToolSpan]]) -> None:
    """Choices and text areas of a region become its spans' attributes; choices of no region, document labels."""
    for res in per_region:
        value = res.get("value") or {}
        is_text = res.get("type") == "textarea"
        values = [str(c) for c in (value.get("text") if is_text else value.get("choices")) or []]
        targets = spans.get(str(res.get("id")))
        if targets and values:
            for span in targets:
                span.attributes[str(res.get("from_name", "choice"))] = ("\n" if is_text else ",").join(values)
        elif not is_text:
            doc.labels.extend(values)


def _results(doc: ToolDocument, results: list[Any], pos: int, issues: list[Issue]) -> None:
    spans: dict[str, list[ToolSpan]] = {}
    per_region: list[dict[str, Any]] = []  # choices and text areas, read once every region is known
    for i, res in enumerate(results):
        if not isinstance(res, dict):
            issues.append(problem("label-studio-malformed", doc.source, pos, f"result {i}: expected an object"))
            continue
        kind = res.get("type")
        value = res.get("value") or {}
        rid = str(res.get("id", f"r{i}"))
        if kind == "labels" or (kind and str(kind).endswith("labels") and "start" in value):
            issues.extend(_label_spans(doc, rid, value, pos, spans))
        elif kind == "relation":
            if "from_id" not in res or "to_id" not in res:
                issues.append(
                    problem("label-studio-malformed", doc.source, pos, f"relation {i}: expected from_id and to_id")
                )
                continue
            labels = res.get("labels") or ["relation"]
            doc.relations.append(
                ToolRelation(f"rel{i}", str(labels[0]), str(res["from_id"]), str(res["to_id"]), line=pos)
            )
        elif kind in ("choices", "textarea"):
            per_region.append(res)
    _region_attributes(doc, per_region, spans)
    known = {s.id for s in doc.spans}
    for rel in doc.relations:
        issues.extend(
            problem(
                "label-studio-unknown-reference",
                doc.source,
                pos,
                f"relation {rel.source} -> {rel.target}: region {ref} does not exist",
                record_id=ref,
            )
            for ref in (rel.source, rel.target)
            if ref not in known
        )
