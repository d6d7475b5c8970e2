"""``peacetalks import``: a tool's export into an annotator layer, validated; gold is never touched.

Steps: parse the export into :class:`ToolDocument` (format modules, independent of the
corpus) -> check every name against the mapping -> match documents to articles and compare
texts -> convert to scheme rows -> write ``annotations/layers/NAME/*.parquet`` (all four
tables, the annotator's notes (``notes.parquet``, when there are any) and the layer's status in one
transaction under the corpus lock; rows of articles not in this import are kept) -> validate the
layer. An imported article's status in the layer is ``import_status`` (in-progress) for every kind,
or ``finished_status`` (complete) for the kinds named as complete.
Any problem before the write raises :class:`~peacetalks.errors.ImportFailed` and writes nothing; it
lists every problem at once, sorted by file and line: what the export's files show (each format's
reader returns its problems with what it could read), the unmapped names, the matching's and the
conversion's (an annotation reported once is not reported again for what follows from it).
An import that yields no annotation at all (an empty file, a ``user`` who annotated nothing,
only cancelled annotations) raises ``import-empty`` and writes nothing, unless ``allow_empty``.
Every document id read from the export must be a safe path component
(:func:`peacetalks.schema.names.is_name`), or the import fails with ``bad-name``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import InterchangeError, shown
from peacetalks.interchange._problems import collect, fail_on, problem
from peacetalks.interchange.document import Document, ToolDocument, to_frames
from peacetalks.interchange.importers import brat, doccano, labelstudio, uima, webanno_tsv
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.matching import match_documents
from peacetalks.interchange.mapping import Mapping, load_mapping, unmapped_names
from peacetalks.schema.names import RULE, check_name, is_name
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, LAYERS_FOLDER, NOTES, STATUS
from peacetalks.storage.layers import GOLD
from peacetalks.storage.machine import refuse_machine
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import is_corpus_root, resolve_root
from peacetalks.storage.shards import table_exists
from peacetalks.storage.status import KINDS, check_status, read_status, status_rows, upsert
from peacetalks.storage.transaction import transaction
from peacetalks.validation.report import Issue, Report
from peacetalks.validation.validate import validate

Reader = Callable[[Path], tuple[list[ToolDocument], list[Issue]]]
"""A format's reader: the documents it could read from a file or folder, and every problem it found."""

FORMATS: dict[str, Reader] = {
    "brat": brat.read_brat,
    "uima-xmi": uima.read_xmi,
    "uima-json": uima.read_json,
    "webanno-tsv": webanno_tsv.read_webanno_tsv,
    "label-studio": labelstudio.read_label_studio,
    "doccano": doccano.read_doccano,
}


# Formats of one document per file whose import also takes a folder: every file with the suffix in it.
FOLDER_SUFFIXES = {"uima-xmi": ".xmi", "uima-json": ".json", "webanno-tsv": ".tsv"}


@dataclass
class ImportResult:
    """What an import wrote and what validation of the layer found."""

    annotator: str
    layer_dir: Path
    documents: list[str]
    counts: dict[str, int]
    report: Report
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def parse_export(
    fmt: str, path: Path, *, user: str | None = None, typesystem: Path | None = None
) -> list[ToolDocument]:
    """Read a tool's export into tool documents (no corpus needed). Raises ImportFailed listing every problem.

    ``user`` keeps one annotator's annotations (doccano, Label Studio); ``typesystem`` names the
    TypeSystem.xml of an XMI file when it is not beside it.
    """
    tools, issues = read_export(fmt, path, user=user, typesystem=typesystem)
    fail_on(issues, f"the import of {path}")
    return tools


