"""Validation in parts of documents, with a peak memory that does not grow with the corpus.

A corpus is cut into :class:`Unit` s, each the rows of one set of documents in every table: shard k of
every table of a sharded corpus (:mod:`peacetalks.storage.shards`), or a range of doc_ids
(``lo <= doc_id < hi``) over the document-aligned row groups of a single-file corpus, as
:mod:`peacetalks.storage.units` cuts it (the config builds cut a corpus the same way). Each unit
is checked alone (:func:`check_unit`: every check whose rows belong to one document: the tables'
columns, duplicate ids, spans, the scheme's rules, references within a document, unknown doc_ids, the
gold status), and gives back its issues and the compact per-document keys of the checks that compare
documents with each other: the split leakage checks (:func:`global_issues`: each placed article's split,
word hash, leakage-key hash and sampled shingles, never its text). A reference that names nothing in
its own document is looked up in the other units' id columns alone (:func:`resolve_references`), to
tell ``unknown-mention`` from ``mention-other-doc``. :func:`validate_sharded` composes them; the
report is the one :func:`peacetalks.validation.validate.validate` gives on the same data: the same
issues, rows, codes and order (``tests/validation/test_shards.py`` compares them).

A :class:`Unit` is plain data (paths, row ranges, doc_id bounds) and pickles, so another engine can run
:func:`check_unit` where it likes and hand the :class:`UnitResult` s back to :func:`finish`.

Rows are numbered as in the whole table while checking (shard 0's rows first); :func:`locate` then names
each row of a sharded table by its shard file and its row there (``annotations/entities/part-00003.parquet:17``):
what a user can open. The in-memory run of a sharded corpus is located the same way.

A document whose rows are in two units (split across shards) would be misjudged by each alone: a
corpus with one is checked whole (:func:`finish` finds them from each unit's doc_ids).

A corpus that cannot be cut (a file that is missing, unreadable or of the wrong columns; a table whose
row groups are not in doc_id order or have no statistics) is one unit that reads every table whole, as
the in-memory run does: its report is the same, its memory is not bounded.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from peacetalks.errors import TableReadError
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import (
    ALL_TABLES,
    ANNOTATION_TABLES,
    ARTICLES,
    BY_NAME,
    REFERENCES,
    SPLITS,
    Reference,
    Table,
)
from peacetalks.storage.machine import is_machine_layer
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.shards import file_relpath, is_sharded, is_table_sharded, table_files
from peacetalks.storage.units import UNIT_ARTICLES, Part, cuts, read_part
from peacetalks.text.near_duplicates import Profile
from peacetalks.text.normalise import leakage_key
from peacetalks.validation.checks._issues import ROW
from peacetalks.validation.checks.leakage import exact_issues, near_duplicate_issues
from peacetalks.validation.checks.machine import machine_layer_issues
from peacetalks.validation.checks.partition import shard_issues
from peacetalks.validation.checks.table_schema import STRUCTURAL, schema_issues
from peacetalks.validation.checks.versions import gold_version_issues
from peacetalks.validation.report import Issue, Report
from peacetalks.validation.validate import _present, _read_checked, validate_parts  # the one in-memory pipeline

KEYS_SCHEMA = pa.schema(
    [
        ("order", pa.uint64()),  # the splits row's place in the whole table (files in order, rows in each)
        ("file", pa.string()),  # the splits file the row is in
        ("row", pa.uint32()),  # the row in that file
        ("doc_id", pa.string()),
        ("split", pa.string()),
        ("words", pa.uint64()),  # the word hash of the article's text (equal leakage keys: equal word hashes)
        ("unit", pa.uint32()),  # the unit the article is in (its text is read from there if needed)
        ("shingles", pa.list_(pa.uint32())),  # its sampled shingles (peacetalks.text.near_duplicates)
        ("bands", pa.list_(pa.uint64())),  # the BANDS hashes of its LSH bands
    ]
)
"""The compact keys of one placed article (a splits row whose doc_id has an article): what crosses units."""


@dataclass(frozen=True)
class Unit:
    """One set of documents to check alone; ``whole``: every table read whole (a corpus that cannot be cut)."""

    index: int
    root: str
    layer: str | None
    tables: tuple[str, ...]  # the tables validation reads (the required ones, and the optional present ones)
    parts: tuple[Part, ...] = ()
    lo: str | None = None  # doc_id >= lo (None: no bound)
    hi: str | None = None  # doc_id < hi (None: no bound)
    whole: bool = False
    machine: bool = False
    today: dt.date | None = None


@dataclass
class UnitResult:
    """What one unit gives back: its issues, its rows per table, and the compact keys (:data:`KEYS_SCHEMA`)."""

    index: int
    issues: list[Issue]
    checked: dict[str, int]
    keys: pa.Table = field(default_factory=KEYS_SCHEMA.empty_table)
    docs: pa.Table = field(default_factory=lambda: pa.table({"doc_id": pa.array([], pa.string())}))
    """The doc_ids the unit's tables hold: in no other unit, unless a document is split across shards."""


