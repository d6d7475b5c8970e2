"""Event clusters (GUIDELINES 2.7): one category per cluster, all or none of an article's mentions clustered."""

from __future__ import annotations

import datetime as dt

import polars as pl

from peacetalks import validate_frames
from tests.conftest import DOC, tiny_frames

EVT = "annotations/events.parquet"


def _with_clusters(*clusters: str | None) -> dict[str, pl.DataFrame]:
    frames = tiny_frames()
    frames["events"] = frames["events"].with_columns(pl.Series("cluster_id", list(clusters), dtype=pl.String))
    return frames


def _found(frames: dict[str, pl.DataFrame]) -> list[list[object]]:
    return validate_frames(frames, today=dt.date(2026, 1, 1)).flatten(["row", "record_id", "value", "code"])


def test_no_clusters_at_all_is_no_coreference_and_valid() -> None:
    assert _found(_with_clusters(None, None)) == []


def test_every_mention_its_own_cluster_is_valid() -> None:
    assert _found(_with_clusters("trump-putin-call", "kremlin-confirmation")) == []


def test_a_mixed_cluster_names_each_mention_its_cluster_and_the_categories() -> None:
    issues = validate_frames(_with_clusters("the-call", "the-call")).issues
    assert [(i.file, i.row, i.doc_id, i.record_id, i.value, i.code) for i in issues] == [
        (EVT, 0, DOC, "ev1", "the-call", "cluster-mixes-categories"),
        (EVT, 1, DOC, "ev2", "the-call", "cluster-mixes-categories"),
    ]
    assert "cluster the-call holds mentions of the categories CONSULT, SUPPORT" in issues[0].message
    assert all(i.is_error for i in issues)


def test_one_slug_in_two_articles_is_two_clusters() -> None:
    """Cluster ids are unique within a document: the same slug elsewhere is another event."""
    frames = _with_clusters("the-call", "the-confirmation")
    other = "ts-2025-02-13-other"
    frames["articles"] = pl.concat([frames["articles"], frames["articles"].with_columns(pl.lit(other).alias("doc_id"))])
    second = (
        frames["events"]
        .filter(pl.col("event_id") == "ev2")
        .with_columns(pl.lit(other).alias("doc_id"), pl.lit("the-call").alias("cluster_id"))
    )
    frames["events"] = pl.concat([frames["events"], second])
    assert "cluster-mixes-categories" not in [row[-1] for row in _found(frames)]


def test_a_partly_clustered_article_names_the_mention_without_a_cluster() -> None:
    issues = validate_frames(_with_clusters(None, "kremlin-confirmation")).issues
    assert [(i.row, i.record_id, i.column, i.code) for i in issues] == [
        (0, "ev1", "cluster_id", "partial-event-clusters")
    ]
    assert issues[0].is_error
    assert "1 other mentions of the article have one" in issues[0].message


def test_a_cluster_id_off_the_slug_rule_is_named_with_its_value() -> None:
    issues = validate_frames(_with_clusters("Trump Call", "trump-call-")).issues
    assert [(i.row, i.record_id, i.value, i.code) for i in issues] == [
        (0, "ev1", "Trump Call", "malformed-cluster-id"),
        (1, "ev2", "trump-call-", "malformed-cluster-id"),
    ]
