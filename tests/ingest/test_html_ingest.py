"""Saved HTML pages as an input form of `ingest`, beside the raw form and JSONL, in one run.

The pages are built by the tests in the markup of a tagesschau.de article page from the seed's own text
(``tests/release/tagesschau_page.py``, reading ../shared/seeds/; skipped when it is absent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.ingest.ingest import IngestOptions, ingest_many
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.raw_article import parse_raw_article
from peacetalks.schema.tables import ARTICLES, BLOCKS
from peacetalks.storage.parquet import read_table
from peacetalks.validation.validate import validate
from tests.release.tagesschau_page import article_page, seed_raw

URL = "https://www.tagesschau.de/ausland/amerika/trump-putin-telefonat-100.html"
DOC = "tagesschau-2025-02-12-trump-und-putin-sprechen-ueber-ukraine"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "c"
    init_corpus(folder)
    return folder


def _saved(folder: Path, raw: str, name: str = "artikel") -> Path:
    """A page as a browser saves it: the .html and a folder of its images and scripts (with an .html in it)."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{name}.html"
    page.write_text(article_page(raw, url=URL), encoding="utf-8")
    assets = folder / f"{name}_files"
    assets.mkdir()
    (assets / "player.html").write_text("<html><body>Video</body></html>", encoding="utf-8")
    (assets / "bild.jpg").write_bytes(b"\xff\xd8")
    return page


def test_a_folder_of_a_saved_page_and_a_jsonl_file_ingest_in_one_run(corpus: Path, tmp_path: Path) -> None:
    raw = seed_raw()
    page = _saved(tmp_path / "inputs" / "pages", raw)
    words = " ".join(f"Wort{i}" for i in range(80))
    record = {"headline": "Ein anderer Artikel", "paragraphs": [words], "date": "2025-02-14", "source": "example"}
    (tmp_path / "inputs" / "scraped.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    summary = ingest_many([tmp_path / "inputs"], root=corpus)
    assert summary.ok, [(r.where, r.error) for r in summary.refused]
    assert sorted((r.where, r.status) for r in summary.results) == [
        (str(page), "added"),
        (f"{tmp_path / 'inputs' / 'scraped.jsonl'}:1", "added"),
    ]
    row = read_table(corpus, ARTICLES).filter(pl.col("doc_id") == DOC).row(0, named=True)
    expected = parse_raw_article(raw, "seed.txt")
    assert row["text"] == expected.text  # what ingest makes of the raw file, from the page
    assert (row["source"], row["published"], row["url"], row["author"]) == (
        "tagesschau",  # the page's site, as no --source was given
        dt.date(2025, 2, 12),
        URL,
        "tagesschau",
    )
    blocks = read_table(corpus, BLOCKS).filter(pl.col("doc_id") == DOC).sort("block_id")
    assert blocks["kind"].to_list() == [b.kind for b in expected.blocks]
    kept = corpus / "corpus" / "raw" / row["raw_file"]
    assert (kept.name, kept.read_bytes()) == (f"{DOC}.html", page.read_bytes())
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == row["raw_sha256"]
    assert validate(corpus).valid


def test_the_page_and_the_raw_file_of_one_article_are_one_article(corpus: Path, tmp_path: Path) -> None:
    """Ingested from its page and from its raw file: the second is unchanged or an exact duplicate, never new."""
    raw = seed_raw()
    page = _saved(tmp_path, raw)
    (tmp_path / "seed.txt").write_text(raw, encoding="utf-8")
    summary = ingest_many([page, tmp_path / "seed.txt"], root=corpus, options=IngestOptions(source="tagesschau-de"))
    assert summary.counts()["added"] == 1
    ((refused),) = summary.refused
    assert (refused.where, refused.error.code) == (str(tmp_path / "seed.txt"), "missing-metadata")
    again = ingest_many([tmp_path / "seed.txt"], root=corpus, options=IngestOptions("other", dt.date(2025, 2, 12)))
    assert [(r.error.code, r.error.data["doc_id"]) for r in again.refused] == [
        ("duplicate-article", "tagesschau-de-2025-02-12-trump-und-putin-sprechen-ueber-ukraine")
    ]


def test_a_page_without_an_article_is_refused_and_the_others_go_in(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _saved(tmp_path / "in", seed_raw())
    (tmp_path / "in" / "index.html").write_text("<html><body><nav>Startseite</nav></body></html>", encoding="utf-8")
    code = main(["ingest", str(tmp_path / "in"), "-r", str(corpus)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {tmp_path / 'in' / 'index.html'} [no-article-in-page]" in err
    assert err.splitlines()[-1] == "2 articles read: 1 added, 0 unchanged, 0 replaced, 0 rebased, 1 refused"
    assert read_table(corpus, ARTICLES)["doc_id"].to_list() == [DOC]


def test_a_page_without_a_suffix_is_told_by_its_content(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "download").write_text(article_page(seed_raw(), url=URL), encoding="utf-8")
    summary = ingest_many([tmp_path / "download"], root=corpus)
    assert [r.doc_id for r in summary.results] == [DOC]
    assert read_table(corpus, ARTICLES)["raw_file"].to_list() == [f"{DOC}.html"]
