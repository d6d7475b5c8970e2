"""Corpora for the release tests: the tiny corpus with splits (v1), and a changed one (v2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from peacetalks.schema.tables import BY_NAME, SPLITS
from peacetalks.storage.parquet import write_tables
from tests.conftest import DOC, TEXT, status_frame, tiny_frames

DOC2 = "cc-2025-02-13-open"
TEXT2 = "Selenskyj telefonierte mit Trump.\nDie EU begrüßte das Gespräch."


def _splits(doc_ids: list[str], splits: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": doc_ids, "split": splits, "group_id": doc_ids})


HEADLINE = "Trump telefonierte mit Putin."


def _frames() -> dict[str, pl.DataFrame]:
    """The tiny corpus with its first line as the headline block, as ingest makes it."""
    frames = tiny_frames()
    frames["articles"] = frames["articles"].with_columns(pl.lit(HEADLINE).alias("headline"), pl.lit("").alias("kicker"))
    frames["blocks"] = frames["blocks"].with_columns(
        pl.when(pl.col("block_id") == 0).then(pl.lit("headline")).otherwise("kind").alias("kind")
    )
    return frames


def write_v1(root: Path) -> Path:
    """The tiny corpus (one stand-off article, licence tagesschau-terms) with its split."""
    frames = _frames()
    write_tables(root, {BY_NAME[n]: df for n, df in frames.items()})
    write_tables(root, {SPLITS: _splits([DOC], ["train"])})
    return root


def write_v2(root: Path) -> Path:
    """v1 plus an openly licensed article in test, and one entity label changed (m3 ORG -> GPE)."""
    frames = _frames()
    second = {
        "articles": frames["articles"].with_columns(
            pl.lit(DOC2).alias("doc_id"),
            pl.lit(TEXT2).alias("text"),
            pl.lit("CC-BY-4.0").alias("license"),
            pl.lit(hashlib.sha256(TEXT2.encode()).hexdigest()).alias("text_sha256"),
            pl.lit("Selenskyj telefonierte").alias("headline"),
        ),
        "blocks": pl.DataFrame(
            {
                "doc_id": [DOC2, DOC2],
                "block_id": [0, 1],
                "kind": ["paragraph", "paragraph"],
                "start": [0, 34],
                "end": [33, 62],
            }
        ),
        "status": status_frame([DOC2]),
        "entities": frames["entities"]
        .head(1)
        .with_columns(
            pl.lit(DOC2).alias("doc_id"),
            pl.lit(0).alias("start"),
            pl.lit(9).alias("end"),
            pl.lit("Selenskyj").alias("text"),
            pl.lit("zelensky").alias("entity_id"),
        ),
    }
    merged = {}
    for name, df in frames.items():
        if name == "entities":
            df = df.with_columns(
                pl.when(pl.col("mention_id") == "m3").then(pl.lit("GPE")).otherwise("label").alias("label")
            )
        extra = second.get(name)
        merged[name] = pl.concat([df, extra.cast(df.schema)]) if extra is not None else df
    write_tables(root, {BY_NAME[n]: df for n, df in merged.items()})
    write_tables(root, {SPLITS: _splits([DOC, DOC2], ["train", "test"])})
    return root


def write_texts(folder: Path, *, wrong: bool = False) -> Path:
    """Local copies of the stand-off text as <doc_id>.txt (``wrong``: one changed character)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{DOC}.txt").write_text(TEXT.replace("Putin", "Putln") if wrong else TEXT, encoding="utf-8")
    return folder
