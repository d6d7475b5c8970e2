"""The PLOVER mapping (scheme.yaml ``plover_mapping``) gives the categories GUIDELINES.md 2.8 states."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from peacetalks.errors import SchemeError
from peacetalks.schema.plover import PLOVER_COLUMN, plover_category, with_plover_category
from peacetalks.schema.scheme import load_scheme, parse_scheme, scheme_dir

GUIDELINES = Path(__file__).resolve().parent.parent / "annotations" / "GUIDELINES.md"


def _every_reading() -> pl.DataFrame:
    """Every category with every realis, and with each modality where the realis is OTHER."""
    s = load_scheme()
    rows = [
        (c, r, m)
        for c, r in itertools.product(s.category_names, s.realis)
        for m in (s.modalities if r == s.modal_realis else (None,))
    ]
    return pl.DataFrame(rows, schema={"category": pl.String, "realis": pl.String, "modality": pl.String}, orient="row")


def _mapped() -> dict[tuple[str, str, str | None], str | None]:
    out = _every_reading().with_columns(plover_category())
    return {(c, r, m): p for c, r, m, p in out.iter_rows()}


def _guideline_rows() -> list[tuple[str, str]]:
    """The rows of the mapping table in GUIDELINES.md 2.8: (this corpus, PLOVER)."""
    section = GUIDELINES.read_text(encoding="utf-8").split("### 2.8", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [(a.strip(), b.strip()) for a, b in rows[1:]]  # without the header


def test_the_mapping_agrees_with_the_table_of_the_guidelines() -> None:
    """Each row of the 2.8 table, read as written, is what the mapping gives for every reading it covers."""
    mapped = _mapped()
    rows = _guideline_rows()
    assert len(rows) == 5
    covered: set[tuple[str, str, str | None]] = set()
    for ours, plover in rows[:-1]:
        found = re.fullmatch(r"(.+) with (\w+)/(\w+)", ours)
        assert found, ours
        names, realis, modality = found.groups()
        categories = load_scheme().category_names if names == "any category" else tuple(names.split(", "))
        expected = None if plover == "none" else plover
        for category in categories:
            key = (category, realis, modality)
            assert mapped[key] == expected, key
            covered.add(key)
    assert rows[-1][1] == "the category itself"
    assert {k: v for k, v in mapped.items() if k not in covered} == {k: k[0] for k in mapped if k not in covered}


@pytest.mark.parametrize(
    ("category", "realis", "modality", "plover"),
    [
        ("CONSULT", "OTHER", "FUTURE", "AGREE"),  # "Verhandlungen ... sollen sofort beginnen"
        ("RETREAT", "OTHER", "FUTURE", "CONCEDE"),
        ("RETREAT", "OTHER", "DESIRED", None),  # "um den Krieg ... zu beenden"
        ("RETREAT", "OTHER", "NEGATED", None),  # "ohne Ergebnis"
        ("CONSULT", "OTHER", "HYPOTHETICAL", "CONSULT"),
        ("AGREE", "OTHER", "FUTURE", "AGREE"),
        ("CONSULT", "ACTUAL", None, "CONSULT"),
        ("ACCUSE", "GENERIC", None, "ACCUSE"),
    ],
)
def test_examples_of_the_seed(category: str, realis: str, modality: str | None, plover: str | None) -> None:
    assert _mapped()[(category, realis, modality)] == plover


def test_the_column_sits_after_category_and_rows_stay_in_order() -> None:
    events = pl.DataFrame(
        {"event_id": ["e1", "e2"], "category": ["CONSULT", "CONSULT"], "realis": ["OTHER", "ACTUAL"]},
    ).with_columns(pl.Series("modality", ["FUTURE", None], dtype=pl.String))
    out = with_plover_category(events)
    assert out.columns == ["event_id", "category", PLOVER_COLUMN, "realis", "modality"]
    assert out[PLOVER_COLUMN].to_list() == ["AGREE", "CONSULT"]


def _raw() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((scheme_dir() / "scheme.yaml").read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ({"when": {"category": ["MEETING"]}, "plover": "AGREE"}, "MEETING"),
        ({"when": {"realis": "IRREAL"}, "plover": None}, "IRREAL"),
        ({"when": {"modality": "FUTURE"}, "plover": "AGREEMENT"}, "AGREEMENT"),
        ({"when": {"tense": "future"}, "plover": None}, "when"),
    ],
)
def test_a_mapping_naming_what_the_scheme_lacks_is_refused(rule: dict[str, Any], named: str) -> None:
    raw = _raw()
    raw["plover_mapping"] = [rule]
    with pytest.raises(SchemeError) as exc:
        parse_scheme(raw, {"version": "1.0.0", "targets": []})
    assert exc.value.code == "scheme-invalid"
    assert named in exc.value.message
