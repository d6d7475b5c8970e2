"""The command line's grammar: one way to name the corpus folder, -h, --version, --format json, agree --kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import peacetalks
from peacetalks.cli import app, main
from peacetalks.storage import roots
from tests.conftest import PROJECT

runner = CliRunner()


def _error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


def _command_paths() -> list[list[str]]:
    """Every command and sub-command of the app, as argument lists (``[]`` is the app itself)."""
    paths: list[list[str]] = [[]]
    root = get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(command, "commands", {}))
    return paths


def test_the_corpus_folder_is_found_from_a_sub_folder(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run inside corpus/ of a copy: validate checks that copy, as git finds its repository."""
    (corpus_dir / "annotations" / "deep").mkdir(parents=True)
    monkeypatch.chdir(corpus_dir / "annotations" / "deep")
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checked"]["articles"] == 1
    split = runner.invoke(app, ["split"])
    assert split.exit_code == 0, split.output
    assert (corpus_dir / "corpus" / "splits.parquet").is_file()


def test_root_short_and_long_forms_name_the_same_folder(corpus_dir: Path) -> None:
    long = runner.invoke(app, ["validate", "--root", str(corpus_dir)])
    short = runner.invoke(app, ["validate", "-r", str(corpus_dir)])
    alias = runner.invoke(app, ["validate", str(corpus_dir)])
    assert (long.exit_code, short.exit_code, alias.exit_code) == (0, 0, 0)
    assert long.stderr == short.stderr == alias.stderr
    assert long.stderr.startswith("valid: 1 article, ")


