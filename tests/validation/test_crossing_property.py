"""Crossing NAME mentions: the windowed check plus its distant pairs equal a check of every pair."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.validation.checks import rules
from peacetalks.validation.checks._issues import ROW

ENT = "annotations/entities.parquet"

# (doc, start, length): few documents and offsets, so nesting, crossing and ties are common. Most
# mentions are one code point long: they can neither cross nor be crossed, but they put the longer
# mentions further apart than CROSSING_WINDOW in (doc, start, end) order.
_DOC = st.sampled_from(["a", "b"])
MENTIONS = st.builds(
    lambda longer, single: longer + single,
    st.lists(st.tuples(_DOC, st.integers(0, 40), st.integers(2, 45)), max_size=8),
    st.lists(st.tuples(_DOC, st.integers(0, 40), st.just(1)), min_size=10, max_size=60),
)


def _frame(mentions: list[tuple[str, int, int]], *, shuffle: bool) -> pl.DataFrame:
    df = pl.DataFrame(
        {
            "doc_id": [d for d, _, _ in mentions],
            "mention_id": [f"m{i}" for i in range(len(mentions))],
            "start": [s for _, s, _ in mentions],
            "end": [s + n for _, s, n in mentions],
        },
        schema={"doc_id": pl.String, "mention_id": pl.String, "start": pl.Int64, "end": pl.Int64},
    )
    df = df.sample(fraction=1.0, shuffle=True, seed=0) if shuffle else df.sort("doc_id", "start", "end")
    return df.with_row_index(ROW)


def _every_pair(df: pl.DataFrame) -> dict[str, str]:
    """mention_id -> the crossed mention nearest before it in (doc, start, end, row) order."""
    rows = sorted(df.iter_rows(named=True), key=lambda r: (r["doc_id"], r["start"], r["end"], r[ROW]))
    crossed: dict[str, str] = {}
    for j, later in enumerate(rows):
        for earlier in rows[:j]:
            same_doc = earlier["doc_id"] == later["doc_id"]
            if same_doc and earlier["start"] < later["start"] < earlier["end"] < later["end"]:
                crossed[later["mention_id"]] = earlier["mention_id"]  # the last one wins: the nearest
    return crossed


@settings(max_examples=300, deadline=None)
@given(mentions=MENTIONS, shuffle=st.booleans())
def test_crossing_matches_every_pair(mentions: list[tuple[str, int, int]], shuffle: bool) -> None:
    df = _frame(mentions, shuffle=shuffle)
    found = {i.record_id: i.message for i in rules._crossing_issues(df, ENT)}
    expected = _every_pair(df)
    assert set(found) == set(expected)
    for mention, other in expected.items():
        assert found[mention].endswith(f"crosses NAME mention {other}; names may nest but not cross")


def test_a_crossing_beyond_the_window_is_found() -> None:
    """A long mention with more than CROSSING_WINDOW mentions starting inside it, crossed by the last one."""
    nested = [("a", 10 + i, 1) for i in range(rules.CROSSING_WINDOW + 3)]  # short names inside 0..30
    mentions = [("a", 0, 30), *nested, ("a", 25, 10)]  # 25..35 crosses 0..30 from 12 positions on
    df = _frame(mentions, shuffle=False)
    issues = rules._crossing_issues(df, ENT)
    assert [i.record_id for i in issues] == [f"m{len(mentions) - 1}"]
    assert "crosses NAME mention m0;" in issues[0].message