def read_export(
    fmt: str, path: Path, *, user: str | None = None, typesystem: Path | None = None
) -> tuple[list[ToolDocument], list[Issue]]:
    """The tool documents of an export that could be read, and every problem of every file.

    A file that cannot be read at all is one problem and the other files are read on; an
    annotation that cannot be read is reported and left out (its id in ``ToolDocument.broken``).
    Wrong options (an unknown format, a missing path, an option of another format) raise
    :class:`~peacetalks.errors.InterchangeError`.
    """
    if fmt not in FORMATS:
        raise InterchangeError(
            f"unknown import format {shown(fmt)}; expected one of {', '.join(FORMATS)}",
            code="unknown-format",
            data={"allowed": list(FORMATS)},
        )
    if not path.exists():
        raise InterchangeError("no such file or folder", code="input-not-found", path=str(path))
    if user is not None and fmt not in ("doccano", "label-studio"):
        raise InterchangeError(
            f"user applies to doccano and label-studio, not {fmt}",
            code="option-not-applicable",
            data={"option": "user"},
        )
    if typesystem is not None and fmt != "uima-xmi":
        raise InterchangeError(
            f"typesystem applies to uima-xmi, not {fmt}", code="option-not-applicable", data={"option": "typesystem"}
        )
    if fmt == "doccano":
        tools, issues = doccano.read_doccano(path, user=user)
    elif fmt == "label-studio":
        tools, issues = labelstudio.read_label_studio(path, user=user)
    elif fmt in FOLDER_SUFFIXES and path.is_dir():
        tools, issues = _each_file(fmt, path, typesystem)
    else:
        tools, issues = _read_file(fmt, path, typesystem)
    return tools, issues + _name_issues(tools)


def _read_file(fmt: str, path: Path, typesystem: Path | None) -> tuple[list[ToolDocument], list[Issue]]:
    return uima.read_xmi(path, typesystem=typesystem) if fmt == "uima-xmi" else FORMATS[fmt](path)


def _each_file(fmt: str, folder: Path, typesystem: Path | None) -> tuple[list[ToolDocument], list[Issue]]:
    """Every file of ``folder`` in format ``fmt`` (by its suffix), read; every problem of every file at once."""
    tools: list[ToolDocument] = []
    issues: list[Issue] = []
    for file in sorted(p for p in folder.iterdir() if p.suffix == FOLDER_SUFFIXES[fmt] and p.is_file()):
        read, found = _read_file(fmt, file, typesystem)
        tools += read
        issues += found
    return tools, issues


def _name_issues(tools: list[ToolDocument]) -> list[Issue]:
    """A ``bad-name`` issue for each document id of the export that is not a safe path component."""
    return [
        problem(
            "bad-name",
            tool.source,
            None,
            f"document id {shown(tool.doc_id)} cannot be used as a file or folder name: it must be {RULE}",
            record_id=shown(tool.doc_id, quote=False),
        )
        for tool in tools
        if not is_name(tool.doc_id)
    ]


def _mapped(tools: list[ToolDocument], mapping_path: Path | None) -> tuple[Mapping | None, list[Issue]]:
    """The mapping (None if its file is wrong) and its problems: the file's, or every unmapped name of ``tools``."""
    issues: list[Issue] = []
    mapping = collect(issues, lambda: load_mapping(mapping_path))
    if mapping is not None:
        issues += unmapped_names(tools, mapping)
    return mapping, issues


def read_documents(fmt: str, path: Path, *, mapping_path: Path | None = None) -> list[Document]:
    """A tool's export as scheme documents on the file's own texts, without a corpus (round trips, tests).

    Each document keeps the tool's name as doc_id and the tool's text (CR LF kept). Raises
    ImportFailed listing every parse, mapping and conversion problem at once.
    """
    tools, issues = read_export(fmt, path)
    mapping, found = _mapped(tools, mapping_path)
    issues += found
    docs: list[Document] = []
    if mapping is not None:
        for tool in tools:
            doc, found = to_document(tool, mapping, doc_id=tool.doc_id, text=tool.text)
            docs.append(doc)
            issues.extend(found)
    fail_on(issues, f"the import of {path}")
    return docs


def convert_documents(
    tools: list[ToolDocument],
    *,
    root: Path,
    mapping_path: Path | None = None,
    doc: str | None = None,
    found: Sequence[Issue] = (),
    what: str = "the import",
) -> tuple[list[Document], list[str]]:
    """Map and match tool documents onto the corpus at ``root``; raise ImportFailed listing every problem.

    ``found`` holds the problems reading the export found; they are reported with the mapping's,
    the matching's and the conversion's in one ImportFailed (sorted by file and line).
    """
    mapping, issues = _mapped(tools, mapping_path)
    issues = [*found, *issues]
    articles = read_table(root, ARTICLES).select("doc_id", "text")
    named = tools if doc is not None else [t for t in tools if is_name(t.doc_id)]  # a bad name is reported
    matches, unmatched = match_documents(named, articles, doc=doc)
    issues.extend(unmatched)
    docs: list[Document] = []
    notes: list[str] = []
    if mapping is not None:
        for m in matches:
            converted, problems = to_document(
                m.tool, mapping, doc_id=m.doc_id, text=m.text, shift=m.shift, dropped=notes
            )
            issues.extend(problems)
            docs.append(converted)
            if m.converted_line_ends:
                notes.append(
                    f"{m.tool.source}: offsets converted (CR LF line ends / byte-order mark dropped) for {m.doc_id}"
                )
    fail_on(issues, what)
    return docs, notes


