"""The seed article released stand-off and rehydrated from its raw file (corpus/raw/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peacetalks.loading.rehydrate import rehydrate_configs
from peacetalks.release.build import build_release, rehydrate_release
from peacetalks.release.checksums import release_files
from tests.conftest import PROJECT

LAYER = PROJECT / "annotations" / "layers" / "annotator-a"


@pytest.mark.skipif(not (LAYER / "entities.parquet").is_file(), reason="the annotator-a layer is not in this checkout")
def test_seed_article_rehydrates_from_its_raw_file_to_the_private_release(tmp_path: Path) -> None:
    """Stand-off release + the raw tagesschau file give the same Parquet bytes as --include-text.

    Both ways: ``peacetalks rehydrate`` (every file), and the config files load(texts=) fills in.
    """
    root = tmp_path / "corpus"
    shutil.copytree(PROJECT / "corpus", root / "corpus")
    shutil.copytree(LAYER, root / "annotations")  # one annotation pass stands in for gold here
    public = build_release(root, "0.1.0", tmp_path / "dist")
    assert len(public.standoff) == 1
    private = build_release(root, "0.1.0", tmp_path / "private", include_text=True).folder
    result = rehydrate_release(public.folder, PROJECT / "corpus" / "raw", tmp_path / "rehydrated")
    tables = [f for f in release_files(private) if f.endswith(".parquet")]
    assert tables == [f for f in release_files(result.folder) if f.endswith(".parquet")]
    assert all((result.folder / f).read_bytes() == (private / f).read_bytes() for f in tables)
    filled = rehydrate_configs(public.folder, PROJECT / "corpus" / "raw", tmp_path / "filled")
    data = [f for f in tables if f.startswith("data/")]
    assert data == [f for f in release_files(filled) if f.endswith(".parquet")]
    assert [f for f in data if (filled / f).read_bytes() != (private / f).read_bytes()] == []
