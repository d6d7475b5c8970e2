"""Property tests: offsets survive UTF-16 conversion and a brat write/read."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from peacetalks.interchange.importers._offsets import utf16_to_codepoints
from peacetalks.interchange.importers.brat import parse_brat_text

_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r"), max_size=40)


@given(_TEXT)
def test_utf16_offsets_map_back_to_code_points(text: str) -> None:
    """For every code-point index i, the UTF-16 offset of i converts back to i."""
    conv = utf16_to_codepoints(text)
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert conv(units) == i


@given(_TEXT, st.data())
def test_brat_span_offsets_survive_write_and_read(text: str, data: st.DataObject) -> None:
    """A T line written for any span of any text reads back with the same offsets and no problem."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    covered = text[start:end]
    if "\n" in covered or "\t" in covered:
        return  # brat cannot hold a line break inside a T line's text
    doc, issues = parse_brat_text(f"T1\tX {start} {end}\t{covered}\n", text, doc_id="d")
    assert issues == []
    assert doc.spans[0].fragments == ((start, end),)
