"""Every library error has one shape: code, message, path, line/row, data; and renders like a compiler line."""

from __future__ import annotations

import pytest

from peacetalks import codes
from peacetalks.errors import (
    ImportFailed,
    IngestError,
    InterchangeError,
    MergeInvalid,
    PeaceTalksError,
    RebaseRequired,
    SchemeError,
    TableReadError,
    ValidationFailed,
)
from peacetalks.schema.scheme import parse_scheme
from peacetalks.validation.report import Issue, Report

REPORT = Report([Issue(code="empty-text", file="corpus/articles.parquet", message="empty", row=0)])


@pytest.mark.parametrize(
    "exc",
    [
        IngestError("bad-image-line", "no caption", path="raw.txt", line=1),
        TableReadError("missing-file", "file not found", path="corpus/articles.parquet"),
        SchemeError("duplicate target ids", path="stance_targets.yaml"),
        InterchangeError("unknown export format 'xml'"),
        ValidationFailed(REPORT),
        ImportFailed(REPORT),
        MergeInvalid(REPORT, "the merge of a and b", "annotations/review/a--b.yaml"),
        RebaseRequired("doc", {"gold/entities": ["m0"]}),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_every_error_has_the_one_shape_and_a_registered_code(exc: PeaceTalksError) -> None:
    assert codes.lookup(exc.code).is_error
    assert set(exc.to_dict()) == {"code", "message", "path", "line", "row", "data"}
    assert isinstance(exc.data, dict)
    assert f"[{exc.code}] {exc.message}" in str(exc)


def test_an_error_renders_path_line_code_and_message() -> None:
    exc = IngestError("bad-image-line", "the image has no caption", path="raw.txt", line=3)
    assert str(exc) == "raw.txt:3 [bad-image-line] the image has no caption"
    assert str(IngestError("file-not-found", "no such file")) == "[file-not-found] no such file"


def test_report_carrying_errors_keep_the_report_and_say_what_failed() -> None:
    merge = MergeInvalid(REPORT, "the merge of a and b", "annotations/review/a--b.yaml")
    assert merge.report is REPORT
    assert (merge.code, merge.path) == ("merge-invalid", "annotations/review/a--b.yaml")
    assert merge.data == {"what": "the merge of a and b", "issues": 1, "review_file": "annotations/review/a--b.yaml"}
    assert isinstance(ImportFailed(REPORT), ValidationFailed)  # callers catching ValidationFailed still do
    assert isinstance(ImportFailed(REPORT), InterchangeError)


def test_a_bad_scheme_names_its_file() -> None:
    raw = {"argument_roles": ["SOURCE"], "event_categories": {"X": {"quad": "q", "roles": ["NOPE"]}}}
    with pytest.raises(SchemeError) as exc:
        parse_scheme(raw, {})
    assert (exc.value.code, exc.value.path) == ("scheme-invalid", "scheme.yaml")
    assert "NOPE" in exc.value.message
