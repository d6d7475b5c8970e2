"""`peacetalks cache list|prune`: the Arrow cache that ``peacetalks.load()`` builds."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from peacetalks.cli._options import FormatOpt, Group, OutputFormat
from peacetalks.cli._render import err, escape, out, plural

if TYPE_CHECKING:
    from peacetalks.loading.cache import CacheEntry

# peacetalks.loading.cache imports the loader (and with it datasets, ~1 s): each command imports it when it runs.

app = typer.Typer(
    help="The Arrow cache of peacetalks.load(): list it, remove stale entries and copies of licensed texts.",
    no_args_is_help=True,
    cls=Group,
    rich_markup_mode=None,
)


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def _line(entry: CacheEntry) -> str:
    texts = "licensed" if entry.licensed_texts else "-"
    return f"{entry.state:<10} {_size(entry.size_bytes):>12}  {entry.config:<10} {texts:<8}  {escape(str(entry.path))}"


@app.command("list")
def list_cmd(fmt: FormatOpt = OutputFormat.text) -> None:
    """List the cache entries: current, stale (never read again), incomplete or damaged.

    Rehydrated releases (load(texts=...)) are listed as config "rehydrated", the article pages fetched
    (rehydrate --fetch, load(texts="fetch")) as config "pages", both with "licensed" texts.
    """
    from peacetalks.loading.cache import cache_entries
    from peacetalks.loading.load import cache_root

    entries = cache_entries()
    if fmt is OutputFormat.json:
        out.print_json(json.dumps([e.to_dict() for e in entries]))
        return
    for entry in entries:
        out.print(_line(entry))
    total = sum(e.size_bytes for e in entries)
    err.print(f"{plural(len(entries), 'entries')}, {_size(total)} in {escape(str(cache_root()))}")


@app.command("prune")
def prune_cmd(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Remove stale and damaged entries, copies of licensed texts (rehydrated, fetched pages), old incomplete ones."""
    from peacetalks.loading.cache import prune_cache

    removed = prune_cache(dry_run=dry_run)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps([e.to_dict() for e in removed]))
    else:
        for entry in removed:
            out.print(_line(entry))
    verb = "would remove" if dry_run else "removed"
    err.print(f"{verb} {plural(len(removed), 'entries')}, {_size(sum(e.size_bytes for e in removed))}")
