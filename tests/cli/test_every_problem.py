"""The CLI prints every problem of a report (the README promises every one), and all of them as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.schema.tables import ENTITIES
from tests.conftest import DOC, tiny_frames
from tests.interchange.helpers import write_corpus, write_layer

BAD_ROWS = 75  # more than the 50 the CLI used to print


def _many_bad_entities() -> dict[str, pl.DataFrame]:
    """The tiny corpus plus BAD_ROWS mentions beyond the end of the text (one span-out-of-bounds each)."""
    frames = tiny_frames()
    bad = pl.DataFrame(
        {
            "doc_id": [DOC] * BAD_ROWS,
            "mention_id": [f"x{i}" for i in range(BAD_ROWS)],
            "start": [1000 + i for i in range(BAD_ROWS)],
            "end": [1001 + i for i in range(BAD_ROWS)],
            "text": ["x"] * BAD_ROWS,
            "label": ["PER"] * BAD_ROWS,
            "form": ["NAME"] * BAD_ROWS,
            "mention_type": ["NAM"] * BAD_ROWS,
            "entity_id": [f"x{i}" for i in range(BAD_ROWS)],
        },
        schema=ENTITIES.polars_schema(),
    )
    return {**frames, "entities": pl.concat([frames["entities"], bad])}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path)
    write_layer(tmp_path, None, _many_bad_entities())
    write_layer(tmp_path, "ann-a", _many_bad_entities())
    write_layer(tmp_path, "ann-b", _many_bad_entities())
    return tmp_path


def test_an_error_with_a_report_prints_every_problem(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "--version", "0.1.0", "--out", str(root / "dist"), "-r", str(root)]) == 1
    err = capsys.readouterr().err
    out_of_bounds = [line for line in err.splitlines() if "[span-out-of-bounds]" in line]
    assert len(out_of_bounds) == BAD_ROWS
    assert "more problem" not in err


def test_format_json_gives_the_error_and_its_whole_report(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two layers with the same invalid rows: refused before merging (layer-invalid), every issue in the JSON."""
    assert main(["adjudicate", "ann-a", "ann-b", "--into", "ann-c", "--format", "json", "-r", str(root)]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["error"]["code"] == "layer-invalid"
    codes = [issue["code"] for issue in data["report"]["issues"]]
    assert codes.count("span-out-of-bounds") == BAD_ROWS
    assert data["report"]["counts"]["span-out-of-bounds"] == BAD_ROWS
    assert "[layer-invalid]" in captured.err
