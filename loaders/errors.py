"""The exception tree of peacetalks. Exceptions carry data; the CLI turns them into words.

Every exception has one shape: a stable kebab-case ``code`` (registered in
:mod:`peacetalks.codes`), a ``message`` that says what is wrong (no command-line wording), the
``path`` it is about and the position in it where known (``line``: 1-based line of a text file;
``row``: 0-based row of a Parquet file), and ``data``: a dict of what a caller can act on, e.g.
``{"option": "rebase_annotations"}`` names the parameter that lets the call go through.

Most classes take ``(code, message, *, path, line, row, data)``. A class whose code is fixed
(``ValidationFailed``, ``RebaseRequired``, ...) or defaulted (``SchemeError``,
``InterchangeError``) takes what it needs to build its message and no code argument, or a
keyword ``code``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peacetalks.validation.report import Report


SHOWN_CHARS = 60
"""How many characters of a value a message shows (:func:`shown`)."""
# Containers are shown shallow and short, whatever their size or depth (an expanded YAML alias bomb).
_SHORT_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_SHORT_REPR.maxlevel, _SHORT_REPR.maxstring, _SHORT_REPR.maxother = 2, SHOWN_CHARS, 30
_SHORT_REPR.maxdict = _SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxset = 4


def shown(value: object, *, limit: int = SHOWN_CHARS, quote: bool = True) -> str:
    """A value as a message shows it: its ``repr`` (or ``str`` when not ``quote``), cut to ``limit`` characters.

    Every error and issue message that quotes a value from a user's file uses this, so a huge
    value (an expanded YAML alias bomb, a megabyte-long label) never floods a terminal or a log.
    """
    if not isinstance(value, str):
        text = _SHORT_REPR.repr(value)
        return text if len(text) <= limit else f"{text[:limit]}..."
    text = repr(value) if quote else value
    return text if len(text) <= limit else f"{text[:limit]}... ({len(value):,} characters)"


class PeaceTalksError(Exception):
    """Base class of every error the library raises on purpose."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        row: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.path = path or None
        self.line = line
        self.row = row
        self.data: dict[str, Any] = dict(data or {})
        super().__init__(self.render())

    @property
    def where(self) -> str:
        """``path:line`` (or ``path:row``, or ``path``); empty when the error is about no file."""
        if self.path is None:
            return ""
        position = self.line if self.line is not None else self.row
        return self.path if position is None else f"{self.path}:{position}"

    def render(self) -> str:
        """One line, like a compiler's: ``path:line [code] message``."""
        where = self.where
        return f"{where} [{self.code}] {self.message}" if where else f"[{self.code}] {self.message}"

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """The error as data (for JSON output)."""
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "row": self.row,
            "data": self.data,
        }


class CorpusRootError(PeaceTalksError):
    """No corpus folder where one was expected, or a write aimed at the read-only bundled corpus.

    ``code`` is ``not-a-corpus``, ``no-corpus-found`` or ``bundled-read-only``; ``path`` the folder concerned.
    """


class WriteError(PeaceTalksError):
    """A change of a folder that cannot go ahead now.

    ``code`` is ``folder-locked`` (another command is writing the corpus or release folder;
    ``data`` names its ``pid``, ``command``, ``since`` and ``host``), ``folder-unwritable`` (the
    lock cannot be created there) or ``interrupted-change`` (an interrupted change is waiting to
    be finished and this process cannot finish it).
    """


class PathError(PeaceTalksError):
    """A name that cannot become a file name, a path that leaves its folder, or a path of the wrong kind.

    ``code`` is ``bad-name``, ``path-escapes``, ``not-a-file``, ``not-a-folder`` or ``broken-symlink``;
    ``data["what"]`` says what the name or path is for (``"doc_id"``, ``"layer"``, ``"--out"``).
    """


def os_error(exc: OSError) -> PathError:
    """An ``OSError`` no check caught before (permissions, a full disk, a race) as PathError ``os-error``."""
    return PathError(
        "os-error",
        exc.strerror or str(exc),
        path=None if exc.filename is None else str(exc.filename),
        data={"errno": exc.errno},
    )


class SchemeError(PeaceTalksError):
    """The annotation scheme files are unreadable or inconsistent."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "scheme-invalid",
        path: str | None = None,
        line: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, path=path, line=line, data=data)


class GoldVersionsError(PeaceTalksError):
    """``annotations/gold.yaml``, the versions gold was annotated under, cannot be read (``bad-gold-versions``)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "bad-gold-versions",
        path: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, path=path, data=data)


class TableReadError(PeaceTalksError):
    """A Parquet file is missing (``missing-file``), unreadable or truncated (``unreadable-file``)."""


