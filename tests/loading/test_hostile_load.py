"""peacetalks.load/scan/read_pandas on hostile input: one coded error each, never a traceback or a silent accept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import peacetalks
from peacetalks.cli import app
from peacetalks.errors import LoadError, PeaceTalksError, ValidationFailed
from peacetalks.loading.cache import cache_entries, prune_cache
from peacetalks.release.build import build_release
from tests.conftest import DOC
from tests.release._corpora import write_texts, write_v2
from tests.release.hub_standin import HubStandIn

PROBE = Path(__file__).with_name("load_probe.py")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PEACETALKS_CACHE", str(folder))
    return folder


Call = Callable[[Path], object]
WRONG_TYPES: list[tuple[str, Call, str]] = [
    ("mention_types=5", lambda c: peacetalks.load("tokens", source=c, mention_types=5), "mention_types"),
    ("mention_types='NAM'", lambda c: peacetalks.load("tokens", source=c, mention_types="NAM"), "mention_types"),
    ("mention_types=[1]", lambda c: peacetalks.load("tokens", source=c, mention_types=[1]), "mention_types"),
    ("mention_types={}", lambda c: peacetalks.load("tokens", source=c, mention_types={"NAM": 1}), "mention_types"),
    ("tagset=5", lambda c: peacetalks.load("tokens", source=c, tagset=5), "tagset"),
    ("config=5", lambda c: peacetalks.load(5, source=c), "config"),  # type: ignore[arg-type]
    ("split=0", lambda c: peacetalks.load("entities", 0, source=c), "split"),  # type: ignore[arg-type]
    ("source=5", lambda _c: peacetalks.load("entities", source=5), "source"),  # type: ignore[arg-type]
    ("revision=1", lambda _c: peacetalks.load("entities", source="o/n", revision=1), "revision"),  # type: ignore[arg-type]
    ("texts=5", lambda c: peacetalks.load("entities", source=c, texts=5), "texts"),  # type: ignore[arg-type]
    ("scan(5)", lambda c: peacetalks.scan(5, source=c), "name"),  # type: ignore[arg-type]
    ("scan(source=[])", lambda _c: peacetalks.scan("entities", source=[]), "source"),  # type: ignore[arg-type]
    ("read_pandas(split=1)", lambda c: peacetalks.read_pandas("entities", split=1, source=c), "split"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("case", "call", "parameter"), WRONG_TYPES, ids=[c[0] for c in WRONG_TYPES])
def test_an_argument_of_the_wrong_type_is_bad_argument_naming_it(
    case: str, call: Call, parameter: str, corpus_dir: Path
) -> None:
    with pytest.raises(LoadError) as info:
        call(corpus_dir)
    assert (info.value.code, info.value.data["parameter"]) == ("bad-argument", parameter), case
    assert info.value.data["expected"]
    assert f"{parameter}=" in info.value.message


def test_a_huge_wrong_value_is_shown_truncated(corpus_dir: Path) -> None:
    with pytest.raises(LoadError) as info:
        peacetalks.load("tokens", source=corpus_dir, mention_types="N" * 100_000)
    assert info.value.code == "bad-argument"
    assert len(info.value.message) < 300


def test_a_folder_with_a_readme_and_junk_is_neither_corpus_nor_release(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "README.md").write_text("# not a release\n", encoding="utf-8")
    (junk / "data").mkdir()
    (junk / "data" / "notes.txt").write_text("x", encoding="utf-8")
    (junk / "model.bin").write_bytes(b"\0" * 16)
    for call in (lambda: peacetalks.load("entities", source=junk), lambda: peacetalks.scan("entities", source=junk)):
        with pytest.raises(LoadError) as info:
            call()
        assert (info.value.code, info.value.path) == ("unknown-source", str(junk))
        assert "README.md" in info.value.message


def test_a_release_without_the_config_asked_for_is_missing_config(tmp_path: Path) -> None:
    release = tmp_path / "release"
    (release / "data" / "entities").mkdir(parents=True)
    (release / "data" / "entities" / "train-00000-of-00001.parquet").write_bytes(b"")
    (release / "README.md").write_text("# release\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        peacetalks.load("events", source=release)
    assert (info.value.code, info.value.path) == ("missing-config", str(release / "data" / "events"))


def test_a_misspelt_path_under_a_local_folder_names_the_close_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dist" / "v0.1.0").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LoadError) as info:
        peacetalks.load("entities", source="dist/v0.l.0")
    assert info.value.code == "source-not-found"
    assert "did you mean dist/v0.1.0?" in info.value.message
    assert info.value.data["existing_parent"] == "dist"


def _probe(source: str, endpoint: str, cwd: Path, *revision: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "HF_ENDPOINT": endpoint,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HOME": str(cwd / "hf-home"),
        "HF_HUB_OFFLINE": "0",
        "HF_DATASETS_OFFLINE": "0",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, str(PROBE), source, *revision],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def hub() -> Iterator[HubStandIn]:
    with HubStandIn() as server:
        yield server


def test_an_owner_name_path_whose_owner_is_local_never_asks_the_hub(hub: HubStandIn, tmp_path: Path) -> None:
    """``dist/v0.2.0`` beside a ``dist/`` folder is a misspelt path: source-not-found, and no request to the Hub."""
    (tmp_path / "dist" / "v0.1.0").mkdir(parents=True)
    result = _probe("dist/v0.2.0", hub.endpoint, tmp_path)
    assert result.get("code") == "source-not-found", result
    assert hub.requests == []


def test_a_repo_the_hub_does_not_have_is_hub_not_found(hub: HubStandIn, tmp_path: Path) -> None:
    result = _probe("nobody/nothing", hub.endpoint, tmp_path)
    assert result.get("code") == "hub-not-found", result
    assert result["data"]["repo_id"] == "nobody/nothing"
    assert result["data"]["cause"]
    assert hub.requests  # it was asked


def test_a_hub_that_cannot_be_reached_is_hub_unreachable_with_the_cause(tmp_path: Path) -> None:
    """Nothing listens on the port of a server just closed: the connection is refused."""
    with HubStandIn() as closed:
        endpoint = closed.endpoint
    (tmp_path / "dsit").mkdir()  # not the owner: a close name, offered in the message
    result = _probe("dist/v0.1.0", endpoint, tmp_path)
    assert result.get("code") == "hub-unreachable", result
    assert result["data"]["cause"]
    assert "did you mean dsit/v0.1.0?" in result["message"]


# --- stand-off releases and texts= ---------------------------------------------------------


@pytest.fixture
def public(tmp_path: Path) -> Path:
    return build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder


def _load_texts(release: Path, texts: Path) -> Any:
    return peacetalks.load("documents", "train", source=release, texts=texts)


def test_a_release_without_sha256sums_is_missing_manifest(public: Path, tmp_path: Path) -> None:
    (public / "SHA256SUMS").unlink()
    with pytest.raises(PeaceTalksError) as info:
        _load_texts(public, write_texts(tmp_path / "texts"))
    assert (info.value.code, info.value.path) == ("missing-manifest", str(public))


def test_after_a_good_load_a_missing_texts_folder_is_an_error(public: Path, tmp_path: Path) -> None:
    ds = _load_texts(public, write_texts(tmp_path / "texts"))
    assert DOC in ds["doc_id"]
    assert all(text for text in ds["text"])
    with pytest.raises(LoadError) as info:
        _load_texts(public, tmp_path / "nonexistent")
    assert (info.value.code, info.value.path) == ("texts-not-found", str(tmp_path / "nonexistent"))
    with pytest.raises(PeaceTalksError) as kind:
        _load_texts(public, tmp_path / "texts" / f"{DOC}.txt")
    assert (kind.value.code, kind.value.data["what"]) == ("not-a-folder", "texts=")


def test_after_a_good_load_a_wrong_copy_is_refused_not_served_from_the_cache(public: Path, tmp_path: Path) -> None:
    _load_texts(public, write_texts(tmp_path / "texts"))
    with pytest.raises(ValidationFailed) as info:
        _load_texts(public, write_texts(tmp_path / "wrong", wrong=True))
    assert info.value.report.flatten(["doc_id", "code"]) == [[DOC, "text-sha256-mismatch"]]


def test_the_same_texts_from_another_folder_reuse_the_copy(public: Path, tmp_path: Path) -> None:
    first = _load_texts(public, write_texts(tmp_path / "texts"))
    again = _load_texts(public, write_texts(tmp_path / "elsewhere"))
    assert [e.config for e in cache_entries()] == ["rehydrated"]
    assert first["text"] == again["text"]


def test_rehydrated_copies_are_listed_as_licensed_texts_and_pruned(public: Path, tmp_path: Path) -> None:
    ds = _load_texts(public, write_texts(tmp_path / "texts"))
    (entry,) = cache_entries()
    assert (entry.config, entry.state, entry.licensed_texts, entry.root) == (
        "rehydrated",
        "current",
        True,
        str(public.resolve()),
    )
    # datasets' own Arrow copy of the filled-in texts lives inside the entry, so pruning takes it too
    assert all(Path(f["filename"]).is_relative_to(entry.path) for f in ds.cache_files)
    runner = CliRunner()
    listed = runner.invoke(app, ["cache", "list"])
    assert listed.exit_code == 0, listed.output
    fields = listed.stdout.split()
    assert (fields[0], fields[3], fields[4], fields[5]) == ("current", "rehydrated", "licensed", str(entry.path))
    as_json = runner.invoke(app, ["cache", "list", "--format", "json"])
    assert [e["licensed_texts"] for e in json.loads(as_json.stdout)] == [True]
    assert [e.path for e in prune_cache()] == [entry.path]
    assert not entry.path.exists()
    assert cache_entries() == []
