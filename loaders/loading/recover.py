"""How a fetched page's text stands to the released text of a stand-off article, known only by its hashes.

A stand-off release records the text's ``text_sha256``, every block's span and every block's sha256
(:data:`peacetalks.loading.standoff.BLOCK_HASHES`). The page's text (the raw form that
:mod:`peacetalks.ingest.html_article` makes of it, parsed as ingest parses a file) is then

- ``same``: its sha256 is the released one;
- ``recovered``: the page changed (a paragraph added, one removed), but it holds every block of the
  released text, each found by its sha256, and those blocks joined as the raw form joins them
  (by line breaks) have the released sha256: the released text is recovered exactly;
- ``changed``: some released blocks are not in the page (a typo corrected). The released text is
  known where its blocks are found and unknown (:data:`UNKNOWN`) in the others, which is what a
  re-base needs: an annotation in a known block moves with the diff onto the page's text, one that
  touches an unknown character cannot be checked and is dropped;
- ``unknown``: the text differs and the release records no block hashes, so nothing can be told.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from typing import Literal

import polars as pl

from peacetalks.ingest.raw_article import RawArticle

# A character of the released text that is not known: NUL, which a text never holds (ingest refuses
# control characters), so no annotation text containing it equals a slice of the page's text.
UNKNOWN = "\x00"
Relation = Literal["same", "recovered", "changed", "unknown"]


@dataclass(frozen=True)
class Comparison:
    """The page's text against the released one.

    ``text``: the released text (``same``, ``recovered``) or the page's (``changed``, ``unknown``);
    ``released``: the released text as far as known, :data:`UNKNOWN` elsewhere (``changed``);
    ``missing``: block_ids of released blocks the page does not hold; ``extra``: indexes of the page's
    blocks the release does not hold; ``added``: how many of those are more than replacements of
    missing ones (text nobody annotated).
    """

    relation: Relation
    text: str
    released: str | None = None
    missing: tuple[int, ...] = ()
    extra: tuple[int, ...] = ()
    added: int = 0


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare(page: RawArticle, text_sha256: str, blocks: pl.DataFrame, hashes: pl.DataFrame | None) -> Comparison:
    """Compare ``page`` with the released text of one article.

    ``blocks``: the article's released blocks (``block_id``, ``start``, ``end``); ``hashes``: their
    ``block_id`` and ``sha256``, or None when the release records none.
    """
    if sha256_text(page.text) == text_sha256:
        return Comparison("same", page.text)
    if hashes is None:
        return Comparison("unknown", page.text)
    released = blocks.sort("start").join(hashes.select("block_id", "sha256"), on="block_id", how="left")
    ids = released["block_id"].to_list()
    wanted = released["sha256"].fill_null("").to_list()
    pieces = [page.text[b.start : b.end] for b in page.blocks]
    found = [sha256_text(p) for p in pieces]
    matcher = difflib.SequenceMatcher(None, wanted, found, autojunk=False)
    where: dict[int, int] = {}  # released block position -> page block index
    for match in matcher.get_matching_blocks():
        where.update({match.a + k: match.b + k for k in range(match.size)})
    added = sum(max(0, (j2 - j1) - (i2 - i1)) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    missing = tuple(ids[i] for i in range(len(ids)) if i not in where)
    taken = set(where.values())
    extra = tuple(j for j in range(len(pieces)) if j not in taken)
    known = _released_text(released, {i: pieces[j] for i, j in where.items()})
    if not missing and UNKNOWN not in known and sha256_text(known) == text_sha256:
        return Comparison("recovered", known, missing=missing, extra=extra, added=added)
    return Comparison("changed", page.text, released=known, missing=missing, extra=extra, added=added)


def _released_text(released: pl.DataFrame, texts: dict[int, str]) -> str:
    """The released text from its blocks: a found block's text, :data:`UNKNOWN` for the characters of the
    others and of any gap, but a one-character gap between two blocks, the raw form's line break."""
    starts, ends = released["start"].to_list(), released["end"].to_list()
    chars = [UNKNOWN] * max(ends, default=0)
    for before, after in zip(ends, starts[1:], strict=False):  # the blocks of one article, in start order
        if after - before == 1:
            chars[before] = "\n"
    for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
        text = texts.get(position)
        if text is not None and len(text) == end - start:
            chars[start:end] = text
    return "".join(chars)
