"""`peacetalks card`: regenerate or check the generated sections of DATACARD.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import RootArg
from peacetalks.cli._render import err, out
from peacetalks.release.datacard import stale_sections, update_card


def card_cmd(
    root: RootArg = None,
    card: Annotated[Path, typer.Option(help="The data card to update.", dir_okay=False)] = Path("DATACARD.md"),
    check: Annotated[bool, typer.Option("--check", help="Only report stale sections; exit 1 if any.")] = False,
) -> None:
    """Regenerate the statistics in the data card from the data."""
    if check:
        stale = stale_sections(card, root)
        if stale:
            err.print(f"{card}: stale generated section(s): {', '.join(stale)}; run 'peacetalks card'")
            raise typer.Exit(1)
        err.print(f"{card}: up to date")
        return
    changed = update_card(card, root)
    out.print(f"{card}: updated {', '.join(changed)}" if changed else f"{card}: already up to date")
