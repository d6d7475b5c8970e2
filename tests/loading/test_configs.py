"""The rows of each config built from the tiny corpus: nesting, joins and label decoding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from datasets import ClassLabel

from peacetalks.errors import LoadError
from peacetalks.loading.configs import build_config, features


def _rows(config: str, root: Path) -> list[dict[str, Any]]:
    tables = build_config(config, root)
    rows: list[dict[str, Any]] = pa.concat_tables(tables.values()).to_pylist()
    return rows


def _names(config: str, column: str) -> ClassLabel:
    feature = features(config)[column]
    assert isinstance(feature, ClassLabel)
    return feature


def test_documents_nest_everything_of_the_article(corpus_dir: Path) -> None:
    (doc,) = _rows("documents", corpus_dir)
    assert doc["doc_id"] == "ts-2025-02-12-test"
    assert [m["mention_id"] for m in doc["mentions"]] == ["m1", "m2", "m3"]
    assert [b["block_id"] for b in doc["blocks"]] == [0, 1]
    events = doc["events"]
    assert [e["event_id"] for e in events] == ["ev1", "ev2"]
    assert [a["argument_id"] for a in events[0]["arguments"]] == ["a1", "a2"]
    assert [s["stance_id"] for s in doc["stances"]] == ["s1"]


def test_entities_decode_to_the_stored_labels(corpus_dir: Path) -> None:
    rows = _rows("entities", corpus_dir)
    label = _names("entities", "label")
    assert [(r["mention_id"], label.int2str(r["label"])) for r in rows] == [("m1", "PER"), ("m2", "PER"), ("m3", "ORG")]


def test_events_carry_their_arguments_and_nullable_labels(corpus_dir: Path) -> None:
    rows = _rows("events", corpus_dir)
    category = _names("events", "category")
    assert [(r["event_id"], category.int2str(r["category"])) for r in rows] == [("ev1", "CONSULT"), ("ev2", "SUPPORT")]
    assert rows[1]["mode"] is None
    assert [a["text"] for a in rows[1]["arguments"]] == ["das Telefonat"]


def test_stances_have_holder_and_target_labels(corpus_dir: Path) -> None:
    (row,) = _rows("stances", corpus_dir)
    assert row["holder_text"] == "Der Kreml"
    assert _names("stances", "holder_label").int2str(row["holder_label"]) == "ORG"
    assert _names("stances", "target_id").int2str(row["target_id"]) == "us-russia-contacts"
    assert row["target_label_en"] == "Direct contacts between the USA and Russia"
    assert row["evidence_text"] == "Der Kreml bestätigte das Telefonat."


@pytest.mark.parametrize(
    ("config", "options", "code"),
    [
        ("nope", {}, "unknown-config"),
        ("entities", {"tagset": "conll2003"}, "unknown-option"),
        ("tokens", {"tagset": "ontonotes"}, "unknown-tagset"),
        ("tokens", {"mention_types": ["XYZ"]}, "unknown-mention-type"),
    ],
)
def test_bad_config_or_option_is_a_load_error(config: str, options: dict[str, object], code: str) -> None:
    with pytest.raises(LoadError) as info:
        features(config, **options)
    assert info.value.code == code