def test_validate_refuses_path_and_root_together(corpus_dir: Path) -> None:
    assert runner.invoke(app, ["validate", str(corpus_dir), "--root", str(corpus_dir)]).exit_code == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["split"],
        ["ingest", "raw.txt", "--source", "tagesschau", "--published", "2025-02-12"],
        ["import", "brat", "x.ann", "--annotator", "anna"],
        ["adjudicate", "ann-a", "ann-b"],
        ["card"],
    ],
)
def test_a_writing_command_outside_a_corpus_refuses_the_bundled_corpus(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    (line, hint) = _error_lines(capsys)
    assert line.startswith(f"error: {tmp_path.resolve()} [no-corpus-found] no corpus folder here or above ")
    assert line.endswith("the bundled corpus is read-only")
    assert hint.startswith("hint: ")
    assert "--root PATH" in hint


def test_a_reading_command_outside_a_corpus_reads_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["split", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.stderr


def test_the_corpus_of_an_installed_package_is_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a wheel the bundled corpus sits in site-packages: naming it with --root does not make it writable."""
    package = tmp_path / "site-packages" / "peacetalks"
    (package / "_data" / "corpus").mkdir(parents=True)
    (package / "_data" / "corpus" / "articles.parquet").write_bytes(b"")
    monkeypatch.setattr(roots, "_HERE", package)
    assert main(["split", "--root", str(package / "_data")]) == 1
    (line, *_) = _error_lines(capsys)
    assert line == (
        f"error: {package / '_data'} [bundled-read-only] this is the corpus bundled with the installed package;"
        " it is read-only"
    )


def test_card_check_in_an_installed_package_says_there_is_no_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "site-packages" / "peacetalks"
    (package / "_data" / "corpus").mkdir(parents=True)
    (package / "_data" / "corpus" / "articles.parquet").write_bytes(b"")
    monkeypatch.setattr(roots, "_HERE", package)
    monkeypatch.chdir(tmp_path)
    assert main(["card", "--check"]) == 1
    (line, *_) = _error_lines(capsys)
    assert line.startswith(f"error: {package / '_data' / 'DATACARD.md'}")
    assert "[no-data-card] no data card: the corpus bundled with an installed package carries no data card" in line


def test_card_check_works_from_a_sub_folder_of_the_checkout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(PROJECT / "annotations")
    assert main(["card", "--check"]) == 0
    assert _error_lines(capsys) == [f"{PROJECT / 'DATACARD.md'}: up to date"]


@pytest.mark.parametrize("folder", ["/nonexistent", "."])
def test_a_folder_that_is_not_a_corpus_is_one_line_and_exit_1(folder: str, tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "peacetalks", "validate", folder], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 1
    absent = "it holds no corpus/articles.parquet or corpus/articles/"
    what = "it does not exist" if folder == "/nonexistent" else absent
    (line,) = run.stderr.splitlines()  # one line: no missing-file issues, no summary
    assert line == f"error: {folder} [not-a-corpus] not a corpus folder: {what}"
    assert run.stdout == ""


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"peacetalks {peacetalks.__version__}\n"


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "peacetalks")
def test_h_is_help_and_help_shows_no_type_noise(path: list[str]) -> None:
    short = runner.invoke(app, [*path, "-h"])
    long = runner.invoke(app, [*path, "--help"])
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout
    assert short.stdout.startswith(f"Usage: peacetalks {' '.join(path)}".rstrip())
    for noise in ("<bool>", "<list[", "<str>", "<dir>", "<int>", "<path>", "<file>", "<float>"):
        options = short.stdout.split("Options:", 1)[-1]
        assert noise not in options, f"{noise} in the options of {' '.join(path)}"


def test_agree_kind_chooses_the_kind_of_annotation_and_layer_is_gone() -> None:
    result = runner.invoke(
        app, ["agree", "annotator-a", "annotator-b", "-r", str(PROJECT), "--kind", "stances", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [k["kind"] for k in json.loads(result.stdout)["kinds"]] == ["stances"]
    old = runner.invoke(app, ["agree", "annotator-a", "annotator-b", "-r", str(PROJECT), "--layer", "stances"])
    assert old.exit_code == 2
    assert "No such option: --layer" in old.stderr


def test_format_json_is_the_machine_readable_output(corpus_dir: Path) -> None:
    result = runner.invoke(app, ["validate", "-r", str(corpus_dir), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid"] is True
    listed = runner.invoke(app, ["cache", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert isinstance(json.loads(listed.stdout), list)
    assert runner.invoke(app, ["cache", "list", "--json"]).exit_code == 2


def test_choices_spelled_out_in_the_cli_are_the_librarys() -> None:
    """The CLI lists some choices itself (so that --help imports no library); they must stay the library's."""
    from peacetalks.cli._options import Kind
    from peacetalks.cli.export import DEFAULT_TAGSETS, TOKEN_FORMATS, ExportFormat
    from peacetalks.cli.interchange import ImportFormat
    from peacetalks.cli.splits import GroupBy
    from peacetalks.ingest.ingest import DEFAULT_LICENSE
    from peacetalks.ingest.splits import GROUP_BY
    from peacetalks.interchange.exporters import export
    from peacetalks.interchange.importers.import_layer import FORMATS
    from peacetalks.review.agreement import KINDS
    from peacetalks.storage.status import KINDS as STATUS_KINDS

    assert [f.value for f in ExportFormat] == list(export.FORMATS)
    assert list(TOKEN_FORMATS) == list(export.TOKEN_EXPORTERS)
    assert DEFAULT_TAGSETS == export.DEFAULT_TAGSETS
    assert [f.value for f in ImportFormat] == list(FORMATS)
    assert [k.value for k in Kind] == list(KINDS)
    assert [k.value for k in Kind] == list(STATUS_KINDS)
    assert [g.value for g in GroupBy] == list(GROUP_BY)
    ingest = get_command(app).commands["ingest"]  # type: ignore[attr-defined]
    (license_option,) = (p for p in ingest.params if p.name == "license")
    assert f"(default: {DEFAULT_LICENSE})" in license_option.help


def test_plural_says_one_article_and_two_articles() -> None:
    from peacetalks.cli._render import plural, plurals

    assert [plural(n, "articles") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert plurals({"entries": 1, "entities": 1, "event_arguments": 1, "stances": 3}) == (
        "1 entry, 1 entity, 1 event_argument, 3 stances"
    )
