"""The checks of a machine layer's own files: its manifest (``layer.yaml``) and its scores table.

The scores table is checked against its column declaration like every table (the score in 0..1 among
them), each row must name a suggestion the layer has (a mention for ``entities``, an event for
``events``) of an article of the corpus, and no suggestion has two scores.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from peacetalks.errors import SuggestError, TableReadError
from peacetalks.schema.tables import ARTICLES, ENTITIES, EVENTS, SCORES, Table
from peacetalks.storage.machine import manifest_relpath, read_manifest
from peacetalks.storage.parquet import read_table
from peacetalks.storage.shards import table_exists
from peacetalks.validation.checks import references
from peacetalks.validation.checks._issues import with_row
from peacetalks.validation.checks.table_schema import STRUCTURAL, schema_issues
from peacetalks.validation.report import Issue


def machine_layer_issues(folder: Path, layer: str) -> list[Issue]:
    """The problems of the manifest and the scores table of machine layer ``layer``."""
    issues: list[Issue] = []
    try:
        read_manifest(folder, layer)
    except SuggestError as exc:
        issues.append(Issue(code=exc.code, file=manifest_relpath(layer), message=exc.message))
    file = SCORES.relpath(layer)
    if not table_exists(folder, SCORES, layer):
        return issues
    try:
        scores = with_row(read_table(folder, SCORES, layer))
    except TableReadError as exc:
        return [*issues, Issue(code=exc.code, file=file, message=exc.message)]
    found = schema_issues(scores, SCORES, file)
    issues += found
    if any(i.code in STRUCTURAL for i in found):
        return issues
    issues += references.duplicate_issues(scores, ["doc_id", "kind", "item_id"], file, "item_id")
    articles = read_table(folder, ARTICLES).select("doc_id")
    issues += references.unknown_doc_issues(scores, articles, file, "item_id")
    # the scores of each kind name an item of that kind's table in the layer (or of another article)
    for table, code, other_doc_code in (
        (ENTITIES, "unknown-mention", "mention-in-other-doc"),
        (EVENTS, "unknown-event", "event-in-other-doc"),
    ):
        items = _items(folder, table, layer)
        if items is None:
            continue
        issues += references.reference_issues(
            scores.filter(pl.col("kind") == table.name),
            "item_id",
            items,
            table.id_column,
            file=file,
            id_column="item_id",
            target_file=table.relpath(layer),
            code=code,
            other_doc_code=other_doc_code,
        )
    return issues


def _items(folder: Path, table: Table, layer: str) -> pl.DataFrame | None:
    """The layer's mentions or events; None when the file cannot be read (its own check reports that)."""
    try:
        return read_table(folder, table, layer, missing_ok=True)
    except TableReadError:
        return None
