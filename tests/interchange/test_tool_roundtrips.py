"""Every tool format round-trips: export -> import with the written mapping gives back the same layer.

One hypothesis property test per format, on generated documents (see ``_strategies.py``), through
the files the exporter writes and the importer the curator runs. What a format cannot carry is
stated in its test and is a warning of its export: annotator notes (all but brat), and in doccano
entity ids (kept as groups of coreferent mentions), the event attributes, event clusters and stances.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.doccano import export_doccano
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.exporters.labelstudio import export_labelstudio
from peacetalks.interchange.exporters.uima import export_uima
from peacetalks.interchange.exporters.webanno_tsv import export_webanno_tsv
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.import_layer import import_layer, parse_export
from peacetalks.interchange.mapping import load_mapping
from peacetalks.review.items import versions
from peacetalks.schema.tables import EVENTS
from peacetalks.storage.layers import read_layer
from tests.interchange._strategies import SEPARATORS, TOOL_HOSTILE, content, documents, event_clusters
from tests.interchange.helpers import with_event_clusters, write_corpus, write_layer

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Texts with TSV's reserved characters, an emoji (two UTF-16 units) and a tab inside a sentence.
HOSTILE = documents(alphabet=TOOL_HOSTILE, separators=(*SEPARATORS, "\t"), notes=True)


def _back(fmt: str, export_file: Path, mapping: Path, doc: Document) -> Document:
    """The one document of the export, mapped onto the scheme on the original text (as matching does)."""
    (tool,) = parse_export(fmt, export_file)
    back, problems = to_document(tool, load_mapping(mapping), doc_id=doc.doc_id, text=doc.text)
    assert problems == []
    return back


@pytest.mark.parametrize("fmt", ["uima-xmi", "uima-json"])
@SETTINGS
@given(doc=HOSTILE)
def test_uima_export_then_import_gives_the_same_layer(fmt: str, doc: Document) -> None:
    """XMI and CAS JSON carry every mention, event (arguments, mode, realis, modality, context, cluster) and stance.

    Not carried: annotator notes (the export warns with their number).
    """
    with tempfile.TemporaryDirectory() as tmp:
        result = export_uima([doc], Path(tmp), json=fmt == "uima-json")
        suffix = ".json" if fmt == "uima-json" else ".xmi"
        back = _back(fmt, Path(tmp) / f"doc{suffix}", Path(tmp) / "mapping.yaml", doc)
    assert result.skipped == []
    assert content(back) == content(doc)
    assert event_clusters(back) == event_clusters(doc)
    assert back.notes == []
    assert result.warnings == (
        [f"{fmt} cannot carry annotator notes: {len(doc.notes)} not exported"] if doc.notes else []
    )


@SETTINGS
@given(doc=HOSTILE)
def test_webanno_tsv_export_then_import_gives_the_same_layer(doc: Document) -> None:
    """WebAnno TSV carries what XMI carries, on UTF-16 offsets and escaped values; not annotator notes."""
    with tempfile.TemporaryDirectory() as tmp:
        result = export_webanno_tsv([doc], Path(tmp))
        back = _back("webanno-tsv", Path(tmp) / "doc.tsv", Path(tmp) / "mapping.yaml", doc)
    assert result.skipped == []
    assert content(back) == content(doc)
    assert event_clusters(back) == event_clusters(doc)
    assert back.notes == []


@SETTINGS
@given(doc=documents(notes=True))
def test_label_studio_export_then_import_gives_the_same_layer(doc: Document) -> None:
    """Label Studio tasks carry every mention, event (its cluster too) and stance with all their columns; not notes."""
    with tempfile.TemporaryDirectory() as tmp:
        result = export_labelstudio([doc], Path(tmp) / "tasks.json")
        back = _back("label-studio", Path(tmp) / "tasks.json", Path(tmp) / "tasks.mapping.yaml", doc)
    assert content(back) == content(doc)
    assert event_clusters(back) == event_clusters(doc)
    assert bool(result.warnings) == bool(doc.notes)


def _spans(doc: Document) -> tuple[set[tuple[int, int, str, str | None, str]], set[frozenset[tuple[int, int, str]]]]:
    """Mentions as (start, end, label, form, type), and the entities as sets of their mentions' spans."""
    mentions = {(m.start, m.end, m.label, m.form, m.mention_type) for m in doc.mentions}
    groups: dict[str, set[tuple[int, int, str]]] = {}
    for m in doc.mentions:
        groups.setdefault(m.entity_id, set()).add((m.start, m.end, m.label))
    return mentions, {frozenset(g) for g in groups.values()}


