"""Agreement on clusters: how two layers group the same mentions into entities or events.

Entity mentions are clustered by ``entity_id``, event mentions by ``cluster_id`` (null: the layer
has no event coreference). The scores are those of the CoNLL-2011/2012 coreference tasks as the
``scorch`` package computes them (Pradhan et al. 2014; BLANC's edge cases from Recasens and Hovy
2011): MUC (links), B³ (mentions), CEAF-e (entities aligned one to one), BLANC (coreference and
non-coreference links) and the CoNLL score, the mean F1 of MUC, B³ and CEAF-e.

Layer A is the key, B the response. Mentions are the same mention in both layers when they are a
matched pair of the agreement's span rule; a mention only one layer has stays in the scores (B's
are added to A as singletons, as scorch's own command does), so a missed mention costs like a
wrong cluster. A mention whose cluster id is null, in a layer that has clusters, is a singleton.
Scores are per document; over several documents they are scorch's weighted means (recall weighted
by A's mentions, precision by B's, F1 by both), not the reference scorer's pooled counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

import polars as pl

METRICS = ("muc", "b3", "ceaf_e", "blanc")  # the scores of a clustering, as scorch computes them
CONLL = "conll"  # the mean F1 of muc, b3 and ceaf_e
_CONLL_PARTS = ("muc", "b3", "ceaf_e")

Clustering = Sequence[set[Hashable]]


@dataclass(frozen=True)
class ClusterScore:
    """One coreference score of B's clusters against A's. None where it is undefined (CoNLL has F1 only)."""

    metric: str
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class ClusterAgreement:
    """Agreement on the clusters of one kind of item, or the reason it is not scored."""

    item: str  # "mention" (entity_id) or "trigger" (cluster_id)
    column: str
    n_a: int  # mentions of A
    n_b: int
    matched: int  # mentions that are one mention in both layers (the span rule)
    clusters_a: int | None  # None: the layer has no clusters
    clusters_b: int | None
    scores: list[ClusterScore]
    not_scored: str | None = None  # why there are no scores: a layer without clusters


def rpf(key: Clustering, response: Clustering) -> dict[str, tuple[float, float, float]]:
    """scorch's (recall, precision, F1) of each metric of ``METRICS`` for one document."""
    from scorch import scores  # SciPy is slow to import: only when clusters are scored

    functions = {"muc": scores.muc, "b3": scores.b_cubed, "ceaf_e": scores.ceaf_e, "blanc": scores.blanc}
    found = {}
    for metric in METRICS:
        r, p, f = functions[metric](key, response)
        found[metric] = (float(r), float(p), float(f))
    return found


def _has_links(clusterings: Sequence[Clustering]) -> bool:
    return any(len(c) > 1 for clustering in clusterings for c in clustering)


def score_documents(keys: Sequence[Clustering], responses: Sequence[Clustering]) -> list[ClusterScore]:
    """The scores of ``METRICS`` and ``CONLL`` over documents, each a key (A) and a response (B) clustering.

    A mention of the response that the key lacks is added to the key as a singleton. MUC counts links:
    its recall is undefined (None) where A links no two mentions, its precision where B links none.
    """
    weights: list[tuple[int, int]] = []
    per_doc: list[dict[str, tuple[float, float, float]]] = []
    for key, response in zip(keys, responses, strict=True):
        known = set().union(*key) if key else set()
        extra = [{m} for c in response for m in c if m not in known]
        full = [*key, *extra]
        per_doc.append(rpf(full, response))
        weights.append((sum(map(len, full)), sum(map(len, response))))
    found = []
    for metric in METRICS:
        recall = _mean([d[metric][0] for d in per_doc], [w for w, _ in weights])
        precision = _mean([d[metric][1] for d in per_doc], [w for _, w in weights])
        f1 = _mean([d[metric][2] for d in per_doc], [a + b for a, b in weights])
        if metric == "muc":
            recall = recall if _has_links(keys) else None
            precision = precision if _has_links(responses) else None
            f1 = f1 if recall is not None and precision is not None else None
        found.append(ClusterScore(metric, precision, recall, f1))
    parts = [s.f1 for s in found if s.metric in _CONLL_PARTS]
    conll = None if any(f is None for f in parts) else sum(f for f in parts if f is not None) / len(parts)
    return [*found, ClusterScore(CONLL, None, None, conll)]


def _mean(values: Sequence[float], weights: Sequence[int]) -> float | None:
    total = sum(weights)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total if total else None


def _clusters(frame: pl.DataFrame, column: str) -> dict[str, list[set[Hashable]]]:
    """Per document, the clusters of mentions (by their ``mention`` number); a null cluster id is a singleton."""
    cluster = pl.coalesce(pl.col(column), pl.format("\0{}", pl.col("mention")))
    grouped = frame.group_by("doc_id", cluster.alias("__cluster")).agg(pl.col("mention")).sort("doc_id", "__cluster")
    found: dict[str, list[set[Hashable]]] = defaultdict(list)
    for doc, mentions in grouped.select("doc_id", "mention").iter_rows():
        found[doc].append(set(mentions))
    return found


def no_clusters(frame: pl.DataFrame, column: str, what: str) -> str | None:
    """Why ``frame`` (one layer's mentions) has no clusters in ``column``, or None when it has some."""
    if frame.is_empty():
        return f"it has no {what}"
    if column not in frame.columns:
        return f"its {what} have no {column} column"
    if frame[column].null_count() == frame.height:
        return f"{column} is null on all {frame.height} {what}"
    return None


def cluster_agreement(
    a: pl.DataFrame, b: pl.DataFrame, pairs: pl.DataFrame, *, item: str, column: str, what: str
) -> ClusterAgreement:
    """Agreement of B's clusters with A's; ``a`` and ``b`` are the layers' mentions, with ``doc_id`` and ``column``.

    ``pairs`` holds the row numbers (``a``, ``b``) of the mentions that are one mention in both layers.
    ``what`` names the mentions in the reason a layer is not scored ("events").
    """
    reasons = {side: no_clusters(frame, column, what) for side, frame in (("A", a), ("B", b))}

    def count(frame: pl.DataFrame, reason: str | None) -> int | None:
        return None if reason else frame.drop_nulls(column).select("doc_id", column).n_unique()

    result = ClusterAgreement(
        item=item,
        column=column,
        n_a=a.height,
        n_b=b.height,
        matched=pairs.height,
        clusters_a=count(a, reasons["A"]),
        clusters_b=count(b, reasons["B"]),
        scores=[],
    )
    missing = [f"{side} has no clusters ({reason})" for side, reason in reasons.items() if reason]
    if missing:
        return replace(result, not_scored="; ".join(missing))
    mentions_a = a.with_row_index("mention").select("doc_id", "mention", column)
    mentions_b = (
        b.with_row_index("__j")
        .join(pairs.select(pl.col("b").alias("__j"), pl.col("a")), on="__j", how="left")
        .select("doc_id", pl.coalesce("a", pl.col("__j") + a.height).alias("mention"), column)
    )
    key, response = _clusters(mentions_a, column), _clusters(mentions_b, column)
    docs = sorted(set(key) | set(response))
    scores = score_documents([key.get(d, []) for d in docs], [response.get(d, []) for d in docs])
    return replace(result, scores=scores)
