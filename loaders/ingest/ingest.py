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
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, LAYERS_FOLDER, Table
from peacetalks.storage.parquet import read_table, write_tables

DEFAULT_LICENSE = load_scheme().default_license
SLUG_MAX = 60
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str, max_len: int = SLUG_MAX) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug


def make_doc_id(source: str, published: dt.date, headline: str) -> str:
    return f"{slugify(source, 20)}-{published.isoformat()}-{slugify(headline)}"


@dataclass
class IngestResult:
    doc_id: str
    status: str  # "added", "unchanged", "replaced" or "rebased"
    article: RawArticle
    dropped: dict[str, list[str]] = field(default_factory=dict)


def _layers(root: Path) -> list[str | None]:
    layer_dir = root / LAYERS_FOLDER
    names = sorted(p.name for p in layer_dir.iterdir() if p.is_dir()) if layer_dir.is_dir() else []
    return [None, *names]


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

    A changed text for a doc_id with annotations raises RebaseRequired unless
    ``rebase_annotations`` is set; then offsets are moved by a character diff and every
    annotation whose text changed is dropped and listed in the result.
    """
    root = Path(root)
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
    doc_id = make_doc_id(source, published, article.headline)
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
    articles = read_table(root, ARTICLES, missing_ok=True)
    blocks = read_table(root, BLOCKS, missing_ok=True)
    existing = articles.filter(pl.col("doc_id") == doc_id)
    status = "added"
    dropped: dict[str, list[str]] = {}
    if existing.height:
        if existing.select(ARTICLES.columns).equals(new_article.select(ARTICLES.columns)):
            return IngestResult(doc_id, "unchanged", article)
        old_text = existing["text"][0]
        status = "replaced"
        if old_text != article.text:
            status = _move_annotations(root, doc_id, old_text, article.text, rebase_annotations, dropped)
    write_tables(
        root,
        {
            ARTICLES: pl.concat([articles.filter(pl.col("doc_id") != doc_id), new_article]),
            BLOCKS: pl.concat([blocks.filter(pl.col("doc_id") != doc_id), new_blocks]),
        },
    )
    return IngestResult(doc_id, status, article, dropped)


def _move_annotations(root: Path, doc_id: str, old: str, new: str, allowed: bool, dropped: dict[str, list[str]]) -> str:
    """Rebase (or refuse to) the annotations of every layer; returns the ingest status."""
    plans = []
    affected: dict[str, list[str]] = {}
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
    if not plans:
        return "replaced"
    if not allowed:
        raise RebaseRequired(doc_id, affected)
    for layer, tables, result in plans:
        write_tables(root, {t: result.frames[t.name] for t in tables}, layer)
    dropped.update(affected)
    return "rebased"
