"""A release's config split written from pieces as they come: bounded shards and row groups, the rows kept."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from peacetalks.release.config_files import SplitWriter, features_metadata

FEATURES = datasets.Features({"doc_id": datasets.Value("string"), "text": datasets.Value("string")})


def _pieces(count: int, rows: int) -> list[pa.Table]:
    """``count`` pieces of ``rows`` rows of about 1 kB each, every row numbered."""
    return [
        pa.table(
            {"doc_id": [f"d{k * rows + i:06d}" for i in range(rows)], "text": ["x" * 1000] * rows},
            schema=FEATURES.arrow_schema,
        )
        for k in range(count)
    ]


def _written_whole(table: pa.Table, path: Path) -> None:
    """The table written at once, as releases wrote a split before they wrote pieces: one row group."""
    meta = features_metadata(FEATURES)
    pq.write_table(table.cast(FEATURES.arrow_schema).replace_schema_metadata(meta), path, compression="zstd")


def _write(folder: Path, pieces: list[pa.Table], shard_bytes: int, group_bytes: int) -> tuple[str, ...]:
    writer = SplitWriter(folder, "documents", "train", FEATURES, shard_bytes, group_bytes)
    for piece in pieces:
        writer.add(piece)
    done = writer.close()
    assert done.rows == sum(p.num_rows for p in pieces)
    assert done.nbytes == sum(p.nbytes for p in pieces)
    return done.files


def test_pieces_become_bounded_shards_of_bounded_row_groups(tmp_path: Path) -> None:
    """40 pieces of ~25 kB in shards of ~200 kB and groups of ~50 kB: each bound kept, every row once, in order."""
    pieces = _pieces(40, 25)
    files = _write(tmp_path, pieces, 200_000, 50_000)
    count = len(files)
    assert 5 <= count <= 6
    assert list(files) == [f"data/documents/train-{i:05d}-of-{count:05d}.parquet" for i in range(count)]
    assert sorted(p.name for p in (tmp_path / "data/documents").iterdir()) == sorted(Path(f).name for f in files)
    tables = []
    for rel in files:
        parquet = pq.ParquetFile(tmp_path / rel)
        arrow = parquet.read()
        assert arrow.nbytes <= 200_000 + 1_100  # a row over at most
        groups = [parquet.metadata.row_group(i) for i in range(parquet.metadata.num_row_groups)]
        assert max(g.num_rows for g in groups) * 1_000 <= 50_000 + 1_100
        meta = parquet.schema_arrow.metadata
        assert json.loads(meta[b"huggingface"])["info"]["features"] == FEATURES.to_dict()
        tables.append(arrow)
    whole = pa.concat_tables(pieces)
    assert pa.concat_tables(tables).replace_schema_metadata(None).equals(whole)


def test_a_small_split_is_the_file_of_the_whole_table(tmp_path: Path) -> None:
    """Below both bounds, the pieces give the very bytes the whole table written at once gives."""
    pieces = _pieces(3, 4)
    (rel,) = _write(tmp_path / "pieces", pieces, 1 << 28, 1 << 26)
    whole = tmp_path / "whole.parquet"
    _written_whole(pa.concat_tables(pieces), whole)
    assert (tmp_path / "pieces" / rel).read_bytes() == whole.read_bytes()


def test_a_split_without_rows_writes_nothing(tmp_path: Path) -> None:
    assert _write(tmp_path, [FEATURES.arrow_schema.empty_table()], 1000, 100) == ()
    assert not (tmp_path / "data").exists()
