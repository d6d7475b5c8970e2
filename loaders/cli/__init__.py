"""The ``peacetalks`` command line: parses options, calls one library function, renders it.

Building the command line imports typer and the command modules only; each command imports the
library when it runs, so ``peacetalks --help`` starts fast (tests/cli/test_startup.py checks which
modules it imports). Help is click's plain layout: no rich import, no type noise.
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Annotated

import typer

from peacetalks.cli import cache, card, corpus, interchange, release, review, splits, status, suggest, view
from peacetalks.cli import export as export_commands
from peacetalks.cli._errors import error_json, error_lines
from peacetalks.cli._options import Group
from peacetalks.cli._render import err, escape, out
from peacetalks.errors import PeaceTalksError, os_error

app = typer.Typer(
    name="peacetalks",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=Group,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        package = sys.modules["peacetalks"]  # the package this module belongs to, imported already

        print(f"peacetalks {package.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,  # not bool | None: typer would build a pydantic adapter (0.4 s) to coerce None on every run
        typer.Option(
            "--version", help="Print the version of peacetalks and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """PeaceTalks-DE: validate, ingest, split, release and publish the corpus.

    Every command that works on a corpus takes it as --root/-r PATH; without it, the nearest folder at or
    above the current directory holding corpus/articles.parquet (commands that only read fall back to the
    bundled corpus). Add --debug for a traceback.
    """


app.command("validate")(corpus.validate_cmd)
app.command("init")(corpus.init_cmd)
app.command("ingest")(corpus.ingest_cmd)
app.command("remove")(corpus.remove_cmd)
app.command("shard")(corpus.shard_cmd)
app.command("split")(splits.split_cmd)
app.command("import")(interchange.import_cmd)
app.command("suggest")(suggest.suggest_cmd)
app.command("export")(export_commands.export_cmd)
app.command("agree")(review.agree_cmd)
app.command("adjudicate")(review.adjudicate_cmd)
app.command("card")(card.card_cmd)
app.command("release")(release.release_cmd)
app.command("rehydrate")(release.rehydrate_cmd)
app.command("publish")(release.publish_cmd)
app.command("view")(view.view_cmd)
app.add_typer(status.app, name="status")
app.add_typer(cache.app, name="cache")


def _wants_json(args: list[str]) -> bool:
    """Whether the command line asks for ``--format json``."""
    return "--format=json" in args or any(a == "--format" and b == "json" for a, b in itertools.pairwise(args))


def main(argv: list[str] | None = None) -> int:
    """Entry point: one readable message and exit 1 for library errors; 2 for usage errors."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    try:
        code = app(args=args, prog_name="peacetalks", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors (exit code 2)
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"error: {escape(exc.format_message())}")
        return exc.exit_code
    except (PeaceTalksError, OSError) as caught:
        if debug:
            raise
        failure = caught if isinstance(caught, PeaceTalksError) else os_error(caught)
        if _wants_json(args):  # the whole error, every issue of its report included, for programs
            out.print_json(json.dumps(error_json(failure), ensure_ascii=False, default=str))
            err.print(f"error: {escape(str(failure))}")
        else:
            for line in error_lines(failure):
                err.print(escape(line))
        return 1
    return code if isinstance(code, int) else 0
