"""The export command: a layer of the corpus in a tool's format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from peacetalks.cli._render import err, out
from peacetalks.interchange.exporters.export import export
from peacetalks.storage.layers import GOLD


class ExportFormat(StrEnum):
    brat = "brat"
    conll2003 = "conll2003"
    germeval2014 = "germeval2014"
    spacy = "spacy"
    label_studio = "label-studio"
    jsonl = "jsonl"


def export_cmd(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="Output format.")],
    target: Annotated[Path, typer.Argument(metavar="OUT", help="Output file (a folder for brat).")],
    root: Annotated[
        Path | None, typer.Option("--root", help="Corpus folder (default: the bundled corpus).", file_okay=False)
    ] = None,
    layer: Annotated[str, typer.Option("--layer", help="An annotator layer instead of gold.")] = GOLD,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Export only this article (repeatable).")] = None,
    all_articles: Annotated[
        bool, typer.Option("--all-articles", help="Include articles the layer does not annotate (default: left out).")
    ] = False,
) -> None:
    """Write the annotations as brat, CoNLL-2003, GermEval 2014, spaCy DocBin, Label Studio tasks or JSONL."""
    result = export(root, fmt.value, target, layer=layer, doc_ids=doc, all_articles=all_articles)
    for note in result.skipped:
        err.print(f"left out: {escape(note)}")
    numbers = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    err.print(f"{result.format}: {result.documents} document(s) ({numbers})")
    for path in result.files:
        out.print(escape(str(path)))
