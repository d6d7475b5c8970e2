"""``validate(engine="daft")`` gives the local report, issue for issue, on Daft's native runner and on Ray.

The corpora are synthetic (benchmarks/synth.py) with planted errors of every kind, cut into several units
(tests/validation/test_shards.py's corpus: some errors are planted across units). The Ray test starts a
small local cluster in a process of its own (tests/validation/ray_probe.py), so the units, the UDF and the
results are serialised and checked by Ray's workers for real; it does not cover a cluster of several
machines (the corpus on a shared file system), which needs more than one machine.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.synth import KINDS, generate
from peacetalks import validate
from peacetalks.cli import app, main
from peacetalks.cli._options import Engine
from peacetalks.errors import EngineError
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.shards import shard_count
from peacetalks.validation import shards
from peacetalks.validation.daft_engine import _unit_result, results_array
from peacetalks.validation.shards import check_unit, units
from peacetalks.validation.validate import ENGINES
from tests.validation.ray_probe import probe
from tests.validation.test_shards import ARTICLES, GROUPS, _plant_across, _rewrite

runner = CliRunner()
SHARDS = 3
needs_daft = pytest.mark.skipif(
    find_spec("daft") is None or find_spec("ray") is None,
    reason="the daft engine is the scale extra (pip install 'peacetalks[scale]'), not installed here",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("daft")
    generate(root, ARTICLES, seed=11, plant_errors=2 * len(KINDS))
    _plant_across(root)
    _rewrite(root)
    return root


@pytest.fixture(scope="module")
def sharded(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same corpus as three shard folders (``peacetalks shard --shards 3``)."""
    root = tmp_path_factory.mktemp("daft-sharded") / "corpus"
    shutil.copytree(corpus, root)
    shard_corpus(root, shards=SHARDS)
    assert shard_count(root) == SHARDS
    return root


def _same_report(root: Path) -> None:
    """Same issues (code, file, row, doc, id, column, value, message), same order, same rows checked."""
    expected = validate(root)
    got = validate(root, engine="daft")
    assert got.checked == expected.checked
    assert got.issues == expected.issues
    codes = set(got.codes())
    assert {k.code for k in KINDS} <= codes  # every planted kind is in the report compared
    assert {"split-leakage", "near-duplicate-leakage", "mention-in-other-doc"} <= codes


@needs_daft
def test_daft_gives_the_local_report(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut into its row groups (units of at least one article, not 20,000), Daft gets a unit per group."""
    monkeypatch.setattr(shards, "UNIT_ARTICLES", 1)
    assert len(shards.units(corpus, min_articles=shards.UNIT_ARTICLES)) == GROUPS
    _same_report(corpus)


@needs_daft
def test_daft_gives_the_local_report_of_a_sharded_corpus(sharded: Path) -> None:
    assert len(units(sharded)) == SHARDS
    _same_report(sharded)


@needs_daft
def test_unit_results_survive_the_trip_through_arrow(corpus: Path) -> None:
    """What the UDF returns (Arrow structs) gives back each unit's issues, rows and keys, None fields included."""
    results = [check_unit(u) for u in units(corpus, min_articles=1)]
    array = results_array(results)
    back = [_unit_result(array, n) for n in range(len(array))]
    assert [r.index for r in back] == [r.index for r in results]
    assert [r.issues for r in back] == [r.issues for r in results]
    assert any(None in (i.record_id, i.column, i.value) for r in back for i in r.issues)
    assert [r.checked for r in back] == [r.checked for r in results]
    assert all(a.keys.equals(b.keys) for a, b in zip(back, results, strict=True))
    assert sum(r.keys.num_rows for r in back) > 0


@needs_daft
def test_a_single_unit_corpus_gives_the_local_report(corpus_dir: Path) -> None:
    """The tiny valid corpus of conftest.py: one unit, nothing to report, the same rows checked."""
    expected = validate(corpus_dir)
    got = validate(corpus_dir, engine="daft")
    assert (got.issues, got.checked) == (expected.issues, expected.checked)
    assert got.valid


@needs_daft
def test_validate_engine_daft_on_the_command_line(corpus: Path) -> None:
    local = runner.invoke(app, ["validate", "--root", str(corpus), "--format", "json"])
    daft = runner.invoke(app, ["validate", "--root", str(corpus), "--format", "json", "--engine", "daft"])
    assert (local.exit_code, daft.exit_code) == (1, 1)
    assert json.loads(daft.stdout) == json.loads(local.stdout)
    assert json.loads(daft.stdout)["errors"] > 0


@needs_daft
@pytest.mark.slow
def test_daft_on_a_local_ray_cluster_gives_the_local_report(corpus: Path, sharded: Path) -> None:
    """Single-file and sharded, on one local cluster of 2 CPUs."""
    found = probe(str(corpus), str(sharded))
    assert found["runner"] == "ray"
    assert found["reports"] == [validate(corpus).to_dict(), validate(sharded).to_dict()]
    assert found["reports"][0]["errors"] > 0


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@needs_daft
def test_a_ray_address_where_nothing_listens_is_engine_unreachable(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = f"127.0.0.1:{_closed_port()}"
    with pytest.raises(EngineError) as caught:
        validate(corpus_dir, engine="daft", ray_address=address)
    assert (caught.value.code, caught.value.data) == ("engine-unreachable", {"address": address})
    assert main(["validate", "--root", str(corpus_dir), "--ray-address", address]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"error: [engine-unreachable] no Ray cluster answers at {address}: ")
    assert lines[1].startswith("hint: check that a Ray cluster runs at ")


def test_without_daft_installed_the_engine_says_which_extra(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "daft", None)  # import daft now raises ImportError, as when not installed
    with pytest.raises(EngineError) as caught:
        validate(corpus_dir, engine="daft")
    assert caught.value.code == "engine-not-installed"
    assert caught.value.data == {"extra": "scale", "package": "daft"}


@pytest.mark.parametrize(
    ("engine", "address"), [("spark", None), ("local", "auto")], ids=["unknown engine", "ray address for local"]
)
def test_a_bad_engine_is_bad_engine(corpus_dir: Path, engine: str, address: str | None) -> None:
    with pytest.raises(EngineError) as caught:
        validate(corpus_dir, engine=engine, ray_address=address)
    assert caught.value.code == "bad-engine"


def test_ray_address_with_engine_local_is_a_usage_error(corpus_dir: Path) -> None:
    result = runner.invoke(app, ["validate", "-r", str(corpus_dir), "--engine", "local", "--ray-address", "auto"])
    assert result.exit_code == 2
    assert "--ray-address" in result.output


def test_the_cli_engines_are_the_library_engines() -> None:
    assert tuple(e.value for e in Engine) == ENGINES
