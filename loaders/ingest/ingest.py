"""Add an article in the raw tagesschau form to ``corpus/``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import IngestError, RebaseRequired, shown
from peacetalks.ingest.raw_article import RawArticle, read_raw_article
from peacetalks.ingest.rebase import rebase
from peacetalks.schema.names import check_name
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, BY_NAME, STATUS, Table
from peacetalks.storage.layers import layer_names
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import corpus_root
from peacetalks.storage.status import kind_of, read_status, status_rows, upsert
from peacetalks.storage.transaction import Transaction, transaction
from peacetalks.validation.report import Issue

DEFAULT_LICENSE = load_scheme().default_license
SLUG_MAX = 60
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str, max_len: int = SLUG_MAX) -> str:
    """Lower-case ASCII letters and digits of ``text`` joined by '-' (umlauts spelt out); may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower(), flags=re.ASCII).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug


def headline_slug(headline: str) -> str:
    """The headline's slug; for a headline with no Latin letter or digit (Cyrillic, only punctuation), ``h`` and
    the first 12 hex digits of its sha256, so every doc_id names its article and a re-ingest finds it again."""
    return slugify(headline) or "h" + hashlib.sha256(headline.encode("utf-8")).hexdigest()[:12]


def make_doc_id(source: str, published: dt.date, headline: str) -> str:
    """``<source>-<date>-<headline slug>``; IngestError ``bad-source`` for a source with nothing to slug."""
    source_slug = slugify(source, 20)
    if not source_slug:
        raise IngestError(
            "bad-source",
            f"source {source!r} has no letter or digit to name the article by",
            data={"option": "source"},
        )
    return check_name(f"{source_slug}-{published.isoformat()}-{headline_slug(headline)}", "doc_id")


@dataclass
class IngestResult:
    doc_id: str
    status: str  # "added", "unchanged", "replaced" or "rebased"
    article: RawArticle
    dropped: dict[str, list[str]] = field(default_factory=dict)
    # ``layer/table/id`` of a dropped annotation whose text changed -> ``layer/table/id`` of those dropped with it.
    dependents: dict[str, list[str]] = field(default_factory=dict)
    # The doc_id the headline gives, when another article held it and this one got a suffix.
    collided_with: str | None = None
    # What is worth knowing and did not stop the ingest (``standoff-without-url``).
    warnings: list[Issue] = field(default_factory=list)


def _layers(root: Path) -> list[str | None]:
    return [None, *layer_names(root)]


def _annotations(root: Path, layer: str | None) -> dict[Table, pl.DataFrame]:
    return {t: read_table(root, t, layer, missing_ok=True) for t in ANNOTATION_TABLES}


def ingest(
    path: Path | str,
    *,
    root: Path | str,
    source: str,
    published: dt.date,
    url: str | None = None,
    license: str = DEFAULT_LICENSE,  # noqa: A002  # the articles table's column is called license
    kicker: str | None = None,
    story_id: str | None = None,
    rebase_annotations: bool = False,
    today: dt.date | None = None,
) -> IngestResult:
    """Parse ``path`` and add it to ``root/corpus``; idempotent for an unchanged file.

    A new article gets the status ``initial_status`` (not-started) for every kind, in gold and in
    every annotator layer. A changed text for a doc_id with annotations raises RebaseRequired unless
    ``rebase_annotations`` is set; then offsets are moved by a character diff and every
    annotation whose text changed is dropped and listed in the result (a kind that lost annotations
    is no longer complete: its status becomes ``import_status``, in-progress).
    """
    root = corpus_root(root, write=True, new=True)  # an existing folder; a typo never starts a corpus
    path = Path(path)
    if license not in load_scheme().licenses:
        allowed = load_scheme().licenses
        raise IngestError(
            "unknown-license",
            f"license {shown(license)} is not one of {', '.join(allowed)}",
            path=str(path),
            data={"option": "license", "allowed": list(allowed)},
        )
    if published > (today or dt.date.today()):
        raise IngestError(
            "future-date", f"published {published} is in the future", path=str(path), data={"option": "published"}
        )
    article = read_raw_article(path, kicker=kicker)
    base_id = make_doc_id(source, published, article.headline)
    if url is not None and not url.strip():
        url = None
    # One transaction: the article, its blocks, every layer's re-based annotations and every layer's
    # status change together; what they depend on (the doc_id that is free) is read under its lock.
    with transaction(root, "ingest") as tx:
        articles = read_table(root, ARTICLES, missing_ok=True)
        doc_id = _doc_id_for(articles, base_id, article.headline, url)
        result = _ingest_locked(
            tx, articles, article, doc_id, base_id, source, published, url, license, story_id, rebase_annotations, today
        )
    result.warnings += _url_warnings(path, doc_id, url, license)
    return result


