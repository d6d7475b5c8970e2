"""The two normalisations of article text: the one every stored text gets, and the comparison key for leakage."""

from __future__ import annotations

import unicodedata

import polars as pl


def normalise_text(text: str) -> str:
    """The normalisation the corpus applies to every text: NFC and ``\\n`` line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def leakage_key(column: str = "text") -> pl.Expr:
    """A text as compared for leakage between splits: lower case, white-space runs collapsed to one space."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
