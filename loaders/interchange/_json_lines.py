"""The line each JSON object of a file starts on, so an issue can point at a region or a record.

Python's C JSON parser gives no positions, and its pure-Python scanner (which does) is several
times slower. So the text is parsed once by the C parser with an ``object_pairs_hook`` that
keeps every object in the order the parser *closes* them, and the text is scanned once for
the braces outside strings: the k-th closed object is the one whose ``}`` is the k-th closing
brace, and its line is that of the matching ``{``. The scan blanks every string first (a
valid JSON string holds no raw line break, so the lines do not move) and then visits only the
braces. Looking up a record's ``"id"`` in the raw text instead would be ambiguous: Label Studio
gives a region's labels and its choices the same id, task, annotation and region ids can be
equal numbers, and a region need not have an id at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACE = re.compile(r"[{}]")

Loc = Sequence[int | str]


class JsonLines:
    """The parsed value of a JSON text and the 1-based line of each object in it."""

    def __init__(self) -> None:
        self._closed: list[dict[str, Any]] = []  # objects in the order the parser closed them
        self._lines: dict[int, int] = {}  # id(object) -> line

    def _hook(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)  # the last of duplicate keys wins, as in json.loads
        self._closed.append(obj)
        return obj

    def loads(self, text: str) -> Any:  # any JSON value
        """Parse ``text`` (json.loads' errors propagate) and locate each of its objects."""
        value = json.loads(text, object_pairs_hook=self._hook)
        self._locate(text)
        return value

    def _locate(self, text: str) -> None:
        blank = _STRING.sub('""', text)
        opened: list[int] = []
        closes: list[int] = []  # the line of the opening brace of each object, in closing order
        line, at = 1, 0
        for m in _BRACE.finditer(blank):
            line += blank.count("\n", at, m.start())
            at = m.start()
            if m.group() == "{":
                opened.append(line)
            elif opened:
                closes.append(opened.pop())
        if len(closes) == len(self._closed):  # always, for text the parser accepted
            self._lines = {id(obj): n for obj, n in zip(self._closed, closes, strict=True)}

    def line(self, obj: object) -> int | None:
        """The line where object ``obj`` (from the parsed value) starts."""
        return self._lines.get(id(obj))

    def at(self, root: object, loc: Loc, *, id_keys: Sequence[str] = ("id",)) -> tuple[int | None, str | None]:
        """The line and id of the innermost object on the path ``loc`` into ``root``.

        ``loc`` may hold names that are not keys (pydantic's union branch tags): they are
        skipped. The id is the innermost object's on the path that has one of ``id_keys``.
        """
        line, ident = self.line(root), _ident(root, id_keys)
        node: Any = root
        for part in loc:
            is_key = isinstance(node, dict) and isinstance(part, str) and part in node
            is_index = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not (is_key or is_index):
                continue
            node = node[part]
            if isinstance(node, dict):
                line = self.line(node) or line
                ident = _ident(node, id_keys) or ident
        return line, ident


def _ident(node: object, keys: Sequence[str]) -> str | None:
    if not isinstance(node, dict):
        return None
    for key in keys:
        value = node.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None