def _url_warnings(path: Path, doc_id: str, url: str | None, license: str) -> list[Issue]:  # noqa: A002
    """``standoff-without-url`` when the article's text may not be redistributed and no url says where it is."""
    if url is not None or license in load_scheme().redistributable_licenses:
        return []
    return [
        Issue(
            code="standoff-without-url",
            file=str(path),
            doc_id=doc_id,
            column="url",
            message=(
                f"its licence {license} forbids redistributing the text, so a release has it stand-off, and "
                "without a url nobody can fetch it; record the url when it is known (ingest it again with it)"
            ),
        )
    ]


def _ingest_locked(  # the options of ingest, passed on under the lock
    tx: Transaction,
    articles: pl.DataFrame,
    article: RawArticle,
    doc_id: str,
    base_id: str,
    source: str,
    published: dt.date,
    url: str | None,
    license: str,  # noqa: A002  # the articles table's column is called license
    story_id: str | None,
    rebase_annotations: bool,
    today: dt.date | None,
) -> IngestResult:
    root = tx.root
    row = {
        "doc_id": doc_id,
        "source": source,
        "url": url,
        "language": "de",
        "published": published,
        "kicker": article.kicker,
        "headline": article.headline,
        "text": article.text,
        "license": license,
        "text_sha256": hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
        "story_id": story_id,
        "image_url": article.image_url,
    }
    new_article = pl.DataFrame([row], schema=ARTICLES.polars_schema())
    new_blocks = pl.DataFrame(
        {
            "doc_id": [doc_id] * len(article.blocks),
            "block_id": list(range(len(article.blocks))),
            "kind": [b.kind for b in article.blocks],
            "start": [b.start for b in article.blocks],
            "end": [b.end for b in article.blocks],
        },
        schema=BLOCKS.polars_schema(),
    )
    blocks = read_table(root, BLOCKS, missing_ok=True)
    existing = articles.filter(pl.col("doc_id") == doc_id)
    status = "added"
    dropped: dict[str, list[str]] = {}
    dependents: dict[str, list[str]] = {}
    if existing.height:
        if existing.select(ARTICLES.columns).equals(new_article.select(ARTICLES.columns)):
            return IngestResult(doc_id, "unchanged", article, collided_with=_collided(base_id, doc_id))
        old_text = existing["text"][0]
        status = "replaced"
        if old_text != article.text:
            status = _move_annotations(tx, doc_id, old_text, article.text, rebase_annotations, dropped, dependents)
    tx.write_table(ARTICLES, pl.concat([articles.filter(pl.col("doc_id") != doc_id), new_article]))
    tx.write_table(BLOCKS, pl.concat([blocks.filter(pl.col("doc_id") != doc_id), new_blocks]))
    statuses = _statuses(root, doc_id, added=status == "added", dropped=dropped, today=today or dt.date.today())
    for layer, frame in statuses.items():
        tx.write_table(STATUS, frame, layer)
    return IngestResult(doc_id, status, article, dropped, dependents, collided_with=_collided(base_id, doc_id))


