"""The texts of a stand-off release, fetched from each article's ``url`` (or found among local copies).

For each stand-off article (its text null in the release's ``tables/``), in doc_id order, one at a time:

1. a local copy whose sha256 is the released one, when a folder of copies is given;
2. else its page, from the cache or the network (:class:`peacetalks.loading.pages.PageGetter`),
   read with :func:`peacetalks.ingest.html_article.read_html_article` into the raw form and parsed
   as ingest parses a file; then compared with the released text (:func:`peacetalks.loading.recover.compare`):
   the same text is filled in; a page that still holds every released block gives the released
   text back (``recovered``); a page whose blocks changed is, when re-basing is allowed, taken as
   the article's new text, and its annotations are re-based onto it with the character diff of
   ``ingest --rebase`` (:func:`peacetalks.ingest.rebase.rebase`): those in a changed block cannot be
   checked and are dropped, with every annotation that depends on one of them.

Every article gets an :class:`ArticleTexts` saying how its text was got, or why not (an issue code:
``text-missing``, ``url-unknown``, ``page-not-found``, ``page-unreachable``, ``page-http-error``,
``no-article-in-page``, ``page-changed``), and, when re-based, exactly which annotations moved
(old and new offsets) and which were dropped, and the gold status of each kind that changed: a kind
that lost annotations, or every finished kind when the page has blocks the release has not (text
nobody annotated), goes back to ``in-progress``, so it reaches no config as if it were complete.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from peacetalks.errors import FetchFailed, IngestError
from peacetalks.ingest.html_article import read_html_article
from peacetalks.ingest.raw_article import RawArticle
from peacetalks.ingest.rebase import rebase
from peacetalks.loading.pages import PageGetter, PageProblem
from peacetalks.loading.recover import Comparison, compare, sha256_text
from peacetalks.loading.standoff import fill_span_texts, fill_texts, index_texts, missing_texts
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, BY_NAME, SPANS, STATUS, Table
from peacetalks.storage.status import kind_of, status_rows, upsert
from peacetalks.validation.report import Issue, Report

How = Literal["local", "fetched", "recovered", "rebased", "failed"]
Progress = Callable[[str, int, int], None]  # (doc_id, articles done, articles in all), after each article
Frames = dict[Table, pl.DataFrame]


@dataclass(frozen=True)
class Moved:
    """An annotation kept by a re-base at other offsets: its table, id, and (start, end) before and after."""

    table: str
    id: str
    old: tuple[int, int]
    new: tuple[int, int]


@dataclass
class ArticleTexts:
    """How one stand-off article's text was got (``how``), or why not (``code``, ``message``).

    ``missing_blocks``: block_ids of released blocks the page no longer holds; ``extra_blocks``: the
    page's blocks (0-based, in its order) the release has not; ``added_blocks``: how many of those are
    new text rather than a changed version of a missing one. For a re-base: ``moved`` annotations,
    ``dropped`` (table -> ids), ``dependents`` (``table/id`` of a dropped annotation -> those dropped
    with it) and ``statuses`` (kind -> the gold status it now has).
    """

    doc_id: str
    url: str | None
    how: How
    code: str = field(default="")  # the issue code of an article whose text could not be got
    message: str = ""
    from_cache: bool = False
    missing_blocks: tuple[int, ...] = ()
    extra_blocks: tuple[int, ...] = ()
    added_blocks: int = 0
    moved: list[Moved] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    dependents: dict[str, list[str]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        found = dataclasses.asdict(self)
        found["moved"] = [{"table": m.table, "id": m.id, "old": list(m.old), "new": list(m.new)} for m in self.moved]
        return found


@dataclass
class TextsResult:
    """Every stand-off article's :class:`ArticleTexts`; ``frames``: the tables with the texts got filled in
    (and re-based); ``texts``: doc_id -> the text filled in."""

    articles: list[ArticleTexts]
    frames: Frames
    texts: dict[str, str]

    @property
    def failed(self) -> list[ArticleTexts]:
        return [a for a in self.articles if a.how == "failed"]

    def report(self) -> Report:
        """One issue per article whose text could not be got."""
        issues = [Issue(code=a.code, file=a.url or "(no url)", doc_id=a.doc_id, message=a.message) for a in self.failed]
        return Report(issues, {"articles": len(self.articles)})

    def check(self, where: str | None = None) -> TextsResult:
        """Self, or FetchFailed (``texts-not-fetched``) listing every article whose text could not be got."""
        if self.failed:
            raise FetchFailed(self.report(), total=len(self.articles), path=where)
        return self


def get_texts(
    frames: Mapping[Table, pl.DataFrame],
    hashes: pl.DataFrame | None,
    *,
    getter: PageGetter | None,
    local: Path | None = None,
    rebase_changed: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> TextsResult:
    """Get the text of every stand-off article of ``frames`` (a release's tables); see the module docstring.

    ``hashes``: the release's block hashes (None: it records none); ``getter``: fetches pages (None:
    local copies only); ``rebase_changed``: re-base the annotations of a changed page (else it is
    ``page-changed``). Nothing is raised for an article that cannot be got: see :meth:`TextsResult.check`.
    """
    wanted = missing_texts(frames[ARTICLES]).select("doc_id", "url", "text_sha256").sort("doc_id")
    local_copies = index_texts(local)[0] if local is not None else {}
    blocks = _per_article(frames[BLOCKS].select("doc_id", "block_id", "start", "end"), wanted)
    block_hashes = None if hashes is None else _per_article(hashes, wanted)
    outcomes: list[ArticleTexts] = []
    texts: dict[str, str] = {}
    changed: list[tuple[ArticleTexts, RawArticle, Comparison]] = []
    total = wanted.height
    for done, (doc_id, url, sha) in enumerate(wanted.iter_rows(), start=1):  # one per stand-off article
        outcome = ArticleTexts(doc_id, url, "failed")
        if sha in local_copies:
            outcome.how = "local"
            texts[doc_id] = local_copies[sha].text
        elif getter is None:
            _fail(outcome, code="text-missing", message=f"no local copy whose sha256 is {sha}")
        elif not url:
            _fail(outcome, code="url-unknown", message="the release records no url for it, so it cannot be fetched")
        else:
            mine = blocks[doc_id]
            own = None if block_hashes is None else block_hashes[doc_id]
            found = _from_page(outcome, getter, sha, mine, own, rebase_changed)
            if found is not None:
                page, comparison = found
                if outcome.how == "rebased":
                    changed.append((outcome, page, comparison))
                else:
                    texts[doc_id] = comparison.text
        outcomes.append(outcome)
        if progress is not None:
            progress(doc_id, done, total)
    filled = fill_texts(frames, texts)
    for outcome, page, comparison in changed:
        filled = _rebased(filled, outcome, page, comparison, today or dt.date.today())
        texts[outcome.doc_id] = comparison.text
    return TextsResult(outcomes, filled, texts)


def _per_article(frame: pl.DataFrame, wanted: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The rows of ``frame`` of each article of ``wanted`` (split once; an article without rows gets none)."""
    parts = frame.join(wanted.select("doc_id"), on="doc_id", how="semi").partition_by("doc_id", as_dict=True)
    empty = frame.clear()
    return {doc: parts.get((doc,), empty) for doc in wanted["doc_id"].to_list()}


