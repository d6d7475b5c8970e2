"""`peacetalks view`: write a static HTML site of the corpus (index, article pages, layer comparison)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import LayerOpt
from peacetalks.cli._render import escape, out, plural


def view_cmd(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder of the site (absent, empty, or written by view before).", metavar="DIR"),
    ],
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            "-r",
            help="Corpus folder, or a release folder with its texts (default: as for every command).",
            file_okay=False,
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    layer: LayerOpt = None,
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--compare", help="Mark what layer A has and B has not, and back ('gold' names gold).", metavar="A B"
        ),
    ] = None,
) -> None:
    """Write a static site of the corpus: open DIR/index.html in a browser, no server needed."""
    from peacetalks.view.site import build_site

    site = build_site(root, out_dir, layer=layer or "gold", compare=compare)
    pages = plural(len(site.articles), "article pages")
    extra = (
        f", {plural(len(site.articles), 'comparison pages')} ({site.compare[0]} vs {site.compare[1]})"
        if site.compare
        else ""
    )
    out.print(f"wrote {escape(str(site.out))}: index.html, {pages}, {plural(len(site.charts), 'charts')}{extra}")
    out.print(f"open {escape(str(site.out / 'index.html'))}")
