"""Validate a corpus folder: each table against its column declaration, then the cross-table checks. Never writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from peacetalks.errors import EngineError, TableReadError
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import (
    ALL_TABLES,
    ANNOTATION_TABLES,
    ARGUMENTS,
    ARTICLES,
    BLOCKS,
    BY_NAME,
    ENTITIES,
    EVENTS,
    REFERENCES,
    SPANNED_TABLES,
    SPANS,
    SPLITS,
    STANCES,
    STATUS,
    Reference,
    Table,
)
from peacetalks.storage.machine import is_machine_layer
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.shards import table_exists
from peacetalks.validation.checks import THREADS, references, rules
from peacetalks.validation.checks import articles as article_checks
from peacetalks.validation.checks import stances as stance_checks
from peacetalks.validation.checks._issues import ROW, with_row
from peacetalks.validation.checks.clusters import cluster_issues
from peacetalks.validation.checks.leakage import split_leakage
from peacetalks.validation.checks.machine import machine_layer_issues
from peacetalks.validation.checks.partition import shard_issues
from peacetalks.validation.checks.spans import SpanSpec, article_index, span_issues
from peacetalks.validation.checks.status import incomplete_gold_issues
from peacetalks.validation.checks.table_schema import STRUCTURAL, schema_issues
from peacetalks.validation.checks.versions import gold_version_issues
from peacetalks.validation.report import Issue, Report

# An absent status table is no status for any article (the incomplete-gold warnings say so), not a missing file.
OPTIONAL_TABLES = frozenset({SPLITS.name, STATUS.name})
# Columns of few distinct values (from the scheme) that the cross-table checks hold as Categorical
# (4 bytes a row, not a 16-byte string view): 180 MB less for five million mentions. Only the
# mentions: the other tables are a fifth of their size or less.
# Never a key column: a Categorical hashes differently from the same String, so key hashes across
# tables would no longer meet.
_COMPACT = {ENTITIES.name: ["label", "form", "mention_type"]}
# Where the work runs: this process, or Daft (its native runner, or a Ray cluster). One report either way.
ENGINES = ("local", "daft")


def check_engine(engine: str, ray_address: str | None) -> None:
    """``bad-engine`` for an engine not in :data:`ENGINES`, or a Ray address with another engine than daft."""
    if engine not in ENGINES:
        raise EngineError("bad-engine", f"engine={engine!r}: expected one of {', '.join(ENGINES)}")
    if ray_address is not None and engine != "daft":
        raise EngineError("bad-engine", f"ray_address={ray_address!r} is for engine='daft', not engine={engine!r}")


def validate(
    root: Path | str | None = None,
    *,
    layer: str | None = None,
    today: dt.date | None = None,
    bounded: bool | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> Report:
    """Validate the corpus at ``root`` (default: the bundled corpus); ``layer`` names an annotator layer.

    For gold, an article whose gold for a kind is not complete is the warning ``incomplete-gold``, and
    the versions gold records (``annotations/gold.yaml``) are checked against the package's scheme. A
    machine layer (``peacetalks suggest``) is checked as every layer, but its events need not have the
    roles their category requires (they are candidate triggers), and its manifest and scores are checked.

    ``bounded``: check the corpus unit by unit of documents (:mod:`peacetalks.validation.shards`, a peak
    memory that does not grow with the corpus) or all tables at once in memory; by default unit by unit
    whenever the corpus falls into more than one unit. The report is the same either way.

    ``engine="daft"`` checks the units on Daft (``pip install peacetalks[scale]``; always unit by unit, so
    ``bounded`` is for the local engine): with its native runner, or on the Ray cluster at ``ray_address``
    (``"auto"``, ``"HOST:PORT"``, ``"ray://HOST:PORT"``). The report is the same as the local one.
    """
    check_engine(engine, ray_address)
    folder = resolve_root(root)
    if engine == "daft":
        from peacetalks.validation.daft_engine import validate_on_daft

        return validate_on_daft(folder, layer=layer, today=today, ray_address=ray_address)
    from peacetalks.validation import shards

    if bounded is not False:
        parts = shards.units(folder, layer, today=today)
        if len(parts) > 1 or bounded:
            return shards.finish(parts, [shards.check_unit(unit) for unit in parts])
    return shards.locate(_validate_whole(folder, layer, today), folder, layer)


def _validate_whole(folder: Path, layer: str | None, today: dt.date | None) -> Report:
    """:func:`validate` with every table in memory at once; rows numbered in the whole table."""
    files = {t.name: t.relpath(layer) for t in ALL_TABLES}
    read = lambda table: _read_checked(folder, table, layer)  # noqa: E731  # one line, used once
    machine = layer is not None and is_machine_layer(folder, layer)
    report, _ = validate_parts(_present(folder, layer), read, files, today, status_check=layer is None, machine=machine)
    if machine and layer is not None:
        report.add(machine_layer_issues(folder, layer))
        report = report.sorted()
    partition = shard_issues(folder, layer)  # a sharded corpus: its layout, and documents split across shards
    if partition:
        report.add(partition)
        report = report.sorted()
    if layer is None:  # the versions gold records (annotations/gold.yaml); a layer is a pass, not gold
        has_gold = any(report.checked.get(t.name, 0) for t in ANNOTATION_TABLES)
        report.add(gold_version_issues(folder, load_scheme(), has_gold=has_gold))
        report = report.sorted()
    return report


def _present(folder: Path, layer: str | None) -> list[Table]:
    """The tables validation reads: every required one, and the optional ones that exist."""
    return [table for table in ALL_TABLES if table.name not in OPTIONAL_TABLES or table_exists(folder, table, layer)]


def _read_checked(folder: Path, table: Table, layer: str | None) -> tuple[pl.DataFrame | None, list[Issue]]:
    try:
        return read_table(folder, table, layer), []
    except TableReadError as exc:
        return None, [Issue(code=exc.code, file=exc.path or table.relpath(layer), message=exc.message)]


def read_tables(root: Path | str | None = None) -> dict[str, tuple[pl.DataFrame | None, list[Issue]]]:
    """The tables :func:`validate` reads, read as it reads them, by table name: a frame, or None and its issue.

    For reading a corpus once and validating the frames (:func:`validate_frames` with ``read_issues``).
    """
    folder = resolve_root(root)
    present = _present(folder, None)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda table: _read_checked(folder, table, None), present))
    return {table.name: result for table, result in zip(present, results, strict=True)}


def validate_frames(
    frames: Mapping[str, pl.DataFrame | None],
    *,
    files: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    read_issues: Mapping[str, Sequence[Issue]] | None = None,
    status_check: bool | None = None,
) -> Report:
    """Validate tables given as polars frames, keyed by table name. ``None`` = unreadable (skipped).

    ``read_issues`` are the issues met reading a table (see :func:`read_tables`), reported with its own.
    ``status_check``: report ``incomplete-gold`` (default: when the frames hold the status table).
    """
    files = {t.name: t.relpath() for t in ALL_TABLES} | dict(files or {})
    given = [table for table in ALL_TABLES if table.name in frames]
    issues = read_issues or {}
    check = STATUS.name in frames if status_check is None else status_check
    read = lambda table: (frames[table.name], list(issues.get(table.name, ())))  # noqa: E731
    return validate_parts(given, read, files, today, status_check=check)[0]


def validate_parts(
    tables: Sequence[Table],
    read: Callable[[Table], tuple[pl.DataFrame | None, list[Issue]]],
    files: Mapping[str, str],
    today: dt.date | None,
    *,
    status_check: bool,
    machine: bool = False,
    leakage: LeakageTask | None = None,
) -> tuple[Report, dict[str, pl.DataFrame]]:
    """Read and schema-check each table, then run the cross-table checks on the tables fit for them.

    Returns the report and the frames that were fit for the cross-table checks, by table name. With
    ``status_check``, the articles' gold status is checked too (an absent status table: no status);
    ``machine``: the tables are a machine layer's, whose events need not have their required roles.

    A frame ``read`` gives may carry its ``__row`` column already (a part of a table: the rows of some
    documents, numbered as in their file). ``leakage`` is the task run in place of the split leakage
    checks, which compare the texts of all articles, beside the other cross-table checks: a caller that
    compares the documents of several parts (:mod:`peacetalks.validation.shards`) computes each part's
    keys for them there.
    """

    def checked(table: Table) -> tuple[pl.DataFrame | None, list[Issue]]:
        df, problems = read(table)
        if df is None:
            return None, problems
        if ROW not in df.columns:
            df = with_row(df)
        problems += schema_issues(df, table, files[table.name])
        if table.name in _COMPACT and not _structural(problems):
            df = df.with_columns(pl.col(_COMPACT[table.name]).cast(pl.Categorical))
        return df, problems

    # Each table is read and checked on a thread of its own, the largest (articles) first: a
    # Parquet column is decoded on one core, and polars (reading, and the queries of the column
    # checks) releases the GIL, so one table's checks overlap another's read.
    report = Report()
    ok: dict[str, pl.DataFrame] = {}
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(checked, tables))
    for table, (df, found) in zip(tables, results, strict=True):
        report.add(found)
        if df is None:
            continue
        report.checked[table.name] = df.height
        if not _structural(found):
            ok[table.name] = df
    report.add(_cross_table(ok, files, load_scheme(), today, require_roles=not machine, leakage=leakage))
    absent = STATUS.name not in {t.name for t in tables}
    if status_check and ARTICLES.name in ok and (STATUS.name in ok or absent):
        status = ok.get(STATUS.name, pl.DataFrame(schema=STATUS.polars_schema()))
        report.add(incomplete_gold_issues(ok[ARTICLES.name], status, files[STATUS.name]))
    return report.sorted(), ok


def _structural(issues: Sequence[Issue]) -> bool:
    """Do the issues say the table's columns are wrong (missing, extra, mistyped)? Then no other check runs on it."""
    return any(i.code in STRUCTURAL for i in issues)


