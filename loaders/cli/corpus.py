"""Commands that read or change the corpus: validate, init, ingest, remove, shard."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._options import (
    EngineOpt,
    FormatOpt,
    LayerOpt,
    OutputFormat,
    RayAddressOpt,
    RootOpt,
    corpus_folder,
    engine_of,
)
from peacetalks.cli._render import err, escape, out, plural, plurals

if TYPE_CHECKING:
    from peacetalks.ingest.ingest import IngestSummary

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
    engine: EngineOpt = None,
    ray_address: RayAddressOpt = None,
) -> None:
    """Check every table against the scheme and each other; list every problem. Never writes.

    Errors fail (exit 1); warnings are listed and fail only with --strict.
    """
    if path is not None and root is not None:
        raise typer.BadParameter("give the corpus folder once: either PATH or --root", param_hint="PATH")
    run_on = engine_of(engine, ray_address)
    folder = corpus_folder(root if path is None else path)
    from peacetalks.validation.validate import validate

    report = validate(folder, layer=layer, engine=run_on.value, ray_address=ray_address)
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


def init_cmd(
    path: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="The folder to make a corpus of (created if absent).", file_okay=False),
    ] = Path(),
) -> None:
    """Make an empty corpus folder (every table, no rows; split settings; corpus/raw/) that validates."""
    from peacetalks.ingest.init import init_corpus

    result = init_corpus(path)
    out.print(f"initialised {escape(str(result.root))}: {plural(len(result.written), 'files')}")
    err.print(f"next: peacetalks ingest FILE... --source NAME --published YYYY-MM-DD -r {escape(str(result.root))}")


ONE_ARTICLE = "Only with a single input: it describes one article."


def ingest_cmd(
    # Not a required list[str]: typer would coerce it through pydantic (0.3 s) even for --help.
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INPUT",
            help="Files, folders or glob patterns: articles in the raw tagesschau form (.txt), JSONL records "
            "(.jsonl, one article a line; fields in the README) or saved HTML pages (.html).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Outlet, e.g. tagesschau (a JSONL record's 'source' wins).", metavar="NAME")
    ] = None,
    published: Annotated[
        dt.datetime | None,
        typer.Option(
            help="Publication date (a JSONL record's 'date' wins).", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD"
        ),
    ] = None,
    root: RootOpt = None,
    url: Annotated[str | None, typer.Option(help=f"The article's URL. {ONE_ARTICLE}", metavar="URL")] = None,
    license: Annotated[  # noqa: A002  # the articles table's column is called license
        str | None,
        typer.Option("--license", help="Licence id from schema/scheme.yaml (default: tagesschau-terms).", metavar="ID"),
    ] = None,
    kicker: Annotated[
        str | None, typer.Option(help=f"The kicker, if the automatic split is wrong. {ONE_ARTICLE}", metavar="TEXT")
    ] = None,
    story: Annotated[
        str | None, typer.Option(help=f"Story id grouping articles on one event. {ONE_ARTICLE}", metavar="ID")
    ] = None,
    rebase: Annotated[bool, typer.Option("--rebase", help="Move annotations onto a changed text.")] = False,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Add articles to corpus/ (articles, blocks, status; the source under corpus/raw/). Idempotent.

    Every input is added or refused on its own; exit 1 when any was refused.
    """
    if not inputs:
        raise typer.BadParameter("name at least one file, folder or pattern", param_hint="INPUT")
    single = len(inputs) == 1 and Path(inputs[0]).is_file()
    for name, value in (("--url", url), ("--kicker", kicker), ("--story", story)):
        if value is not None and not single:
            raise typer.BadParameter(f"{name} describes one article: give a single file with it", param_hint=name)
    folder = corpus_folder(root, write=True)
    from peacetalks.ingest.ingest import IngestOptions, ingest_many

    options = IngestOptions(
        source=source,
        published=None if published is None else published.date(),
        url=url,
        license=license,
        kicker=kicker,
        story_id=story,
        rebase_annotations=rebase,
    )
    with _progress() as progress:
        summary = ingest_many(inputs, root=folder, options=options, progress=progress)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(_summary_json(summary), ensure_ascii=False, default=str))
    else:
        _print_summary(summary, many=not single)
    if not summary.ok:
        raise typer.Exit(1)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr while inputs are read (none when stderr is not a terminal)."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, where: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(Path(where).name if where else ""))

        yield update


