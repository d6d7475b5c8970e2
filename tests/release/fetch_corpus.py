"""A stand-off corpus whose articles have URLs on the test's page server, and the pages served there.

Each stand-off article is a copy of the seed article with its gold annotations, as the bundled corpus
holds it (the project's own data, read here, written only to the test's folder). Its text comes from
the seed's raw form read from ../shared/seeds/ (the tests skip without it); the bundled corpus must
hold exactly that text, which is checked. The cases:

- ``same``: the page has the released text;
- ``recovered``: the page has the released text and one paragraph more;
- ``changed``: the released text has a typo (``produktives`` misspelt ``produkitves``) that the page
  corrects, and the page has one paragraph more (after block 9);
- ``flaky``: the server answers 503 once, then the page (the released text);
- ``dead``: the server answers 404.

``open_article``: an openly licensed article too, in the test split (its text is in the release).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.ingest.raw_article import parse_raw_article
from peacetalks.ingest.rebase import rebase
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, BY_NAME, SPLITS, STATUS, Table
from peacetalks.storage.parquet import write_tables
from peacetalks.storage.roots import bundled_root
from peacetalks.validation.validate import read_tables
from tests.conftest import status_frame
from tests.loading.corpora import Doc, articles_frame, block_rows, mention_rows
from tests.release.page_server import PageServer, Reply
from tests.release.tagesschau_page import article_page, seed_raw

TYPO = ("produktives", "produkitves")  # (as the page has it, as the release has it)
ADDED = "Der Kreml kündigte am Abend an, die Gespräche sollten in den kommenden Tagen fortgesetzt werden."
ADDED_AFTER_LINE = 12  # the raw form's line 12 is block 9 (after the caption/credit, kicker/headline lines)
OPEN = Doc(
    "cc-2025-02-13-open",
    "Selenskyj telefonierte mit Trump.\nDie EU begrüßte das Gespräch.",
    mentions=[("Selenskyj", "PER", "NAME", "NAM"), ("Trump", "PER", "NAME", "NAM")],
)
CASES = ("same", "recovered", "changed", "flaky", "dead")


def doc_id(case: str) -> str:
    return f"tagesschau-2025-02-12-{case}"


@dataclass(frozen=True)
class FetchCorpus:
    root: Path
    urls: dict[str, str]  # case -> url
    seed: Frames  # the seed's tables as the bundled corpus holds them
    released: dict[str, str]  # case -> the released text


Frames = dict[Table, pl.DataFrame]


def with_added_paragraph(raw: str) -> str:
    lines = raw.rstrip("\n").split("\n")
    return "\n".join([*lines[:ADDED_AFTER_LINE], ADDED, *lines[ADDED_AFTER_LINE:]]) + "\n"


def _seed_frames(raw: str) -> Frames:
    read = read_tables(bundled_root())
    frames = {BY_NAME[name]: df for name, (df, _) in read.items() if df is not None and name != SPLITS.name}
    text = parse_raw_article(raw, "seed").text
    assert frames[ARTICLES]["text"].to_list() == [text], "the bundled corpus no longer holds the seed's text"
    return frames


def _copy(seed: Frames, new_id: str, url: str | None, raw: str | None = None) -> Frames:
    """The seed article as ``new_id`` at ``url``; with ``raw``, its text that and its annotations re-based onto it."""
    old_id = seed[ARTICLES]["doc_id"][0]
    out = {t: df.with_columns(pl.lit(new_id).alias("doc_id")) for t, df in seed.items()}
    out[ARTICLES] = out[ARTICLES].with_columns(pl.lit(url, pl.String).alias("url"))
    if raw is None:
        return out
    article = parse_raw_article(raw, "typo.txt")
    moved = rebase({t.name: out[t] for t in ANNOTATION_TABLES}, new_id, seed[ARTICLES]["text"][0], article.text)
    out.update({t: moved.frames[t.name] for t in ANNOTATION_TABLES})
    out[ARTICLES] = out[ARTICLES].with_columns(
        pl.lit(article.text).alias("text"),
        pl.lit(hashlib.sha256(article.text.encode()).hexdigest()).alias("text_sha256"),
    )
    out[BLOCKS] = pl.DataFrame(
        {
            "doc_id": new_id,
            "block_id": range(len(article.blocks)),
            "kind": [b.kind for b in article.blocks],
            "start": [b.start for b in article.blocks],
            "end": [b.end for b in article.blocks],
        },
        schema=BLOCKS.polars_schema(),
    )
    assert old_id != new_id
    return out


def write_fetch_corpus(
    root: Path, site: PageServer, cases: tuple[str, ...] = CASES, *, open_article: bool = False
) -> FetchCorpus:
    """Write the corpus of ``cases`` (and the open article) at ``root``; serve their pages on ``site``."""
    raw = seed_raw()
    seed = _seed_frames(raw)
    typo_raw = raw.replace(TYPO[0], TYPO[1], 1)
    assert raw.count(TYPO[0]) == 1
    urls: dict[str, str] = {}
    released: dict[str, str] = {}
    parts: list[Frames] = []
    for case in cases:
        path = f"/ausland/europa/{case}-100.html"
        url = site.base + path
        urls[case] = url
        page = article_page(raw, url=url)
        if case == "same":
            site.page(path, page)
        elif case == "recovered" or case == "changed":
            site.page(path, article_page(with_added_paragraph(raw), url=url))
        elif case == "flaky":
            html = Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
            site.add(path, Reply(503, b"busy", {"Retry-After": "0"}), html)
        elif case == "dead":
            pass  # nothing served: 404
        frames = _copy(seed, doc_id(case), url, typo_raw if case == "changed" else None)
        released[case] = frames[ARTICLES]["text"][0]
        parts.append(frames)
    tables = {t: pl.concat([p[t] for p in parts], how="vertical_relaxed") for t in parts[0]}
    if open_article:
        tables[ARTICLES] = pl.concat([tables[ARTICLES], articles_frame([OPEN])])
        tables[BLOCKS] = pl.concat([tables[BLOCKS], pl.DataFrame(block_rows([OPEN]), schema=BLOCKS.polars_schema())])
        entities = next(t for t in ANNOTATION_TABLES if t.name == "entities")
        rows = pl.DataFrame(mention_rows([OPEN]), schema=entities.polars_schema())
        tables[entities] = pl.concat([tables[entities], rows])
        tables[STATUS] = pl.concat([tables[STATUS], status_frame([OPEN.doc_id]).cast(tables[STATUS].schema)])
    docs = tables[ARTICLES]["doc_id"].to_list()
    write_tables(root, tables)
    splits = pl.DataFrame({"doc_id": docs, "split": ["test" if d == OPEN.doc_id else "train" for d in docs]})
    splits = splits.with_columns(pl.col("doc_id").alias("group_id"))
    write_tables(root, {SPLITS: splits})
    return FetchCorpus(root, urls, seed, released)
