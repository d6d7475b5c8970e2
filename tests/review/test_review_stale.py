"""A review file is dated by the fingerprints of its two layers; one written for other contents is refused."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from peacetalks.cli import main
from peacetalks.errors import ReviewError
from peacetalks.review.adjudicate import adjudicate
from peacetalks.storage.layers import layer_fingerprint, read_layer
from tests.conftest import tiny_frames
from tests.interchange.helpers import edit, write_corpus, write_layer
from tests.storage.test_names import snapshot

REVIEW = "annotations/review/ann-a--ann-b.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "c"
    write_corpus(folder)
    write_layer(folder, "ann-a")
    write_layer(folder, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE"))
    assert adjudicate(folder, "ann-a", "ann-b").status == "pending"
    data = yaml.safe_load((folder / REVIEW).read_text(encoding="utf-8"))
    for entry in data["conflicts"]:
        entry["decision"] = "a"
    (folder / REVIEW).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_review_file_records_the_fingerprints_of_both_layers(root: Path) -> None:
    data = yaml.safe_load((root / REVIEW).read_text(encoding="utf-8"))
    assert data["fingerprints"] == {
        "a": layer_fingerprint(read_layer(root, "ann-a")),
        "b": layer_fingerprint(read_layer(root, "ann-b")),
    }


def test_a_review_file_of_unchanged_layers_is_applied(root: Path) -> None:
    assert adjudicate(root, "ann-a", "ann-b").status == "written"


def test_a_layer_rewritten_with_the_same_rows_keeps_its_fingerprint(root: Path) -> None:
    write_layer(root, "ann-a")
    assert adjudicate(root, "ann-a", "ann-b").status == "written"


def test_a_review_file_older_than_a_layer_change_is_refused(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ann-b changed after the decisions were taken: the same conflict ids, but another version of b."""
    write_layer(root, "ann-b", edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", entity_id="moscow"))
    before = snapshot(tmp_path)
    code = main(["adjudicate", "ann-a", "ann-b", "-r", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{REVIEW} [stale-review-file]" in err
    assert "ann-b" in err
    assert snapshot(tmp_path) == before  # no gold written, the review file kept as it was
    assert not (root / "annotations" / "entities.parquet").exists()


def test_a_review_file_without_fingerprints_is_refused(root: Path) -> None:
    path = root / REVIEW
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["fingerprints"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ReviewError) as exc:
        adjudicate(root, "ann-a", "ann-b")
    assert exc.value.code == "stale-review-file"
    assert exc.value.data["changed"] == ["ann-a", "ann-b"]
