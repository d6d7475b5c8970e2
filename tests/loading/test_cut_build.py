"""A config built cut by cut (a shard, or a range of row groups, at a time) is the config built from whole tables.

The corpora are synthetic (benchmarks/synth.py): one single file written again in several row groups, and
the same sharded; some articles are not yet in splits.parquet (they get the split ``peacetalks split`` would
give them) and some have gold that is not complete (they give no rows of that kind).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.synth import generate
from peacetalks.ingest.splits import current_splits
from peacetalks.loading.configs import CONFIG_NAMES, build_config, config_pieces, config_pieces_from_frames, joined
from peacetalks.loading.cut_reads import frame_cuts, plan
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import ALL_TABLES, ENTITIES, SPLITS, STATUS, Table
from peacetalks.storage.parquet import read_table
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.shards import table_exists

ARTICLES = 240
GROUPS = 6  # row groups per file of the single-file corpus
SHARDS = 4


def _rewrite(root: Path, groups: int = GROUPS) -> None:
    """Every table of the corpus again in ``groups`` row groups (same rows, same order)."""
    for path in sorted(root.rglob("*.parquet")):
        table = pq.read_table(path)
        pq.write_table(table, path, compression="zstd", row_group_size=max(1, -(-table.num_rows // groups)))


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cut") / "single"
    generate(root, ARTICLES, seed=7)
    splits_path, status_path = SPLITS.path(root), STATUS.path(root)
    splits = pl.read_parquet(splits_path)
    pq.write_table(splits.filter(pl.int_range(pl.len()) % 9 != 4).to_arrow(), splits_path)  # not yet assigned
    status = pl.read_parquet(status_path)
    unfinished = (pl.int_range(pl.len()) % 7 == 2).over("kind")
    status = status.with_columns(pl.when(unfinished).then(pl.lit("in-progress")).otherwise("status").alias("status"))
    pq.write_table(status.to_arrow(), status_path)
    _rewrite(root)
    return root


@pytest.fixture(scope="module")
def sharded(single: Path) -> Path:
    root = single.parent / "sharded"
    shutil.copytree(single, root)
    shard_corpus(root, shards=SHARDS)
    return root


def _frames(root: Path) -> dict[Table, pl.DataFrame]:
    """Every table of the corpus read whole, and every article's split (as the release holds them)."""
    frames = {t: read_table(root, t) for t in ALL_TABLES if t is not SPLITS and table_exists(root, t)}
    return frames | {SPLITS: current_splits(root)}


def _whole(config: str, root: Path) -> dict[str, pa.Table]:
    """The config from every table read whole, in one piece (the build of a corpus that cannot be cut)."""
    return joined(config_pieces_from_frames(config, _frames(root), cut_articles=ARTICLES))


def _cut(config: str, root: Path) -> dict[str, pa.Table]:
    """The config built cut by cut, a cut per row group of a single file (per shard of a sharded corpus)."""
    return joined(config_pieces(config, root, cut_articles=1))


def _assert_same(got: Mapping[str, pa.Table], expected: Mapping[str, pa.Table]) -> None:
    assert list(got) == list(SPLIT_NAMES)
    for split in SPLIT_NAMES:
        assert got[split].schema == expected[split].schema, split
        assert got[split].num_rows == expected[split].num_rows, split
        assert got[split].equals(expected[split]), split


@pytest.mark.parametrize("layout", ["single", "sharded"])
@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_cut_by_cut_equals_the_whole_table_build(layout: str, config: str, request: pytest.FixtureRequest) -> None:
    """Same rows, same order in every split: each split's rows in file order, across the cuts."""
    root: Path = request.getfixturevalue(layout)
    cut = plan(root, config, min_articles=1)
    assert cut is not None
    assert len(cut.cuts) == (SHARDS if layout == "sharded" else GROUPS)
    expected = _whole(config, root)
    assert sum(t.num_rows for t in expected.values()) > 0
    _assert_same(_cut(config, root), expected)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_frames_cut_by_cut_equal_the_whole_frames(single: Path, config: str) -> None:
    """The release's build from frames read already, sets of 17 articles at a time, gives the same tables."""
    frames = _frames(single)
    cut = frame_cuts(frames, config, min_articles=17)
    assert cut is not None
    assert len(cut) == -(-ARTICLES // 17)
    _assert_same(joined(config_pieces_from_frames(config, frames, cut_articles=17)), _whole(config, single))


@pytest.mark.parametrize("config", ["documents", "tokens"])
def test_pieces_of_articles_across_cuts(sharded: Path, config: str) -> None:
    """Pieces of at most ``piece_rows`` articles, cut after cut; concatenated, each split's table."""
    expected = _whole(config, sharded)
    pieces: dict[str, list[pa.Table]] = {}
    for split, piece in config_pieces(config, sharded, piece_rows=7):
        assert len(set(piece["doc_id"].to_pylist())) <= 7
        pieces.setdefault(split, []).append(piece)
    _assert_same({s: pa.concat_tables(pieces[s]) for s in SPLIT_NAMES}, expected)
    assert sum(len(p) for p in pieces.values()) >= ARTICLES // 7 * 0.8  # some articles give no rows


def test_new_articles_get_the_split_of_the_whole_corpus(single: Path) -> None:
    """Articles missing from splits.parquet are placed over the whole corpus, not per cut."""
    stored = pl.read_parquet(SPLITS.path(single))
    built = _cut("documents", single)
    got = pl.concat(
        [pl.DataFrame({"doc_id": t["doc_id"].to_pylist(), "split": split}) for split, t in built.items()]
    ).sort("doc_id")
    assert got.height > stored.height  # some articles were not yet assigned, and are in a split now
    assert got.equals(current_splits(single).select("doc_id", "split").sort("doc_id"))


def test_rows_out_of_cut_order_are_built_whole(single: Path, tmp_path: Path) -> None:
    """Entities written against doc order inside their row groups: the entities config reads them whole."""
    root = tmp_path / "copy"
    shutil.copytree(single, root)
    path = ENTITIES.path(root)
    entities = pq.read_table(path)
    pq.write_table(entities[::-1], path, row_group_size=entities.num_rows)
    assert plan(root, "entities", min_articles=1) is None
    documents = plan(root, "documents", min_articles=1)  # documents place every row by its article
    assert documents is not None
    assert len(documents.cuts) == GROUPS
    for config in ("entities", "documents"):
        _assert_same(_cut(config, root), _whole(config, root))


def test_a_document_split_across_shards_is_built_whole(sharded: Path, tmp_path: Path) -> None:
    """An entity in another shard than its article: no cut holds the document, so the tables are read whole."""
    root = tmp_path / "copy"
    shutil.copytree(sharded, root)
    first, second = (root / "annotations/entities" / f"part-0000{k}.parquet" for k in (0, 1))
    a, b = pl.read_parquet(first), pl.read_parquet(second)
    pq.write_table(pl.concat([a, b.head(1)]).to_arrow(), first)
    pq.write_table(b.slice(1).to_arrow(), second)
    assert plan(root, "entities") is None
    _assert_same(build_config("entities", root), _whole("entities", root))
