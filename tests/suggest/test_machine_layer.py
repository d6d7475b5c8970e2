"""A machine layer among the others: validation accepts it and checks its files; adjudicate and import refuse it;
Label Studio gets it as predictions; agree and the data card compare a person's pass with it."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app, main
from peacetalks.errors import SuggestError
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.release.datacard import render_agreement, render_suggestion_changes
from peacetalks.review.adjudicate import adjudicate
from peacetalks.review.agreement import agreement
from peacetalks.schema.tables import ENTITIES, EVENTS, SCORES, STATUS
from peacetalks.storage.layers import read_layer
from peacetalks.storage.machine import manifest_path
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import status_rows
from peacetalks.suggest.suggest import suggest
from peacetalks.validation.validate import validate
from tests.suggest.corpora import NEW_DOC, synthetic_corpus

LAYER = "suggestions"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = synthetic_corpus(tmp_path)
    suggest(folder)
    return folder


def _codes(root: Path, layer: str) -> list[str]:
    return validate(root, layer=layer).codes()


def test_candidate_triggers_need_no_arguments_in_a_machine_layer_only(root: Path) -> None:
    """An AID candidate without a RECIPIENT is fine in a machine layer; in a person's it is missing-required-role."""
    tables = read_layer(root, LAYER)
    tables[EVENTS] = tables[EVENTS].with_columns(pl.lit("AID").alias("category"), pl.lit(None, pl.String).alias("mode"))
    write_tables(root, tables, LAYER)
    assert _codes(root, LAYER) == []
    write_tables(root, tables, "annotator-x")
    assert _codes(root, "annotator-x") == ["missing-required-role"]


def test_validation_checks_the_scores_and_the_manifest(root: Path) -> None:
    scores = read_table(root, SCORES, LAYER)
    bad = scores.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(1.5)).otherwise("score").alias("score"),
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("sm99")).otherwise("item_id").alias("item_id"),
    )
    write_tables(root, {SCORES: bad}, LAYER)
    report = validate(root, layer=LAYER)
    assert sorted((i.code, i.file) for i in report.issues) == [
        ("unknown-mention", "annotations/layers/suggestions/suggestion_scores.parquet"),
        ("value-out-of-range", "annotations/layers/suggestions/suggestion_scores.parquet"),
    ]
    manifest_path(root, LAYER).write_text("origin: person\nsuggester: x\nversion: '1'\n", encoding="utf-8")
    assert "bad-layer-manifest" in _codes(root, LAYER)
    manifest_path(root, LAYER).write_text(": [", encoding="utf-8")
    assert "bad-layer-manifest" in _codes(root, LAYER)


def test_adjudicate_refuses_a_machine_layer_as_a_pass_or_a_target(root: Path) -> None:
    write_tables(root, read_layer(root, LAYER), "annotator-x")
    for a, b, into in ((LAYER, "annotator-x", "gold"), ("annotator-x", LAYER, "gold"), ("annotator-x", "gold", LAYER)):
        with pytest.raises(SuggestError) as caught:
            adjudicate(root, a, b, into=into)
        assert caught.value.code == "machine-layer"


def test_import_refuses_to_write_into_a_machine_layer(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls" / "tasks.json"
    export(root, "label-studio", out, layer=LAYER)
    with pytest.raises(SuggestError) as caught:
        import_layer("label-studio", out, annotator=LAYER, root=root, mapping_path=out.with_name("tasks.mapping.yaml"))
    assert caught.value.code == "machine-layer"


def test_label_studio_gets_the_suggestions_as_predictions_with_scores(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls" / "tasks.json"
    export(root, "label-studio", out, layer=LAYER)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "peacetalks-lexicon-1.0.0"
    regions = [r for r in prediction["result"] if r["type"] == "labels"]
    scores = read_table(root, SCORES, LAYER)
    assert sorted(r["score"] for r in regions) == sorted(scores["score"].to_list())
    assert prediction["score"] == pytest.approx(scores["score"].mean())
    # a person's layer keeps the plain prediction, with no scores
    write_tables(root, read_layer(root, LAYER), "annotator-x")
    write_tables(root, {STATUS: read_table(root, STATUS, LAYER)}, "annotator-x")
    export(root, "label-studio", out, layer="annotator-x")
    (plain,) = json.loads(out.read_text(encoding="utf-8"))[0]["predictions"]
    assert plain["model_version"] == "peacetalks-annotator-x"
    assert "score" not in plain


def test_the_card_says_how_much_a_pass_changed_the_suggestions(root: Path) -> None:
    assert "Machine suggestions" in render_agreement(root)
    assert "No pass has complete articles in common" in render_suggestion_changes(root)
    tables = read_layer(root, LAYER)
    entities = tables[next(t for t in tables if t.name == "entities")]
    person = {t: df for t, df in tables.items()}
    person[next(t for t in tables if t.name == "entities")] = entities.filter(pl.col("mention_id") != "sm1")
    write_tables(
        root, {**person, STATUS: status_rows([NEW_DOC], "complete", set_by="t").select(STATUS.columns)}, "annotator-x"
    )
    report = agreement(root, "annotator-x", LAYER, kinds=["entities"], doc_ids=[NEW_DOC])
    assert report.score("entities", "mention", "(all)").exact.precision == pytest.approx(4 / 5)
    lines = render_suggestion_changes(root).splitlines()
    assert "| suggestions | annotator-x | entities | 1 | 5 | 4 (0.800) | 4 | 0 |" in lines
    assert "| suggestions | annotator-x | events | 1 | 3 | 3 (1.000) | 3 | 0 |" in lines


def test_without_a_machine_layer_the_card_says_nothing_of_suggestions(tmp_path: Path) -> None:
    assert render_suggestion_changes(synthetic_corpus(tmp_path)) == ""


def test_the_cli_refuses_a_person_layer_in_one_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tables(root, read_layer(root, LAYER), "annotator-x")
    assert main(["suggest", "-r", str(root), "--layer", "annotator-x"]) == 1
    first, hint = capsys.readouterr().err.strip().splitlines()
    assert first.startswith("error: annotations/layers/annotator-x [human-layer]")
    assert hint.startswith("hint: write the suggestions into a layer of their own")
    ok = CliRunner().invoke(app, ["suggest", "-r", str(root)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[0] == "entities: 5 suggestions for 1 article"


@pytest.mark.parametrize("fmt", ["uima-xmi", "webanno-tsv"])
def test_inception_gets_the_suggestions_as_annotations_and_they_come_back(root: Path, tmp_path: Path, fmt: str) -> None:
    """Exported for INCEpTION and imported back as a person's starting layer: the same mentions and triggers."""
    out = tmp_path / fmt
    export(root, fmt, out, layer=LAYER)
    result = import_layer(fmt, out, annotator="annotator-x", root=root, mapping_path=out / "mapping.yaml")
    assert result.report.valid, [i.render() for i in result.report.issues]
    report = agreement(root, "annotator-x", LAYER, kinds=["entities", "events"])
    for kind, item in (("entities", "mention"), ("events", "trigger")):
        score = report.score(kind, item, "(all)")
        assert (score.n_a, score.exact.f1) == (score.n_b, 1.0)
    attributes = {(x.item, x.attribute): x.observed for k in report.kinds for x in k.attributes}
    assert attributes[("mention", "form")] == attributes[("trigger", "mode")] == 1.0
    columns = ["doc_id", "start", "end", "label", "form", "mention_type", "entity_id"]
    back, sent = (read_table(root, ENTITIES, name).select(columns).sort(columns) for name in ("annotator-x", LAYER))
    assert back.equals(sent)
