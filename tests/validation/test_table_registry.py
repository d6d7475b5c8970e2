"""The span columns and references declared in schema/tables.py are the ones the checks use."""

from __future__ import annotations

import polars as pl
import pytest

from peacetalks import validate_frames
from peacetalks.loading.standoff import TEXT_FIELD_NAMES, strip_texts
from peacetalks.schema.tables import (
    ALL_TABLES,
    ARTICLES,
    BY_NAME,
    REFERENCES,
    SPANNED_TABLES,
    SPANS,
    Reference,
    Table,
)
from tests.conftest import DOC, TEXT, tiny_frames


@pytest.mark.parametrize("table", SPANNED_TABLES, ids=lambda t: t.name)
def test_span_columns_are_columns_of_their_table(table: Table) -> None:
    """A declared span names an integer start and end, and a string text column, of its own table."""
    span = SPANS[table.name]
    schema = table.polars_schema()
    assert schema[span.start] == pl.Int64
    assert schema[span.end] == pl.Int64
    if span.text is not None:
        assert schema[span.text] == pl.String


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda r: f"{r.table.name}.{r.column}")
def test_reference_columns_exist(ref: Reference) -> None:
    assert ref.column in ref.table.columns
    assert ref.target.id_column in ref.target.columns
    assert ref in ref.table.references


def test_every_table_but_the_articles_belongs_to_an_article() -> None:
    by_doc = {r.table for r in REFERENCES if r.target is ARTICLES}
    assert by_doc == set(ALL_TABLES) - {ARTICLES}


def _first_row_with(df: pl.DataFrame, column: str) -> int:
    return int(df.with_row_index("__i").filter(pl.col(column).is_not_null())["__i"][0])


@pytest.mark.parametrize("ref", [r for r in REFERENCES if r.table.name in tiny_frames()], ids=lambda r: r.column)
def test_each_declared_reference_is_checked(ref: Reference) -> None:
    """Pointing a declared reference at nothing gives unknown-<what> at that column."""
    frames = tiny_frames()
    df = frames[ref.table.name]
    row = _first_row_with(df, ref.column)
    frames[ref.table.name] = df.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit("nothing-here"))
        .otherwise(pl.col(ref.column))
        .alias(ref.column)
    )
    found = validate_frames(frames).flatten(["file", "row", "column", "code"])
    assert [ref.table.relpath(), row, ref.column, ref.code] in found


@pytest.mark.parametrize("table", SPANNED_TABLES, ids=lambda t: t.name)
def test_each_declared_span_is_checked(table: Table) -> None:
    """An end beyond the text in a declared span column is reported at that column."""
    name = table.name
    frames = tiny_frames()
    df = frames[name]
    end = SPANS[name].end
    row = _first_row_with(df, end)
    frames[name] = df.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(len(TEXT) + 5).otherwise(pl.col(end)).alias(end)
    )
    found = validate_frames(frames).flatten(["file", "row", "column", "code"])
    assert [table.relpath(), row, end, "span-out-of-bounds"] in found


def test_stand_off_strips_exactly_the_declared_text_columns() -> None:
    frames = {BY_NAME[n]: df for n, df in tiny_frames().items()}
    stripped = strip_texts(frames, [DOC])
    for table, df in stripped.items():
        kept = [c for c in df.columns if c not in table.text_columns]
        assert df.select(kept).equals(frames[table].select(kept)), table.name
        assert all(df[c].null_count() == df.height for c in table.text_columns), table.name
        assert set(table.text_columns) <= TEXT_FIELD_NAMES
