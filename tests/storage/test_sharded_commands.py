"""The main commands give the same answer on a sharded copy of the bundled corpus as on the single-file one.

The bundled corpus holds one article, so of its three shards two are empty, and the article is moved
to the last shard (in every table: still co-partitioned), so a reader that read only the first shard,
or only ``x.parquet``, would find nothing. ``tests/storage/test_shards.py`` covers many documents per shard.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

import peacetalks
from peacetalks.cli import main
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.shards import is_sharded
from peacetalks.validation.checks.partition import SPLIT_CODE
from peacetalks.validation.validate import validate
from tests.conftest import PROJECT

COMMANDS = [
    ["validate", "--format", "json"],
    ["status", "show", "--format", "json"],
    ["status", "show", "--layer", "annotator-a", "--format", "json"],
    ["agree", "annotator-a", "annotator-b", "--format", "json"],
    ["agree", "annotator-a", "annotator-b", "--kind", "stances", "--format", "json"],
    ["export", "germeval2014", "{out}/train.tsv"],
    ["export", "jsonl", "{out}/corpus.jsonl"],
    ["export", "brat", "{out}/brat", "--layer", "annotator-a"],
    ["export", "webanno-tsv", "{out}/tsv", "--all-articles"],
    ["view", "--out", "{out}/site"],
    ["release", "--version", "0.1.0", "--out", "{out}/dist", "--date", "2026-03-01"],
]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled corpus twice: as it is, and cut into three shards."""
    folders = []
    for name in ("single", "sharded"):
        root = tmp_path_factory.mktemp(name) / "corpus-folder"
        for part in ("corpus", "annotations"):
            shutil.copytree(PROJECT / part, root / part, ignore=shutil.ignore_patterns(".peacetalks"))
        folders.append(root)
    assert shard_corpus(folders[1], shards=3).after == 3
    for first in folders[1].rglob("part-00000.parquet"):  # the article's rows to the last shard, in every table
        last = first.with_name("part-00002.parquet")
        first.rename(first.with_name("swap"))
        last.rename(first)
        first.with_name("swap").rename(last)
    assert is_sharded(folders[1])
    assert not is_sharded(folders[0])
    assert pl.read_parquet(folders[1] / "corpus" / "articles" / "part-00002.parquet").height == 1
    assert SPLIT_CODE not in validate(folders[1]).codes()
    return folders[0], folders[1]


def _run(argv: list[str], root: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = [a.format(out=out) for a in argv] + ["-r", str(root)]
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out.replace(str(root), "ROOT").replace(str(out), "OUT"), captured.err


def _tree(folder: Path) -> dict[str, object]:
    """Every file under ``folder``: a Parquet file as its rows, any other as its bytes."""
    found: dict[str, object] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        found[rel] = pl.read_parquet(path).to_dicts() if path.suffix == ".parquet" else path.read_bytes()
    return found


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_command_answers_the_same_on_the_sharded_copy(
    argv: list[str],
    copies: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    results = []
    for name, root in zip(("single", "sharded"), copies, strict=True):
        out = tmp_path / name
        out.mkdir()
        code, stdout, stderr = _run(argv, root, out, capsys)
        results.append((code, stdout, _tree(out)))
        assert code == 0, stderr
    assert results[0] == results[1]


@pytest.mark.parametrize("config", ["documents", "entities", "events", "stances", "tokens"])
def test_load_gives_the_same_rows_from_the_sharded_copy(
    config: str, copies: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    single, sharded = (peacetalks.load(config, source=str(root)) for root in copies)
    assert list(single) == list(sharded)
    for split in single:
        assert single[split].features == sharded[split].features
        assert single[split].to_list() == sharded[split].to_list(), split
