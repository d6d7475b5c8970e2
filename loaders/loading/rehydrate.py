"""The config files of a stand-off release with their texts filled in again, for ``load(texts=DIR)``.

A stand-off release nulls every text field of its stand-off articles' rows in the config files
(:func:`~peacetalks.loading.standoff.mask_text_fields`) and keeps every offset. This is the
inverse: the text of each stand-off article comes from a local copy whose sha256 matches the
release's ``text_sha256`` (:func:`~peacetalks.loading.standoff.rehydrate_frames` on the source
tables under ``tables/``), and each null text field of its rows is derived again from its siblings:

- ``text``, ``kicker``, ``headline`` of a row without offsets (``documents``): the article's own;
- ``text`` beside ``start``/``end``, ``X_text`` beside ``X_start``/``X_end`` (mentions, triggers,
  arguments, evidence): that slice of the article text;
- ``tokens`` beside ``token_starts``/``token_ends``: the slice of each token;
- ``holder_text`` beside ``holder_mention_id``: the text of that mention.

A text field no rule covers is refused (``cannot-rehydrate``) rather than left null. The files are
filled one at a time and keep their schema (with the features) and shards, so the configs are the
ones the release was built with, never rebuilt by the installed code; the bytes equal those of the
release built with ``--include-text``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from peacetalks.errors import LoadError, TableReadError
from peacetalks.loading.standoff import (
    TEXT_FIELD_NAMES,
    fill_block_columns,
    fill_texts,
    missing_texts,
    rehydrate_frames,
)
from peacetalks.schema.tables import ARTICLES, BLOCKS, ENTITIES, Table
from peacetalks.storage.parquet import atomic_folder, read_table

# The source tables (corpus/, annotations/) sit under this folder of a release, so that a release
# is never mistaken for a corpus folder (its stand-off texts are null).
TABLES_DIR = "tables"
DATA_DIR = "data"
CARD = "README.md"
# What a filled-in copy was made from (release, its SHA256SUMS, the texts folder); written inside the
# copy before it is renamed into place, so a copy with it is complete. ``peacetalks cache list`` reads it.
ABOUT = "rehydrated.json"
_DOC = "__doc"  # an article's row in StandoffTexts.articles


@dataclass(frozen=True)
class StandoffTexts:
    """The filled-in texts of a release's stand-off articles: ``doc_id``, ``text``, ``kicker``, ``headline``,
    and their mentions (``__doc``: the article's row in ``articles``, ``mention_id``, ``text``)."""

    articles: pl.DataFrame
    mentions: pl.DataFrame

    def rows(self, doc_ids: pa.ChunkedArray | pa.Array) -> pa.Array:
        """The row in ``articles`` of each doc_id; null for an article that is not stand-off."""
        ids = pl.Series(doc_ids.combine_chunks() if isinstance(doc_ids, pa.ChunkedArray) else doc_ids)
        lookup = self.articles["doc_id"]
        index = ids.replace_strict(lookup, pl.int_range(lookup.len(), dtype=pl.UInt32, eager=True), default=None)
        return index.to_arrow()


def read_release_tables(release: Path, tables: Sequence[Table]) -> dict[Table, pl.DataFrame]:
    """Tables of a release's ``tables/`` (the articles must be there); ``unreadable-release`` for a damaged one."""
    folder = release / TABLES_DIR
    try:
        return {t: read_table(folder, t, missing_ok=t is not ARTICLES) for t in tables}
    except TableReadError as exc:
        where = folder / (exc.path or "")
        message = f"{exc.message} (a stand-off release holds its tables under {TABLES_DIR}/)"
        raise LoadError("unreadable-release", message, path=str(where), data={"table_code": exc.code}) from None


def standoff_texts(release: Path, texts: Path | Mapping[str, str]) -> StandoffTexts:
    """The texts of the release's stand-off articles: from the local copies in the folder ``texts``, or
    given (doc_id -> text, as fetched).

    Raises ValidationFailed (``text-missing``, ``text-sha256-mismatch``) as ``rehydrate_frames`` does.
    """
    frames = read_release_tables(release, (ARTICLES, BLOCKS, ENTITIES))
    wanted = missing_texts(frames[ARTICLES]).select("doc_id")
    filled = rehydrate_frames(frames, texts) if isinstance(texts, Path) else fill_texts(frames, texts)
    articles = fill_block_columns(filled[ARTICLES].join(wanted, on="doc_id", how="semi"), frames[BLOCKS])
    articles = articles.select("doc_id", "text", "kicker", "headline")
    mentions = (
        filled[ENTITIES]
        .select("doc_id", "mention_id", "text")
        .join(articles.select("doc_id", pl.int_range(pl.len(), dtype=pl.UInt32).alias(_DOC)), on="doc_id")
    )
    return StandoffTexts(articles, mentions.select(_DOC, "mention_id", "text"))


def texts_digest(texts: StandoffTexts) -> str:
    """The sha256 of the texts used: each stand-off article's doc_id and text, in doc_id order."""
    digest = hashlib.sha256()
    ordered = texts.articles.sort("doc_id")
    for doc_id, text in zip(ordered["doc_id"], ordered["text"], strict=True):  # one per article, not per row
        for part in (doc_id, text or ""):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def fill_text_fields(table: pa.Table, texts: StandoffTexts, where: str = "") -> pa.Table:
    """``table`` (a config's rows) with the null text fields of the stand-off articles' rows filled in."""
    if "doc_id" not in table.column_names:
        return table
    doc = texts.rows(table["doc_id"])
    if doc.null_count == len(doc):
        return table
    arrays = [table[name].combine_chunks() for name in table.column_names]
    filled = _fill_level(list(table.schema), arrays, doc, texts, top=True, where=where)
    return pa.Table.from_arrays(filled, schema=table.schema)


def _fill_level(
    fields: list[pa.Field], arrays: list[pa.Array], doc: pa.Array, texts: StandoffTexts, *, top: bool, where: str
) -> list[pa.Array]:
    """The sibling ``arrays`` (a table's columns, or a struct's children) filled in; ``doc``: their article rows."""
    siblings = {f.name: a for f, a in zip(fields, arrays, strict=True)}
    out = []
    for field, array in zip(fields, arrays, strict=True):
        kind = field.type
        if field.name in TEXT_FIELD_NAMES:
            derived = _derive(field.name, siblings, doc, texts, top=top, where=where)
            out.append(pc.coalesce(array, derived.cast(kind)))
        elif pa.types.is_struct(kind):
            children = [array.field(i) for i in range(kind.num_fields)]
            inner = _fill_level(list(kind), children, doc, texts, top=False, where=where)
            mask = pc.invert(array.is_valid()) if array.null_count else None
            out.append(pa.StructArray.from_arrays(inner, fields=list(kind), mask=mask))
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
            out.append(_fill_list(array, doc, texts, where))
        else:
            out.append(array)
    return out


def _fill_list(array: pa.Array, doc: pa.Array, texts: StandoffTexts, where: str) -> pa.Array:
    kind = array.type
    value = kind.value_type
    if not pa.types.is_struct(value):
        return array  # a list of plain values holds no text field of its own (``tokens`` is filled as a whole)
    flat = array.flatten()
    inner_doc = pc.take(doc, pc.list_parent_indices(array))
    children = [flat.field(i) for i in range(value.num_fields)]
    inner = _fill_level(list(value), children, inner_doc, texts, top=False, where=where)
    mask = pc.invert(flat.is_valid()) if flat.null_count else None
    values = pa.StructArray.from_arrays(inner, fields=list(value), mask=mask)
    offsets = pc.subtract(array.offsets, array.offsets[0])
    return type(array).from_arrays(offsets, values, type=kind, mask=pc.invert(array.is_valid()))


def _derive(
    name: str, siblings: dict[str, pa.Array], doc: pa.Array, texts: StandoffTexts, *, top: bool, where: str
) -> pa.Array:
    """The value of text field ``name`` for each element (null where ``doc`` is null), from its siblings."""
    prefix = "" if name == "text" else name.removesuffix("_text") + "_"
    start, end = siblings.get(f"{prefix}start"), siblings.get(f"{prefix}end")
    if name.endswith("text") and start is not None and end is not None:
        return _slice(texts, doc, start, end)
    if top and name in texts.articles.columns and name != "doc_id":
        return pc.take(texts.articles[name].to_arrow(), doc)
    if name == "tokens" and "token_starts" in siblings and "token_ends" in siblings:
        starts, ends = siblings["token_starts"], siblings["token_ends"]
        inner = _slice(texts, pc.take(doc, pc.list_parent_indices(starts)), starts.flatten(), ends.flatten())
        offsets = pc.subtract(starts.offsets, starts.offsets[0])
        valid = pc.and_(starts.is_valid(), doc.is_valid())
        return pa.ListArray.from_arrays(offsets, inner.cast(pa.string()), mask=pc.invert(valid))
    if name == "holder_text" and "holder_mention_id" in siblings:
        asked = pl.DataFrame(
            [pl.Series(_DOC, doc, dtype=pl.UInt32), pl.Series("mention_id", siblings["holder_mention_id"])]
        )
        found = asked.join(texts.mentions, on=[_DOC, "mention_id"], how="left", maintain_order="left")
        return found["text"].to_arrow()
    raise LoadError(
        "cannot-rehydrate",
        f"no rule fills in the text field {name!r} (its siblings: {', '.join(siblings)})",
        path=where,
    )


def _slice(texts: StandoffTexts, doc: pa.Array, start: pa.Array, end: pa.Array) -> pa.Array:
    """``text[start:end]`` of each element's article (code points); null where any of them is null."""
    frame = pl.DataFrame([pl.Series(_DOC, doc, dtype=pl.UInt32), pl.Series("start", start), pl.Series("end", end)])
    # A gather of polars strings copies views, not texts: each row points into its article's text.
    frame = frame.with_columns(texts.articles["text"].gather(frame[_DOC]).alias("text"))
    sliced = frame.select(pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
    return sliced["text"].to_arrow()


def rehydrate_configs(
    release: Path,
    texts: Path | Mapping[str, str],
    out: Path,
    *,
    found: StandoffTexts | None = None,
    about: Mapping[str, object] | None = None,
) -> Path:
    """Write ``out``: the release's card and config files, the stand-off texts filled in from ``texts``.

    ``out`` is what ``datasets.load_dataset(out, name=config)`` reads (``README.md`` and ``data/``);
    it is written beside itself and renamed into place, so an interrupted run leaves nothing.
    ``found``: the texts, when read already; ``about``: written to ``ABOUT`` inside the copy.
    """
    found = standoff_texts(release, texts) if found is None else found
    with atomic_folder(out) as tmp:
        shutil.copyfile(release / CARD, tmp / CARD)
        if about is not None:
            doc_ids = sorted(found.articles["doc_id"].to_list())
            (tmp / ABOUT).write_text(json.dumps({**about, "doc_ids": doc_ids}, sort_keys=True), encoding="utf-8")
        for path in sorted((release / DATA_DIR).rglob("*.parquet")):
            rel = path.relative_to(release).as_posix()
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            table = pq.read_table(path)
            filled = fill_text_fields(table, found, where=rel)
            if filled is table:
                shutil.copyfile(path, target)
            else:
                pq.write_table(filled.cast(_written_schema(table.schema)), target, compression="zstd")
    return out


def _written_schema(read: pa.Schema) -> pa.Schema:
    """The Arrow schema a config file was written with (that of its features), metadata included.

    ``datasets`` names a list's values ``item``; pyarrow reads them back from Parquet as ``element``.
    """
    return pa.schema([f.with_type(_item_lists(f.type)) for f in read], metadata=read.metadata)


def _item_lists(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_struct(kind):
        return pa.struct([f.with_type(_item_lists(f.type)) for f in kind])
    if pa.types.is_list(kind):
        value = kind.value_field
        return pa.list_(pa.field("item", _item_lists(value.type), value.nullable))
    return kind