def _dup(df: pl.DataFrame, table: Table, file: str) -> list[Issue]:
    return references.duplicate_issues(df, table.id_key, file, table.id_column)


def _cross_table(
    ok: Mapping[str, pl.DataFrame],
    files: Mapping[str, str],
    scheme: Scheme,
    today: dt.date | None,
    *,
    require_roles: bool = True,
    leakage: LeakageTask | None = None,
) -> list[Issue]:
    # Two lanes: the text checks (duplicate ids, articles, spans: most of the work and memory) on
    # one thread; the entity rules and the event checks on another. The mention references and
    # stance holders join all mentions, so they run after the spans, not beside them, which keeps
    # the peak memory down.
    # The split leakage checks (the texts of all articles compared) are a third task, for the core the
    # shorter lane leaves idle.
    with ThreadPoolExecutor(max_workers=2) as pool:
        text = pool.submit(_text_checks, ok, files, today)
        annotations = pool.submit(_entity_and_event_checks, ok, files, scheme, require_roles)
        leaks = pool.submit(leakage or _leakage_checks, ok, files)
        issues = text.result() + annotations.result() + leaks.result()
    return issues + _mention_checks(ok, files, scheme)


LeakageTask = Callable[[Mapping[str, pl.DataFrame], Mapping[str, str]], list[Issue]]
"""The frames fit for the cross-table checks (by table name) and the files (by table name) -> issues."""


