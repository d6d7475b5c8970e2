"""The export command: a layer of the corpus in a tool's format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from peacetalks.cli._render import err, out
from peacetalks.interchange.exporters.export import DEFAULT_TAGSETS, TOKEN_EXPORTERS, export
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import tagsets
from peacetalks.storage.layers import GOLD

_TOKEN_FORMATS = ", ".join(TOKEN_EXPORTERS)
_DEFAULTS = ", ".join(f"{fmt}: {name}" for fmt, name in DEFAULT_TAGSETS.items())


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
    tagset: Annotated[
        str | None,
        typer.Option(
            "--tagset",
            help=f"Tag set of the token formats ({_TOKEN_FORMATS}), as load('tokens', tagset=...) takes it; "
            f"default: the format's own ({_DEFAULTS}).",
            show_default=False,
        ),
    ] = None,
    mention_type: Annotated[
        list[str] | None,
        typer.Option(
            "--mention-type",
            help="Mention type to tag in the token formats (repeatable; default NAM), as load's mention_types.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the annotations as brat, CoNLL-2003, GermEval 2014, spaCy DocBin, Label Studio tasks or JSONL.

    The token formats (conll2003, germeval2014, spacy) hold the tokens, sentences and tags of
    load("tokens"); the other formats keep every annotation as it is and take no --tagset.
    """
    if fmt.value not in TOKEN_EXPORTERS:
        for flag, value in (("--tagset", tagset), ("--mention-type", mention_type)):
            if value is not None:
                raise typer.BadParameter(
                    f"the {fmt.value} export keeps every annotation as it is; {flag} applies to {_TOKEN_FORMATS}",
                    param_hint=f"'{flag}'",
                )
    if tagset is not None and tagset not in tagsets():
        raise typer.BadParameter(f"{tagset!r}: expected one of {', '.join(tagsets())}", param_hint="'--tagset'")
    unknown = sorted(set(mention_type or ()) - set(load_scheme().mention_types))
    if unknown:
        expected = ", ".join(load_scheme().mention_types)
        raise typer.BadParameter(f"{', '.join(unknown)}: expected some of {expected}", param_hint="'--mention-type'")
    result = export(
        root,
        fmt.value,
        target,
        layer=layer,
        doc_ids=doc,
        all_articles=all_articles,
        tagset=tagset,
        mention_types=mention_type,
    )
    for note in result.skipped:
        err.print(f"left out: {escape(note)}")
    numbers = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    err.print(f"{result.format}: {result.documents} document(s) ({numbers})")
    for path in result.files:
        out.print(escape(str(path)))
