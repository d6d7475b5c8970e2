"""The polars table check gives the issues the pandera models give, on the same bad frames.

``peacetalks validate`` checks each table by evaluating the column declaration (schema/columns.py)
with polars; the pandera models are built from the same declaration. Here both run on many bad
frames (every bad-row case of test_bad_rows.py, and frames drawn by hypothesis) and their issues
are compared field by field. ``_pandera_issues`` is the mapping from pandera's failure cases to
issues that the validator used before it stopped importing pandera.

Where pandera's output is an artefact, the comparison says so in ``_comparable``:

* pandera stops at the first extra column; the polars check names every one;
* on a column of the wrong type pandera still runs the value checks (whose failure case may be
  the text of a polars exception); the polars check reports the wrong type and skips them;
* a null in a list column has the value ``"null"`` (text) in pandera's failure cases, None here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandera.errors
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks import validate_frames
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ALL_TABLES, BY_NAME, SPLITS, Table
from peacetalks.validation.checks._issues import ROW, with_row
from peacetalks.validation.checks.table_schema import schema_issues
from peacetalks.validation.report import Issue
from tests.conftest import DOC, tiny_frames
from tests.validation.test_bad_rows import CASES

_CODES = {
    "column_in_schema": "extra-column",
    "column_in_dataframe": "missing-column",
    "dtype": "wrong-type",
    "not_nullable": "null-value",
    "isin": "value-not-in-scheme",
    "str_matches": "malformed-value",
    "str_length": "empty-value",
}
_OVERRIDES = {
    ("doc_id", "malformed-value"): "malformed-doc-id",
    ("language", "malformed-value"): "malformed-language",
    ("text_sha256", "malformed-value"): "malformed-sha256",
    ("raw_sha256", "malformed-value"): "malformed-sha256",
    ("target_id", "value-not-in-scheme"): "unknown-target",
    ("cluster_id", "malformed-value"): "malformed-cluster-id",
}


def _message(code: str, column: str, case: str, check: str, expected: str) -> str:
    if code == "extra-column":
        return f"column '{case}' is not part of this table; remove it or rename it to one of: {expected}"
    if code == "missing-column":
        return f"required column '{case}' is missing"
    if code == "wrong-type":
        return f"column '{column}' has type {case}, expected {check.removeprefix('dtype(').rstrip(')')}"
    if code == "null-value":
        return f"'{column}' is empty (null) but is required"
    if code in ("value-not-in-scheme", "unknown-target"):
        allowed = re.sub(r"^isin\(|\)$", "", check)
        return f"{column}={case!r} is not in the scheme; expected one of {allowed}"
    if code.startswith("malformed"):
        pattern = re.sub(r"^str_matches\(|\)$", "", check)
        return f"{column}={case!r} does not match {pattern}"
    if code == "empty-value":
        return f"'{column}' must not be empty"
    return f"{column}={case!r} fails {check}"


def _pandera_issues(df: pl.DataFrame, table: Table, file: str) -> list[Issue]:
    """The table's pandera model run on ``df``, its failure cases mapped to issues."""
    try:
        table.model.validate(df.drop(ROW), lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    assert isinstance(cases, pl.DataFrame)
    expected = ", ".join(table.columns)
    lookup: dict[int, tuple[Any, Any]] = {}
    rows = [int(i) for i in cases["index"].drop_nulls().unique().to_list()]
    if rows and "doc_id" in df.columns:
        id_col = table.id_column if table.id_column in df.columns else "doc_id"
        picked = df[rows].select(pl.col("doc_id").cast(pl.String), pl.col(id_col).cast(pl.String).alias("__id"))
        lookup = dict(zip(rows, picked.iter_rows(), strict=True))
    issues = []
    for case, _ctx, column, check, _num, index in cases.iter_rows():
        code = _CODES.get(str(check).split("(")[0], "schema-check-failed")
        if code in ("extra-column", "missing-column"):
            column = case
        code = _OVERRIDES.get((column, code), code)
        doc, rid = lookup.get(int(index), (None, None)) if index is not None else (None, None)
        issues.append(
            Issue(
                code=code,
                file=file,
                row=None if index is None else int(index),
                doc_id=doc,
                record_id=rid,
                column=column,
                value=None if case is None else str(case),
                message=_message(code, str(column), str(case), str(check), expected),
            )
        )
    return issues


def _key(issue: Issue) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in (issue.row, issue.column, issue.code, issue.value, issue.message))


