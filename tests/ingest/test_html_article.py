"""An article page's HTML read into the raw form: the text and blocks ingest makes of the same article."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from peacetalks.errors import IngestError
from peacetalks.ingest.html_article import read_html_article
from peacetalks.ingest.raw_article import parse_raw_article
from tests.release.tagesschau_page import article_page, seed_raw

URL = "https://www.tagesschau.de/ausland/amerika/trump-putin-telefonat-100.html"


def test_a_tagesschau_page_gives_the_text_and_blocks_ingest_makes_of_the_raw_file() -> None:
    raw = seed_raw()
    expected = parse_raw_article(raw, "seed.txt")
    page = read_html_article(article_page(raw, url=URL).encode("utf-8"), url=URL)
    got = page.raw_article()
    assert got.text == expected.text
    assert [(b.kind, b.start, b.end) for b in got.blocks] == [(b.kind, b.start, b.end) for b in expected.blocks]
    assert (page.kicker, page.headline) == (expected.kicker, expected.headline)
    assert (page.caption, page.credit, page.image_url) == ("Donald Trump", "REUTERS", expected.image_url)
    assert page.teaser == expected.block_text("teaser")[0]
    assert page.published == dt.date(2025, 2, 12)
    assert page.authors == ("tagesschau",)
    assert page.url == URL  # the canonical link


def test_without_the_tagesschau_markup_the_json_ld_and_meta_tags_tell() -> None:
    """A page of another site: headline from JSON-LD, image from og:image, the kicker split as ingest splits it."""
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Beispiel"},
            {
                "@type": ["NewsArticle"],
                "headline": "Gespräch Kanzler empfängt Gäste",
                "datePublished": "2025-03-01T08:00:00Z",
                "author": [{"@type": "Person", "name": "A. Autorin"}, "B. Autor"],
                "url": "https://example.org/a",
            },
        ],
    }
    html = f"""<html><head><script type="application/ld+json">{json.dumps(ld)}</script>
    <meta property="og:image" content="https://example.org/bild.jpg"><meta property="og:image:alt" content="Ein Bild">
    </head><body><main><h1>Gespräch Kanzler empfängt Gäste</h1>
    <p>Der Kanzler hat am Morgen Gäste aus vielen Ländern empfangen und mit ihnen lange gesprochen.</p>
    <p>Die Gäste lobten das Treffen und kündigten an, bald wiederzukommen, sagte ein Sprecher am Abend.</p>
    </main></body></html>"""
    page = read_html_article(html)
    assert (page.headline, page.kicker, page.published) == (
        "Gespräch Kanzler empfängt Gäste",
        None,
        dt.date(2025, 3, 1),
    )
    assert page.authors == ("A. Autorin", "B. Autor")
    assert (page.image_url, page.caption, page.url) == (
        "https://example.org/bild.jpg",
        "Ein Bild",
        "https://example.org/a",
    )
    article = page.raw_article()
    assert (article.kicker, article.headline) == ("Gespräch", "Kanzler empfängt Gäste")
    assert article.block_text("teaser") == [page.teaser]


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<html><body><p>Nur ein Satz.</p></body></html>", "headline"),
        ("<html><body><h1>Titel</h1><nav>Menü</nav></body></html>", "block"),
        (b"", "cannot be read"),
    ],
)
def test_a_page_without_an_article_is_no_article_in_page(html: str | bytes, what: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_html_article(html, where="saved/page.html")
    assert (caught.value.code, caught.value.path) == ("no-article-in-page", "saved/page.html")
    assert what in caught.value.message


def test_a_page_without_a_lead_image_cannot_be_written_in_the_raw_form() -> None:
    raw = seed_raw()
    html = article_page(raw, url=URL).replace('<img class="ts-image"', '<span class="ts-image"')
    html = html.replace('<meta property="og:image"', '<meta property="og:nothing"').replace('"ImageObject"', '"X"')
    page = read_html_article(html)
    assert page.headline == parse_raw_article(raw, "seed.txt").headline
    with pytest.raises(IngestError) as caught:
        page.raw_article()
    assert caught.value.code == "no-article-in-page"
    assert "lead image" in caught.value.message
