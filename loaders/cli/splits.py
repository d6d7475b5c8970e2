"""The ``split`` command: assign every article to train, validation or test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import RootOpt
from peacetalks.cli._render import err, out
from peacetalks.ingest.splits import GROUP_BY, split_corpus


def _ratios(value: str | None) -> tuple[float, float, float] | None:
    if value is None:
        return None
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        raise typer.BadParameter(f"{value!r}: expected three numbers like 0.8,0.1,0.1") from None
    if len(parts) != 3:
        raise typer.BadParameter(f"{value!r}: expected three numbers (train,validation,test)")
    return (parts[0], parts[1], parts[2])


def split_cmd(
    root: RootOpt = Path("."),
    seed: Annotated[
        int | None, typer.Option(help="Seed of the keyed hash (default: the recorded one, else 0).")
    ] = None,
    ratios: Annotated[
        str | None, typer.Option(help="train,validation,test shares (default: the recorded ones, else 0.8,0.1,0.1).")
    ] = None,
    group_by: Annotated[
        str | None, typer.Option(help=f"Keep together articles of one: {' or '.join(GROUP_BY)} (default: story).")
    ] = None,
    reassign: Annotated[
        bool, typer.Option("--reassign", help="Reassign every article; moves stored ones, logged in splits.yaml.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the assignment without writing it.")] = False,
) -> None:
    """Assign every article to a split (corpus/splits.parquet); stored assignments never move."""
    result = split_corpus(
        root, seed=seed, ratios=_ratios(ratios), group_by=group_by, reassign=reassign, dry_run=dry_run
    )
    s = result.settings
    for name, (n, groups) in result.counts().items():
        out.print(f"{name}: {n} article(s) in {groups} group(s)")
    err.print(
        f"{result.added} added, {result.kept} kept, {result.moved} moved, {result.removed} removed "
        f"(seed {s.seed}, ratios {','.join(f'{r:g}' for r in s.ratios)}, grouped by {s.group_by})"
    )
    for name in result.empty:
        err.print(f"split {name} is empty: the corpus has too few article groups for the ratios")
    if dry_run:
        err.print("dry run: nothing written")
    elif result.reassigned:
        err.print(
            f"changelog: Splits reassigned (seed {s.seed}, ratios {','.join(f'{r:g}' for r in s.ratios)}): "
            f"{result.moved} article(s) moved. Add this line to CHANGELOG.md."
        )
