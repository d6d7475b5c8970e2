"""Validation reports: every problem as data, with a stable code and its position."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from peacetalks.codes import Severity, severity


@dataclass(frozen=True)
class Issue:
    """One problem. ``row`` is the 0-based row of the record in its Parquet file.

    Its :attr:`severity` comes from its code (``peacetalks.codes``): an error, or a warning.
    """

    code: str
    file: str
    message: str
    row: int | None = None
    doc_id: str | None = None
    record_id: str | None = None
    column: str | None = None
    value: str | None = None

    @property
    def severity(self) -> Severity:
        return severity(self.code)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"severity": self.severity.value}

    def render(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        parts = [f"{where} [{self.code}]" if self.is_error else f"{where} warning [{self.code}]"]
        if self.doc_id is not None:
            parts.append(f"doc={self.doc_id}")
        if self.record_id is not None:
            parts.append(f"id={self.record_id}")
        if self.column is not None:
            parts.append(f"column={self.column}")
        return " ".join(parts) + f": {self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, -1 if self.row is None else self.row, self.column or "", self.code)


@dataclass
class Report:
    """All problems found in one validation run."""

    issues: list[Issue] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """No errors (warnings may be listed)."""
        return not self.errors

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def passes(self, *, strict: bool = False) -> bool:
        """Valid, and with ``strict`` without warnings too."""
        return not self.issues if strict else self.valid

    def add(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def sorted(self) -> Report:
        return Report(sorted(self.issues, key=Issue.sort_key), dict(self.checked))

    def codes(self) -> list[str]:
        return sorted({i.code for i in self.issues})

    def count_by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(i.code for i in self.issues).items()))

    def flatten(self, keys: Sequence[str] = ("file", "row", "column", "code")) -> list[list[Any]]:
        """The issues as rows of the named fields, e.g. ``[[17, "end", "span-out-of-bounds"]]``."""
        return [[getattr(issue, k) for k in keys] for issue in self.sorted().issues]

    def to_dict(self) -> dict[str, Any]:
        ordered = self.sorted()
        return {
            "valid": self.valid,
            "errors": len(ordered.errors),
            "warnings": len(ordered.warnings),
            "checked": ordered.checked,
            "counts": self.count_by_code(),
            "issues": [i.to_dict() for i in ordered.issues],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
