"""Annotation status: an article whose gold for a kind is not complete is left out of that kind's data.

Every article is in a split (the stored one, or the one ``peacetalks split`` would give it), so an
article whose gold status for a kind is not one of ``complete_statuses`` (or that has no status row)
is the warning ``incomplete-gold``: its annotations of that kind reach no config and no export.
"""

from __future__ import annotations

import polars as pl

from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.status import KINDS
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.report import Issue


def incomplete_gold_issues(articles: pl.DataFrame, status: pl.DataFrame, file: str) -> list[Issue]:
    """One ``incomplete-gold`` warning per article and kind whose gold is not complete (rows of ``status``)."""
    done = load_scheme().complete_statuses
    rows = status if ROW in status.columns else status.with_row_index(ROW)
    grid = articles.select("doc_id").unique().join(pl.DataFrame({"kind": list(KINDS)}), how="cross")
    found = grid.join(rows.select(ROW, "doc_id", "kind", "status"), on=["doc_id", "kind"], how="left")
    failing = found.filter(pl.col("status").is_null() | ~pl.col("status").is_in(done)).sort("doc_id", "kind")
    message = pl.format(
        "{} gold is {}, not complete: its {} are left out of every config and export",
        pl.col("kind"),
        pl.col("status").fill_null("in no status"),
        pl.col("kind"),
    )
    return issues_from(
        failing, code="incomplete-gold", file=file, id_column="kind", column="status", message=message, value="status"
    )
