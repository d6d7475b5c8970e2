"""The exception tree of peacetalks. Exceptions carry data; the CLI formats them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peacetalks.validation.report import Report


class PeaceTalksError(Exception):
    """Base class of every error the library raises on purpose.

    ``hint`` is the next thing the user can do (a command to run), or empty.
    """

    hint: str = ""


class SchemeError(PeaceTalksError):
    """The annotation scheme files are unreadable or inconsistent."""


class TableReadError(PeaceTalksError):
    """A Parquet file is missing, unreadable or truncated."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot read Parquet file: {reason}")


class ValidationFailed(PeaceTalksError):
    """The corpus does not validate; ``report`` holds every problem found."""

    hint = "run 'peacetalks validate' to see every problem"

    def __init__(self, report: Report, what: str = "the corpus") -> None:
        self.report = report
        super().__init__(f"{what} does not validate: {len(report.issues)} problem(s)")


class IngestError(PeaceTalksError):
    """An article file is not in the expected raw form."""

    def __init__(self, code: str, path: str, line: int, message: str) -> None:
        self.code = code
        self.path = path
        self.line = line
        super().__init__(f"{path}:{line} [{code}] {message}")


class RebaseRequired(PeaceTalksError):
    """A changed text would move annotations; the user must ask for a re-base."""

    hint = "pass --rebase to move the annotations onto the new text"

    def __init__(self, doc_id: str, affected: dict[str, list[str]]) -> None:
        self.doc_id = doc_id
        self.affected = affected
        total = sum(len(v) for v in affected.values())
        listing = "; ".join(f"{t}: {', '.join(ids[:10])}" for t, ids in affected.items() if ids)
        super().__init__(
            f"doc {doc_id} has annotations and its text changed; {total} annotation(s) "
            f"would no longer fit their text ({listing})"
        )


class SplitError(PeaceTalksError):
    """A split assignment cannot be made or would change without permission."""

    def __init__(self, message: str, *, code: str = "split-error", hint: str = "") -> None:
        self.code = code
        self.hint = hint
        super().__init__(f"[{code}] {message}")


class LoadError(PeaceTalksError):
    """A config cannot be loaded: unknown config, split, option or source."""

    def __init__(self, code: str, message: str, *, hint: str = "") -> None:
        self.code = code
        self.hint = hint
        super().__init__(f"[{code}] {message}")


class _CodedError(PeaceTalksError):
    """An error with a stable kebab-case ``code`` and the ``path`` it is about (may be empty)."""

    def __init__(self, code: str, message: str, *, path: str = "", hint: str = "") -> None:
        self.code = code
        self.path = path
        if hint:
            self.hint = hint
        where = f"{path}: " if path else ""
        super().__init__(f"{where}[{code}] {message}")


class ReleaseError(_CodedError):
    """A release cannot be built, read or rehydrated."""


class PublishError(_CodedError):
    """A release cannot be published."""


class InterchangeError(PeaceTalksError):
    """A tool's export cannot be imported, or an export cannot be written."""


class ImportFailed(InterchangeError, ValidationFailed):
    """A tool's export cannot be imported; ``report`` lists every problem with file and line.

    Nothing is written when this is raised. For problems in the tool's file, ``Issue.row`` is
    the 1-based line (or record) number in that file.
    """

    hint = "fix the listed lines (or the mapping file) and run the import again"

    def __init__(self, report: Report, what: str = "the import") -> None:
        ValidationFailed.__init__(self, report, what)


class ReviewError(PeaceTalksError):
    """Agreement or adjudication cannot go on: a missing layer, a bad review file, gold that would change.

    ``code`` is a stable kebab-case code, ``path`` the file or folder concerned.
    """

    def __init__(self, code: str, path: str, message: str, hint: str = "") -> None:
        self.code = code
        self.path = path
        self.hint = hint
        super().__init__(f"{path} [{code}] {message}")


class MergeInvalid(ValidationFailed):
    """An adjudicated merge does not validate; nothing was written. Rows are those of the merged tables."""

    def __init__(self, report: Report, what: str, review_file: str) -> None:
        super().__init__(report, what)
        self.review_file = review_file
        self.hint = f"change the decisions (or the kept versions) in {review_file} and run the command again"
