"""The PLOVER mapping (scheme.yaml ``plover_mapping``) gives the categories and events GUIDELINES.md 2.8 states."""

from __future__ import annotations

import itertools
import re
from typing import Any

import polars as pl
import pytest
import yaml

from peacetalks.errors import SchemeError
from peacetalks.schema.plover import PLOVER_COLUMN, plover_events, with_plover_category
from peacetalks.schema.scheme import load_scheme, parse_scheme, scheme_dir
from peacetalks.schema.tables import ARGUMENTS, EVENTS
from peacetalks.storage.parquet import read_table
from tests.conftest import PROJECT

GUIDELINES = PROJECT / "annotations" / "GUIDELINES.md"
DOC = "d"


def _events(rows: list[tuple[str, str, str, str | None, str | None, int]]) -> pl.DataFrame:
    """Event mentions (event_id, category, realis, modality, cluster_id, trigger_start)."""
    return pl.DataFrame(
        [(DOC, e, s, s + 1, c, r, m, k) for e, c, r, m, k, s in rows],
        schema={
            "doc_id": pl.String,
            "event_id": pl.String,
            "trigger_start": pl.Int64,
            "trigger_end": pl.Int64,
            "category": pl.String,
            "realis": pl.String,
            "modality": pl.String,
            "cluster_id": pl.String,
        },
        orient="row",
    )


