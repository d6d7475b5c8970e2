"""Commands that compare and merge annotator layers: agree, adjudicate."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._options import FormatOpt, KindOpt, OutputFormat, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals

if TYPE_CHECKING:
    from rich.table import Table

    from peacetalks.review.adjudicate import Adjudication, Mode
    from peacetalks.review.agreement import AgreementReport, KindAgreement
    from peacetalks.review.coreference import ClusterAgreement


class AgreeFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], sections: Sequence[bool]) -> Table:
    """A table whose cells are never cut or folded, headers on two lines where they have two words."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i < 2 else "right", no_wrap=True)
    for row, end_section in zip(rows, sections, strict=True):
        table.add_row(*row, end_section=end_section)
    return table


def _natural_width(table: Table) -> int:
    from rich.measure import Measurement

    return Measurement.get(out, out.options.update(width=10_000), table).maximum


def _score_table(report: AgreementReport, kind: KindAgreement, rules: Sequence[str]) -> Table:
    from peacetalks.review.agreement import ALL_LABELS, MEASURES

    return _table(
        f"{kind.kind}: {escape(report.a)} (A, reference) vs {escape(report.b)} (B)"
        + ("" if len(rules) > 1 else f", {rules[0]} spans"),
        ("item", "label", "A", "B", *(f"{rule if m == 'P' else ''}\n{m}" for rule in rules for m in ("P", "R", "F1"))),
        [
            (
                s.item,
                escape(s.label),
                str(s.n_a),
                str(s.n_b),
                *(_num(getattr(getattr(s, rule), m)) for rule in rules for m in MEASURES),
            )
            for s in kind.scores
        ],
        [s.label == ALL_LABELS for s in kind.scores],
    )


def render_agreement(report: AgreementReport) -> None:
    """The scores and attribute agreement of each kind as tables that fit the terminal, and are never cut.

    Where the table of exact and partial scores is wider than the terminal, it is printed as two tables
    (exact, then partial); where even one is too wide, at its own width (the terminal wraps the lines).
    """
    from peacetalks.review.agreement import RULES

    for kind in report.kinds:
        both = _score_table(report, kind, RULES)
        tables = [both] if _natural_width(both) <= out.width else [_score_table(report, kind, (r,)) for r in RULES]
        tables.append(
            _table(
                f"{kind.kind}: attributes of matched items",
                ("item", "attribute", "pairs", "agreement", "Cohen's\nkappa", "Krippendorff's\nalpha"),
                [
                    (x.item, x.attribute, str(x.pairs), _num(x.observed), _num(x.kappa), _num(x.alpha))
                    for x in kind.attributes
                ],
                [False for _ in kind.attributes],
            )
        )
        tables.extend(_cluster_table(kind, c) for c in kind.clusters if not c.not_scored)
        for table in tables:
            _print_whole(table)
        for c in kind.clusters:
            if c.not_scored:
                out.print(escape(f"{kind.kind}: {c.column} clusters not scored: {c.not_scored}"))


def _cluster_table(kind: KindAgreement, c: ClusterAgreement) -> Table:
    from peacetalks.review.agreement import MEASURES

    return _table(
        f"{kind.kind}: {c.column} clusters of {c.item}s (A {c.n_a} in {c.clusters_a}, B {c.n_b} in {c.clusters_b}; "
        f"{c.matched} matched by span)",
        ("item", "metric", "P", "R", "F1"),
        [(c.item, x.metric, *(_num(getattr(x, m)) for m in MEASURES)) for x in c.scores],
        [False for _ in c.scores],
    )


def _print_whole(table: Table) -> None:
    """Print ``table``, wider than the terminal when it must be (rich would cut its cells to the width)."""
    width, needed = out.width, _natural_width(table)
    if needed <= width:
        out.print(table)
        return
    out.width = needed
    try:
        out.print(table)
    finally:
        out.width = width


def agree_cmd(
    a: Annotated[str, typer.Argument(metavar="A", help="Reference layer under annotations/layers/, or 'gold'.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Compared layer under annotations/layers/, or 'gold'.")],
    kind: KindOpt = None,
    fmt: Annotated[
        AgreeFormat,
        typer.Option(
            "--format",
            help="text for people; json, or csv (one row per label, attribute and cluster score), for programs.",
            metavar="[text|json|csv]",
        ),
    ] = AgreeFormat.text,
    root: RootOpt = None,
) -> None:
    """Agreement of B with A: P/R/F1 per label (exact and partial spans), kappa and alpha on attributes.

    Entity clusters (entity_id) and event clusters (cluster_id) get MUC, B³, CEAF-e, BLANC and CoNLL.
    """
    folder = corpus_folder(root)
    from peacetalks.review.agreement import KINDS, agreement

    kinds = [k.value for k in kind] if kind else list(KINDS)
    report = agreement(folder, a, b, kinds=kinds)
    if fmt is AgreeFormat.json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    elif fmt is AgreeFormat.csv:
        import polars as pl

        from peacetalks.review.agreement import ROW_COLUMNS

        frame = pl.DataFrame(report.rows(), schema=_row_schema(ROW_COLUMNS), orient="row")
        sys.stdout.write(frame.write_csv(float_precision=6))
    else:
        render_agreement(report)


