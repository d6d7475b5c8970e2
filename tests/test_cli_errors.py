"""The CLI turns a library error into its own words in one place (cli/_errors.py), with its flags.

The library's errors name Python parameters (``data["option"]``); the hint the CLI prints names the
flag of the CLI for it. These tests pin the mapping in both directions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main

from peacetalks import codes
from peacetalks.cli import app, main
from peacetalks.cli._errors import _BY_ISSUE, FLAGS, error_lines, hint_for
from peacetalks.errors import ImportFailed, LoadError, RebaseRequired, ReviewError, SplitError, ValidationFailed
from peacetalks.ingest.ingest import ingest
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.remove import remove_articles
from peacetalks.ingest.splits import split_corpus
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.release.build import build_release
from peacetalks.review.adjudicate import adjudicate
from peacetalks.storage.status import set_status
from peacetalks.validation.report import Issue, Report

LIBRARY: list[Callable[..., object]] = [
    ingest,
    split_corpus,
    import_layer,
    build_release,
    adjudicate,
    set_status,
    remove_articles,
]


def _cli_flags() -> set[str]:
    """Every option name of every command of the CLI."""
    flags: set[str] = set()

    def walk(command: Any) -> None:  # typer's own (vendored) click types
        for param in command.params:
            if param.param_type_name == "option":
                flags.update(param.opts)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return flags


def test_every_flag_the_hints_name_is_an_option_of_the_cli() -> None:
    assert sorted(set(FLAGS.values()) - _cli_flags()) == []


def test_every_option_the_errors_name_is_a_parameter_of_the_library() -> None:
    parameters = {name for function in LIBRARY for name in inspect.signature(function).parameters}
    assert sorted(set(FLAGS) - parameters) == []


def test_rebase_required_hint_names_the_cli_flag() -> None:
    exc = RebaseRequired("ts-2025-02-12-x", {"gold/entities": ["m0"]})
    assert exc.data["option"] == "rebase_annotations"
    assert "--" not in exc.message
    assert error_lines(exc) == [f"error: {exc}", "hint: pass --rebase to move the annotations onto the new text"]


def test_split_settings_changed_hint_names_reassign() -> None:
    exc = SplitError("split-settings-changed", "would move stored articles", data={"option": "reassign"})
    assert hint_for(exc).startswith("pass --reassign ")


def test_review_error_hint_uses_its_data() -> None:
    exc = ReviewError(
        "target-differs",
        "gold differs",
        path="annotations/gold",
        data={"option": "force", "into": "gold", "backups": "h"},
    )
    assert hint_for(exc) == (
        "where gold was corrected after the merge, record the differences with 'peacetalks adjudicate A B "
        "--record-corrections' and give each its rule and reason; or pass --force to replace it (the current "
        "gold is backed up under h/ and 'peacetalks adjudicate --restore --into gold' brings it back)"
    )


def test_an_error_without_a_hint_prints_one_line() -> None:
    exc = LoadError("unknown-split", "split 'dev' does not exist", path="x")
    assert error_lines(exc) == ["error: x [unknown-split] split 'dev' does not exist"]


def test_a_validation_failure_lists_every_issue_first() -> None:
    """All of them, however many: the README promises every problem (the CLI once stopped at 50)."""
    issues = [Issue(code="empty-text", file="corpus/articles.parquet", message="empty", row=n) for n in range(152)]
    lines = error_lines(ValidationFailed(Report(issues)))
    assert lines[0] == "corpus/articles.parquet:0 [empty-text]: empty"
    assert lines[150:] == [
        "corpus/articles.parquet:150 [empty-text]: empty",
        "corpus/articles.parquet:151 [empty-text]: empty",
        "error: [validation-failed] the corpus does not validate: 152 problem(s)",
        "hint: run 'peacetalks validate' to see every problem",
    ]


def test_main_prints_the_error_and_the_hint_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "raw.txt"
    bad.write_text("![A | B A](http://x)\nalles klein hier\nTeaser.\nBody.\n", encoding="utf-8")
    init_corpus(tmp_path)
    args = ["ingest", str(bad), "--source", "t", "--published", "2025-02-12", "--root", str(tmp_path)]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: {bad}:2 [no-kicker-split] ")
    assert err[1] == "hint: give the kicker with --kicker"


def test_issues_an_option_resolves_get_the_cli_flag_as_a_hint_once() -> None:
    """The library's import issues name no flag; the CLI adds one hint per kind of issue, after the error."""
    issues = [
        Issue(code="unknown-article", file="x.ann", message="name the article it belongs to", row=n) for n in (1, 2)
    ]
    lines = error_lines(ImportFailed(Report(issues)))
    assert lines[-2:] == [
        "hint: name the article with --doc DOC_ID",
        "hint: fix the listed lines (or the mapping file) and run the import again",
    ]


def test_every_issue_hint_is_for_a_registered_code_and_a_real_flag() -> None:
    assert sorted(set(_BY_ISSUE) - set(codes.CODES)) == []
    named = {word.strip("'") for hint in _BY_ISSUE.values() for word in hint.split() if word.startswith("--")}
    assert sorted(named - _cli_flags()) == []
