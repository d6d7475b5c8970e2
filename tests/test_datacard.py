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
    assert (stats["articles"], stats["mentions"], stats["stances"]) == (1, 3, 1)
    # the tiny corpus has no event coreference: two mentions, no events (clusters); the CONSULT with its
    # ACTOR is a PLOVER event of its own, the SUPPORT without an ACTOR none
    assert stats["events"] == {"mentions": 2, "events": 0, "unclustered": 2, "plover": 1}
    assert stats["mentions_per_label"]["PER"] == 2
    assert stats["events_per_category"]["CONSULT"] == {"events": 0, "mentions": 1, "plover": 1}
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


def test_the_adjudication_table_counts_kept_versions_the_adjudicator_edited(tmp_path: Path) -> None:
    """A kept version changed in the review file is counted as edited; a plain choice of one pass is not."""
    import yaml

    from peacetalks.release.datacard import render_adjudication
    from peacetalks.review.adjudicate import adjudicate
    from tests.conftest import tiny_frames
    from tests.interchange.helpers import edit, write_corpus, write_layer

    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(
        tmp_path,
        "ann-b",
        edit(
            edit(tiny_frames(), "entities", pl.col("mention_id") == "m2", entity_id="y"),
            "entities",
            pl.col("mention_id") == "m3",
            entity_id="x",
        ),
    )
    review = tmp_path / adjudicate(tmp_path, "ann-a", "ann-b").review_file
    data = yaml.safe_load(review.read_text(encoding="utf-8"))
    first, second = data["conflicts"]
    first["decision"], second["decision"] = "a", "b"
    second["b"]["entity_id"] = "kremlin"  # the adjudicator's own version
    review.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    table = render_adjudication(tmp_path)
    assert "| ann-a--ann-b.yaml | entities | a | 1 | 0 |" in table
    assert "| ann-a--ann-b.yaml | entities | b | 1 | 1 |" in table
