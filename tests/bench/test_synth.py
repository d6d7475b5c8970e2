"""The synthetic benchmark corpus: valid by construction, and every planted error is found exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import KINDS, generate
from peacetalks import validate


def _found(root: Path) -> set[tuple[str, int, str]]:
    report = validate(root)
    return {(i.file, i.row, i.code) for i in report.issues if i.row is not None}


def test_clean_synthetic_corpus_is_valid(tmp_path: Path) -> None:
    """Without planted errors the generated corpus passes validation, in the benchmark's proportions."""
    planted = generate(tmp_path, 20, seed=3)
    report = validate(tmp_path)
    assert report.issues == []
    assert planted.counts["articles"] == 20
    assert planted.counts["entities"] == 20 * 50
    assert planted.counts["events"] == 20 * 10
    assert planted.counts["event_arguments"] == 20 * 20


@pytest.mark.parametrize("seed", [0, 1])
def test_validator_finds_exactly_the_planted_errors(tmp_path: Path, seed: int) -> None:
    """One error of each kind, each in its own article: the report is exactly the expected (file, row, code)."""
    planted = generate(tmp_path, 20, seed=seed, plant_errors=len(KINDS))
    assert len(planted) == len(KINDS)
    assert {e.kind for e in planted.errors} == {k.kind for k in KINDS}
    assert all(e.expected for e in planted.errors)
    report = validate(tmp_path)
    assert all(i.row is not None for i in report.issues)
    assert _found(tmp_path) == planted.expected()
    assert len(report.issues) == len(planted.expected())


def test_too_many_planted_errors_is_refused(tmp_path: Path) -> None:
    """Each planted error needs an article of its own."""
    with pytest.raises(ValueError, match="cannot plant"):
        generate(tmp_path, 3, plant_errors=4)


def _joined(sharded: Path, out: Path, shards: int) -> dict[str, list[int]]:
    """The sharded corpus as a single-file one (each table's shards one after the other); each file's shard offsets."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from benchmarks.synth import shard_relpath
    from peacetalks.schema.tables import ALL_TABLES

    offsets: dict[str, list[int]] = {}
    for table in ALL_TABLES:
        paths = [sharded / shard_relpath(table, k) for k in range(shards)]
        if not paths[0].exists():
            continue
        parts = [pq.read_table(p) for p in paths]
        offsets[table.relpath()] = [sum(t.num_rows for t in parts[:k]) for k in range(shards)]
        (out / table.relpath()).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.concat_tables(parts), out / table.relpath())
    shutil.copy(sharded / "annotations/gold.yaml", out / "annotations/gold.yaml")
    return offsets


def test_a_sharded_corpus_is_written_shard_by_shard_with_its_planted_errors(tmp_path: Path) -> None:
    """Shard k of every table holds the same articles; each planted error names its shard file and row there."""
    import polars as pl

    from benchmarks.synth import generate_sharded, shard_relpath
    from peacetalks.schema.tables import ARTICLES, ENTITIES, STATUS

    sharded, joined = tmp_path / "sharded", tmp_path / "joined"
    planted = generate_sharded(sharded, 600, 3, seed=1, plant_errors=len(KINDS))
    assert planted.counts["articles"] == 600
    for k in range(3):
        docs = pl.read_parquet(sharded / shard_relpath(ARTICLES, k))["doc_id"]
        assert docs.len() == 200
        for table in (ENTITIES, STATUS):
            assert set(pl.read_parquet(sharded / shard_relpath(table, k))["doc_id"]) == set(docs)
    assert {e.kind for e in planted.errors} == {k.kind for k in KINDS}
    offsets = _joined(sharded, joined, 3)
    tables = {kind.table for kind in KINDS}
    where = {shard_relpath(t, k): (t.relpath(), offsets[t.relpath()][k]) for t in tables for k in range(3)}
    expected = {(where[f][0], where[f][1] + r, c) for f, r, c in planted.expected()}
    assert _found(joined) == expected
