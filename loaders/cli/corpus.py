"""Commands that read or change the corpus: validate, ingest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from peacetalks.cli._options import FormatOpt, LayerOpt, OutputFormat, RootArg, RootOpt
from peacetalks.cli._render import err, out
from peacetalks.ingest.ingest import DEFAULT_LICENSE, ingest
from peacetalks.validation.validate import validate


def validate_cmd(root: RootArg = None, layer: LayerOpt = None, fmt: FormatOpt = OutputFormat.text) -> None:
    """Check every table against the scheme and each other; list every problem. Never writes."""
    report = validate(root, layer=layer)
    if fmt is OutputFormat.json:
        out.print_json(report.to_json())
    else:
        for issue in report.issues:
            out.print(escape(issue.render()))
        checked = ", ".join(f"{n} {name}" for name, n in report.checked.items())
        if report.valid:
            err.print(f"valid: {checked}")
        else:
            counts = ", ".join(f"{c} x{n}" for c, n in report.count_by_code().items())
            err.print(f"invalid: {len(report.issues)} problem(s) ({escape(counts)}); checked {checked}")
    if not report.valid:
        raise typer.Exit(1)


def ingest_cmd(
    path: Annotated[Path, typer.Argument(help="Article in the raw tagesschau form.", dir_okay=False)],
    source: Annotated[str, typer.Option(help="Outlet, e.g. tagesschau.")],
    published: Annotated[dt.datetime, typer.Option(help="Publication date, YYYY-MM-DD.", formats=["%Y-%m-%d"])],
    root: RootOpt = Path("."),
    url: Annotated[str | None, typer.Option(help="The article's URL, if known.")] = None,
    license: Annotated[str, typer.Option("--license", help="Licence id from schema/scheme.yaml.")] = DEFAULT_LICENSE,
    kicker: Annotated[str | None, typer.Option(help="The kicker, if the automatic split is wrong.")] = None,
    story: Annotated[str | None, typer.Option(help="Story id grouping articles on one event (for splits).")] = None,
    rebase: Annotated[bool, typer.Option("--rebase", help="Move annotations onto a changed text.")] = False,
) -> None:
    """Add an article to corpus/ (articles.parquet and blocks.parquet). Idempotent."""
    result = ingest(
        path,
        root=root,
        source=source,
        published=published.date(),
        url=url,
        license=license,
        kicker=kicker,
        story_id=story,
        rebase_annotations=rebase,
    )
    kinds = [b.kind for b in result.article.blocks]
    out.print(
        f"{result.status}: {result.doc_id} ({len(result.article.text)} characters, "
        f"{kinds.count('paragraph')} paragraphs, {kinds.count('subheading')} subheadings)"
    )
    out.print(f"kicker: {escape(result.article.kicker)!s}\nheadline: {escape(result.article.headline)}")
    for where, ids in result.dropped.items():
        err.print(f"dropped from {where} (text changed under them): {', '.join(ids)}")
