"""The card counts events (clusters) against event mentions, and PLOVER events by the one mapping."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from peacetalks.release.plover_card import departures, event_counts, render_plover, totals

ROOT = Path(__file__).resolve().parents[2]


def _events(rows: list[tuple[str, str, str, str | None, str | None]]) -> pl.DataFrame:
    schema = {"doc_id": pl.String, "category": pl.String, "realis": pl.String, "modality": pl.String}
    frame = pl.DataFrame(rows, schema=schema | {"cluster_id": pl.String}, orient="row")
    return frame.with_columns(
        pl.format("e{}", pl.int_range(pl.len())).alias("event_id"),
        pl.int_range(pl.len()).cast(pl.Int64).alias("trigger_start"),
        pl.int_range(pl.len()).cast(pl.Int64).alias("trigger_end"),
    )


def _actors(events: pl.DataFrame) -> pl.DataFrame:
    """An ACTOR argument for every mention (a mention without one maps to no PLOVER event)."""
    return events.select("doc_id", "event_id", pl.lit("ACTOR").alias("role"))


def test_mentions_events_and_plover_events_per_category() -> None:
    events = _events(
        [
            ("d1", "CONSULT", "ACTUAL", None, "call"),
            ("d1", "CONSULT", "ACTUAL", None, "call"),  # the same call twice: one event
            ("d2", "CONSULT", "ACTUAL", None, "call"),  # the same slug in another article: another event
            ("d1", "CONSULT", "OTHER", "FUTURE", "talks"),  # a planned meeting: PLOVER AGREE
            ("d1", "RETREAT", "OTHER", "DESIRED", "end"),  # desired: no PLOVER event
            ("d1", "RETREAT", "OTHER", "NEGATED", "end"),  # negated: none either, so "end" is no PLOVER event
        ]
    )
    counts = event_counts(events, _actors(events))
    assert counts["CONSULT"] == {"events": 3, "mentions": 4, "plover": 2}
    assert counts["AGREE"] == {"events": 0, "mentions": 0, "plover": 1}
    assert counts["RETREAT"] == {"events": 1, "mentions": 2, "plover": 0}
    assert totals(events, _actors(events)) == {"mentions": 6, "events": 4, "unclustered": 0, "plover": 3}
    assert totals(events, _actors(events).head(0))["plover"] == 0  # no ACTOR: no PLOVER event


def test_mentions_without_a_cluster_are_no_events_but_plover_events_of_their_own() -> None:
    events = _events([("d1", "CONSULT", "ACTUAL", None, None), ("d1", "AGREE", "ACTUAL", None, None)])
    assert totals(events, _actors(events)) == {"mentions": 2, "events": 0, "unclustered": 2, "plover": 2}
    assert event_counts(events, _actors(events))["AGREE"] == {"events": 0, "mentions": 1, "plover": 1}


def test_the_departures_come_from_the_guidelines_and_the_mapping_from_the_scheme(tmp_path: Path) -> None:
    listed = departures(ROOT)
    assert len(listed) >= 5
    assert listed[0] == "Every mention is a row"
    card = render_plover(ROOT)
    assert f"in {len(listed)} ways" in card
    assert all(f"{i}. {title}." in card for i, title in enumerate(listed, 1))
    assert "| CONSULT, SUPPORT, COOPERATE, AID with OTHER/FUTURE | AGREE |" in card
    assert departures(tmp_path) == []  # a corpus without guidelines: the card names the section only
    assert "annotation guidelines, section 2.8" in render_plover(tmp_path)
