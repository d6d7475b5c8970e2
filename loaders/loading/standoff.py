"""Stand-off releases: texts whose licence forbids redistribution are stripped, and filled in again.

A stand-off article keeps its url, ``text_sha256``, structure (block spans) and every annotation
offset; every string that is (part of) the text is null. :func:`rehydrate_frames` fills the text
in from a local copy whose sha256 matches, and re-derives every span text from the offsets.

Beside the tables, a stand-off release records the sha256 of each block of each stand-off article
(:data:`BLOCK_HASHES`), as it records the text's: a page fetched later whose text differs can
then be told apart block by block (:mod:`peacetalks.loading.recover`). A block is a paragraph, a
subheading, the teaser, kicker, headline, caption or credit; the short ones can be guessed from
their hash, as the length of every block can be read from its offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from peacetalks.errors import IngestError, ValidationFailed
from peacetalks.ingest.raw_article import parse_raw_article
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, Table
from peacetalks.storage.paths import check_path
from peacetalks.validation.report import Issue, Report

# The values of ``peacetalks.load(texts=...)`` that name no folder (one definition, for every layer):
FETCH: Final = "fetch"  # get each stand-off article from its url
SKIP: Final = "skip"  # load without the stand-off articles
# Under a release's tables/: doc_id, block_id and the sha256 of the block's text, for the stand-off articles.
BLOCK_HASHES = "block_sha256.parquet"
BLOCK_HASHES_SCHEMA = {"doc_id": pl.String, "block_id": pl.Int64, "sha256": pl.String}
# Blocks whose text is kept in an article column of the same name.
_BLOCK_COLUMNS = ("kicker", "headline")
# Field names that hold article text in the configs built from the tables (see mask_text_fields):
# the tables' text columns, the stance holder's text (configs.py) and the token configs' words.
TEXT_FIELD_NAMES = frozenset({c for t in ALL_TABLES for c in t.text_columns} | {"holder_text", "tokens", "sentence"})


def standoff_doc_ids(articles: pl.DataFrame, scheme: Scheme | None = None) -> list[str]:
    """The articles whose licence does not allow redistributing the text, sorted."""
    allowed = (scheme or load_scheme()).redistributable_licenses
    return sorted(articles.filter(~pl.col("license").is_in(allowed))["doc_id"].to_list())


def block_hashes(articles: pl.DataFrame, blocks: pl.DataFrame, doc_ids: list[str]) -> pl.DataFrame:
    """doc_id, block_id and sha256 of the text of each block of ``doc_ids``, sorted."""
    spans = blocks.filter(pl.col("doc_id").is_in(doc_ids)).join(articles.select("doc_id", "text"), on="doc_id")
    texts = spans.select(pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))["text"]
    # hashlib per block (polars has no sha256): a stand-off article has a few dozen blocks
    digests = [_sha(t) for t in texts.fill_null("").to_list()]
    frame = spans.select("doc_id", "block_id").with_columns(pl.Series("sha256", digests, dtype=pl.String))
    return frame.cast(BLOCK_HASHES_SCHEMA).sort("doc_id", "block_id")  # type: ignore[arg-type]


def read_block_hashes(tables: Path) -> pl.DataFrame | None:
    """The block hashes of a release's ``tables/`` folder; None when it records none (a release made before them)."""
    path = tables / BLOCK_HASHES
    if not path.is_file():
        return None
    return pl.read_parquet(path).cast(BLOCK_HASHES_SCHEMA)  # type: ignore[arg-type]


def strip_texts(frames: Mapping[Table, pl.DataFrame], doc_ids: list[str]) -> dict[Table, pl.DataFrame]:
    """Null every text column of the rows of ``doc_ids`` (offsets and hashes stay)."""
    stripped: dict[Table, pl.DataFrame] = {}
    for table, df in frames.items():
        columns = table.text_columns
        hit = pl.col("doc_id").is_in(doc_ids)
        stripped[table] = df.with_columns(
            pl.when(hit).then(pl.lit(None, pl.String)).otherwise(pl.col(c)).alias(c) for c in columns
        )
    return stripped


