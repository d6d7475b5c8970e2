"""Agreement and adjudication on the two real annotation passes of the seed article (annotations/layers/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from peacetalks.review.adjudicate import adjudicate
from peacetalks.review.agreement import agreement
from peacetalks.review.items import versions
from peacetalks.storage.layers import read_layer
from peacetalks.validation.validate import validate
from tests.conftest import PROJECT

LAYERS = PROJECT / "annotations" / "layers"
pytestmark = pytest.mark.skipif(
    not (LAYERS / "annotator-a").is_dir() or not (LAYERS / "annotator-b").is_dir(),
    reason="the annotator layers annotator-a and annotator-b are not in this checkout",
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(LAYERS, tmp_path / "annotations" / "layers")
    return tmp_path


def test_agreement_of_the_two_passes_is_high_but_not_perfect(root: Path) -> None:
    report = agreement(root, "annotator-a", "annotator-b")
    for layer, kind in [("entities", "mention"), ("events", "trigger"), ("events", "argument"), ("stances", "stance")]:
        score = report.score(layer, kind, "(all)")
        assert score.exact.f1 is not None
        assert score.partial.f1 is not None
        assert 0.3 < score.exact.f1 <= score.partial.f1 <= 1.0, (layer, kind)
    label = report.attribute("entities", "mention", "label")
    assert label.pairs > 100
    assert label.kappa is not None


@pytest.mark.parametrize("side", ["a", "b"])
def test_deciding_every_conflict_for_one_side_reproduces_that_layer(root: Path, side: str) -> None:
    """Agreed items plus one side's versions of every conflict give back that annotator's layer exactly."""
    first = adjudicate(root, "annotator-a", "annotator-b")
    assert first.status == "pending"
    path = root / first.review_file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["conflicts"]:
        entry["decision"] = side if entry[side] is not None else "neither"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = adjudicate(root, "annotator-a", "annotator-b")
    assert (result.status, result.notes) == ("written", [])
    assert validate(root).valid
    gold = versions(read_layer(root, "gold"))
    layer = versions(read_layer(root, f"annotator-{side}"))
    for kind in gold:
        assert sorted(gold[kind]["content"]) == sorted(layer[kind]["content"]), kind
