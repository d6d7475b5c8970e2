"""The Parquet files of a release's config split, written from its pieces as they come.

A split is written as shards ``data/<config>/<split>-0000i-of-0000N.parquet`` of at most about
``max_shard_bytes`` of Arrow data each, in row groups of at most about ``max_group_bytes`` (the Hub's
dataset viewer refuses a row group over 286 MiB uncompressed and pages through a file a group at a
time). Pieces are held only until a row group's worth has come; each shard is written under a
temporary name and renamed once the count of shards is known, when the split is complete. The features
are in each file's schema metadata, as ``datasets`` writes them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

_SLACK = 64  # a shard within 1/64 of its size is full


def shard_name(split: str, index: int = 0, count: int = 1) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def features_metadata(features: datasets.Features) -> dict[str, str]:
    """The schema metadata by which ``datasets`` knows a Parquet file's features."""
    return {"huggingface": json.dumps({"info": {"features": features.to_dict()}}, sort_keys=True)}


@dataclass
class SplitFiles:
    """What a split's writer wrote: its files (relative to the release folder), rows and Arrow bytes."""

    files: tuple[str, ...]
    rows: int
    nbytes: int


@dataclass
class SplitWriter:
    """Write one split of a config from pieces (cast to ``features`` already), appended in order.

    :meth:`add` takes a piece; :meth:`close` writes what is held, renames the shards into place and
    says what was written (no file at all for a split without rows).
    """

    folder: Path  # the release folder
    config: str
    split: str
    features: datasets.Features
    max_shard_bytes: int
    max_group_bytes: int
    _held: list[pa.Table] = field(default_factory=list)
    _held_bytes: int = 0
    _shard_bytes: int = 0  # Arrow bytes in the open shard
    _writer: pq.ParquetWriter | None = None
    _written: list[Path] = field(default_factory=list)  # shards under their temporary names
    rows: int = 0
    nbytes: int = 0

    def add(self, piece: pa.Table) -> None:
        if not piece.num_rows:
            return
        self.rows += piece.num_rows
        self.nbytes += piece.nbytes
        self._held.append(piece)
        self._held_bytes += piece.nbytes
        while self._held and self._held_bytes >= self._room():
            self._write_group(self._room())

    def close(self) -> SplitFiles:
        while self._held:
            self._write_group(self._room())
        self._close_shard()
        count = len(self._written)
        rels = tuple(f"data/{self.config}/{shard_name(self.split, i, count)}" for i in range(count))
        for path, rel in zip(self._written, rels, strict=True):
            os.replace(path, self.folder / rel)
        return SplitFiles(rels, self.rows, self.nbytes)

    def _room(self) -> int:
        """The bytes the next row group may hold: a group's worth, or what the open shard has left."""
        return max(1, min(self.max_group_bytes, self.max_shard_bytes - self._shard_bytes))

    def _write_group(self, limit: int) -> None:
        """Write the held rows of up to about ``limit`` bytes (at least one row) as one row group."""
        held = pa.concat_tables(self._held)
        rows = held.num_rows
        if held.nbytes > limit:
            rows = max(1, rows * limit // max(1, held.nbytes))
        group, rest = held.slice(0, rows), held.slice(rows)
        writer = self._writer or self._open_shard(held.schema)
        writer.write_table(group.replace_schema_metadata(writer.schema.metadata), row_group_size=rows)
        self._shard_bytes += group.nbytes
        self._held = [rest] if rest.num_rows else []
        self._held_bytes = rest.nbytes if rest.num_rows else 0
        if self._shard_bytes >= self.max_shard_bytes - self.max_shard_bytes // _SLACK:
            self._close_shard()  # full, or so nearly full that the next group would be a sliver

    def _open_shard(self, schema: pa.Schema) -> pq.ParquetWriter:
        path = self.folder / "data" / self.config / f".{self.split}-{len(self._written):05d}.parquet.partial"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(
            path, schema.with_metadata(features_metadata(self.features)), compression="zstd"
        )
        self._written.append(path)
        return self._writer

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._shard_bytes = 0
