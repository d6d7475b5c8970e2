"""The ready-made configs of PeaceTalks-DE: their ``datasets`` Features and their Arrow tables.

- ``documents``: one row per article with its text, blocks, mentions, events (with arguments)
  and stances as nested lists;
- ``entities``: one row per mention; ``events``: one row per event with its arguments;
- ``stances``: one row per stance with its holder mention, target (id and labels), polarity and
  evidence text;
- ``tokens``: one row per sentence with tokens, offsets and BIO tags (see :mod:`peacetalks.loading.tokens`).

Label columns are ``ClassLabel``s named from the scheme (:mod:`peacetalks.schema.features`); a
table is built with polars and cast to ``features.arrow_schema``. Article text is joined once per
article (``documents``, ``tokens``), never onto mentions.

Annotation status: ``entities``, ``events`` and ``stances`` hold only the rows of articles whose gold
for that kind is complete, ``tokens`` only articles whose entity gold is complete
(:func:`peacetalks.storage.status.keep_complete`); ``documents`` holds every article with its gold
status per kind (``entities_status``, ``events_status``, ``stances_status``; null: no status).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from datasets import ClassLabel, Features, List

from peacetalks.errors import LoadError, bad_argument
from peacetalks.ingest.splits import current_splits
from peacetalks.loading.cut_reads import Plan, frame_cuts, plan
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.features import STRING, label_names, status_features, table_features
from peacetalks.schema.plover import PLOVER_COLUMN, with_plover_category
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, SPLITS, STANCES, STATUS, Table
from peacetalks.storage.parquet import read_table
from peacetalks.storage.status import keep_complete, kind_of, wide
from peacetalks.storage.units import UNIT_ARTICLES

CONFIG_NAMES: tuple[str, ...] = ("documents", "entities", "events", "stances", "tokens")
DEFAULT_CONFIG = "documents"
TOKEN_OPTIONS = ("tagset", "mention_types")
# Where a config's tables come from: a corpus folder (read when asked for) or frames read already.
Reader = Callable[[Table], pl.DataFrame]


def check_config(config: str, options: dict[str, Any]) -> None:
    """Raise LoadError unless ``config`` exists and takes ``options``, of the right types and values."""
    if not isinstance(config, str):
        raise bad_argument("config", config, f"the name of a config (a str: {', '.join(CONFIG_NAMES)})")
    if config not in CONFIG_NAMES:
        raise LoadError(
            "unknown-config", f"config {config!r} does not exist; expected one of {', '.join(CONFIG_NAMES)}"
        )
    allowed = TOKEN_OPTIONS if config == "tokens" else ()
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise LoadError(
            "unknown-option",
            f"config {config!r} takes no option {', '.join(unknown)}; it takes: {', '.join(allowed) or 'none'}",
        )
    if config == "tokens":
        from peacetalks.text.bio import DEFAULT_MENTION_TYPES, DEFAULT_TAGSET, check_options

        check_options(options.get("tagset", DEFAULT_TAGSET), options.get("mention_types", DEFAULT_MENTION_TYPES))


def _argument_features(s: Scheme) -> dict[str, Any]:
    return table_features(ARGUMENTS.name, drop=("doc_id", "event_id"), scheme=s)


def _event_features(s: Scheme, *, with_doc: bool) -> dict[str, Any]:
    """The events table's columns, ``plover_category`` after ``category`` (GUIDELINES.md 2.8), the arguments."""
    feats: dict[str, Any] = {}
    for name, feat in table_features(EVENTS.name, drop=() if with_doc else ("doc_id",), scheme=s).items():
        feats[name] = feat
        if name == "category":
            feats[PLOVER_COLUMN] = ClassLabel(names=list(label_names(EVENTS.name, PLOVER_COLUMN, s) or ()))
    return feats | {"arguments": List(_argument_features(s))}


def _events(read: Reader, s: Scheme) -> pl.DataFrame:
    """The events table with each mention's PLOVER category (the one mapping of schema/plover.py)."""
    return with_plover_category(read(EVENTS), read(ARGUMENTS), s)


