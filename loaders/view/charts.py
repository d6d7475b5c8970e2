"""The charts of the corpus as Vega-Lite specs (Altair) and static SVG (vl-convert): no JavaScript on the page.

Each chart is built from polars frames of the tables, so the same function serves ``peacetalks view``
and the data card. :func:`spec_digest` fingerprints a chart by its spec (data included), which is
what ``card --check`` compares: the SVG bytes depend on the fonts of the machine that drew them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import altair as alt

WIDTH = 420
# The colours of the scheme's stance polarities, in the scheme's order (for, against, neutral).
POLARITY_PALETTE = ("#1a9850", "#d73027", "#7f7f7f", "#4575b4")


def polarity_colours(polarities: tuple[str, ...]) -> dict[str, str]:
    return {p: POLARITY_PALETTE[i % len(POLARITY_PALETTE)] for i, p in enumerate(polarities)}


@dataclass(frozen=True)
class Chart:
    """One chart: its file stem, its title (the ``alt`` text too) and its Vega-Lite spec."""

    name: str
    title: str
    spec: dict[str, Any]

    @property
    def digest(self) -> str:
        return spec_digest(self.spec)

    def svg(self) -> str:
        """The chart as SVG, with the spec's digest in a comment for ``card --check``."""
        import vl_convert

        svg = vl_convert.vegalite_to_svg(self.spec)
        return f"<!-- peacetalks-chart {self.digest} -->\n{svg}"


def spec_digest(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def svg_digest(svg: str) -> str | None:
    """The digest written by :meth:`Chart.svg`, or None for an SVG made otherwise."""
    first = svg.split("\n", 1)[0]
    prefix, suffix = "<!-- peacetalks-chart ", " -->"
    return first[len(prefix) : -len(suffix)] if first.startswith(prefix) and first.endswith(suffix) else None


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    spec.pop("$schema", None)  # the schema URL names Altair's Vega-Lite version, not the data
    return spec


def _stacked(df: pl.DataFrame, y: str, colour: str, title: str, y_title: str, colour_title: str) -> dict[str, Any]:
    import altair as alt

    data = df.group_by(y, colour).len("count").sort(y, colour)
    chart = (
        alt.Chart(data, title=title, width=WIDTH)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="count"),
            y=alt.Y(f"{y}:N", title=y_title, sort="-x"),
            color=alt.Color(f"{colour}:N", title=colour_title),
            tooltip=[f"{y}:N", f"{colour}:N", "count:Q"],
        )
    )
    return _spec(chart)


def mentions_chart(entities: pl.DataFrame) -> Chart:
    df = entities.select("label", pl.col("form").fill_null("(none)"))
    return Chart(
        "mentions",
        "Mentions per label and form",
        _stacked(df, "label", "form", "Mentions per label and form", "label", "form"),
    )


def events_chart(events: pl.DataFrame) -> Chart:
    title = "Event mentions per PLOVER category and realis"
    return Chart(
        "events",
        title,
        _stacked(events.select("category", "realis"), "category", "realis", title, "category", "realis"),
    )


def stances_chart(stances: pl.DataFrame, target_labels: dict[str, str]) -> Chart:
    df = stances.select(
        pl.col("target_id").replace_strict(target_labels, default=pl.col("target_id")).alias("target"), "polarity"
    )
    title = "Stances per target and polarity"
    return Chart("stances", title, _stacked(df, "target", "polarity", title, "target", "polarity"))


def agreement_chart(scores: pl.DataFrame, a: str, b: str) -> Chart:
    """``scores``: item, label, f1 (exact), n_a, n_b for every label of every item (no ``(all)`` rows)."""
    import altair as alt

    title = f"Agreement per label: exact F1 of {b} against {a}"
    data = scores.with_columns(pl.concat_str("item", pl.lit(": "), "label").alias("what")).sort("item", "label")
    chart = (
        alt.Chart(data, title=title, width=WIDTH)
        .mark_bar()
        .encode(
            x=alt.X("f1:Q", title="exact F1", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("what:N", title=None, sort=None),
            color=alt.Color("item:N", title="item"),
            tooltip=["item:N", "label:N", alt.Tooltip("f1:Q", format=".2f"), "n_a:Q", "n_b:Q"],
        )
    )
    return Chart("agreement", title, _spec(chart))


def stance_network(edges: pl.DataFrame, colours_by_polarity: dict[str, str]) -> Chart:
    """Holders on the left, targets on the right, one line per (holder, target, polarity).

    ``edges``: holder, target, polarity, count. A line's width is its number of stances.
    """
    import altair as alt

    holders = edges.select("holder").unique().sort("holder").with_row_index("hy")
    targets = edges.select("target").unique().sort("target").with_row_index("ty")
    rows = max(holders.height, targets.height, 1)
    lines = (
        edges.join(holders, on="holder")
        .join(targets, on="target")
        .with_columns(
            # spread both columns over the same height, so the lines read left to right
            ((pl.col("hy") + 0.5) * rows / max(holders.height, 1)).alias("y"),
            ((pl.col("ty") + 0.5) * rows / max(targets.height, 1)).alias("y2"),
            pl.lit(0).alias("x"),
            pl.lit(1).alias("x2"),
        )
        .sort("holder", "target", "polarity")
    )
    nodes = (
        pl.concat(
            [
                lines.select(pl.col("holder").alias("name"), "y", pl.lit(0).alias("x"), pl.lit("right").alias("align")),
                lines.select(
                    pl.col("target").alias("name"),
                    pl.col("y2").alias("y"),
                    pl.lit(1).alias("x"),
                    pl.lit("left").alias("align"),
                ),
            ]
        )
        .unique()
        .sort("x", "y")
    )
    height = 26 * rows
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.9, 1.9]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[rows, 0]))
    colours = alt.Scale(domain=list(colours_by_polarity), range=list(colours_by_polarity.values()))
    edge_layer = (
        alt.Chart(lines)
        .mark_rule(opacity=0.7)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color("polarity:N", scale=colours, title="polarity"),
            strokeWidth=alt.StrokeWidth("count:Q", title="stances", scale=alt.Scale(range=[1.5, 6])),
            tooltip=["holder:N", "target:N", "polarity:N", "count:Q"],
        )
    )
    left = (
        alt.Chart(nodes)
        .transform_filter("datum.x == 0")
        .mark_text(align="right", dx=-6)
        .encode(x=x, y=y, text="name:N")
    )
    right = (
        alt.Chart(nodes).transform_filter("datum.x == 1").mark_text(align="left", dx=6).encode(x=x, y=y, text="name:N")
    )
    dots = alt.Chart(nodes).mark_circle(size=40, color="#555").encode(x=x, y=y)
    title = "Stance network: who is for and against what"
    chart = alt.layer(edge_layer, dots, left, right, title=title).properties(width=WIDTH + 240, height=height)
    return Chart("stance-network", title, _spec(chart))
