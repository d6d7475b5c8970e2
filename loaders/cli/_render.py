"""Terminal output helpers: results go to stdout, messages to stderr.

rich is imported on the first print, not when the command line is built, so ``peacetalks --help``
does not pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console


class _LazyConsole:
    """A rich Console made on first use, with the given settings."""

    def __init__(self, **settings: Any) -> None:
        self._settings = settings
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._settings)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    # ``with console:`` (rich's Live display, of a progress bar) looks these up on the type, not the instance
    def __enter__(self) -> Console:
        return self._get().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._get().__exit__(*exc)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
        else:  # a Console setting such as ``width``
            setattr(self._get(), name, value)


out = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))
err = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


# Control characters other than tab and line feed (C0, DEL, C1): shown as \xNN, never sent to the terminal,
# so that an escape sequence in data cannot move the cursor, recolour or retitle a curator's terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)}


def escape(text: str) -> str:
    """``text`` with rich markup escaped and control characters made visible, so data prints as it is."""
    from rich.markup import escape as rich_escape

    return rich_escape(text.translate(_CONTROL))


def plural(n: int, nouns: str) -> str:
    """``n`` and the noun, singular for 1: ``plural(1, "articles") == "1 article"``, ``plural(2, "entries")``.

    ``nouns`` is the plural (as table names are); its singular drops ``-s``, or ``-ies`` for ``-y``.
    """
    if n == 1:
        nouns = nouns[:-3] + "y" if nouns.endswith("ies") else nouns.removesuffix("s")
    return f"{n} {nouns}"


def plurals(counts: Mapping[str, int]) -> str:
    """``{"articles": 1, "blocks": 23}`` as ``"1 article, 23 blocks"``."""
    return ", ".join(plural(n, name) for name, n in counts.items())