def _from_page(
    outcome: ArticleTexts,
    getter: PageGetter,
    sha: str,
    blocks: pl.DataFrame,
    hashes: pl.DataFrame | None,
    rebase_changed: bool,
) -> tuple[RawArticle, Comparison] | None:
    """Fetch and compare the article's page, setting ``outcome``; the page and comparison when it is usable."""
    url = str(outcome.url)
    got = getter.get(url)
    if isinstance(got, PageProblem):
        _fail(outcome, code=got.code, message=got.message)
        return None
    outcome.from_cache = got.from_cache
    try:
        page = read_html_article(got.body, url=url).raw_article()
    except IngestError as exc:
        _fail(outcome, code="no-article-in-page", message=f"the page holds no article of the raw form ({exc.message})")
        return None
    comparison = compare(page, sha, blocks, hashes)
    outcome.missing_blocks, outcome.extra_blocks = comparison.missing, comparison.extra
    outcome.added_blocks = comparison.added
    if comparison.relation == "same":
        outcome.how = "fetched"
    elif comparison.relation == "recovered":
        outcome.how = "recovered"
    elif comparison.relation == "unknown":
        message = (
            f"the page's text (sha256 {sha256_text(page.text)}) is not the released one ({sha}), and the release "
            "records no block hashes to re-base the annotations by"
        )
        _fail(outcome, code="page-changed", message=message)
        return None
    elif not rebase_changed:
        blocks_gone = ", ".join(map(str, comparison.missing))
        message = f"the page changed since the release (its blocks {blocks_gone} are not in it): a re-base is needed"
        _fail(outcome, code="page-changed", message=message)
        return None
    else:
        outcome.how = "rebased"
    return page, comparison


