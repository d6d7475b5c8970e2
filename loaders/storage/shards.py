"""The two layouts of a table: one Parquet file, or a folder of shards co-partitioned by document.

A table is either one file (``corpus/articles.parquet``) or a folder with the same stem holding
``part-00000.parquet``, ``part-00001.parquet``, ... (five digits, contiguous from 0). The same holds
for the annotation tables of gold and of every layer (``annotations/layers/NAME/entities/part-00000.parquet``).
A corpus is single-file or sharded as a whole: every table of a sharded corpus has the same number
of shards, and shard ``k`` of every table holds the rows of the same set of documents. The articles
table is the authority: its shards say which document lives in which shard.

This module is the one place that knows the layout. :func:`table_files` lists a table's files in
either layout (readers read them in order: shard 0 first); :func:`is_sharded` and :func:`shard_count`
describe a corpus; :func:`check_layout` raises when its tables disagree; :func:`partition` and
:func:`split_by_shard` let a writer keep the layout (see :class:`Partition`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.errors import TableReadError
from peacetalks.schema.names import check_inside
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, LAYERS_FOLDER, NOTES, SCORES, Table

SHARD_DIGITS = 5
SHARD_FILE = re.compile(r"^part-([0-9]{5})\.parquet$")

# The tables a layer folder may hold, beside the four annotation tables: its status, notes and scores.
LAYER_TABLES: tuple[Table, ...] = (*(t for t in ALL_TABLES if t.folder == "annotations"), NOTES, SCORES)


def shard_name(k: int) -> str:
    """The file name of shard ``k`` of a table: ``part-00007.parquet``."""
    return f"part-{k:0{SHARD_DIGITS}d}.parquet"


def folder_relpath(table: Table, layer: str | None = None) -> str:
    """The table's shard folder under a corpus folder: its file's path without ``.parquet``."""
    return table.relpath(layer).removesuffix(".parquet")


def table_folder(root: Path, table: Table, layer: str | None = None) -> Path:
    """The table's shard folder in ``root`` (whether or not it exists); checked to stay inside ``root``."""
    return check_inside(root, root / folder_relpath(table, layer), "table folder")


def shard_relpath(table: Table, k: int, layer: str | None = None) -> str:
    return f"{folder_relpath(table, layer)}/{shard_name(k)}"


def _shard_files(folder: Path, rel: str) -> list[Path]:
    """The shards of a shard folder in order; TableReadError ``bad-shards`` unless they are part-00000.. contiguous."""
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    strays = [n for n in names if not SHARD_FILE.match(n)]
    if strays:
        raise TableReadError(
            "bad-shards",
            f"the shard folder holds {', '.join(strays[:5])}{' ...' if len(strays) > 5 else ''}, "
            f"expected only part-00000.parquet, part-00001.parquet, ...",
            path=rel,
            data={"unexpected": strays},
        )
    numbers = [int(SHARD_FILE.match(n)[1]) for n in names]  # type: ignore[index]  # every name matched above
    if not numbers or numbers != list(range(len(numbers))):
        missing = sorted(set(range(max(numbers, default=-1) + 1)) - set(numbers))
        gaps = ", ".join(map(shard_name, missing[:5]))
        what = f"shards missing from the numbering: {gaps}" if numbers else "no shards"
        raise TableReadError(
            "bad-shards",
            f"the shard folder holds {what}; expected part-00000.parquet, part-00001.parquet, ... contiguous from 0",
            path=rel,
            data={"missing": [shard_name(k) for k in missing]},
        )
    return [folder / n for n in names]


def table_files(root: Path, table: Table, layer: str | None = None) -> list[Path]:
    """The Parquet files of one table in ``root``: ``[file]``, the shards in order, or ``[]`` when absent.

    TableReadError ``table-file-and-folder`` when the table is both a file and a shard folder,
    ``bad-shards`` when the folder holds anything but ``part-NNNNN.parquet`` contiguous from 0.
    """
    file = table.path(root, layer)
    folder = table_folder(root, table, layer)
    sharded = folder.is_dir()
    if file.exists() and sharded:
        raise TableReadError(
            "table-file-and-folder",
            f"the table is both a file and a shard folder ({folder_relpath(table, layer)}/); keep one",
            path=table.relpath(layer),
        )
    if sharded:
        return _shard_files(folder, folder_relpath(table, layer) + "/")
    return [file] if file.exists() else []


