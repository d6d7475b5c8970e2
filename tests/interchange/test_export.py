"""Exports: brat standoff, CoNLL-2003 and GermEval 2014 TSV, spaCy DocBin, Label Studio tasks, JSONL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import InterchangeError, PathError
from peacetalks.interchange.document import Argument, Document, Event, Mention, Stance
from peacetalks.interchange.exporters.brat import brat_ann
from peacetalks.interchange.exporters.common import load_documents
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.import_layer import import_layer
from tests.conftest import DOC, tiny_frames
from tests.interchange.helpers import write_corpus, write_layer
from tests.loading.corpora import Doc
from tests.loading.corpora import write_corpus as write_token_corpus


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus-root")
    write_layer(tmp_path / "corpus-root", None)
    return tmp_path / "corpus-root"


def _mention(mid: str, start: int, end: int, text: str, label: str, form: str | None, mtype: str = "NAM") -> Mention:
    return Mention(mid, start, end, text, label, form, mtype, mid)


def test_brat_writes_mentions_events_and_stances_with_attributes(root: Path) -> None:
    ann = brat_ann(load_documents(root)[0]).splitlines()
    assert "T1\tPER 0 5\tTrump" in ann
    assert "A1\tform T1 NAME" in ann
    assert "A3\tentity_id T1 trump" in ann
    t_trigger = next(line.split("\t")[0] for line in ann if "\tCONSULT 6 18\t" in line)
    assert f"E1\tCONSULT:{t_trigger} ACTOR:T1 ACTOR2:T2" in ann
    assert any(line.endswith("\tcontext E1 diplomatic") for line in ann)
    assert any("\tArgument 51 64\tdas Telefonat" in line for line in ann)
    stance = next(line.split("\t")[0] for line in ann if "\tStance 30 65\t" in line)
    assert any(line.endswith(f"\tholder Arg1:{stance} Arg2:T3") for line in ann)
    assert any(f"\tabout Arg1:{stance} Arg2:" in line for line in ann)


def test_brat_splits_a_span_at_line_breaks_into_fragments() -> None:
    text = "Trump telefonierte mit Putin.\nDer Kreml"
    doc = Document("d", text, mentions=[_mention("m1", 23, 39, text[23:39], "MISC", "NAME")])
    assert brat_ann(doc).splitlines()[0] == "T1\tMISC 23 29;30 39\tPutin. Der Kreml"


def test_brat_export_writes_text_ann_mapping_and_config(root: Path, tmp_path: Path) -> None:
    result = export(root, "brat", tmp_path / "out")
    names = sorted(p.name for p in result.files)
    assert names == ["annotation.conf", "mapping.yaml", f"{DOC}.ann", f"{DOC}.txt"]
    assert (tmp_path / "out" / f"{DOC}.txt").read_text(encoding="utf-8").startswith("Trump telefonierte")
    assert result.counts == {"entities": 3, "events": 2, "event_arguments": 3, "stances": 1}


def test_conll_tags_names_per_token_and_breaks_sentences_at_line_breaks(root: Path, tmp_path: Path) -> None:
    export(root, "conll2003", tmp_path / "out.conll")
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    assert lines[:4] == ["-DOCSTART- -X- -X- O", "", "Trump _ _ B-PER", "telefonierte _ _ O"]
    assert "Putin _ _ B-PER" in lines
    assert lines[lines.index(". _ _ O") + 1 :][:3] == ["", "Der _ _ B-ORG", "Kreml _ _ I-ORG"]


def test_germeval_has_outer_and_inner_levels_with_deriv_and_part(tmp_path: Path) -> None:
    """GermEval's own classes (GPE is LOC, EVENT is OTH); the nominal mention is not tagged by default."""
    text = "US-Präsident Donald Trump auf der Münchener Sicherheitskonferenz."
    doc = Doc(
        "d",
        text,
        mentions=[
            ("US-Präsident Donald Trump", "PER", None, "NOM"),
            ("US", "GPE", "PART", "NAM"),
            ("Donald Trump", "PER", "NAME", "NAM"),
            ("Münchener Sicherheitskonferenz", "EVENT", "NAME", "NAM"),
            ("Münchener", "GPE", "DERIV", "NAM"),
        ],
    )
    export(write_token_corpus(tmp_path / "c", [doc]), "germeval2014", tmp_path / "out.tsv")
    lines = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#\td [0:65]"
    assert lines[1:4] == ["1\tUS-Präsident\tB-LOCpart\tO", "2\tDonald\tB-PER\tO", "3\tTrump\tI-PER\tO"]
    assert lines[6:8] == ["6\tMünchener\tB-OTH\tB-LOCderiv", "7\tSicherheitskonferenz\tI-OTH\tO"]