def _fail(outcome: ArticleTexts, *, code: str, message: str) -> None:
    outcome.how, outcome.code, outcome.message = "failed", code, message


def _rebased(frames: Frames, outcome: ArticleTexts, page: RawArticle, comparison: Comparison, today: dt.date) -> Frames:
    """``frames`` with the article's text, blocks and annotations moved onto the page's text (see the module)."""
    doc_id = outcome.doc_id
    released = comparison.released or ""
    tables = [t for t in ANNOTATION_TABLES if t in frames]
    before: dict[str, pl.DataFrame] = {}
    for table in tables:
        span = SPANS[table.name]
        assert span.text is not None  # every annotation table keeps the text of its span
        before[table.name] = fill_span_texts(frames[table], {doc_id: released}, span.text, span.start, span.end)
    result = rebase(before, doc_id, released, comparison.text)
    out = dict(frames)
    for table in tables:
        out[table] = result.frames[table.name]
        outcome.moved += _moved(before[table.name], result.frames[table.name], table, doc_id)
    outcome.dropped = {name: ids for name, ids in result.dropped.items() if ids}
    outcome.dependents = result.dependents
    out[ARTICLES] = _new_article(frames[ARTICLES], doc_id, page)
    out[BLOCKS] = _new_blocks(frames[BLOCKS], doc_id, page)
    if STATUS in frames:
        out[STATUS], outcome.statuses = _statuses(frames[STATUS], outcome, today)
    return out


def _moved(before: pl.DataFrame, after: pl.DataFrame, table: Table, doc_id: str) -> list[Moved]:
    """The annotations of ``doc_id`` in both frames whose span changed."""
    start, end = SPANS[table.name].bounds
    key = table.id_column
    old = before.filter(pl.col("doc_id") == doc_id).select(key, start, end)
    new = after.filter(pl.col("doc_id") == doc_id).select(key, start, end)
    both = old.join(new, on=key, suffix="__new").filter(
        (pl.col(start) != pl.col(f"{start}__new")) | (pl.col(end) != pl.col(f"{end}__new"))
    )
    rows = both.sort(start).iter_rows()  # the moved annotations of one article
    return [Moved(table.name, str(i), (a, b), (c, d)) for i, a, b, c, d in rows]


def _new_article(articles: pl.DataFrame, doc_id: str, page: RawArticle) -> pl.DataFrame:
    this = pl.col("doc_id") == doc_id
    values = {
        "text": page.text,
        "text_sha256": sha256_text(page.text),
        "kicker": page.kicker,
        "headline": page.headline,
    }
    return articles.with_columns(pl.when(this).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in values.items())


def _new_blocks(blocks: pl.DataFrame, doc_id: str, page: RawArticle) -> pl.DataFrame:
    new = pl.DataFrame(
        {
            "doc_id": [doc_id] * len(page.blocks),
            "block_id": list(range(len(page.blocks))),
            "kind": [b.kind for b in page.blocks],
            "start": [b.start for b in page.blocks],
            "end": [b.end for b in page.blocks],
        },
        schema=BLOCKS.polars_schema(),
    )
    return pl.concat([blocks.filter(pl.col("doc_id") != doc_id), new.select(blocks.columns).cast(blocks.schema)])


def _statuses(status: pl.DataFrame, outcome: ArticleTexts, today: dt.date) -> tuple[pl.DataFrame, dict[str, str]]:
    """Gold status after a re-base: back to in-progress for a finished kind that lost annotations, and for
    every finished kind when the page has text the release has not."""
    scheme = load_scheme()
    lost = {kind_of(BY_NAME[name]) for name in outcome.dropped}
    finished = scheme.annotation_statuses[scheme.annotation_statuses.index(scheme.import_status) + 1 :]
    mine = status.filter((pl.col("doc_id") == outcome.doc_id) & pl.col("status").is_in(finished))
    kinds = [k for k in mine["kind"].to_list() if outcome.added_blocks or k in lost]
    if not kinds:
        return status, {}
    rows = status_rows([outcome.doc_id], scheme.import_status, kinds=kinds, set_by="rehydrate --fetch", set_on=today)
    return upsert(status, rows.select(status.columns).cast(status.schema)), dict.fromkeys(kinds, scheme.import_status)
