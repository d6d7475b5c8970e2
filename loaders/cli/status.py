"""`peacetalks status`: show and set the annotation status of each article, per kind, in gold and each layer."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from peacetalks.cli._options import FormatOpt, Group, KindOpt, LayerOpt, OutputFormat, RootOpt, corpus_folder
from peacetalks.cli._render import err, escape, out, plural

app = typer.Typer(
    help="The annotation status of each article per kind (entities, events, stances): show it, set it.",
    invoke_without_command=True,
    cls=Group,
    rich_markup_mode=None,
)

StatusArg = Annotated[
    str,
    typer.Option(
        "--status",
        help="not-started, in-progress, complete or adjudicated (gold only); schema/scheme.yaml annotation_statuses.",
        metavar="STATUS",
    ),
]


@app.callback()
def _default(ctx: typer.Context) -> None:
    """Without a subcommand: show, as 'peacetalks status show' does.

    The group takes no options of its own: typer coerces a group's options on every run of its subcommands
    (through pydantic, 0.3 s), 'status set --help' too; so they are options of 'show'.
    """
    if ctx.invoked_subcommand is None:
        show_cmd()


@app.command("show")
def show_cmd(root: RootOpt = None, layer: LayerOpt = None, fmt: FormatOpt = OutputFormat.text) -> None:
    """Show the status of every article x kind, for gold and every annotator layer (--layer NAME: that one)."""
    folder = corpus_folder(root)
    from peacetalks.storage.status import NO_STATUS, status_overview

    table = status_overview(folder, None if layer is None else [layer])
    if fmt is OutputFormat.json:
        records = table.with_columns(table["set_on"].cast(str)).to_dicts()
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    wide = table.pivot("kind", index=["layer", "doc_id"], values="status", maintain_order=True)
    kinds = [c for c in wide.columns if c not in ("layer", "doc_id")]
    width = max([len("layer"), *(len(str(x)) for x in wide["layer"])])
    out.print(escape(f"{'layer':<{width}}  " + "".join(f"{k:<13}" for k in kinds) + "doc_id"))
    for row in wide.select("layer", *kinds, "doc_id").iter_rows():
        cells = [NO_STATUS if value is None else str(value) for value in row[1:-1]]
        out.print(escape(f"{row[0]:<{width}}  " + "".join(f"{c:<13}" for c in cells) + str(row[-1])))


@app.command("set")
def set_cmd(
    status: StatusArg,
    kind: KindOpt = None,
    layer: LayerOpt = None,
    root: RootOpt = None,
    # Not a required list[str]: typer would coerce it through pydantic (0.3 s) even for --help.
    doc_ids: Annotated[
        list[str] | None, typer.Argument(metavar="DOC_ID", help="The articles (doc_ids) to set.", show_default=False)
    ] = None,
) -> None:
    """Set the status of articles for some kinds (default: all three) in gold or an annotator layer."""
    if not doc_ids:
        raise typer.BadParameter("name at least one article", param_hint="DOC_ID")
    folder = corpus_folder(root, write=True)
    from peacetalks.storage.status import KINDS, set_status

    kinds = [k.value for k in kind] if kind else list(KINDS)
    change = set_status(folder, doc_ids, status, kinds=kinds, layer=layer)
    where = f"layer {escape(layer)}" if layer else "gold"
    out.print(
        f"{where}: {status} for {plural(len(set(doc_ids)), 'articles')} ({', '.join(kinds)}); "
        f"{plural(change.changed, 'statuses')} changed"
    )
    if not change.changed:
        err.print("nothing to write: every status was set already")
