"""peacetalks.load(): sources, splits, the Arrow cache, and errors as codes."""

from __future__ import annotations

import os
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

import peacetalks
from peacetalks.errors import LoadError
from peacetalks.loading.configs import build_config, features
from peacetalks.loading.load import cache_root, resolve_source
from peacetalks.release.checksums import checksums, release_files, render_manifest
from peacetalks.storage.roots import bundled_root, find_corpus_root


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PEACETALKS_CACHE", str(folder))
    return folder


def test_load_returns_every_split_with_classlabel_features(corpus_dir: Path) -> None:
    ds = peacetalks.load("entities", source=corpus_dir)
    assert isinstance(ds, datasets.DatasetDict)
    assert list(ds) == ["train", "validation", "test"]
    assert sum(d.num_rows for d in ds.values()) == 3
    assert ds["train"].features == features("entities")


def test_load_with_a_split_returns_one_memory_mapped_dataset(corpus_dir: Path) -> None:
    ds = peacetalks.load("documents", "train", source=corpus_dir)
    assert isinstance(ds, datasets.Dataset)
    assert ds.split == "train"
    assert ds.cache_files
    assert ds.cache_files[0]["filename"].startswith(str(cache_root()))


def test_second_load_reuses_the_cache_and_a_changed_file_rebuilds(corpus_dir: Path) -> None:
    first = peacetalks.load("entities", "train", source=corpus_dir)
    again = peacetalks.load("entities", "train", source=corpus_dir)
    assert first.cache_files == again.cache_files
    entities = corpus_dir / "annotations" / "entities.parquet"
    table = pq.read_table(entities).slice(0, 2)
    pq.write_table(table, entities)
    os.utime(entities, ns=(1, 1))
    rebuilt = peacetalks.load("entities", "train", source=corpus_dir)
    assert rebuilt.cache_files != first.cache_files
    assert rebuilt.num_rows == 2


def test_release_folder_is_read_with_load_dataset(tmp_path: Path, corpus_dir: Path) -> None:
    """A folder with README.md (configs in its YAML header) and data/<config>/<split>-*.parquet.

    datasets 5 cannot read a split of 0 rows from Parquet, so the release lists non-empty splits only.
    """
    release = tmp_path / "release"
    header = ["---", "configs:"]
    for config in ("entities", "documents"):
        header += [f"- config_name: {config}", "  data_files:"]
        for split, table in build_config(config, corpus_dir).items():
            if table.num_rows == 0:
                continue
            path = release / "data" / config / f"{split}-00000-of-00001.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path)
            header += [f"  - split: {split}", f"    path: data/{config}/{split}-*.parquet"]
    (release / "README.md").write_text("\n".join([*header, "---", "# release"]) + "\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:  # a release is checked against its manifest before use
        peacetalks.load("entities", "train", source=release)
    assert exc.value.code == "missing-manifest"
    sums = checksums(release, release_files(release))
    (release / "SHA256SUMS").write_text(render_manifest(sums), encoding="utf-8")
    ds = peacetalks.load("entities", "train", source=release)
    assert isinstance(ds, datasets.Dataset)
    assert ds.num_rows == 3
    assert ds.features["label"].names == list(peacetalks.load_scheme().entity_labels)


def test_default_source_is_the_corpus_folder_around_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "articles.parquet").write_bytes(b"")
    (tmp_path / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "deep")
    assert find_corpus_root() == tmp_path
    assert resolve_source(None).location == str(tmp_path)


def test_default_source_outside_a_checkout_is_the_bundled_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_source(None).location == str(bundled_root())


def test_repo_id_is_a_hub_source_with_its_revision() -> None:
    found = resolve_source("peacetalks/peacetalks-de", "v1.0.0")
    assert (found.kind, found.location) == ("hub", "peacetalks/peacetalks-de")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"config": "nope"}, "unknown-config"),
        ({"split": "dev"}, "unknown-split"),
        ({"source": "no/such/folder/here"}, "source-not-found"),
        ({"revision": "v1"}, "revision-needs-hub"),
        ({"source": "."}, "unknown-source"),
    ],
)
def test_bad_arguments_are_load_errors_with_codes(
    kwargs: dict[str, str], code: str, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "corpus" if kwargs.get("source") == "." else corpus_dir)
    if "source" not in kwargs:
        kwargs = {**kwargs, "source": str(corpus_dir)}
    with pytest.raises(LoadError) as info:
        peacetalks.load(**kwargs)
    assert info.value.code == code
