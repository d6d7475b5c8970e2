"""INCEpTION / WebAnno UIMA CAS exports (XMI with its TypeSystem.xml, and CAS JSON) via dkpro-cassis.

UIMA stores offsets as UTF-16 code units; dkpro-cassis converts them to code points (Python
string indices) when it loads a CAS, so every offset here is a code point (the conformance
tests pin this on texts with emoji). The text is the sofa string as stored (CR LF kept).

What becomes what:

* every annotation (a feature structure with begin/end) is a span, except the structural and
  linguistic DKPro layers (segmentation, metadata, lexmorph, syntax: tokens, sentences, POS,
  lemmas, dependencies, tagset descriptions) and ``uima.tcas.DocumentAnnotation``;
* its label is its ``value`` feature (DKPro NamedEntity, INCEpTION's default custom layers),
  else its first string feature that is set, else the short name of its type; the other
  primitive features that are set are attributes;
* an annotation with ``Governor`` and ``Dependent`` features (an INCEpTION relation layer) is
  a relation from the governor to the dependent, labelled as above;
* an annotation with a link (slot) feature – an array of link structures with ``role`` and
  ``target`` – is also an event whose trigger is the annotation itself, with one argument
  per link.

The document's name is DocumentMetaData's ``documentId`` (without its extension), else the
file stem. Problems: ``uima-unreadable`` (with the parser's message: the file is not read),
``uima-missing-typesystem``, ``uima-malformed`` and ``span-out-of-bounds``, returned with what
could be read. In CAS JSON each issue's row is the line where the feature structure's object
starts and its record id the structure's ``%ID`` (the id the annotation keeps); a structure
whose begin or end has the wrong type is read as the empty span 0-0 and marked broken, so
the file's other annotations are still read and checked.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from peacetalks.errors import shown
from peacetalks.interchange._input import Offset, check_shape, check_utf8, load_json, read_bytes
from peacetalks.interchange._json_lines import JsonLines
from peacetalks.interchange._problems import collect, fail, fail_on, problem
from peacetalks.interchange.document import AttrValue, ToolDocument, ToolEvent, ToolRelation, ToolSpan
from peacetalks.interchange.importers._offsets import check_span_texts
from peacetalks.validation.report import Issue

SKIPPED_PREFIXES = (
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.",
    "uima.tcas.DocumentAnnotation",
)
_OWN = {"sofa", "begin", "end"}
TYPESYSTEM_NAMES = ("TypeSystem.xml", "typesystem.xml", "debug-typesystem.xml")


class _Offsets(TypedDict):
    begin: Offset
    end: Offset


_OFFSETS = TypeAdapter(_Offsets)


class _JsonFeatureStructure(TypedDict, total=False):
    begin: Offset
    end: Offset


_CasJson = TypedDict("_CasJson", {"%FEATURE_STRUCTURES": list[_JsonFeatureStructure]}, total=False)
# A CAS JSON file's feature structures, checked before cassis reads them: cassis maps offsets
# through its UTF-16 table and would take 3.0 or true for an offset.
_CAS_JSON = TypeAdapter(_CasJson)
"""An annotation's begin and end: integers within the text limit (a CAS JSON can hold 3.5 or true)."""


def _utf8_bytes(path: Path) -> io.BytesIO:
    """The file's bytes for cassis, once they are known to be UTF-8 and within the size limit.

    UTF-16 XMI (with its byte-order mark) is refused rather than read: every import reads UTF-8.
    """
    data = read_bytes(path)
    check_utf8(data, str(path))
    return io.BytesIO(data)


def find_typesystem(xmi: Path) -> Path | None:
    for name in TYPESYSTEM_NAMES:
        candidate = xmi.parent / name
        if candidate.exists():
            return candidate
    return None


def parse_xmi(path: Path, *, typesystem: Path | None = None) -> list[ToolDocument]:
    """Read an XMI file (the TypeSystem.xml beside it, or ``typesystem``); raises ImportFailed."""
    docs, issues = read_xmi(path, typesystem=typesystem)
    fail_on(issues, f"UIMA import of {path}")
    return docs


