"""peacetalks suggest on a synthetic corpus: what it suggests, how it scores, what it writes and refuses."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import yaml

from peacetalks.errors import SuggestError
from peacetalks.schema.tables import ENTITIES, EVENTS, SCORES, STATUS
from peacetalks.storage.layers import layer_fingerprint, read_layer
from peacetalks.storage.machine import MANIFEST, read_manifest
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import status_rows
from peacetalks.suggest.suggest import SUGGESTER, SUGGESTER_VERSION, suggest
from tests.suggest.corpora import GOLD_DOC, NEW_DOC, synthetic_corpus


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return synthetic_corpus(tmp_path)


def _suggested(root: Path, layer: str = "suggestions") -> list[tuple[str, ...]]:
    rows = read_table(root, ENTITIES, layer).sort("doc_id", "start")
    return [tuple(r) for r in rows.select("text", "label", "form", "entity_id").iter_rows()]


def test_names_derived_forms_and_names_in_compounds_are_suggested(root: Path) -> None:
    result = suggest(root)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert result.documents == {"entities": [NEW_DOC], "events": [NEW_DOC]}
    assert _suggested(root) == [
        ("US-Botschafter", "GPE", "PART", "usa"),  # "US" of the gold "US-Präsident", inside a new compound
        ("Putins", "PER", "NAME", "wladimir-putin"),  # the genitive of a gold name
        ("Kremlsprecher", "ORG", "PART", "kremlin"),  # "Kreml", seen glued in "Kremlchef"
        ("Russische", "GPE", "DERIV", "russia"),  # "russische", capitalised and with another ending
        ("Trump", "PER", "NAME", "donald-trump"),
    ]
    events = read_table(root, EVENTS, "suggestions").sort("trigger_start")
    assert events.select("trigger_text", "category", "mode").rows() == [
        ("telefoniert", "CONSULT", "phone"),  # the stem of the gold "telefonierte"
        ("Ende", "RETREAT", "ceasefire"),
        ("Telefonats", "CONSULT", "phone"),  # the stem of the gold "Telefonat"
    ]
    assert read_table(root, ENTITIES, "suggestions")["mention_id"].to_list() == ["sm1", "sm2", "sm3", "sm4", "sm5"]


def test_a_score_is_the_entrys_precision_on_the_gold_texts(root: Path) -> None:
    """Gold annotates one of the two "Ende" of its text: the trigger scores 1/2, the others 1/1."""
    suggest(root)
    scores = read_table(root, SCORES, "suggestions")
    by_pattern = {p: (s, a, m) for p, s, a, m in scores.select("pattern", "score", "annotated", "matched").iter_rows()}
    assert by_pattern["end"] == (0.5, 1, 2)
    assert by_pattern["Trump"] == (1.0, 1, 1)
    assert set(scores["rule"]) == {"phrase", "compound", "stem"}
    assert scores.select("suggester", "version").unique().rows() == [(SUGGESTER, SUGGESTER_VERSION)]
    suggest(root, min_score=0.6)
    assert "Ende" not in read_table(root, EVENTS, "suggestions")["trigger_text"].to_list()


def test_the_layer_is_marked_machine_made_and_gold_is_untouched(root: Path) -> None:
    gold_before = layer_fingerprint(read_layer(root, "gold"))
    result = suggest(root)
    manifest = read_manifest(root, "suggestions")
    assert manifest is not None
    assert manifest.origin == "machine"
    assert (manifest.suggester, manifest.version) == (SUGGESTER, SUGGESTER_VERSION)
    assert manifest.gold_fingerprint == gold_before == layer_fingerprint(read_layer(root, "gold"))
    raw = yaml.safe_load((result.layer_dir / MANIFEST).read_text(encoding="utf-8"))
    assert raw["origin"] == "machine"
    assert raw["scores"] == "suggestion_scores.parquet"
    status = read_table(root, STATUS, "suggestions").select("doc_id", "kind", "status").sort("kind").rows()
    assert status == [
        (NEW_DOC, "entities", "complete"),
        (NEW_DOC, "events", "complete"),
        (NEW_DOC, "stances", "not-started"),
    ]


def test_named_articles_are_suggested_whatever_their_status_and_others_rows_stay(root: Path) -> None:
    suggest(root)
    result = suggest(root, doc_ids=[GOLD_DOC], kinds=["entities"])
    assert result.documents == {"entities": [GOLD_DOC]}
    layer = read_table(root, ENTITIES, "suggestions")
    assert set(layer["doc_id"]) == {GOLD_DOC, NEW_DOC}
    assert read_table(root, EVENTS, "suggestions")["doc_id"].unique().to_list() == [NEW_DOC]
    # the scores of both runs are there, one row per suggestion
    scores = read_table(root, SCORES, "suggestions")
    assert scores.height == layer.height + read_table(root, EVENTS, "suggestions").height


def test_nothing_is_written_when_no_article_needs_suggestions(root: Path) -> None:
    status = read_table(root, STATUS).with_columns(pl.lit("in-progress").alias("status"))
    write_tables(
        root,
        {
            STATUS: status.with_columns(
                pl.when(pl.col("doc_id") == GOLD_DOC).then(pl.lit("adjudicated")).otherwise("status").alias("status")
            )
        },
    )
    result = suggest(root)
    assert result.written == []
    assert not (root / "annotations" / "layers" / "suggestions").exists()
    assert any("nothing to suggest" in note for note in result.notes)


def test_without_complete_gold_there_is_nothing_to_learn(root: Path) -> None:
    write_tables(root, {STATUS: status_rows([GOLD_DOC, NEW_DOC], "in-progress", set_by="t").select(STATUS.columns)})
    with pytest.raises(SuggestError) as caught:
        suggest(root)
    assert caught.value.code == "empty-lexicon"


def test_a_layer_a_person_made_is_never_written(root: Path) -> None:
    write_tables(root, read_layer(root, "gold"), "annotator-a")
    with pytest.raises(SuggestError) as caught:
        suggest(root, layer="annotator-a")
    assert caught.value.code == "human-layer"
    with pytest.raises(SuggestError) as gold:
        suggest(root, layer="gold")
    assert gold.value.code == "bad-annotator"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"kinds": ["stances"]}, "bad-argument"),
        ({"mention_types": ["NAME"]}, "unknown-mention-type"),
        ({"min_score": 1.5}, "bad-argument"),
        ({"doc_ids": ["no-such-article"]}, "unknown-doc"),
    ],
)
def test_bad_options_are_refused_with_their_code(root: Path, options: dict[str, object], code: str) -> None:
    with pytest.raises(SuggestError) as caught:
        suggest(root, **options)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert not (root / "annotations" / "layers" / "suggestions").exists()


def test_json_output_of_the_cli(root: Path) -> None:
    from typer.testing import CliRunner

    from peacetalks.cli import app

    run = CliRunner().invoke(app, ["suggest", "-r", str(root), "--format", "json", "--kind", "entities"])
    assert run.exit_code == 0, run.output
    body = json.loads(run.stdout)
    assert body["counts"] == {"entities": 5}
    assert body["valid"] is True
    assert body["suggester"] == SUGGESTER
    assert body["documents"] == {"entities": [NEW_DOC]}


def test_the_cli_names_the_same_kinds_and_default_layer_as_the_library() -> None:
    import inspect

    from peacetalks.cli.suggest import SuggestKind, suggest_cmd
    from peacetalks.schema.columns import SUGGESTED_KINDS
    from peacetalks.suggest.suggest import DEFAULT_LAYER

    assert [k.value for k in SuggestKind] == list(SUGGESTED_KINDS)
    assert inspect.signature(suggest_cmd).parameters["layer"].default == DEFAULT_LAYER