# ---------------------------------------------------------------------------------------------
# Cutting a corpus into units
# ---------------------------------------------------------------------------------------------


def units(
    root: Path | str | None = None,
    layer: str | None = None,
    *,
    today: dt.date | None = None,
    min_articles: int = UNIT_ARTICLES,
) -> list[Unit]:
    """The units of the corpus at ``root`` (or of its annotator layer ``layer``), in doc_id order.

    The cuts of :func:`peacetalks.storage.units.cuts` (a shard each, or consecutive row groups of at least
    ``min_articles`` articles of a single-file corpus), of the tables validation reads; one whole unit when
    the corpus cannot be cut, or a file of it is not of the declared columns (:func:`_fit`).
    """
    folder = resolve_root(root)
    machine = layer is not None and is_machine_layer(folder, layer)
    present = _present(folder, layer)
    base = Unit(0, str(folder), layer, tuple(t.name for t in present), machine=machine, today=today)
    found = cuts(folder, present, layer, min_articles=min_articles, fit=_fit)
    if found is None:
        return [dataclasses.replace(base, whole=True)]
    return [dataclasses.replace(base, index=i, parts=c.parts, lo=c.lo, hi=c.hi) for i, c in enumerate(found)]


def _fit(path: Path, table: Table, layer: str | None) -> pq.FileMetaData | None:
    """The file's Parquet metadata if it can be read in parts: readable, and of the declared columns."""
    try:
        meta = pq.ParquetFile(path).metadata
        schema = pl.read_parquet_schema(path)
    except (OSError, pa.ArrowException, pl.exceptions.PolarsError, ValueError):
        return None
    if any(i.code in STRUCTURAL for i in schema_issues(pl.DataFrame(schema=schema), table, table.relpath(layer))):
        return None
    return meta


# ---------------------------------------------------------------------------------------------
# One unit
# ---------------------------------------------------------------------------------------------


def check_unit(unit: Unit) -> UnitResult:
    """Check the documents of ``unit``: every check within a document; the keys for the checks across them."""
    folder = Path(unit.root)
    tables = [BY_NAME[name] for name in unit.tables]
    parts = {p.table: p for p in unit.parts}
    files = {t.name: t.relpath(unit.layer) for t in ALL_TABLES} | {p.table: p.file for p in unit.parts}

    def read(table: Table) -> tuple[pl.DataFrame | None, list[Issue]]:
        if unit.whole:
            return _read_checked(folder, table, unit.layer)
        return _read_part(parts[table.name], unit), []

    computed: list[pa.Table] = []

    def keys(ok: Mapping[str, pl.DataFrame], files: Mapping[str, str]) -> list[Issue]:
        computed.append(_keys(ok, files[SPLITS.name], unit.index))
        return []  # the split leakage checks run across units, on every unit's keys

    report, ok = validate_parts(
        tables, read, files, unit.today, status_check=unit.layer is None, machine=unit.machine, leakage=keys
    )
    docs = pl.concat([df.select(pl.col("doc_id").cast(pl.String)) for df in ok.values() if "doc_id" in df.columns])
    return UnitResult(unit.index, report.issues, report.checked, computed[0], docs.unique().shrink_to_fit().to_arrow())


