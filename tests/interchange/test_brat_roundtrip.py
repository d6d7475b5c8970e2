"""brat export -> import is lossless for what the scheme holds, notes included (property test)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.brat import brat_ann, brat_mapping
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.brat import parse_brat_text
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.interchange.mapping import parse_mapping
from peacetalks.review.items import versions
from peacetalks.schema.tables import EVENTS
from peacetalks.storage.layers import read_layer
from tests.interchange._strategies import content, documents, event_clusters, note_content
from tests.interchange.helpers import with_event_clusters, write_corpus, write_layer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(notes=True))
def test_brat_export_then_import_gives_the_same_annotations(doc: Document) -> None:
    """Every mention, event (with its arguments, attributes and cluster), stance and annotator note comes back."""
    tool, issues = parse_brat_text(brat_ann(doc), doc.text, doc_id=doc.doc_id)
    assert issues == []
    dropped: list[str] = []
    back, problems = to_document(tool, parse_mapping(brat_mapping()), doc_id=doc.doc_id, text=doc.text, dropped=dropped)
    assert problems == []
    assert content(back) == content(doc)
    assert event_clusters(back) == event_clusters(doc)
    assert note_content(back) == note_content(doc)
    assert dropped == []


def test_brat_round_trip_through_files_and_the_import_command(tmp_path: Path) -> None:
    """export brat -> peacetalks import -> export brat gives the same .ann files and the same layer content."""
    root = write_corpus(tmp_path / "root")
    write_layer(root, None, with_event_clusters())
    export(root, "brat", tmp_path / "one")
    result = import_layer(
        "brat",
        tmp_path / "one",
        annotator="rt",
        root=root,
        mapping_path=tmp_path / "one" / "mapping.yaml",
        complete=("entities", "events", "stances"),  # a finished pass: its export holds every article
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
    assert clusters[0]["cluster_id"].null_count() == 0
    export(root, "brat", tmp_path / "two", layer="rt")
    for name in ("ts-2025-02-12-test.ann", "ts-2025-02-12-test.txt"):
        assert (tmp_path / "two" / name).read_text(encoding="utf-8") == (tmp_path / "one" / name).read_text(
            encoding="utf-8"
        )


def test_a_brat_relation_mapped_to_event_coref_clusters_the_events_it_joins() -> None:
    """A project that links triggers with its own relation (here ``Same``) maps it onto event-coref."""
    text = "Anruf und Telefonat, dann Treffen."
    ann = (
        "T1\tCONSULT 0 5\tAnruf\nT2\tCONSULT 10 19\tTelefonat\nT3\tCONSULT 26 33\tTreffen\n"
        "E1\tCONSULT:T1\nE2\tCONSULT:T2\nE3\tCONSULT:T3\nR1\tSame Arg1:T2 Arg2:T1\n"
    )
    tool, issues = parse_brat_text(ann, text, doc_id="d")
    assert issues == []
    mapping = brat_mapping()
    mapping["relations"] |= {"Same": "event-coref"}
    back, problems = to_document(tool, parse_mapping(mapping), doc_id="d", text=text)
    assert problems == []
    assert [(e.trigger_text, e.cluster_id) for e in back.events] == [
        ("Anruf", "cluster-1"),
        ("Telefonat", "cluster-1"),
        ("Treffen", "cluster-2"),
    ]
