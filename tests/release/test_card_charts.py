"""The charts of the data card: written by `card`, checked by `card --check`, carried by `release`."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from peacetalks.release import checksums
from peacetalks.release.build import build_release
from peacetalks.release.datacard import CARD_NAME, CHARTS_DIR, stale_sections, update_card
from peacetalks.schema.tables import ENTITIES
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.view.charts import svg_digest

PROJECT = Path(__file__).resolve().parents[2]
CHARTS = {"mentions", "events", "stances", "stance-network", "agreement"}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout's data, its data card and the card's charts."""
    for name in ("corpus", "annotations", CHARTS_DIR):
        shutil.copytree(PROJECT / name, tmp_path / name)
    shutil.copy(PROJECT / CARD_NAME, tmp_path / CARD_NAME)
    return tmp_path


def test_the_checkout_card_and_its_charts_are_current() -> None:
    assert stale_sections(PROJECT / CARD_NAME, PROJECT) == []
    assert {p.stem for p in (PROJECT / CHARTS_DIR).glob("*.svg")} == CHARTS


def test_a_missing_chart_file_makes_the_charts_stale_and_card_writes_it(checkout: Path) -> None:
    (checkout / CHARTS_DIR / "events.svg").unlink()
    assert stale_sections(checkout / CARD_NAME, checkout) == ["charts"]
    assert update_card(checkout / CARD_NAME, checkout) == ["charts"]
    assert (checkout / CHARTS_DIR / "events.svg").is_file()
    assert stale_sections(checkout / CARD_NAME, checkout) == []


def test_changed_gold_makes_the_charts_stale(checkout: Path) -> None:
    entities = read_table(checkout, ENTITIES)
    changed = entities.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("MISC")).otherwise("label").alias("label")
    )
    write_tables(checkout, {ENTITIES: changed})
    before = svg_digest((checkout / CHARTS_DIR / "mentions.svg").read_text(encoding="utf-8"))
    assert "charts" in stale_sections(checkout / CARD_NAME, checkout)
    update_card(checkout / CARD_NAME, checkout)
    after = svg_digest((checkout / CHARTS_DIR / "mentions.svg").read_text(encoding="utf-8"))
    assert before != after
    assert after is not None
    assert after in (checkout / CARD_NAME).read_text(encoding="utf-8")


def test_a_release_carries_the_charts_its_card_shows(checkout: Path, tmp_path: Path) -> None:
    release = build_release(checkout, "0.1.0", tmp_path / "dist").folder
    listed = checksums.parse_manifest((release / checksums.MANIFEST).read_text(encoding="utf-8"))
    card = (release / "README.md").read_text(encoding="utf-8")
    for name in CHARTS:
        rel = f"{CHARTS_DIR}/{name}.svg"
        assert rel in listed
        assert f"]({rel})" in card
        shipped = (release / rel).read_text(encoding="utf-8")
        assert svg_digest(shipped) == svg_digest((checkout / rel).read_text(encoding="utf-8"))
