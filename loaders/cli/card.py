"""`peacetalks card`: regenerate or check the generated sections of DATACARD.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural


def card_cmd(
    root: RootOpt = None,
    card: Annotated[
        Path | None,
        typer.Option(help="The data card (default: DATACARD.md in the corpus folder).", dir_okay=False, metavar="PATH"),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Only report stale sections; exit 1 if any.")] = False,
) -> None:
    """Regenerate the statistics in the data card from the data."""
    folder = corpus_folder(root, write=not check and card is None)  # --card PATH: only that file is written
    from peacetalks.release.datacard import card_file, stale_sections, update_card

    path = card or card_file(folder)
    name = escape(str(path))
    if check:
        stale = stale_sections(path, folder)
        if stale:
            err.print(
                f"{name}: {plural(len(stale), 'stale generated sections')} ({', '.join(stale)}); run 'peacetalks card'"
            )
            raise typer.Exit(1)
        err.print(f"{name}: up to date")
        return
    changed = update_card(path, folder)
    out.print(f"{name}: updated {', '.join(changed)}" if changed else f"{name}: already up to date")