def _linked_events(doc: Document) -> set[frozenset[tuple[int, int, str]]]:
    """The event clusters of more than one trigger span, as sets of (trigger start, end, category)."""
    groups: dict[str, set[tuple[int, int, str]]] = {}
    for e in doc.events:
        if e.cluster_id is not None:
            groups.setdefault(e.cluster_id, set()).add((e.trigger_start, e.trigger_end, e.category))
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def _events(doc: Document) -> set[tuple[object, ...]]:
    """Events as (trigger, category, the set of (role, argument span)), ids and attributes aside."""
    where = {m.mention_id: (m.start, m.end) for m in doc.mentions}
    args: dict[str, set[tuple[str, tuple[int | None, int | None]]]] = {}
    for a in doc.arguments:
        target = where[a.mention_id] if a.mention_id is not None else (a.start, a.end)
        args.setdefault(a.event_id, set()).add((a.role, target))
    return {(e.trigger_start, e.trigger_end, e.category, frozenset(args.get(e.event_id, ()))) for e in doc.events}


@SETTINGS
@given(doc=documents(notes=True))
def test_doccano_export_then_import_gives_back_what_doccano_can_hold(doc: Document) -> None:
    """doccano carries mentions with label, form and mention type, which mentions are one entity, events
    with their arguments (role and span), and which events are one.

    Not carried, each a warning of the export: entity ids (the import names an entity after its first
    mention), event mode, realis, modality and context (the import takes the defaults), event cluster ids (the
    import numbers the groups of linked events), stances, notes.
    doccano keeps one span per (start, end, label), so a document with two such mentions is not drawn.
    """
    spans = Counter((m.start, m.end, m.label) for m in doc.mentions)
    spans.update((e.trigger_start, e.trigger_end, e.category) for e in doc.events)
    assume(max(spans.values()) == 1)
    with tempfile.TemporaryDirectory() as tmp:
        result = export_doccano([doc], Path(tmp) / "out.jsonl")
        back = _back("doccano", Path(tmp) / "out.jsonl", Path(tmp) / "out.mapping.yaml", doc)
    assert _spans(back) == _spans(doc)
    assert _events(back) == _events(doc)
    assert {(e.mode, tuple(e.context), e.realis, e.modality) for e in back.events} <= {(None, (), "ACTUAL", None)}
    assert back.stances == []
    lost = {line.split(":")[0] for line in result.warnings}
    assert ("doccano cannot carry stances" in lost) == bool(doc.stances)
    assert ("doccano cannot carry annotator notes" in lost) == bool(doc.notes)
    assert "doccano cannot carry entity ids (kept as groups of coreferent mentions)" in lost
    assert _linked_events(back) == _linked_events(doc)
    clustered = [e.cluster_id is not None for e in back.events]
    assert all(clustered) or not any(clustered)  # a document with event-coref links clusters every event
    lost_ids = "doccano cannot carry event cluster ids (kept as groups of coreferent events)"
    assert (lost_ids in lost) == any(e.cluster_id for e in doc.events)


@pytest.mark.parametrize(
    ("fmt", "out", "mapping"),
    [
        ("uima-xmi", "x", "x/mapping.yaml"),
        ("uima-json", "j", "j/mapping.yaml"),
        ("webanno-tsv", "t", "t/mapping.yaml"),
        ("label-studio", "ls.json", "ls.mapping.yaml"),
    ],
)
def test_export_then_peacetalks_import_gives_the_gold_layer_back(
    fmt: str, out: str, mapping: str, tmp_path: Path
) -> None:
    """export FORMAT -> import FORMAT (a folder of INCEpTION files imports every file in it) -> the same rows.

    The TSV's text between sentences (a line break here) is not in the file: matching takes the article's.
    Gold has event clusters; they come back as they were, and the imported layer validates.
    """
    root = write_corpus(tmp_path / "root")
    write_layer(root, None, with_event_clusters())
    export(root, fmt, tmp_path / out)
    result = import_layer(
        fmt, tmp_path / out, annotator="rt", root=root, mapping_path=tmp_path / mapping, complete=("entities",)
    )
    assert result.report.valid, result.report.issues
    gold, layer = versions(read_layer(root, "gold")), versions(read_layer(root, "rt"))
    for kind in gold:
        assert gold[kind].sort(pl.all()).equals(layer[kind].sort(pl.all())), kind
    clusters = [
        read_layer(root, name)[EVENTS].select("trigger_start", "cluster_id").sort("trigger_start")
        for name in ("gold", "rt")
    ]
    assert clusters[1].equals(clusters[0])
    assert clusters[0]["cluster_id"].to_list() == ["trump-putin-call", "kremlin-support"]


