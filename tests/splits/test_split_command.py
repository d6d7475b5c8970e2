"""peacetalks split: stored, logged, refusing silent changes; leakage is a validation error."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from peacetalks import validate
from peacetalks.cli import app, main
from peacetalks.errors import SplitError
from peacetalks.ingest.splits import SETTINGS_RELPATH, current_splits, split_corpus
from peacetalks.schema.tables import SPLITS
from peacetalks.storage.parquet import read_table, write_tables
from tests.loading.corpora import Doc, write_corpus

DOCS = [Doc(f"doc-{i}", f"Artikel Nummer {i}.", f"story-{i % 7}") for i in range(30)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path, DOCS)


def test_split_writes_the_assignment_and_records_the_settings(corpus: Path) -> None:
    result = split_corpus(corpus, seed=5, ratios=(0.6, 0.2, 0.2))
    stored = read_table(corpus, SPLITS)
    assert stored.equals(result.assignment)
    assert stored.height == len(DOCS)
    recorded = yaml.safe_load((corpus / SETTINGS_RELPATH).read_text(encoding="utf-8"))
    assert (recorded["seed"], recorded["ratios"], recorded["group_by"]) == (
        5,
        {"train": 0.6, "validation": 0.2, "test": 0.2},
        "story",
    )
    assert [c["action"] for c in recorded["changes"]] == ["created"]
    assert validate(corpus).valid


def test_changed_settings_need_reassign_and_are_logged(corpus: Path) -> None:
    split_corpus(corpus, seed=1)
    with pytest.raises(SplitError) as info:
        split_corpus(corpus, seed=2)
    assert info.value.code == "split-settings-changed"
    result = split_corpus(corpus, seed=2, reassign=True)
    recorded = yaml.safe_load((corpus / SETTINGS_RELPATH).read_text(encoding="utf-8"))
    assert [c["action"] for c in recorded["changes"]] == ["created", "reassigned"]
    assert recorded["changes"][-1]["moved"] == result.moved
    assert recorded["changes"][-1]["previous"]["seed"] == 1


def test_added_articles_get_a_split_and_removed_ones_leave(corpus: Path) -> None:
    before = split_corpus(corpus).assignment
    write_corpus(corpus, [*DOCS[1:], Doc("doc-new", "Ein neuer Artikel.", "story-3")])
    result = split_corpus(corpus)
    assert (result.added, result.removed, result.moved) == (1, 1, 0)
    kept = result.assignment.join(before, on="doc_id", suffix="_before")
    assert (kept["split"] == kept["split_before"]).all()
    story3 = result.assignment.filter(pl.col("group_id") == "story:story-3")["split"].unique()
    assert story3.len() == 1


def test_unsplit_articles_get_the_split_the_command_would_give(corpus: Path) -> None:
    """Loading never writes: articles missing from splits.parquet are assigned on the fly."""
    expected = split_corpus(corpus, dry_run=True).assignment
    assert not (corpus / "corpus" / "splits.parquet").exists()
    assert current_splits(corpus).equals(expected)


def test_leakage_is_a_validation_error_with_row_and_code(corpus: Path) -> None:
    write_corpus(corpus, [*DOCS, Doc("doc-copy", "ARTIKEL  nummer 0.", "story-x")])
    split_corpus(corpus)
    stored = read_table(corpus, SPLITS)
    original = stored.filter(pl.col("doc_id") == "doc-0")["split"].item()
    other = "test" if original != "test" else "train"
    moved = stored.with_columns(
        pl.when(pl.col("doc_id") == "doc-copy").then(pl.lit(other)).otherwise(pl.col("split")).alias("split")
    )
    write_tables(corpus, {SPLITS: moved})
    report = validate(corpus)
    rows = dict(zip(moved["doc_id"].to_list(), range(moved.height), strict=True))
    assert report.flatten(["file", "row", "column", "code"]) == [
        ["corpus/splits.parquet", rows["doc-0"], "split", "split-leakage"],
        ["corpus/splits.parquet", rows["doc-copy"], "split", "split-leakage"],
    ]


def test_cli_reports_counts_and_says_when_a_split_is_empty(tmp_path: Path) -> None:
    write_corpus(tmp_path, [Doc("only-doc", "Ein einziger Artikel.")])
    result = CliRunner().invoke(app, ["split", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 kept, 0 moved, 0 removed" in result.output
    counts = [line for line in result.output.splitlines() if re.match(r"\w+: \d+ articles? in \d+ groups?$", line)]
    assert len(counts) == 3
    assert sum(int(line.split(": ")[1].split()[0]) for line in counts) == 1
    assert (
        sum(
            line.startswith("split ")
            and line.endswith("is empty: the corpus has too few article groups for the ratios")
            for line in result.output.splitlines()
        )
        == 2
    )


def test_cli_refuses_a_silent_change_with_exit_1(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["split", "--root", str(corpus)]) == 0
    assert main(["split", "--root", str(corpus), "--ratios", "0.5,0.25,0.25"]) == 1
    err = capsys.readouterr().err
    assert "error: corpus/splits.yaml [split-settings-changed]" in err
    assert "hint: pass --reassign " in err  # the CLI's flag for the library's reassign=True
    assert main(["split", "--root", str(corpus), "--ratios", "0.5,0.25"]) == 2
