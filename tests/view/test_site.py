"""The site's pages hold what the tables hold: each gold mention once, the counts, the disagreements of agree."""

from __future__ import annotations

import os
from pathlib import Path

import lxml.html
import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import PathError, ViewError
from peacetalks.release.build import build_release
from peacetalks.review.agreement import ALL_LABELS, agreement
from peacetalks.schema.tables import ARTICLES, ENTITIES, EVENTS, STANCES, STATUS
from peacetalks.storage.layers import read_layer
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.view.charts import svg_digest
from peacetalks.view.site import MARKER, Site, build_site
from tests.release._corpora import write_v1
from tests.view.conftest import PASSES, PROJECT

GOLD = read_layer(PROJECT, "gold")


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _doc() -> str:
    return str(read_table(PROJECT, ARTICLES)["doc_id"][0])


def _texts_by(root: lxml.html.HtmlElement, attribute: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in root.xpath(f"//*[@{attribute}]"):
        key = element.get(attribute)
        found[key] = found.get(key, "") + element.text_content()
    return found


def test_every_gold_mention_trigger_and_stance_is_marked_once_with_its_text(site: Site) -> None:
    page = _page(site.out / "articles" / f"{_doc()}.html")
    for table, attribute, key, start, end in (
        (ENTITIES, "data-mention", "mention_id", "start", "end"),
        (EVENTS, "data-event", "event_id", "trigger_start", "trigger_end"),
        (STANCES, "data-stance", "stance_id", "evidence_start", "evidence_end"),
    ):
        text = str(read_table(PROJECT, ARTICLES)["text"][0])
        expected = {row[key]: text[row[start] : row[end]] for row in GOLD[table].iter_rows(named=True)}
        marked = _texts_by(page, attribute)
        if attribute == "data-event":  # the events table repeats the ids in data-event-row, not data-event
            marked = {k: v for k, v in marked.items() if k in expected}
        assert marked == expected


def test_a_mention_carries_its_entity_and_the_events_it_is_an_argument_of(site: Site) -> None:
    page = _page(site.out / "articles" / f"{_doc()}.html")
    arguments = read_layer(PROJECT, "gold")[next(t for t in GOLD if t.name == "event_arguments")]
    with_mention = arguments.filter(pl.col("mention_id").is_not_null())
    first = with_mention.row(0, named=True)
    element = page.xpath(f'//*[@data-mention="{first["mention_id"]}"]')[0]
    entity = GOLD[ENTITIES].filter(pl.col("mention_id") == first["mention_id"])["entity_id"][0]
    assert element.get("data-entity") == entity
    assert first["event_id"] in element.get("data-args-of").split()


def test_the_index_counts_equal_the_tables(site: Site) -> None:
    index = _page(site.out / "index.html")
    row = index.xpath(f'//tr[@data-doc="{_doc()}"]')[0]
    counts = {td.get("data-count"): int(td.text_content()) for td in row.xpath("td[@data-count]")}
    assert counts == {"mentions": GOLD[ENTITIES].height, "events": GOLD[EVENTS].height, "stances": GOLD[STANCES].height}
    status = read_table(PROJECT, STATUS)
    shown_status = {td.get("data-status"): td.text_content() for td in row.xpath("td[@data-status]")}
    assert shown_status == {f"{k}_status": s for k, s in status.select("kind", "status").iter_rows()}
    labels = index.xpath('//table[@data-counts="label"]/tbody/tr')
    shown = {tr[0].text_content(): int(tr[1].text_content()) for tr in labels}
    assert shown == dict(GOLD[ENTITIES].group_by("label").len().iter_rows())


def test_the_compare_page_marks_exactly_the_disagreements_agree_counts(site: Site) -> None:
    page = _page(site.out / "compare" / f"{_doc()}.html")
    marks = page.xpath("//*[@data-diff]")
    marked: dict[tuple[str, str], set[str]] = {}
    for element in marks:
        marked.setdefault((element.get("data-item"), element.get("data-side")), set()).add(element.get("data-diff"))
    report = agreement(PROJECT, *PASSES)
    expected = {}
    for kind in report.kinds:
        for score in kind.scores:
            if score.label == ALL_LABELS:
                expected[(score.item, "a")] = score.n_a - score.exact.matched_a
                expected[(score.item, "b")] = score.n_b - score.exact.matched_b
    assert {key: len(ids) for key, ids in marked.items()} == {k: v for k, v in expected.items() if v}


def test_charts_are_static_svg_with_the_digest_of_their_spec(site: Site) -> None:
    assert set(site.charts) == {"mentions", "events", "stances", "stance-network", "agreement"}
    for name in site.charts:
        svg = (site.out / "charts" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg_digest(svg) is not None
        assert "<script" not in svg
    for page in (site.out / "index.html", *sorted((site.out / "articles").glob("*.html"))):
        html = page.read_text(encoding="utf-8")
        assert "http://" not in html.replace("http://www.w3.org", "")
        assert "https://" not in html


def test_a_folder_that_is_not_a_site_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ViewError) as caught:
        build_site(PROJECT, out)
    assert caught.value.code == "out-not-a-site"
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_second_run_replaces_its_own_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(PROJECT, out)
    (out / "articles" / "stale.html").write_text("old")
    build_site(PROJECT, out)
    assert (out / MARKER).is_file()
    assert not (out / "articles" / "stale.html").exists()
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.write_text("x")
    with pytest.raises(PathError) as caught:
        build_site(PROJECT, out)
    assert caught.value.code == "not-a-folder"


def test_a_doc_id_that_would_escape_the_folder_is_refused(tmp_path: Path) -> None:
    corpus = write_v1(tmp_path / "corpus")
    articles = read_table(corpus, ARTICLES).with_columns(pl.lit("../../escape").alias("doc_id"))
    write_tables(corpus, {ARTICLES: articles})
    with pytest.raises(PathError) as caught:
        build_site(corpus, tmp_path / "site")
    assert caught.value.code == "bad-name"
    assert not (tmp_path / "site").exists()
    assert not list(tmp_path.parent.glob("escape*"))


def test_a_stand_off_release_needs_its_texts_and_one_with_texts_works(tmp_path: Path) -> None:
    corpus = write_v1(tmp_path / "corpus")
    standoff = build_release(corpus, "0.1.0", tmp_path / "dist").folder
    with pytest.raises(ViewError) as caught:
        build_site(standoff, tmp_path / "site")
    assert caught.value.code == "texts-missing"
    assert caught.value.data["doc_ids"] == read_table(corpus, ARTICLES)["doc_id"].to_list()
    with_text = build_release(corpus, "0.1.0", tmp_path / "dist-text", include_text=True).folder
    site = build_site(with_text, tmp_path / "site")
    assert site.articles == read_table(corpus, ARTICLES)["doc_id"].to_list()


def test_cli_writes_the_site_and_refuses_a_foreign_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["view", "--root", str(PROJECT), "--out", str(tmp_path / "site")]) == 0
    printed = capsys.readouterr().out
    assert "1 article page," in printed
    assert "5 charts" in printed
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.txt").write_text("x")
    assert main(["view", "--root", str(PROJECT), "--out", str(tmp_path / "other")]) == 1
    assert "[out-not-a-site]" in capsys.readouterr().err
