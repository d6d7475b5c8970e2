"""The PLOVER mapping (GUIDELINES.md 2.8) applied to event mentions and to events, vectorised with polars.

The mapping is data (``plover_mapping`` in ``schema/scheme.yaml``, read into
:attr:`Scheme.plover_mapping`); this module turns it into polars expressions, so every place that
shows a mention's PLOVER category or counts PLOVER events computes them the same way, for all rows at
once:

* a mention maps only when it has an argument of the required role (ACTOR: the manual does not code
  events with no explicit, named actor); then the first rule it matches gives its PLOVER category,
  null for none; a mention no rule matches keeps its own category;
* a cluster (GUIDELINES.md 2.7) is a PLOVER event when one of its mentions maps; its category is that
  of its mentions of the cluster realis (ACTUAL) where it has one, else the PLOVER category of its
  first mapped mention in text order. A mention without a cluster is an event of its own.
"""

from __future__ import annotations

import polars as pl

from peacetalks.schema.scheme import PloverRule, Scheme, load_scheme

# The name of the derived column wherever it is shown.
PLOVER_COLUMN = "plover_category"
# The boolean column plover_category() reads: does the mention have an argument of the required role?
HAS_ROLE = "__plover_has_role"
_EVENT_KEY = ("doc_id", "event_id")


def _matches(rule: PloverRule) -> pl.Expr:
    condition = pl.lit(value=True)
    if rule.categories:
        condition = condition & pl.col("category").is_in(list(rule.categories))
    if rule.realis is not None:
        condition = condition & (pl.col("realis") == rule.realis)
    if rule.modality is not None:
        condition = condition & (pl.col("modality") == rule.modality)
    return condition.fill_null(value=False)


def plover_category(scheme: Scheme | None = None) -> pl.Expr:
    """The PLOVER category of each event mention (null: PLOVER codes no event of its own), as ``plover_category``.

    Needs the columns ``category``, ``realis``, ``modality`` and the boolean :data:`HAS_ROLE` (whether
    the mention has an argument of the mapping's required role; :func:`with_plover_category` adds it).
    """
    mapping = (scheme or load_scheme()).plover_mapping
    result: pl.Expr = pl.col("category").cast(pl.String)
    for rule in reversed(mapping.rules):  # built inside out, so the first rule is tried first
        result = pl.when(_matches(rule)).then(pl.lit(rule.plover, pl.String)).otherwise(result)
    has_role = pl.col(HAS_ROLE).fill_null(value=False)
    return pl.when(has_role).then(result).otherwise(pl.lit(None, pl.String)).alias(PLOVER_COLUMN)


def _key(frame_columns: tuple[str, ...] = _EVENT_KEY) -> pl.Expr:
    return pl.concat_str([pl.col(c) for c in frame_columns], separator="\x1f")


def _with_role_flag(events: pl.DataFrame, arguments: pl.DataFrame, role: str) -> pl.DataFrame:
    """``events`` with :data:`HAS_ROLE`: whether an argument of ``role`` points at the mention."""
    having = arguments.filter(pl.col("role") == role).select(_key().alias("__key"))["__key"].unique()
    return events.with_columns(_key().is_in(having.implode()).alias(HAS_ROLE))


def with_plover_category(events: pl.DataFrame, arguments: pl.DataFrame, scheme: Scheme | None = None) -> pl.DataFrame:
    """``events`` with the column ``plover_category`` after ``category``; ``arguments`` are their arguments."""
    scheme = scheme or load_scheme()
    columns = list(events.columns)
    at = columns.index("category") + 1 if "category" in columns else len(columns)
    out = _with_role_flag(events, arguments, scheme.plover_mapping.required_role).with_columns(plover_category(scheme))
    return out.select([*columns[:at], PLOVER_COLUMN, *columns[at:]])


def plover_events(events: pl.DataFrame, arguments: pl.DataFrame, scheme: Scheme | None = None) -> pl.DataFrame:
    """One row per PLOVER event: each cluster with a mapped mention, in text order of its first mention.

    Columns: ``doc_id``, ``cluster_id`` (null for a mention without a cluster, an event of its own),
    ``plover_category``, ``category`` (the corpus category of the cluster), ``event_ids`` (its
    mentions in text order) and ``mapped`` (how many of them map). To count PLOVER events, count rows.
    """
    scheme = scheme or load_scheme()
    cluster_realis = scheme.plover_mapping.cluster_realis
    mapped = with_plover_category(events, arguments, scheme).with_columns(
        pl.when(pl.col("cluster_id").is_null()).then(pl.col("event_id")).alias("__own")
    )
    actual = pl.col("realis") == cluster_realis
    return (
        mapped.sort("doc_id", "trigger_start", "trigger_end", "event_id")
        .group_by("doc_id", "cluster_id", "__own", maintain_order=True)
        .agg(
            pl.when(actual.any())
            .then(pl.col("category").filter(actual).first())
            .otherwise(pl.col(PLOVER_COLUMN).drop_nulls().first())
            .alias(PLOVER_COLUMN),
            pl.col("category").first(),
            pl.col("event_id").alias("event_ids"),
            pl.col(PLOVER_COLUMN).is_not_null().sum().cast(pl.Int64).alias("mapped"),
        )
        .filter(pl.col("mapped") > 0)
        .select("doc_id", "cluster_id", PLOVER_COLUMN, "category", "event_ids", "mapped")
    )
