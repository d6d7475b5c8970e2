"""The ``split`` command: assign every article to train, validation or test."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from peacetalks.cli._options import RootOpt, corpus_folder
from peacetalks.cli._render import err, out, plural


class GroupBy(StrEnum):
    """``peacetalks.ingest.splits.GROUP_BY``, spelled out: --help does not import the library (a test compares)."""

    story = "story"
    doc = "doc"


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
    root: RootOpt = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the keyed hash (default: the recorded one, else 0).", metavar="N")
    ] = None,
    ratios: Annotated[
        str | None,
        typer.Option(
            help="train,validation,test shares (default: the recorded ones, else 0.8,0.1,0.1).",
            metavar="TRAIN,VALIDATION,TEST",
        ),
    ] = None,
    group_by: Annotated[
        GroupBy | None,
        typer.Option(
            help="Keep together the articles of one story, or split by doc (default: story).", metavar="[story|doc]"
        ),
    ] = None,
    reassign: Annotated[
        bool, typer.Option("--reassign", help="Reassign every article; moves stored ones, logged in splits.yaml.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the assignment without writing it.")] = False,
) -> None:
    """Assign every article to a split (corpus/splits.parquet); stored assignments never move."""
    folder = corpus_folder(root, write=not dry_run)
    from peacetalks.ingest.splits import split_corpus

    result = split_corpus(
        folder,
        seed=seed,
        ratios=_ratios(ratios),
        group_by=None if group_by is None else group_by.value,
        reassign=reassign,
        dry_run=dry_run,
    )
    s = result.settings
    for name, (n, groups) in result.counts().items():
        out.print(f"{name}: {plural(n, 'articles')} in {plural(groups, 'groups')}")
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
            f"{plural(result.moved, 'articles')} moved. Add this line to CHANGELOG.md."
        )
