"""How ``peacetalks rehydrate --fetch`` shows its work: a progress bar, then how each text was got."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from peacetalks.cli._render import err, escape, plural

if TYPE_CHECKING:
    from peacetalks.loading.fetch import ArticleTexts, Progress, TextsResult


@contextlib.contextmanager
def progress_bar(*, enabled: bool) -> Iterator[Progress | None]:
    """A callback that advances a rich progress bar on stderr (per article), or None when not ``enabled``."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(doc_id: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=escape(doc_id))

        yield advance


def render_texts(result: TextsResult) -> None:
    """One line per article (how its text was got); for a re-base every annotation moved or dropped."""
    for article in result.articles:
        err.print(escape(_line(article)))
        for line in _moved_lines(article):
            err.print(escape(line))
        cause = {dep: root for root, deps in article.dependents.items() for dep in deps}
        for table, ids in article.dropped.items():
            for ident in ids:
                key = f"{table}/{ident}"
                why = f"it depended on {cause[key]}" if key in cause else "its text is not in the page as annotated"
                err.print(escape(f"  dropped {key} ({why})"))
        for kind, status in article.statuses.items():
            err.print(escape(f"  gold {kind}: now {status}, so no config takes it as complete"))


def _moved_lines(article: ArticleTexts) -> list[str]:
    """The moved annotations, those of a table moved by the same offset on one line: every id is listed."""
    shifted: dict[tuple[str, int], list[str]] = {}
    lines = []
    for moved in article.moved:
        by_start, by_end = moved.new[0] - moved.old[0], moved.new[1] - moved.old[1]
        if by_start == by_end:
            shifted.setdefault((moved.table, by_start), []).append(moved.id)
        else:
            lines.append(
                f"  moved {moved.table}/{moved.id}: {moved.old[0]}-{moved.old[1]} -> {moved.new[0]}-{moved.new[1]}"
            )
    for (table, by), ids in shifted.items():
        lines.append(f"  moved {by:+d} characters: {table} {', '.join(ids)}")
    return lines


def _line(article: ArticleTexts) -> str:
    about = [article.url or "", "from the cache" if article.from_cache else ""]
    where = f" ({', '.join(a for a in about if a)})" if any(about) else ""
    if article.how == "local":
        return f"local copy: {article.doc_id}"
    if article.how == "fetched":
        return f"fetched: {article.doc_id}{where}"
    extra = plural(len(article.extra_blocks), "blocks")
    if article.how == "recovered":
        return (
            f"recovered: {article.doc_id}{where}: the page has {extra} the release has not; the released "
            "text was found in it block by block"
        )
    if article.how == "rebased":
        dropped = sum(len(ids) for ids in article.dropped.values())
        changed = plural(len(article.missing_blocks), "blocks")
        missing = ", ".join(map(str, article.missing_blocks))
        added = f", {plural(article.added_blocks, 'blocks')} added" if article.added_blocks else ""
        return (
            f"re-based: {article.doc_id}{where}: the page changed ({changed} of the release not in it:"
            f" block_id {missing}{added}); {plural(len(article.moved), 'annotations')} moved, {dropped} dropped"
        )
    return f"not got: {article.doc_id}{where}: [{article.code}] {article.message}"
