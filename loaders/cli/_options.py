"""Options shared by several commands, each defined once, and the corpus folder they name.

Help shows a metavar in capitals for every option that takes a value (``--root PATH``) and nothing
for flags.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup, TyperOption

if TYPE_CHECKING:
    from typer._click import Context  # typer vendors click; its Context is what TyperGroup's methods take


class Kind(StrEnum):
    """The kinds of annotation: ``peacetalks.review.agreement.KINDS`` and ``storage.status.KINDS`` (a test compares)."""

    entities = "entities"
    events = "events"
    stances = "stances"


KindOpt = Annotated[
    list[Kind] | None,
    typer.Option(
        "--kind",
        help="This kind of annotation only (repeatable; default: all three).",
        metavar="[entities|events|stances]",
    ),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        "-r",
        help="Corpus folder (default: the nearest one at or above the current directory; "
        "commands that only read fall back to the bundled corpus).",
        file_okay=False,
        metavar="PATH",
        show_default=False,
    ),
]
LayerOpt = Annotated[
    str | None,
    typer.Option("--layer", help="An annotator layer under annotations/layers/ instead of gold.", metavar="NAME"),
]


class Engine(StrEnum):
    """Where validation runs: ``peacetalks.validation.validate.ENGINES`` (a test compares)."""

    local = "local"
    daft = "daft"


EngineOpt = Annotated[
    Engine | None,
    typer.Option(
        "--engine",
        help="Where the work runs: local (this process; the default) or daft (Daft's native runner, "
        "or a Ray cluster with --ray-address; needs peacetalks[scale]). The report is the same.",
        metavar="[local|daft]",
        show_default=False,
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="Run the daft engine on this Ray cluster: auto, HOST:PORT or ray://HOST:PORT (implies --engine daft).",
        metavar="ADDRESS",
        show_default=False,
    ),
]


def engine_of(engine: Engine | None, ray_address: str | None) -> Engine:
    """The engine that runs the work: daft with a Ray address (refused beside --engine local), else as given."""
    if ray_address is not None and engine is Engine.local:
        raise typer.BadParameter(
            "a Ray cluster runs the daft engine: leave out --engine local", param_hint="--ray-address"
        )
    return Engine.daft if ray_address is not None else (engine or Engine.local)


FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", help="Output format: text for people, json for programs.", metavar="[text|json]"),
]


class Group(TyperGroup):
    """A command group whose help option defaults to False.

    typer leaves the default of its help option at None, and coerces None for a bool through a pydantic
    adapter: importing pydantic (about 0.3 s) on every run of a subcommand, before its own --help is seen.
    """

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option


def corpus_folder(root: Path | None, *, write: bool = False) -> Path:
    """The corpus folder a command works on (see ``peacetalks.storage.roots.corpus_root``)."""
    from peacetalks.storage.roots import corpus_root

    return corpus_root(root, write=write)
