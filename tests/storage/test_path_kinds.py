"""A path of the wrong kind is one clean coded error, never a traceback and never a write somewhere else.

A folder where a file is expected, a file where a folder is expected, a symbolic link to nothing and a
path under a file, for every path option of every command (``storage/paths.py`` is the one check).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.cli import main
from peacetalks.errors import PathError
from peacetalks.loading.load import cache_root
from peacetalks.release.build import build_release
from peacetalks.storage.paths import check_path
from tests.conftest import SEED
from tests.interchange.helpers import write_corpus, write_layer
from tests.storage.test_names import snapshot


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("kinds")
    root = base / "corpus"
    write_corpus(root)
    write_layer(root, None)
    build_release(root, "0.1.0", base / "dist")
    (base / "afile").write_text("x", encoding="utf-8")
    (base / "adir").mkdir()
    (base / "dangling").symlink_to(base / "nothing")
    return base


# (case, command line with {base} for the test's folder, the code)
CASES = [
    ("raw article is a link to nothing", "ingest {base}/dangling --source x --published 2025-01-01 -r {base}/corpus",
     "broken-symlink"),
    ("ingest --root does not exist", f"ingest {SEED} --source x --published 2025-01-01 -r {{base}}/nope",
     "not-a-corpus"),
    ("validate --root is a link to nothing", "validate -r {base}/dangling", "broken-symlink"),
    ("export file format into a folder", "export jsonl {base}/adir -r {base}/corpus", "not-a-file"),
    ("export folder format into a file", "export brat {base}/afile -r {base}/corpus", "not-a-folder"),
    ("export to a link to nothing", "export jsonl {base}/dangling -r {base}/corpus", "broken-symlink"),
    ("export under a file", "export jsonl {base}/afile/x.jsonl -r {base}/corpus", "not-a-folder"),
    ("release --out is a file", "release --version 0.2.0 --out {base}/afile -r {base}/corpus", "not-a-folder"),
    ("release --out is a link to nothing", "release --version 0.2.0 --out {base}/dangling -r {base}/corpus",
     "broken-symlink"),
    ("release --previous is a file",
     "release --version 0.2.0 --out {base}/d2 --previous {base}/afile -r {base}/corpus", "not-a-folder"),
    ("rehydrate --texts is a file", "rehydrate {base}/dist/v0.1.0 --texts {base}/afile --out {base}/r", "not-a-folder"),
    ("rehydrate --texts is a link to nothing",
     "rehydrate {base}/dist/v0.1.0 --texts {base}/dangling --out {base}/r", "broken-symlink"),
    ("rehydrate --out is a file", "rehydrate {base}/dist/v0.1.0 --texts {base}/adir --out {base}/afile",
     "not-a-folder"),
    ("rehydrate --out is a link to nothing",
     "rehydrate {base}/dist/v0.1.0 --texts {base}/adir --out {base}/dangling", "broken-symlink"),
    ("publish --to is a file", "publish {base}/dist/v0.1.0 --to {base}/afile", "not-a-folder"),
    ("publish --to is a link to nothing", "publish {base}/dist/v0.1.0 --to {base}/dangling", "broken-symlink"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_path_of_the_wrong_kind_is_one_coded_error(
    place: Path, capsys: pytest.CaptureFixture[str], command: str, code: str
) -> None:
    before = snapshot(place)
    exit_code = main(command.format(base=place).split())
    err = capsys.readouterr().err
    assert exit_code == 1, err
    assert f"[{code}]" in err
    assert "Traceback" not in err
    assert snapshot(place) == before
    assert not (place / "nothing").exists()  # nothing was written through the dangling link


@pytest.mark.parametrize(("name", "code"), [("afile", "not-a-folder"), ("dangling", "broken-symlink")])
def test_a_cache_folder_of_the_wrong_kind_is_refused(
    place: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, code: str
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(place / name))
    with pytest.raises(PathError) as exc:
        cache_root()
    assert exc.value.code == code
    assert main(["cache", "list"]) == 1
    assert f"[{code}]" in capsys.readouterr().err


def test_check_path_accepts_a_path_to_be_made(tmp_path: Path) -> None:
    assert check_path(tmp_path / "new" / "deeper", "folder", "out") == tmp_path / "new" / "deeper"
    assert check_path(tmp_path, "folder", "out") == tmp_path
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert check_path(tmp_path / "f", "file", "in") == tmp_path / "f"
    (tmp_path / "gone").symlink_to(tmp_path / "missing-folder")
    with pytest.raises(PathError) as exc:
        check_path(tmp_path / "gone" / "x.txt", "file", "out")
    assert exc.value.code == "broken-symlink"


def test_an_os_error_no_check_foresaw_is_one_coded_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last resort: an OSError from a command (here a full disk) is ``os-error`` with its path, no traceback."""
    import peacetalks.interchange.exporters.jsonl as jsonl

    def full(target: Path, _content: str) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(jsonl, "write_text_atomic", full)
    root = tmp_path / "corpus"
    write_corpus(root)
    write_layer(root, None)
    code = main(["export", "jsonl", str(tmp_path / "x.jsonl"), "-r", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {tmp_path / 'x.jsonl'} [os-error] No space left on device" in err
    assert "Traceback" not in err
