"""Agreement between two layers: P/R/F1 per label with exact and partial spans, kappa and alpha on attributes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app, main
from peacetalks.errors import ReviewError
from peacetalks.review.agreement import agreement
from tests.conftest import tiny_frames
from tests.interchange.helpers import drop, edit, write_corpus, write_layer


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    return tmp_path


def test_identical_layers_agree_perfectly(root: Path) -> None:
    write_layer(root, "ann-b")
    report = agreement(root, "ann-a", "ann-b")
    for layer, kind in [("entities", "mention"), ("events", "trigger"), ("events", "argument"), ("stances", "stance")]:
        score = report.score(layer, kind, "(all)")
        assert (score.exact.f1, score.partial.f1) == (1.0, 1.0), (layer, kind)
    assert report.attribute("entities", "mention", "label").pairs == 3
    assert report.attribute("events", "trigger", "category").observed == 1.0


def test_shifted_span_counts_as_partial_not_exact(root: Path) -> None:
    """B's 'Trump' mention ends one character early: exact recall of PER drops to 1/2, partial stays 1."""
    frames = edit(tiny_frames(), "entities", pl.col("mention_id") == "m1", end=4, text="Trum")
    write_layer(root, "ann-b", frames)
    per = agreement(root, "ann-a", "ann-b", kinds=["entities"]).score("entities", "mention", "PER")
    assert (per.n_a, per.n_b) == (2, 2)
    assert (per.exact.matched_a, per.exact.recall, per.exact.precision) == (1, 0.5, 0.5)
    assert (per.partial.recall, per.partial.precision, per.partial.f1) == (1.0, 1.0, 1.0)


def test_missing_item_lowers_recall_only(root: Path) -> None:
    frames = drop(tiny_frames(), "entities", pl.col("mention_id") == "m3")
    frames = drop(frames, "stances", pl.lit(value=True))
    frames = drop(frames, "event_arguments", pl.lit(value=True))
    write_layer(root, "ann-b", frames)
    report = agreement(root, "ann-a", "ann-b")
    org = report.score("entities", "mention", "ORG")
    assert (org.n_a, org.n_b, org.exact.recall, org.exact.precision, org.exact.f1) == (1, 0, 0.0, None, None)
    total = report.score("entities", "mention", "(all)")
    assert total.exact.recall == pytest.approx(2 / 3)
    assert total.exact.precision == 1.0
    assert report.score("events", "argument", "(all)").exact.recall == 0.0


def test_label_disagreement_shows_in_kappa_and_in_per_label_scores(root: Path) -> None:
    """B calls 'Der Kreml' a GPE: the span pairs, label agreement is 2/3, ORG recall is 0."""
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE"))
    report = agreement(root, "ann-a", "ann-b", kinds=["entities"])
    label = report.attribute("entities", "mention", "label")
    assert label.pairs == 3
    assert label.observed == pytest.approx(2 / 3)
    # A: PER PER ORG, B: PER PER GPE; p_o = 2/3, p_e = (2*2)/9 = 4/9, kappa = (2/9)/(5/9) = 0.4
    assert label.kappa == pytest.approx(0.4)
    assert label.alpha is not None
    assert report.score("entities", "mention", "ORG").exact.recall == 0.0
    assert report.score("entities", "mention", "GPE").exact.precision == 0.0


def test_event_attributes_and_arguments_compare_by_trigger_span(root: Path) -> None:
    """Different ids, same spans: events still match; a changed mode and role show as attribute disagreement."""
    frames = tiny_frames()
    frames = edit(frames, "events", pl.col("event_id") == "ev1", mode="visit")
    frames = edit(frames, "event_arguments", pl.col("argument_id") == "a2", role="RECIPIENT")
    renamed = {
        **frames,
        "events": frames["events"].with_columns(pl.col("event_id") + "x"),
        "event_arguments": frames["event_arguments"].with_columns(pl.col("event_id") + "x"),
        "stances": frames["stances"].with_columns(pl.col("event_id") + "x"),
    }
    write_layer(root, "ann-b", renamed)
    report = agreement(root, "ann-a", "ann-b", kinds=["events"])
    assert report.score("events", "trigger", "(all)").exact.f1 == 1.0
    assert report.attribute("events", "trigger", "mode").observed == 0.5
    assert report.attribute("events", "argument", "role").observed == pytest.approx(2 / 3)
    actor = report.score("events", "argument", "ACTOR")
    assert (actor.n_a, actor.n_b, actor.exact.matched_a) == (2, 1, 1)