def parse_json(path: Path) -> list[ToolDocument]:
    """Read a UIMA CAS JSON file (its type system is inside it); raises ImportFailed."""
    docs, issues = read_json(path)
    fail_on(issues, f"UIMA import of {path}")
    return docs


def read_xmi(path: Path, *, typesystem: Path | None = None) -> tuple[list[ToolDocument], list[Issue]]:
    """The document of an XMI file and its problems (none read when the file cannot be read)."""
    issues: list[Issue] = []
    found = collect(issues, lambda: _load_xmi(path, typesystem))
    if found is None:
        return [], issues
    doc, problems = _document(found, path)
    return [doc], problems


def _load_xmi(path: Path, typesystem: Path | None) -> Any:  # a cassis.Cas
    ts_path = typesystem or find_typesystem(path)
    if ts_path is None:
        fail(
            [
                problem(
                    "uima-missing-typesystem",
                    str(path),
                    None,
                    f"no {' or '.join(TYPESYSTEM_NAMES)} beside the XMI; export with the type system or name its file",
                )
            ]
        )
    import cassis  # imported here: it takes a third of a second, and only this format needs it

    ts_data, data = _utf8_bytes(ts_path), _utf8_bytes(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an offset beyond the text: reported by check_span_texts
            ts = cassis.load_typesystem(ts_data)
            return cassis.load_cas_from_xmi(data, typesystem=ts)
    except Exception as exc:  # noqa: BLE001  # cassis raises lxml, KeyError, ValueError... on broken input
        _unreadable(path, exc)


def read_json(path: Path) -> tuple[list[ToolDocument], list[Issue]]:
    """The document of a CAS JSON file and its problems, each at the line of its feature structure."""
    issues: list[Issue] = []
    data = collect(issues, lambda: _utf8_bytes(path))
    if data is None:
        return [], issues
    lines = JsonLines()
    raw, bad = load_json(data.getvalue().decode("utf-8-sig"), str(path), None, "uima-unreadable", lines=lines)
    if bad is not None:
        return [], [bad]
    reported: set[str] = set()
    if isinstance(raw, dict):
        wrong = check_shape(
            _CAS_JSON,
            raw,
            file=str(path),
            line=None,
            code="uima-malformed",
            where=lambda loc: lines.at(raw, loc, id_keys=("%ID",)),
        )
        if wrong:
            issues.extend(wrong)
            reported = {i.record_id for i in wrong if i.record_id is not None}
            structures = raw.get("%FEATURE_STRUCTURES")
            if not isinstance(structures, list):
                return [], issues
            data = _with_empty_offsets(raw, [_bad_index(i.column) for i in wrong])
    cas = collect(issues, lambda: _load_json_cas(path, data))
    if cas is None:
        return [], issues
    doc, found = _document(cas, path, lines=_structure_lines(raw, lines))
    doc.broken |= reported
    return [doc], issues + [i for i in found if i.record_id not in reported]


def _bad_index(column: str | None) -> int | None:
    """The index of the feature structure a ``%FEATURE_STRUCTURES[3].begin`` issue is about."""
    prefix = "%FEATURE_STRUCTURES["
    if column is None or not column.startswith(prefix):
        return None
    number = column[len(prefix) :].split("]", 1)[0]
    return int(number) if number.isdigit() else None


def _with_empty_offsets(raw: dict[str, Any], bad: Sequence[int | None]) -> io.BytesIO:
    """The CAS JSON with the begin and end of each listed feature structure set to 0 (read as 0-0)."""
    structures = list(raw["%FEATURE_STRUCTURES"])
    for index in {i for i in bad if i is not None}:
        if isinstance(structures[index], dict):
            structures[index] = {**structures[index], "begin": 0, "end": 0}
    return io.BytesIO(json.dumps({**raw, "%FEATURE_STRUCTURES": structures}).encode("utf-8"))


def _load_json_cas(path: Path, data: io.BytesIO) -> Any:  # a cassis.Cas
    import cassis  # imported here: it takes a third of a second, and only this format needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an offset beyond the text: reported by check_span_texts
            return cassis.load_cas_from_json(data)
    except Exception as exc:  # noqa: BLE001  # cassis raises JSON, KeyError, ValueError... on broken input
        _unreadable(path, exc)


def _unreadable(path: Path, exc: Exception) -> NoReturn:
    message = f"cannot read the CAS: {shown(str(exc), quote=False)}"
    fail([problem("uima-unreadable", str(path), _line_of(exc), message)])


def _structure_lines(raw: object, lines: JsonLines) -> dict[str, int]:
    """The line of each feature structure of a CAS JSON, by its ``%ID``."""
    structures = raw.get("%FEATURE_STRUCTURES") if isinstance(raw, dict) else None
    out: dict[str, int] = {}
    for fs in structures if isinstance(structures, list) else []:
        line = lines.line(fs)
        if isinstance(fs, dict) and "%ID" in fs and line is not None:
            out.setdefault(str(fs["%ID"]), line)
    return out


def _line_of(exc: Exception) -> int | None:
    line = getattr(exc, "lineno", None) or getattr(getattr(exc, "position", None), "__getitem__", None)
    return line if isinstance(line, int) else None


def _short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


def _doc_id(cas: Any, path: Path) -> str:
    for fs in cas.select_all_annotations() if hasattr(cas, "select_all_annotations") else []:
        if fs.type.name.endswith("DocumentMetaData") and getattr(fs, "documentId", None):
            return str(Path(str(fs.documentId)).with_suffix("").name) or path.stem
    return path.stem


def _document(cas: Any, path: Path, *, lines: dict[str, int] | None = None) -> tuple[ToolDocument, list[Issue]]:
    """The document of a CAS and its problems; ``lines`` gives the line of each annotation by its id."""
    where = lines or {}
    text = cas.sofa_string or ""
    doc = ToolDocument(doc_id=_doc_id(cas, path), text=text, source=str(path))
    issues: list[Issue] = []
    for fs in cas.select_all_annotations():
        name = fs.type.name
        if name.startswith(SKIPPED_PREFIXES):
            continue
        ident = str(fs.xmiID)
        wrong = check_shape(
            _OFFSETS,
            {"begin": fs.begin, "end": fs.end},
            file=str(path),
            line=where.get(ident),
            code="uima-malformed",
            record_id=ident,
        )
        if wrong:
            issues.extend(wrong)
            doc.broken.add(ident)
            continue
        label, attrs, links, governor, dependent = _features(fs)
        line = where.get(ident)
        if governor is not None and dependent is not None:
            relation = ToolRelation(ident, label, str(governor.xmiID), str(dependent.xmiID), attrs, line=line)
            doc.relations.append(relation)
            continue
        doc.spans.append(ToolSpan(ident, label, ((fs.begin, fs.end),), attributes=attrs, line=line))
        if links:
            doc.events.append(ToolEvent(ident, label, ident, arguments=links, line=line))
    return doc, issues + check_span_texts(doc)


def _link_targets(array: Any) -> list[tuple[str, str]]:
    """(role, xmi id of the target) of each link in a feature array (WebAnno's slot features)."""
    links = [(getattr(link, "role", None), getattr(link, "target", None)) for link in array.elements or []]
    return [(str(role or ""), str(target.xmiID)) for role, target in links if target is not None]


def _features(fs: Any) -> tuple[str, dict[str, AttrValue], list[tuple[str, str]], Any, Any]:
    label: str | None = None
    attrs: dict[str, AttrValue] = {}
    links: list[tuple[str, str]] = []
    governor = dependent = None
    value = None
    label_feature = ""
    for feature in fs.type.all_features:
        fname = feature.name
        if fname in _OWN:
            continue
        v = fs.get(fname)
        if v is None:
            continue
        if fname == "Governor":
            governor = v
        elif fname == "Dependent":
            dependent = v
        elif isinstance(v, str):
            if fname == "value":
                value = v
            elif label is None:
                label, label_feature = v, fname
            else:
                attrs[fname] = v
        elif isinstance(v, bool):
            attrs[fname] = v
        elif isinstance(v, int | float):
            attrs[fname] = str(v)
        elif hasattr(v, "elements"):
            links += _link_targets(v)
    if value is not None:
        if label is not None:
            attrs[label_feature] = label
        return value, attrs, links, governor, dependent
    if label is not None:
        return label, attrs, links, governor, dependent
    return _short(fs.type.name), attrs, links, governor, dependent
