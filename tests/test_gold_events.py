"""Gold events follow guidelines 3.0: event clusters (2.7), demands and allegations by verbs of saying (2.1)."""

from __future__ import annotations

import polars as pl

from peacetalks.schema.plover import plover_events
from peacetalks.schema.tables import ARGUMENTS, EVENTS, STANCES
from peacetalks.storage.parquet import read_table
from tests.conftest import PROJECT


def _events() -> pl.DataFrame:
    return read_table(PROJECT, EVENTS)


def test_every_gold_event_has_a_cluster_and_layers_before_2_1_have_none() -> None:
    assert _events()["cluster_id"].null_count() == 0
    for layer in ("annotator-a", "annotator-b"):
        assert (
            read_table(PROJECT, EVENTS, layer)["cluster_id"].null_count() == read_table(PROJECT, EVENTS, layer).height
        )


def test_the_phone_mentions_are_two_calls() -> None:
    """2.7: the 19 CONSULT phone rows denote the Trump-Putin call and the Trump-Selenskyj call."""
    phone = _events().filter(pl.col("mode") == "phone")
    assert phone.height == 19
    assert phone.group_by("cluster_id").len().sort("cluster_id").rows() == [
        ("trump-putin-call", 11),
        ("trump-selenskyj-call", 8),
    ]


def test_the_demands_and_the_allegation_by_verbs_of_saying() -> None:
    """2.1: one row each, ACTOR the one who demands or alleges; the headline's demand and S34's are one event."""
    events, arguments = _events(), read_table(PROJECT, ARGUMENTS)
    new = events.filter(
        pl.col("trigger_text").is_in(
            ["Darstellung", "sagte", "wichtig", "äußerte", "erklärte", "unausweichlich", "Pflicht"]
        )
    )
    assert sorted(new["category"].to_list()) == ["ACCUSE", *["REQUEST"] * 6]
    actors = arguments.filter(pl.col("role") == "ACTOR").join(new, on=["doc_id", "event_id"])
    assert actors.height == 7
    baerbock = events.filter(pl.col("cluster_id") == "baerbock-demand")["trigger_text"].sort().to_list()
    assert baerbock == ["pocht", "sagte"]


def test_stances_link_the_demand_their_holder_makes() -> None:
    """3.5: a stance links first to the demand whose ACTOR its holder is (S34-S37, S42, S43)."""
    stances, arguments = read_table(PROJECT, STANCES), read_table(PROJECT, ARGUMENTS)
    relinked = ["s0024", "s0025", "s0026", "s0027", "s0028", "s0031", "s0032", "s0033"]
    linked = stances.filter(pl.col("stance_id").is_in(relinked)).join(_events(), on=["doc_id", "event_id"])
    actors = arguments.filter(pl.col("role") == "ACTOR").select("doc_id", "event_id", "mention_id")
    held = linked.join(
        actors, left_on=["doc_id", "event_id", "holder_mention_id"], right_on=["doc_id", "event_id", "mention_id"]
    )
    assert sorted(held["stance_id"].to_list()) == relinked
    assert set(held["category"]) == {"REQUEST"}


def test_plover_events_count_distinct_clusters() -> None:
    """2.8: PLOVER events are the clusters with a mapped mention: fewer than the clusters, fewer than the rows."""
    events = _events()
    counted = plover_events(events, read_table(PROJECT, ARGUMENTS)).height
    assert counted < events["cluster_id"].n_unique() < events.height
