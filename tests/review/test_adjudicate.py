"""Adjudication: agreed items go into gold, conflicts wait in a review file, gold is never overwritten silently."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ReviewError, ValidationFailed
from peacetalks.review.adjudicate import adjudicate, describe
from peacetalks.review.gold_history import backups, restore
from peacetalks.schema.tables import ARGUMENTS, ENTITIES, STANCES
from peacetalks.storage.parquet import read_table
from peacetalks.validation.validate import validate
from tests.conftest import tiny_frames
from tests.interchange.helpers import drop, edit, write_corpus, write_layer

REVIEW = "annotations/review/ann-a--ann-b.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    return tmp_path


def _decide(root: Path, decisions: dict[str, str], edits: dict[str, dict[str, object]] | None = None) -> None:
    """Set decisions in the review file by the end of the conflict id; ``edits`` change the kept version."""
    path = root / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["conflicts"]:
        for suffix, decision in decisions.items():
            if entry["id"].endswith(suffix):
                entry["decision"] = decision
                if edits and suffix in edits:
                    entry[decision].update(edits[suffix])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _kreml_is_gpe() -> dict[str, pl.DataFrame]:
    return edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE")


def test_identical_layers_merge_without_conflicts_into_valid_gold(root: Path) -> None:
    write_layer(root, "ann-b")
    result = adjudicate(root, "ann-a", "ann-b")
    assert (result.status, result.conflicts, result.agreed) == (
        "written",
        [],
        {"entities": 3, "events": 2, "stances": 1},
    )
    assert validate(root).valid
    assert read_table(root, ENTITIES)["mention_id"].to_list() == ["m0001", "m0002", "m0003"]
    assert not (root / REVIEW).exists()


def test_conflict_goes_to_the_review_file_and_gold_waits(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    result = adjudicate(root, "ann-a", "ann-b")
    assert result.status == "pending"
    # the stance of 'Der Kreml' names its holder by span and label, so it differs too
    assert [c.id for c in result.pending] == [
        "entities:ts-2025-02-12-test:30-39",
        "stances:ts-2025-02-12-test:30-39-us-russia-contacts",
    ]
    assert result.agreed == {"entities": 2, "events": 2, "stances": 0}
    data = yaml.safe_load((root / REVIEW).read_text(encoding="utf-8"))
    entry = data["conflicts"][0]
    assert (entry["a"]["label"], entry["b"]["label"], entry["decision"]) == ("ORG", "GPE", None)
    assert not ENTITIES.path(root).exists()


def test_rerun_after_decisions_completes_the_merge_and_links_references(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"30-39": "B", "us-russia-contacts": " b"})  # case and blanks do not matter
    result = adjudicate(root, "ann-a", "ann-b")
    assert result.status == "written"
    assert validate(root).valid
    entities = read_table(root, ENTITIES)
    kreml = entities.filter(pl.col("start") == 30).row(0, named=True)
    assert kreml["label"] == "GPE"
    assert read_table(root, STANCES)["holder_mention_id"].to_list() == [kreml["mention_id"]]
    putin = entities.filter(pl.col("start") == 23)["mention_id"].item()
    assert putin in read_table(root, ARGUMENTS)["mention_id"].to_list()


def test_a_kept_version_may_be_edited_in_the_review_file(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"30-39": "a", "us-russia-contacts": "a"}, edits={"30-39": {"entity_id": "kreml"}})
    adjudicate(root, "ann-a", "ann-b")
    assert read_table(root, ENTITIES).filter(pl.col("start") == 30)["entity_id"].item() == "kreml"


def test_dropped_mention_turns_its_argument_into_a_span_argument(root: Path) -> None:
    """A lacks 'Putin' and its argument; deciding 'neither' on the mention and 'b' on the event keeps a span."""
    only_a = drop(
        drop(tiny_frames(), "entities", pl.col("mention_id") == "m2"), "event_arguments", pl.col("argument_id") == "a2"
    )
    write_layer(root, "ann-a", only_a)
    write_layer(root, "ann-b")
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"23-28": "neither", "6-18": "b"})
    result = adjudicate(root, "ann-a", "ann-b")
    assert result.status == "written"
    assert len(result.notes) == 1
    assert "kept as a span argument" in result.notes[0]
    spans = read_table(root, ARGUMENTS).filter(pl.col("start") == 23)
    assert spans.select("mention_id", "text").row(0) == (None, "Putin")
    assert validate(root).valid


def test_merge_that_does_not_validate_writes_nothing(root: Path) -> None:
    """Keeping a stance whose holder mention was dropped fails validation; gold stays absent."""
    write_layer(root, "ann-b", _kreml_is_gpe())
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"30-39": "neither", "us-russia-contacts": "a"})
    with pytest.raises(ValidationFailed) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert "unknown-mention" in info.value.report.codes()
    assert info.value.code == "merge-invalid"
    assert info.value.data["review_file"] == REVIEW
    assert not STANCES.path(root).exists()


def test_existing_different_gold_is_refused_then_replaced_with_force_and_restorable(root: Path) -> None:
    write_layer(root, None, _kreml_is_gpe())
    write_layer(root, "ann-b")
    before = read_table(root, ENTITIES)
    with pytest.raises(ReviewError) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert (info.value.code, info.value.path) == ("target-differs", "annotations")
    assert read_table(root, ENTITIES).equals(before)
    result = adjudicate(root, "ann-a", "ann-b", force=True)
    assert result.status == "written"
    assert result.backup is not None
    assert result.backup.startswith("annotations/history/gold/")
    assert read_table(root, ENTITIES).filter(pl.col("start") == 30)["label"].item() == "ORG"
    done = restore(root, "gold")
    assert done.restored_from == result.backup
    assert read_table(root, ENTITIES).equals(before)
    assert len(backups(root, "gold")) == 2  # the restore kept the replaced gold too


def test_rerun_on_the_same_gold_changes_nothing(root: Path) -> None:
    write_layer(root, "ann-b")
    adjudicate(root, "ann-a", "ann-b")
    assert adjudicate(root, "ann-a", "ann-b").status == "unchanged"
    assert backups(root, "gold") == []


@pytest.mark.parametrize(
    ("decision", "code"), [("maybe", "bad-decision"), ("both", "bad-decision")], ids=["unknown", "keeps-null"]
)
def test_bad_decision_is_an_error_naming_the_review_file(root: Path, decision: str, code: str) -> None:
    write_layer(root, "ann-b", drop(tiny_frames(), "stances", pl.lit(value=True)))
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"us-russia-contacts": decision})
    with pytest.raises(ReviewError) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert (info.value.code, info.value.path) == (code, REVIEW)


def test_unknown_field_in_a_version_is_an_error(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    adjudicate(root, "ann-a", "ann-b")
    _decide(root, {"30-39": "a", "us-russia-contacts": "a"}, edits={"30-39": {"lable": "PER"}})
    with pytest.raises(ReviewError) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert info.value.code == "bad-kept-version"


def test_restore_without_backup_is_an_error(root: Path) -> None:
    with pytest.raises(ReviewError) as info:
        restore(root, "gold")
    assert info.value.code == "no-backup"


def test_cli_adjudicate_exits_1_while_conflicts_are_undecided(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    result = CliRunner().invoke(app, ["adjudicate", "ann-a", "ann-b", "--root", str(root)])
    assert result.exit_code == 1
    assert f"decide every conflict in {REVIEW}, then run this command again" in result.output
    assert "[undecided] entities:ts-2025-02-12-test:30-39 'Der Kreml': A ORG/NAME/NAM/kremlin" in result.output


def test_cli_adjudicate_force_and_restore(root: Path) -> None:
    write_layer(root, None, _kreml_is_gpe())
    write_layer(root, "ann-b")
    runner = CliRunner()
    refused = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--root", str(root)])
    assert refused.exit_code == 1
    forced = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--root", str(root), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "previous gold kept in annotations/history/gold/" in forced.output
    restored = runner.invoke(app, ["adjudicate", "--restore", "--root", str(root)])
    assert restored.exit_code == 0, restored.output
    assert "restored gold from annotations/history/gold/" in restored.output
    assert read_table(root, ENTITIES).filter(pl.col("start") == 30)["label"].item() == "GPE"


def test_cli_adjudicate_json_lists_conflicts_with_both_versions(root: Path) -> None:
    import json

    write_layer(root, "ann-b", _kreml_is_gpe())
    result = CliRunner().invoke(app, ["adjudicate", "ann-a", "ann-b", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["status"], data["review_file"]) == ("pending", REVIEW)
    assert [(c["a"]["label"], c["b"]["label"]) for c in data["conflicts"] if c["kind"] == "entities"] == [
        ("ORG", "GPE")
    ]


def test_cli_adjudicate_without_layers_is_a_usage_error(root: Path) -> None:
    assert CliRunner().invoke(app, ["adjudicate", "--root", str(root)]).exit_code == 2


def _utin() -> dict[str, pl.DataFrame]:
    """B marks 'utin' where A marks 'Putin' (23-28): one mention, two spans."""
    return edit(tiny_frames(), "entities", pl.col("mention_id") == "m2", start=24, text="utin")


def test_overlapping_one_sided_items_are_one_conflict_shown_in_their_sentence(root: Path) -> None:
    write_layer(root, "ann-b", _utin())
    result = adjudicate(root, "ann-a", "ann-b")
    entities = [c for c in result.conflicts if c.kind == "entities"]
    pairs = [(c.id.rsplit(":", 1)[1], c.a is not None, c.b is not None) for c in entities]
    assert pairs == [("23-28~24-28", True, True)]
    assert entities[0].differs == ["start", "text"]
    assert entities[0].sentence == "Trump telefonierte mit [Putin]."
    written = yaml.safe_load((root / REVIEW).read_text(encoding="utf-8"))["conflicts"]
    assert written[0]["sentence"] == "Trump telefonierte mit [Putin]."
    _decide(root, {"23-28~24-28": "b"})
    _decide(root, {c.id.rsplit(":", 1)[1]: "b" for c in result.conflicts if c.kind != "entities"})
    assert adjudicate(root, "ann-a", "ann-b").status == "written"
    assert read_table(root, ENTITIES)["text"].to_list() == ["Trump", "utin", "Der Kreml"]


def test_an_event_conflict_says_which_argument_or_attribute_differs(root: Path) -> None:
    frames = edit(tiny_frames(), "events", pl.col("trigger_start") == 6, mode="visit")
    write_layer(root, "ann-b", drop(frames, "event_arguments", pl.col("argument_id") == "a2"))
    (conflict,) = [c for c in adjudicate(root, "ann-a", "ann-b").conflicts if c.kind == "events"]
    assert conflict.differs == ["mode", "argument ACTOR 'Putin' 23-28 PER only in A"]
    assert "(differs: mode, argument ACTOR 'Putin' 23-28 PER only in A)" in describe(conflict)


def test_a_review_file_of_the_two_one_sided_entries_keeps_their_decisions(root: Path) -> None:
    """A file written before overlapping items were paired: its A-only and B-only decisions decide the pair."""
    write_layer(root, "ann-b", _utin())
    first = adjudicate(root, "ann-a", "ann-b")
    path = root / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (pair,) = [e for e in data["conflicts"] if e["kind"] == "entities"]
    prefix = pair["id"].split("~")[0].rsplit(":", 1)[0]
    old_a = pair | {"id": f"{prefix}:23-28", "b": None, "decision": "neither"}
    old_b = pair | {"id": f"{prefix}:24-28", "a": None, "decision": "b"}
    data["conflicts"] = [old_a, old_b, *(e for e in data["conflicts"] if e["kind"] != "entities")]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    again = adjudicate(root, "ann-a", "ann-b")
    (merged,) = [c for c in again.conflicts if c.kind == "entities"]
    assert (merged.id, merged.decision) == (first.conflicts[0].id, "b")
    assert next(e["id"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["conflicts"]) == merged.id


def test_the_review_file_says_to_run_the_command_that_was_run(root: Path) -> None:
    write_layer(root, "ann-b", _kreml_is_gpe())
    result = CliRunner().invoke(app, ["adjudicate", "ann-a", "ann-b", "--root", str(root)])
    assert result.exit_code == 1, result.output
    header = (root / REVIEW).read_text(encoding="utf-8")
    assert f"Then run 'peacetalks adjudicate ann-a ann-b --root {root}' again" in header


def test_a_layer_that_does_not_validate_is_refused_with_its_problems(root: Path) -> None:
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m2", text="Pution"))
    with pytest.raises(ValidationFailed) as caught:
        adjudicate(root, "ann-a", "ann-b")
    assert (caught.value.code, caught.value.path) == ("layer-invalid", "annotations/layers/ann-b")
    assert [(i.code, i.file) for i in caught.value.report.errors] == [
        ("span-text-mismatch", "annotations/layers/ann-b/entities.parquet")
    ]
    assert not (root / REVIEW).exists()
