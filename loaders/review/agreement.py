"""Agreement between two annotator layers (or a layer and gold).

Layer A is the reference: recall counts A's items found in B, precision B's items found in A.
Items are compared by what they cover, never by their ids:

- entities: (doc, start, end, label); partial: same doc and label, overlapping spans;
- event triggers: (doc, trigger span, category); partial: overlapping triggers;
- event arguments: (doc, trigger span of the event, role, span of the argument or of its mention);
  partial: the same trigger span and role, overlapping argument spans;
- stances: (doc, holder span, target, evidence span, polarity); partial: overlapping evidence.

Clusters (entity_id of mentions, cluster_id of events) are compared on the same pairs of mentions and
triggers with the coreference scores of :mod:`peacetalks.review.coreference`; a layer without clusters
is named, not scored.

Categorical attributes are compared on matched pairs (entities and triggers on the exact span,
arguments on trigger and argument span, stances on holder span and overlapping evidence) with
observed agreement, Cohen's kappa and Krippendorff's alpha. An empty value counts as "(none)".
The stance holder is an attribute of stances paired by overlapping evidence alone (item ``evidence``):
the holder's entity, B's entities named by the A entity sharing most of their mention spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from peacetalks.review.coreference import ClusterAgreement, cluster_agreement
from peacetalks.review.items import KINDS as KINDS  # the kinds of annotation compared (``agree --kind``)
from peacetalks.review.reliability import NONE_VALUE, cohen_kappa, krippendorff_alpha, observed_agreement
from peacetalks.schema.tables import Table
from peacetalks.storage.layers import SpanFrames, read_layer, span_frames
from peacetalks.storage.roots import resolve_root

ALL_LABELS = "(all)"


@dataclass(frozen=True)
class Match:
    """Matched counts and scores under one match rule. Scores are None when undefined (0/0)."""

    matched_a: int
    matched_b: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F1 of one label (or ``(all)``) of one kind of item."""

    item: str  # "mention", "trigger", "argument", "stance"
    label: str
    n_a: int
    n_b: int
    exact: Match
    partial: Match


@dataclass(frozen=True)
class AttributeAgreement:
    """Agreement on one categorical attribute over the matched pairs of one kind of item."""

    item: str
    attribute: str
    pairs: int
    observed: float | None
    kappa: float | None
    alpha: float | None


@dataclass(frozen=True)
class KindAgreement:
    """The scores and attribute agreement of one kind of annotation (entities, events or stances)."""

    kind: str
    scores: list[LabelScore]
    attributes: list[AttributeAgreement]
    clusters: list[ClusterAgreement] = field(default_factory=list)


@dataclass
class AgreementReport:
    a: str
    b: str
    kinds: list[KindAgreement] = field(default_factory=list)

    def of(self, kind: str) -> KindAgreement:
        return next(k for k in self.kinds if k.kind == kind)

    def score(self, kind: str, item: str, label: str) -> LabelScore:
        return next(s for s in self.of(kind).scores if s.item == item and s.label == label)

    def attribute(self, kind: str, item: str, attribute: str) -> AttributeAgreement:
        return next(x for x in self.of(kind).attributes if x.item == item and x.attribute == attribute)

    def clusters(self, kind: str, item: str) -> ClusterAgreement:
        return next(c for c in self.of(kind).clusters if c.item == item)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kinds": [asdict(k) for k in self.kinds]}

    def rows(self) -> list[dict[str, Any]]:
        """The report as one flat table, a row per label score, attribute and cluster score (``agree --format csv``).

        Every row has every column (:data:`ROW_COLUMNS`); a score row leaves the attribute columns
        empty and the other way round, so the table loads as it is into a spreadsheet or a data frame.
        A cluster row (``section == "clusters"``) names its metric, counts mentions in ``n_a``/``n_b``,
        matched mentions in ``pairs`` and clusters in ``clusters_a``/``clusters_b``; where a layer has no
        clusters, one row per item says why in ``note`` (name :data:`NOT_SCORED`) and has no scores.
        """
        empty = dict.fromkeys(ROW_COLUMNS)
        rows: list[dict[str, Any]] = []
        for k in self.kinds:
            where = {"a": self.a, "b": self.b, "kind": k.kind}
            rows.extend(
                empty
                | where
                | {"section": "labels", "item": s.item, "name": s.label, "n_a": s.n_a, "n_b": s.n_b}
                | {f"{rule}_{m}": getattr(getattr(s, rule), m) for rule in RULES for m in MEASURES}
                for s in k.scores
            )
            rows.extend(
                empty
                | where
                | {"section": "attributes", "item": x.item, "name": x.attribute, "pairs": x.pairs}
                | {"agreement": x.observed, "kappa": x.kappa, "alpha": x.alpha}
                for x in k.attributes
            )
            for c in k.clusters:
                counts = {"item": c.item, "n_a": c.n_a, "n_b": c.n_b, "pairs": c.matched}
                counts |= {"clusters_a": c.clusters_a, "clusters_b": c.clusters_b}
                base = empty | where | {"section": "clusters"} | counts
                if c.not_scored:
                    rows.append(base | {"name": NOT_SCORED, "note": c.not_scored})
                rows.extend(base | {"name": x.metric} | {m: getattr(x, m) for m in MEASURES} for x in c.scores)
        return rows


