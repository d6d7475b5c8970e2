"""The line each JSON object of a file starts on, so an issue can point at a region or a record.

Python's C JSON parser gives no positions, and its pure-Python scanner (which does) is about
three times slower (``benchmarks/bench_json_lines.py``). So the text is parsed once by the C
parser with an ``object_pairs_hook`` that keeps every object in the order the parser *closes*
them, and the text is scanned once for the braces outside strings: the k-th closed object is
the one whose ``}`` is the k-th closing brace, and its line is that of the matching ``{``. The
scan leaves out the braces inside strings (those after an odd number of unescaped quotes; a
valid JSON string holds no raw line break) and pairs the others, all with numpy, without a
Python loop over the text or the braces. Looking up a record's ``"id"`` in the raw text
instead would be ambiguous: Label Studio gives a region's labels and its choices the same id,
task, annotation and region ids can be equal numbers, and a region need not have an id at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

_OPEN, _CLOSE, _LF, _QUOTE, _BACKSLASH = (ord(c) for c in '{}\n"\\')

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
        """Pair each closed object with the line of its opening brace, vectorised over the braces.

        Counting depth from the start (+1 for ``{``, -1 for ``}``), an object's braces are the
        ones at the same level with no brace of that level between them: sorted by level, then
        position, the braces come as (open, close) pairs.
        """
        data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)  # a brace, quote or LF is one byte
        at = _outside_strings(data, np.flatnonzero((data == _OPEN) | (data == _CLOSE)))
        opens = data[at] == _OPEN
        if int(np.count_nonzero(~opens)) != len(self._closed):
            return  # never for text the parser accepted
        lines = np.searchsorted(np.flatnonzero(data == _LF), at) + 1  # the line of each brace
        depth = np.cumsum(np.where(opens, 1, -1))
        level = np.where(opens, depth - 1, depth)
        pairs = np.lexsort((np.arange(len(at)), level)).reshape(-1, 2)  # rows: (open, close) brace indexes
        line_of_close = np.empty(len(at), dtype=np.int64)
        line_of_close[pairs[:, 1]] = lines[pairs[:, 0]]
        closing_lines = line_of_close[np.flatnonzero(~opens)].tolist()  # in the order the parser closed them
        self._lines = {id(obj): line for obj, line in zip(self._closed, closing_lines, strict=True)}

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


def _outside_strings(data: np.ndarray[Any, np.dtype[np.uint8]], at: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The positions of ``at`` that are outside JSON strings (in valid JSON, after an even number of quotes).

    A quote preceded by an odd number of backslashes is escaped and does not count.
    """
    quotes = np.flatnonzero(data == _QUOTE)
    slashes = np.flatnonzero(data == _BACKSLASH)
    if slashes.size and quotes.size:
        breaks = np.flatnonzero(np.diff(slashes) != 1)
        starts = slashes[np.r_[0, breaks + 1]]  # each run of backslashes: its first and last position
        ends = slashes[np.r_[breaks, slashes.size - 1]]
        run = np.minimum(np.searchsorted(ends, quotes - 1), ends.size - 1)
        length = np.where(ends[run] == quotes - 1, ends[run] - starts[run] + 1, 0)  # backslashes before the quote
        quotes = quotes[length % 2 == 0]
    outside: np.ndarray[Any, Any] = at[np.searchsorted(quotes, at) % 2 == 0]
    return outside


def _ident(node: object, keys: Sequence[str]) -> str | None:
    if not isinstance(node, dict):
        return None
    for key in keys:
        value = node.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None
