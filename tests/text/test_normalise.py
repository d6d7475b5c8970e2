"""The fast lower case of the near-duplicate search is the lower case of the leakage key."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from peacetalks.text.normalise import lower

_CODE_POINTS = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def test_lower_equals_polars_lower_case_on_every_code_point_alone_and_between_letters() -> None:
    texts = pl.Series([*_CODE_POINTS, *(f"a{c}a" for c in _CODE_POINTS), *(f"a{c}" for c in _CODE_POINTS)])
    assert lower(texts).equals(texts.str.to_lowercase())


def test_lower_keeps_nulls_and_the_final_sigma_and_dotted_capital_i() -> None:
    texts = pl.Series(["ΟΔΟΣ ΟΔΟΣ.", "İstanbul", None, "ẞ STRASSE", ""])
    assert lower(texts).to_list() == ["οδος οδος.", "i̇stanbul", None, "ß strasse", ""]


@given(st.lists(st.text(max_size=30), max_size=20))
def test_lower_equals_polars_lower_case_on_any_text(texts: list[str]) -> None:
    series = pl.Series(texts, dtype=pl.String)
    assert lower(series).equals(series.str.to_lowercase())