def test_stance_evidence_overlap_is_partial_and_polarity_is_compared(root: Path) -> None:
    frames = edit(tiny_frames(), "stances", pl.col("stance_id") == "s1", evidence_start=40, polarity="AGAINST")
    frames = edit(frames, "stances", pl.col("stance_id") == "s1", evidence_text="bestätigte das Telefonat.")
    write_layer(root, "ann-b", frames)
    report = agreement(root, "ann-a", "ann-b", kinds=["stances"])
    total = report.score("stances", "stance", "(all)")
    assert (total.exact.f1, total.partial.f1) == (0.0, 0.0)  # polarity differs: no match under either rule
    polarity = report.attribute("stances", "stance", "polarity")
    assert (polarity.pairs, polarity.observed) == (1, 0.0)


def test_gold_can_be_compared_with_a_layer(root: Path) -> None:
    write_layer(root, None)
    assert agreement(root, "gold", "ann-a").score("entities", "mention", "(all)").exact.f1 == 1.0


def test_unknown_layer_is_an_error_with_code(root: Path) -> None:
    with pytest.raises(ReviewError) as info:
        agreement(root, "ann-a", "nobody")
    assert (info.value.code, info.value.path) == ("unknown-layer", "annotations/layers/nobody")


def test_cli_agree_prints_one_table_per_layer_and_json(root: Path) -> None:
    write_layer(root, "ann-b")
    runner = CliRunner()
    result = runner.invoke(app, ["agree", "ann-a", "ann-b", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "entities: ann-a (A, reference) vs ann-b (B)" in result.output
    assert "stances: attributes of matched items" in result.output
    result = runner.invoke(
        app, ["agree", "ann-a", "ann-b", "--root", str(root), "--kind", "events", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [k["kind"] for k in data["kinds"]] == ["events"]


def test_cli_agree_unknown_layer_exits_1_with_code(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agree", "ann-a", "nobody", "--root", str(root)]) == 1
    assert "error: annotations/layers/nobody [unknown-layer]" in capsys.readouterr().err


PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("columns", ["200", "80", "50", "30"])
def test_cli_agree_never_cuts_a_number_whatever_the_width(columns: str) -> None:
    """At any terminal width (or piped), every score of the report is printed in full, and nothing is cut to '…'."""
    runner = CliRunner()
    args = ["agree", "annotator-a", "annotator-b", "-r", str(PROJECT)]
    result = runner.invoke(app, args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    numbers = [v for row in agreement(PROJECT, "annotator-a", "annotator-b").rows() for v in row.values()]
    printed = result.output.split()
    missing = [v for v in numbers if isinstance(v, float) and f"{v:.3f}" not in printed]
    assert missing == []
    # both rules in one table where it fits (80 columns), exact and partial apart where it does not
    assert ("exact spans" in result.output) == (int(columns) < 80)


def test_cli_agree_csv_is_one_row_per_label_and_attribute(root: Path) -> None:
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m1", end=4, text="Trum"))
    result = CliRunner().invoke(app, ["agree", "ann-a", "ann-b", "--root", str(root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(result.stdout.encode())
    rows = agreement(root, "ann-a", "ann-b").rows()
    assert table.columns == list(rows[0])
    assert table.height == len(rows)
    per = table.filter((pl.col("kind") == "entities") & (pl.col("name") == "PER")).row(0, named=True)
    assert (per["n_a"], per["n_b"], per["exact_recall"], per["partial_recall"]) == (2, 2, 0.5, 1.0)
    assert table.filter(pl.col("section") == "attributes")["pairs"].null_count() == 0


def test_stance_holder_is_compared_by_entity_whatever_the_ids(root: Path) -> None:
    """B names every entity differently: the holders still agree, mapped by shared mention spans."""
    frames = tiny_frames()
    renamed = {**frames, "entities": frames["entities"].with_columns(pl.col("entity_id") + "-b")}
    write_layer(root, "ann-b", renamed)
    holder = agreement(root, "ann-a", "ann-b", kinds=["stances"]).attribute("stances", "evidence", "holder")
    assert (holder.pairs, holder.observed) == (1, 1.0)


def test_another_holder_pairs_by_evidence_and_disagrees_on_the_holder(root: Path) -> None:
    """B gives the stance to another entity: no stance pair (it pairs on the holder), but an evidence pair."""
    held = tiny_frames()["stances"]["holder_mention_id"][0]
    other = "m2" if held != "m2" else "m1"
    write_layer(root, "ann-b", edit(tiny_frames(), "stances", pl.col("stance_id") == "s1", holder_mention_id=other))
    report = agreement(root, "ann-a", "ann-b", kinds=["stances"])
    assert report.score("stances", "stance", "(all)").exact.matched_a == 0
    holder = report.attribute("stances", "evidence", "holder")
    assert (holder.pairs, holder.observed) == (1, 0.0)
