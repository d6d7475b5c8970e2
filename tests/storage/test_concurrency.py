"""Two commands at once on one folder: both keep their work, or the second is told who holds the lock."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from peacetalks.release.checksums import verify_manifest
from peacetalks.schema.tables import ENTITIES
from peacetalks.storage.parquet import read_table
from peacetalks.storage.transaction import folder_lock
from tests.conftest import DOC, TEXT
from tests.interchange._brat import ANN, write_brat
from tests.release._corpora import DOC2, TEXT2, write_v1, write_v2
from tests.storage._cases import leftovers, popen_cli, run_cli


def _both(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        out.append((proc.returncode, stdout + stderr))
    return out


def test_two_imports_of_different_articles_into_one_layer_keep_both(tmp_path: Path) -> None:
    root = write_v2(tmp_path / "corpus")
    one = write_brat(tmp_path / "one", ann=ANN, text=TEXT, name=DOC)
    two = write_brat(tmp_path / "two", ann="T1\tPER 0 9\tSelenskyj\nA1\tform T1 NAME\n", text=TEXT2, name=DOC2)
    runs = _both(
        [
            popen_cli(["import", "brat", str(ann), "--annotator", "anna", "-r", str(root)], cwd=tmp_path)
            for ann in (one, two)
        ]
    )
    assert [rc for rc, _ in runs] == [0, 0], runs
    layer = read_table(root, ENTITIES, "anna")
    assert sorted(set(layer["doc_id"])) == sorted([DOC, DOC2])
    assert layer.filter(layer["doc_id"] == DOC2)["text"].to_list() == ["Selenskyj"]
    assert leftovers(root) == []


def test_a_writer_that_waits_too_long_names_the_holder(tmp_path: Path) -> None:
    root = write_v2(tmp_path / "corpus")
    ann = write_brat(tmp_path / "one")
    with folder_lock(root, "adjudicate"):
        run = run_cli(
            ["import", "brat", str(ann), "--annotator", "anna", "-r", str(root)],
            cwd=tmp_path,
            env={"PEACETALKS_LOCK_TIMEOUT": "0.5"},
        )
    assert run.returncode == 1
    line = next(x for x in run.stderr.splitlines() if "[folder-locked]" in x)
    assert f"pid {os.getpid()} (adjudicate, since " in line
    assert not (root / "annotations" / "layers" / "anna").exists()


def test_two_releases_into_one_out_give_one_complete_release(tmp_path: Path) -> None:
    """The second waits for the first, finds the same build in place and leaves it (exit 0 for both)."""
    root = write_v1(tmp_path / "corpus")
    out = tmp_path / "dist"
    args = ["release", "--version", "0.1.0", "--out", str(out), "-r", str(root)]
    runs = _both([popen_cli(args, cwd=tmp_path), popen_cli(args, cwd=tmp_path)])
    assert [rc for rc, _ in runs] == [0, 0], runs
    assert verify_manifest(out / "v0.1.0") == []  # every file complete, none missing, none unlisted
    assert sorted(p.name for p in out.iterdir()) == [".peacetalks", "v0.1.0"]
    assert leftovers(out) == []
