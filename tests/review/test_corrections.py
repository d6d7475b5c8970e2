"""Corrections: gold's changes after the merge, recorded in the review file with rule and reason, and applied."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.cli._errors import error_lines
from peacetalks.errors import ReviewError
from peacetalks.review.adjudicate import adjudicate
from peacetalks.review.corrections import CorrectionsInvalid
from peacetalks.schema.tables import ENTITIES, EVENTS, STANCES
from peacetalks.storage.parquet import read_table
from tests.conftest import tiny_frames
from tests.interchange.helpers import edit, write_corpus, write_layer

REVIEW = "annotations/review/ann-a--ann-b.yaml"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two identical passes, and gold corrected after their merge: 'Der Kreml' (m3) is GPE in gold."""
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(tmp_path, "ann-b")
    write_layer(tmp_path, None, edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE"))
    return tmp_path


def _corrections(root: Path) -> list[dict[str, object]]:
    data = yaml.safe_load((root / REVIEW).read_text(encoding="utf-8"))
    found: list[dict[str, object]] = data["corrections"]
    return found


def _rewrite(root: Path, change: dict[str, dict[str, object]]) -> None:
    """Set fields of the corrections named by id (``before``/``after`` fields as ``before.label``)."""
    path = root / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["corrections"]:
        for key, value in change.get(entry["id"], {}).items():
            side, _, name = key.partition(".")
            if name:
                entry[side][name] = value
            else:
                entry[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _record_with_reasons(root: Path) -> None:
    adjudicate(root, "ann-a", "ann-b", mode="record")
    _rewrite(
        root,
        {
            "m3": {"rule": "1.1", "reason": "the Kremlin as the seat of government is GPE here (test)"},
            "s1": {"rule": "1.1", "reason": "its holder's label follows m3"},
        },
    )


def test_gold_corrected_after_the_merge_is_refused_not_undone(root: Path) -> None:
    with pytest.raises(ReviewError) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert info.value.code == "target-differs"
    assert read_table(root, ENTITIES).filter(pl.col("mention_id") == "m3")["label"].item() == "GPE"


def test_record_writes_each_difference_with_before_after_and_no_reason(root: Path) -> None:
    result = adjudicate(root, "ann-a", "ann-b", mode="record")
    assert (result.status, result.written) == ("recorded", [REVIEW])
    found = _corrections(root)
    # the mention, and the stance whose holder is it (a stance names its holder by span and label)
    assert [(c["table"], c["id"], c["rule"], c["reason"]) for c in found] == [
        ("entities", "m3", None, None),
        ("stances", "s1", None, None),
    ]
    mention = found[0]
    assert (mention["before"]["label"], mention["after"]["label"], mention["differs"]) == ("ORG", "GPE", ["label"])  # type: ignore[index]
    assert "[Der Kreml]" in str(mention["sentence"])
    assert read_table(root, ENTITIES).filter(pl.col("mention_id") == "m3")["label"].item() == "GPE"  # gold untouched


def test_a_correction_without_its_reason_is_refused_naming_line_and_item(root: Path) -> None:
    adjudicate(root, "ann-a", "ann-b", mode="record")
    _rewrite(root, {"m3": {"rule": "1.1", "reason": "a reason"}})
    for mode in ("merge", "check"):
        with pytest.raises(CorrectionsInvalid) as info:
            adjudicate(root, "ann-a", "ann-b", mode=mode)
        issues = info.value.report.issues
        assert [(i.code, i.record_id, i.column) for i in issues] == [
            ("correction-without-reason", "stances s1", "rule")
        ]
        text = (root / REVIEW).read_text(encoding="utf-8").splitlines()
        assert issues[0].row is not None
        assert text[issues[0].row - 1] == "- table: stances"
        assert info.value.code == "bad-corrections"


def test_recorded_corrections_with_reasons_reproduce_gold(root: Path) -> None:
    _record_with_reasons(root)
    checked = adjudicate(root, "ann-a", "ann-b", mode="check")
    assert (checked.status, checked.differences, len(checked.corrections)) == ("unchanged", [], 2)
    assert adjudicate(root, "ann-a", "ann-b").status == "unchanged"
    forced = adjudicate(root, "ann-a", "ann-b", force=True)  # same content: nothing to replace
    assert forced.status == "unchanged"
    assert read_table(root, STANCES)["holder_mention_id"].to_list() == ["m3"]


def test_check_lists_what_no_correction_records(root: Path) -> None:
    result = adjudicate(root, "ann-a", "ann-b", mode="check")
    assert result.status == "differs"
    assert [(c.table, c.id, c.rule) for c in result.differences] == [("entities", "m3", None), ("stances", "s1", None)]
    assert not (root / REVIEW).exists()  # check writes nothing


def test_record_twice_keeps_recorded_corrections_and_adds_only_new_ones(root: Path) -> None:
    _record_with_reasons(root)
    frames = edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE")
    write_layer(root, None, edit(frames, "entities", pl.col("mention_id") == "m1", entity_id="donald-trump"))
    again = adjudicate(root, "ann-a", "ann-b", mode="record")
    assert [(c.table, c.id) for c in again.recorded] == [("entities", "m1")]
    kept = _corrections(root)
    assert [(c["id"], c["reason"]) for c in kept][:2] == [
        ("m3", "the Kremlin as the seat of government is GPE here (test)"),
        ("s1", "its holder's label follows m3"),
    ]
    assert kept[2]["reason"] is None


def test_a_before_that_differs_from_the_merge_names_the_field(root: Path) -> None:
    _record_with_reasons(root)
    _rewrite(root, {"m3": {"before.entity_id": "kreml"}})
    with pytest.raises(CorrectionsInvalid) as info:
        adjudicate(root, "ann-a", "ann-b", mode="check")
    [issue] = info.value.report.issues
    assert (issue.code, issue.record_id, issue.column) == ("correction-before-differs", "entities m3", "before")
    assert "differs in entity_id" in issue.message
    assert "'kremlin'" in issue.message


def test_a_correction_whose_item_is_gone_and_other_problems_are_listed_together(root: Path) -> None:
    _record_with_reasons(root)
    _rewrite(root, {"m3": {"before.start": 40, "before.end": 49}, "s1": {"reason": "  "}})
    with pytest.raises(CorrectionsInvalid) as info:
        adjudicate(root, "ann-a", "ann-b")
    assert sorted((i.code, i.record_id) for i in info.value.report.issues) == [
        ("correction-item-gone", "entities m3"),
        ("correction-without-reason", "stances s1"),
    ]


def test_a_decision_changed_under_a_correction_makes_it_not_fit(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(tmp_path, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m1", entity_id="donald"))
    gold = edit(tiny_frames(), "entities", pl.col("mention_id") == "m1", entity_id="donald-trump")
    write_layer(tmp_path, None, gold)
    adjudicate(tmp_path, "ann-a", "ann-b")  # the review file with the one conflict
    path = tmp_path / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["conflicts"][0]["decision"] = "a"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert [c.before["entity_id"] for c in adjudicate(tmp_path, "ann-a", "ann-b", mode="record").recorded] == ["trump"]  # type: ignore[index]
    _rewrite(tmp_path, {"m1": {"rule": "1.4", "reason": "slugs are the full name"}})
    assert adjudicate(tmp_path, "ann-a", "ann-b", mode="check").status == "unchanged"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["conflicts"][0]["decision"] = "b"  # the merge now has B's 'donald', not the 'trump' corrected
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorrectionsInvalid) as info:
        adjudicate(tmp_path, "ann-a", "ann-b", mode="check")
    [issue] = info.value.report.issues
    assert issue.code == "correction-before-differs"
    assert "'donald'" in issue.message


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"table": "mentions", "id": "m3"}, "table 'mentions' is not one of"),
        ({"table": "entities", "id": "m3", "before": None, "after": None}, "both null"),
        ({"table": "entities", "id": "m3", "before": {"label": "ORG", "colour": "red"}}, "unknown field(s) colour"),
        ({"table": "entities", "id": "m3", "before": {"start": "zero"}}, "wrong type"),
        ({"table": "entities", "doc_id": "", "after": {"start": 1}}, "'id' must name the item"),
    ],
    ids=["table", "no-change", "field", "type", "no-id"],
)
def test_a_correction_of_the_wrong_shape_is_bad_correction(root: Path, entry: dict[str, object], says: str) -> None:
    adjudicate(root, "ann-a", "ann-b", mode="record")
    path = root / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["corrections"].append({"doc_id": "ts-2025-02-12-test", "rule": "1", "reason": "r", **entry})
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorrectionsInvalid) as info:
        adjudicate(root, "ann-a", "ann-b", mode="record")
    [issue] = info.value.report.issues
    assert issue.code == "bad-correction"
    assert says in issue.message


