"""Which corpus folder a command works on: found upwards like git, else bundled for reading only."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import CorpusRootError
from peacetalks.storage import roots
from peacetalks.storage.roots import bundled_root, corpus_root, find_corpus_root


def _corpus(folder: Path) -> Path:
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "articles.parquet").write_bytes(b"")
    return folder


def test_the_nearest_corpus_folder_above_the_start_is_found(tmp_path: Path) -> None:
    outer = _corpus(tmp_path)
    inner = _corpus(tmp_path / "a" / "copy")
    (inner / "corpus" / "raw").mkdir()
    assert find_corpus_root(inner / "corpus" / "raw") == inner
    assert find_corpus_root(tmp_path / "a") == outer


def test_a_folder_with_an_empty_corpus_dir_is_not_a_corpus_folder(tmp_path: Path) -> None:
    (tmp_path / "x" / "corpus").mkdir(parents=True)
    assert find_corpus_root(tmp_path / "x") is None


def test_reading_without_a_corpus_around_falls_back_to_the_bundled_corpus(tmp_path: Path) -> None:
    assert corpus_root(start=tmp_path) == bundled_root()


def test_writing_without_a_corpus_around_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusRootError) as caught:
        corpus_root(write=True, start=tmp_path)
    assert (caught.value.code, caught.value.path) == ("no-corpus-found", str(tmp_path.resolve()))


@pytest.mark.parametrize("write", [False, True])
def test_a_given_folder_that_is_no_corpus_is_refused(tmp_path: Path, write: bool) -> None:
    with pytest.raises(CorpusRootError) as caught:
        corpus_root(tmp_path / "nope", write=write)
    assert caught.value.code == "not-a-corpus"
    assert (caught.value.path, caught.value.message) == (
        str(tmp_path / "nope"),
        "not a corpus folder: it does not exist",
    )


def test_the_corpus_of_an_installed_package_is_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a wheel the bundled corpus is peacetalks/_data: readable, never written."""
    package = tmp_path / "site-packages" / "peacetalks"
    _corpus(package / "_data")
    monkeypatch.setattr(roots, "_HERE", package)
    assert bundled_root() == package / "_data"
    assert corpus_root(package / "_data") == package / "_data"
    with pytest.raises(CorpusRootError) as caught:
        corpus_root(package / "_data", write=True)
    assert caught.value.code == "bundled-read-only"
    with pytest.raises(CorpusRootError):
        corpus_root(write=True, start=package / "_data" / "corpus")


def test_a_folder_that_is_not_a_corpus_is_never_started_as_one(tmp_path: Path) -> None:
    """Writing into a folder without corpus/articles.parquet is refused, pointing at 'peacetalks init'."""
    with pytest.raises(CorpusRootError) as caught:
        corpus_root(tmp_path, write=True)
    assert (caught.value.code, caught.value.data) == ("not-a-corpus", {"next": "init"})
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CorpusRootError):
        corpus_root(write=True, start=tmp_path)