def test_spacy_docbin_holds_ents_span_groups_and_the_rows(root: Path, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    export(root, "spacy", tmp_path / "train.spacy")
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("de").vocab))
    assert len(docs) == 1
    doc = docs[0]
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Trump", "PER", "trump"),
        ("Putin", "PER", "putin"),
        ("Der Kreml", "ORG", "kremlin"),
    ]
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("telefonierte", "CONSULT"), ("bestätigte", "SUPPORT")]
    assert [s.label_ for s in doc.spans["stances"]] == ["FAVOR"]
    assert len(list(doc.sents)) == 2
    assert doc.user_data["peacetalks"]["events"][0]["arguments"][0]["mention_id"] == "m1"


def test_spacy_docbin_names_each_event_span_by_its_cluster(tmp_path: Path) -> None:
    """An event span's kb_id is its cluster_id, as a mention's is its entity_id (empty: no cluster)."""
    import spacy
    from spacy.tokens import DocBin

    root = write_corpus(tmp_path / "c")
    frames = tiny_frames()
    clusters = pl.Series("cluster_id", ["trump-putin-call", None], dtype=pl.String)
    write_layer(root, None, {**frames, "events": frames["events"].with_columns(clusters)})
    export(root, "spacy", tmp_path / "train.spacy")
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("de").vocab)
    assert [(s.text, s.kb_id_) for s in doc.spans["events"]] == [
        ("telefonierte", "trump-putin-call"),
        ("bestätigte", ""),
    ]