def test_cli_record_check_and_their_exit_codes(root: Path) -> None:
    runner = CliRunner()
    where = ["--root", str(root)]
    refused = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", *where])
    assert isinstance(refused.exception, ReviewError)
    assert "'peacetalks adjudicate ann-a ann-b --record-corrections'" in "\n".join(error_lines(refused.exception))
    check = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--check", *where])
    assert check.exit_code == 1
    assert (
        "[not recorded] entities m3 'Der Kreml': merge ORG/NAME/NAM/kremlin  -> gold GPE/NAME/NAM/kremlin"
        in check.output
    )
    record = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--record-corrections", *where])
    assert record.exit_code == 1  # two corrections wait for their reasons
    assert "recorded 2 corrections" in record.output
    without = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--check", *where])
    assert isinstance(without.exception, CorrectionsInvalid)
    lines = error_lines(without.exception)
    assert any(line.startswith(f"{REVIEW}:") and "[correction-without-reason]" in line for line in lines)
    _rewrite(root, {"m3": {"rule": "1.1", "reason": "r"}, "s1": {"rule": "1.1", "reason": "r"}})
    done = runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--check", *where])
    assert done.exit_code == 0, done.output
    assert "gold == merge of ann-a and ann-b + 0 decisions + 2 corrections" in done.output
    assert runner.invoke(app, ["adjudicate", "ann-a", "ann-b", "--check", "--force", *where]).exit_code == 2


