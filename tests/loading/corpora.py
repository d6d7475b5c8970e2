"""Small corpora written to disk in tests: articles from texts, one paragraph block per line."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, STANCES, STATUS, Table
from peacetalks.storage.parquet import write_tables


@dataclass
class Doc:
    doc_id: str
    text: str
    story_id: str | None = None
    # (surface, label, form, mention_type), found left to right in the text
    mentions: list[tuple[str, str, str | None, str]] = field(default_factory=list)


def _frame(table: Table, rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows or None, schema=table.polars_schema(), orient="row")


def article_rows(docs: list[Doc]) -> list[dict[str, object]]:
    return [
        {
            "doc_id": d.doc_id,
            "source": "test",
            "url": None,
            "language": "de",
            "published": dt.date(2025, 2, 12),
            "kicker": "",
            "headline": d.text.split("\n")[0] or "x",
            "text": d.text,
            "license": "CC-BY-4.0",
            "text_sha256": hashlib.sha256(d.text.encode()).hexdigest(),
            "story_id": d.story_id,
            "image_url": None,
        }
        for d in docs
    ]


def block_rows(docs: list[Doc]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for d in docs:
        pos = 0
        for i, line in enumerate(d.text.split("\n")):
            kind = "headline" if i == 0 else "paragraph"
            rows.append({"doc_id": d.doc_id, "block_id": i, "kind": kind, "start": pos, "end": pos + len(line)})
            pos += len(line) + 1
    return rows


def mention_rows(docs: list[Doc]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for d in docs:
        cursor, seen = 0, set()
        for i, (surface, label, form, mtype) in enumerate(d.mentions):
            start = d.text.index(surface, cursor)
            while (start, surface) in seen:
                start = d.text.index(surface, start + 1)
            seen.add((start, surface))
            cursor = start
            rows.append(
                {
                    "doc_id": d.doc_id,
                    "mention_id": f"m{i}",
                    "start": start,
                    "end": start + len(surface),
                    "text": surface,
                    "label": label,
                    "form": form,
                    "mention_type": mtype,
                    "entity_id": f"{label.lower()}-{surface.lower()}",
                }
            )
    return rows


# Names, derived forms and names inside compounds in one sentence (shared by the tokens and export tests).
FORMS = Doc(
    "doc-forms",
    "US-Präsident Trump sprach mit dem Kremlchef über russische Truppen.",
    mentions=[
        ("US", "GPE", "PART", "NAM"),
        ("Trump", "PER", "NAME", "NAM"),
        ("Kreml", "ORG", "PART", "NAM"),
        ("russische", "GPE", "DERIV", "NAM"),
    ],
)


def write_corpus(root: Path, docs: list[Doc]) -> Path:
    """Write articles, blocks, entities of ``docs`` (empty event/stance tables) under ``root``; gold adjudicated."""
    from tests.conftest import status_frame

    write_tables(
        root,
        {
            ARTICLES: _frame(ARTICLES, article_rows(docs)),
            BLOCKS: _frame(BLOCKS, block_rows(docs)),
            ENTITIES: _frame(ENTITIES, mention_rows(docs)),
            EVENTS: _frame(EVENTS, []),
            ARGUMENTS: _frame(ARGUMENTS, []),
            STANCES: _frame(STANCES, []),
            STATUS: status_frame([str(row["doc_id"]) for row in article_rows(docs)]),
        },
    )
    return root


def articles_frame(docs: list[Doc]) -> pl.DataFrame:
    return _frame(ARTICLES, article_rows(docs))
