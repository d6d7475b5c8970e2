"""Corpora for the suggester's tests, built in tmp folders: a synthetic one, and the bundled seed split or copied."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import polars as pl

from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, STANCES, STATUS, Table
from peacetalks.storage.layers import read_layer
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import status_rows
from tests.conftest import PROJECT

GOLD_DOC = "ts-2025-03-01-gold"
NEW_DOC = "ts-2025-03-02-new"
# A gold article (synthetic text): names, a derived form, names in compounds, triggers, and an "Ende" gold
# does not annotate (so that the trigger's score is 1 of 2).
GOLD_TEXT = (
    "US-Präsident Trump telefonierte mit Kremlchef Putin.\n"
    "Der Kreml bestätigte das Telefonat über ein Ende des Krieges.\n"
    "Die russische Armee hielt am Ende still."
)
NEW_TEXT = (
    "Der US-Botschafter sprach mit Putins Kremlsprecher.\n"
    "Russische Diplomaten meldeten, Trump habe telefoniert.\n"
    "Nach Ende des Telefonats schwieg Moskau."
)


def frame(table: Table, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return (
        pl.DataFrame(rows, schema=table.polars_schema(), orient="row")
        if rows
        else pl.DataFrame(schema=table.polars_schema())
    )


def article(doc_id: str, text: str) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "source": "tagesschau",
        "url": None,
        "language": "de",
        "published": dt.date(2025, 3, 1),
        "kicker": "",
        "headline": text.split("\n")[0][:40],
        "text": text,
        "license": "tagesschau-terms",
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "story_id": None,
        "image_url": None,
    }


def blocks(doc_id: str, text: str) -> list[dict[str, Any]]:
    rows, start = [], 0
    for i, line in enumerate(text.split("\n")):
        rows.append({"doc_id": doc_id, "block_id": i, "kind": "paragraph", "start": start, "end": start + len(line)})
        start += len(line) + 1
    return rows


def mention(
    doc_id: str, text: str, n: int, surface: str, label: str, form: str, entity: str, *, nth: int = 0
) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {
        "doc_id": doc_id,
        "mention_id": f"m{n}",
        "start": start,
        "end": start + len(surface),
        "text": surface,
        "label": label,
        "form": form,
        "mention_type": "NAM",
        "entity_id": entity,
    }


def event(
    doc_id: str, text: str, n: int, trigger: str, category: str, mode: str | None, *, nth: int = 0
) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(trigger, start + 1)
    return {
        "doc_id": doc_id,
        "event_id": f"e{n}",
        "trigger_start": start,
        "trigger_end": start + len(trigger),
        "trigger_text": trigger,
        "category": category,
        "mode": mode,
        "context": ["diplomatic"],
        "realis": "ACTUAL",
        "modality": None,
    }


def synthetic_corpus(root: Path) -> Path:
    """Two articles: GOLD_DOC with adjudicated gold, NEW_DOC not started; no layers."""
    g, t = GOLD_DOC, GOLD_TEXT
    mentions = [
        mention(g, t, 1, "US-Präsident", "GPE", "PART", "usa"),
        mention(g, t, 2, "Trump", "PER", "NAME", "donald-trump"),
        mention(g, t, 3, "Kremlchef", "ORG", "PART", "kremlin"),
        mention(g, t, 4, "Putin", "PER", "NAME", "wladimir-putin"),
        mention(g, t, 5, "Kreml", "ORG", "NAME", "kremlin", nth=1),
        mention(g, t, 6, "russische", "GPE", "DERIV", "russia"),
    ]
    events = [
        event(g, t, 1, "telefonierte", "CONSULT", "phone"),
        event(g, t, 2, "Telefonat", "CONSULT", "phone"),
        event(g, t, 3, "Ende", "RETREAT", "ceasefire"),
        event(g, t, 4, "Krieges", "ASSAULT", None),
    ]
    write_tables(
        root,
        {
            ARTICLES: frame(ARTICLES, [article(g, t), article(NEW_DOC, NEW_TEXT)]),
            BLOCKS: frame(BLOCKS, blocks(g, t) + blocks(NEW_DOC, NEW_TEXT)),
            ENTITIES: frame(ENTITIES, mentions),
            EVENTS: frame(EVENTS, events),
            ARGUMENTS: frame(ARGUMENTS, []),
            STANCES: frame(STANCES, []),
            STATUS: pl.concat(
                [status_rows([g], "adjudicated", set_by="test"), status_rows([NEW_DOC], "not-started", set_by="test")]
            ).select(STATUS.columns),
        },
    )
    return root


SEED_COPY = "tagesschau-2025-02-12-copy-without-gold"


def seed_with_copy(root: Path) -> tuple[Path, str, str]:
    """The bundled seed with its gold, and a copy of the article (same text and blocks) without gold, not started.

    Returns the folder, the seed's doc_id and the copy's.
    """
    articles, block_rows = read_table(PROJECT, ARTICLES), read_table(PROJECT, BLOCKS)
    (seed,) = articles["doc_id"].to_list()

    def copy(df: pl.DataFrame) -> pl.DataFrame:
        return df.with_columns(pl.lit(SEED_COPY).alias("doc_id"))

    gold = read_layer(PROJECT, "gold")
    write_tables(
        root,
        {
            ARTICLES: pl.concat([articles, copy(articles)]),
            BLOCKS: pl.concat([block_rows, copy(block_rows)]),
            **gold,
            STATUS: pl.concat(
                [
                    read_table(PROJECT, STATUS),
                    status_rows([SEED_COPY], "not-started", set_by="test").select(STATUS.columns),
                ]
            ),
        },
    )
    return root, seed, SEED_COPY


SEED_FIRST, SEED_SECOND = "tagesschau-2025-02-12-first-half", "tagesschau-2025-02-12-second-half"


def seed_halves(root: Path) -> tuple[Path, pl.DataFrame, pl.DataFrame]:
    """The seed cut at the block boundary nearest its middle into two articles.

    The first half keeps its gold (adjudicated); the second is not started and has no gold. Returns the
    folder and the second half's gold mentions and events (moved onto its text), for measuring recall.
    """
    (text,) = read_table(PROJECT, ARTICLES)["text"].to_list()
    block_rows = read_table(PROJECT, BLOCKS).sort("start")
    cut = int(block_rows.filter(pl.col("start") >= len(text) // 2)["start"][0])  # the second half's first block
    first, second = text[: cut - 1], text[cut:]
    gold = read_layer(PROJECT, "gold")

    def part(df: pl.DataFrame, start: str, end: str, lo: int, hi: int, doc: str) -> pl.DataFrame:
        inside = df.filter((pl.col(start) >= lo) & (pl.col(end) <= hi))
        return inside.with_columns(pl.col(start) - lo, pl.col(end) - lo, pl.lit(doc).alias("doc_id"))

    mentions = part(gold[ENTITIES], "start", "end", 0, cut - 1, SEED_FIRST)
    events = part(gold[EVENTS], "trigger_start", "trigger_end", 0, cut - 1, SEED_FIRST)
    later_blocks = part(block_rows, "start", "end", cut, len(text), SEED_SECOND)
    write_tables(
        root,
        {
            ARTICLES: frame(ARTICLES, [article(SEED_FIRST, first), article(SEED_SECOND, second)]),
            BLOCKS: pl.concat([part(block_rows, "start", "end", 0, cut - 1, SEED_FIRST), later_blocks]),
            ENTITIES: mentions,
            EVENTS: events,
            ARGUMENTS: frame(ARGUMENTS, []),
            STANCES: frame(STANCES, []),
            STATUS: pl.concat(
                [
                    status_rows([SEED_FIRST], "adjudicated", set_by="test"),
                    status_rows([SEED_SECOND], "not-started", set_by="test"),
                ]
            ).select(STATUS.columns),
        },
    )
    expected_mentions = part(gold[ENTITIES], "start", "end", cut, len(text), SEED_SECOND)
    expected_events = part(gold[EVENTS], "trigger_start", "trigger_end", cut, len(text), SEED_SECOND)
    return root, expected_mentions, expected_events
