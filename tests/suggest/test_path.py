"""Issue 13's path for suggestions: new articles ingested from JSONL are pre-annotated, go to Label Studio and
INCEpTION, and come back as an annotator's layer that starts from them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from peacetalks.ingest.batch import IngestOptions
from peacetalks.ingest.ingest import ingest_many
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.review.agreement import agreement
from peacetalks.schema.tables import ENTITIES
from peacetalks.storage.parquet import read_table
from peacetalks.storage.status import read_status
from peacetalks.suggest.suggest import suggest
from tests.suggest.corpora import synthetic_corpus

# Synthetic scraper records (invented text, made by this test).
RECORDS = [
    {
        "headline": "Trump und Putin wollen weiter reden",
        "paragraphs": ["Der US-Präsident telefonierte erneut mit Putin.", "Der Kreml bestätigte das Telefonat."],
        "date": "2025-03-03",
        "source": "tagesschau",
    },
    {
        "headline": "Kremlsprecher zu den Gesprächen",
        "paragraphs": ["Der Kremlsprecher sagte, die russische Seite sei bereit, mit Trump zu sprechen."],
        "date": "2025-03-04",
        "source": "tagesschau",
    },
]


def test_jsonl_articles_are_pre_annotated_and_come_back_from_the_tools(tmp_path: Path) -> None:
    root = synthetic_corpus(tmp_path / "corpus")
    scraped = tmp_path / "scraped.jsonl"
    scraped.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    summary = ingest_many([scraped], root=root, options=IngestOptions())
    assert not summary.refused, [r.error for r in summary.refused]
    new = sorted(r.doc_id for r in summary.results)
    assert len(new) == 2
    result = suggest(root)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert all(set(new) <= set(ids) for ids in result.documents.values())
    layer = read_table(root, ENTITIES, "suggestions").filter(pl.col("doc_id").is_in(new))
    assert {"Trump", "Putin", "US-Präsident", "Kreml", "Kremlsprecher", "russische"} <= set(layer["text"])
    for fmt, out in (("label-studio", tmp_path / "ls" / "tasks.json"), ("uima-xmi", tmp_path / "inception")):
        export(root, fmt, out, layer="suggestions")
        mapping = out / "mapping.yaml" if out.suffix == "" else out.with_name("tasks.mapping.yaml")
        person = f"from-{fmt}"
        back = import_layer(fmt, out, annotator=person, root=root, mapping_path=mapping, complete=["entities"])
        assert back.report.valid, [i.render() for i in back.report.issues]
        score = agreement(root, person, "suggestions", kinds=["entities"], doc_ids=new).score(
            "entities", "mention", "(all)"
        )
        assert score.exact.f1 == 1.0
        assert read_status(root, person).filter(pl.col("kind") == "entities")["status"].unique().to_list() == [
            "complete"
        ]
