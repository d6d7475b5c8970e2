"""Mapping files: every unmapped name at once, invalid mappings, roles, relations and stances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peacetalks.errors import ImportFailed
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.interchange.importers.labelstudio import parse_label_studio
from peacetalks.interchange.mapping import load_mapping, parse_mapping
from peacetalks.schema.tables import STANCES
from peacetalks.storage.parquet import read_table
from tests.conftest import TEXT
from tests.interchange._brat import write_brat

TOOL_ANN = "\n".join(
    [
        "T1\tPerson 0 5\tTrump",
        "T2\tPerson 23 28\tPutin",
        "T3\tAnruf 6 18\ttelefonierte",
        "E1\tAnruf:T3 Agent:T1 Agent2:T2",
        "A1\tSicherheit E1 hoch",
        "R1\tVerwandt Arg1:T1 Arg2:T2",
        "",
    ]
)


# A mapping of every name in TOOL_ANN; the Form attribute's values table knows only "Name".
FULL_MAPPING = (
    "labels:\n  Person: PER\n  Anruf: {event: CONSULT, mode: phone}\n"
    "roles:\n  Agent: ACTOR\nrelations:\n  Verwandt: ignore\n"
    "attributes:\n  Sicherheit: ignore\n  Form: {column: form, values: {Name: NAME}}\n"
)


def test_every_unmapped_name_is_listed_at_once(corpus_dir: Path, tmp_path: Path) -> None:
    """Labels, roles, relations and attributes missing from the mapping are one error listing each name."""
    ann = write_brat(tmp_path / "export", ann=TOOL_ANN)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("labels:\n  Person: PER\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", ann, annotator="anna", root=corpus_dir, mapping_path=mapping)
    assert exc.value.report.flatten(["row", "column", "value", "record_id", "code"]) == [
        [3, "label", "Anruf", "T3", "unmapped-name"],
        [4, "role", "Agent", "E1", "unmapped-name"],
        [5, "attribute", "Sicherheit", "A1", "unmapped-name"],
        [6, "relation", "Verwandt", "R1", "unmapped-name"],
    ]
    assert not (corpus_dir / "annotations" / "layers").exists()


def test_mapped_tool_names_import_with_numbered_roles(corpus_dir: Path, tmp_path: Path) -> None:
    """With a full mapping the tool's names land on the scheme; Agent2 maps through its stem Agent."""
    ann = write_brat(tmp_path / "export", ann=TOOL_ANN + "A2\tForm T1 Name\nA3\tForm T2 Name\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(FULL_MAPPING, encoding="utf-8")
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir, mapping_path=mapping)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert result.counts == {"entities": 2, "events": 1, "event_arguments": 2, "stances": 0}


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({"labels": {"Person": "PERSON"}}, "Person"),
        ({"roles": {"Agent": "AGENT"}}, "Agent"),
        ({"relations": {"r": "sibling"}}, "r"),
        ({"attributes": {"a": {"column": "colour"}}}, "a"),
        ({"defaults": {"label": "PER"}}, "label"),
        ({"labels": {"Anruf": {"event": "CONSULT", "label": "x"}}}, "Anruf"),
        ({"label": {}}, "label"),
    ],
)
def test_invalid_mapping_entries_are_mapping_invalid(raw: dict[str, object], name: str) -> None:
    """A mapping naming something the scheme does not have is a mapping-invalid issue for that entry."""
    with pytest.raises(ImportFailed) as exc:
        parse_mapping(raw, "m.yaml")
    assert exc.value.report.flatten(["record_id", "code"]) == [[name, "mapping-invalid"]]


