"""A page's text against a released text known only by its sha256 and its blocks' sha256."""

from __future__ import annotations

import hashlib

import polars as pl

from peacetalks.ingest.raw_article import Block, RawArticle
from peacetalks.loading.recover import UNKNOWN, compare


def _article(*blocks: str) -> RawArticle:
    spans, at = [], 0
    for i, text in enumerate(blocks):
        spans.append(Block("paragraph", at, at + len(text), i + 1))
        at += len(text) + 1
    return RawArticle("\n".join(blocks), spans)


def _released(article: RawArticle) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    blocks = pl.DataFrame(
        {
            "block_id": range(len(article.blocks)),
            "start": [b.start for b in article.blocks],
            "end": [b.end for b in article.blocks],
        }
    )
    digests = [hashlib.sha256(article.text[b.start : b.end].encode()).hexdigest() for b in article.blocks]
    hashes = pl.DataFrame({"block_id": range(len(article.blocks)), "sha256": digests})
    return hashlib.sha256(article.text.encode()).hexdigest(), blocks, hashes


RELEASED = _article("Erster Absatz.", "Zweiter Absatz mit Putin.", "Dritter Absatz.")
SHA, BLOCKS, HASHES = _released(RELEASED)


def test_the_same_text_is_same() -> None:
    found = compare(RELEASED, SHA, BLOCKS, HASHES)
    assert (found.relation, found.text) == ("same", RELEASED.text)


def test_a_page_with_a_paragraph_more_gives_the_released_text_back() -> None:
    page = _article("Erster Absatz.", "Neu eingefügt.", "Zweiter Absatz mit Putin.", "Dritter Absatz.")
    found = compare(page, SHA, BLOCKS, HASHES)
    assert (found.relation, found.text, found.missing, found.extra, found.added) == (
        "recovered",
        RELEASED.text,
        (),
        (1,),
        1,
    )


def test_a_changed_paragraph_is_unknown_in_the_released_text_and_the_rest_is_known() -> None:
    page = _article("Erster Absatz.", "Zweiter Absatz mit Putin!", "Dritter Absatz.", "Vierter.")
    found = compare(page, SHA, BLOCKS, HASHES)
    assert (found.relation, found.text, found.missing, found.extra, found.added) == (
        "changed",
        page.text,
        (1,),
        (1, 3),
        1,
    )
    second = RELEASED.blocks[1]
    assert found.released == (
        RELEASED.text[: second.start] + UNKNOWN * (second.end - second.start) + RELEASED.text[second.end :]
    )


def test_a_changed_text_without_block_hashes_cannot_be_told() -> None:
    page = _article("Erster Absatz.", "Zweiter Absatz mit Putin!", "Dritter Absatz.")
    assert compare(page, SHA, BLOCKS, None).relation == "unknown"
