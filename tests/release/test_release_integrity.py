"""A release is checked against its SHA256SUMS before use; a damaged earlier release is a clean error.

``rehydrate`` and ``load(texts=...)`` hash every file; a plain ``load(source=RELEASE)`` checks cheaply
(listed files present, none unlisted, no links, sizes as croissant.json records them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from peacetalks.errors import LoadError, PublishError, ReleaseError
from peacetalks.loading.load import load
from peacetalks.release.build import build_release, rehydrate_release
from peacetalks.release.publish import publish_git
from tests.release._corpora import write_texts, write_v1, write_v2

TABLE = "tables/corpus/articles.parquet"
SHARD = "data/entities/train-00000-of-00001.parquet"
PEACETALKS = [sys.executable, "-m", "peacetalks"]


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder


def _flip_a_byte(path: Path) -> None:
    """Change one byte in the middle: same size, different content."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_rehydrate_refuses_tables_that_no_longer_match(release: Path, tmp_path: Path) -> None:
    _flip_a_byte(release / TABLE)
    with pytest.raises(ReleaseError) as exc:
        rehydrate_release(release, write_texts(tmp_path / "texts"), tmp_path / "out")
    assert exc.value.code == "release-modified"
    assert exc.value.data["files"] == [TABLE]
    assert f"{TABLE} [checksum-mismatch]" in exc.value.message
    assert not (tmp_path / "out").exists()


def test_rehydrate_and_load_refuse_a_release_without_manifest(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    (release / "SHA256SUMS").unlink()
    with pytest.raises(ReleaseError) as exc:
        rehydrate_release(release, write_texts(tmp_path / "texts"), tmp_path / "out")
    assert exc.value.code == "missing-manifest"
    for texts in (None, write_texts(tmp_path / "texts")):
        with pytest.raises(LoadError) as loaded:
            load("entities", source=release, texts=texts)
        assert loaded.value.code == "missing-manifest"
        assert loaded.value.path == str(release)


def test_load_checks_the_sizes_and_the_listing_every_time(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    # texts="skip": the stand-off article (in train) is left out, the open one (in test) loads
    assert load("entities", "test", source=release, texts="skip").num_rows > 0
    data = (release / SHARD).read_bytes()
    (release / SHARD).write_bytes(data[:-10])  # truncated
    with pytest.raises(LoadError) as exc:
        load("entities", "test", source=release, texts="skip")
    assert exc.value.code == "release-modified"
    assert f"{SHARD} [size-mismatch]" in exc.value.message
    (release / SHARD).write_bytes(data)
    (release / "data" / "entities" / "train-00001-of-00001.parquet").write_bytes(data)  # an extra shard
    with pytest.raises(LoadError) as extra:
        load("entities", "test", source=release, texts="skip")
    assert "[unlisted-release-file]" in extra.value.message


def test_load_with_texts_hashes_every_file_before_filling_the_cache(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A same-size change escapes the cheap check, not the full one that load(texts=) makes once."""
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    _flip_a_byte(release / TABLE)
    with pytest.raises(LoadError) as exc:
        load("entities", source=release, texts=write_texts(tmp_path / "texts"))
    assert exc.value.code == "release-modified"
    assert exc.value.data["files"] == [TABLE]
    assert not (tmp_path / "cache" / "rehydrated").exists() or not any((tmp_path / "cache" / "rehydrated").iterdir())


def test_cli_rehydrate_of_a_modified_release_is_one_coded_error(release: Path, tmp_path: Path) -> None:
    _flip_a_byte(release / TABLE)
    texts, out = write_texts(tmp_path / "t"), tmp_path / "out"
    proc = subprocess.run(
        [*PEACETALKS, "rehydrate", str(release), "--texts", str(texts), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "[release-modified]" in proc.stderr
    assert f"{TABLE} [checksum-mismatch]" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


DAMAGES = {
    "truncated": lambda text: text[: len(text) // 2],
    "no-version": lambda text: text.replace('"version"', '"versio"'),
    "not-utf8": lambda text: text.replace("PeaceTalks-DE", "PeaceTalks-D\udcff", 1),
    "version-not-semver": lambda text: text.replace('"version": "0.1.0"', '"version": "one"'),
}


def _damage(folder: Path, how: str) -> None:
    meta = folder / "croissant.json"
    text = DAMAGES[how](meta.read_text(encoding="utf-8"))
    meta.write_bytes(text.encode("utf-8", errors="surrogateescape"))


@pytest.mark.parametrize("how", sorted(DAMAGES))
def test_a_damaged_earlier_release_in_out_is_a_clean_error(tmp_path: Path, how: str) -> None:
    """Decided: refuse (naming the damaged file), never skip it or build over it."""
    root = write_v1(tmp_path / "corpus")
    first = build_release(root, "0.1.0", tmp_path / "dist").folder
    assert '"version": "0.1.0"' in (first / "croissant.json").read_text()
    _damage(first, how)
    write_v2(root)
    with pytest.raises(ReleaseError) as exc:
        build_release(root, "0.2.0", tmp_path / "dist")
    assert exc.value.code == "damaged-release"
    assert exc.value.path == str(first / "croissant.json")
    assert not (tmp_path / "dist" / "v0.2.0").exists()
    with pytest.raises(PublishError) as published:
        publish_git(first, tmp_path / "published")
    assert published.value.code == "damaged-release"
    cli = subprocess.run(
        [*PEACETALKS, "release", "--version", "0.2.0", "-r", str(root), "--out", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 1
    assert "[damaged-release]" in cli.stderr
    assert "hint: move the damaged release" in cli.stderr
    assert "Traceback" not in cli.stderr
