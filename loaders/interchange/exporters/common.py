"""What every exporter starts from: the selected articles and the layer's rows, as frames, documents or tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import InterchangeError
from peacetalks.interchange.document import Document, from_frames
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, ENTITIES, NOTES, Table
from peacetalks.storage.layers import GOLD, layer_dir, read_layer
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.status import KINDS, complete_doc_ids, keep_complete, kind_of, read_status
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, Tagged, tag
from peacetalks.text.tokenize import token_texts, tokenize


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files (relative to the output folder or the file itself) and counts.

    ``skipped`` lists annotations left out one by one; ``warnings`` what the format cannot carry
    (one line per kind of loss, with counts), so that a round trip through the tool loses nothing unsaid.
    """

    format: str
    out: Path
    files: list[Path]
    documents: int
    counts: dict[str, int]
    skipped: list[str]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """The articles an export writes (doc_id, text; sorted by doc_id) and the layer's rows about them."""

    folder: Path
    articles: pl.DataFrame
    tables: dict[Table, pl.DataFrame]
    notes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=NOTES.polars_schema()))

    def documents(self) -> list[Document]:
        return from_frames({**self.tables, NOTES: self.notes}, dict(self.articles.iter_rows()))

    def counts(self) -> dict[str, int]:
        """Rows per annotation table, as :func:`counts` gives them for the documents."""
        return {table.name: df.height for table, df in self.tables.items()}

    def blocks(self) -> pl.DataFrame:
        doc_ids = self.articles.get_column("doc_id")
        return read_table(self.folder, BLOCKS).filter(pl.col("doc_id").is_in(doc_ids.implode()))


def select(
    root: Path | str | None,
    layer: str = GOLD,
    doc_ids: list[str] | None = None,
    *,
    all_articles: bool = False,
    kinds: Sequence[str] = KINDS,
) -> Selection:
    """The articles (with their text) the layer has complete for one of ``kinds``, sorted by doc_id, and their rows.

    Only articles whose status in the layer (gold's for gold) is complete for a kind are included,
    and of each kind only the rows of articles complete for it (:func:`keep_complete`), so an export
    never shows an unannotated article as "no entities"; ``all_articles`` includes every article and
    every row as it is (e.g. to send them out for annotation). ``doc_ids`` names articles to keep;
    one that is not in the corpus is an error.
    """
    folder = resolve_root(root)
    articles = read_table(folder, ARTICLES).select("doc_id", "text")
    if doc_ids:
        unknown = sorted(set(doc_ids) - set(articles.get_column("doc_id").to_list()))
        if unknown:
            raise InterchangeError(f"no article {', '.join(unknown)}", path=ARTICLES.relpath())
        articles = articles.filter(pl.col("doc_id").is_in(doc_ids))
    tables = read_layer(folder, layer)
    notes = read_table(folder, NOTES, layer_dir(layer), missing_ok=True)
    if not all_articles:
        status = read_status(folder, layer_dir(layer))
        tables = {t: keep_complete(df, status, kind_of(t)) for t, df in tables.items()}
        notes = pl.concat(
            [keep_complete(notes.filter(pl.col("kind") == t.name), status, kind_of(t)) for t in ANNOTATION_TABLES]
        )
        annotated = pl.concat([complete_doc_ids(status, kind) for kind in kinds])
        articles = articles.filter(pl.col("doc_id").is_in(annotated.implode()))
    articles = articles.sort("doc_id")
    kept = articles.get_column("doc_id").implode()
    return Selection(
        folder,
        articles,
        {t: df.filter(pl.col("doc_id").is_in(kept)) for t, df in tables.items()},
        notes.filter(pl.col("doc_id").is_in(kept)),
    )


def load_documents(
    root: Path | str | None,
    layer: str = GOLD,
    doc_ids: list[str] | None = None,
    *,
    all_articles: bool = False,
) -> list[Document]:
    """The documents of :func:`select`: every selected article with the layer's rows."""
    return select(root, layer, doc_ids, all_articles=all_articles).documents()


def counts(documents: list[Document]) -> dict[str, int]:
    """Rows per annotation table of ``documents`` (and notes, when there are any)."""
    found = {
        "entities": sum(len(d.mentions) for d in documents),
        "events": sum(len(d.events) for d in documents),
        "event_arguments": sum(len(d.arguments) for d in documents),
        "stances": sum(len(d.stances) for d in documents),
    }
    notes = sum(len(d.notes) for d in documents)
    return found | ({"notes": notes} if notes else {})


def not_carried(fmt: str, losses: dict[str, int]) -> list[str]:
    """One warning per kind of information ``fmt`` cannot carry, with how many items lose it (zero: none)."""
    return [f"{fmt} cannot carry {what}: {n} not exported" for what, n in losses.items() if n]


def note_count(documents: list[Document]) -> int:
    return sum(len(d.notes) for d in documents)


def tagged_tokens(
    selection: Selection,
    *,
    tagset: str,
    mention_types: Sequence[str] = DEFAULT_MENTION_TYPES,
    levels: int = 1,
    with_text: bool = True,
) -> Tagged:
    """The selected articles tokenised and tagged as the ``tokens`` config does (with each token's text)."""
    tokens = tokenize(selection.articles, selection.blocks())
    tagged = tag(
        tokens,
        selection.articles,
        selection.tables[ENTITIES],
        tagset=tagset,
        mention_types=mention_types,
        levels=levels,
    )
    if not with_text:
        return tagged
    return Tagged(
        tagged.tokens.with_columns(token_texts(selection.articles, tagged.tokens)),
        tagged.names,
        tagged.left_out,
        tagged.levels,
    )


def left_out_notes(tagged: Tagged) -> list[str]:
    """One line per mention that fits no level: ``doc: mention m3 ('Bunde')``."""
    notes = tagged.left_out.select(pl.format("{}: mention {} ('{}')", "doc_id", "mention_id", "text"))
    return notes.to_series().to_list()
