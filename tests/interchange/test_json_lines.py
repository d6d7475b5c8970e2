"""JsonLines gives every object of a JSON text the line of its opening brace, as the standard library's scanner sees it.

The reference is the pure-Python scanner of :mod:`json`, which knows where each object starts:
its object parser is wrapped to record the position. Texts are any JSON values (strings full of
braces, quotes and backslashes included) dumped with and without indentation.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.interchange._json_lines import JsonLines

TRICKY = st.text(alphabet='{}[]"\\:,\n\t aé😀', max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=25,
)


def _reference_lines(text: str) -> tuple[Any, dict[int, int]]:  # any JSON value
    """The value of ``text`` and the line of each of its objects (by id), from the pure-Python scanner."""
    starts: dict[int, int] = {}
    keep: list[object] = []

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)  # type: ignore[attr-defined]  # not in typeshed
        keep.append(obj)
        starts[id(obj)] = text.count("\n", 0, s_and_end[1] - 1) + 1  # s_and_end[1] is just after the "{"
        return obj, end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]  # the scanner reads it from its context
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]  # not in typeshed
    return decoder.decode(text), starts


def _objects(value: Any) -> list[Any]:  # any JSON value
    found = [value] if isinstance(value, dict) else []
    members = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for member in members:
        found += _objects(member)
    return found


@settings(max_examples=200, deadline=None, derandomize=True)
@given(value=VALUES, indent=st.sampled_from([None, 0, 1, 2]), ascii_only=st.booleans())
def test_every_object_has_the_line_of_its_opening_brace(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    lines = JsonLines()
    parsed = lines.loads(text)
    expected_value, starts = _reference_lines(text)
    assert parsed == expected_value
    reference = [starts[id(obj)] for obj in _objects(expected_value)]
    assert [lines.line(obj) for obj in _objects(parsed)] == reference


def test_a_duplicate_key_keeps_the_line_of_the_value_kept() -> None:
    """With a key given twice the last value wins, as in json.loads, and it is that object's line."""
    text = '{\n  "a": {\n    "x": 1\n  },\n  "b": 2,\n  "a": {\n    "y": 2\n  }\n}'
    lines = JsonLines()
    value = lines.loads(text)
    assert value == {"a": {"y": 2}, "b": 2}
    assert (lines.line(value), lines.line(value["a"])) == (1, 6)


def test_at_names_the_innermost_object_and_id_on_a_path() -> None:
    """``at`` skips names that are not keys (pydantic's branch tags) and keeps the innermost id it passed."""
    text = json.dumps({"id": 7, "result": [{"id": "r1", "value": {"start": True}}]}, indent=2)
    lines = JsonLines()
    value = lines.loads(text)
    assert lines.at(value, ["result", 0, "typed-dict", "value", "start"]) == (6, "r1")
    assert lines.at(value, ["result", 5]) == (1, "7")
