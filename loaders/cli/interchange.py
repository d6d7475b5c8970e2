"""Commands that bring annotations in from annotation tools: import."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from peacetalks.cli._options import RootOpt
from peacetalks.cli._render import err, out
from peacetalks.interchange.importers.import_layer import FORMATS, import_layer

ImportFormat = StrEnum("ImportFormat", {name: name for name in FORMATS})  # type: ignore[misc]  # built from the one format list


def import_cmd(
    fmt: Annotated[ImportFormat, typer.Argument(metavar="FORMAT", help="The tool's export format.")],
    path: Annotated[Path, typer.Argument(help="The export: a file, or a folder of brat .txt/.ann pairs.")],
    annotator: Annotated[str, typer.Option(help="Annotator layer to write (annotations/layers/NAME/).")],
    root: RootOpt = Path("."),
    mapping: Annotated[
        Path | None, typer.Option(help="YAML file mapping the tool's labels, roles and attributes onto the scheme.")
    ] = None,
    doc: Annotated[str | None, typer.Option(help="The article's doc_id, when the export holds one document.")] = None,
    user: Annotated[str | None, typer.Option(help="Keep one annotator's annotations (doccano, Label Studio).")] = None,
    typesystem: Annotated[
        Path | None, typer.Option(help="TypeSystem.xml of a uima-xmi export when it is not beside the file.")
    ] = None,
) -> None:
    """Import a tool's export into an annotator layer, validate the layer and report. Never touches gold."""
    result = import_layer(
        str(fmt.value),
        path,
        annotator=annotator,
        root=root,
        mapping_path=mapping,
        doc=doc,
        user=user,
        typesystem=typesystem,
    )
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    for note in result.notes:
        err.print(f"note: {escape(note)}")
    out.print(f"imported {len(result.documents)} document(s) into {escape(str(result.layer_dir))}: {counts}")
    if result.report.valid:
        err.print(f"layer {escape(annotator)} valid")
        return
    for issue in result.report.issues:
        out.print(escape(issue.render()))
    err.print(
        f"layer {escape(annotator)} invalid: {len(result.report.issues)} problem(s); fix them in the tool and re-import"
    )
    raise typer.Exit(1)
