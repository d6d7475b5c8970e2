"""DATACARD.md's statistics are generated from the data, and a stale card fails the suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from peacetalks.release.datacard import corpus_statistics, stale_sections, update_card
from peacetalks.schema.tables import ENTITIES
from peacetalks.storage.parquet import read_table, write_tables
from tests.conftest import PROJECT


def test_datacard_statistics_are_up_to_date() -> None:
    """If this fails, run `peacetalks card` and commit DATACARD.md."""
    assert stale_sections(PROJECT / "DATACARD.md", PROJECT) == []


def test_statistics_count_the_data(corpus_dir: Path) -> None:
    stats = corpus_statistics(corpus_dir)
    assert (stats["articles"], stats["mentions"], stats["events"], stats["stances"]) == (1, 3, 2, 1)
    assert stats["mentions_per_label"]["PER"] == 2
    assert stats["events_per_category"]["CONSULT"] == 1
    assert stats["tokens"] == 12  # "Trump telefonierte mit Putin ." + "Der Kreml bestätigte das Telefonat ."


def test_changed_data_makes_the_card_stale_and_update_fixes_it(corpus_dir: Path, tmp_path: Path) -> None:
    card = tmp_path / "CARD.md"
    shutil.copy(PROJECT / "DATACARD.md", card)
    update_card(card, corpus_dir)
    assert stale_sections(card, corpus_dir) == []
    entities = read_table(corpus_dir, ENTITIES)
    write_tables(corpus_dir, {ENTITIES: entities.filter(pl.col("mention_id") != "m2")})
    assert stale_sections(card, corpus_dir) == ["charts", "statistics"]  # a mention fewer: the mentions chart too
    assert update_card(card, corpus_dir) == ["charts", "statistics"]
    assert "| mentions | 2 |" in card.read_text(encoding="utf-8")