def _comparable(
    df: pl.DataFrame, table: Table, fast: list[Issue], slow: list[Issue]
) -> tuple[list[Issue], list[Issue]]:
    """Both lists with pandera's artefacts (see the module docstring) taken out, sorted."""
    declared = {c.name: c for c in table.spec}
    mistyped = {name for name, c in declared.items() if name in df.columns and df.schema[name] != c.dtype}
    extras = [name for name in df.columns if name not in declared and name != ROW]
    fast = [i for i in fast if i.code != "extra-column" or i.column == extras[0]]
    slow = [i for i in slow if i.column not in mistyped or i.code in ("wrong-type", "null-value")]
    lists = {name for name, c in declared.items() if c.is_list}
    slow = [Issue(**{**i.__dict__, "value": None}) if i.code == "null-value" and i.column in lists else i for i in slow]
    return sorted(fast, key=_key), sorted(slow, key=_key)


def _assert_agree(df: pl.DataFrame, table: Table) -> list[Issue]:
    framed = with_row(df)
    file = table.relpath()
    fast, slow = _comparable(df, table, schema_issues(framed, table, file), _pandera_issues(framed, table, file))
    assert fast == slow
    return fast


def _frames() -> dict[str, pl.DataFrame]:
    frames = tiny_frames()
    frames[SPLITS.name] = pl.DataFrame(
        {"doc_id": [DOC], "split": ["train"], "group_id": [DOC]}, schema=SPLITS.polars_schema()
    )
    return frames


