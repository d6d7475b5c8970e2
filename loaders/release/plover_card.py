"""The data card's counts of events against event mentions, and its account of how the corpus reads PLOVER.

Events are the clusters of event mentions (GUIDELINES.md 2.7); PLOVER events are the distinct clusters of
the mentions to which the PLOVER mapping gives a category (2.8, ``peacetalks.schema.plover``). The
departures from PLOVER are stated once, with their reasons, in GUIDELINES.md 2.8: the card lists their
titles from there and cites the section (by name, not path: the card is also the Hub's), and renders
the mapping from ``plover_mapping`` in the scheme.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from peacetalks.schema.plover import PLOVER_COLUMN, plover_events
from peacetalks.schema.scheme import PloverRule, Scheme, load_scheme
from peacetalks.storage.gold_versions import GUIDELINES

SECTION = "2.8"
# The numbered departures of the section: "1. **Every mention is a row** (PLOVER: ...)."
_DEPARTURE = re.compile(r"^[0-9]+\. \*\*(?P<title>[^*]+)\*\*", re.MULTILINE)


def _events() -> pl.Expr:
    """The number of distinct events (clusters, within their documents) of the rows in context."""
    return pl.struct("doc_id", "cluster_id").filter(pl.col("cluster_id").is_not_null()).n_unique()


def event_counts(
    events: pl.DataFrame, arguments: pl.DataFrame, scheme: Scheme | None = None
) -> dict[str, dict[str, int]]:
    """Per category: ``events`` (clusters), ``mentions`` (rows) and ``plover`` (PLOVER events of that category).

    PLOVER events are :func:`peacetalks.schema.plover.plover_events` (one category per cluster); mentions
    without a cluster (a layer without coreference) count as mentions, and as PLOVER events of their own.
    """
    s = scheme or load_scheme()
    by_category = dict.fromkeys(s.category_names, (0, 0))
    if events.height:
        rows = events.group_by("category").agg(_events().alias("events"), pl.len().alias("mentions"))
        by_category |= {c: (int(e), int(m)) for c, e, m in rows.iter_rows()}
    plover = dict(plover_events(events, arguments, s).group_by(PLOVER_COLUMN).len().iter_rows())
    return {c: {"events": e, "mentions": m, "plover": int(plover.get(c, 0))} for c, (e, m) in by_category.items()}


def totals(events: pl.DataFrame, arguments: pl.DataFrame, scheme: Scheme | None = None) -> dict[str, int]:
    """Event mentions, events (clusters), mentions without a cluster, and PLOVER events."""
    return {
        "mentions": events.height,
        "events": int(events.select(_events()).item()) if events.height else 0,
        "unclustered": int(events["cluster_id"].null_count()),
        "plover": plover_events(events, arguments, scheme).height,
    }


def render_event_counts(counts: dict[str, dict[str, int]]) -> str:
    rows = "\n".join(f"| {c} | {n['events']} | {n['mentions']} | {n['plover']} |" for c, n in counts.items())
    return f"| category | events (clusters) | event mentions | PLOVER events |\n|---|---|---|---|\n{rows}\n"


def _when(rule: PloverRule) -> str:
    parts = [", ".join(rule.categories) if rule.categories else "any category"]
    reading = "/".join(v for v in (rule.realis, rule.modality) if v is not None)
    return f"{parts[0]} with {reading}" if reading else parts[0]


def departures(root: Path) -> list[str]:
    """The titles of the departures from PLOVER in the guidelines' section 2.8 (none without guidelines)."""
    path = root / GUIDELINES
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    start = text.find(f"### {SECTION} ")
    if start < 0:
        return []
    end = text.find("\n#", start + 1)
    return [m["title"].rstrip(".") for m in _DEPARTURE.finditer(text[start : end if end > 0 else None])]


_WHERE = f"the project's annotation guidelines, section {SECTION}"
_INTRO = (
    "The events annotate every event mention (the ERE reading) with PLOVER 2.0's categories, modes and contexts. "
    "They depart from a literal reading of the PLOVER manual in {n} ways, each stated with its reason in "
    "{where}:"
)
_MAPPING = (
    "The PLOVER mapping (`plover_mapping` in the annotation scheme, the column `plover_category` of the `events` "
    "and `documents` configs) gives each mention the category the manual gives it; the first rule that matches "
    "applies:"
)


def render_plover(root: Path) -> str:
    """The departures (titles, with the section that gives their reasons) and the mapping table."""
    listed = departures(root)
    m = load_scheme().plover_mapping
    intro = (
        [_INTRO.format(n=len(listed), where=_WHERE), "", *(f"{i}. {t}." for i, t in enumerate(listed, 1))]
        if listed
        else [f"How the events depart from a literal reading of the PLOVER manual, and why: {_WHERE}."]
    )
    lines = [
        *intro,
        "",
        _MAPPING,
        "",
        "| this corpus | PLOVER | the manual |",
        "|---|---|---|",
        f"| a mention without an argument {m.required_role} | none | {m.required_manual} |",
        *(f"| {_when(r)} | {r.plover or 'none'} | {r.manual} |" for r in m.rules),
        "| everything else | the category itself | |",
        "",
        (
            "A PLOVER event is a cluster with a mapped mention; its category is that of its "
            f"{m.cluster_realis} mentions where it has one, else that of its first mapped mention."
        ),
        "",
    ]
    return "\n".join(lines)
