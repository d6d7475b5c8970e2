"""The normalisations of article text: the one every stored text gets, the raw form's, and the leakage key."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Control characters an article never holds: C0 but tab, line feed and carriage return; DEL; C1 but NEL.
# An escape sequence among them would reach the terminal of whoever reads the text; a NUL cuts it short in C.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
# Line and paragraph separators other than "\n" (NEL, U+2028, U+2029) inside a line: soft breaks of the page,
# read as a space (the raw form breaks blocks with "\n" only).
_SOFT_BREAKS = {ord(c): " " for c in "\x85\u2028\u2029"}
# Zero-width characters: invisible, they make equal-looking words (and headlines) differ. Removed.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalise_text(text: str) -> str:
    """The normalisation the corpus applies to every text: NFC and ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def control_characters(text: str) -> list[tuple[int, int, str]]:
    """(1-based line, 1-based column, ``U+XXXX``) of every control character :func:`normalise_raw` refuses."""
    found = []
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        found.append((line, column, f"U+{ord(match.group()):04X}"))
    return found


def normalise_raw(text: str) -> str:
    """A raw article's text as the corpus stores it: :func:`normalise_text`, soft breaks as spaces, no zero-width
    characters. Control characters are the caller's to refuse first (:func:`control_characters`)."""
    return normalise_text(text.translate(_SOFT_BREAKS).translate(_ZERO_WIDTH))


def leakage_key(column: str = "text") -> pl.Expr:
    """A text as compared for leakage between splits: lower case, white-space runs collapsed to one space."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


# The two characters whose lower case depends on more than the character itself (Unicode's SpecialCasing):
# capital sigma (final or not, by its neighbours) and the capital I with dot above (two code points).
_CONTEXT_CASED = "[\u03a3\u0130]"


def lower(texts: pl.Series) -> pl.Series:
    """``texts.str.to_lowercase()``, the lower case :func:`leakage_key` applies, computed two to three times faster.

    Arrow's ``utf8_lower`` maps each character alone (Unicode's simple mapping); polars' applies the full
    mapping, which differs for two characters only: the texts that hold one are lower-cased by polars
    (``tests/text/test_normalise.py`` compares both on every code point).
    """
    import pyarrow.compute as pc

    special = texts.str.contains(_CONTEXT_CASED).fill_null(False)
    out = pl.Series(texts.name, pc.utf8_lower(texts.to_arrow()))
    if special.any():
        at = special.arg_true()
        out = out.scatter(at, texts.gather(at).str.to_lowercase())
    return out
