"""Commands that compare and merge annotator layers: agree, adjudicate."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from peacetalks.cli._options import FormatOpt, KindOpt, OutputFormat, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals

if TYPE_CHECKING:
    from peacetalks.review.agreement import AgreementReport


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_agreement(report: AgreementReport) -> None:
    from rich.table import Table

    for kind in report.kinds:
        table = Table(title=f"{kind.kind}: {escape(report.a)} (A, reference) vs {escape(report.b)} (B)")
        for column in (
            "item",
            "label",
            "A",
            "B",
            "exact P",
            "exact R",
            "exact F1",
            "partial P",
            "partial R",
            "partial F1",
        ):
            table.add_column(
                column, justify="left" if column in ("item", "label") else "right", no_wrap=column in ("item", "label")
            )
        for s in kind.scores:
            table.add_row(
                s.item,
                s.label,
                str(s.n_a),
                str(s.n_b),
                *(_num(v) for v in (s.exact.precision, s.exact.recall, s.exact.f1)),
                *(_num(v) for v in (s.partial.precision, s.partial.recall, s.partial.f1)),
                end_section=s.label == "(all)",
            )
        out.print(table)
        attrs = Table(title=f"{kind.kind}: attributes of matched items")
        for column in ("item", "attribute", "pairs", "agreement", "Cohen's kappa", "Krippendorff's alpha"):
            attrs.add_column(column, justify="left" if column in ("item", "attribute") else "right")
        for x in kind.attributes:
            attrs.add_row(x.item, x.attribute, str(x.pairs), _num(x.observed), _num(x.kappa), _num(x.alpha))
        out.print(attrs)


def agree_cmd(
    a: Annotated[str, typer.Argument(metavar="A", help="Reference layer under annotations/layers/, or 'gold'.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Compared layer under annotations/layers/, or 'gold'.")],
    kind: KindOpt = None,
    fmt: FormatOpt = OutputFormat.text,
    root: RootOpt = None,
) -> None:
    """Agreement of B with A: P/R/F1 per label (exact and partial spans), kappa and alpha on attributes."""
    folder = corpus_folder(root)
    from peacetalks.review.agreement import KINDS, agreement

    kinds = [k.value for k in kind] if kind else list(KINDS)
    report = agreement(folder, a, b, kinds=kinds)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        render_agreement(report)


def adjudicate_cmd(
    a: Annotated[str | None, typer.Argument(metavar="A", help="First annotator layer.", show_default=False)] = None,
    b: Annotated[str | None, typer.Argument(metavar="B", help="Second annotator layer.", show_default=False)] = None,
    into: Annotated[
        str | None,
        typer.Option("--into", help="Where the merge goes: 'gold' (the default) or a layer name.", metavar="NAME"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing, different target (it is backed up first).")
    ] = False,
    restore_: Annotated[
        bool, typer.Option("--restore", help="Put the newest backup of the target back (or --backup NAME).")
    ] = False,
    backup_name: Annotated[
        str | None, typer.Option("--backup", help="With --restore: the backup folder name to restore.", metavar="NAME")
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
    root: RootOpt = None,
) -> None:
    """Merge two layers into gold; conflicts go to annotations/review/A--B.yaml for a decision.

    Exit code 1 while conflicts are undecided. Re-run after deciding them to complete the merge.
    """
    if not restore_ and (a is None or b is None):
        raise typer.BadParameter("name two layers A and B (or pass --restore)")
    folder = corpus_folder(root, write=True)
    from peacetalks.storage.layers import GOLD

    target = into or GOLD
    if restore_:
        from peacetalks.review.gold_history import restore

        done = restore(folder, target, backup_name)
        err.print(f"restored {done.target} from {done.restored_from}")
        if done.previous_saved_to:
            err.print(f"the replaced {done.target} is kept in {done.previous_saved_to}")
        return
    assert a is not None
    assert b is not None
    from peacetalks.review.adjudicate import adjudicate, describe

    result = adjudicate(folder, a, b, into=target, force=force)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for conflict in result.conflicts:
            mark = conflict.decision or "undecided"
            out.print(escape(f"[{mark}] {describe(conflict)}"))
        for note in result.notes:
            err.print(f"note: {escape(note)}")
    err.print(
        f"agreed: {plurals(result.agreed)}; "
        f"{plural(len(result.conflicts), 'conflicts')} ({len(result.pending)} undecided)"
    )
    if result.status == "pending":
        err.print(f"decide every conflict in {result.review_file}, then run this command again")
        raise typer.Exit(1)
    if result.status == "unchanged":
        err.print(f"{result.into} already holds this merge; nothing written")
    else:
        if result.backup:
            err.print(f"previous {result.into} kept in {result.backup}")
        err.print(f"wrote {', '.join(result.written)}")
