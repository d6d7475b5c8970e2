"""The export command: a layer of the corpus in a tool's format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import LayerOpt, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals

# The token formats and their default tag sets, spelled out so that --help imports no library code
# (tests/cli/test_cli.py compares them with peacetalks.interchange.exporters.export).
TOKEN_FORMATS = ("conll2003", "germeval2014", "spacy")
DEFAULT_TAGSETS = {"conll2003": "conll2003", "germeval2014": "germeval2014", "spacy": "peacetalks"}

_TOKEN_FORMATS = ", ".join(TOKEN_FORMATS)
_DEFAULTS = ", ".join(f"{fmt}: {name}" for fmt, name in DEFAULT_TAGSETS.items())


class ExportFormat(StrEnum):
    """``peacetalks.interchange.exporters.export.FORMATS``, spelled out for a fast --help (a test compares)."""

    brat = "brat"
    conll2003 = "conll2003"
    germeval2014 = "germeval2014"
    spacy = "spacy"
    label_studio = "label-studio"
    jsonl = "jsonl"
    uima_xmi = "uima-xmi"
    uima_json = "uima-json"
    webanno_tsv = "webanno-tsv"
    doccano = "doccano"


def export_cmd(
    fmt: Annotated[ExportFormat, typer.Argument(metavar="FORMAT", help="Output format.")],
    target: Annotated[
        Path, typer.Argument(metavar="OUT", help="Output file (a folder for brat, uima-xmi, uima-json, webanno-tsv).")
    ],
    root: RootOpt = None,
    layer: LayerOpt = None,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Export only this article (repeatable).", metavar="DOC_ID")
    ] = None,
    all_articles: Annotated[
        bool, typer.Option("--all-articles", help="Include articles the layer does not annotate (default: left out).")
    ] = False,
    tagset: Annotated[
        str | None,
        typer.Option(
            "--tagset",
            help=f"Tag set of the token formats ({_TOKEN_FORMATS}), as load('tokens', tagset=...) takes it; "
            f"default: the format's own ({_DEFAULTS}).",
            show_default=False,
            metavar="NAME",
        ),
    ] = None,
    mention_type: Annotated[
        list[str] | None,
        typer.Option(
            "--mention-type",
            help="Mention type to tag in the token formats (repeatable; default NAM), as load's mention_types.",
            show_default=False,
            metavar="TYPE",
        ),
    ] = None,
) -> None:
    """Write the annotations for a tool (brat, Label Studio, INCEpTION, doccano) or for training.

    The token formats (conll2003, germeval2014, spacy) hold the tokens, sentences and tags of
    load("tokens"); the other formats keep every annotation as it is and take no --tagset. A tool
    format comes with the mapping file that imports it back; what it cannot carry is a warning.
    """
    if fmt.value not in TOKEN_FORMATS:
        for flag, value in (("--tagset", tagset), ("--mention-type", mention_type)):
            if value is not None:
                raise typer.BadParameter(
                    f"the {fmt.value} export keeps every annotation as it is; {flag} applies to {_TOKEN_FORMATS}",
                    param_hint=f"'{flag}'",
                )
    from peacetalks.interchange.exporters.export import export
    from peacetalks.schema.scheme import load_scheme
    from peacetalks.schema.tagsets import tagsets
    from peacetalks.storage.layers import GOLD

    if tagset is not None and tagset not in tagsets():
        raise typer.BadParameter(f"{tagset!r}: expected one of {', '.join(tagsets())}", param_hint="'--tagset'")
    unknown = sorted(set(mention_type or ()) - set(load_scheme().mention_types))
    if unknown:
        expected = ", ".join(load_scheme().mention_types)
        raise typer.BadParameter(f"{', '.join(unknown)}: expected some of {expected}", param_hint="'--mention-type'")
    folder = corpus_folder(root)
    result = export(
        folder,
        fmt.value,
        target,
        layer=layer or GOLD,
        doc_ids=doc,
        all_articles=all_articles,
        tagset=tagset,
        mention_types=mention_type,
    )
    for note in result.skipped:
        err.print(f"left out: {escape(note)}")
    for warning in result.warnings:
        err.print(f"warning: {escape(warning)}")
    err.print(f"{result.format}: {plural(result.documents, 'documents')} ({plurals(result.counts)})")
    for path in result.files:
        out.print(escape(str(path)))
