"""``peacetalks import``: a tool's export into an annotator layer, validated; gold is never touched.

Steps: parse the export into :class:`ToolDocument` (format modules, independent of the
corpus) -> check every name against the mapping -> match documents to articles and compare
texts -> convert to scheme rows -> write ``annotations/layers/NAME/*.parquet`` (all four
tables at once, atomically; rows of articles not in this import are kept) -> validate the layer.
Any problem before the write raises :class:`~peacetalks.errors.ImportFailed` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import InterchangeError
from peacetalks.interchange._problems import fail_on
from peacetalks.interchange.document import Document, ToolDocument, to_frames
from peacetalks.interchange.importers import brat, doccano, labelstudio, uima, webanno_tsv
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.matching import match_documents
from peacetalks.interchange.mapping import load_mapping, unmapped_names
from peacetalks.schema.names import check_name
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, LAYERS_FOLDER
from peacetalks.storage.layers import GOLD
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.roots import resolve_root
from peacetalks.validation.report import Report
from peacetalks.validation.validate import validate

Parser = Callable[[Path], list[ToolDocument]]

FORMATS: dict[str, Parser] = {
    "brat": brat.parse_brat,
    "uima-xmi": uima.parse_xmi,
    "uima-json": uima.parse_json,
    "webanno-tsv": webanno_tsv.parse_webanno_tsv,
    "label-studio": labelstudio.parse_label_studio,
    "doccano": doccano.parse_doccano,
}


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
    """Read a tool's export into tool documents (no corpus needed). Raises ImportFailed.

    ``user`` keeps one annotator's annotations (doccano, Label Studio); ``typesystem`` names the
    TypeSystem.xml of an XMI file when it is not beside it.
    """
    if fmt not in FORMATS:
        raise InterchangeError(
            f"unknown import format {fmt!r}; expected one of {', '.join(FORMATS)}",
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
        return doccano.parse_doccano(path, user=user)
    if fmt == "label-studio":
        return labelstudio.parse_label_studio(path, user=user)
    if fmt == "uima-xmi":
        return uima.parse_xmi(path, typesystem=typesystem)
    return FORMATS[fmt](path)


def read_documents(fmt: str, path: Path, *, mapping_path: Path | None = None) -> list[Document]:
    """A tool's export as scheme documents on the file's own texts, without a corpus (round trips, tests).

    Each document keeps the tool's name as doc_id and the tool's text (CR LF kept). Raises
    ImportFailed listing every parse, mapping and conversion problem.
    """
    tools = parse_export(fmt, path)
    mapping = load_mapping(mapping_path)
    fail_on(unmapped_names(tools, mapping), "the import (unmapped names)")
    docs: list[Document] = []
    issues = []
    for tool in tools:
        doc, found = to_document(tool, mapping, doc_id=tool.doc_id, text=tool.text)
        docs.append(doc)
        issues.extend(found)
    fail_on(issues)
    return docs


def convert_documents(
    tools: list[ToolDocument], *, root: Path, mapping_path: Path | None = None, doc: str | None = None
) -> tuple[list[Document], list[str]]:
    """Map and match tool documents onto the corpus at ``root``; raise ImportFailed listing every problem."""
    mapping = load_mapping(mapping_path)
    fail_on(unmapped_names(tools, mapping), "the import (unmapped names)")
    articles = read_table(root, ARTICLES).select("doc_id", "text")
    matches, issues = match_documents(tools, articles, doc=doc)
    docs: list[Document] = []
    notes: list[str] = []
    for m in matches:
        converted, found = to_document(m.tool, mapping, doc_id=m.doc_id, text=m.text, shift=m.shift)
        issues.extend(found)
        docs.append(converted)
        if m.converted_line_ends:
            notes.append(
                f"{m.tool.source}: offsets converted (CR LF line ends / byte-order mark dropped) for {m.doc_id}"
            )
    fail_on(issues)
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
) -> ImportResult:
    """Import a tool's export as annotator layer ``annotator``; validate the layer and return the report."""
    check_name(annotator, "annotator")
    if annotator == GOLD:
        raise InterchangeError("the annotator name 'gold' names the gold tables, not a layer", code="bad-annotator")
    folder = resolve_root(root)
    tools = parse_export(fmt, path, user=user, typesystem=typesystem)
    docs, notes = convert_documents(tools, root=folder, mapping_path=mapping_path, doc=doc)
    new = to_frames(docs)
    imported = [d.doc_id for d in docs]
    frames: dict[object, pl.DataFrame] = {}
    for table in ANNOTATION_TABLES:
        old = read_table(folder, table, annotator, missing_ok=True)
        kept = old.filter(~pl.col("doc_id").is_in(imported))
        frames[table] = pl.concat([kept.select(table.columns), new[table]], how="vertical_relaxed")
    written = write_tables(folder, {t: frames[t] for t in ANNOTATION_TABLES}, layer=annotator)
    report = validate(folder, layer=annotator)
    counts = {t.name: new[t].height for t in ANNOTATION_TABLES}
    return ImportResult(
        annotator=annotator,
        layer_dir=folder / LAYERS_FOLDER / annotator,
        documents=imported,
        counts=counts,
        report=report,
        notes=notes,
        written=written,
    )
