"""The ready-made configs of PeaceTalks-DE: their ``datasets`` Features and their Arrow tables.

- ``documents``: one row per article with its text, blocks, mentions, events (with arguments)
  and stances as nested lists;
- ``entities``: one row per mention; ``events``: one row per event with its arguments;
- ``stances``: one row per stance with its holder mention, target (id and labels), polarity and
  evidence text;
- ``tokens``: one row per sentence with tokens, offsets and BIO tags (see :mod:`peacetalks.tokens`).

Label columns are ``ClassLabel``s named from the scheme (:mod:`peacetalks.schema.features`); a
table is built with polars and cast to ``features.arrow_schema``. Article text is joined once per
article (``documents``, ``tokens``), never onto mentions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from peacetalks.errors import LoadError, TableReadError
from peacetalks.schema.features import label_names, table_features
from peacetalks.schema.models import SPLIT_NAMES
from peacetalks.scheme import Scheme, load_scheme
from peacetalks.splits import current_splits
from peacetalks.storage import read_table
from peacetalks.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, STANCES, Table

CONFIG_NAMES: tuple[str, ...] = ("documents", "entities", "events", "stances", "tokens")
DEFAULT_CONFIG = "documents"
TOKEN_OPTIONS = ("tagset", "mention_types")


def check_config(config: str, options: dict[str, Any]) -> None:
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


def _argument_features(s: Scheme) -> dict[str, Any]:
    return table_features(ARGUMENTS.name, drop=("doc_id", "event_id"), scheme=s)


def _event_features(s: Scheme, *, with_doc: bool) -> dict[str, Any]:
    feats = table_features(EVENTS.name, drop=() if with_doc else ("doc_id",), scheme=s)
    return feats | {"arguments": List(_argument_features(s))}


def _stance_features(s: Scheme) -> dict[str, Any]:
    base = table_features(STANCES.name, scheme=s)
    extra = {
        "holder_text": Value("string"),
        "holder_label": ClassLabel(names=list(s.entity_labels)),
        "holder_entity_id": Value("string"),
        "target_label_de": Value("string"),
        "target_label_en": Value("string"),
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
        return Features(table_features(ARTICLES.name, scheme=s) | nested)
    if config == "entities":
        return Features(table_features(ENTITIES.name, scheme=s))
    if config == "events":
        return Features(_event_features(s, with_doc=True))
    if config == "stances":
        return Features(_stance_features(s))
    from peacetalks.tokens import token_features

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
            hint="run 'peacetalks validate' to find the row",
        ) from None


def _read(root: Path, table: Table) -> pl.DataFrame:
    """A table in file order (``write_tables`` keeps files sorted by their keys); annotations may be absent.

    polars' own Parquet reader is several times faster than ``read_table`` (pyarrow, then polars).
    """
    path = table.path(root)
    if not path.exists():
        return read_table(root, table, missing_ok=table.folder == "annotations")
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise TableReadError(table.relpath(), str(exc).splitlines()[0]) from None


def _nest(df: pl.DataFrame, keys: list[str], fields: list[str], name: str) -> pl.DataFrame:
    """One row per ``keys`` with a list of structs of ``fields`` (in the frame's order)."""
    return df.group_by(keys, maintain_order=True).agg(pl.struct(fields).alias(name))


def _attach(left: pl.DataFrame, nested: pl.DataFrame, keys: list[str], name: str, dtype: pl.DataType) -> pl.DataFrame:
    joined = left.join(nested, on=keys, how="left", maintain_order="left")
    return joined.with_columns(pl.col(name).fill_null(pl.lit([], dtype=dtype)))


def _events_with_arguments(root: Path, s: Scheme) -> pl.DataFrame:
    events = encode_labels(_read(root, EVENTS), EVENTS.name, s)
    args = encode_labels(_read(root, ARGUMENTS), ARGUMENTS.name, s)
    arg_fields = [c for c in ARGUMENTS.columns if c not in ("doc_id", "event_id")]
    nested = _nest(args, ["doc_id", "event_id"], arg_fields, "arguments")
    return _attach(events, nested, ["doc_id", "event_id"], "arguments", nested.schema["arguments"])


def _stances(root: Path, s: Scheme) -> pl.DataFrame:
    stances = encode_labels(_read(root, STANCES), STANCES.name, s)
    holders = _read(root, ENTITIES).select(
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


def _documents(root: Path, articles: pl.DataFrame, s: Scheme) -> pl.DataFrame:
    docs = encode_labels(articles, ARTICLES.name, s)
    parts: list[tuple[str, pl.DataFrame]] = []
    blocks = encode_labels(_read(root, BLOCKS), BLOCKS.name, s)
    parts.append(("blocks", blocks))
    mentions = encode_labels(_read(root, ENTITIES), ENTITIES.name, s)
    parts.append(("mentions", mentions))
    parts.append(("events", _events_with_arguments(root, s)))
    stances = encode_labels(_read(root, STANCES), STANCES.name, s)
    parts.append(("stances", stances))
    for name, df in parts:
        fields = [c for c in df.columns if c != "doc_id"]
        nested = _nest(df, ["doc_id"], fields, name)
        docs = _attach(docs, nested, ["doc_id"], name, nested.schema[name])
    return docs


def _to_arrow(df: pl.DataFrame, feats: Features) -> pa.Table:
    table = df.select(list(feats)).to_arrow()
    return table.cast(feats.arrow_schema)


def build_frame(config: str, root: Path, articles: pl.DataFrame, **options: Any) -> pl.DataFrame:
    """The rows of a config as one polars frame (all splits), label columns as ClassLabel indices."""
    s = load_scheme()
    if config == "documents":
        return _documents(root, articles, s)
    if config == "entities":
        return encode_labels(_read(root, ENTITIES), ENTITIES.name, s)
    if config == "events":
        return _events_with_arguments(root, s)
    if config == "stances":
        return _stances(root, s)
    from peacetalks.tokens import token_rows

    return token_rows(articles, _read(root, BLOCKS), _read(root, ENTITIES), **options)


def build_config(config: str, root: Path, **options: Any) -> dict[str, pa.Table]:
    """Split name -> Arrow table of the config, conforming to ``features(config)``.

    Built from the corpus folder ``root`` (corpus/, annotations/ and corpus/splits.parquet;
    articles not yet in splits.parquet get the split ``peacetalks split`` would give them).
    Every split is present, an empty one with 0 rows.
    """
    feats = features(config, **options)
    root = Path(root)
    whole = config in ("documents", "tokens")
    articles = _read(root, ARTICLES) if whole else pl.DataFrame(schema=ARTICLES.polars_schema())
    splits = current_splits(root, articles if whole else None).select("doc_id", "split")
    frame = build_frame(config, root, articles, **options)
    frame = frame.join(splits, on="doc_id", how="left", maintain_order="left")
    parts = frame.partition_by("split", as_dict=True, include_key=False)
    empty = frame.clear().drop("split")
    return {name: _to_arrow(parts.get((name,), empty), feats) for name in SPLIT_NAMES}