def table_exists(root: Path, table: Table, layer: str | None = None) -> bool:
    """Whether the table is there, as a file or a shard folder (cheap: two stats)."""
    return table.path(root, layer).exists() or table_folder(root, table, layer).is_dir()


def is_table_sharded(root: Path, table: Table, layer: str | None = None) -> bool:
    return table_folder(root, table, layer).is_dir()


def table_display(root: Path, table: Table, layer: str | None = None) -> str:
    """How a message names the table: its file, or its shard folder with a trailing ``/``."""
    return folder_relpath(table, layer) + "/" if is_table_sharded(root, table, layer) else table.relpath(layer)


def file_relpath(root: Path, path: Path) -> str:
    """A table file's path relative to the corpus folder, as issues and errors name it."""
    return path.relative_to(root).as_posix()


def is_sharded(root: Path) -> bool:
    """Whether the corpus at ``root`` is sharded: its articles are a shard folder (``corpus/articles/``)."""
    return is_table_sharded(root, ARTICLES)


def shard_count(root: Path) -> int:
    """The number of shards of the corpus at ``root``: 1 for a single-file corpus, 0 when it has no articles."""
    return len(table_files(root, ARTICLES))


def stored_tables(root: Path) -> list[tuple[Table, str | None]]:
    """Every table present in the corpus at ``root`` (file or folder): corpus, gold, then each layer's."""
    found: list[tuple[Table, str | None]] = [(t, None) for t in ALL_TABLES if table_exists(root, t)]
    layers = root / LAYERS_FOLDER
    folders = layers.iterdir() if layers.is_dir() else iter(())
    names = sorted(p.name for p in folders if p.is_dir() and not p.name.startswith("."))
    for name in names:
        found += [(t, name) for t in LAYER_TABLES if table_exists(root, t, name)]
    return found


def layout_problems(root: Path) -> list[TableReadError]:
    """Every way the tables of ``root`` break the layout rule, each as the error it would raise; [] when none.

    A table that is a file and a folder, a shard folder of bad names, tables that are single-file
    beside others that are sharded (``mixed-layout``), or shard folders of different sizes
    (``shard-counts-differ``). The articles table decides which layout the others should have.
    """
    problems: list[TableReadError] = []
    counts: dict[str, int] = {}
    sharded: dict[str, bool] = {}
    for table, layer in stored_tables(root):
        try:
            files = table_files(root, table, layer)
        except TableReadError as exc:
            problems.append(exc)
            continue
        counts[table_display(root, table, layer)] = len(files)
        sharded[table_display(root, table, layer)] = is_table_sharded(root, table, layer)
    if not sharded:
        return problems
    reference = folder_relpath(ARTICLES) + "/" if is_sharded(root) else ARTICLES.relpath()
    want_sharded = sharded.get(reference, any(sharded.values()))
    odd = [name for name, value in sharded.items() if value != want_sharded]
    if odd:
        layout = "sharded" if want_sharded else "single-file"
        problems += [
            TableReadError(
                "mixed-layout",
                f"this table is {'a shard folder' if sharded[name] else 'one file'} but the corpus is {layout} "
                f"(as {reference} is); convert the corpus as a whole with peacetalks shard",
                path=name,
                data={"expected": layout},
            )
            for name in odd
        ]
    if want_sharded:
        expected = counts.get(reference, max(counts.values()))
        problems += [
            TableReadError(
                "shard-counts-differ",
                f"this table has {n} shards but {reference} has {expected}; every table of a sharded corpus has "
                "the same number of shards",
                path=name,
                data={"shards": n, "expected": expected},
            )
            for name, n in counts.items()
            if sharded[name] and n != expected
        ]
    return problems


