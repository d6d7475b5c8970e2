"""Configs of a corpus with many articles in every split: each row holds exactly its own records."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from peacetalks.ingest.splits import split_corpus
from peacetalks.loading.configs import build_config, config_pieces
from peacetalks.schema.tables import BY_NAME, ENTITIES, SPLITS
from peacetalks.storage.parquet import read_table
from tests.loading.corpora import Doc, write_corpus

NAMES = ["Putin", "Trump", "Selenskyj", "Kiew", "Moskau"]


def _docs() -> list[Doc]:
    docs = []
    for i in range(30):
        picked = [NAMES[j % len(NAMES)] for j in range(i % 4)]  # 0 to 3 mentions; some articles have none
        text = f"Artikel {i}: " + " und ".join(picked or ["niemand"]) + " sprechen."
        docs.append(Doc(f"doc-{i:02d}", text, mentions=[(n, "PER", "NAME", "NAM") for n in picked]))
    return docs


@pytest.fixture
def many(tmp_path: Path) -> Path:
    write_corpus(tmp_path, _docs())
    split_corpus(tmp_path, ratios=(0.4, 0.3, 0.3))
    return tmp_path


def _expected(root: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    splits = dict(read_table(root, SPLITS).select("doc_id", "split").iter_rows())
    entities = read_table(root, ENTITIES)
    by_doc = {d: g["mention_id"].to_list() for (d,), g in entities.group_by("doc_id", maintain_order=True)}
    return splits, by_doc


def test_documents_rows_hold_their_own_mentions_in_their_split(many: Path) -> None:
    splits, by_doc = _expected(many)
    tables = build_config("documents", many)
    assert {name: t.num_rows for name, t in tables.items()} == {
        name: sum(s == name for s in splits.values()) for name in ("train", "validation", "test")
    }
    for name, table in tables.items():
        for row in table.select(["doc_id", "mentions"]).to_pylist():
            assert splits[row["doc_id"]] == name
            assert [m["mention_id"] for m in row["mentions"]] == by_doc.get(row["doc_id"], [])


def test_entities_rows_are_in_their_articles_split(many: Path) -> None:
    splits, by_doc = _expected(many)
    tables = build_config("entities", many)
    assert sum(t.num_rows for t in tables.values()) == sum(len(v) for v in by_doc.values())
    for name, table in tables.items():
        assert {splits[d] for d in table["doc_id"].to_pylist()} <= {name}


def test_unsorted_files_still_nest_correctly(many: Path) -> None:
    """Tables written out of key order (by another tool) give the same lists, in file order per article."""
    path = ENTITIES.path(many)
    shuffled = pl.read_parquet(path).reverse()
    pq.write_table(shuffled.to_arrow(), path)
    tables = build_config("documents", many)
    expected = {d: g["mention_id"].to_list() for (d,), g in shuffled.group_by("doc_id", maintain_order=True)}
    for table in tables.values():
        for row in table.select(["doc_id", "mentions"]).to_pylist():
            assert [m["mention_id"] for m in row["mentions"]] == expected.get(row["doc_id"], [])


def test_events_match_arguments_by_document_and_event_id(tmp_path: Path) -> None:
    """Two articles reuse the event ids ev1/ev2: each event gets only its own document's arguments."""
    from peacetalks.schema.tables import BY_NAME
    from peacetalks.storage.parquet import write_tables
    from tests.conftest import tiny_frames

    frames = tiny_frames()
    doubled = {
        name: pl.concat([df, df.with_columns(pl.lit("ts-2025-02-12-copy").alias("doc_id"))])
        for name, df in frames.items()
    }
    write_tables(tmp_path, {BY_NAME[name]: df for name, df in doubled.items()})
    events = [row for t in build_config("events", tmp_path).values() for row in t.to_pylist()]
    got = sorted((e["doc_id"], e["event_id"], [a["argument_id"] for a in e["arguments"]]) for e in events)
    assert got == [
        ("ts-2025-02-12-copy", "ev1", ["a1", "a2"]),
        ("ts-2025-02-12-copy", "ev2", ["a3"]),
        ("ts-2025-02-12-test", "ev1", ["a1", "a2"]),
        ("ts-2025-02-12-test", "ev2", ["a3"]),
    ]
    (doc,) = [
        r for t in build_config("documents", tmp_path).values() for r in t.to_pylist() if r["doc_id"].endswith("copy")
    ]
    assert [[a["argument_id"] for a in e["arguments"]] for e in doc["events"]] == [["a1", "a2"], ["a3"]]


@pytest.mark.parametrize("piece_rows", [1, 4, 1000])
def test_documents_in_pieces_concatenate_to_the_whole_split(many: Path, piece_rows: int) -> None:
    """The pieces ``load()`` writes one by one are the split's table, also from files out of key order."""
    for table in (BY_NAME[name] for name in ("blocks", "entities", "events", "event_arguments", "stances")):
        pq.write_table(pl.read_parquet(table.path(many)).reverse().to_arrow(), table.path(many))
    whole = build_config("documents", many)
    pieces: dict[str, list[pa.Table]] = {}
    for split, piece in config_pieces("documents", many, piece_rows=piece_rows):
        assert piece.num_rows <= piece_rows
        pieces.setdefault(split, []).append(piece)
    assert list(pieces) == list(whole)
    for split, table in whole.items():
        assert pa.concat_tables(pieces[split]).equals(table)
        assert len(pieces[split]) == max(1, -(-table.num_rows // piece_rows))
