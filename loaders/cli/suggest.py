"""The suggest command: machine suggestions for the articles not yet annotated, as a machine layer."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from peacetalks.cli._options import FormatOpt, OutputFormat, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural, plurals


class SuggestKind(StrEnum):
    """``peacetalks.schema.columns.SUGGESTED_KINDS``, spelled out for a fast --help (a test compares)."""

    entities = "entities"
    events = "events"


def suggest_cmd(
    root: RootOpt = None,
    layer: Annotated[
        str, typer.Option("--layer", help="The machine layer to write (annotations/layers/NAME/).", metavar="NAME")
    ] = "suggestions",
    doc: Annotated[
        list[str] | None,
        typer.Option(
            "--doc",
            help="Suggest for this article, whatever its status (repeatable; default: not started).",
            metavar="DOC_ID",
        ),
    ] = None,
    kind: Annotated[
        list[SuggestKind] | None,
        typer.Option("--kind", help="Suggest this kind only (repeatable; default: both).", metavar="[entities|events]"),
    ] = None,
    mention_type: Annotated[
        list[str] | None,
        typer.Option(
            "--mention-type",
            help="Learn gold mentions of this type (repeatable; default NAM).",
            show_default=False,
            metavar="TYPE",
        ),
    ] = None,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score", help="Leave out suggestions whose score (precision on gold) is lower.", metavar="SCORE"
        ),
    ] = 0.0,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Pre-annotate the articles whose gold is not started: gold names, derived forms and names in compounds,
    and event triggers by their gold stems, each with a score, into a machine layer (never gold).
    """
    folder = corpus_folder(root, write=True)
    from peacetalks.suggest.suggest import suggest

    result = suggest(
        folder,
        layer=layer,
        doc_ids=doc,
        kinds=[k.value for k in kind] if kind else [k.value for k in SuggestKind],
        mention_types=mention_type or None,
        min_score=min_score,
    )
    if fmt is OutputFormat.json:
        body = {
            "layer": result.layer,
            "suggester": result.manifest.suggester,
            "version": result.manifest.version,
            "documents": result.documents,
            "counts": result.counts,
            "lexicon": result.lexicon,
            "notes": result.notes,
            "written": [str(p) for p in result.written],
            "valid": result.report.valid,
            "issues": [i.to_dict() for i in result.report.issues],
        }
        out.print_json(json.dumps(body, ensure_ascii=False))
    else:
        for note in result.notes:
            err.print(f"note: {escape(note)}")
        err.print(f"lexicon of {result.manifest.model_version} from gold: {plurals(result.lexicon)}")
        for name, ids in result.documents.items():
            out.print(f"{name}: {plural(result.counts.get(name, 0), 'suggestions')} for {plural(len(ids), 'articles')}")
        out.print(
            f"written to {escape(str(result.layer_dir))} (a machine layer: layer.yaml, suggestion_scores.parquet)"
        )
        for issue in result.report.issues:
            out.print(escape(issue.render()))
    if not result.report.valid:
        err.print(f"layer {escape(result.layer)} invalid: {plural(len(result.report.errors), 'problems')}")
        raise typer.Exit(1)