def mask_text_fields(table: pa.Table, doc_ids: list[str], names: frozenset[str] = TEXT_FIELD_NAMES) -> pa.Table:
    """Null the text fields (by name, at any depth of lists and structs) in the rows of ``doc_ids``."""
    if not doc_ids or "doc_id" not in table.column_names:
        return table
    rows = pc.is_in(table["doc_id"], value_set=pa.array(doc_ids, pa.string())).combine_chunks()
    if not pc.any(rows).as_py():
        return table
    columns = [_mask(table[name].combine_chunks(), rows, name in names, names) for name in table.column_names]
    return pa.Table.from_arrays(columns, schema=table.schema)


def _mask(array: pa.Array, rows: pa.Array, is_text: bool, names: frozenset[str]) -> pa.Array:
    """``array`` with the elements at ``rows`` nulled when it is a text field; recurses into nested types."""
    kind = array.type
    if is_text:
        return pc.if_else(rows, pa.nulls(len(array), kind), array)
    if pa.types.is_struct(kind):
        struct = pc.if_else(rows, array, array)  # a copy with the same validity
        children = [_mask(struct.field(i), rows, kind.field(i).name in names, names) for i in range(kind.num_fields)]
        return pa.StructArray.from_arrays(
            children, fields=list(kind), mask=pc.invert(struct.is_valid()) if struct.null_count else None
        )
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        flat = array.flatten()
        parents = pc.list_parent_indices(array)
        inner = _mask(flat, pc.take(rows, parents), False, names)
        offsets = pc.subtract(array.offsets, array.offsets[0])
        return type(array).from_arrays(offsets, inner, type=kind, mask=pc.invert(array.is_valid()))
    return array


@dataclass(frozen=True)
class LocalText:
    text: str
    path: str


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def index_texts(folder: Path) -> tuple[dict[str, LocalText], dict[str, str]]:
    """Local copies by the sha256 of their text, and every file's own sha256 by its stem.

    A ``*.txt`` file counts as a copy of an article when its content is the article's text, or when
    it is the article in the raw tagesschau form (as ``peacetalks ingest`` reads it).
    """
    check_path(folder, "folder", "the folder of local texts")
    by_sha: dict[str, LocalText] = {}
    by_stem: dict[str, str] = {}
    for path in sorted(folder.rglob("*.txt")):
        content = path.read_text(encoding="utf-8")
        rel = path.relative_to(folder).as_posix()
        by_sha.setdefault(_sha(content), LocalText(content, rel))
        by_stem[path.stem] = _sha(content)
        try:
            parsed = parse_raw_article(content, path).text
        except IngestError:
            continue
        by_stem[path.stem] = _sha(parsed)
        by_sha.setdefault(_sha(parsed), LocalText(parsed, rel))
    return by_sha, by_stem


def missing_texts(articles: pl.DataFrame) -> pl.DataFrame:
    return articles.filter(pl.col("text").is_null())


def rehydrate_frames(frames: Mapping[Table, pl.DataFrame], texts_dir: Path) -> dict[Table, pl.DataFrame]:
    """Fill in the text of every stand-off article from ``texts_dir``; refuse copies that do not match.

    Raises ValidationFailed with one issue per article whose copy is missing (``text-missing``) or
    whose sha256 differs from the recorded ``text_sha256`` (``text-sha256-mismatch``).
    """
    articles = frames[ARTICLES]
    wanted = missing_texts(articles).select("doc_id", "text_sha256")
    by_sha, by_stem = index_texts(texts_dir)
    found: dict[str, str] = {}
    report = Report()
    for doc_id, sha in wanted.iter_rows():  # one per stand-off article, not per annotation
        if sha in by_sha:
            found[doc_id] = by_sha[sha].text
            continue
        if doc_id in by_stem:
            report.add([_mismatch(texts_dir, doc_id, sha, by_stem[doc_id])])
        else:
            report.add(
                [
                    Issue(
                        code="text-missing",
                        file=str(texts_dir),
                        doc_id=doc_id,
                        message=f"no local copy whose sha256 is {sha}; put the article's text in {doc_id}.txt",
                    )
                ]
            )
    if not report.valid:
        raise ValidationFailed(report.sorted(), what="the local texts")
    return fill_texts(frames, found)


