"""Split ratios are three finite non-negative numbers summing to 1; else ``bad-ratios``, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.cli import main
from peacetalks.errors import SplitError
from peacetalks.ingest.splits import SETTINGS_RELPATH, split_corpus
from tests.loading.corpora import Doc, write_corpus
from tests.storage.test_names import snapshot

DOCS = [Doc(f"doc-{i}", f"Artikel Nummer {i}.", f"story-{i}") for i in range(5)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "c", DOCS)


@pytest.mark.parametrize(
    "ratios",
    ["nan,0.5,0.5", "0.5,nan,0.5", "inf,0,0", "1e400,0,0", "-inf,1,1", "-0.1,0.6,0.5", "0.5,0.5,0.5", "nan,nan,nan"],
)
def test_non_finite_negative_or_not_summing_to_one_is_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], ratios: str
) -> None:
    before = snapshot(tmp_path)
    assert main(["split", "--ratios", ratios, "-r", str(corpus)]) == 1
    assert "[bad-ratios]" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("ratios", [(1.0, 0.0, 0.0), (0.8, 0.1, 0.1), (0.7, 0.2, 0.1)])
def test_what_was_allowed_stays_allowed(corpus: Path, ratios: tuple[float, float, float]) -> None:
    """Zeros (an empty split) and sums off by float rounding only still pass."""
    assert split_corpus(corpus, ratios=ratios).settings.ratios == ratios


def test_non_finite_ratios_in_splits_yaml_are_refused(corpus: Path) -> None:
    split_corpus(corpus)
    path = corpus / SETTINGS_RELPATH
    path.write_text(path.read_text(encoding="utf-8").replace("train: 0.8", "train: .nan"), encoding="utf-8")
    with pytest.raises(SplitError) as exc:
        split_corpus(corpus)
    assert exc.value.code == "bad-ratios"
