"""Problems found while reading a tool's file: issues with file and 1-based line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

from peacetalks.errors import ImportFailed, PathError, shown
from peacetalks.validation.report import Issue, Report

T = TypeVar("T")


def problem(
    code: str,
    file: str,
    line: int | None,
    message: str,
    *,
    record_id: str | None = None,
    value: str | None = None,
    doc_id: str | None = None,
    column: str | None = None,
) -> Issue:
    """An issue in a tool's file; ``line`` is 1-based (in JSON, the line where the record or region starts)."""
    value = None if value is None else shown(value, quote=False)
    return Issue(
        code=code,
        file=file,
        message=message,
        row=line,
        record_id=record_id,
        value=value,
        doc_id=doc_id,
        column=column,
    )


def fail(issues: Sequence[Issue], what: str = "the import") -> NoReturn:
    """Raise :class:`ImportFailed` listing every issue (for a problem that stops the reading)."""
    raise ImportFailed(Report(list(issues)).sorted(), what)


def fail_on(issues: Sequence[Issue], what: str = "the import") -> None:
    """Raise :class:`ImportFailed` listing every issue, if there is any."""
    if issues:
        fail(issues, what)


def collect(issues: list[Issue], read: Callable[[], T]) -> T | None:
    """``read()``; when it raises :class:`ImportFailed` (a file that cannot be read), None and its issues added.

    A :class:`PathError` (a dangling link or a folder where the file should be) is one issue too. So one
    unreadable file of a folder is reported with the problems of the others, in one run.
    """
    try:
        return read()
    except ImportFailed as exc:
        issues.extend(exc.report.issues)
        return None
    except PathError as exc:
        issues.append(problem(exc.code, exc.path or "", None, exc.message))
        return None