def test_bundled_gold_is_the_merge_with_its_decisions_and_corrections(tmp_path: Path) -> None:
    for folder in ("corpus", "annotations"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("history", "raw"))
    result = adjudicate(tmp_path, "annotator-a", "annotator-b", mode="check")
    assert (result.status, result.differences) == ("unchanged", [])
    assert len(result.corrections) >= 27
    assert all(c.complete for c in result.corrections)


def test_event_clusters_added_after_the_merge_are_corrections_that_a_forced_merge_writes(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(tmp_path, "ann-b")
    # every mention of an article with clusters has one (validate: partial-event-clusters)
    clustered = tiny_frames()
    clustered = edit(clustered, "events", pl.col("event_id") == "ev1", cluster_id="the-call")
    write_layer(tmp_path, None, edit(clustered, "events", pl.col("event_id") == "ev2", cluster_id="the-other"))
    recorded = adjudicate(tmp_path, "ann-a", "ann-b", mode="record").recorded
    assert [(c.table, c.id, c.differs) for c in recorded] == [
        ("events", "ev1", ["cluster_id"]),
        ("events", "ev2", ["cluster_id"]),
    ]
    _rewrite(tmp_path, {e: {"rule": "2.7", "reason": "an event of its own"} for e in ("ev1", "ev2")})
    write_layer(tmp_path, None)  # gold loses its clusters: the merge with the corrections brings them back
    assert adjudicate(tmp_path, "ann-a", "ann-b", mode="check").status == "differs"
    assert adjudicate(tmp_path, "ann-a", "ann-b", force=True).status == "written"
    events = read_table(tmp_path, EVENTS).sort("trigger_start")
    assert events["cluster_id"].to_list() == ["the-call", "the-other"]