def test_label_studio_tasks_use_only_names_of_the_label_config(root: Path, tmp_path: Path) -> None:
    result = export(root, "label-studio", tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    config = ET.fromstring((tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8"))
    names = {el.get("name") for el in config.iter() if el.get("name")}
    assert [p.name for p in result.files] == ["tasks.json", "tasks.label_config.xml", "tasks.mapping.yaml"]
    assert tasks[0]["data"]["doc_id"] == DOC
    results = tasks[0]["predictions"][0]["result"]
    assert {r["from_name"] for r in results if "from_name" in r} <= names
    regions = {r["id"] for r in results if r["type"] == "labels"}
    relations = [(r["from_id"], r["to_id"], r["labels"][0]) for r in results if r["type"] == "relation"]
    assert ("evt_ev1", "ent_m1", "ACTOR") in relations
    assert ("stn_s1", "ent_m3", "holder") in relations
    assert all(a in regions and b in regions for a, b, _ in relations)
    trump = next(r for r in results if r.get("id") == "ent_m1" and r["type"] == "labels")
    assert trump["value"] == {"start": 0, "end": 5, "text": "Trump", "labels": ["PER"]}


def test_jsonl_has_one_line_per_article_with_nested_arguments(root: Path, tmp_path: Path) -> None:
    export(root, "jsonl", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    assert len(lines) == 1
    assert [e["event_id"] for e in record["events"]] == ["ev1", "ev2"]
    assert [a["argument_id"] for a in record["events"][0]["arguments"]] == ["a1", "a2"]
    assert record["stances"][0]["holder_mention_id"] == "m3"


def test_export_of_an_annotator_layer(root: Path, tmp_path: Path) -> None:
    write_layer(root, "ann-x", None)
    result = export(root, "jsonl", tmp_path / "x.jsonl", layer="ann-x")
    assert result.counts["entities"] == 3


def test_unknown_format_and_wrong_target_kind_are_errors(root: Path, tmp_path: Path) -> None:
    # A wrong kind of output path has the codes of every command's path check (storage/paths.py).
    with pytest.raises(InterchangeError, match="unknown export format") as unknown:
        export(root, "xml", tmp_path / "x")
    assert unknown.value.code == "export-failed"
    with pytest.raises(PathError) as folder:
        export(root, "jsonl", tmp_path)
    assert folder.value.code == "not-a-file"
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(PathError) as file:
        export(root, "brat", tmp_path / "file")
    assert file.value.code == "not-a-folder"


def test_cli_export_prints_the_written_files(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["export", "conll2003", str(tmp_path / "a.conll"), "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "conll2003: 1 document (3 entities, 2 events, 3 event_arguments, 1 stance)" in result.output
    assert runner.invoke(app, ["export", "docx", str(tmp_path / "a"), "--root", str(root)]).exit_code == 2


def test_mention_argument_and_span_argument_rows_survive_in_jsonl() -> None:
    """The document rows (arguments as mention or span, stance event) are written as they are."""
    from peacetalks.interchange.exporters.jsonl import document_record

    doc = Document(
        "d",
        "x",
        events=[Event("e1", 0, 1, "x", "CONSULT", None, [], "ACTUAL", None)],
        arguments=[Argument("e1", "a1", "TOPIC", None, 0, 1, "x")],
        stances=[Stance("s1", "m1", "t", "FAVOR", 0, 1, "x", "AUTHOR", "e1")],
    )
    record = document_record(doc)
    assert record["events"][0]["arguments"] == [
        {"event_id": "e1", "argument_id": "a1", "role": "TOPIC", "mention_id": None, "start": 0, "end": 1, "text": "x"}
    ]


def test_label_studio_tasks_read_back_with_the_written_mapping(root: Path, tmp_path: Path) -> None:
    """Label Studio tasks -> the label-studio importer: every mention, event and stance comes back.

    Including the entity_id text areas and an event with two context codes (a multiple choice).
    """
    import yaml

    from peacetalks.interchange.document import to_frames
    from peacetalks.interchange.importers.convert import to_document
    from peacetalks.interchange.importers.labelstudio import parse_label_studio
    from peacetalks.interchange.mapping import parse_mapping
    from peacetalks.review.items import versions
    from tests.conftest import tiny_frames
    from tests.interchange.helpers import write_layer

    frames = tiny_frames()
    contexts = frames["events"]["context"].to_list()
    frames["events"] = frames["events"].with_columns(
        pl.Series("context", [["diplomatic", "executive"], *contexts[1:]], dtype=frames["events"].schema["context"])
    )
    write_layer(root, None, frames)
    export(root, "label-studio", tmp_path / "tasks.json")
    (tool,) = parse_label_studio(tmp_path / "tasks.json")
    mapping = parse_mapping(yaml.safe_load((tmp_path / "tasks.mapping.yaml").read_text(encoding="utf-8")))
    original = load_documents(root)[0]
    assert sorted(original.events[0].context) == ["diplomatic", "executive"]
    back, problems = to_document(tool, mapping, doc_id=DOC, text=original.text)
    assert problems == []
    before, after = versions(to_frames([original])), versions(to_frames([back]))
    for kind in ("entities", "events", "stances"):
        assert sorted(before[kind]["content"]) == sorted(after[kind]["content"]), kind
    assert {m.entity_id for m in back.mentions} == {"trump", "putin", "kremlin"}


def test_label_studio_choices_and_text_areas_attach_to_their_region(tmp_path: Path) -> None:
    """Per-region choices (several joined by commas) and text areas are attributes; task-level ones are not."""
    from peacetalks.interchange.importers.labelstudio import parse_label_studio

    region = {"start": 0, "end": 5, "text": "Trump", "labels": ["PER"]}
    results = [
        {"id": "r1", "type": "labels", "from_name": "entity", "value": region},
        {"id": "r1", "type": "textarea", "from_name": "entity_id", "value": {"text": ["trump"]}},
        {"id": "r1", "type": "choices", "from_name": "context", "value": {"choices": ["diplomatic", "executive"]}},
        {"id": "t1", "type": "textarea", "from_name": "note", "value": {"text": ["a note on the task"]}},
        {"id": "t2", "type": "choices", "from_name": "topic", "value": {"choices": ["ukraine"]}},
    ]
    task = {"id": 1, "data": {"text": "Trump telefonierte."}, "annotations": [{"result": results}]}
    (tmp_path / "ls.json").write_text(json.dumps([task]), encoding="utf-8")
    (doc,) = parse_label_studio(tmp_path / "ls.json")
    (span,) = doc.spans
    assert span.attributes == {"entity_id": "trump", "context": "diplomatic,executive"}
    assert doc.labels == ["ukraine"]


def test_articles_without_annotations_are_left_out_unless_asked_for(root: Path, tmp_path: Path) -> None:
    """A training export must not present an unannotated article as one without entities."""
    import datetime as dt
    import hashlib

    import polars as pl

    from peacetalks.schema.tables import ARTICLES
    from peacetalks.storage.parquet import read_table, write_tables

    articles = read_table(root, ARTICLES)
    other = articles.with_columns(
        pl.lit("ts-2025-02-13-other").alias("doc_id"),
        pl.lit(dt.date(2025, 2, 13)).alias("published"),
        pl.lit(hashlib.sha256(b"x").hexdigest()).alias("text_sha256"),
    )
    write_tables(root, {ARTICLES: pl.concat([articles, other])})
    assert export(root, "jsonl", tmp_path / "a.jsonl").documents == 1
    assert export(root, "jsonl", tmp_path / "b.jsonl", all_articles=True).documents == 2
    assert export(root, "jsonl", tmp_path / "c.jsonl", doc_ids=["ts-2025-02-13-other"]).documents == 0
    with pytest.raises(InterchangeError, match="no article nope") as unknown:
        export(root, "jsonl", tmp_path / "d.jsonl", doc_ids=["nope"])
    assert unknown.value.code == "export-failed"


def test_brat_annotation_conf_declares_every_attribute_and_value_the_ann_files_use(root: Path, tmp_path: Path) -> None:
    """entity_id (with the export's ids) and each context code are declared, with the argument kind they sit on."""
    from tests.interchange._brat_conf import attributes

    frames = tiny_frames()
    contexts = frames["events"]["context"].to_list()
    frames["events"] = frames["events"].with_columns(
        pl.Series("context", [["diplomatic", "executive"], *contexts[1:]], dtype=frames["events"].schema["context"])
    )
    write_layer(root, None, frames)
    export(root, "brat", tmp_path / "out")
    declared = attributes((tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8"))
    ann = (tmp_path / "out" / f"{DOC}.ann").read_text(encoding="utf-8").splitlines()
    kinds = {line.split("\t")[0]: line.split("\t")[1].split()[0] for line in ann if line[:1] in "TE"}
    used = [line.split("\t")[1].split() for line in ann if line.startswith("A")]
    assert {name for name, _, _ in used} >= {"entity_id", "context", "context2", "form", "mode", "polarity"}
    for name, target, value in used:
        assert name in declared, name
        arg, values = declared[name]
        assert values is not None, name
        assert value in values, (name, value)
        expected = "<EVENT>" if target.startswith("E") else ("Stance" if kinds[target] == "Stance" else "<ENTITY>")
        assert arg == expected, (name, arg, target)


def test_brat_entity_id_brat_cannot_declare_is_a_warning(tmp_path: Path) -> None:
    """A value with a character brat's configuration syntax reserves ('|') cannot be listed: the export says so."""
    from peacetalks.interchange.exporters.brat import annotation_conf

    doc = Document("d", "Trump", mentions=[Mention("m1", 0, 5, "Trump", "PER", "NAME", "NAM", "a|b")])
    warnings: list[str] = []
    conf = annotation_conf([doc], warnings)
    assert warnings == ["annotation.conf cannot declare entity_id value(s) 'a|b'"]
    assert "entity_id\t" not in conf


def test_brat_notes_are_written_on_their_annotation_and_read_back(tmp_path: Path) -> None:
    """A note on a mention goes on its T, one on an event on its E; a note on a mention argument has no place."""
    from peacetalks.interchange.document import Note
    from peacetalks.interchange.importers.brat import parse_brat_text

    text = "Trump telefonierte"
    doc = Document(
        "d",
        text,
        mentions=[_mention("m1", 0, 5, "Trump", "PER", "NAME")],
        events=[Event("e1", 6, 18, "telefonierte", "CONSULT", None, [], "ACTUAL", None)],
        arguments=[Argument("e1", "a1", "ACTOR", "m1", None, None, None)],
        notes=[
            Note("n1", "entities", "m1", "wer\tgenau?"),
            Note("n2", "events", "e1", "Telefonat"),
            Note("n3", "event_arguments", "a1", "nirgends"),
        ],
    )
    skipped: list[str] = []
    ann = brat_ann(doc, skipped)
    assert "#1\tAnnotatorNotes T1\twer genau?" in ann.splitlines()
    assert "#2\tAnnotatorNotes E1\tTelefonat" in ann.splitlines()
    assert skipped == ["d: note n3 on event_arguments a1, which brat does not show"]
    tool, issues = parse_brat_text(ann, text, doc_id="d")
    assert issues == []
    assert [(n.target, n.value) for n in tool.notes] == [("T1", "wer genau?"), ("E1", "Telefonat")]


def test_notes_of_a_layer_are_exported_and_other_formats_warn(root: Path, tmp_path: Path) -> None:
    """An imported layer's notes go back out in brat; the INCEpTION and doccano exports say they lose them."""
    from tests.interchange._brat import write_brat

    import_layer("brat", write_brat(tmp_path / "in"), annotator="anna", root=root, complete=("entities", "events"))
    result = export(root, "brat", tmp_path / "out", layer="anna")
    assert result.counts["notes"] == 1
    assert "AnnotatorNotes T3\tder Kreml als Akteur" in (tmp_path / "out" / f"{DOC}.ann").read_text(encoding="utf-8")
    for fmt, out in (("uima-xmi", "x"), ("webanno-tsv", "t"), ("doccano", "d.jsonl"), ("label-studio", "l.json")):
        warnings = export(root, fmt, tmp_path / out, layer="anna").warnings
        assert f"{fmt} cannot carry annotator notes: 1 not exported" in warnings, fmt


def test_cli_export_prints_what_the_format_cannot_carry(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["export", "doccano", str(tmp_path / "d.jsonl"), "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning: doccano cannot carry stances: 1 not exported" in result.stderr
