"""Event coreference (GUIDELINES.md 2.7): the clusters of event mentions in one document.

* ``cluster-mixes-categories``: the mentions of one cluster have more than one category. A cluster is
  one real event, and an event has one PLOVER category (an agreement to talk and the talks are two).
* ``partial-event-clusters``: an article some of whose event mentions have a cluster and others none.
  A null ``cluster_id`` means that the layer has no event coreference for the article (passes made
  before scheme 2.1.0); in an article with clusters every mention has one, its own where it is the only
  mention of its event, so a null there is a mention nobody clustered, and a count of events would
  leave it out or count it wrongly. This is an error, in gold and in an annotator layer alike: a half
  clustered pass would reach gold through adjudication and skew the clustering agreement.

The slug rule of a cluster id is a column check (``malformed-cluster-id``, schema/columns.py).
"""

from __future__ import annotations

import polars as pl

from peacetalks.validation.checks._issues import issues_from
from peacetalks.validation.report import Issue


def cluster_issues(events: pl.DataFrame, file: str) -> list[Issue]:
    """Clusters that mix categories, and articles whose event mentions are clustered only in part."""
    if "cluster_id" not in events.columns or events.is_empty():
        return []
    clustered = events.filter(pl.col("cluster_id").is_not_null())
    in_doc = ["doc_id", "cluster_id"]
    mixed = clustered.with_columns(
        pl.col("category").n_unique().over(in_doc).alias("__n"),
        pl.col("category").unique().sort().str.join(", ").over(in_doc).alias("__categories"),
    ).filter(pl.col("__n") > 1)
    issues = issues_from(
        mixed,
        code="cluster-mixes-categories",
        file=file,
        id_column="event_id",
        column="cluster_id",
        value="cluster_id",
        message=pl.format(
            "cluster {} holds mentions of the categories {}; the mentions of one event have one category "
            "(give this {} mention a cluster of its own, or correct its category)",
            pl.col("cluster_id"),
            pl.col("__categories"),
            pl.col("category"),
        ),
    )
    counts = events.with_columns(pl.col("cluster_id").is_not_null().sum().over("doc_id").alias("__clustered"))
    partial = counts.filter(pl.col("cluster_id").is_null() & (pl.col("__clustered") > 0))
    issues += issues_from(
        partial,
        code="partial-event-clusters",
        file=file,
        id_column="event_id",
        column="cluster_id",
        message=pl.format(
            "this event mention has no cluster_id while {} other mentions of the article have one; in an article "
            "with event coreference every mention has a cluster, its own if nothing else mentions its event",
            pl.col("__clustered"),
        ),
    )
    return issues
