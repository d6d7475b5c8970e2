"""Problems found while reading a tool's file: issues with file and 1-based line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from peacetalks.errors import ImportFailed
from peacetalks.validation.report import Issue, Report


def problem(
    code: str,
    file: str,
    line: int | None,
    message: str,
    *,
    record_id: str | None = None,
    value: str | None = None,
    doc_id: str | None = None,
) -> Issue:
    """An issue in a tool's file; ``line`` is 1-based (or the record number for JSON)."""
    return Issue(code=code, file=file, message=message, row=line, record_id=record_id, value=value, doc_id=doc_id)


def fail(issues: Sequence[Issue], what: str = "the import") -> NoReturn:
    """Raise :class:`ImportFailed` listing every issue (for a problem that stops the reading)."""
    raise ImportFailed(Report(list(issues)).sorted(), what)


def fail_on(issues: Sequence[Issue], what: str = "the import") -> None:
    """Raise :class:`ImportFailed` listing every issue, if there is any."""
    if issues:
        fail(issues, what)


def read_utf8(path: Path, *, code: str = "not-utf8", keep_bom: bool = False) -> str:
    """A file's text as UTF-8 (line ends kept; a BOM dropped unless ``keep_bom``); ImportFailed at a bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        fail([problem(code, str(path), line, f"not UTF-8 text: byte {data[exc.start]:#04x} at offset {exc.start}")])
