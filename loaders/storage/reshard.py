"""``peacetalks shard``: a corpus converted between one file per table and shard folders, all tables at once.

The conversion is one transaction under the corpus lock (:mod:`peacetalks.storage.transaction`): every
table of the corpus, of gold and of every layer is rewritten in the new layout, or none is. Shards are
contiguous ranges of the doc_ids in sorted order, as even as can be, so the shards read in order give
the rows of the single file in its order; every table is cut at the same documents (co-partitioned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peacetalks.errors import WriteError
from peacetalks.schema.tables import ARTICLES
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import corpus_root
from peacetalks.storage.shards import (
    Partition,
    check_layout,
    folder_relpath,
    split_by_shard,
    stored_tables,
)
from peacetalks.storage.transaction import transaction


@dataclass
class ShardResult:
    """What a conversion did: the shard count before and after (0: single-file) and the tables rewritten."""

    before: int
    after: int
    documents: int
    tables: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"before": self.before, "after": self.after, "documents": self.documents, "tables": self.tables}


def _target_count(documents: int, shards: int | None, docs_per_shard: int | None, single: bool) -> int:
    """The number of shards asked for (0: single-file); WriteError ``bad-shard-option`` unless exactly one is given."""
    given = [name for name, value in (("shards", shards), ("docs_per_shard", docs_per_shard)) if value is not None]
    given += ["single"] if single else []
    if len(given) != 1:
        raise WriteError(
            "bad-shard-option",
            f"give exactly one of shards, docs_per_shard and single (got {', '.join(given) or 'none'})",
            data={"options": given},
        )
    if single:
        return 0
    value = shards if shards is not None else docs_per_shard
    assert value is not None  # one of the two was given
    if value < 1:
        raise WriteError(
            "bad-shard-option", f"{given[0]} must be 1 or more, not {value}", data={"option": given[0], "value": value}
        )
    if shards is not None:
        return shards
    return max(1, -(-documents // value))  # ceil: the last shard holds what is left


def shard_corpus(
    root: Path | str | None = None,
    *,
    shards: int | None = None,
    docs_per_shard: int | None = None,
    single: bool = False,
) -> ShardResult:
    """Rewrite the corpus at ``root`` as ``shards`` shards, shards of ``docs_per_shard`` articles, or ``single`` files.

    Exactly one of the three. A corpus whose tables disagree on the layout is refused (TableReadError
    ``mixed-layout``, ``shard-counts-differ``, ``table-file-and-folder`` or ``bad-shards``, every problem
    in ``data["problems"]``): which documents belong together is then unknown. A conversion to the
    layout the corpus has already rewrites nothing. More shards than documents leaves the last ones empty.
    """
    folder = corpus_root(root, write=True)
    with transaction(folder, "shard") as tx:
        before = check_layout(folder)
        doc_ids = read_table(folder, ARTICLES, columns=["doc_id"])["doc_id"]
        after = _target_count(doc_ids.len(), shards, docs_per_shard, single)
        result = ShardResult(before, after, doc_ids.len())
        if before == after:
            return result
        partition = Partition.by_ranges(doc_ids, after, per_shard=docs_per_shard) if after else None
        # The articles first: their folder (or file) is what makes this a corpus folder, so it is never absent.
        for table, layer in stored_tables(folder):
            df = read_table(folder, table, layer)
            if partition is None:
                tx.write_single(table, df, layer)
                result.tables.append(table.relpath(layer))
            else:
                tx.write_shards(table, split_by_shard(df, partition), layer)
                result.tables.append(folder_relpath(table, layer) + "/")
    return result