def _arguments(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """Arguments (event_id, role)."""
    return pl.DataFrame(
        [(DOC, e, r) for e, r in rows],
        schema={"doc_id": pl.String, "event_id": pl.String, "role": pl.String},
        orient="row",
    )


def _every_reading() -> list[tuple[str, str, str | None]]:
    """Every category with every realis, and with each modality where the realis is OTHER."""
    s = load_scheme()
    return [
        (c, r, m)
        for c, r in itertools.product(s.category_names, s.realis)
        for m in (s.modalities if r == s.modal_realis else (None,))
    ]


def _mapped(role: str = "ACTOR") -> dict[tuple[str, str, str | None], str | None]:
    """The PLOVER category of a mention of every reading, each with one argument of ``role``."""
    readings = _every_reading()
    events = _events([(f"e{i}", c, r, m, None, i) for i, (c, r, m) in enumerate(readings)])
    out = with_plover_category(events, _arguments([(f"e{i}", role) for i in range(len(readings))]))
    return dict(zip(readings, out[PLOVER_COLUMN].to_list(), strict=True))


def _guideline_rows() -> list[tuple[str, str]]:
    """The rows of the mapping table in GUIDELINES.md 2.8: (this corpus, PLOVER)."""
    section = GUIDELINES.read_text(encoding="utf-8").split("### 2.8", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [(a.strip(), b.strip()) for a, b in rows[1:]]  # without the header


def test_the_mapping_agrees_with_the_table_of_the_guidelines() -> None:
    """Each row of the 2.8 table, read as written, is what the mapping gives a mention with an ACTOR."""
    mapped = _mapped()
    rows = _guideline_rows()
    assert len(rows) == 6
    covered: set[tuple[str, str, str | None]] = set()
    for ours, plover in rows[:-1]:
        found = re.fullmatch(r"(.+) with (\w+)/(\w+)", ours)
        assert found, ours
        names, realis, modality = found.groups()
        categories = load_scheme().category_names if names == "any category" else tuple(names.split(", "))
        for category in categories:
            key = (category, realis, modality)
            assert mapped[key] == (None if plover == "none" else plover), key
            covered.add(key)
    assert rows[-1][1] == "the category itself"
    rest = {k: v for k, v in mapped.items() if k not in covered}
    assert rest == {k: k[0] for k in rest}
    assert {(r, m) for _, r, m in rest} == {("ACTUAL", None), ("GENERIC", None), ("OTHER", "FUTURE")}


@pytest.mark.parametrize(
    ("category", "realis", "modality", "plover"),
    [
        ("CONSULT", "OTHER", "FUTURE", "AGREE"),  # "Es sollten sofort Verhandlungen beginnen"
        ("SUPPORT", "OTHER", "FUTURE", "AGREE"),
        ("COOPERATE", "OTHER", "FUTURE", "AGREE"),
        ("AID", "OTHER", "FUTURE", "AGREE"),
        ("RETREAT", "OTHER", "FUTURE", "CONCEDE"),  # an announced retreat
        ("AGREE", "OTHER", "FUTURE", "AGREE"),  # "die Vorbereitung eines neuen Dokuments"
        ("CONCEDE", "OTHER", "FUTURE", "CONCEDE"),  # the manual: future concessions stay CONCEDE
        ("REQUEST", "OTHER", "FUTURE", "REQUEST"),
        ("RETREAT", "OTHER", "DESIRED", None),  # "um den Krieg ... zu beenden"
        ("CONSULT", "OTHER", "DESIRED", None),  # "pochten auf die Beteiligung"
        ("CONSULT", "OTHER", "HYPOTHETICAL", None),  # "Repräsentanten ... zu empfangen"
        ("COERCE", "OTHER", "HYPOTHETICAL", None),  # "die angebliche Unterdrückung"
        ("RETREAT", "OTHER", "NEGATED", None),  # "ohne Ergebnis"
        ("CONSULT", "ACTUAL", None, "CONSULT"),
        ("ASSAULT", "ACTUAL", None, "ASSAULT"),  # the war, happening
        ("ACCUSE", "GENERIC", None, "ACCUSE"),
    ],
)
def test_each_branch_of_the_rule(category: str, realis: str, modality: str | None, plover: str | None) -> None:
    assert _mapped()[(category, realis, modality)] == plover


@pytest.mark.parametrize("role", ["RECIPIENT", "TOPIC", "TIME"])
def test_no_actor_maps_to_null_whatever_the_reading(role: str) -> None:
    """The manual codes no event with no explicit, named actor: "Der Kreml bestätigte das Telefonat"."""
    assert set(_mapped(role).values()) == {None}


def test_an_actor_of_another_event_does_not_count() -> None:
    events = _events([("e1", "CONSULT", "ACTUAL", None, None, 0), ("e2", "CONSULT", "ACTUAL", None, None, 5)])
    out = with_plover_category(events, _arguments([("e2", "ACTOR"), ("e1", "TOPIC")]))
    assert out[PLOVER_COLUMN].to_list() == [None, "CONSULT"]


def test_the_column_sits_after_category_and_rows_stay_in_order() -> None:
    events = _events([("e2", "CONSULT", "OTHER", "FUTURE", "c", 9), ("e1", "CONSULT", "ACTUAL", None, "c", 1)])
    out = with_plover_category(events, _arguments([("e1", "ACTOR"), ("e2", "ACTOR"), ("e2", "ACTOR")]))
    assert out.columns == [*events.columns[:5], PLOVER_COLUMN, *events.columns[5:]]
    assert out.select("event_id", PLOVER_COLUMN).rows() == [("e2", "AGREE"), ("e1", "CONSULT")]


def _plover(events: pl.DataFrame, arguments: pl.DataFrame) -> list[tuple[str | None, str | None, list[str]]]:
    return plover_events(events, arguments).select("cluster_id", PLOVER_COLUMN, "event_ids").rows()


def test_a_cluster_with_an_actual_mention_takes_its_category() -> None:
    """A meeting planned and held is a CONSULT, even when only the plan names the actor."""
    events = _events([("plan", "CONSULT", "OTHER", "FUTURE", "m", 0), ("held", "CONSULT", "ACTUAL", None, "m", 50)])
    assert _plover(events, _arguments([("plan", "ACTOR")])) == [("m", "CONSULT", ["plan", "held"])]


@pytest.mark.parametrize(("generic_at", "expected"), [(0, "CONSULT"), (90, "AGREE")])
def test_a_cluster_without_an_actual_mention_takes_its_first_mapped_mention(generic_at: int, expected: str) -> None:
    """Else the PLOVER category of the first mention in text order that maps (not the first row)."""
    events = _events(
        [
            ("offer", "CONSULT", "OTHER", "HYPOTHETICAL", "m", 10),  # maps to null, so never first
            ("plan", "CONSULT", "OTHER", "FUTURE", "m", 50),
            ("habit", "CONSULT", "GENERIC", None, "m", generic_at),
        ]
    )
    arguments = _arguments([("offer", "ACTOR"), ("plan", "ACTOR"), ("habit", "ACTOR")])
    ((_, category, _),) = _plover(events, arguments)
    assert category == expected


def test_a_cluster_with_no_mapped_mention_is_no_plover_event_and_unclustered_mentions_are_their_own() -> None:
    events = _events(
        [
            ("wish", "RETREAT", "OTHER", "DESIRED", "end", 0),
            ("wish2", "RETREAT", "OTHER", "DESIRED", "end", 10),
            ("a", "CONSULT", "ACTUAL", None, None, 20),
            ("b", "CONSULT", "ACTUAL", None, None, 30),
        ]
    )
    arguments = _arguments([("wish", "ACTOR"), ("a", "ACTOR"), ("b", "ACTOR")])
    assert _plover(events, arguments) == [(None, "CONSULT", ["a"]), (None, "CONSULT", ["b"])]


def test_the_seed_article_as_the_guidelines_count_it() -> None:
    """2.8: the Trump-Putin call is one CONSULT, the peace talks one AGREE, the wished end of the war none."""
    events, arguments = read_table(PROJECT, EVENTS), read_table(PROJECT, ARGUMENTS)
    found = {row["cluster_id"]: row for row in plover_events(events, arguments).iter_rows(named=True)}
    assert found["trump-putin-call"][PLOVER_COLUMN] == "CONSULT"
    assert len(found["trump-putin-call"]["event_ids"]) == 11
    assert found["peace-talks"][PLOVER_COLUMN] == "AGREE"
    assert found["putin-invitation"][PLOVER_COLUMN] == "AGREE"
    assert "end-of-war" not in found
    assert "trump-24-hour-end" not in found
    assert "arms-deliveries" not in found  # "Waffenlieferungen für Kiew": no ACTOR
    assert len(found) == 31  # of 45 clusters, as 2.8 counts them
    assert sorted(row[PLOVER_COLUMN] for row in found.values()).count("AGREE") == 15


def _raw() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((scheme_dir() / "scheme.yaml").read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"rules": [{"when": {"category": ["MEETING"]}, "plover": "AGREE"}]}, "MEETING"),
        ({"rules": [{"when": {"realis": "IRREAL"}, "plover": None}]}, "IRREAL"),
        ({"rules": [{"when": {"modality": "FUTURE"}, "plover": "AGREEMENT"}]}, "AGREEMENT"),
        ({"rules": [{"when": {"tense": "future"}, "plover": None}]}, "when"),
        ({"required_role": "AGENT"}, "AGENT"),
        ({"cluster_realis": "REAL"}, "REAL"),
    ],
)
def test_a_mapping_naming_what_the_scheme_lacks_is_refused(change: dict[str, Any], named: str) -> None:
    raw = _raw()
    raw["plover_mapping"].update(change)
    with pytest.raises(SchemeError) as exc:
        parse_scheme(raw, {"version": "1.0.0", "targets": []})
    assert exc.value.code == "scheme-invalid"
    assert named in exc.value.message


def test_a_mapping_that_is_a_list_is_refused() -> None:
    """The shape of scheme 2.1.0 (a bare list of rules) has no required role: refused, not read as none."""
    raw = _raw()
    raw["plover_mapping"] = raw["plover_mapping"]["rules"]
    with pytest.raises(SchemeError, match="required_role"):
        parse_scheme(raw, {"version": "1.0.0", "targets": []})