def test_unreadable_mapping_file(tmp_path: Path) -> None:
    """A mapping that is not YAML is mapping-unreadable."""
    bad = tmp_path / "m.yaml"
    bad.write_text("labels: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        load_mapping(bad)
    assert exc.value.report.codes() == ["mapping-unreadable"]


def test_stance_span_with_holder_relation_imports(corpus_dir: Path, tmp_path: Path) -> None:
    """A span mapped to stance, its attributes and a holder relation give a stances row."""
    ann = "\n".join(
        [
            "T3\tORG 30 39\tDer Kreml",
            "A1\tform T3 NAME",
            "T9\tHaltung 30 65\tDer Kreml bestätigte das Telefonat.",
            "A2\tPolarität T9 dafür",
            "R1\tHalter Arg1:T9 Arg2:T3",
            "",
        ]
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "labels:\n  Haltung: stance\nrelations:\n  Halter: holder\n"
        "attributes:\n  Polarität: {column: polarity, values: {dafür: FAVOR, dagegen: AGAINST}}\n"
        "defaults:\n  target_id: us-russia-contacts\n  attribution: PARAPHRASE\n",
        encoding="utf-8",
    )
    result = import_layer(
        "brat", write_brat(tmp_path / "e", ann=ann), annotator="anna", root=corpus_dir, mapping_path=mapping
    )
    assert result.report.valid, [i.render() for i in result.report.issues]
    stances = read_table(corpus_dir, STANCES, "anna")
    assert stances.select("stance_id", "holder_mention_id", "polarity", "evidence_start", "evidence_end").rows() == [
        ("T9", "T3", "FAVOR", 30, 65)
    ]


def test_stance_without_holder_is_an_error(corpus_dir: Path, tmp_path: Path) -> None:
    """A stance span with no holder relation is stance-incomplete and nothing is written."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text("labels:\n  Haltung: stance\n", encoding="utf-8")
    ann = write_brat(tmp_path / "e", ann="T9\tHaltung 30 65\tDer Kreml bestätigte das Telefonat.\n")
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", ann, annotator="anna", root=corpus_dir, mapping_path=mapping)
    assert exc.value.report.flatten(["row", "record_id", "code"]) == [[1, "T9", "stance-incomplete"]]


def test_label_studio_relations_become_event_arguments(tmp_path: Path) -> None:
    """Label Studio: a relation labelled with a role runs from the trigger region to the argument region."""
    task = {
        "id": 7,
        "data": {"text": TEXT},
        "annotations": [
            {
                "completed_by": 3,
                "result": [
                    {"id": "a", "type": "labels", "value": {"start": 0, "end": 5, "text": "Trump", "labels": ["PER"]}},
                    {
                        "id": "b",
                        "type": "labels",
                        "value": {"start": 6, "end": 18, "text": "telefonierte", "labels": ["CONSULT"]},
                    },
                    {"type": "relation", "from_id": "b", "to_id": "a", "labels": ["ACTOR"]},
                    {"id": "b", "type": "choices", "from_name": "mode", "value": {"choices": ["phone"]}},
                ],
            }
        ],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    (tool,) = parse_label_studio(path)
    doc, issues = to_document(tool, load_mapping(None), doc_id="d", text=TEXT)
    assert issues == []
    assert [(e.event_id, e.category, e.mode) for e in doc.events] == [("b", "CONSULT", "phone")]
    assert [(a.role, a.mention_id) for a in doc.arguments] == [("ACTOR", "a")]


def test_relation_not_from_an_event_is_an_error(tmp_path: Path) -> None:
    """A role relation whose source is not an event trigger is relation-not-from-event."""
    ann = "T1\tPER 0 5\tTrump\nT2\tPER 23 28\tPutin\nR1\tACTOR Arg1:T1 Arg2:T2\n"
    from peacetalks.interchange.importers.brat import parse_brat_text

    tool, _ = parse_brat_text(ann, TEXT, doc_id="d")
    _, issues = to_document(tool, load_mapping(None), doc_id="d", text=TEXT)
    assert [(i.code, i.row, i.record_id) for i in issues] == [("relation-not-from-event", 3, "R1")]


def test_attribute_value_missing_from_the_mapping_is_listed(corpus_dir: Path, tmp_path: Path) -> None:
    """A value the mapping's values table does not list is an unmapped name; nothing is written."""
    ann = write_brat(tmp_path / "export", ann=TOOL_ANN + "A2\tForm T1 Name\nA3\tForm T2 Abgeleitet\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(FULL_MAPPING, encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", ann, annotator="anna", root=corpus_dir, mapping_path=mapping)
    assert exc.value.report.flatten(["row", "column", "value", "record_id", "code"]) == [
        [8, "attribute value", "Form=Abgeleitet", "A3", "unmapped-name"]
    ]
    assert not (corpus_dir / "annotations" / "layers").exists()


def test_context_codes_are_mapped_one_by_one() -> None:
    """Several context codes in one attribute value are each looked up in the values table."""
    from peacetalks.interchange.importers.brat import parse_brat_text
    from peacetalks.interchange.mapping import unmapped_names

    ann = "T1\tAnruf 6 18\ttelefonierte\nE1\tAnruf:T1\nA1\tKontext E1 Diplomatie,Regierung\n"
    tool, _ = parse_brat_text(ann, TEXT, doc_id="d")
    codes = {"Diplomatie": "diplomatic", "Regierung": "executive"}
    mapping = parse_mapping(
        {
            "labels": {"Anruf": {"event": "CONSULT", "mode": "phone"}},
            "attributes": {"Kontext": {"column": "context", "values": codes}},
        }
    )
    assert unmapped_names([tool], mapping) == []
    doc, issues = to_document(tool, mapping, doc_id="d", text=TEXT)
    assert issues == []
    assert [sorted(e.context) for e in doc.events] == [["diplomatic", "executive"]]
    unknown = parse_brat_text(ann.replace("Regierung", "Militär"), TEXT, doc_id="d")[0]
    assert [(i.record_id, i.value) for i in unmapped_names([unknown], mapping)] == [("A1", "Kontext=Militär")]
