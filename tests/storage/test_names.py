"""Nothing escapes its folder: every name that becomes a path passes one rule, every joined path stays inside.

Each traversal case runs the command through ``main()`` (as the installed ``peacetalks`` does) and asserts
the exit code, the error code and that no file anywhere under the test's folder changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import PathError, ReleaseError
from peacetalks.release.semver import parse_version
from peacetalks.schema.names import NAME_MAX, bad_names, check_name, child_path, is_name
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, ENTITIES
from peacetalks.storage.parquet import read_table, write_tables
from tests.conftest import DOC, tiny_frames
from tests.interchange._brat import write_brat
from tests.interchange.helpers import write_corpus, write_layer

GOOD = ["ann-a", "ann_b", "gold", "v0.1.0", "0.1.0", DOC, "a" * NAME_MAX, "x1"]
BAD = [
    "",
    ".",
    "..",
    "../x",
    "../../corpus",
    "a/b",
    "a\\b",
    "ann\n",  # '$' matches before a final newline; the rule is matched whole
    "\nann",
    "ann\x00",
    "Ann",
    "änn",
    "\u0661\u0662",  # Arabic-Indic digits: Unicode digits, not ASCII ones
    "a..b",
    ".hidden",
    "trailing-",
    "a b",
    "a" * (NAME_MAX + 1),
    "/etc/passwd",
]


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file and link under ``folder``, with its content (a link: its target)."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = "dir"
    return found


@pytest.mark.parametrize("name", GOOD)
def test_a_name_passes_the_rule(name: str) -> None:
    assert check_name(name, "layer") == name
    assert is_name(name)


@pytest.mark.parametrize("name", BAD)
def test_a_name_that_could_leave_its_folder_is_refused(name: str) -> None:
    with pytest.raises(PathError) as exc:
        check_name(name, "layer")
    assert exc.value.code == "bad-name"
    assert exc.value.data["what"] == "layer"


def test_the_column_rule_is_the_same_rule() -> None:
    """bad_names (polars, for a column) and is_name (Python) agree on every case."""
    frame = pl.DataFrame({"name": GOOD + BAD})
    assert frame.select(bad_names("name")).to_series().to_list() == [not is_name(n) for n in GOOD + BAD]


def test_child_path_refuses_a_link_out_of_its_folder(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    (inside / "evil").symlink_to(outside)
    assert child_path(inside, "fine", "doc_id", suffix=".txt") == inside / "fine.txt"
    with pytest.raises(PathError) as escaped:
        child_path(inside, "evil", "layer")
    assert escaped.value.code == "path-escapes"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A corpus two levels down in ``tmp_path`` (so ``../..`` lands in the test's own folder), with two layers."""
    root = tmp_path / "a" / "b"
    write_corpus(root)
    write_layer(root, "ann-a")
    write_layer(root, "ann-b")
    return root


def test_adjudicate_into_a_path_is_refused(work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    before = snapshot(tmp_path)
    code, err = run(capsys, "adjudicate", "ann-a", "ann-b", "--into", "../../corpus", "--root", str(work))
    assert code == 1
    assert "[bad-name]" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("layer", ["../../a", "ann-a\n", "..", "/tmp"])
def test_every_layer_option_refuses_a_path(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], layer: str
) -> None:
    before = snapshot(tmp_path)
    for args in (
        ["validate", "--layer", layer],
        ["agree", "ann-a", layer],
        ["adjudicate", layer, "ann-b"],
        ["export", "jsonl", str(tmp_path / "x.jsonl"), "--layer", layer],
    ):
        code, err = run(capsys, *args, "--root", str(work))
        assert (code, "[bad-name]" in err) == (1, True), (args, err)
    assert snapshot(tmp_path) == before


def test_import_refuses_an_annotator_name_with_a_final_newline(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ann = write_brat(tmp_path / "export")
    before = snapshot(tmp_path)
    code, err = run(capsys, "import", "brat", str(ann), "--annotator", "ann\n", "--root", str(work))
    assert code == 1
    assert "[bad-name]" in err
    assert snapshot(tmp_path) == before


def test_a_layer_folder_linked_out_of_the_corpus_is_refused(
    work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (work / "annotations" / "layers" / "evil").symlink_to(elsewhere)
    ann = write_brat(tmp_path / "export")
    before = snapshot(tmp_path)
    code, err = run(capsys, "import", "brat", str(ann), "--annotator", "evil", "--doc", DOC, "--root", str(work))
    assert code == 1
    assert "[path-escapes]" in err
    assert snapshot(tmp_path) == before
    assert list(elsewhere.iterdir()) == []


def _rename_doc(root: Path, doc_id: str) -> None:
    frames = tiny_frames()
    renamed = {t: frames[t.name].with_columns(pl.lit(doc_id).alias("doc_id")) for t in (ARTICLES, BLOCKS)}
    renamed |= {t: frames[t.name].with_columns(pl.lit(doc_id).alias("doc_id")) for t in ANNOTATION_TABLES}
    write_tables(root, {t: renamed[t] for t in (ARTICLES, BLOCKS)})
    write_tables(root, {t: renamed[t] for t in ANNOTATION_TABLES})


@pytest.mark.parametrize("doc_id", ["../../../../elsewhere/x", "/tmp/x", "x\n", "..", "Großes-X"])
def test_brat_export_refuses_a_doc_id_that_is_not_a_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc_id: str
) -> None:
    root = tmp_path / "a" / "b" / "c" / "d"
    _rename_doc(root, doc_id)
    assert read_table(root, ENTITIES)["doc_id"].unique().to_list() == [doc_id]
    before = snapshot(tmp_path)
    code, err = run(capsys, "export", "brat", str(root / "out"), "--root", str(root))
    assert code == 1
    assert "[bad-name]" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "version",
    ["\u0660.\u0661.\u0660", "1" * 5000 + ".0.0", "0.1.0/../../x", "0.1.0\n0.2.0", "../0.1.0", "１.0.0"],
)
def test_a_release_version_is_ascii_digits_only(version: str) -> None:
    with pytest.raises(ReleaseError) as exc:
        parse_version(version)
    assert exc.value.code == "bad-version"
    assert len(exc.value.message) < 200  # a 5,000-digit version is not repeated whole


def test_release_refuses_a_hostile_version(work: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_layer(work, None)
    before = snapshot(tmp_path)
    code, err = run(
        capsys, "release", "--version", "1" * 5000 + ".0.0", "--out", str(tmp_path / "dist"), "-r", str(work)
    )
    assert code == 1
    assert "[bad-version]" in err
    assert snapshot(tmp_path) == before