def _mismatch(folder: Path, doc_id: str, expected: str, actual: str) -> Issue:
    return Issue(
        code="text-sha256-mismatch",
        file=str(folder / f"{doc_id}.txt"),
        doc_id=doc_id,
        column="text_sha256",
        value=actual,
        message=f"sha256 {actual} differs from the released text_sha256 {expected}; this is not the released text",
    )


def fill_texts(frames: Mapping[Table, pl.DataFrame], texts: Mapping[str, str]) -> dict[Table, pl.DataFrame]:
    """The frames with the null text of each article in ``texts`` (doc_id -> text) filled in, and its span texts."""
    filled = dict(frames)
    if not texts:
        return filled
    lookup = pl.DataFrame(
        {"doc_id": list(texts), "__text": list(texts.values())}, schema={"doc_id": pl.String, "__text": pl.String}
    )
    articles = frames[ARTICLES].join(lookup, on="doc_id", how="left", maintain_order="left")
    filled[ARTICLES] = articles.with_columns(pl.coalesce("text", "__text").alias("text")).drop("__text")
    for table in frames:
        span = table.span
        if span is not None and span.text is not None:
            filled[table] = fill_span_texts(frames[table], texts, span.text, span.start, span.end)
    return filled


def fill_span_texts(df: pl.DataFrame, texts: Mapping[str, str], column: str, start: str, end: str) -> pl.DataFrame:
    """The null span texts (``column``) of the rows of each doc_id in ``texts``, sliced from its text.

    The text is a literal per document, never joined onto each row.
    """
    indexed = df.with_row_index("__i")
    todo = indexed.filter(pl.col("doc_id").is_in(list(texts)) & pl.col(column).is_null() & pl.col(start).is_not_null())
    if todo.is_empty():
        return df
    parts = [
        part.select(
            "__i",
            pl.lit(texts[str(part["doc_id"][0])])
            .str.slice(pl.col(start), pl.col(end) - pl.col(start))
            .alias("__filled"),
        )
        for part in todo.partition_by("doc_id", maintain_order=True)
    ]
    merged = indexed.join(pl.concat(parts), on="__i", how="left", maintain_order="left")
    return merged.with_columns(pl.coalesce(column, "__filled").alias(column)).drop("__i", "__filled")


def fill_block_columns(articles: pl.DataFrame, blocks: pl.DataFrame) -> pl.DataFrame:
    """Re-derive ``kicker`` and ``headline`` of rehydrated articles from their blocks."""
    spans = blocks.filter(pl.col("kind").is_in(list(_BLOCK_COLUMNS))).select("doc_id", "kind", "start", "end")
    todo = articles.filter(pl.col("kicker").is_null() | pl.col("headline").is_null())
    if todo.is_empty():
        return articles
    parts = spans.join(todo.select("doc_id", "text"), on="doc_id").with_columns(
        pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("__part")
    )
    by_kind = (
        parts.pivot(on="kind", index="doc_id", values="__part")
        if not parts.is_empty()
        else pl.DataFrame(schema={"doc_id": pl.String})
    )
    wide = todo.select("doc_id").join(by_kind, on="doc_id", how="left")
    for name in _BLOCK_COLUMNS:
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.String).alias(name))
    wide = wide.select("doc_id", *(pl.col(n).fill_null("").alias(f"__{n}") for n in _BLOCK_COLUMNS))
    out = articles.join(wide, on="doc_id", how="left", maintain_order="left")
    return out.with_columns(pl.coalesce(n, f"__{n}").alias(n) for n in _BLOCK_COLUMNS).drop(
        *(f"__{n}" for n in _BLOCK_COLUMNS)
    )
