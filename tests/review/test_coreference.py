"""Coreference scores of entity and event clusters: scorch's figures on worked examples, and agree's cluster rows."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.review.agreement import NOT_SCORED, ROW_COLUMNS, agreement
from peacetalks.review.coreference import CONLL, METRICS, rpf, score_documents
from tests.conftest import tiny_frames
from tests.interchange.helpers import edit, write_corpus, write_layer

# Bagga and Baldwin (1998), "Algorithms for scoring coreference chains", figures 2 and 3: the key has three
# entities of 12 mentions; response 1 joins the second and third, response 2 the first and third.
KEY: list[set[Hashable]] = [{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10, 11, 12}]
RESPONSE_1: list[set[Hashable]] = [{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11, 12}]
RESPONSE_2: list[set[Hashable]] = [{1, 2, 3, 4, 5, 8, 9, 10, 11, 12}, {6, 7}]


def test_muc_and_b3_give_the_published_figures_of_bagga_and_baldwin() -> None:
    """MUC cannot tell the two responses apart (R 100%, P 90%); B³ can: precision 16/21 against 7/12."""
    one, two = rpf(KEY, RESPONSE_1), rpf(KEY, RESPONSE_2)
    assert one["muc"][:2] == pytest.approx((1.0, 0.9))
    assert two["muc"][:2] == pytest.approx((1.0, 0.9))
    assert one["b3"][:2] == pytest.approx((1.0, 16 / 21))
    assert two["b3"][:2] == pytest.approx((1.0, 7 / 12))


def test_ceaf_e_and_blanc_follow_their_definitions_on_the_same_example() -> None:
    """Worked by hand from Luo (2005) and Recasens and Hovy (2011) for response 1.

    CEAF-e: the best alignment pairs {1..5} with itself (Dice 1) and {8..12} with {6..12} (2*5/12), so
    R = (1 + 5/6)/3 and P = (1 + 5/6)/2. BLANC: 66 pairs; the key has 21 coreference links, the response 31
    (all 21 among them) and 35 non-coreference links (all among the key's 45): R = (21/21 + 35/45)/2,
    P = (21/31 + 35/35)/2, F = (2*21/52 + 2*35/80)/2.
    """
    r, p, f = rpf(KEY, RESPONSE_1)["ceaf_e"]
    assert (r, p) == pytest.approx(((1 + 5 / 6) / 3, (1 + 5 / 6) / 2))
    assert f == pytest.approx(2 * r * p / (r + p))
    r, p, f = rpf(KEY, RESPONSE_1)["blanc"]
    assert (r, p, f) == pytest.approx(((1 + 35 / 45) / 2, (21 / 31 + 1) / 2, (42 / 52 + 70 / 80) / 2))


def test_identical_clusterings_score_one_everywhere() -> None:
    scores = score_documents([KEY], [KEY])
    assert [s.metric for s in scores] == [*METRICS, CONLL]
    assert all(s.f1 == pytest.approx(1.0) for s in scores)
    assert (scores[-1].metric, scores[-1].precision, scores[-1].recall) == (CONLL, None, None)


def test_a_mention_only_the_response_has_is_a_key_singleton() -> None:
    """B adds mention 13 to A's {1..5}: B³ recall stays 1; precision is 5/6 for 1..5 and 1/6 for 13, 1 elsewhere."""
    response: list[set[Hashable]] = [{1, 2, 3, 4, 5, 13}, {6, 7}, {8, 9, 10, 11, 12}]
    b3 = next(s for s in score_documents([KEY], [response]) if s.metric == "b3")
    assert b3.recall == pytest.approx(1.0)
    assert b3.precision == pytest.approx((5 * 5 / 6 + 1 / 6 + 7) / 13)


def test_muc_is_undefined_where_a_layer_links_no_two_mentions() -> None:
    """All singletons: MUC has no links to count (None, not scorch's 0); B³, CEAF-e and BLANC still score."""
    singletons: list[set[Hashable]] = [{1}, {2}, {3}]
    scores = {s.metric: s for s in score_documents([singletons], [singletons])}
    assert (scores["muc"].precision, scores["muc"].recall, scores["muc"].f1) == (None, None, None)
    assert scores["b3"].f1 == pytest.approx(1.0)
    assert scores["blanc"].f1 == pytest.approx(1.0)
    assert scores[CONLL].f1 is None


def test_documents_are_weighted_by_their_mentions() -> None:
    """scorch's multi-document rule: B³ recall 1 on a 12-mention document and 0.5 on a 2-mention one."""
    scores = {s.metric: s for s in score_documents([KEY, [{1, 2}]], [KEY, [{1}, {2}]])}
    assert scores["b3"].recall == pytest.approx((12 * 1.0 + 2 * 0.5) / 14)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    return tmp_path


def test_agree_scores_entity_clusters_of_span_matched_mentions(root: Path) -> None:
    """B puts 'Der Kreml' into Putin's entity: A's three singletons against B's {Putin, Kreml} and {Trump}."""
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", entity_id="putin"))
    clusters = agreement(root, "ann-a", "ann-b", kinds=["entities"]).clusters("entities", "mention")
    assert (clusters.n_a, clusters.n_b, clusters.matched, clusters.clusters_a, clusters.clusters_b) == (3, 3, 3, 3, 2)
    scores = {s.metric: s for s in clusters.scores}
    assert scores["b3"].recall == pytest.approx(1.0)
    assert scores["b3"].precision == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert scores["muc"].recall is None  # A links no two mentions
    assert scores["muc"].precision == 0.0  # B's one link is not A's


def test_agree_matches_mentions_by_span_not_by_id(root: Path) -> None:
    frames = tiny_frames()
    renamed = {**frames, "entities": frames["entities"].with_columns(pl.col("mention_id") + "x")}
    renamed["event_arguments"] = frames["event_arguments"].with_columns(pl.col("mention_id") + "x")
    renamed["stances"] = frames["stances"].with_columns(pl.col("holder_mention_id") + "x")
    write_layer(root, "ann-b", renamed)
    clusters = agreement(root, "ann-a", "ann-b", kinds=["entities"]).clusters("entities", "mention")
    assert clusters.matched == 3
    assert {s.metric: s.f1 for s in clusters.scores}["b3"] == pytest.approx(1.0)


def test_agree_names_a_layer_without_event_clusters_and_does_not_score_it(root: Path) -> None:
    write_layer(root, "ann-b")
    report = agreement(root, "ann-a", "ann-b", kinds=["events"])
    events = report.clusters("events", "trigger")
    assert events.scores == []
    assert events.not_scored is not None
    assert events.not_scored.startswith("A has no clusters")
    assert "B has no clusters" in events.not_scored
    rows = [r for r in report.rows() if r["section"] == "clusters"]
    assert [(r["kind"], r["item"], r["name"]) for r in rows] == [("events", "trigger", NOT_SCORED)]
    assert rows[0]["note"] == events.not_scored
    assert rows[0]["f1"] is None


def test_cli_agree_shows_cluster_scores_as_a_table_and_csv_rows(root: Path) -> None:
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", entity_id="putin"))
    runner = CliRunner()
    result = runner.invoke(app, ["agree", "ann-a", "ann-b", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "entities: entity_id clusters of mentions (A 3 in 3, B 3 in 2; 3 matched by span)" in result.output
    assert "events: cluster_id clusters not scored: A has no clusters" in result.output
    result = runner.invoke(app, ["agree", "ann-a", "ann-b", "--root", str(root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(result.stdout.encode())
    assert table.columns == list(ROW_COLUMNS)
    clusters = table.filter(pl.col("section") == "clusters")
    assert clusters.filter(pl.col("kind") == "entities")["name"].to_list() == [*METRICS, CONLL]
    b3 = clusters.filter(pl.col("name") == "b3").row(0, named=True)
    assert (b3["n_a"], b3["pairs"], b3["clusters_a"], b3["clusters_b"]) == (3, 3, 3, 2)
    assert b3["precision"] == pytest.approx(2 / 3, abs=1e-6)


def _with_clusters(*clusters: str | None) -> dict[str, pl.DataFrame]:
    """The tiny corpus with the given cluster_id on its two events (the call ev1, the support ev2)."""
    frames = tiny_frames()
    events = frames["events"].with_columns(pl.Series("cluster_id", list(clusters), dtype=pl.String))
    return {**frames, "events": events}


def test_agree_scores_event_clusters_of_span_matched_triggers(root: Path) -> None:
    """A keeps the call and the support apart, B joins them: B³ recall 1, precision 1/2; MUC has no A link."""
    write_layer(root, "ann-c", _with_clusters("trump-putin-call", "kremlin-support"))
    write_layer(root, "ann-d", _with_clusters("trump-putin-call", "trump-putin-call"))
    events = agreement(root, "ann-c", "ann-d", kinds=["events"]).clusters("events", "trigger")
    assert (events.not_scored, events.matched, events.clusters_a, events.clusters_b) == (None, 2, 2, 1)
    scores = {s.metric: s for s in events.scores}
    assert scores["b3"].recall == pytest.approx(1.0)
    assert scores["b3"].precision == pytest.approx(0.5)
    assert (scores["muc"].recall, scores["muc"].precision) == (None, 0.0)
    same = agreement(root, "ann-d", "ann-d", kinds=["events"]).clusters("events", "trigger")
    assert {s.metric: s.f1 for s in same.scores} == {m: pytest.approx(1.0) for m in [*METRICS, CONLL]}


def test_agree_does_not_score_events_against_a_layer_without_clusters(root: Path) -> None:
    """Only B lacks clusters: the reason names B alone, and no score pretends B clustered nothing."""
    write_layer(root, "ann-c", _with_clusters("trump-putin-call", "kremlin-support"))
    write_layer(root, "ann-e", _with_clusters(None, None))
    events = agreement(root, "ann-c", "ann-e", kinds=["events"]).clusters("events", "trigger")
    assert events.scores == []
    assert events.not_scored == "B has no clusters (cluster_id is null on all 2 events)"
    assert (events.clusters_a, events.clusters_b) == (2, None)
