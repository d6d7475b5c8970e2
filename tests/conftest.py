"""Shared fixtures: tiny valid corpora built in code, and the paths of the project."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl
import pytest

from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, STANCES, STATUS, Table
from peacetalks.storage.gold_versions import GOLD_VERSIONS, current_versions
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import status_rows

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
CONFORMANCE = SHARED / "conformance"
SEED = PROJECT / "corpus" / "raw" / "000_bd74dec31b69f575.txt"

DOC = "ts-2025-02-12-test"
TEXT = "Trump telefonierte mit Putin.\nDer Kreml bestätigte das Telefonat."


def _frame(table: Table, rows: list[dict[str, object]]) -> pl.DataFrame:
    return (
        pl.DataFrame(rows, schema=table.polars_schema(), orient="row")
        if rows
        else pl.DataFrame(schema=table.polars_schema())
    )


def status_frame(doc_ids: list[str], status: str = "adjudicated") -> pl.DataFrame:
    """A status table giving every article ``status`` for every kind (gold: adjudicated by default)."""
    return status_rows(doc_ids, status, set_by="test").select(STATUS.columns)


def mark_annotated(root: Path, layer: str | None = None, status: str | None = None) -> None:
    """Give every article at ``root`` a finished status: gold adjudicated, ``layer`` complete (or ``status``)."""
    docs = read_table(root, ARTICLES)["doc_id"].to_list()
    value = status or ("adjudicated" if layer is None else "complete")
    write_tables(root, {STATUS: status_frame(docs, value)}, layer)


def tiny_frames() -> dict[str, pl.DataFrame]:
    """A valid one-article corpus: 3 mentions, 2 events, 3 arguments, 1 stance; gold adjudicated."""
    articles = _frame(
        ARTICLES,
        [
            {
                "doc_id": DOC,
                "source": "tagesschau",
                "url": None,
                "language": "de",
                "published": dt.date(2025, 2, 12),
                "kicker": "Test",
                "headline": "Trump telefonierte",
                "text": TEXT,
                "license": "tagesschau-terms",
                "text_sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
                "story_id": None,
                "image_url": None,
            }
        ],
    )
    blocks = _frame(
        BLOCKS,
        [
            {"doc_id": DOC, "block_id": 0, "kind": "paragraph", "start": 0, "end": 29},
            {"doc_id": DOC, "block_id": 1, "kind": "paragraph", "start": 30, "end": 65},
        ],
    )
    entities = _frame(
        ENTITIES,
        [
            {
                "doc_id": DOC,
                "mention_id": "m1",
                "start": 0,
                "end": 5,
                "text": "Trump",
                "label": "PER",
                "form": "NAME",
                "mention_type": "NAM",
                "entity_id": "trump",
            },
            {
                "doc_id": DOC,
                "mention_id": "m2",
                "start": 23,
                "end": 28,
                "text": "Putin",
                "label": "PER",
                "form": "NAME",
                "mention_type": "NAM",
                "entity_id": "putin",
            },
            {
                "doc_id": DOC,
                "mention_id": "m3",
                "start": 30,
                "end": 39,
                "text": "Der Kreml",
                "label": "ORG",
                "form": "NAME",
                "mention_type": "NAM",
                "entity_id": "kremlin",
            },
        ],
    )
    events = _frame(
        EVENTS,
        [
            {
                "doc_id": DOC,
                "event_id": "ev1",
                "trigger_start": 6,
                "trigger_end": 18,
                "trigger_text": "telefonierte",
                "category": "CONSULT",
                "mode": "phone",
                "context": ["diplomatic"],
                "realis": "ACTUAL",
                "modality": None,
            },
            {
                "doc_id": DOC,
                "event_id": "ev2",
                "trigger_start": 40,
                "trigger_end": 50,
                "trigger_text": "bestätigte",
                "category": "SUPPORT",
                "mode": None,
                "context": [],
                "realis": "ACTUAL",
                "modality": None,
            },
        ],
    )
    arguments = _frame(
        ARGUMENTS,
        [
            {
                "doc_id": DOC,
                "event_id": "ev1",
                "argument_id": "a1",
                "role": "ACTOR",
                "mention_id": "m1",
                "start": None,
                "end": None,
                "text": None,
            },
            {
                "doc_id": DOC,
                "event_id": "ev1",
                "argument_id": "a2",
                "role": "ACTOR",
                "mention_id": "m2",
                "start": None,
                "end": None,
                "text": None,
            },
            {
                "doc_id": DOC,
                "event_id": "ev2",
                "argument_id": "a3",
                "role": "TOPIC",
                "mention_id": None,
                "start": 51,
                "end": 64,
                "text": "das Telefonat",
            },
        ],
    )
    stances = _frame(
        STANCES,
        [
            {
                "doc_id": DOC,
                "stance_id": "s1",
                "holder_mention_id": "m3",
                "target_id": "us-russia-contacts",
                "polarity": "FAVOR",
                "evidence_start": 30,
                "evidence_end": 65,
                "evidence_text": "Der Kreml bestätigte das Telefonat.",
                "attribution": "PARAPHRASE",
                "event_id": "ev2",
            },
        ],
    )
    return {
        "articles": articles,
        "blocks": blocks,
        "entities": entities,
        "events": events,
        "event_arguments": arguments,
        "stances": stances,
        "status": status_frame([DOC]),
    }


@pytest.fixture
def frames() -> dict[str, pl.DataFrame]:
    return tiny_frames()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A corpus folder on disk holding the tiny valid corpus."""
    by_table = {ARTICLES: "articles", BLOCKS: "blocks"}
    write_tables(tmp_path, {t: tiny_frames()[n] for t, n in by_table.items()})
    write_tables(tmp_path, {t: tiny_frames()[t.name] for t in (ENTITIES, EVENTS, ARGUMENTS, STANCES, STATUS)})
    write_gold_versions(tmp_path)
    return tmp_path


def write_gold_versions(root: Path) -> None:
    """Record that the gold at ``root`` was made under this package's scheme and codebook (annotations/gold.yaml)."""
    path = root / GOLD_VERSIONS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current_versions(root, load_scheme()).as_yaml(), encoding="utf-8")
