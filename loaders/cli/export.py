"""The export command: a layer of the corpus in a tool's format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import LayerOpt, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals


class ExportFormat(StrEnum):
    """The keys of ``peacetalks.interchange.exporters.export.EXPORTERS`` (a test compares)."""

    brat = "brat"
    conll2003 = "conll2003"
    germeval2014 = "germeval2014"
    spacy = "spacy"
    label_studio = "label-studio"
    jsonl = "jsonl"


def export_cmd(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="Output format.")],
    target: Annotated[Path, typer.Argument(metavar="OUT", help="Output file (a folder for brat).")],
    root: RootOpt = None,
    layer: LayerOpt = None,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Export only this article (repeatable).", metavar="DOC_ID")
    ] = None,
    all_articles: Annotated[
        bool, typer.Option("--all-articles", help="Include articles the layer does not annotate (default: left out).")
    ] = False,
) -> None:
    """Write the annotations as brat, CoNLL-2003, GermEval 2014, spaCy DocBin, Label Studio tasks or JSONL."""
    folder = corpus_folder(root)
    from peacetalks.interchange.exporters.export import export
    from peacetalks.storage.layers import GOLD

    result = export(folder, fmt.value, target, layer=layer or GOLD, doc_ids=doc, all_articles=all_articles)
    for note in result.skipped:
        err.print(f"left out: {escape(note)}")
    err.print(f"{result.format}: {plural(result.documents, 'documents')} ({plurals(result.counts)})")
    for path in result.files:
        out.print(escape(str(path)))
