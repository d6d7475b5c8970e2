"""Run a table's pandera model and turn its failure cases into issues with stable codes."""

from __future__ import annotations

import re

import pandera.errors
import polars as pl

from peacetalks.schema.tables import Table
from peacetalks.validation.checks._issues import ROW
from peacetalks.validation.report import Issue

# pandera check name (up to the first parenthesis) -> issue code
_CODES = {
    "column_in_schema": "extra-column",
    "column_in_dataframe": "missing-column",
    "dtype": "wrong-type",
    "not_nullable": "null-value",
    "isin": "value-not-in-scheme",
    "str_matches": "malformed-value",
    "str_length": "empty-value",
}
# (column, code) -> a more specific code
_OVERRIDES = {
    ("doc_id", "malformed-value"): "malformed-doc-id",
    ("language", "malformed-value"): "malformed-language",
    ("text_sha256", "malformed-value"): "malformed-sha256",
    ("target_id", "value-not-in-scheme"): "unknown-target",
}
STRUCTURAL = frozenset({"extra-column", "missing-column", "wrong-type"})


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


def schema_issues(df: pl.DataFrame, table: Table, file: str) -> list[Issue]:
    """Validate ``df`` (which carries a ``__row`` column) against the table's pandera model."""
    try:
        table.model.validate(df.drop(ROW), lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    if not isinstance(cases, pl.DataFrame):  # pragma: no cover - the polars backend returns polars
        cases = pl.from_pandas(cases)
    expected = ", ".join(table.columns)
    lookup: dict[int, tuple[str | None, str | None]] = {}
    rows = [int(i) for i in cases["index"].drop_nulls().unique().to_list()]
    if rows and "doc_id" in df.columns:
        id_col = table.id_column if table.id_column in df.columns else "doc_id"
        picked = df[rows].select(
            pl.col("doc_id").cast(pl.String).alias("__doc"), pl.col(id_col).cast(pl.String).alias("__id")
        )
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
