"""The one rule for a name that becomes part of a path, and the one way to join such a name to a folder.

Every name that comes from data or from an option and ends up in a file or folder name — a doc_id
(export files, stand-off texts), a layer or annotator name (``annotations/layers/NAME``, ``--into``),
a release version (``vX.Y.Z``), a document id inside a tool's file — passes :func:`check_name`:
lower-case ASCII letters and digits, in runs joined by a single ``-``, ``_`` or ``.``, at most
:data:`NAME_MAX` characters. So no name is empty, starts with a dot, holds a slash, a backslash, a
control character or a newline (the pattern is matched whole, with ``re.ASCII``: ``$`` would let
``'ann\\n'`` through), and none is ``.`` or ``..``.

:func:`child_path` joins a checked name to its folder and also checks that the result, with
symbolic links resolved, stays inside that folder. :func:`bad_names` is the same rule as a polars
expression, for a column of names (every doc_id of a corpus at once).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from peacetalks.errors import PathError

NAME_MAX = 200  # well under the 255 bytes most file systems allow, with room for a suffix
NAME_REGEX = r"[a-z0-9]+(?:[._-][a-z0-9]+)*"
_NAME = re.compile(NAME_REGEX, re.ASCII)
RULE = "lower-case ASCII letters and digits, joined by single '-', '_' or '.'"


def is_name(value: object) -> bool:
    """Whether ``value`` is a string that may be used as a file or folder name."""
    return isinstance(value, str) and len(value) <= NAME_MAX and _NAME.fullmatch(value) is not None


def check_name(value: object, what: str, *, path: str | None = None, line: int | None = None) -> str:
    """``value`` if it is a name (:func:`is_name`); else PathError ``bad-name``.

    ``what`` says what the name is (``"doc_id"``, ``"layer"``, ``"version"``), ``path``/``line``
    where it was read, if it came from a file.
    """
    if is_name(value):
        assert isinstance(value, str)  # is_name checked it; this narrows the type for mypy
        return value
    shown = repr(value) if not isinstance(value, str) or len(value) <= 80 else repr(value[:80]) + "..."
    length = f" and at most {NAME_MAX} characters" if isinstance(value, str) and len(value) > NAME_MAX else ""
    raise PathError(
        "bad-name",
        f"{what} {shown} cannot be used as a file or folder name: it must be {RULE}{length}",
        path=path,
        line=line,
        data={"what": what, "name": value if isinstance(value, str) else repr(value)},
    )


def bad_names(column: str) -> pl.Expr:
    """True for each value of ``column`` that is not a name (the rule of :func:`check_name`)."""
    name = pl.col(column)
    return ~name.str.contains(rf"\A(?:{NAME_REGEX})\z") | (name.str.len_chars() > NAME_MAX)


def check_names(names: pl.Series, what: str, *, path: str | None = None) -> None:
    """PathError ``bad-name`` listing every value of ``names`` that is not a name (nothing when all are)."""
    frame = pl.DataFrame({"name": names.cast(pl.String)})
    bad = frame.filter(bad_names("name").fill_null(value=True)).get_column("name").unique(maintain_order=True)
    if bad.len():
        listed = ", ".join(repr(v if v is None or len(v) <= 80 else v[:80] + "...") for v in bad.head(10).to_list())
        more = f" and {bad.len() - 10} more" if bad.len() > 10 else ""
        raise PathError(
            "bad-name",
            f"{bad.len()} {what} value(s) cannot be used as file or folder names ({listed}{more}): each must be {RULE}",
            path=path,
            data={"what": what, "names": bad.to_list()},
        )


def check_inside(folder: Path, path: Path, what: str) -> Path:
    """``path`` if, with symbolic links resolved, it lies inside ``folder``; else PathError ``path-escapes``."""
    base = folder.resolve()
    resolved = path.resolve()
    if resolved != base and base not in resolved.parents:
        raise PathError(
            "path-escapes",
            f"{what} {path} resolves to {resolved}, outside {base}",
            path=str(path),
            data={"what": what, "folder": str(base), "resolved": str(resolved)},
        )
    return path


def child_path(folder: Path, name: str, what: str, *, suffix: str = "") -> Path:
    """``folder / (name + suffix)``, for a ``name`` that passes :func:`check_name` and a result inside ``folder``."""
    return check_inside(folder, folder / (check_name(name, what) + suffix), what)
