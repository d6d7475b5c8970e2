"""Config builds on Daft (``engine="daft"``): the same pieces as the local build, from a folder, from frames,
in a release, and on a local Ray cluster (in a process of its own: tests/validation/ray_probe.py).

The corpora are synthetic (benchmarks/synth.py, no planted errors), sharded so that they fall into several
cuts. The Ray test does not cover a cluster of several machines (the corpus on a shared file system).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from benchmarks.synth import generate_sharded
from peacetalks.cli import app
from peacetalks.errors import EngineError
from peacetalks.loading.configs import CONFIG_NAMES, config_pieces, config_pieces_from_frames, joined
from peacetalks.release.checksums import MANIFEST
from peacetalks.schema.tables import ALL_TABLES
from peacetalks.storage.parquet import read_table
from tests.release._corpora import write_v2
from tests.validation.ray_probe import digests, probe

needs_daft = pytest.mark.skipif(
    find_spec("daft") is None or find_spec("ray") is None,
    reason="the daft engine is the scale extra (pip install 'peacetalks[scale]'), not installed here",
)
runner = CliRunner()


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("daft-build") / "corpus"
    generate_sharded(root, 1500, 3, seed=5, plant_errors=0)
    return root


def _same(a: dict[str, pa.Table], b: dict[str, pa.Table]) -> None:
    assert list(a) == list(b)
    for name in a:
        assert a[name].schema == b[name].schema, name
        assert a[name].equals(b[name]), name


@needs_daft
@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_daft_builds_the_local_pieces_from_a_sharded_folder(sharded: Path, config: str) -> None:
    local = joined(config_pieces(config, sharded))
    assert sum(t.num_rows for t in local.values()) > 0
    _same(local, joined(config_pieces(config, sharded, engine="daft")))


@needs_daft
def test_daft_builds_the_local_pieces_from_frames_cut_in_several_sets(sharded: Path) -> None:
    frames = {t: read_table(sharded, t) for t in ALL_TABLES}
    for config in ("documents", "events"):
        local = joined(config_pieces_from_frames(config, frames, cut_articles=400))
        _same(local, joined(config_pieces_from_frames(config, frames, cut_articles=400, engine="daft")))


@needs_daft
def test_release_engine_daft_writes_the_same_files(tmp_path: Path) -> None:
    root = write_v2(tmp_path / "corpus")
    manifests = []
    for engine in ("local", "daft"):
        out = tmp_path / engine
        args = ["release", "--version", "0.1.0", "--root", str(root), "--out", str(out), "--date", "2025-03-01"]
        done = runner.invoke(app, [*args, "--engine", engine])
        assert done.exit_code == 0, done.output
        manifests.append((out / "v0.1.0" / MANIFEST).read_text(encoding="utf-8"))
    assert "data/documents/" in manifests[0]
    assert manifests[0] == manifests[1]  # every file's sha256


def test_a_bad_engine_is_refused_before_anything_is_built(sharded: Path) -> None:
    with pytest.raises(EngineError) as caught:
        next(config_pieces("entities", sharded, engine="spark"))
    assert caught.value.code == "bad-engine"
    with pytest.raises(EngineError) as caught:
        next(config_pieces("entities", sharded, ray_address="auto"))
    assert caught.value.code == "bad-engine"


@needs_daft
@pytest.mark.slow
def test_daft_builds_on_a_local_ray_cluster_give_the_local_pieces(sharded: Path) -> None:
    found = probe("--build", str(sharded))
    assert found["runner"] == "ray"
    assert found["builds"] == [digests(str(sharded))]
    assert set(found["builds"][0]["documents"]) == {"train", "validation", "test"}
