"""Commands that bring annotations in from annotation tools: import."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import KindOpt, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals


class ImportFormat(StrEnum):
    """The keys of ``peacetalks.interchange.importers.import_layer.FORMATS`` (a test compares)."""

    brat = "brat"
    uima_xmi = "uima-xmi"
    uima_json = "uima-json"
    webanno_tsv = "webanno-tsv"
    label_studio = "label-studio"
    doccano = "doccano"


def import_cmd(
    fmt: Annotated[ImportFormat, typer.Argument(metavar="FORMAT", help="The tool's export format.")],
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="The export: a file, or a folder (of brat .txt/.ann pairs; of INCEpTION .xmi, .json or .tsv files).",
        ),
    ],
    annotator: Annotated[
        str, typer.Option(help="Annotator layer to write (annotations/layers/NAME/).", metavar="NAME")
    ],
    root: RootOpt = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="YAML file mapping the tool's labels, roles and attributes onto the scheme.", metavar="PATH"),
    ] = None,
    doc: Annotated[
        str | None, typer.Option(help="The article's doc_id, when the export holds one document.", metavar="DOC_ID")
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Keep one annotator's annotations (doccano, Label Studio).", metavar="NAME")
    ] = None,
    typesystem: Annotated[
        Path | None,
        typer.Option(help="TypeSystem.xml of a uima-xmi export when it is not beside the file.", metavar="PATH"),
    ] = None,
    complete: Annotated[
        bool,
        typer.Option(
            "--complete",
            help="The pass is finished: mark the imported articles complete in the layer (default: in-progress).",
        ),
    ] = False,
    kind: KindOpt = None,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Write the layer even when the export yields no annotation.")
    ] = False,
) -> None:
    """Import a tool's export into an annotator layer, validate the layer and report. Never touches gold."""
    folder = corpus_folder(root, write=True)
    from peacetalks.interchange.importers.import_layer import import_layer
    from peacetalks.storage.status import KINDS

    if kind and not complete:
        raise typer.BadParameter("--kind says which kinds --complete marks; give --complete too", param_hint="--kind")
    done = ([k.value for k in kind] if kind else list(KINDS)) if complete else []
    rest = [k for k in KINDS if k not in done]
    result = import_layer(
        fmt.value,
        path,
        annotator=annotator,
        root=folder,
        mapping_path=mapping,
        doc=doc,
        user=user,
        typesystem=typesystem,
        complete=done,
        allow_empty=allow_empty,
    )
    for note in result.notes:
        err.print(f"note: {escape(note)}")
    out.print(
        f"imported {plural(len(result.documents), 'documents')} into {escape(str(result.layer_dir))}: "
        f"{plurals(result.counts)}"
    )
    states = [f"complete for {', '.join(done)}"] * bool(done) + [f"in-progress for {', '.join(rest)}"] * bool(rest)
    err.print(f"status of the imported articles in layer {escape(annotator)}: {'; '.join(states)}")
    if result.report.valid:
        err.print(f"layer {escape(annotator)} valid")
        return
    for issue in result.report.issues:
        out.print(escape(issue.render()))
    err.print(
        f"layer {escape(annotator)} invalid: {plural(len(result.report.issues), 'problems')}; "
        "fix them in the tool and re-import"
    )
    raise typer.Exit(1)
