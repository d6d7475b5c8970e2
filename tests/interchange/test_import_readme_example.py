"""The README's import example: a layer exported to brat and imported again is the same layer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.schema.tables import ANNOTATION_TABLES
from peacetalks.storage.parquet import read_table
from tests.conftest import PROJECT

LAYER = PROJECT / "annotations" / "layers" / "annotator-a"


@pytest.mark.skipif(not LAYER.is_dir(), reason="the annotator-a layer of the seed article is not in this checkout")
def test_exported_layer_imports_back_unchanged(tmp_path: Path) -> None:
    """export brat --layer annotator-a, then import brat with the exported mapping.yaml: same rows, valid layer."""
    shutil.copytree(PROJECT / "corpus", tmp_path / "corpus")
    shutil.copytree(LAYER, tmp_path / "annotations" / "layers" / "annotator-a")
    runner = CliRunner()
    out = tmp_path / "exported"
    res = runner.invoke(app, ["export", "brat", str(out), "--root", str(tmp_path), "--layer", "annotator-a"])
    assert res.exit_code == 0, res.output
    args = ["import", "brat", str(out), "--annotator", "annotator-d", "--mapping", str(out / "mapping.yaml")]
    res = runner.invoke(app, [*args, "--root", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for table in ANNOTATION_TABLES:
        cols = [
            c
            for c in table.columns
            if c not in ("mention_id", "event_id", "argument_id", "stance_id", "holder_mention_id")
        ]
        before = read_table(tmp_path, table, "annotator-a").select(cols).sort(cols)
        after = read_table(tmp_path, table, "annotator-d").select(cols).sort(cols)
        assert after.equals(before), table.name