def import_layer(
    fmt: str,
    path: Path,
    *,
    annotator: str,
    root: Path | str | None = None,
    mapping_path: Path | None = None,
    doc: str | None = None,
    user: str | None = None,
    typesystem: Path | None = None,
    complete: Sequence[str] = (),
    today: dt.date | None = None,
    allow_empty: bool = False,
) -> ImportResult:
    """Import a tool's export as annotator layer ``annotator``; validate the layer and return the report.

    The imported articles' status in the layer: complete for the kinds in ``complete``, in-progress for the others.
    A machine layer (``peacetalks suggest``) is never imported into (SuggestError ``machine-layer``).
    ``allow_empty`` writes the layer even when the export yields no annotation (which empties the
    imported articles' rows); without it such an import raises ``import-empty`` and writes nothing.
    """
    check_name(annotator, "annotator")
    if annotator == GOLD:
        raise InterchangeError("the annotator name 'gold' names the gold tables, not a layer", code="bad-annotator")
    scheme = load_scheme()
    check_status(scheme.finished_status, layer=annotator, kinds=complete)
    folder = resolve_root(root)
    refuse_machine(folder, annotator, "an import is a person's pass: import it into a layer of its own")
    what = f"the import of {path}"
    tools, found = read_export(fmt, path, user=user, typesystem=typesystem)
    if found and not is_corpus_root(folder):  # nothing to match against: what the export and mapping show
        fail_on([*found, *_mapped(tools, mapping_path)[1]], what)
    with transaction(folder, "import") as tx:  # the articles and the layer are read under the corpus lock
        docs, notes = convert_documents(tools, root=folder, mapping_path=mapping_path, doc=doc, found=found, what=what)
        new = to_frames(docs)
        if not allow_empty and not any(frame.height for frame in new.values()):
            raise InterchangeError(
                f"the export yields no annotation ({len(tools)} document(s) read"
                + (f", none annotated by user {shown(user)}" if user is not None else "")
                + "): nothing was written",
                code="import-empty",
                path=str(path),
                data={"documents": len(tools), "option": "allow_empty"},
            )
        imported = [d.doc_id for d in docs]
        written = []
        for table in (*ANNOTATION_TABLES, NOTES):
            old = read_table(folder, table, annotator, missing_ok=True)
            kept = old.filter(~pl.col("doc_id").is_in(imported))
            merged = pl.concat([kept.select(table.columns), new[table]], how="vertical_relaxed")
            if table is NOTES and merged.is_empty() and not table_exists(folder, table, annotator):
                continue  # a layer without notes has no notes file
            written.append(tx.write_table(table, merged, annotator))
        by = f"import {fmt}"
        day = today or dt.date.today()
        rest = [k for k in KINDS if k not in complete]
        new_status = pl.concat(
            [
                status_rows(
                    imported, scheme.finished_status, kinds=[k for k in KINDS if k in complete], set_by=by, set_on=day
                ),
                status_rows(imported, scheme.import_status, kinds=rest, set_by=by, set_on=day),
            ]
        )
        written.append(tx.write_table(STATUS, upsert(read_status(folder, annotator), new_status), annotator))
    report = validate(folder, layer=annotator)
    counts = {t.name: new[t].height for t in ANNOTATION_TABLES} | (
        {"notes": new[NOTES].height} if new[NOTES].height else {}
    )
    return ImportResult(
        annotator=annotator,
        layer_dir=folder / LAYERS_FOLDER / annotator,
        documents=imported,
        counts=counts,
        report=report,
        notes=notes,
        written=written,
    )