def _read_part(part: Part, unit: Unit, columns: list[str] | None = None) -> pl.DataFrame:
    return read_part(part, unit.lo, unit.hi, columns, row=ROW)


def _keys(ok: Mapping[str, pl.DataFrame], file: str, unit: int) -> pa.Table:
    """The compact keys (:data:`KEYS_SCHEMA`) of the unit's placed articles, in their splits rows' order."""
    from peacetalks.text.near_duplicates import profile

    articles, splits = ok.get(ARTICLES.name), ok.get(SPLITS.name)
    if articles is None or splits is None:
        return KEYS_SCHEMA.empty_table()
    # As split_leakage places them: the splits rows whose doc_id has an article (its first row's text).
    texts = articles.select("doc_id", "text").unique("doc_id", keep="first")
    placed = splits.select(ROW, "doc_id", "split").join(texts, on="doc_id", how="inner").sort(ROW)
    if placed.is_empty():
        return KEYS_SCHEMA.empty_table()
    prof = profile(placed["text"])
    bands = pa.FixedSizeListArray.from_arrays(pa.array(prof.bands.ravel()), prof.bands.shape[1])
    keys = placed.select(
        pl.col(ROW).cast(pl.UInt64).alias("order"),
        pl.lit(file).alias("file"),
        pl.col(ROW).cast(pl.UInt32).alias("row"),
        pl.col("doc_id").cast(pl.String),
        pl.col("split").cast(pl.String),
        pl.Series("words", prof.words, dtype=pl.UInt64),
        pl.lit(unit, pl.UInt32).alias("unit"),
        prof.shingles,
    ).to_arrow()
    return keys.append_column("bands", bands.cast(pa.list_(pa.uint64()))).cast(KEYS_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Across units
# ---------------------------------------------------------------------------------------------


def global_issues(keys: pa.Table, all_units: Sequence[Unit]) -> list[Issue]:
    """``split-leakage`` and ``near-duplicate-leakage`` over the keys of every unit (:data:`KEYS_SCHEMA`).

    The same issues as :func:`peacetalks.validation.checks.leakage.split_leakage` on the whole tables:
    the articles in the order of their splits rows, compared by their sampled shingles (near-duplicates)
    and their word hash. Texts of equal leakage keys have equal word hashes, so only the few articles
    whose word hash another shares need their leakage key: their texts alone are read again, from
    their units (:func:`_leakage_keys`).
    """
    if keys.num_rows < 2 or len(pc.unique(keys["split"])) < 2:
        return []
    order = keys["order"].to_numpy()
    if np.any(order[1:] < order[:-1]):  # the units' keys in the order of the splits rows
        keys = keys.take(np.argsort(order, kind="stable"))
    bands = pc.list_flatten(keys["bands"]).to_numpy().reshape(keys.num_rows, -1)
    shingles = pl.Series("shingles", keys["shingles"])
    placed = pl.DataFrame(keys.drop_columns(["shingles", "bands"])).with_columns(pl.col("order").alias(ROW))
    prof = Profile(shingles, placed["words"].to_numpy(), bands)
    file = placed["file"][0]
    shared = placed.filter(pl.len().over("words") > 1)
    keyed = shared.select("doc_id").join(_leakage_keys(all_units, shared), on="doc_id", how="left")
    placed = placed.join(keyed.unique("doc_id"), on="doc_id", how="left", maintain_order="left")
    # Equal for two articles exactly when their leakage keys are (up to a 64-bit hash): the word hash,
    # and for the articles that share it, the hash of the key itself.
    text = (pl.col("words") * pl.lit(_MIX, pl.UInt64) + pl.col("__key").fill_null(0)).alias("__text")
    found = exact_issues(placed.filter(pl.len().over("words") > 1).select(ROW, "doc_id", "split", text), file)
    found += near_duplicate_issues(placed, prof, file, text)
    if not found:
        return []
    # The issues name the row by its place in the whole table; give each its file and row in that file.
    where = placed.filter(pl.col(ROW).is_in([i.row for i in found])).select(ROW, "file", "row")
    at = {order: (f, r) for order, f, r in where.iter_rows()}
    return [dataclasses.replace(i, file=at[i.row][0], row=at[i.row][1]) for i in found if i.row is not None]


_MIX = 0x9E3779B97F4A7C15


def _leakage_keys(all_units: Sequence[Unit], rows: pl.DataFrame) -> pl.DataFrame:
    """doc_id and ``__key`` (the hash of the leakage key of its text) of the articles of ``rows``, from their units."""
    frames = [pl.DataFrame(schema={"doc_id": pl.String, "__key": pl.UInt64})]
    for index, docs in rows.group_by("unit").agg("doc_id").iter_rows():
        unit = next(u for u in all_units if u.index == index)
        if unit.whole:
            articles = read_table(Path(unit.root), ARTICLES, unit.layer, columns=["doc_id", "text"])
        else:
            articles = _read_part(next(p for p in unit.parts if p.table == ARTICLES.name), unit, ["doc_id", "text"])
        wanted = articles.filter(pl.col("doc_id").is_in(pl.Series(docs, dtype=pl.String).implode()))
        frames.append(
            wanted.unique("doc_id", keep="first", maintain_order=True).select(
                pl.col("doc_id").cast(pl.String), leakage_key().hash().alias("__key")
            )
        )
    return pl.concat(frames)


def _other_doc_refs() -> list[Reference]:
    return [ref for ref in REFERENCES if ref.other_doc_code is not None]


def resolve_references(issues: Sequence[Issue], all_units: Sequence[Unit]) -> list[Issue]:
    """``issues`` with each dangling reference decided against every unit, not its own alone.

    A unit reports a reference that names nothing in its document as ``code`` (e.g. ``unknown-mention``)
    unless it finds the id in another document of the unit. The in-memory run names the first document
    (in the target table's row order) that has the id: looked up here in the target's id column over all
    units, for these few ids only.
    """
    if len(all_units) < 2 or all_units[0].whole:
        return list(issues)
    refs = _other_doc_refs()
    files = {p.file: p.table for u in all_units for p in u.parts}
    pending = {}
    for n, issue in enumerate(issues):
        for ref in refs:
            if (
                files.get(issue.file) == ref.table.name
                and issue.column == ref.column
                and issue.code in (ref.code, ref.other_doc_code)
                and issue.value is not None
            ):
                pending[n] = ref
    if not pending:
        return list(issues)
    first_doc: dict[tuple[str, str], str] = {}
    for target in {ref.target for ref in pending.values()}:
        values = sorted({v for n, ref in pending.items() if ref.target is target and (v := issues[n].value)})
        first_doc |= {(target.name, v): d for v, d in _first_docs(all_units, target, values).items()}
    out = list(issues)
    for n, ref in pending.items():
        issue = issues[n]
        assert issue.value is not None
        assert ref.other_doc_code is not None
        doc = first_doc.get((ref.target.name, issue.value))
        if doc is None:
            continue  # named nowhere: the unit's own issue stands
        message = f"{ref.column}={issue.value} belongs to doc {doc}, not to this document"
        out[n] = dataclasses.replace(issue, code=ref.other_doc_code, message=message)
    return out


def _first_docs(all_units: Sequence[Unit], target: Table, values: list[str]) -> dict[str, str]:
    """The doc_id of the first row (files in order, rows in each) of ``target`` with each of ``values``."""
    paths = list(dict.fromkeys(p.path for u in all_units for p in u.parts if p.table == target.name))
    found: dict[str, str] = {}
    wanted = pl.Series(values, dtype=pl.String)
    for path in paths:
        hits = (
            pl.scan_parquet(path)
            .select("doc_id", pl.col(target.id_column).cast(pl.String).alias("__id"))
            .filter(pl.col("__id").is_in(wanted.implode()) & pl.col("doc_id").is_not_null())
            .unique("__id", keep="first", maintain_order=True)
            .collect()
        )
        for doc, value in hits.iter_rows():
            found.setdefault(value, doc)
    return found


def finish(all_units: Sequence[Unit], results: Sequence[UnitResult]) -> Report:
    """The report of the corpus from its units' results: theirs, the checks across units, the corpus' own."""
    if not all_units:
        raise ValueError("no units")
    first = all_units[0]
    folder, layer = Path(first.root), first.layer
    ordered = sorted(results, key=lambda r: r.index)
    if _split_documents(ordered):
        # A document in two units (its rows split across shards): each unit alone would misjudge it
        # (unknown doc_ids, duplicates), so this corpus is checked whole, as the in-memory run checks it.
        whole = Unit(0, first.root, layer, first.tables, whole=True, machine=first.machine, today=first.today)
        return finish([whole], [check_unit(whole)])
    report = Report()
    for result in ordered:
        report.add(result.issues)
        for name, rows in result.checked.items():
            report.checked[name] = report.checked.get(name, 0) + rows
    report.checked = {t.name: report.checked[t.name] for t in ALL_TABLES if t.name in report.checked}
    report.issues = resolve_references(report.issues, all_units)
    keys = pa.concat_tables([r.keys for r in ordered]) if ordered else KEYS_SCHEMA.empty_table()
    report.add(global_issues(keys, all_units))
    report = report.sorted()
    if first.machine and layer is not None:
        report.add(machine_layer_issues(folder, layer))
        report = report.sorted()
    partition = shard_issues(folder, layer)  # a sharded corpus: its layout, documents split across shards
    if partition:
        report.add(partition)
        report = report.sorted()
    if layer is None:
        has_gold = any(report.checked.get(t.name, 0) for t in ANNOTATION_TABLES)
        report.add(gold_version_issues(folder, load_scheme(), has_gold=has_gold))
        report = report.sorted()
    return locate(report, folder, layer)


def _split_documents(results: Sequence[UnitResult]) -> bool:
    """Does any doc_id occur in the tables of more than one unit?"""
    if len(results) < 2:
        return False
    docs = pa.concat_tables([r.docs for r in results])["doc_id"]
    return len(docs) != len(pc.unique(docs))


def locate(report: Report, root: Path, layer: str | None = None) -> Report:
    """``report`` with each row of a sharded table named by its shard file and its row there.

    Validation numbers the rows of a table as one (shard 0's first, then shard 1's ...); a user opens
    a shard: ``annotations/entities/part-00003.parquet:17``. A single-file corpus is as it was.
    """
    if not is_sharded(root):
        return report
    starts: dict[str, tuple[list[int], list[str]]] = {}
    for table in ALL_TABLES:
        try:
            paths = table_files(root, table, layer)
        except TableReadError:
            continue
        if not is_table_sharded(root, table, layer):
            continue
        offsets, at = [], 0
        try:
            for path in paths:
                offsets.append(at)
                at += pq.ParquetFile(path).metadata.num_rows
        except (OSError, pa.ArrowException):
            continue  # a damaged shard: the table was not read (unreadable-file names the shard), no rows to locate
        starts[table.relpath(layer)] = (offsets, [file_relpath(root, path) for path in paths])

    def moved(issue: Issue) -> Issue:
        if issue.row is None or issue.file not in starts:
            return issue
        offsets, names = starts[issue.file]
        k = bisect.bisect_right(offsets, issue.row) - 1
        return dataclasses.replace(issue, file=names[k], row=issue.row - offsets[k])

    return Report([moved(i) for i in report.issues], dict(report.checked)).sorted()


def validate_sharded(
    root: Path | str | None = None, *, layer: str | None = None, today: dt.date | None = None
) -> Report:
    """Validate the corpus at ``root`` unit by unit (:func:`units`, :func:`check_unit`, :func:`finish`)."""
    all_units = units(root, layer, today=today)
    return finish(all_units, [check_unit(unit) for unit in all_units])


__all__ = [
    "KEYS_SCHEMA",
    "UNIT_ARTICLES",
    "Part",
    "Unit",
    "UnitResult",
    "check_unit",
    "finish",
    "global_issues",
    "resolve_references",
    "units",
    "validate_sharded",
]