@pytest.mark.parametrize(("name", "mutate"), [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_bad_row_cases_agree_with_pandera(name: str, mutate: Any) -> None:
    """Every bad-row case of test_bad_rows.py: each table's issues are the same from both checks."""
    frames = _frames()
    mutate(frames)
    for table in ALL_TABLES:
        _assert_agree(frames[table.name], table)


def test_valid_tables_have_no_issues_from_either() -> None:
    frames = _frames()
    for table in ALL_TABLES:
        assert _assert_agree(frames[table.name], table) == []


def test_every_code_is_produced_and_agrees() -> None:
    """A frame with one of each problem: the polars check finds each code once, at its row, as pandera does."""
    df = _frames()["articles"]
    df = pl.concat([df] * 7).with_row_index("i")
    at = pl.col("i")
    df = df.with_columns(
        doc_id=pl.when(at == 1).then(pl.lit("Not A Slug")).otherwise("doc_id"),
        language=pl.when(at == 2).then(pl.lit("Deutsch")).otherwise("language"),
        text_sha256=pl.when(at == 3).then(pl.lit("abc")).otherwise("text_sha256"),
        license=pl.when(at == 4).then(pl.lit("all-rights-reserved")).otherwise("license"),
        headline=pl.when(at == 5).then(pl.lit("")).otherwise("headline"),
        source=pl.when(at == 6).then(pl.lit(None, pl.String)).otherwise("source"),
    ).drop("i", "kicker")
    df = df.with_columns(pl.lit(1).alias("confidence"), pl.col("published").cast(pl.String))
    found = _assert_agree(df, BY_NAME["articles"])
    assert sorted((-1 if i.row is None else i.row, i.column, i.code) for i in found) == sorted(
        [
            (-1, "confidence", "extra-column"),
            (-1, "kicker", "missing-column"),
            (-1, "published", "wrong-type"),
            (1, "doc_id", "malformed-doc-id"),
            (2, "language", "malformed-language"),
            (3, "text_sha256", "malformed-sha256"),
            (4, "license", "value-not-in-scheme"),
            (5, "headline", "empty-value"),
            (6, "source", "null-value"),
        ]
    )
    (license_issue,) = [i for i in found if i.column == "license"]
    assert license_issue.value == "all-rights-reserved"
    assert license_issue.record_id == license_issue.doc_id == DOC


def _bad_value(dtype: pl.DataType, allowed: list[str]) -> st.SearchStrategy[Any]:
    if dtype == pl.Int64():
        return st.none() | st.integers(-(2**40), 2**40)
    if dtype == pl.Date():
        return st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
    if isinstance(dtype, pl.List):
        return st.none() | st.lists(st.text(max_size=5), max_size=3)
    words = st.sampled_from([*allowed, "", " ", "X", "a b", "ts-2025", "de", "0" * 64, "it's", 'say "x"', "ü\n"])
    return st.none() | words | st.text(max_size=8)


# Column-level changes: (kind, polars dtype to cast to)
_STRUCTURAL: list[tuple[str, pl.DataType | None]] = [
    ("drop", None),
    ("add", None),
    ("cast", pl.String()),
    ("cast", pl.Int32()),
    ("cast", pl.Float64()),
    ("cast", pl.Categorical()),
]

# The casts polars can do, from each declared dtype (a failing String -> number cast gives null).
_CASTS: dict[pl.DataType, tuple[pl.DataType, ...]] = {
    pl.String(): (pl.Int32(), pl.Float64(), pl.Categorical()),
    pl.Int64(): (pl.String(), pl.Int32(), pl.Float64()),
    pl.Date(): (pl.String(),),
}


@st.composite
def bad_tables(draw: st.DrawFn) -> tuple[Table, pl.DataFrame]:
    """A table of 1-8 rows copied from the tiny corpus, some cells replaced, maybe a column changed."""
    table = draw(st.sampled_from(ALL_TABLES))
    base = _frames()[table.name]
    picks = draw(st.lists(st.integers(0, base.height - 1), min_size=1, max_size=8))
    rows = [base.row(i, named=True) for i in picks]
    scheme = load_scheme()
    for _ in range(draw(st.integers(0, 6))):
        column = draw(st.sampled_from(table.spec))
        row = draw(st.integers(0, len(rows) - 1))
        rows[row][column.name] = draw(_bad_value(column.dtype, list(column.allowed(scheme) or ())))
    df = pl.DataFrame(rows, schema=table.polars_schema(), orient="row")
    for kind, dtype in draw(st.lists(st.sampled_from(_STRUCTURAL), max_size=2)):
        name = draw(st.sampled_from(df.columns)) if df.width > 1 else df.columns[0]
        if kind == "drop" and df.width > 1:
            df = df.drop(name)
        elif kind == "add":
            df = df.with_columns(pl.lit(draw(st.integers(0, 9))).alias(f"extra_{draw(st.integers(0, 3))}"))
        elif kind == "cast" and dtype is not None and dtype in _CASTS.get(df.schema[name], ()):
            df = df.with_columns(pl.col(name).cast(dtype, strict=False))
    return table, df


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_tables())
def test_drawn_bad_tables_agree_with_pandera(case: tuple[Table, pl.DataFrame]) -> None:
    """On any mix of nulls, out-of-scheme, malformed and empty values and column changes, both agree."""
    table, df = case
    _assert_agree(df, table)


def test_a_missing_nullable_column_is_reported_not_a_crash() -> None:
    """A nullable column is still required: without it the table is structurally wrong and skipped."""
    frames = tiny_frames()
    frames["event_arguments"] = frames["event_arguments"].drop("text")
    report = validate_frames(frames)
    assert report.flatten(["file", "row", "column", "code"]) == [
        ["annotations/event_arguments.parquet", None, "text", "missing-column"]
    ]
