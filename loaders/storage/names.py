"""The one rule for a name that becomes part of a path (a file or folder name).

A name from data or an option that is used as a path component must be one safe component:
1 to :data:`MAX_NAME_CHARS` characters, no ``/`` or ``\\``, no control character (C0, DEL,
C1), not starting with ``.`` (so never ``.`` or ``..``, nor a hidden file) and not ending with
a space or a dot (which some file systems drop). :func:`check_name` returns what is wrong, or
None; callers turn that into their coded error or issue (``bad-name``).
"""

from __future__ import annotations

import re

MAX_NAME_CHARS = 200
_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f-\x9f]")


def check_name(name: str) -> str | None:
    """What makes ``name`` unsafe as a path component, or None when it is safe."""
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME_CHARS:
        return f"it has {len(name):,} characters (at most {MAX_NAME_CHARS})"
    bad = _FORBIDDEN.search(name)
    if bad is not None:
        return f"it holds {bad.group()!r} (no '/', '\\' or control characters)"
    if name.startswith("."):
        return "it starts with '.'"
    if name.endswith((" ", ".")):
        return "it ends with a space or '.'"
    return None
