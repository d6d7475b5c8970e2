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
covered text (``span-text-mismatch``); spans are not trimmed. Each issue's row is the line in
the file where the object holding the problem starts (the region's result, else its
annotation or task; :mod:`peacetalks.interchange._json_lines`), and its record id the region's
id (a relation: the region it names that does not exist). A task whose own fields have the
wrong type is skipped, a result of the wrong shape is skipped; every problem is returned with
what could be read. The document's name is ``data.doc_id``, else the task ``id``, else
``<file stem>-<position>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from peacetalks.interchange._input import Flag, Id, Offset, Text, check_shape, load_json, read_utf8
from peacetalks.interchange._json_lines import JsonLines
from peacetalks.interchange._problems import collect, fail_on, problem
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
    result: list[Any]  # each result is checked on its own (a wrong one is skipped, not its task)
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
_RESULT = TypeAdapter(_Result)
"""The shape of one result of an annotation (a region, a relation, a choice)."""
ANNOTATION_KEYS = ("annotations", "completions", "predictions")


def parse_label_studio(path: Path, *, user: str | None = None) -> list[ToolDocument]:
    """Read a Label Studio JSON export; raises ImportFailed listing every problem."""
    docs, issues = read_label_studio(path, user=user)
    fail_on(issues, f"Label Studio import of {path}")
    return docs


def read_label_studio(path: Path, *, user: str | None = None) -> tuple[list[ToolDocument], list[Issue]]:
    """The documents of a Label Studio JSON export that could be read, and every problem (with its line)."""
    file = str(path)
    issues: list[Issue] = []
    text = collect(issues, lambda: read_utf8(path))
    if text is None:
        return [], issues
    lines = JsonLines()
    data, bad = load_json(text, file, None, "label-studio-malformed", lines=lines)
    if bad is not None:
        return [], [bad]
    tasks = data if isinstance(data, list) else [data]
    docs: list[ToolDocument] = []
    for pos, task in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            message = f"task {pos}: a task must be an object with 'data'"
            issues.append(problem("label-studio-malformed", file, lines.line(data), message))
            continue
        reader = _Reader(path, lines, task, pos, issues)
        wrong = check_shape(
            _TASK, task, file=file, line=lines.line(task), code="label-studio-malformed", where=reader.where
        )
        if wrong:
            issues.extend(wrong)
            continue
        for doc in reader.documents(user):
            issues.extend(check_span_texts(doc))
            docs.append(doc)
    return docs, issues


def _annotator(ann: dict[str, Any]) -> set[str]:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return {str(who.get("id")), str(who.get("email"))}
    return {str(who)}