def _print_summary(summary: IngestSummary, *, many: bool) -> None:
    from peacetalks.cli._errors import error_lines

    for result in summary.results:
        kinds = [b.kind for b in result.article.blocks]
        shape = plurals(
            {
                "characters": len(result.article.text),
                "paragraphs": kinds.count("paragraph"),
                "subheadings": kinds.count("subheading"),
            }
        )
        origin = f" from {escape(result.where)}" if many else ""
        out.print(f"{result.status}: {result.doc_id} ({shape}){origin}")
        if result.collided_with:
            err.print(
                f"note: {result.collided_with} is another article (its headline or url differs), so this one is "
                f"{result.doc_id}"
            )
        if result.status != "unchanged":
            out.print(f"kicker: {escape(result.article.kicker)!s}\nheadline: {escape(result.article.headline)}")
        for other, similarity in result.near_duplicates:
            err.print(f"note: {result.doc_id} is a near-duplicate of {other} (similarity {similarity:.2f})")
        for where, ids in result.dropped.items():
            err.print(f"dropped from {escape(where)}: {escape(', '.join(ids))}")
        for cause, keys in result.dependents.items():
            err.print(f"  {escape(cause)} (its text changed) took with it: {escape(', '.join(keys))}")
        for warning in result.warnings:
            err.print(escape(warning.render()))
            if warning.code == "standoff-without-url":
                err.print("hint: give the article's address with --url URL when it is known")
    for refused in summary.refused:
        for line in error_lines(refused.error):
            err.print(escape(line))
    counts = summary.counts()
    inputs = len(summary.results) + len(summary.refused)
    err.print(f"{plural(inputs, 'articles')} read: " + ", ".join(f"{n} {status}" for status, n in counts.items()))


def _summary_json(summary: IngestSummary) -> dict[str, Any]:
    from peacetalks.cli._errors import error_json

    return {
        "counts": summary.counts(),
        "results": [
            {
                "where": r.where,
                "doc_id": r.doc_id,
                "status": r.status,
                "raw_file": r.raw_file,
                "collided_with": r.collided_with,
                "near_duplicates": [{"doc_id": d, "similarity": round(s, 4)} for d, s in r.near_duplicates],
                "dropped": r.dropped,
                "warnings": [w.to_dict() for w in r.warnings],
            }
            for r in summary.results
        ],
        "refused": [{"where": r.where, **error_json(r.error)} for r in summary.refused],
    }


def remove_cmd(
    root: RootOpt = None,
    # Not a required list[str]: typer would coerce it through pydantic (0.3 s) even for --help.
    doc_ids: Annotated[
        list[str] | None, typer.Argument(metavar="DOC_ID", help="The articles to remove.", show_default=False)
    ] = None,
    with_annotations: Annotated[
        bool,
        typer.Option("--with-annotations", help="Remove their annotations too (gold and every layer)."),
    ] = False,
) -> None:
    """Remove articles with all their rows and source files; what is removed is backed up under corpus/removed/."""
    if not doc_ids:
        raise typer.BadParameter("name at least one article", param_hint="DOC_ID")
    folder = corpus_folder(root, write=True)
    from peacetalks.ingest.remove import remove_articles

    result = remove_articles(folder, doc_ids, with_annotations=with_annotations)
    out.print(f"removed {plural(len(result.doc_ids), 'articles')}: {', '.join(result.doc_ids)}")
    rows = ", ".join(f"{escape(name)} {n}" for name, n in result.rows.items())
    err.print(f"rows removed: {rows}; source files: {len(result.raw_files)}; backup: {result.backup}/")


def shard_cmd(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="ROOT", help="Same as --root.", show_default=False),
    ] = None,
    root: RootOpt = None,
    shards: Annotated[
        int, typer.Option("--shards", help="Cut every table into N shards of about as many articles.", metavar="N")
    ] = 0,
    docs_per_shard: Annotated[
        int,
        typer.Option(
            "--docs-per-shard", help="Cut every table into shards of K articles (the last: the rest).", metavar="K"
        ),
    ] = 0,
    single: Annotated[bool, typer.Option("--single", help="Write every table as one file again.")] = False,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Convert the corpus between one file per table and shard folders (part-00000.parquet, ...), all or nothing.

    Every table of the corpus, of gold and of every layer is cut at the same articles: contiguous ranges
    of doc_id, so the shards read in order give the rows of the single file.
    """
    if path is not None and root is not None:
        raise typer.BadParameter("give the corpus folder once: either ROOT or --root", param_hint="ROOT")
    given = [
        name for name, on in (("--shards", shards), ("--docs-per-shard", docs_per_shard), ("--single", single)) if on
    ]
    if len(given) != 1:
        raise typer.BadParameter(
            f"give exactly one of --shards, --docs-per-shard and --single (got {', '.join(given) or 'none'})"
        )
    if min(shards, docs_per_shard) < 0:
        raise typer.BadParameter(f"{given[0]} must be 1 or more")
    folder = corpus_folder(root if path is None else path, write=True)
    from peacetalks.storage.reshard import shard_corpus

    result = shard_corpus(folder, shards=shards or None, docs_per_shard=docs_per_shard or None, single=single)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict()))
        return
    if not result.tables:
        out.print(f"the corpus is {_layout(result.after)} already: nothing rewritten")
        return
    out.print(
        f"{plural(result.documents, 'articles')}: {_layout(result.before)} -> {_layout(result.after)}; "
        f"{plural(len(result.tables), 'tables')} rewritten"
    )


def _layout(shards: int) -> str:
    return "single-file" if shards == 0 else plural(shards, "shards")
