"""The synthetic benchmark corpus: valid by construction, and every planted error is found exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import KINDS, generate
from peacetalks import validate


def _found(root: Path) -> set[tuple[str, int, str]]:
    report = validate(root)
    return {(i.file, i.row, i.code) for i in report.issues if i.row is not None}


def test_clean_synthetic_corpus_is_valid(tmp_path: Path) -> None:
    """Without planted errors the generated corpus passes validation, in the benchmark's proportions."""
    planted = generate(tmp_path, 20, seed=3)
    report = validate(tmp_path)
    assert report.issues == []
    assert planted.counts["articles"] == 20
    assert planted.counts["entities"] == 20 * 50
    assert planted.counts["events"] == 20 * 10
    assert planted.counts["event_arguments"] == 20 * 20


@pytest.mark.parametrize("seed", [0, 1])
def test_validator_finds_exactly_the_planted_errors(tmp_path: Path, seed: int) -> None:
    """One error of each kind, each in its own article: the report is exactly the expected (file, row, code)."""
    planted = generate(tmp_path, 20, seed=seed, plant_errors=len(KINDS))
    assert len(planted) == len(KINDS)
    assert {e.kind for e in planted.errors} == {k.kind for k in KINDS}
    assert all(e.expected for e in planted.errors)
    report = validate(tmp_path)
    assert all(i.row is not None for i in report.issues)
    assert _found(tmp_path) == planted.expected()
    assert len(report.issues) == len(planted.expected())


def test_too_many_planted_errors_is_refused(tmp_path: Path) -> None:
    """Each planted error needs an article of its own."""
    with pytest.raises(ValueError, match="cannot plant"):
        generate(tmp_path, 3, plant_errors=4)