def _statuses(
    root: Path, doc_id: str, *, added: bool, dropped: dict[str, list[str]], today: dt.date
) -> dict[str | None, pl.DataFrame]:
    """The status tables that change, by layer (None: gold): a new article not started everywhere; a
    kind that lost annotations in a re-base back to in-progress where it was further on."""
    scheme = load_scheme()
    changed: dict[str | None, pl.DataFrame] = {}
    for layer in _layers(root):
        current = read_status(root, layer)
        if added:
            new = status_rows([doc_id], scheme.initial_status, set_by="ingest", set_on=today)
            new = new.join(current, on=["doc_id", "kind"], how="anti")  # a status of an earlier life stays
        else:
            tables = {
                name.split("/", 1)[1]
                for name, ids in dropped.items()
                if ids and name.split("/", 1)[0] == (layer or "gold")
            }
            kinds = sorted({kind_of(BY_NAME[t]) for t in tables})
            before = scheme.annotation_statuses.index(scheme.import_status)
            further = current.filter(
                (pl.col("doc_id") == doc_id)
                & pl.col("kind").is_in(kinds)
                & pl.col("status").is_in(scheme.annotation_statuses[before + 1 :])
            )
            new = status_rows(
                [doc_id], scheme.import_status, kinds=further["kind"].to_list(), set_by="ingest --rebase", set_on=today
            )
        if new.height:
            changed[layer] = upsert(current, new)
    return changed


def _collided(base_id: str, doc_id: str) -> str | None:
    return None if doc_id == base_id else base_id


def _doc_id_for(articles: pl.DataFrame, base_id: str, headline: str, url: str | None) -> str:
    """``base_id``, or ``base_id-2``, ``-3``, ... when another article holds it: the first that is free or holds
    this same article (same headline; same url where both are known), so a re-ingest finds its article again
    and a different article whose headline slugs alike on the same day never replaces it."""
    taken = articles.filter((pl.col("doc_id") == base_id) | pl.col("doc_id").str.starts_with(base_id + "-")).select(
        "doc_id", "headline", "url"
    )
    by_id = {row[0]: row for row in taken.iter_rows()}  # a handful of rows: the articles whose id starts alike
    for n in range(1, len(by_id) + 2):
        candidate = base_id if n == 1 else f"{base_id}-{n}"
        found = by_id.get(candidate)
        if found is None:
            return candidate
        _, old_headline, old_url = found
        if old_headline == headline and (old_url is None or url is None or old_url == url):
            return candidate
    raise AssertionError("unreachable: one of len(by_id) + 1 candidates is free")  # pragma: no cover


def _move_annotations(
    tx: Transaction,
    doc_id: str,
    old: str,
    new: str,
    allowed: bool,
    dropped: dict[str, list[str]],
    dependents: dict[str, list[str]],
) -> str:
    """Rebase (or refuse to) the annotations of every layer; returns the ingest status.

    Fills ``dropped`` (``layer/table`` -> ids) and ``dependents`` (see :class:`IngestResult`).
    The new tables are written in ``tx``.
    """
    root = tx.root
    plans = []
    affected: dict[str, list[str]] = {}
    because: dict[str, list[str]] = {}
    for layer in _layers(root):
        tables = _annotations(root, layer)
        if not any(df.filter(pl.col("doc_id") == doc_id).height for df in tables.values()):
            continue
        result = rebase({t.name: df for t, df in tables.items()}, doc_id, old, new)
        plans.append((layer, tables, result))
        for name, ids in result.dropped.items():
            key = f"{layer or 'gold'}/{name}"
            if ids:
                affected[key] = ids
        for root_key, keys in result.dependents.items():
            because[f"{layer or 'gold'}/{root_key}"] = [f"{layer or 'gold'}/{k}" for k in keys]
    if not plans:
        return "replaced"
    if not allowed:
        raise RebaseRequired(doc_id, affected, dependents=because)
    for layer, tables, result in plans:
        for table in tables:
            tx.write_table(table, result.frames[table.name], layer)
    dropped.update(affected)
    dependents.update(because)
    return "rebased"
