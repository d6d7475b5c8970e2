"""The tables as polars LazyFrames and pandas DataFrames, without going through ``datasets``.

``scan("entities")`` reads ``annotations/entities.parquet`` of the corpus lazily; with
``split="train"`` it keeps the rows of the train articles (the stored assignment, and the one
``peacetalks split`` would give articles not yet stored). Sources are those of
:func:`peacetalks.load` that are folders: a corpus folder (default: the one at or above the current
directory, else the bundled corpus) or a built release, whose tables are read from ``tables/`` (the
same tables with the same columns, labels as strings; the texts of stand-off articles are null).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import polars as pl

from peacetalks.errors import LoadError, bad_argument
from peacetalks.ingest.splits import current_splits
from peacetalks.loading.load import check_arguments, resolve_source
from peacetalks.loading.rehydrate import TABLES_DIR
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import BY_NAME
from peacetalks.storage.shards import table_files

if TYPE_CHECKING:
    import pandas as pd

TABLE_NAMES = tuple(BY_NAME)


def scan(name: str, *, split: str | None = None, source: str | os.PathLike[str] | None = None) -> pl.LazyFrame:
    """A table (articles, blocks, splits, entities, ...) of a corpus folder or a release as a LazyFrame."""
    if not isinstance(name, str):
        raise bad_argument("name", name, "the name of a table (a str)")
    check_arguments(split=split, source=source)
    if split is not None and split not in SPLIT_NAMES:
        raise LoadError("unknown-split", f"split {split!r} does not exist; expected one of {', '.join(SPLIT_NAMES)}")
    found = resolve_source(source)
    if found.kind == "hub":
        raise LoadError("needs-folder", "scan reads folders; load a Hub repo with peacetalks.load()")
    if name not in BY_NAME:
        raise LoadError("unknown-table", f"table {name!r} does not exist; expected one of {', '.join(TABLE_NAMES)}")
    # a release keeps the tables its configs are built from under tables/, laid out as in a corpus folder
    root = found.path / TABLES_DIR if found.kind == "release" else found.path
    table = BY_NAME[name]
    files = table_files(root, table)  # its file, or its shards in order
    if not files:
        where = "release" if found.kind == "release" else "corpus folder"
        raise LoadError("missing-table", f"{table.relpath()} does not exist in the {where}", path=str(root))
    frame = pl.scan_parquet(files)
    if split is None:
        return frame
    docs = current_splits(root).filter(pl.col("split") == split).select("doc_id")
    return frame.join(docs.lazy(), on="doc_id", how="semi")


def read_pandas(name: str, *, split: str | None = None, source: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The same table as :func:`scan`, collected into a pandas DataFrame."""
    return scan(name, split=split, source=source).collect().to_pandas()
