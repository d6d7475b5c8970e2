"""``peacetalks rehydrate --fetch`` and ``load(texts="fetch")``: each stand-off text got from its article's page.

The pages are served by the test's own site on 127.0.0.1 (:mod:`tests.release.page_server`), in the
markup of a tagesschau.de article page, made from the seed article's raw form
(:mod:`tests.release.fetch_corpus` describes the cases: the same text, a page with a paragraph more,
a page with a typo corrected and a paragraph more, a 503 before the page, a dead link).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import FetchFailed, LoadError
from peacetalks.ingest.raw_article import parse_raw_article
from peacetalks.loading.load import load
from peacetalks.release.build import build_release, rehydrate_release
from peacetalks.schema.tables import ARTICLES, BLOCKS, ENTITIES, EVENTS, STATUS
from peacetalks.storage.parquet import read_table
from tests.release.fetch_corpus import ADDED, OPEN, doc_id, with_added_paragraph, write_fetch_corpus
from tests.release.page_server import PageServer
from tests.release.tagesschau_page import seed_raw

GOOD = ("same", "recovered", "flaky")


def _release(tmp_path: Path, site: PageServer, cases: tuple[str, ...], **kwargs: bool) -> Path:
    corpus = write_fetch_corpus(tmp_path / "corpus", site, cases, **kwargs)
    return build_release(corpus.root, "0.1.0", tmp_path / "dist").folder


def test_rehydrate_fetch_fills_in_each_text_and_says_how_it_got_it(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _release(tmp_path, site, GOOD, open_article=True)
    assert main(["rehydrate", str(release), "--fetch", "--out", str(tmp_path / "full")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith(f"rehydrated: {tmp_path / 'full'}")
    lines = captured.err.splitlines()
    assert [line.split(":")[0] for line in lines] == ["fetched", "recovered", "fetched"]  # in doc_id order
    assert lines[1].startswith(f"recovered: {doc_id('recovered')} (")
    assert "the page has 1 block the release has not" in lines[1]
    assert site.hits("/ausland/europa/flaky-100.html") == 2  # 503, then the page
    text = parse_raw_article(seed_raw(), "seed").text
    articles = read_table(tmp_path / "full" / "tables", ARTICLES)
    filled = dict(zip(articles["doc_id"], articles["text"], strict=True))
    assert {d: filled[doc_id(d)] for d in GOOD} == dict.fromkeys(GOOD, text)  # the released text, recovered too
    assert filled[OPEN.doc_id] == OPEN.text

    # exactly what --include-text builds from the corpus
    private = build_release(tmp_path / "corpus", "0.1.0", tmp_path / "private", include_text=True).folder
    for config in ("tokens", "documents"):
        ours = sorted((tmp_path / "full" / "data" / config).glob("*.parquet"))
        theirs = sorted((private / "data" / config).glob("*.parquet"))
        assert [p.read_bytes() for p in ours] == [p.read_bytes() for p in theirs]


def test_a_changed_page_rebases_the_annotations_and_says_which_moved_and_which_were_dropped(
    site: PageServer, tmp_path: Path
) -> None:
    release = _release(tmp_path, site, ("changed",))
    result = rehydrate_release(release, None, tmp_path / "full", fetch=True)
    assert result.texts is not None
    (got,) = result.texts.articles
    assert (got.doc_id, got.how, got.missing_blocks, got.added_blocks) == (doc_id("changed"), "rebased", (6,), 1)

    page = parse_raw_article(with_added_paragraph(seed_raw()), "page").text
    doc = doc_id("changed")
    before = read_table(release / "tables", ENTITIES).filter(pl.col("doc_id") == doc)
    blocks = read_table(release / "tables", BLOCKS).filter(pl.col("doc_id") == doc)
    changed = blocks.filter(pl.col("block_id") == 6).row(0, named=True)
    added_at = page.index(ADDED)
    shift = len(ADDED) + 1
    in_changed = before.filter((pl.col("end") > changed["start"]) & (pl.col("start") < changed["end"]))
    after_added = before.filter(pl.col("start") >= added_at)
    # every entity in the changed block is dropped (its text could not be checked), and no other entity
    assert sorted(got.dropped["entities"]) == sorted(in_changed["mention_id"].to_list())
    assert in_changed.height > 0
    # every entity after the added paragraph moved by its length, and none before it
    moved = {m.id: (m.old, m.new) for m in got.moved if m.table == "entities"}
    expected = {
        r["mention_id"]: ((r["start"], r["end"]), (r["start"] + shift, r["end"] + shift))
        for r in after_added.iter_rows(named=True)
    }
    assert moved == expected
    # an annotation dropped without a changed text of its own depended on one that was
    roots = {f"{t}/{i}" for t, ids in got.dropped.items() for i in ids} - {
        dep for deps in got.dependents.values() for dep in deps
    }
    assert all(
        set(deps) <= {f"{t}/{i}" for t, ids in got.dropped.items() for i in ids} for deps in got.dependents.values()
    )
    assert roots >= {f"entities/{i}" for i in in_changed["mention_id"]}

    # the rehydrated release holds the page's text, the moved annotations on it, and the gold is no longer complete
    full = tmp_path / "full" / "tables"
    article = read_table(full, ARTICLES).row(0, named=True)
    assert article["text"] == page
    entities = read_table(full, ENTITIES)
    assert all(page[s:e] == t for s, e, t in entities.select("start", "end", "text").iter_rows())
    assert set(entities["mention_id"]) == set(before["mention_id"]) - set(got.dropped["entities"])
    assert set(read_table(full, EVENTS)["event_id"]).isdisjoint(got.dropped.get("events", []))
    status = read_table(full, STATUS)
    assert set(status["status"]) == {"in-progress"}  # the page has a paragraph nobody annotated
    assert got.statuses == dict.fromkeys(["entities", "events", "stances"], "in-progress")


def test_the_report_lists_every_moved_and_dropped_annotation_and_json_gives_them_as_data(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _release(tmp_path, site, ("changed",))
    assert main(["rehydrate", str(release), "--fetch", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert main(["rehydrate", str(release), "--fetch", "--out", str(tmp_path / "b"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (article,) = data["articles"]
    assert article["how"] == "rebased"
    assert err.startswith(f"re-based: {doc_id('changed')} (")
    for table, ids in article["dropped"].items():
        for ident in ids:
            assert f"  dropped {table}/{ident} (" in err
    for moved in article["moved"]:
        assert moved["id"] in err
    assert "gold entities: now in-progress" in err
    assert site.hits("/ausland/europa/changed-100.html") == 1  # the second run read the cache


def test_a_dead_link_fails_the_command_naming_it_and_nothing_is_written(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _release(tmp_path, site, ("same", "dead"))
    assert main(["rehydrate", str(release), "--fetch", "--out", str(tmp_path / "full")]) == 1
    err = capsys.readouterr().err.splitlines()
    url = site.base + "/ausland/europa/dead-100.html"
    assert err[0] == f"{url} [page-not-found] doc={doc_id('dead')}: the server answered HTTP 404 Not Found"
    assert err[1].startswith(f"error: {release} [texts-not-fetched] the text of 1 of 2 stand-off article(s)")
    assert err[2].startswith("hint: give local copies of those articles with --texts DIR")
    assert not (tmp_path / "full").exists()
    assert list(tmp_path.glob(".full*")) == []
    assert site.hits("/ausland/europa/same-100.html") == 1  # the others were still got


def test_an_article_without_url_needs_a_local_copy_which_fetch_takes_first(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_fetch_corpus(tmp_path / "corpus", site, ("same", "flaky"))
    articles = read_table(corpus.root, ARTICLES)
    nourl = articles.with_columns(
        pl.when(pl.col("doc_id") == doc_id("flaky")).then(None).otherwise(pl.col("url")).alias("url")
    )
    from peacetalks.storage.parquet import write_tables

    write_tables(corpus.root, {ARTICLES: nourl})
    release = build_release(corpus.root, "0.1.0", tmp_path / "dist").folder
    assert main(["rehydrate", str(release), "--fetch", "--out", str(tmp_path / "full")]) == 1
    err = capsys.readouterr().err
    assert f"(no url) [url-unknown] doc={doc_id('flaky')}: the release records no url for it" in err
    assert site.hits("/ausland/europa/same-100.html") == 1  # the first run got it all the same
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "mine.txt").write_text(seed_raw(), encoding="utf-8")  # the raw form: its parsed text matches
    assert main(["rehydrate", str(release), "--texts", str(copies), "--fetch", "--out", str(tmp_path / "full")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"local copy: {doc_id('flaky')}", f"local copy: {doc_id('same')}"]
    assert site.hits("/ausland/europa/same-100.html") == 1  # a matching local copy is not fetched


def test_load_fetch_fills_the_texts_and_keeps_the_pages_in_the_cache_as_licensed_text(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _release(tmp_path, site, GOOD)
    tokens = load("tokens", "train", source=release, texts="fetch")
    assert set(tokens["doc_id"]) == {doc_id(c) for c in GOOD}
    assert all(row is not None for row in tokens["tokens"])
    hits = len(site.requests)
    again = load("tokens", "train", source=release, texts="fetch")
    assert again.to_list() == tokens.to_list()
    assert len(site.requests) == hits  # the pages came from the cache

    assert main(["cache", "list", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    pages = [e for e in entries if e["config"] == "pages"]
    assert sorted(e["root"] for e in pages) == sorted(site.base + f"/ausland/europa/{c}-100.html" for c in GOOD)
    assert all(e["licensed_texts"] and e["state"] == "current" for e in pages)
    assert main(["cache", "prune"]) == 0
    capsys.readouterr()
    assert main(["cache", "list", "--format", "json"]) == 0
    assert [e for e in json.loads(capsys.readouterr().out) if e["licensed_texts"]] == []


def test_load_fetch_of_a_changed_page_is_an_error_naming_it_and_the_command_that_rebases(
    site: PageServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = _release(tmp_path, site, ("same", "changed"))
    with pytest.raises(FetchFailed) as caught:
        load("entities", source=release, texts="fetch")
    assert isinstance(caught.value, LoadError)
    assert caught.value.code == "texts-not-fetched"
    assert caught.value.report.flatten(["doc_id", "code"]) == [[doc_id("changed"), "page-changed"]]
    assert caught.value.data["doc_ids"] == [doc_id("changed")]
    from peacetalks.cli._errors import error_lines

    assert any("peacetalks rehydrate RELEASE --fetch --out DIR" in line for line in error_lines(caught.value))
