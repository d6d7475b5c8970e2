"""What every exporter starts from: the articles and one layer's annotations as documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.errors import InterchangeError
from peacetalks.interchange.document import Document, from_frames
from peacetalks.schema.tables import ARTICLES
from peacetalks.storage.layers import GOLD, read_layer
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files (relative to the output folder or the file itself) and counts."""

    format: str
    out: Path
    files: list[Path]
    documents: int
    counts: dict[str, int]
    skipped: list[str]


def load_documents(
    root: Path | str | None,
    layer: str = GOLD,
    doc_ids: list[str] | None = None,
    *,
    all_articles: bool = False,
) -> list[Document]:
    """The articles (with their text) holding the layer's rows, sorted by doc_id.

    Only articles the layer annotates (one row in any table) are included, so a training
    export never shows an unannotated article as "no entities"; ``all_articles`` includes the
    rest (e.g. to send them out for annotation). ``doc_ids`` names articles to keep; one that
    is not in the corpus is an error.
    """
    folder = resolve_root(root)
    articles = read_table(folder, ARTICLES).select("doc_id", "text")
    if doc_ids:
        unknown = sorted(set(doc_ids) - set(articles.get_column("doc_id").to_list()))
        if unknown:
            raise InterchangeError(f"{ARTICLES.relpath()}: no article {', '.join(unknown)}")
        articles = articles.filter(pl.col("doc_id").is_in(doc_ids))
    texts = dict(articles.iter_rows())
    tables = read_layer(folder, layer)
    annotated = set().union(*(set(df.get_column("doc_id").to_list()) for df in tables.values()))
    docs = from_frames(tables, texts)
    return [d for d in docs if d.doc_id in texts and (all_articles or d.doc_id in annotated)]


def counts(documents: list[Document]) -> dict[str, int]:
    return {
        "entities": sum(len(d.mentions) for d in documents),
        "events": sum(len(d.events) for d in documents),
        "event_arguments": sum(len(d.arguments) for d in documents),
        "stances": sum(len(d.stances) for d in documents),
    }
