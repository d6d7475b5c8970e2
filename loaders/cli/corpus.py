"""Commands that read or change the corpus: validate, ingest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._options import FormatOpt, LayerOpt, OutputFormat, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals

# Each command imports the library when it runs, so that building the command line (and --help) does not.


def validate_cmd(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH",
            help="Same as --root (kept for 'peacetalks validate PATH').",
            hidden=True,
            show_default=False,
        ),
    ] = None,
    root: RootOpt = None,
    layer: LayerOpt = None,
    fmt: FormatOpt = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too (exit 1).")] = False,
) -> None:
    """Check every table against the scheme and each other; list every problem. Never writes.

    Errors fail (exit 1); warnings are listed and fail only with --strict.
    """
    if path is not None and root is not None:
        raise typer.BadParameter("give the corpus folder once: either PATH or --root", param_hint="PATH")
    folder = corpus_folder(root if path is None else path)
    from peacetalks.validation.validate import validate

    report = validate(folder, layer=layer)
    if fmt is OutputFormat.json:
        out.print_json(report.to_json())
    else:
        for issue in report.issues:
            out.print(escape(issue.render()))
        checked = plurals(report.checked)
        counts = escape(", ".join(f"{c} x{n}" for c, n in report.count_by_code().items()))
        warned = f"{plural(len(report.warnings), 'warnings')}" if report.warnings else ""
        if not report.valid:
            also = f" and {warned}" if warned else ""
            err.print(f"invalid: {plural(len(report.errors), 'errors')}{also} ({counts}); checked {checked}")
        elif warned:
            verdict = "invalid (--strict)" if strict else "valid"
            err.print(f"{verdict}: {warned} ({counts}); checked {checked}")
        else:
            err.print(f"valid: {checked}")
    if not report.passes(strict=strict):
        raise typer.Exit(1)


def ingest_cmd(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Article in the raw tagesschau form.", dir_okay=False)],
    source: Annotated[str, typer.Option(help="Outlet, e.g. tagesschau.", metavar="NAME")],
    published: Annotated[
        dt.datetime, typer.Option(help="Publication date.", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")
    ],
    root: RootOpt = None,
    url: Annotated[str | None, typer.Option(help="The article's URL, if known.", metavar="URL")] = None,
    license: Annotated[  # noqa: A002  # the articles table's column is called license
        str | None,
        typer.Option("--license", help="Licence id from schema/scheme.yaml (default: tagesschau-terms).", metavar="ID"),
    ] = None,
    kicker: Annotated[
        str | None, typer.Option(help="The kicker, if the automatic split is wrong.", metavar="TEXT")
    ] = None,
    story: Annotated[
        str | None, typer.Option(help="Story id grouping articles on one event (for splits).", metavar="ID")
    ] = None,
    rebase: Annotated[bool, typer.Option("--rebase", help="Move annotations onto a changed text.")] = False,
) -> None:
    """Add an article to corpus/ (articles.parquet and blocks.parquet). Idempotent."""
    folder = corpus_folder(root, write=True, new=True)  # the first article starts a corpus
    from peacetalks.ingest.ingest import DEFAULT_LICENSE, ingest

    result = ingest(
        path,
        root=folder,
        source=source,
        published=published.date(),
        url=url,
        license=license or DEFAULT_LICENSE,
        kicker=kicker,
        story_id=story,
        rebase_annotations=rebase,
    )
    kinds = [b.kind for b in result.article.blocks]
    shape = plurals(
        {
            "characters": len(result.article.text),
            "paragraphs": kinds.count("paragraph"),
            "subheadings": kinds.count("subheading"),
        }
    )
    out.print(f"{result.status}: {result.doc_id} ({shape})")
    if result.collided_with:
        err.print(
            f"note: {result.collided_with} is another article (its headline or url differs), so this one is "
            f"{result.doc_id}"
        )
    out.print(f"kicker: {escape(result.article.kicker)!s}\nheadline: {escape(result.article.headline)}")
    for where, ids in result.dropped.items():
        err.print(f"dropped from {escape(where)}: {escape(', '.join(ids))}")
    for cause, keys in result.dependents.items():
        err.print(f"  {escape(cause)} (its text changed) took with it: {escape(', '.join(keys))}")
    for warning in result.warnings:
        err.print(escape(warning.render()))
        if warning.code == "standoff-without-url":
            err.print("hint: give the article's address with --url URL when it is known")