def _leakage_checks(ok: Mapping[str, pl.DataFrame], files: Mapping[str, str]) -> list[Issue]:
    articles, splits = ok.get(ARTICLES.name), ok.get(SPLITS.name)
    if articles is None or splits is None:
        return []
    return split_leakage(splits, articles, files[SPLITS.name])


def _text_checks(ok: Mapping[str, pl.DataFrame], files: Mapping[str, str], today: dt.date | None) -> list[Issue]:
    issues: list[Issue] = []
    for name, df in ok.items():
        issues += _dup(df, BY_NAME[name], files[name])
    articles = ok.get(ARTICLES.name)
    if articles is not None:
        issues += article_checks.article_issues(articles, files[ARTICLES.name], today)
        doc_ids = articles.select("doc_id").unique()
        index = article_index(articles)
        for ref in REFERENCES:
            if ref.target is ARTICLES and ref.table.name in ok:
                issues += references.unknown_doc_issues(
                    ok[ref.table.name], doc_ids, files[ref.table.name], ref.table.id_column
                )
        spans = [(ok[t.name], _span_spec(t, files[t.name])) for t in SPANNED_TABLES if t.name in ok]
        issues += span_issues(spans, articles, index)
    return issues


def _span_spec(table: Table, file: str) -> SpanSpec:
    span = SPANS[table.name]
    return SpanSpec(file, table.id_column, span.start, span.end, span.text, optional=span.optional)