def _stance_features(s: Scheme) -> dict[str, Any]:
    base = table_features(STANCES.name, scheme=s)
    extra = {
        "holder_text": STRING,
        "holder_label": ClassLabel(names=list(s.entity_labels)),
        "holder_entity_id": STRING,
        "target_label_de": STRING,
        "target_label_en": STRING,
    }
    ordered: dict[str, Any] = {}
    for name, feat in base.items():
        ordered[name] = feat
        if name == "holder_mention_id":
            ordered |= {k: v for k, v in extra.items() if k.startswith("holder")}
        if name == "target_id":
            ordered |= {k: v for k, v in extra.items() if k.startswith("target")}
    return ordered


def features(config: str, **options: Any) -> Features:
    """The ``datasets`` Features of a config; label columns are ClassLabels named from the scheme."""
    check_config(config, options)
    s = load_scheme()
    if config == "documents":
        nested = {
            "blocks": List(table_features(BLOCKS.name, drop=("doc_id",), scheme=s)),
            "mentions": List(table_features(ENTITIES.name, drop=("doc_id",), scheme=s)),
            "events": List(_event_features(s, with_doc=False)),
            "stances": List(table_features(STANCES.name, drop=("doc_id",), scheme=s)),
        }
        return Features(table_features(ARTICLES.name, scheme=s) | status_features(s) | nested)
    if config == "entities":
        return Features(table_features(ENTITIES.name, scheme=s))
    if config == "events":
        return Features(_event_features(s, with_doc=True))
    if config == "stances":
        return Features(_stance_features(s))
    from peacetalks.loading.tokens import token_features

    return token_features(**options)


def encode_labels(df: pl.DataFrame, table: str, scheme: Scheme) -> pl.DataFrame:
    """Replace each label column of ``table`` by its ClassLabel index (Int64, nulls kept)."""
    exprs = []
    for column in df.columns:
        names = label_names(table, column, scheme)
        if names is None:
            continue
        enum = pl.Enum(list(names))
        if isinstance(df.schema[column], pl.List):
            exprs.append(pl.col(column).list.eval(pl.element().cast(enum).to_physical().cast(pl.Int64)))
        else:
            exprs.append(pl.col(column).cast(enum).to_physical().cast(pl.Int64))
    try:
        return df.with_columns(exprs)
    except pl.exceptions.InvalidOperationError as exc:
        raise LoadError(
            "value-not-in-scheme",
            f"{table}: a label is not in the scheme ({str(exc).splitlines()[0]})",
            data={"table": table},
        ) from None


def _read(root: Path, table: Table) -> pl.DataFrame:
    """A table in file order (``write_tables`` keeps files sorted by their keys); annotations may be absent."""
    return read_table(root, table, missing_ok=table.folder == "annotations")


def frames_reader(frames: Mapping[Table, pl.DataFrame]) -> Reader:
    """Read from ``frames``: an absent annotation table is empty, an absent corpus table an error."""

    def read(table: Table) -> pl.DataFrame:
        if table in frames:
            return frames[table]
        if table.folder == "annotations":
            return pl.DataFrame(schema=table.polars_schema())
        raise LoadError("missing-table", f"the frames hold no {table.relpath()}")

    return read


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one Array; no copy when it is one chunk already (``combine_chunks`` copies even then)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _struct_values(df: pl.DataFrame, value_type: pa.StructType, extra: dict[str, pa.Array] | None = None) -> pa.Array:
    """A StructArray of ``value_type`` from the frame's columns (and ready-made child arrays in ``extra``)."""
    table = df.select([f.name for f in value_type if f.name not in (extra or {})]).to_arrow()
    arrays = [
        (extra[f.name] if extra and f.name in extra else _one_array(table[f.name])).cast(f.type) for f in value_type
    ]
    return pa.StructArray.from_arrays(arrays, fields=list(value_type))


def _stable_gather(df: pl.DataFrame, column: str) -> pl.DataFrame:
    """``df`` sorted on the integer ``column``, ties in row order.

    A stable numpy argsort of the one key column and a gather of the rows: about half the time of
    ``df.sort(column, maintain_order=True)`` on 5,000,000 mentions.
    """
    order = np.argsort(df[column].to_numpy(), kind="stable")
    return df[pl.Series(order, dtype=pl.UInt32)]