class _Reader:
    """One task of the file, read into a document per annotation; problems go to ``issues``."""

    def __init__(self, path: Path, lines: JsonLines, task: dict[str, Any], pos: int, issues: list[Issue]) -> None:
        self.path, self.file, self.lines, self.task, self.pos, self.issues = path, str(path), lines, task, pos, issues

    def where(self, loc: Sequence[int | str]) -> tuple[int | None, str | None]:
        return self.lines.at(self.task, loc)

    def malformed(self, obj: object, message: str, record_id: str | None = None) -> None:
        line = self.lines.line(obj) or self.lines.line(self.task)
        self.issues.append(problem("label-studio-malformed", self.file, line, message, record_id=record_id))

    def annotations(self, user: str | None) -> list[tuple[str, int, dict[str, Any]]]:
        """(key, index, annotation) of the annotations to read: not cancelled, of ``user``; else the predictions."""
        task = self.task
        key = "annotations" if task.get("annotations") else "completions"
        anns = [(key, i, a) for i, a in enumerate(task.get(key) or []) if isinstance(a, dict)]
        anns = [(k, i, a) for k, i, a in anns if not a.get("was_cancelled")]
        if user is not None:
            return [(k, i, a) for k, i, a in anns if user in _annotator(a)]
        if anns:
            return anns
        return [("predictions", i, p) for i, p in enumerate(task.get("predictions") or []) if isinstance(p, dict)]

    def documents(self, user: str | None) -> list[ToolDocument]:
        data = self.task.get("data") or {}
        raw_text = data.get("text")
        text = raw_text if isinstance(raw_text, str) else ""
        base = str(data.get("doc_id") or self.task.get("id") or f"{self.path.stem}-{self.pos}")
        docs = []
        for key, index, ann in self.annotations(user):
            doc = ToolDocument(doc_id=base, text=text, source=self.file, meta={"task": str(self.pos)})
            if "completed_by" in ann:
                doc.meta["annotator"] = min(_annotator(ann))
            self.results(doc, ann.get("result") or [], (key, index, "result"))
            docs.append(doc)
        return docs

    def label_spans(self, doc: ToolDocument, res: dict[str, Any], rid: str, spans: dict[str, list[ToolSpan]]) -> None:
        """Add the spans of one labels result (one per label) to ``doc`` and ``spans``."""
        value = res.get("value") or {}
        start, end, labels = value.get("start"), value.get("end"), value.get("labels") or []
        if start is None or end is None or not labels:
            self.malformed(res, f"result {rid}: expected start, end and labels", rid)
            doc.broken.add(rid)
            return
        line = self.lines.line(res)
        for k, label in enumerate(labels):
            span_id = rid if k == 0 else f"{rid}.{k}"
            span = ToolSpan(span_id, str(label), ((start, end),), text=value.get("text"), line=line)
            spans.setdefault(rid, []).append(span)
            doc.spans.append(span)

    def results(self, doc: ToolDocument, results: list[Any], at: tuple[str, int, str]) -> None:
        spans: dict[str, list[ToolSpan]] = {}
        per_region: list[dict[str, Any]] = []  # choices and text areas, read once every region is known
        for i, res in enumerate(results):
            if not isinstance(res, dict):
                self.malformed(results, f"result {i}: expected an object")
                continue
            wrong = check_shape(
                _RESULT,
                res,
                file=self.file,
                line=self.lines.line(res),
                code="label-studio-malformed",
                prefix=(*at, i),
                where=self.where,
            )
            rid = str(res.get("id", f"r{i}"))
            if wrong:
                self.issues.extend(wrong)
                doc.broken.add(rid)
                continue
            kind = res.get("type")
            value = res.get("value") or {}
            if kind == "labels" or (kind and str(kind).endswith("labels") and "start" in value):
                self.label_spans(doc, res, rid, spans)
            elif kind == "relation":
                if "from_id" not in res or "to_id" not in res:
                    self.malformed(
                        res, f"relation {i}: expected from_id and to_id", str(res["id"]) if "id" in res else None
                    )
                    continue
                labels = res.get("labels") or ["relation"]
                relation = ToolRelation(
                    f"rel{i}", str(labels[0]), str(res["from_id"]), str(res["to_id"]), line=self.lines.line(res)
                )
                doc.relations.append(relation)
            elif kind in ("choices", "textarea"):
                per_region.append(res)
        _region_attributes(doc, per_region, spans)
        for res in per_region:  # an attribute's problem is on the line of its own result
            line, name = self.lines.line(res), str(res.get("from_name", "choice"))
            for span in spans.get(str(res.get("id")), []):
                if line is not None and name in span.attributes:
                    doc.attribute_lines[(span.id, name)] = (line, span.id)
        self.references(doc)

    def references(self, doc: ToolDocument) -> None:
        """A relation naming a region that does not exist (one that is malformed was reported already)."""
        known = {s.id for s in doc.spans} | doc.broken
        for rel in doc.relations:
            for ref in (rel.source, rel.target):
                if ref not in known:
                    message = f"relation {rel.source} -> {rel.target}: region {ref} does not exist"
                    self.issues.append(
                        problem("label-studio-unknown-reference", self.file, rel.line, message, record_id=ref)
                    )
                    doc.broken.add(rel.id)


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
