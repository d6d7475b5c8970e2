"""The site in a real browser: Debian's Chromium driven by Playwright (no browser download).

What a person would see: each gold mention highlighted once with its text, the entity's other
mentions lit up on hover and on keyboard focus, layer toggles, the index counts, the compare page's
marks, dark mode and a narrow screen; no console error and no request outside ``file://``. One
screenshot is written to ``build/screenshots/`` for a person to look at (not compared).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from peacetalks.review.agreement import ALL_LABELS, agreement
from peacetalks.schema.tables import ARTICLES, ENTITIES, EVENTS, STANCES
from peacetalks.storage.layers import read_layer
from peacetalks.storage.parquet import read_table
from peacetalks.view.site import Site
from tests.view.conftest import PASSES, PROJECT

CHROMIUM = os.environ.get("PEACETALKS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT / "build" / "screenshots"
# The flags the machine needs: no sandbox as root, and no background requests to Google's hosts.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (make setup installs it)"
)
if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium package", allow_module_level=True)

GOLD = read_layer(PROJECT, "gold")
DOC = str(read_table(PROJECT, ARTICLES)["doc_id"][0])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class _Page:
    """A page with every console message and every request it made recorded."""

    def __init__(self, browser: Any, url: str, **options: Any) -> None:
        self.page = browser.new_page(**options)
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def check_clean(self) -> None:
        assert self.console == []
        assert [u for u in self.requests if not u.startswith("file://")] == []
        self.page.close()


def _url(path: Path) -> str:
    return path.resolve().as_uri()


def test_the_article_page_shows_every_gold_mention_once_and_links_an_entity(site: Site, browser: Any) -> None:
    view = _Page(browser, _url(site.out / "articles" / f"{DOC}.html"), viewport={"width": 1100, "height": 1500})
    page = view.page
    shown = page.evaluate(
        """() => { const t = {}; document.querySelectorAll('[data-mention]').forEach(e => {
             const k = e.dataset.mention; t[k] = (t[k] || '') + e.textContent; }); return t; }"""
    )
    text = str(read_table(PROJECT, ARTICLES)["text"][0])
    assert shown == {r["mention_id"]: text[r["start"] : r["end"]] for r in GOLD[ENTITIES].iter_rows(named=True)}
    first = GOLD[ENTITIES].row(0, named=True)
    same = GOLD[ENTITIES].filter(pl.col("entity_id") == first["entity_id"])["mention_id"].to_list()
    page.hover(f'[data-mention="{first["mention_id"]}"]')
    lit = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('.linked[data-mention]')].map(e => e.dataset.mention))]"
    )
    assert sorted(lit) == sorted(same)
    assert first["entity_id"] in page.inner_text("#info")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article.png"))
    view.check_clean()


def test_keyboard_focus_shows_a_trigger_with_its_arguments(site: Site, browser: Any) -> None:
    view = _Page(browser, _url(site.out / "articles" / f"{DOC}.html"))
    page = view.page
    event = GOLD[EVENTS].row(0, named=True)
    page.focus(f'[data-event="{event["event_id"]}"]')
    assert event["category"] in page.inner_text("#info")
    lit = page.evaluate("(id) => document.querySelectorAll(`[data-args-of~='${id}'].linked`).length", event["event_id"])
    arguments = GOLD[next(t for t in GOLD if t.name == "event_arguments")]
    assert lit >= arguments.filter(pl.col("event_id") == event["event_id"]).height > 0
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-info')")
    view.check_clean()


def test_layer_toggles_hide_and_show_the_marks(site: Site, browser: Any) -> None:
    view = _Page(browser, _url(site.out / "articles" / f"{DOC}.html"))
    page = view.page
    underline = "() => getComputedStyle(document.querySelector('span.st')).textDecorationLine"
    assert page.evaluate(underline) == "underline"
    page.uncheck('input[data-toggle="stances"]')
    assert page.evaluate(underline) == "none"
    page.check('input[data-toggle="stances"]')
    assert page.evaluate(underline) == "underline"
    view.check_clean()


def test_the_index_counts_and_charts_as_the_browser_shows_them(site: Site, browser: Any) -> None:
    view = _Page(browser, _url(site.out / "index.html"))
    page = view.page
    row = page.locator(f'tr[data-doc="{DOC}"]')
    counts = {k: int(row.locator(f'td[data-count="{k}"]').inner_text()) for k in ("mentions", "events", "stances")}
    assert counts == {"mentions": GOLD[ENTITIES].height, "events": GOLD[EVENTS].height, "stances": GOLD[STANCES].height}
    loaded = page.evaluate("() => [...document.images].map(i => [i.dataset.chart, i.complete && i.naturalWidth > 0])")
    assert sorted(loaded) == sorted([name, True] for name in site.charts)
    view.check_clean()


def test_the_compare_page_marks_what_agree_counts(site: Site, browser: Any) -> None:
    view = _Page(browser, _url(site.out / "compare" / f"{DOC}.html"))
    marks = view.page.evaluate(
        """() => { const n = {}; new Set([...document.querySelectorAll('[data-diff]')].map(e => e.dataset.diff))
             .forEach(id => { const [side, item] = id.split('-'); const k = item + ':' + side;
                              n[k] = (n[k] || 0) + 1; });
             return n; }"""
    )
    report = agreement(PROJECT, *PASSES)
    expected = {}
    for kind in report.kinds:
        for s in kind.scores:
            if s.label == ALL_LABELS:
                expected[f"{s.item}:a"] = s.n_a - s.exact.matched_a
                expected[f"{s.item}:b"] = s.n_b - s.exact.matched_b
    assert marks == {k: v for k, v in expected.items() if v}
    view.check_clean()


def test_dark_mode_and_a_narrow_screen(site: Site, browser: Any) -> None:
    view = _Page(
        browser,
        _url(site.out / "articles" / f"{DOC}.html"),
        viewport={"width": 360, "height": 800},
        color_scheme="dark",
    )
    page = view.page
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in background.removeprefix("rgb(").removesuffix(")").split(",")]
    assert max(channels) < 64  # dark
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    view.check_clean()