def check_layout(root: Path) -> int:
    """The shard count of ``root`` (0: single-file) when its tables agree on one layout; else the first problem.

    Raises the first of :func:`layout_problems` (a TableReadError), with every problem in ``data["problems"]``.
    """
    problems = layout_problems(root)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            first.data = dict(first.data) | {"problems": [p.to_dict() for p in problems]}
        raise first
    return shard_count(root) if is_sharded(root) else 0


# --- keeping the layout when writing ---------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    """Which shard each document lives in: the documents the articles shards hold, and a rule for others.

    ``members`` maps each doc_id of the articles to its shard (``doc_id``, ``shard``); a doc_id that
    is not there (a new article, a dangling row) goes to the shard whose first doc_id is the
    greatest at or below it (``starts``), else to the first shard, so new documents keep a corpus
    sharded by ranges of doc_id sorted. Every table written with one partition is co-partitioned.
    """

    count: int
    members: pl.DataFrame
    starts: pl.DataFrame  # first_doc_id (sorted), shard

    def assign(self, doc_ids: pl.Series) -> pl.Series:
        """The shard of each doc_id (an Int64 Series as long as ``doc_ids``), vectorised."""
        frame = pl.DataFrame({"doc_id": doc_ids.cast(pl.String)}).with_row_index("_row")
        known = frame.join(self.members, on="doc_id", how="left")
        if self.starts.is_empty():
            ranged = pl.Series("shard", [0] * frame.height, dtype=pl.Int64)
        else:
            index = self.starts["first_doc_id"].search_sorted(frame["doc_id"].fill_null(""), side="right") - 1
            ranged = self.starts["shard"].gather(index.clip(lower_bound=0)).cast(pl.Int64)
        known = known.sort("_row").with_columns(ranged.alias("_ranged"))
        return known.select(pl.coalesce("shard", "_ranged").cast(pl.Int64).alias("shard"))["shard"]

    @classmethod
    def by_ranges(cls, doc_ids: pl.Series, count: int, *, per_shard: int | None = None) -> Partition:
        """``count`` shards of contiguous ranges of the sorted, distinct ``doc_ids``.

        As even in size as can be, or ``per_shard`` documents each in order (the last shard holds the rest).
        """
        ids = doc_ids.cast(pl.String).drop_nulls().unique().sort()
        index = pl.int_range(0, ids.len(), dtype=pl.Int64, eager=True)
        shard = index // per_shard if per_shard else index * count // max(ids.len(), 1)
        members = pl.DataFrame({"doc_id": ids, "shard": shard.clip(upper_bound=count - 1)})
        return cls(count, members, _starts(members))


def _starts(members: pl.DataFrame) -> pl.DataFrame:
    return (
        members.group_by("shard")
        .agg(pl.col("doc_id").min().alias("first_doc_id"))
        .drop_nulls()
        .sort("first_doc_id")
        .select("first_doc_id", pl.col("shard").cast(pl.Int64))
    )


def read_partition(root: Path) -> Partition | None:
    """The partition of a sharded corpus as its articles shards hold it; None for a single-file corpus.

    Reads only the doc_id column of each articles shard. Raises the layout's first problem
    (:func:`check_layout`) when the tables disagree, so no writer makes a mixed corpus worse.
    """
    count = check_layout(root)
    if not count:
        return None
    parts = [
        pl.read_parquet(path, columns=["doc_id"]).with_columns(pl.lit(k, dtype=pl.Int64).alias("shard"))
        for k, path in enumerate(table_files(root, ARTICLES))
    ]
    members = pl.concat(parts).unique("doc_id", keep="first", maintain_order=True)
    return Partition(count, members, _starts(members))


def split_by_shard(df: pl.DataFrame, partition: Partition) -> list[pl.DataFrame]:
    """``df`` (a table with a doc_id column) cut into the partition's shards, in order; a shard may be empty."""
    keyed = df.with_columns(partition.assign(df["doc_id"]).alias("__shard"))
    groups = keyed.partition_by("__shard", as_dict=True, include_key=False)
    empty = df.clear()
    return [groups.get((k,), empty) for k in range(partition.count)]
