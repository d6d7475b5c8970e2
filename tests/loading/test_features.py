"""Features of every config: ClassLabels from the scheme, agreeing with the pandera models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from datasets import ClassLabel, Features, List

from peacetalks.loading.configs import CONFIG_NAMES, build_config, features
from peacetalks.schema.features import COLUMNS, LABEL_SETS, label_names
from peacetalks.schema.models import MODELS, SPLIT_NAMES


def _isin(table: str, column: str) -> list[str] | None:
    col = MODELS[table].to_schema().columns[column]
    for check in col.checks:
        if check.name == "isin":
            return list(check.statistics["allowed_values"])
    return None


def _class_labels(feature: Any) -> ClassLabel | None:
    if isinstance(feature, ClassLabel):
        return feature
    if isinstance(feature, List) and isinstance(feature.feature, ClassLabel):
        return feature.feature
    return None


@pytest.mark.parametrize(("table", "column"), sorted(LABEL_SETS))
def test_classlabel_names_equal_the_pandera_isin_values(table: str, column: str) -> None:
    """Every label column's ClassLabel names are the model's allowed values (both from the scheme)."""
    names = label_names(table, column)
    allowed = _isin(table, column)
    if allowed is None:  # context is a list column, checked by rules.py against the same scheme list
        assert (table, column) == ("events", "context")
        return
    assert list(names or ()) == allowed


def test_the_plover_category_is_named_like_the_category() -> None:
    """The derived plover_category (GUIDELINES.md 2.8) is a ClassLabel of the same names as the stored category."""
    for config in ("events", "documents"):
        feats = features(config)
        event = feats if config == "events" else feats["events"].feature
        assert event["plover_category"].names == event["category"].names == _isin("events", "category")
        assert list(event).index("plover_category") == list(event).index("category") + 1


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_every_isin_column_is_a_classlabel(table: str) -> None:
    """No label set of a model is left as a plain string in the Features."""
    for column in MODELS[table].to_schema().columns:
        if _isin(table, column) is not None:
            assert (table, column) in LABEL_SETS


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_features_have_classlabels(config: str) -> None:
    feats = features(config)
    assert isinstance(feats, Features)
    labels = [name for name, f in feats.items() if _class_labels(f) is not None]
    expected = {
        "documents": ["license", "entities_status", "events_status", "stances_status"],
        "entities": ["label", "form", "mention_type"],
        "events": ["category", "plover_category", "mode", "context", "realis", "modality"],
        "stances": ["holder_label", "target_id", "polarity", "attribution"],
        "tokens": ["ner_tags"],
    }
    assert labels == expected[config]


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_build_config_conforms_to_features_with_every_split(config: str, corpus_dir: Path) -> None:
    """Each split is present (empty ones with 0 rows) and has exactly the Arrow schema of the Features."""
    tables = build_config(config, corpus_dir)
    assert list(tables) == list(SPLIT_NAMES)
    schema = features(config).arrow_schema
    for table in tables.values():
        assert table.schema.equals(schema, check_metadata=False)
    assert sum(t.num_rows for t in tables.values()) > 0


def test_status_columns_of_documents_are_the_status_models_values() -> None:
    """The documents config's status ClassLabels are named as the status table's pandera check allows."""
    feats = features("documents")
    allowed = _isin("status", "status")
    assert allowed == ["not-started", "in-progress", "complete", "adjudicated"]
    for kind in ("entities", "events", "stances"):
        label = _class_labels(feats[f"{kind}_status"])
        assert label is not None
        assert label.names == allowed


def test_documents_carry_every_articles_status_as_the_features_say(corpus_dir: Path) -> None:
    """An article whose gold is not complete stays in documents, its status readable through the ClassLabel."""
    from peacetalks.storage.status import set_status

    set_status(corpus_dir, ["ts-2025-02-12-test"], "in-progress", kinds=["events"])
    tables = build_config("documents", corpus_dir)
    feats = features("documents")
    rows = [
        row
        for table in tables.values()
        for row in table.select(["doc_id", *(f"{k}_status" for k in ("entities", "events", "stances"))]).to_pylist()
    ]
    assert len(rows) == 1
    names = {k: feats[f"{k}_status"].int2str(rows[0][f"{k}_status"]) for k in ("entities", "events", "stances")}
    assert names == {"entities": "adjudicated", "events": "in-progress", "stances": "adjudicated"}
    for table in tables.values():
        assert table.schema.equals(feats.arrow_schema, check_metadata=False)
