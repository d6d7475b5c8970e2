"""``peacetalks.load`` of a stand-off release: ``texts-missing`` unless told what to do; ``texts="skip"`` drops them."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import LoadError
from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.loading.load import load
from peacetalks.release.build import build_release
from tests.conftest import DOC
from tests.release._corpora import DOC2, write_texts, write_v2


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def v2_root(tmp_path: Path) -> Path:
    return write_v2(tmp_path / "corpus")


@pytest.fixture
def standoff(v2_root: Path, tmp_path: Path) -> Path:
    """Release 0.1.0 of the v2 corpus: DOC stand-off (no url), DOC2 openly licensed."""
    return build_release(v2_root, "0.1.0", tmp_path / "dist").folder


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_a_standoff_release_without_texts_is_texts_missing_naming_the_articles(standoff: Path, config: str) -> None:
    with pytest.raises(LoadError) as caught:
        load(config, source=standoff)
    error = caught.value
    assert (error.code, error.path) == ("texts-missing", str(standoff))
    assert (error.data["doc_ids"], error.data["count"], error.data["no_url"]) == ([DOC], 1, [DOC])
    assert DOC in error.message
    assert "texts='fetch'" in error.message
    assert "texts='skip'" in error.message
    assert "peacetalks.load(..., texts='fetch')" in error.data["commands"]
    from peacetalks.cli._errors import hint_for

    assert "peacetalks rehydrate RELEASE --fetch --out DIR" in hint_for(error)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_skip_loads_every_config_without_the_rows_of_standoff_articles(
    v2_root: Path, standoff: Path, tmp_path: Path, config: str
) -> None:
    """Every config holds text in its rows (text, tokens, trigger_text, ...): stand-off articles' rows are left out."""
    private = build_release(v2_root, "0.1.0", tmp_path / "private", include_text=True)
    skipped = load(config, source=standoff, texts="skip")
    whole = load(config, source=private.folder)
    for split, ds in skipped.items():
        assert ds.features == whole[split].features
        assert DOC not in set(ds["doc_id"])
        assert ds.to_list() == [row for row in whole[split].to_list() if row["doc_id"] != DOC]
    assert sum(ds.num_rows for ds in skipped.values()) < sum(ds.num_rows for ds in whole.values())
    one = load(config, "test", source=standoff, texts="skip")
    assert one.to_list() == skipped["test"].to_list()


def test_skip_keeps_the_open_articles_and_their_texts(standoff: Path) -> None:
    docs = load("documents", source=standoff, texts="skip")
    rows = [row for ds in docs.values() for row in ds]
    assert [row["doc_id"] for row in rows] == [DOC2]
    assert rows[0]["text"] is not None


def test_a_release_with_its_texts_and_a_corpus_folder_load_as_they_are(
    v2_root: Path, standoff: Path, tmp_path: Path
) -> None:
    private = build_release(v2_root, "0.1.0", tmp_path / "private", include_text=True).folder
    with_texts = load("tokens", source=private)
    assert load("tokens", source=private, texts="skip")["train"].to_list() == with_texts["train"].to_list()
    assert (
        load("tokens", source=v2_root, texts="skip")["train"].to_list()
        == load("tokens", source=v2_root)["train"].to_list()
    )
    with pytest.raises(LoadError) as caught:
        load("tokens", source=v2_root, texts=write_texts(tmp_path / "texts"))
    assert caught.value.code == "texts-need-release"
    filled = load("tokens", source=standoff, texts=write_texts(tmp_path / "texts"))
    assert filled["train"].to_list() == with_texts["train"].to_list()
