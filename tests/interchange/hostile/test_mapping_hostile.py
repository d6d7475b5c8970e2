"""Hostile mapping files: wrong section types, latin-1, an alias bomb; every message stays short."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.cli import main
from peacetalks.errors import ImportFailed
from peacetalks.interchange.mapping import load_mapping
from tests.interchange.hostile import _files as f

# A few hundred bytes of YAML that expand to 9**9 strings when a message shows the value.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["labels: {X: *i}", ""]
)


@pytest.mark.parametrize(
    ("content", "column"),
    [
        ("labels: [Person, Ort]\n", "labels"),
        ("roles: ACTOR\n", "roles"),
        ("attributes: [form]\n", "attributes"),
        ("defaults: NAM\n", "defaults"),
        ("relations: 5\n", "relations"),
        ("labels:\n  Person: [PER]\n", "labels.Person"),
    ],
)
def test_a_section_of_the_wrong_type_is_mapping_invalid_at_its_path(content: str, column: str, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as exc:
        load_mapping(f.write(tmp_path / "m.yaml", content))
    assert exc.value.report.flatten(["column", "code"]) == [[column, "mapping-invalid"]]


def test_latin1_mapping_is_not_utf8_at_its_line(tmp_path: Path) -> None:
    """A mapping file saved as latin-1 (a Windows editor) names the line and byte of the first bad byte."""
    path = f.write(tmp_path / "m.yaml", "labels:\n  Person: PER\n  Behörde: ORG\n".encode("latin-1"))
    with pytest.raises(ImportFailed) as exc:
        load_mapping(path)
    assert exc.value.report.flatten(["row", "code"]) == [[3, "not-utf8"]]
    assert "byte 0xf6 at byte offset" in exc.value.report.issues[0].message


def test_alias_bomb_is_refused_and_the_import_prints_little(
    corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """More YAML aliases than the limit is yaml-aliases; the CLI prints a few lines, not megabytes."""
    tmp_path = tmp_path_factory.mktemp("export")
    bomb = f.write(tmp_path / "bomb.yaml", ALIAS_BOMB)
    assert bomb.stat().st_size < 400
    with pytest.raises(ImportFailed) as exc:
        load_mapping(bomb)
    assert exc.value.report.codes() == ["yaml-aliases"]
    ann = f.write_brat(tmp_path / "export", f.brat_lines())
    before = f.snapshot(corpus_dir)
    argv = ["import", "brat", str(ann), "--annotator", "a", "--root", str(corpus_dir), "--mapping", str(bomb)]
    assert main(argv) == 1
    assert f.snapshot(corpus_dir) == before
    printed = capsys.readouterr()
    assert "[yaml-aliases]" in printed.out + printed.err
    assert len(printed.out + printed.err) < 2_000


def test_a_huge_value_is_shown_truncated(tmp_path: Path) -> None:
    """A value a message quotes is cut short: a 100,000-character label name gives a short message."""
    path = f.write(tmp_path / "m.yaml", f"labels:\n  X: {'Q' * 100_000}\n")
    with pytest.raises(ImportFailed) as exc:
        load_mapping(path)
    (issue,) = exc.value.report.issues
    assert issue.code == "mapping-invalid"
    assert len(issue.render()) < 400
    assert "100,000 characters" in issue.message