class ValidationFailed(PeaceTalksError):
    """The corpus does not validate; ``report`` holds every problem found.

    ``data["what"]`` says what was validated, ``data["issues"]`` how many problems there are.
    """

    def __init__(
        self,
        report: Report,
        what: str = "the corpus",
        *,
        code: str = "validation-failed",
        path: str | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.report = report
        count = len(report.errors)
        super().__init__(
            code,
            f"{what} does not validate: {count} problem(s)",
            path=path,
            data={"what": what, "issues": count, **(data or {})},
        )


class IngestError(PeaceTalksError):
    """An article file is not in the expected raw form, or the article's metadata is wrong."""


class RebaseRequired(PeaceTalksError):
    """A changed text would move annotations; the caller must ask for a re-base.

    ``data``: ``doc_id``, ``affected`` (table -> ids of the annotations a re-base would drop: those that
    would no longer fit their text and those that depend on them), ``dependents`` (``layer/table/id`` of
    an annotation that would no longer fit -> those that would go with it) and ``option``: the parameter
    of :func:`peacetalks.ingest.ingest.ingest` that allows the re-base.
    """

    def __init__(
        self,
        doc_id: str,
        affected: dict[str, list[str]],
        *,
        dependents: dict[str, list[str]] | None = None,
        path: str | None = None,
    ) -> None:
        total = sum(len(v) for v in affected.values())
        listing = "; ".join(f"{t}: {', '.join(ids[:10])}" for t, ids in affected.items() if ids)
        depending = sum(len(v) for v in (dependents or {}).values())
        with_them = f", {depending} of them because they depend on one that would" if depending else ""
        super().__init__(
            code="rebase-required",
            message=f"doc {doc_id} has annotations and its text changed; {total} annotation(s) "
            f"would be dropped{with_them} ({listing})",
            path=path,
            data={
                "doc_id": doc_id,
                "affected": affected,
                "dependents": dict(dependents or {}),
                "option": "rebase_annotations",
            },
        )


class SplitError(PeaceTalksError):
    """A split assignment cannot be made or would change without permission."""


class EngineError(PeaceTalksError):
    """The engine asked for cannot run the work: unknown, not installed, or its cluster cannot be reached.

    ``code`` is ``bad-engine`` (an engine other than local or daft, or a Ray address without daft),
    ``engine-not-installed`` (``data["extra"]``: the extra that installs it) or ``engine-unreachable``
    (``data["address"]``: the Ray address that could not be joined).
    """


class LoadError(PeaceTalksError):
    """A config cannot be loaded: unknown config, split, option or source."""


def bad_argument(parameter: str, value: object, expected: str) -> LoadError:
    """The ``bad-argument`` error of a call given a value of the wrong type (``data``: parameter, expected, got)."""
    shown = repr(value)
    shown = shown if len(shown) <= 80 else f"{shown[:77]}..."
    return LoadError(
        "bad-argument",
        f"{parameter}={shown}: expected {expected}, got {type(value).__name__}",
        data={"parameter": parameter, "expected": expected, "got": type(value).__name__},
    )


class FetchFailed(LoadError, ValidationFailed):
    """The texts of some stand-off articles could not be got; ``report`` has one issue per article and why.

    Raised before anything is written. ``data``: ``doc_ids`` (the articles concerned), ``articles``
    (how many stand-off articles there are), ``issues`` (how many could not be got).
    """

    def __init__(self, report: Report, *, total: int, path: str | None = None, code: str = "texts-not-fetched") -> None:
        self.report = report
        failed = report.errors
        doc_ids = [i.doc_id for i in failed if i.doc_id is not None]
        listed = ", ".join(doc_ids[:10]) + (f" and {len(doc_ids) - 10} more" if len(doc_ids) > 10 else "")
        PeaceTalksError.__init__(
            self,
            code,
            f"the text of {len(failed)} of {total} stand-off article(s) could not be got ({listed}); "
            "nothing was written",
            path=path,
            data={"what": "the texts", "issues": len(failed), "articles": total, "doc_ids": doc_ids},
        )


class CacheWarning(UserWarning):
    """The Arrow cache of ``peacetalks.load()`` could not be used as it was: an entry was damaged and
    rebuilt, or the cache folder could not be written and the config was built elsewhere."""


class ReleaseError(PeaceTalksError):
    """A release cannot be built, read or rehydrated."""


class PublishError(PeaceTalksError):
    """A release cannot be published."""


class InterchangeError(PeaceTalksError):
    """A tool's export cannot be imported, or an export cannot be written."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "export-failed",
        path: str | None = None,
        line: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, path=path, line=line, data=data)


class ImportFailed(InterchangeError, ValidationFailed):
    """A tool's export cannot be imported; ``report`` lists every problem with file and line.

    Nothing is written when this is raised. For problems in the tool's file, ``Issue.row`` is
    the 1-based line (or record) number in that file.
    """

    def __init__(self, report: Report, what: str = "the import") -> None:
        ValidationFailed.__init__(self, report, what, code="import-failed")


class ViewError(PeaceTalksError):
    """The site of ``peacetalks view`` cannot be written: no texts, or an --out that is not a site."""


class ReviewError(PeaceTalksError):
    """Agreement or adjudication cannot go on: a missing layer, a bad review file, gold that would change."""


class StatusError(PeaceTalksError):
    """An annotation status cannot be set: a status or kind the scheme does not define, an unknown article."""


class MergeInvalid(ValidationFailed):
    """An adjudicated merge does not validate; nothing was written. Rows are those of the merged tables.

    ``data["review_file"]`` is the review file whose decisions made the merge.
    """

    def __init__(self, report: Report, what: str, review_file: str) -> None:
        super().__init__(report, what, code="merge-invalid", path=review_file, data={"review_file": review_file})


class SuggestError(PeaceTalksError):
    """Machine suggestions that cannot be made or written, or a machine layer used as a person's pass.

    ``code`` is ``human-layer`` (suggest would write into a layer a person made), ``machine-layer``
    (a machine-made layer given where a person's pass is needed), ``empty-lexicon`` (no complete
    gold to learn from) or ``bad-layer-manifest`` (a machine layer's ``layer.yaml`` cannot be read).
    """
