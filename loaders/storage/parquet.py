"""Reading and writing the Parquet tables: zstd, sorted by keys, written atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from polars.exceptions import PanicException

from peacetalks.errors import TableReadError
from peacetalks.schema.tables import Table
from peacetalks.storage.shards import file_relpath, table_files


def read_table(
    root: Path,
    table: Table,
    layer: str | None = None,
    *,
    missing_ok: bool = False,
    columns: list[str] | None = None,
) -> pl.DataFrame:
    """Read one table as polars (only ``columns`` if given), from its file or its shards in order.

    The layout is :mod:`peacetalks.storage.shards`'s: the shards of a table are read in order, shard 0
    first, and concatenated, so a sharded table reads as the single file would.

    Raises TableReadError for a missing or unreadable file (naming the shard), or a table whose
    layout is broken (``table-file-and-folder``, ``bad-shards``).
    """
    files = table_files(root, table, layer)
    if not files:
        if missing_ok:
            empty = pl.DataFrame(schema=table.polars_schema())
            return empty if columns is None else empty.select(columns)
        raise TableReadError("missing-file", "file not found", path=table.relpath(layer))
    if len(files) == 1 and files[0] == table.path(root, layer):
        return read_file(files[0], table.relpath(layer), columns)
    frames = [read_file(path, file_relpath(root, path), columns) for path in files]
    for path, frame in zip(files[1:], frames[1:], strict=True):
        if frame.schema != frames[0].schema:
            raise TableReadError(
                "bad-shards",
                f"this shard's columns differ from those of {file_relpath(root, files[0])}: "
                f"{_schema_text(frame.schema)} instead of {_schema_text(frames[0].schema)}",
                path=file_relpath(root, path),
            )
    return pl.concat(frames, how="vertical", rechunk=False)


def _schema_text(schema: pl.Schema) -> str:
    return ", ".join(f"{name}: {dtype}" for name, dtype in schema.items())


def read_file(path: Path, rel: str, columns: list[str] | None = None) -> pl.DataFrame:
    """Read one Parquet file as polars; TableReadError ``unreadable-file`` (naming ``rel``) when it is damaged."""
    try:
        # polars' own reader: ~3x faster than pyarrow + from_arrow, and no second copy of the strings.
        return pl.read_parquet(path, columns=columns)
    except (pl.exceptions.PolarsError, OSError, PanicException):
        pass  # a damaged file: let pyarrow read it or say what is wrong with it, as before
    try:
        return pl.from_arrow(pq.read_table(path, columns=columns))  # type: ignore[return-value]  # a Table gives a DataFrame
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise TableReadError(
            "unreadable-file", f"cannot read Parquet file: {str(exc).splitlines()[0]}", path=rel
        ) from None


def sort_table(df: pl.DataFrame, table: Table) -> pl.DataFrame:
    return df.select(table.columns).sort(list(table.keys), nulls_last=True, maintain_order=True)


def _umask_mode() -> int:
    """The mode a plain ``open()`` would give a new file (mkstemp makes files 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, _umask_mode())
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(target: Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; rename it to ``target`` on success only.

    An exception inside the block removes the temporary folder, so ``target`` is either absent,
    left as it was, or complete. With ``replace`` an existing ``target`` is swapped out by two
    renames and then removed; without it an existing ``target`` raises FileExistsError.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        from peacetalks.storage.transaction import before_rename  # the kill tests' hook

        before_rename()
        if not target.exists():
            os.rename(tmp, target)
        elif replace:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.rename(target, old / "previous")
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            raise FileExistsError(str(target))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_text_atomic(target: Path, content: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(content, encoding="utf-8")


def write_parquet(df: pl.DataFrame, table: Table, where: str | Path | pa.NativeFile) -> None:
    """Write one table as the corpus stores it: its columns in order, sorted by its keys, zstd (not atomic)."""
    arrow = sort_table(df, table).to_arrow().cast(table.arrow_schema())
    pq.write_table(arrow, where, compression="zstd")


def write_tables(root: Path, frames: Mapping[Table, pl.DataFrame], layer: str | None = None) -> list[Path]:
    """Write several tables of the corpus at ``root`` in one transaction: all of them or none, even when killed.

    See :mod:`peacetalks.storage.transaction`; a command that writes other files too uses a transaction itself.
    """
    from peacetalks.storage.transaction import transaction

    with transaction(root, "write") as tx:
        return [tx.write_table(table, df, layer) for table, df in frames.items()]
