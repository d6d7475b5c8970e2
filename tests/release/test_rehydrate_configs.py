"""load(texts=): a stand-off release's config files filled in from local texts."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from peacetalks.errors import LoadError, ValidationFailed
from peacetalks.loading.rehydrate import fill_text_fields, rehydrate_configs, standoff_texts
from peacetalks.release.build import build_release
from peacetalks.release.checksums import release_files
from tests.conftest import DOC
from tests.release._corpora import write_texts, write_v2


def _data_files(folder: Path) -> list[str]:
    return [f for f in release_files(folder) if f.startswith("data/")]


@pytest.mark.parametrize("max_shard_bytes", [256 * 1024 * 1024, 1])
def test_filled_configs_are_the_include_text_files_byte_for_byte(tmp_path: Path, max_shard_bytes: int) -> None:
    """Every config file (documents, entities, events, stances, tokens; one shard or many) equals --include-text's."""
    root = write_v2(tmp_path / "corpus")
    public = build_release(root, "0.1.0", tmp_path / "dist", max_shard_bytes=max_shard_bytes).folder
    private = build_release(root, "0.1.0", tmp_path / "private", include_text=True, max_shard_bytes=max_shard_bytes)
    out = rehydrate_configs(public, write_texts(tmp_path / "texts"), tmp_path / "filled")
    files = _data_files(private.folder)
    assert {f.split("/")[1] for f in files} == {"documents", "entities", "events", "stances", "tokens"}
    assert files == _data_files(out)
    differ = [f for f in files if (out / f).read_bytes() != (private.folder / f).read_bytes()]
    assert differ == []
    stripped = [f for f in files if (public / f).read_bytes() != (private.folder / f).read_bytes()]
    assert stripped  # the stand-off release did lack texts, so something was filled in
    assert (out / "README.md").read_bytes() == (public / "README.md").read_bytes()


def test_a_wrong_copy_is_refused_and_leaves_no_folder(tmp_path: Path) -> None:
    public = build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder
    with pytest.raises(ValidationFailed) as exc:
        rehydrate_configs(public, write_texts(tmp_path / "wrong", wrong=True), tmp_path / "filled")
    assert exc.value.report.flatten(["doc_id", "code"]) == [[DOC, "text-sha256-mismatch"]]
    assert not (tmp_path / "filled").exists()


def test_a_text_field_without_a_rule_is_refused(tmp_path: Path) -> None:
    """A text field the fill does not know (here ``sentence`` without offsets) is an error, not a null left behind."""
    public = build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder
    texts = standoff_texts(public, write_texts(tmp_path / "texts"))
    table = pa.table({"doc_id": [DOC], "sentence": pa.array([None], pa.string())})
    with pytest.raises(LoadError) as exc:
        fill_text_fields(table, texts, where="data/x/train.parquet")
    assert exc.value.code == "cannot-rehydrate"
    assert "data/x/train.parquet" in str(exc.value)


def test_rows_of_other_articles_are_left_as_they_are(tmp_path: Path) -> None:
    public = build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder
    texts = standoff_texts(public, write_texts(tmp_path / "texts"))
    table = pa.table({"doc_id": ["other"], "text": pa.array([None], pa.string())})
    assert fill_text_fields(table, texts) is table
