"""The charts of one layer of the corpus, for ``peacetalks view`` and for the data card (``peacetalks card``).

From the layer's four tables: mentions per label and form, event mentions per category and realis,
stances per target and polarity, the holder -> target stance network (holders named by
:func:`entity_names`), and, given an agreement report, exact F1 per label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import polars as pl

from peacetalks.schema.scheme import Scheme
from peacetalks.schema.tables import Table
from peacetalks.storage.layers import span_frames
from peacetalks.view import charts

if TYPE_CHECKING:
    from peacetalks.review.agreement import AgreementReport


def entity_names(entities: pl.DataFrame, scheme: Scheme) -> dict[str, str]:
    """Each entity's name to show: its most frequent plain name (NAM, form NAME), else its most frequent mention."""
    ranked = (
        entities.drop_nulls("text")
        .with_columns(
            ((pl.col("mention_type") == scheme.name_mention_type) & (pl.col("form") == scheme.plain_name_form))
            .fill_null(False)
            .alias("__name")
        )
        .group_by("entity_id", "text", "__name")
        .len()
        .with_columns(pl.col("text").str.len_chars().alias("__chars"))
        .sort(["entity_id", "__name", "len", "__chars", "text"], descending=[False, True, True, True, False])
        .unique("entity_id", keep="first", maintain_order=True)
    )
    return dict(zip(ranked["entity_id"].to_list(), ranked["text"].to_list(), strict=True))


def layer_charts(
    tables: Mapping[Table, pl.DataFrame], scheme: Scheme, report: AgreementReport | None = None
) -> list[charts.Chart]:
    """The charts of a layer's tables (gold, for the card), and of agreement when a report is given."""
    frames = span_frames(dict(tables))
    names = entity_names(frames.entities, scheme)
    found = [charts.mentions_chart(frames.entities), charts.events_chart(frames.events)]
    targets = {t.id: t.label_en for t in scheme.stance_targets}
    found.append(charts.stances_chart(frames.stances, targets))
    if frames.stances.height:
        edges = stance_edges(frames.stances, frames.entities, names, targets)
        found.append(charts.stance_network(edges, charts.polarity_colours(scheme.stance_polarities)))
    if report is not None:
        found.append(charts.agreement_chart(agreement_scores(report), report.a, report.b))
    return found


def stance_edges(
    stances: pl.DataFrame, entities: pl.DataFrame, names: dict[str, str], targets: dict[str, str]
) -> pl.DataFrame:
    """holder (entity name), target (label), polarity, count: the edges of the stance network."""
    holder_entity = entities.select("doc_id", pl.col("mention_id").alias("holder_mention_id"), "entity_id")
    return (
        stances.join(holder_entity, on=["doc_id", "holder_mention_id"], how="left")
        .select(
            pl.col("entity_id").replace_strict(names, default=pl.col("entity_id")).alias("holder"),
            pl.col("target_id").replace_strict(targets, default=pl.col("target_id")).alias("target"),
            "polarity",
        )
        .group_by("holder", "target", "polarity")
        .len("count")
        .sort("holder", "target", "polarity")
    )


def agreement_scores(report: AgreementReport) -> pl.DataFrame:
    """item, label, f1, n_a, n_b of every label (exact rule), from an agreement report."""
    from peacetalks.review.agreement import ALL_LABELS

    rows = [
        {"item": s.item, "label": s.label, "f1": s.exact.f1, "n_a": s.n_a, "n_b": s.n_b}
        for kind in report.kinds
        for s in kind.scores
        if s.label != ALL_LABELS
    ]
    return pl.DataFrame(
        rows, schema={"item": pl.String, "label": pl.String, "f1": pl.Float64, "n_a": pl.Int64, "n_b": pl.Int64}
    )