def _entity_and_event_checks(
    ok: Mapping[str, pl.DataFrame], files: Mapping[str, str], scheme: Scheme, require_roles: bool = True
) -> list[Issue]:
    issues: list[Issue] = []
    entities, events, arguments = ok.get(ENTITIES.name), ok.get(EVENTS.name), ok.get(ARGUMENTS.name)
    if entities is not None:
        issues += rules.entity_issues(entities, scheme, files[ENTITIES.name])
    if events is not None:
        issues += rules.event_issues(events, scheme, files[EVENTS.name])
        issues += cluster_issues(events, files[EVENTS.name])
    for ref in REFERENCES:
        if ref.target is EVENTS:
            issues += _dangling(ok, files, ref)
    if arguments is not None and events is not None:
        issues += rules.argument_issues(
            arguments, events, scheme, files[ARGUMENTS.name], files[EVENTS.name], require_roles=require_roles
        )
    return issues


def _mention_checks(ok: Mapping[str, pl.DataFrame], files: Mapping[str, str], scheme: Scheme) -> list[Issue]:
    issues: list[Issue] = []
    for ref in REFERENCES:
        if ref.target is ENTITIES:
            issues += _dangling(ok, files, ref)
    entities, stances = ok.get(ENTITIES.name), ok.get(STANCES.name)
    if entities is not None and stances is not None:
        issues += rules.holder_issues(stances, entities, scheme, files[STANCES.name])
    if stances is not None:
        issues += _stance_rule_checks(ok, stances, files[STANCES.name], scheme)
    return issues


def _stance_rule_checks(
    ok: Mapping[str, pl.DataFrame], stances: pl.DataFrame, file: str, scheme: Scheme
) -> list[Issue]:
    """The guidelines' stance rules that can be checked mechanically (warnings; checks/stances.py)."""
    issues: list[Issue] = []
    entities, events, arguments = ok.get(ENTITIES.name), ok.get(EVENTS.name), ok.get(ARGUMENTS.name)
    articles, blocks = ok.get(ARTICLES.name), ok.get(BLOCKS.name)
    if articles is not None and blocks is not None:
        issues += stance_checks.quote_attribution_issues(stances, events, articles, blocks, scheme, file)
    if entities is not None:
        held = stance_checks.holders(stances, entities)
        issues += stance_checks.duplicate_stance_issues(held, file)
        if events is not None and arguments is not None:
            issues += stance_checks.missing_agreement_holder_issues(held, entities, events, arguments, scheme, file)
    if events is not None:
        issues += stance_checks.event_outside_evidence_issues(stances, events, file)
    return issues


def _dangling(ok: Mapping[str, pl.DataFrame], files: Mapping[str, str], ref: Reference) -> list[Issue]:
    """References in ``ref.table``'s ``ref.column`` to the target's id (within the document) that name nothing."""
    table, target = ref.table, ref.target
    if table.name not in ok or target.name not in ok or ref.other_doc_code is None:
        return []  # a table that failed its schema check, or a doc_id reference (unknown_doc_issues)
    return references.reference_issues(
        ok[table.name],
        ref.column,
        ok[target.name],
        target.id_column,
        file=files[table.name],
        id_column=table.id_column,
        target_file=files[target.name],
        code=ref.code,
        other_doc_code=ref.other_doc_code,
    )