def list_column(
    parents: pl.DataFrame,
    child: pl.DataFrame,
    keys: list[str],
    value_type: pa.StructType,
    extra: dict[str, pa.Array] | None = None,
) -> pa.Array:
    """One list of ``child`` rows per row of ``parents`` (matched on ``keys``), built from offsets.

    No group-by: each child row gets its parent's row number; the rows are put in parent order (a
    no-op for tables sorted by their keys) and the list offsets are the running counts. ``extra``
    arrays must be aligned with ``child`` and in parent order already.
    """
    located = child.with_columns(_position(parents, keys).alias("__parent")).filter(pl.col("__parent").is_not_null())
    if extra is None and not located["__parent"].is_sorted():
        located = _stable_gather(located, "__parent")
    return _list_array(located.drop("__parent"), located["__parent"].to_numpy(), parents.height, value_type, extra)


def _list_array(
    rows: pl.DataFrame,
    parent: np.ndarray,
    n_parents: int,
    value_type: pa.StructType,
    extra: dict[str, pa.Array] | None = None,
) -> pa.Array:
    """One list per parent of the ``rows`` (already in parent order) whose parent row numbers are ``parent``."""
    counts = np.bincount(parent, minlength=n_parents)
    offsets = np.zeros(n_parents + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    values = _struct_values(rows, value_type, extra)
    return pa.LargeListArray.from_arrays(pa.array(offsets), values).cast(pa.list_(value_type))


def _arguments(read: Reader, s: Scheme, events: pl.DataFrame, value_type: pa.StructType) -> pa.Array:
    args = encode_labels(read(ARGUMENTS), ARGUMENTS.name, s)
    return list_column(events, args, ["doc_id", "event_id"], value_type)


def _events_table(read: Reader, s: Scheme, feats: Features, events: pl.DataFrame) -> pa.Table:
    """The ``events`` config for the (label-encoded) ``events`` rows, in their order, with arguments."""
    schema = feats.arrow_schema
    args = _arguments(read, s, events, schema.field("arguments").type.value_type)
    flat = events.select([f.name for f in schema if f.name != "arguments"]).to_arrow()
    columns = [args if f.name == "arguments" else flat[f.name].cast(f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _key(keys: list[str]) -> pl.Expr:
    return pl.col(keys[0]) if len(keys) == 1 else pl.concat_str(keys, separator="\x1f")


def _position(parents: pl.DataFrame, keys: list[str]) -> pl.Expr:
    """The row number in ``parents`` of each row's ``keys`` (null when absent); keeps the row order."""
    lookup = parents.select(_key(keys))[:, 0]
    return _key(keys).replace_strict(lookup, pl.int_range(lookup.len(), dtype=pl.UInt32, eager=True), default=None)


def _stances(read: Reader, s: Scheme) -> pl.DataFrame:
    stances = encode_labels(read(STANCES), STANCES.name, s)
    holders = read(ENTITIES).select(
        "doc_id",
        pl.col("mention_id").alias("holder_mention_id"),
        pl.col("text").alias("holder_text"),
        pl.col("label").cast(pl.Enum(list(s.entity_labels))).to_physical().cast(pl.Int64).alias("holder_label"),
        pl.col("entity_id").alias("holder_entity_id"),
    )
    targets = pl.DataFrame(
        {
            "target_id": pl.Series(range(len(s.stance_targets)), dtype=pl.Int64),
            "target_label_de": [t.label_de for t in s.stance_targets],
            "target_label_en": [t.label_en for t in s.stance_targets],
        }
    )
    out = stances.join(holders, on=["doc_id", "holder_mention_id"], how="left", maintain_order="left")
    return out.join(targets, on="target_id", how="left", maintain_order="left")


def _take(frame: pl.DataFrame, rows: np.ndarray) -> pl.DataFrame:
    """The ``rows`` of ``frame`` (row numbers, ascending or not); a zero-copy slice when they are one run."""
    if len(rows) == frame.height and (len(rows) == 0 or (rows[0] == 0 and rows[-1] == len(rows) - 1)):
        return frame  # every row, in order (row numbers are distinct)
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and bool((rows[1:] > rows[:-1]).all()):
        return frame.slice(int(rows[0]), len(rows))
    return frame[pl.Series(rows, dtype=pl.UInt32)]


class _Placed:
    """The rows of a child table placed into the splits of their parents, without moving them.

    ``rows`` are the child rows whose parent exists (in file order). Per split, ``where`` holds
    the row numbers of its rows in output order (by parent, ties in file order) and ``parents``
    their parents' row numbers within the split; ``rank`` is each row's number within its split.
    """

    def __init__(self, rows: pl.DataFrame, parent_split: np.ndarray, parent_rank: np.ndarray) -> None:
        self.rows = rows
        self.split = parent_split
        self.rank = np.empty(len(rows), dtype=np.int64)
        self.where: list[np.ndarray] = []
        self.parents: list[np.ndarray] = []
        for code in range(len(SPLIT_NAMES)):
            where = np.flatnonzero(parent_split == code)
            parents = parent_rank[where]
            if len(parents) > 1 and not bool((parents[1:] >= parents[:-1]).all()):
                # A file not in key order: a stable sort by parent keeps file order within a parent.
                order = np.argsort(parents, kind="stable")
                parents, where = parents[order], where[order]
            self.rank[where] = np.arange(len(where))
            self.where.append(where)
            self.parents.append(parents)

    def span(self, code: int, first: int, stop: int) -> tuple[int, int]:
        """The positions (in split ``code``'s output) of the rows whose parents are ``first`` to ``stop - 1``."""
        lo, hi = np.searchsorted(self.parents[code], [first, stop])
        return int(lo), int(hi)

    def piece(self, code: int, lo: int, hi: int, first: int) -> tuple[pl.DataFrame, np.ndarray]:
        """Rows ``lo`` to ``hi - 1`` of split ``code``'s output and their parents' row numbers from ``first``."""
        return _take(self.rows, self.where[code][lo:hi]), self.parents[code][lo:hi] - first


def _place(child: pl.DataFrame, parents: pl.DataFrame, keys: list[str], split: np.ndarray, rank: np.ndarray) -> _Placed:
    """Place ``child`` into the splits by its parent (matched on ``keys``); ``split``, ``rank``: the parents'."""
    located = child.with_columns(_position(parents, keys).alias("__parent")).filter(pl.col("__parent").is_not_null())
    rows = located["__parent"].to_numpy()
    return _Placed(located.drop("__parent"), split[rows], rank[rows])


def _documents_pieces(
    read: Reader, articles: pl.DataFrame, splits: pl.DataFrame, s: Scheme, feats: Features, piece_rows: int | None
) -> Iterator[tuple[str, pa.Table]]:
    """The ``documents`` config as (split, table) pieces: train, validation, test in turn.

    Each split's articles keep file order and come in pieces of ``piece_rows`` articles (None:
    one piece per split; an empty split gives one empty piece). No global reorder: every row is
    placed into its article's split (a row number within the split) and only the rows of a piece
    are gathered, so a file sorted by its keys is never sorted or copied as a whole.
    """
    schema = feats.arrow_schema
    statuses = wide(articles, read(STATUS)).drop("doc_id")
    enum = pl.Enum(list(s.annotation_statuses))
    statuses = statuses.select(pl.all().cast(enum).to_physical().cast(pl.Int64))
    encoded = encode_labels(articles, ARTICLES.name, s).hstack(statuses)
    encoded = encoded.with_columns(_split_code(splits).alias("__split"))
    encoded = encoded.filter(pl.col("__split").is_not_null())
    code = encoded["__split"].to_numpy()
    # The articles are placed like their children, each being its own parent (already in order).
    own = _Placed(encoded.drop("__split"), code, np.arange(len(code)))
    docs, rank = own.rows, own.rank
    value = {name: schema.field(name).type.value_type for name in _NESTED}
    args_type = value["events"].field("arguments").type.value_type
    tables = {"blocks": BLOCKS, "mentions": ENTITIES, "events": EVENTS, "stances": STANCES}
    placed = {
        name: _place(
            encode_labels(_events(read, s) if table is EVENTS else read(table), table.name, s),
            docs,
            ["doc_id"],
            code,
            rank,
        )
        for name, table in tables.items()
    }
    events = placed["events"]
    arguments = encode_labels(read(ARGUMENTS), ARGUMENTS.name, s)
    args = _place(arguments, events.rows, ["doc_id", "event_id"], events.split, events.rank)
    flat_names = [f.name for f in schema if f.name not in _NESTED]
    for i, split in enumerate(SPLIT_NAMES):
        doc_rows = own.where[i]
        step = max(piece_rows or len(doc_rows), 1)
        for first in range(0, max(len(doc_rows), 1), step):
            stop = min(first + step, len(doc_rows))
            n = stop - first
            children = {
                name: _list_array(*placed[name].piece(i, *placed[name].span(i, first, stop), first), n, value[name])
                for name in _FLAT_CHILDREN
            }
            ev_lo, ev_hi = events.span(i, first, stop)
            event_rows, event_parents = events.piece(i, ev_lo, ev_hi, first)
            nested = _list_array(*args.piece(i, *args.span(i, ev_lo, ev_hi), ev_lo), ev_hi - ev_lo, args_type)
            children["events"] = _list_array(event_rows, event_parents, n, value["events"], {"arguments": nested})
            flat = _take(docs, doc_rows[first:stop]).select(flat_names).to_arrow()
            columns = [children[f.name] if f.name in _NESTED else flat[f.name].cast(f.type) for f in schema]
            yield split, pa.Table.from_arrays(columns, schema=schema)


_NESTED = ("blocks", "mentions", "events", "stances")
_FLAT_CHILDREN = ("blocks", "mentions", "stances")  # nested lists without lists inside


def _to_arrow(df: pl.DataFrame, feats: Features) -> pa.Table:
    table = df.select(list(feats)).to_arrow()
    return table.cast(feats.arrow_schema)


def complete_reader(read: Reader) -> Reader:
    """``read`` with each annotation table cut to the articles whose gold for its kind is complete."""
    status = read(STATUS)

    def gold(table: Table) -> pl.DataFrame:
        df = read(table)
        return (
            keep_complete(df, status, kind_of(table)) if table.folder == "annotations" and table is not STATUS else df
        )

    return gold


def build_frame(config: str, read: Reader) -> pl.DataFrame:
    """The rows of the flat config entities or stances as one polars frame, labels as indices.

    Only articles whose gold for the config's kind is complete give rows (``tokens``: see
    :func:`_token_pieces`).
    """
    s = load_scheme()
    if config == "entities":
        return encode_labels(complete_reader(read)(ENTITIES), ENTITIES.name, s)
    if config == "stances":
        stances = complete_reader(read)(STANCES)
        return _stances(lambda table: stances if table is STANCES else read(table), s)
    raise LoadError("unknown-config", f"config {config!r} is not a flat config")


def _split_code(splits: pl.DataFrame) -> pl.Expr:
    """The split of each row's doc_id as 0, 1, 2 (train, validation, test); null for an article without one."""
    codes = splits["split"].replace_strict(list(SPLIT_NAMES), list(range(len(SPLIT_NAMES))), return_dtype=pl.Int8)
    return pl.col("doc_id").replace_strict(splits["doc_id"], codes, default=None)


def _split_order(frame: pl.DataFrame, splits: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
    """``frame`` with the rows of each split together (train, validation, test; stable) and the sizes."""
    placed = frame.with_columns(_split_code(splits).alias("__split")).filter(pl.col("__split").is_not_null())
    placed = placed.sort("__split", maintain_order=True)
    sizes = np.bincount(placed["__split"].to_numpy(), minlength=len(SPLIT_NAMES)).tolist()
    return placed.drop("__split"), [int(n) for n in sizes]


def build_config(config: str, root: Path, **options: Any) -> dict[str, pa.Table]:
    """Split name -> Arrow table of the config, conforming to ``features(config)``.

    Built from the corpus folder ``root`` (corpus/, annotations/ and corpus/splits.parquet;
    articles not yet in splits.parquet get the split ``peacetalks split`` would give them).
    Every split is present, an empty one with 0 rows; the rows of a split keep file order.
    """
    return joined(config_pieces(config, root, **options))


def build_config_from_frames(config: str, frames: Mapping[Table, pl.DataFrame], **options: Any) -> dict[str, pa.Table]:
    """:func:`build_config` from tables read already (see :func:`config_pieces_from_frames`)."""
    return joined(config_pieces_from_frames(config, frames, **options))


def joined(pieces: Iterator[tuple[str, pa.Table]]) -> dict[str, pa.Table]:
    """Split name -> the concatenation of its pieces, in order; the splits in their order."""
    by_split: dict[str, list[pa.Table]] = {}
    for name, piece in pieces:
        by_split.setdefault(name, []).append(piece)
    return {name: pa.concat_tables(by_split[name]) for name in SPLIT_NAMES if name in by_split}


def config_pieces(
    config: str,
    root: Path,
    *,
    piece_rows: int | None = None,
    cut_articles: int = UNIT_ARTICLES,
    engine: str = "local",
    ray_address: str | None = None,
    **options: Any,
) -> Iterator[tuple[str, pa.Table]]:
    """The tables of :func:`build_config` as (split, table) pieces, each split at least once.

    The corpus is read cut by cut (:func:`peacetalks.loading.cut_reads.plan`: a shard, or a range of
    doc_ids of a single file): one cut's rows of the tables the config needs are read, its pieces built
    (the splits in turn) and given, then dropped, so the peak memory is that of a cut. The pieces of a
    split, concatenated in the order given, are its table, whatever the cuts. With ``piece_rows``,
    ``documents`` comes in pieces of at most that many articles (the other configs: a piece per cut and
    split). ``cut_articles``: the least articles of a cut of a single-file corpus. A corpus that cannot
    be cut is read whole: each table when the config needs it. ``engine="daft"``: each cut is built where
    Daft runs it (:mod:`peacetalks.loading.daft_builds`; on the Ray cluster at ``ray_address``), the
    pieces the same.
    """
    from peacetalks.validation.validate import check_engine  # here: load() need not import validation

    check_engine(engine, ray_address)
    feats = features(config, **options)
    root = Path(root)
    cut = plan(root, config, min_articles=cut_articles)
    if cut is not None:
        yield from _cut_pieces(config, feats, cut, piece_rows, options, engine, ray_address)
        return
    whole = config in ("documents", "tokens")
    articles = _read(root, ARTICLES) if whole else pl.DataFrame(schema=ARTICLES.polars_schema())
    splits = current_splits(root, articles if whole else None).select("doc_id", "split")
    yield from _pieces(config, feats, functools.partial(_read, root), articles, splits, piece_rows, options)


def _cut_pieces(
    config: str,
    feats: Features,
    cut: Plan,
    piece_rows: int | None,
    options: dict[str, Any],
    engine: str,
    ray_address: str | None,
) -> Iterator[tuple[str, pa.Table]]:
    """The pieces of ``config`` from the cuts of a corpus folder, one cut read at a time (here, or on Daft)."""
    splits = current_splits(cut.root).select("doc_id", "split")
    if engine == "daft":
        from peacetalks.loading.daft_builds import FolderCut, pieces_on_daft

        jobs = [FolderCut(cut, index, cut.splits(splits, index)) for index in range(len(cut.cuts))]
        yield from gathered(pieces_on_daft(config, jobs, piece_rows, options, ray_address), feats)
        return
    reads = ((cut.reader(index), cut.splits(splits, index)) for index in range(len(cut.cuts)))
    yield from _over_cuts(config, feats, reads, piece_rows, options)


def _over_cuts(
    config: str,
    feats: Features,
    reads: Iterator[tuple[Reader, pl.DataFrame]],
    piece_rows: int | None,
    options: dict[str, Any],
) -> Iterator[tuple[str, pa.Table]]:
    """The pieces of each cut (its reader, its documents' splits) in turn; an empty piece only for a split
    that has no rows in any cut (given last)."""
    per_cut = (cut_pieces(config, read, splits, piece_rows=piece_rows, **options) for read, splits in reads)
    yield from gathered(per_cut, feats)


def cut_pieces(
    config: str, read: Reader, splits: pl.DataFrame, *, piece_rows: int | None = None, **options: Any
) -> Iterator[tuple[str, pa.Table]]:
    """The pieces of ``config`` of one cut: ``read`` gives its rows of each table, ``splits`` its documents'."""
    feats = features(config, **options)
    flat = config not in ("documents", "tokens")
    articles = pl.DataFrame(schema=ARTICLES.polars_schema()) if flat else read(ARTICLES)
    yield from _pieces(config, feats, read, articles, splits, piece_rows, options)


def gathered(per_cut: Iterator[Iterator[tuple[str, pa.Table]]], feats: Features) -> Iterator[tuple[str, pa.Table]]:
    """The pieces of the cuts in turn, without their empty ones; an empty piece last for a split without rows."""
    given: set[str] = set()
    empty: dict[str, pa.Table] = {}
    for pieces in per_cut:
        for name, piece in pieces:
            if piece.num_rows:
                given.add(name)
                yield name, piece
            else:
                empty.setdefault(name, piece)
    for name in SPLIT_NAMES:
        if name not in given:
            yield name, empty.get(name, feats.arrow_schema.empty_table())


def config_pieces_from_frames(
    config: str,
    frames: Mapping[Table, pl.DataFrame],
    *,
    piece_rows: int | None = None,
    cut_articles: int = UNIT_ARTICLES,
    engine: str = "local",
    ray_address: str | None = None,
    **options: Any,
) -> Iterator[tuple[str, pa.Table]]:
    """:func:`config_pieces` from tables read already, keyed by table; the same tables as from their folder.

    ``frames[SPLITS]`` must give every article its split (as ``current_splits`` does); an absent
    annotation table counts as empty. The frames are cut into sets of ``cut_articles`` articles
    (:func:`peacetalks.loading.cut_reads.frame_cuts`: slices, when the tables hold their rows in the
    articles' order) and built one set at a time, so only one set's rows of the config exist at once.
    ``engine="daft"``: each set is built where Daft runs it (its frames sent there), the pieces the same.
    """
    from peacetalks.validation.validate import check_engine

    check_engine(engine, ray_address)
    feats = features(config, **options)
    splits = frames_reader(frames)(SPLITS).select("doc_id", "split")
    parts = frame_cuts(frames, config, min_articles=cut_articles) or [dict(frames)]
    if engine == "daft":
        from peacetalks.loading.daft_builds import FrameCut, pieces_on_daft

        jobs = [FrameCut.of(part, splits) for part in parts]
        yield from gathered(pieces_on_daft(config, jobs, piece_rows, options, ray_address), feats)
        return
    reads = ((frames_reader(part), splits) for part in parts)
    yield from _over_cuts(config, feats, reads, piece_rows, options)


def _pieces(
    config: str,
    feats: Features,
    read: Reader,
    articles: pl.DataFrame,
    splits: pl.DataFrame,
    piece_rows: int | None,
    options: dict[str, Any],
) -> Iterator[tuple[str, pa.Table]]:
    s = load_scheme()
    if config == "documents":
        yield from _documents_pieces(read, articles, splits, s, feats, piece_rows)
        return
    if config == "tokens":
        yield from _token_pieces(read, articles, splits, feats, piece_rows, options)
        return
    if config == "events":
        gold = complete_reader(read)
        events, sizes = _split_order(encode_labels(_events(gold, s), EVENTS.name, s), splits)
        table = _events_table(gold, s, feats, events)
    else:
        frame, sizes = _split_order(build_frame(config, read), splits)
        table = _to_arrow(frame, feats)
    yield from _split_slices(table, sizes)


TOKEN_ARTICLES = 2_000
"""The most articles tokenized at once: their tokens (some 600 an article, with offsets, texts and tags)
are the config's largest intermediate, about 0.2 GB for 2,000 synthetic articles."""


def _token_pieces(
    read: Reader,
    articles: pl.DataFrame,
    splits: pl.DataFrame,
    feats: Features,
    piece_rows: int | None,
    options: dict[str, Any],
) -> Iterator[tuple[str, pa.Table]]:
    """The ``tokens`` rows of ``articles`` built :data:`TOKEN_ARTICLES` articles (or ``piece_rows``) at a time.

    A sentence belongs to one article and the rows follow the articles' order, so consecutive sets of
    articles give, concatenated, the rows of all of them at once.
    """
    from peacetalks.loading.tokens import token_rows

    tagged = keep_complete(articles, read(STATUS), "entities")
    docs = tagged.select("doc_id")
    frames = {
        ARTICLES: tagged,
        **{t: read(t).join(docs, on="doc_id", how="semi", maintain_order="left") for t in (BLOCKS, ENTITIES)},
    }
    step = min(piece_rows or TOKEN_ARTICLES, TOKEN_ARTICLES)
    for part in frame_cuts(frames, "tokens", min_articles=step) or [frames]:
        frame, sizes = _split_order(token_rows(part[ARTICLES], part[BLOCKS], part[ENTITIES], **options), splits)
        yield from _split_slices(_to_arrow(frame, feats), sizes)


def _split_slices(table: pa.Table, sizes: list[int]) -> Iterator[tuple[str, pa.Table]]:
    """The rows of each split of ``table`` (its rows ordered by split, ``sizes`` rows each)."""
    starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    for i, name in enumerate(SPLIT_NAMES):
        yield name, table.slice(int(starts[i]), int(sizes[i]))
