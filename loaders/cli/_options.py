"""Options shared by several commands."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


RootArg = Annotated[
    Path | None,
    typer.Argument(
        help="Corpus folder with corpus/ and annotations/ (default: the bundled corpus).", show_default=False
    ),
]
RootOpt = Annotated[
    Path,
    typer.Option("--root", help="Corpus folder to change (with corpus/ and annotations/).", file_okay=False),
]
LayerOpt = Annotated[
    str | None,
    typer.Option("--layer", help="An annotator layer under annotations/layers/ instead of gold."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
