"""brat standoff: ``.txt`` + ``.ann`` pairs read into :class:`ToolDocument`.

Annotation lines (brat's standoff format; the first field is the ID, fields are TAB-separated):

* ``T1<TAB>Type START END[;START END...]<TAB>covered text`` – text-bound annotation. Offsets
  are code points of the ``.txt`` file (read as UTF-8, line ends kept as they are). Several
  ``;``-separated pairs make a discontinuous span; brat records its text as the fragments
  joined by one space, and that is what the covered text is checked against.
* ``E1<TAB>Type:T3 Role:T1 Role2:E2`` – event with its trigger and arguments (arguments may
  name IDs defined later in the file, and other events).
* ``R1<TAB>Type Arg1:T1 Arg2:T2`` – binary relation (a trailing TAB is allowed).
* ``*<TAB>Type T1 T2 T3`` – equivalence set, read as relations from the first member to each
  other member.
* ``A1<TAB>Name TARGET [VALUE]`` (and legacy ``M``) – attribute; without a value it is binary
  (``True``).
* ``N1<TAB>Reference TARGET DB:ID<TAB>text`` – normalisation; ``#1<TAB>AnnotatorNotes TARGET<TAB>text``
  – note. Both are kept as :class:`ToolNote`.

Types and attribute names cannot contain spaces (brat forbids it); such a line is malformed.
Every problem in a file is collected (code, file, line) and returned with what could be read,
so the import reports them together with the mapping's and the matching's:
``brat-malformed-line``, ``brat-duplicate-id``, ``brat-unknown-reference``,
``brat-span-out-of-bounds``, ``brat-text-mismatch``, ``brat-missing-text``. A reference to an
ID whose own line is malformed is not reported again; the IDs of malformed lines and of
annotations naming what does not exist are kept in ``ToolDocument.broken``. A file that
cannot be read (not UTF-8, too large) is one issue, and the other files are read on.

A ``.txt`` without an ``.ann`` is a document without annotations.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from peacetalks.errors import shown
from peacetalks.interchange._input import MAX_TEXT_CHARS, read_utf8
from peacetalks.interchange._problems import collect, fail_on, problem
from peacetalks.interchange.document import ToolDocument, ToolEvent, ToolNote, ToolRelation, ToolSpan
from peacetalks.validation.report import Issue

# Offsets are ASCII digits: [0-9], never \d (which matches any Unicode digit, Arabic-Indic ones too).
_T_MID = re.compile(r"^(?P<type>\S+) (?P<spans>[0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)$")
_E_PART = re.compile(r"^(?P<role>\S+?):(?P<ref>[TE][0-9]+)$")
_R_ARG = re.compile(r"^(?P<role>\S+?):(?P<ref>\S+)$")


def read_text(path: Path) -> str:
    """The text of a brat ``.txt``: UTF-8, line ends and a byte-order mark kept (brat counts them)."""
    return read_utf8(path, keep_bom=True)


def parse_brat(path: Path) -> list[ToolDocument]:
    """Read a brat ``.ann`` or ``.txt`` file, or every pair under a folder.

    Raises :class:`~peacetalks.errors.ImportFailed` listing every problem of every file.
    """
    docs, issues = read_brat(path)
    fail_on(issues, f"brat import of {path}")
    return docs


def read_brat(path: Path) -> tuple[list[ToolDocument], list[Issue]]:
    """Every document of a brat file or folder that could be read, and every problem of every file."""
    if path.is_dir():
        stems = sorted({p.with_suffix("") for p in path.rglob("*") if p.suffix in (".ann", ".txt")})
    else:
        stems = [path.with_suffix("")]
    docs: list[ToolDocument] = []
    issues: list[Issue] = []
    for stem in stems:
        doc, found = _parse_pair(stem.with_suffix(".txt"), stem.with_suffix(".ann"))
        issues.extend(found)
        if doc is not None:
            docs.append(doc)
    return docs, issues


def parse_brat_text(ann: str, text: str, *, doc_id: str, file: str = "<ann>") -> tuple[ToolDocument, list[Issue]]:
    """Parse the content of one ``.ann`` against its text; return the document and the problems."""
    doc = ToolDocument(doc_id=doc_id, text=text, source=file)
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    broken: set[str] = set()  # IDs of lines that could not be read: references to them are not reported again
    attributes: list[tuple[int, str, str, str, str | None]] = []
    for lineno, raw in enumerate(ann.split("\n"), start=1):  # only LF ends a line (not U+2028 etc.)
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        ann_id = fields[0]
        kind = ann_id[:1]
        if kind != "*":
            if ann_id in seen:
                issues.append(
                    problem(
                        "brat-duplicate-id",
                        file,
                        lineno,
                        f"ID {ann_id} was already used on line {seen[ann_id]}",
                        record_id=ann_id,
                    )
                )
            seen.setdefault(ann_id, lineno)
        try:
            if kind == "T":
                doc.spans.append(_t_line(fields, lineno))
            elif kind == "E":
                doc.events.append(_e_line(fields, lineno))
            elif kind == "R":
                doc.relations.append(_r_line(fields, lineno))
            elif kind == "*":
                doc.relations.extend(_equiv_line(fields, lineno))
            elif kind in ("A", "M"):
                attributes.append(_a_line(fields, lineno))
            elif kind in ("N", "#"):
                doc.notes.append(_note_line(fields, lineno))
            else:
                raise _Malformed(f"unknown annotation kind {shown(kind)}")
        except _TooLarge as exc:
            broken.add(ann_id)
            issues.append(problem("offset-too-large", file, lineno, str(exc), record_id=ann_id))
        except _Malformed as exc:
            broken.add(ann_id)
            issues.append(problem("brat-malformed-line", file, lineno, f"{exc}: {shown(line)}", record_id=ann_id))
    issues.extend(_resolve(doc, attributes, file, broken))
    issues.extend(_check_spans(doc, file))
    named_nothing = {i.record_id for i in issues if i.code == "brat-unknown-reference" and i.record_id is not None}
    doc.broken |= broken | named_nothing
    return doc, issues


class _Malformed(ValueError):
    pass


class _TooLarge(ValueError):
    pass


def _need(fields: list[str], n: int, shape: str) -> None:
    if len(fields) < n or not all(fields[:n]):
        raise _Malformed(f"expected {shape}")


def _t_line(fields: list[str], lineno: int) -> ToolSpan:
    _need(fields, 2, "'ID<TAB>Type START END<TAB>text'")
    m = _T_MID.match(fields[1])
    if m is None:
        raise _Malformed("expected 'Type START END[;START END...]' (types cannot contain spaces)")
    numbers = m["spans"].replace(";", " ").split(" ")
    if any(len(n) > len(str(MAX_TEXT_CHARS)) or int(n) > MAX_TEXT_CHARS for n in numbers):
        raise _TooLarge(f"an offset of {shown(max(numbers, key=len))} is beyond the limit of {MAX_TEXT_CHARS:,}")
    fragments = tuple((int(a), int(b)) for a, b in (p.split(" ") for p in m["spans"].split(";")))
    if any(s > e for s, e in fragments):
        raise _Malformed("a fragment ends before it starts")
    if any(s2 < e1 for (_, e1), (s2, _) in itertools.pairwise(sorted(fragments))):
        raise _Malformed("two fragments of the span overlap")
    text = "\t".join(fields[2:]) if len(fields) > 2 else None
    return ToolSpan(fields[0], m["type"], fragments, text=text, line=lineno)


def _e_line(fields: list[str], lineno: int) -> ToolEvent:
    _need(fields, 2, "'ID<TAB>Type:TRIGGER Role:ID ...'")
    parts = fields[1].split()
    matches = [_E_PART.match(p) for p in parts]
    if not parts or any(m is None for m in matches) or (len(fields) > 2 and any(f.strip() for f in fields[2:])):
        raise _Malformed("expected 'Type:TRIGGER Role:ID ...'")
    head, *args = [(m["role"], m["ref"]) for m in matches if m is not None]
    return ToolEvent(fields[0], head[0], head[1], arguments=args, line=lineno)


def _r_line(fields: list[str], lineno: int) -> ToolRelation:
    _need(fields, 2, "'ID<TAB>Type Arg1:ID Arg2:ID'")
    parts = fields[1].split()
    if len(parts) != 3 or any(f.strip() for f in fields[2:]):
        raise _Malformed("expected 'Type Arg1:ID Arg2:ID'")
    args = [_R_ARG.match(p) for p in parts[1:]]
    if args[0] is None or args[1] is None:
        raise _Malformed("expected 'Type Arg1:ID Arg2:ID'")
    return ToolRelation(fields[0], parts[0], args[0]["ref"], args[1]["ref"], line=lineno)


def _equiv_line(fields: list[str], lineno: int) -> list[ToolRelation]:
    _need(fields, 2, "'*<TAB>Type ID ID ...'")
    label, *members = fields[1].split()
    if len(members) < 2:
        raise _Malformed("an equivalence needs a type and at least two IDs")
    return [ToolRelation(f"*{lineno}.{i}", label, members[0], m, line=lineno) for i, m in enumerate(members[1:], 1)]


def _a_line(fields: list[str], lineno: int) -> tuple[int, str, str, str, str | None]:
    _need(fields, 2, "'ID<TAB>Name TARGET [VALUE]'")
    parts = fields[1].split()
    if len(parts) not in (2, 3) or any(f.strip() for f in fields[2:]):
        raise _Malformed("expected 'Name TARGET [VALUE]' (names cannot contain spaces)")
    return lineno, fields[0], parts[0], parts[1], parts[2] if len(parts) == 3 else None


def _note_line(fields: list[str], lineno: int) -> ToolNote:
    _need(fields, 2, "'ID<TAB>Type TARGET [REF]<TAB>text'")
    parts = fields[1].split()
    value = "\t".join(fields[2:])
    if fields[0].startswith("N"):
        if len(parts) != 3:
            raise _Malformed("expected 'Reference TARGET DB:ID<TAB>text'")
        return ToolNote(fields[0], "normalization", parts[1], value, reference=parts[2], line=lineno)
    if len(parts) != 2:
        raise _Malformed("expected 'AnnotatorNotes TARGET<TAB>text'")
    return ToolNote(fields[0], "note", parts[1], value, line=lineno)


def _resolve(
    doc: ToolDocument, attributes: list[tuple[int, str, str, str, str | None]], file: str, broken: set[str]
) -> list[Issue]:
    """Attach attributes to their targets and check that every reference exists (or is on a malformed line)."""
    issues: list[Issue] = []
    targets: dict[str, ToolSpan | ToolEvent | ToolRelation] = {}
    items: list[ToolSpan | ToolEvent | ToolRelation] = [*doc.spans, *doc.events, *doc.relations]
    for item in items:
        targets.setdefault(item.id, item)

    def missing(ref: str, line: int | None, ann_id: str) -> None:
        if ref in broken:
            return  # its own line is reported as malformed
        issues.append(
            problem(
                "brat-unknown-reference",
                file,
                line,
                f"{ann_id} refers to {ref}, which is not defined",
                record_id=ann_id,
            )
        )

    for lineno, ann_id, name, target, value in attributes:
        owner = targets.get(target)
        if owner is None:
            missing(target, lineno, ann_id)
        else:
            owner.attributes[name] = True if value is None else value
            doc.attribute_lines[(target, name)] = (lineno, ann_id)
    spans = {s.id for s in doc.spans}
    events = {e.id for e in doc.events}
    for ev in doc.events:
        if ev.trigger not in spans:
            missing(ev.trigger, ev.line, ev.id)
        for _, ref in ev.arguments:
            if ref not in spans and ref not in events:
                missing(ref, ev.line, ev.id)
    for rel in doc.relations:
        for ref in (rel.source, rel.target):
            if ref not in targets:
                missing(ref, rel.line, rel.id)
    for note in doc.notes:
        if note.target not in targets:
            missing(note.target, note.line, note.id)
    return issues


def _check_spans(doc: ToolDocument, file: str) -> list[Issue]:
    issues: list[Issue] = []
    size = len(doc.text)
    for span in doc.spans:
        if span.end > size:
            issues.append(
                problem(
                    "brat-span-out-of-bounds",
                    file,
                    span.line,
                    f"{span.id} ends at {span.end} but the text has {size} characters",
                    record_id=span.id,
                )
            )
        elif span.text is not None and span.covered(doc.text) != span.text:
            issues.append(
                problem(
                    "brat-text-mismatch",
                    file,
                    span.line,
                    f"{span.id} covers {shown(span.covered(doc.text))} in the .txt "
                    f"but the .ann says {shown(span.text)}",
                    record_id=span.id,
                    value=span.text,
                )
            )
    return issues


def _there(path: Path) -> bool:
    """A file, or a link where the file should be (a dangling one is reported by the read, not skipped)."""
    return path.exists() or path.is_symlink()


def _parse_pair(txt: Path, ann: Path) -> tuple[ToolDocument | None, list[Issue]]:
    if not _there(txt):
        return None, [problem("brat-missing-text", str(ann), None, f"no text file {txt.name} beside {ann.name}")]
    issues: list[Issue] = []
    text = collect(issues, lambda: read_text(txt))
    content = collect(issues, lambda: read_utf8(ann)) if _there(ann) else ""
    if text is None or content is None:
        return None, issues
    if not _there(ann):
        return ToolDocument(doc_id=txt.stem, text=text, source=str(txt)), []
    return parse_brat_text(content, text, doc_id=txt.stem, file=str(ann))