RULES = ("exact", "partial")  # the match rules of a LabelScore, as its field names
MEASURES = ("precision", "recall", "f1")  # the scores of a Match and of a ClusterScore, as their field names
NOT_SCORED = "(not scored)"  # the name of a cluster row of a layer without clusters

# The columns of :meth:`AgreementReport.rows`, in order: which layers, where the row belongs, then the counts
# and scores of a label (``section == "labels"``) or the agreement on an attribute (``"attributes"``).
ROW_COLUMNS = (
    "a",
    "b",
    "kind",
    "section",
    "item",
    "name",
    "n_a",
    "n_b",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "partial_precision",
    "partial_recall",
    "partial_f1",
    "pairs",
    "agreement",
    "kappa",
    "alpha",
    "clusters_a",
    "clusters_b",
    *MEASURES,
    "note",
)


def agreement(
    root: Path | str | None, a: str, b: str, *, kinds: Sequence[str] = KINDS, doc_ids: Sequence[str] | None = None
) -> AgreementReport:
    """Compare layer ``a`` (the reference) with layer ``b``; either may be ``gold``.

    ``doc_ids`` compares only those articles (e.g. a person's pass with the suggestions it started from,
    on the articles both cover); None: every article of either layer.
    """
    folder = resolve_root(root)
    unknown = [name for name in kinds if name not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind(s) {unknown}; expected some of {list(KINDS)}")

    def tables(name: str) -> dict[Table, pl.DataFrame]:
        layer = read_layer(folder, name)
        if doc_ids is None:
            return layer
        return {t: df.filter(pl.col("doc_id").is_in(list(doc_ids))) for t, df in layer.items()}

    fa = span_frames(tables(a))
    fb = span_frames(tables(b))
    report = AgreementReport(a=a, b=b)
    for name in kinds:
        report.kinds.append(_BUILDERS[name](fa, fb))
    return report


# -- matching -------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _match(matched_a: int, matched_b: int, n_a: int, n_b: int) -> Match:
    p, r = _ratio(matched_b, n_b), _ratio(matched_a, n_a)
    f1 = None if p is None or r is None else (0.0 if p + r == 0 else 2 * p * r / (p + r))
    return Match(matched_a, matched_b, p, r, f1)


def _overlaps(start: str, end: str) -> pl.Expr:
    return (pl.col(start) < pl.col(f"{end}__b")) & (pl.col(f"{start}__b") < pl.col(end))


def _counts(df: pl.DataFrame, label: str, name: str) -> pl.DataFrame:
    return df.group_by(label).agg(pl.len().alias(name))


def label_scores(
    a: pl.DataFrame, b: pl.DataFrame, *, item: str, on: Sequence[str], start: str, end: str, label: str
) -> list[LabelScore]:
    """Per-label and overall scores; ``on`` are the columns that must be equal besides the span."""
    on = list(on)
    exact = [*on, start, end, label]
    a = a.select([*on, start, end, label]).drop_nulls([start, end, label]).with_row_index("__i")
    b = b.select([*on, start, end, label]).drop_nulls([start, end, label]).with_row_index("__i")
    exact_a = a.join(b.select(exact).unique(), on=exact, how="semi", nulls_equal=True)
    exact_b = b.join(a.select(exact).unique(), on=exact, how="semi", nulls_equal=True)
    pairs = a.join(b, on=[*on, label], how="inner", suffix="__b", nulls_equal=True).filter(_overlaps(start, end))
    part_a = pairs.select("__i", label).unique()
    part_b = pairs.select(pl.col("__i__b").alias("__i"), label).unique()
    table = (
        pl.concat([a.select(label), b.select(label)])
        .unique()
        .join(_counts(a, label, "n_a"), on=label, how="left")
        .join(_counts(b, label, "n_b"), on=label, how="left")
        .join(_counts(exact_a, label, "ea"), on=label, how="left")
        .join(_counts(exact_b, label, "eb"), on=label, how="left")
        .join(_counts(part_a, label, "pa"), on=label, how="left")
        .join(_counts(part_b, label, "pb"), on=label, how="left")
        .fill_null(0)
        .sort(label)
    )
    total = table.select(pl.exclude(label).sum()).with_columns(pl.lit(ALL_LABELS).alias(label))
    rows = pl.concat([table, total.select(table.columns)])
    return [
        LabelScore(
            item=item,
            label=str(row[label]),
            n_a=row["n_a"],
            n_b=row["n_b"],
            exact=_match(row["ea"], row["eb"], row["n_a"], row["n_b"]),
            partial=_match(row["pa"], row["pb"], row["n_a"], row["n_b"]),
        )
        for row in rows.iter_rows(named=True)
    ]


def matched_pairs(
    a: pl.DataFrame,
    b: pl.DataFrame,
    *,
    on: Sequence[str],
    span: tuple[str, str] | None = None,
    prefer: Sequence[str] = (),
) -> pl.DataFrame:
    """One-to-one pairs of A and B items: equal ``on`` columns and, with ``span``, overlapping spans.

    Where an item has several candidates (two mentions on one span, two stances of one holder),
    pairs agreeing on more of the ``prefer`` columns come first, then longer overlaps; pairs are
    taken greedily in that order. B's columns get the suffix ``__b``.
    """
    a = a.with_row_index("__i")
    b = b.with_row_index("__i")
    pairs = a.join(b, on=list(on), how="inner", suffix="__b")
    if span is not None:
        start, end = span
        overlap = pl.min_horizontal(end, f"{end}__b") - pl.max_horizontal(start, f"{start}__b")
        pairs = pairs.filter(_overlaps(start, end)).with_columns(overlap.alias("__overlap"))
    else:
        pairs = pairs.with_columns(pl.lit(0).alias("__overlap"))
    same = pl.sum_horizontal([pl.col(c).eq_missing(pl.col(f"{c}__b")).cast(pl.Int32) for c in prefer] or [pl.lit(0)])
    pairs = pairs.with_columns(same.alias("__same")).sort(
        ["__same", "__overlap", "__i", "__i__b"], descending=[True, True, False, False]
    )
    return pairs.unique("__i", keep="first", maintain_order=True).unique("__i__b", keep="first", maintain_order=True)


def attribute_agreement(pairs: pl.DataFrame, *, item: str, attributes: Sequence[str]) -> list[AttributeAgreement]:
    found: list[AttributeAgreement] = []
    for attribute in attributes:
        values = pairs.select(
            pl.col(attribute).cast(pl.String).fill_null(NONE_VALUE).alias("a"),
            pl.col(f"{attribute}__b").cast(pl.String).fill_null(NONE_VALUE).alias("b"),
        )
        va, vb = values["a"].to_list(), values["b"].to_list()
        found.append(
            AttributeAgreement(
                item=item,
                attribute=attribute,
                pairs=len(va),
                observed=observed_agreement(va, vb),
                kappa=cohen_kappa(va, vb),
                alpha=krippendorff_alpha(va, vb),
            )
        )
    return found


# -- the items of each kind ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRule:
    """How one kind of item is compared: its frame in SpanFrames, the columns that must be equal, its span and label."""

    kind: str
    item: str
    frame: str
    on: tuple[str, ...]
    start: str
    end: str
    label: str

    def scores(self, fa: SpanFrames, fb: SpanFrames) -> list[LabelScore]:
        a, b = getattr(fa, self.frame), getattr(fb, self.frame)
        return label_scores(a, b, item=self.item, on=self.on, start=self.start, end=self.end, label=self.label)

    def unmatched(self, fa: SpanFrames, fb: SpanFrames) -> tuple[pl.DataFrame, pl.DataFrame]:
        """A's items without an exact match in B, and B's without one in A: what recall and precision miss."""
        exact = [*self.on, self.start, self.end, self.label]
        a, b = (getattr(f, self.frame).drop_nulls([self.start, self.end, self.label]) for f in (fa, fb))
        only_a = a.join(b.select(exact).unique(), on=exact, how="anti", nulls_equal=True)
        only_b = b.join(a.select(exact).unique(), on=exact, how="anti", nulls_equal=True)
        return only_a, only_b


ITEM_RULES = (
    ItemRule("entities", "mention", "entities", ("doc_id",), "start", "end", "label"),
    ItemRule("events", "trigger", "events", ("doc_id",), "trigger_start", "trigger_end", "category"),
    ItemRule("events", "argument", "arguments", ("doc_id", "trigger_start", "trigger_end"), "start", "end", "role"),
    ItemRule(
        "stances",
        "stance",
        "stances",
        ("doc_id", "holder_start", "holder_end", "target_id"),
        "evidence_start",
        "evidence_end",
        "polarity",
    ),
)
_RULE = {rule.item: rule for rule in ITEM_RULES}


def disagreements(root: Path | str | None, a: str, b: str) -> pl.DataFrame:
    """Every item that one layer has and the other has not under the exact rule, one row each.

    Columns: ``side`` (``a`` or ``b``: the layer that has it), ``kind``, ``item``, ``doc_id``,
    ``start``, ``end``, ``label``. Per item and side, the rows number ``n - matched`` of that item's
    ``(all)`` score in :func:`agreement`.
    """
    folder = resolve_root(root)
    fa = span_frames(read_layer(folder, a))
    fb = span_frames(read_layer(folder, b))
    parts = []
    for rule in ITEM_RULES:
        for side, frame in zip(("a", "b"), rule.unmatched(fa, fb), strict=True):
            parts.append(
                frame.select(
                    pl.lit(side).alias("side"),
                    pl.lit(rule.kind).alias("kind"),
                    pl.lit(rule.item).alias("item"),
                    pl.col("doc_id"),
                    pl.col(rule.start).alias("start"),
                    pl.col(rule.end).alias("end"),
                    pl.col(rule.label).cast(pl.String).alias("label"),
                )
            )
    return pl.concat(parts).sort(["doc_id", "start", "end", "side", "item"])


def _clusters(
    a: pl.DataFrame, b: pl.DataFrame, pairs: pl.DataFrame, *, item: str, column: str, what: str
) -> ClusterAgreement:
    """Cluster agreement of one kind of item on the pairs :func:`matched_pairs` made of ``a`` and ``b``."""
    rows = pairs.select(pl.col("__i").alias("a"), pl.col("__i__b").alias("b"))
    return cluster_agreement(a, b, rows, item=item, column=column, what=what)


# -- one function per kind ------------------------------------------------------------------


def _entities(fa: SpanFrames, fb: SpanFrames) -> KindAgreement:
    scores = _RULE["mention"].scores(fa, fb)
    pairs = matched_pairs(
        fa.entities, fb.entities, on=["doc_id", "start", "end"], prefer=["label", "form", "mention_type"]
    )
    attributes = attribute_agreement(pairs, item="mention", attributes=["label", "form", "mention_type"])
    clusters = _clusters(fa.entities, fb.entities, pairs, item="mention", column="entity_id", what="mentions")
    return KindAgreement("entities", scores, attributes, [clusters])


def _events(fa: SpanFrames, fb: SpanFrames) -> KindAgreement:
    scores = _RULE["trigger"].scores(fa, fb) + _RULE["argument"].scores(fa, fb)
    on_trigger = ["doc_id", "trigger_start", "trigger_end"]
    triggers = matched_pairs(fa.events, fb.events, on=on_trigger, prefer=["category"])
    attributes = attribute_agreement(triggers, item="trigger", attributes=["category", "mode", "realis", "modality"])
    attributes += attribute_agreement(
        matched_pairs(fa.arguments, fb.arguments, on=[*on_trigger, "start", "end"], prefer=["role"]),
        item="argument",
        attributes=["role"],
    )
    clusters = _clusters(fa.events, fb.events, triggers, item="trigger", column="cluster_id", what="events")
    return KindAgreement("events", scores, attributes, [clusters])


def _stances(fa: SpanFrames, fb: SpanFrames) -> KindAgreement:
    holder = ["doc_id", "holder_start", "holder_end"]
    scores = _RULE["stance"].scores(fa, fb)
    pairs = matched_pairs(
        fa.stances, fb.stances, on=holder, span=("evidence_start", "evidence_end"), prefer=["target_id", "polarity"]
    )
    attributes = attribute_agreement(pairs, item="stance", attributes=["target_id", "polarity", "attribution"])
    return KindAgreement("stances", scores, attributes + _holder_agreement(fa, fb))


def _holder_agreement(fa: SpanFrames, fb: SpanFrames) -> list[AttributeAgreement]:
    """Whether B gives a stance the holder A gives it: stances paired by overlapping evidence alone.

    The ``stance`` item pairs stances on the holder's span, so a stance whose holder differs is no
    pair there, and a holder rule shows only as lower recall. Here the holder is the attribute: the
    holder's entity, with B's entities named by the A entity that shares most of their mention spans
    (entity ids are free slugs, so two layers may name one entity differently); a B entity sharing no
    span with A keeps its own id, marked, so it never counts as agreeing.
    """
    entities_b = fb.entities.select("doc_id", "start", "end", pl.col("entity_id").alias("entity_b"))
    shared = (
        fa.entities.select("doc_id", "start", "end", pl.col("entity_id").alias("entity_a"))
        .join(entities_b, on=["doc_id", "start", "end"])
        .group_by("doc_id", "entity_b", "entity_a")
        .agg(pl.len().alias("__n"))
        .sort(["doc_id", "entity_b", "__n", "entity_a"], descending=[False, False, True, False])
        .unique(["doc_id", "entity_b"], keep="first", maintain_order=True)
    )
    held_a = _holder_entity(fa).rename({"__entity": "holder"})
    held_b = (
        _holder_entity(fb)
        .join(shared.rename({"entity_b": "__entity"}), on=["doc_id", "__entity"], how="left")
        .with_columns(pl.coalesce("entity_a", pl.lit("(B only) ") + pl.col("__entity")).alias("holder"))
        .drop("__entity", "entity_a", "__n")
    )
    pairs = matched_pairs(
        held_a, held_b, on=["doc_id"], span=("evidence_start", "evidence_end"), prefer=["holder", "target_id"]
    )
    return attribute_agreement(pairs, item="evidence", attributes=["holder"])


def _holder_entity(frames: SpanFrames) -> pl.DataFrame:
    """Each stance with its holder's entity id (``__entity``)."""
    entity = frames.entities.unique(["doc_id", "mention_id"], keep="first").select(
        "doc_id", pl.col("mention_id").alias("holder_mention_id"), pl.col("entity_id").alias("__entity")
    )
    return frames.stances.select("doc_id", "holder_mention_id", "target_id", "evidence_start", "evidence_end").join(
        entity, on=["doc_id", "holder_mention_id"], how="left"
    )


_BUILDERS = {"entities": _entities, "events": _events, "stances": _stances}