def test_doccano_export_imports_back_through_the_command(tmp_path: Path) -> None:
    """export doccano -> import doccano: the record's doc_id names the article; mentions and events come back."""
    root = write_corpus(tmp_path / "root")
    write_layer(root, None)
    result = export(root, "doccano", tmp_path / "out.jsonl")
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["doc_id"] == "ts-2025-02-12-test"
    assert yaml.safe_load((tmp_path / "out.mapping.yaml").read_text(encoding="utf-8"))["labels"]["PER-DERIV"] == {
        "entity": "PER",
        "form": "DERIV",
        "mention_type": "NAM",
    }
    assert any(w.startswith("doccano cannot carry stances: 1 ") for w in result.warnings)
    imported = import_layer(
        "doccano", tmp_path / "out.jsonl", annotator="dc", root=root, mapping_path=tmp_path / "out.mapping.yaml"
    )
    assert imported.counts == {"entities": 3, "events": 2, "event_arguments": 3, "stances": 0}
    gold, layer = versions(read_layer(root, "gold")), versions(read_layer(root, "dc"))
    cols = ["start", "end", "text", "label", "form", "mention_type"]
    entities = [
        g.get_column("content").str.json_decode().struct.unnest().select(cols).sort(cols)
        for g in (gold["entities"], layer["entities"])
    ]
    assert entities[0].equals(entities[1])


def test_doccano_event_coref_numbers_the_clusters_in_text_order() -> None:
    """Two linked triggers are cluster-1, the unlinked event after them its own cluster-2."""
    text = "Anruf und Telefonat, dann Treffen."
    record = {
        "doc_id": "d",
        "text": text,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 5, "label": "CONSULT"},
            {"id": 2, "start_offset": 10, "end_offset": 19, "label": "CONSULT"},
            {"id": 3, "start_offset": 26, "end_offset": 33, "label": "CONSULT"},
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "event-coref"}],
    }
    doc = Document("d", text)
    with tempfile.TemporaryDirectory() as tmp:
        export_doccano([doc], Path(tmp) / "out.jsonl")  # for its mapping
        (Path(tmp) / "out.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        back = _back("doccano", Path(tmp) / "out.jsonl", Path(tmp) / "out.mapping.yaml", doc)
    assert [(e.trigger_text, e.cluster_id) for e in back.events] == [
        ("Anruf", "cluster-1"),
        ("Telefonat", "cluster-1"),
        ("Treffen", "cluster-2"),
    ]


def test_event_coref_to_a_mention_is_an_issue_naming_the_relation() -> None:
    text = "Putin telefonierte."
    record = {
        "doc_id": "d",
        "text": text,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 5, "label": "PER"},
            {"id": 2, "start_offset": 6, "end_offset": 18, "label": "CONSULT"},
        ],
        "relations": [{"id": 7, "from_id": 2, "to_id": 1, "type": "event-coref"}],
    }
    doc = Document("d", text)
    with tempfile.TemporaryDirectory() as tmp:
        export_doccano([doc], Path(tmp) / "out.jsonl")
        (Path(tmp) / "out.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        (tool,) = parse_export("doccano", Path(tmp) / "out.jsonl")
        back, problems = to_document(tool, load_mapping(Path(tmp) / "out.mapping.yaml"), doc_id="d", text=text)
    assert [p.code for p in problems] == ["event-coref-not-event"]
    assert [e.cluster_id for e in back.events] == [None]
