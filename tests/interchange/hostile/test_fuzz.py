"""A bounded fuzz run per importer: well-shaped files with one field mutated, never a traceback.

The strategies build each format's own structure (a Label Studio task, a doccano record, brat
lines, WebAnno TSV rows, a CAS JSON, a mapping file) from the valid exports in ``_files`` and
replace one field with a value of any JSON type, a Unicode digit, a huge number or a deep
array. Every run either parses or raises ImportFailed whose every issue has a registered code
and names the file: no other exception. derandomize keeps CI runs identical.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks.codes import CODES
from peacetalks.errors import ImportFailed
from peacetalks.interchange.importers.import_layer import parse_export
from peacetalks.interchange.mapping import load_mapping
from peacetalks.validation.report import Issue
from tests.interchange.hostile import _files as f

FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["\u0660", "\u0665\u0660", "-1", "1e9", "1.5", "", "../x", "a\nb"]),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:  # any JSON value
    """Every key path inside a JSON value (its containers' members, recursively)."""
    out: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, member in items:
        out.append((*prefix, key))
        out += _paths(member, (*prefix, key))
    return out


def _mutated(base: Any, data: st.DataObject) -> Any:  # any JSON value
    """``base`` with the value at one of its paths replaced by any JSON value."""
    path = data.draw(st.sampled_from(_paths(base)))
    value = data.draw(ANY_JSON)
    target = base
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return base


def _issues(call: Callable[[], object]) -> list[Issue] | None:
    """The issues of the ImportFailed that ``call`` raises; None when it returns."""
    try:
        call()
    except ImportFailed as exc:
        return exc.report.issues
    return None


def _parses_or_fails_cleanly(fmt: str, path: Path) -> None:
    issues = _issues(lambda: parse_export(fmt, path))
    if issues is None:
        return
    assert issues
    for issue in issues:
        assert issue.code in CODES, issue.code
        assert issue.file
        assert len(issue.message) < 1_000


@FUZZ
@given(data=st.data())
def test_label_studio_task_with_one_field_mutated(data: st.DataObject, tmp_path: Path) -> None:
    task = _mutated(f.label_studio_task(), data)
    _parses_or_fails_cleanly("label-studio", f.write(tmp_path / "x.json", json.dumps([task])))


@FUZZ
@given(data=st.data())
def test_doccano_record_with_one_field_mutated(data: st.DataObject, tmp_path: Path) -> None:
    rec = _mutated(f.doccano_record(), data)
    _parses_or_fails_cleanly("doccano", f.write(tmp_path / "x.jsonl", json.dumps(rec) + "\n"))


@FUZZ
@given(data=st.data())
def test_uima_json_with_one_feature_structure_field_mutated(data: st.DataObject, tmp_path: Path) -> None:
    cas = f.uima_json()
    entity = cas["%FEATURE_STRUCTURES"][1]
    key = data.draw(st.sampled_from(["begin", "end", "value", "@sofa"]))
    entity[key] = data.draw(ANY_JSON)
    _parses_or_fails_cleanly("uima-json", f.write(tmp_path / "x.json", json.dumps(cas)))


NUMBERS = st.one_of(
    st.integers(0, 80).map(str),
    st.integers(0, 10**40).map(str),
    st.sampled_from(["\u0660", "\u0663\u0660", "\uff15", "-3", "", "1.0", "9" * 5000]),
)


@FUZZ
@given(start=NUMBERS, end=NUMBERS, more=st.lists(st.tuples(NUMBERS, NUMBERS), max_size=2))
def test_brat_offsets_of_any_form(start: str, end: str, more: list[tuple[str, str]], tmp_path: Path) -> None:
    """Offsets with any digits, sizes and fragments: parsed spans are ASCII-digit, in the text, not overlapping."""
    frags = ";".join(f"{a} {b}" for a, b in [(start, end), *more])
    ann = f.write_brat(tmp_path, [f"T1\tPER {frags}"])
    issues = _issues(lambda: parse_export("brat", ann))
    if issues is not None:
        assert {i.code for i in issues} <= {"brat-malformed-line", "offset-too-large", "brat-span-out-of-bounds"}
        return
    (doc,) = parse_export("brat", ann)
    (span,) = doc.spans
    pieces = sorted(span.fragments)
    assert all(0 <= s <= e <= len(doc.text) for s, e in pieces)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(pieces))
    assert frags.replace(";", " ").replace(" ", "").isascii()


@FUZZ
@given(row=st.integers(5, 9), begin=NUMBERS, end=NUMBERS, form=st.text(max_size=6))
def test_webanno_row_with_mutated_offsets(row: int, begin: str, end: str, form: str, tmp_path: Path) -> None:
    lines = f.webanno_lines()
    addr, _, _, *cells = lines[row].split("\t")
    lines[row] = "\t".join([addr, f"{begin}-{end}", form.replace("\t", " ").replace("\n", " "), *cells])
    path = f.write(tmp_path / "x.tsv", "\n".join(lines) + "\n")
    _parses_or_fails_cleanly("webanno-tsv", path)


SECTIONS = st.sampled_from(["labels", "roles", "relations", "attributes", "defaults"])


@FUZZ
@given(section=SECTIONS, value=ANY_JSON, other=st.dictionaries(SECTIONS, ANY_JSON, max_size=2))
def test_mapping_with_sections_of_any_type(
    section: str, value: object, other: dict[str, object], tmp_path: Path
) -> None:
    """A mapping file whose sections hold any YAML value loads or fails with mapping codes, never a traceback."""
    path = f.write(tmp_path / "m.yaml", yaml.safe_dump({**other, section: value}, allow_unicode=True))
    issues = _issues(lambda: load_mapping(path)) or []
    assert {i.code for i in issues} <= {"mapping-invalid", "mapping-unreadable"}
