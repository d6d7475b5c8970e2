"""Annotation coverage of a corpus or release: per kind, how many articles are annotated and how many not.

*Annotated* means complete gold for the kind (a status of ``complete_statuses``: only those articles give
rows to the configs and exports of that kind); every other article, including one in no status, is
unannotated. The changelog, the data card's statistics and the Hub card show the same table.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from peacetalks.schema.tables import ARTICLES, STATUS, Table
from peacetalks.storage.status import annotated_counts, coverage


def coverage_counts(frames: Mapping[Table, pl.DataFrame]) -> dict[str, dict[str, int]]:
    """Per kind: ``annotated``, ``unannotated`` and the number of articles in each status (and ``no status``)."""
    articles = frames[ARTICLES]
    status = frames.get(STATUS, pl.DataFrame(schema=STATUS.polars_schema()))
    by_status = coverage(articles, status)
    return {
        kind: {"annotated": done, "unannotated": rest, **by_status[kind]}
        for kind, (done, rest) in annotated_counts(articles, status).items()
    }


def render_coverage(counts: Mapping[str, Mapping[str, int]]) -> str:
    """The coverage as a Markdown table: one row per kind, annotated and unannotated, then each status."""
    if not counts:
        return ""
    columns = list(next(iter(counts.values())))
    head = "| kind | " + " | ".join(columns) + " |"
    rule = "|---|" + "---:|" * len(columns)
    rows = [f"| {kind} | " + " | ".join(str(by[c]) for c in columns) + " |" for kind, by in counts.items()]
    note = (
        "Annotated: gold complete or adjudicated for the kind; only these articles give rows to the configs and"
        " exports of that kind (`tokens`: entities). The `documents` config has every article, with its status per"
        " kind.\n"
    )
    return "\n".join([head, rule, *rows]) + "\n\n" + note