def _row_schema(columns: Sequence[str]) -> dict[str, Any]:
    import polars as pl

    text = {"a", "b", "kind", "section", "item", "name", "note"}
    counts = {"n_a", "n_b", "pairs", "clusters_a", "clusters_b"}
    return {c: pl.String if c in text else pl.Int64 if c in counts else pl.Float64 for c in columns}


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
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 unless the target equals the merge with decisions and corrections."
        ),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record-corrections",
            help="Add what the target has beyond the merge to the review file as corrections, to give reasons.",
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.text,
    root: RootOpt = None,
) -> None:
    """Merge two layers into gold; conflicts go to annotations/review/A--B.yaml for a decision.

    Exit code 1 while conflicts are undecided or corrections lack a rule or reason. Re-run after deciding
    them to complete the merge. Corrections in the review file (gold's changes after the merge, each with
    its guidelines rule and reason) are applied after the decisions.
    """
    if not restore_ and (a is None or b is None):
        raise typer.BadParameter("name two layers A and B (or pass --restore)")
    chosen = [name for name, on in (("--check", check), ("--record-corrections", record), ("--force", force)) if on]
    if len(chosen) > 1 or (chosen and restore_):
        raise typer.BadParameter(f"{' and '.join([*chosen, *(['--restore'] if restore_ else [])])} do not go together")
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
    from peacetalks.review.adjudicate import adjudicate, describe, describe_correction

    # the command line as given, for the review file to tell its reader to run again
    where = [] if root is None else ["--root", str(root)]
    command = shlex.join(["peacetalks", "adjudicate", a, b, *(["--into", into] if into else []), *where])
    mode: Mode = "check" if check else "record" if record else "merge"
    result = adjudicate(folder, a, b, into=target, force=force, command=command, mode=mode)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for conflict in result.conflicts if mode == "merge" or result.pending else []:
            mark = conflict.decision or "undecided"
            out.print(escape(f"[{mark}] {describe(conflict)}"))
        for correction in result.differences or result.recorded:
            out.print(escape(f"[{'not recorded' if check else 'recorded'}] {describe_correction(correction)}"))
        for note in result.notes:
            err.print(f"note: {escape(note)}")
    err.print(
        f"agreed: {plurals(result.agreed)}; "
        f"{plural(len(result.conflicts), 'conflicts')} ({len(result.pending)} undecided); "
        f"{plural(len(result.corrections), 'corrections')}"
    )
    if result.status == "pending":
        err.print(f"decide every conflict in {result.review_file}, then run this command again")
        raise typer.Exit(1)
    if result.status in ("recorded", "differs"):
        _report_record(result, command)
        return
    if result.status == "unchanged" and check:
        err.print(
            f"{escape(result.into)} == merge of {escape(a)} and {escape(b)} + "
            f"{plural(sum(c.decision is not None for c in result.conflicts), 'decisions')} + "
            f"{plural(len(result.corrections), 'corrections')}"
        )
        return
    if result.status == "unchanged":
        err.print(f"{result.into} already holds this merge; nothing written")
    else:
        if result.backup:
            err.print(f"previous {result.into} kept in {result.backup}")
        err.print(f"wrote {', '.join(result.written)}")


def _report_record(result: Adjudication, command: str) -> None:
    """What --record-corrections added, or what --check found unrecorded; exit 1 while anything is left to do."""
    if result.status == "differs":
        err.print(
            f"{escape(result.into)} differs from the merge in "
            f"{plural(len(result.differences), 'items')} no correction records; record them with "
            f"'{escape(command)} --record-corrections' and give each its rule and reason"
        )
        raise typer.Exit(1)
    if result.recorded:
        err.print(f"recorded {plural(len(result.recorded), 'corrections')} in {result.review_file}")
    else:
        err.print(f"nothing to record: {escape(result.into)} is the merge with the corrections of {result.review_file}")
    missing = result.without_reason
    if missing:
        err.print(
            f"give each of the {plural(len(missing), 'corrections')} without one its 'rule' (the guidelines' section) "
            f"and 'reason' in {result.review_file}, then check with '{escape(command)} --check'"
        )
        raise typer.Exit(1)
