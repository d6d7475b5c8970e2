"""The one check that a path given for a file is a file and a path given for a folder is a folder.

Every path a command reads or writes that comes from an option or the environment (``--out``,
``--to``, ``--texts``, ``--root``, ``PEACETALKS_CACHE``, an input file) goes through
:func:`check_path` before it is used, so that a folder where a file is expected, a file where a
folder is expected, a symbolic link to nothing, or a path under a file is one coded
:class:`~peacetalks.errors.PathError` instead of an ``OSError`` from deep inside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from peacetalks.errors import PathError

Kind = Literal["file", "folder"]


def _first_existing_parent(path: Path) -> Path | None:
    return next((parent for parent in path.parents if parent.exists() or parent.is_symlink()), None)


def check_path(path: Path | str, kind: Kind, what: str) -> Path:
    """``path`` if it is of ``kind`` or does not exist yet (and could be made); else PathError.

    Codes: ``broken-symlink`` (a link to nothing, at the path or above it), ``not-a-file`` /
    ``not-a-folder`` (the path is of the other kind), ``not-a-folder`` also when a parent of a path
    that does not exist yet is a file. ``what`` names the path for the message (``"--out"``).
    Whether a missing path is an error is the caller's to say (it has the code for it).
    """
    path = Path(path)
    data = {"what": what, "expected": kind}
    if path.is_symlink() and not path.exists():
        raise PathError(
            "broken-symlink", f"{what} is a symbolic link to nothing ({path.readlink()})", path=str(path), data=data
        )
    if path.exists():
        if kind == "file" and not path.is_file():
            raise PathError("not-a-file", f"{what} must be a file, and this is a folder", path=str(path), data=data)
        if kind == "folder" and not path.is_dir():
            raise PathError("not-a-folder", f"{what} must be a folder, and this is a file", path=str(path), data=data)
        return path
    parent = _first_existing_parent(path)
    if parent is not None and parent.is_symlink() and not parent.exists():
        raise PathError(
            "broken-symlink", f"{what} lies under {parent}, a symbolic link to nothing", path=str(path), data=data
        )
    if parent is not None and not parent.is_dir():
        raise PathError("not-a-folder", f"{what} lies under {parent}, which is a file", path=str(path), data=data)
    return path
