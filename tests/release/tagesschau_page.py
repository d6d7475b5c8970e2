"""Article pages in the markup of a tagesschau.de article page, built from an article's raw form.

The structure follows tagesschau.de's article pages: a ``<script type="application/ld+json">``
``NewsArticle`` (headline, datePublished, author, image, description) and ``og:`` meta tags in the
head; navigation before and a footer after the ``<article class="container content-wrapper__group">``;
in it the ``seitenkopf`` (the lead image in a ``ts-picture__wrapper``, its ``title`` "CAPTION |
CREDIT" and ``alt`` the caption; an ``h1`` of ``seitenkopf__topline`` (the kicker) and
``seitenkopf__headline--text``; the ``metatextline`` "Stand: ..."), then the teaser as a bold first
``textabsatz``, the paragraphs as ``p.textabsatz`` and the subheadings as ``h2.meldung__subhead``,
then a ``meldungsfooter`` with the tag list. It is a page made for the tests, not a copy of one.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

from peacetalks.ingest.raw_article import parse_raw_article

SEED_NAME = "000_bd74dec31b69f575.txt"
_P = "textabsatz columns twelve  m-ten  m-offset-one l-eight l-offset-two"
_H2 = "meldung__subhead columns twelve  m-ten  m-offset-one l-eight l-offset-two"


def seed_raw() -> str:
    """The seed article's raw form, read from ../shared/seeds/ (the test skips when it is not there)."""
    from tests.conftest import SHARED

    path = SHARED / "seeds" / SEED_NAME
    if not path.is_file():
        pytest.skip(f"needs the seed article {path} (../shared/seeds/ beside the checkout), which is absent")
    return path.read_text(encoding="utf-8")


def article_page(raw: str, *, url: str, published: str = "2025-02-12T21:46:03+01:00") -> str:
    """The page of the article whose raw form is ``raw``, as tagesschau.de would lay it out."""
    article = parse_raw_article(raw, Path("page.txt"))
    parts = {kind: article.block_text(kind) for kind in ("caption", "credit", "teaser")}
    caption = parts["caption"][0]
    credit = parts["credit"][0] if parts["credit"] else ""
    teaser = parts["teaser"][0]
    body = []
    for block in article.blocks:
        text = escape(article.text[block.start : block.end])
        if block.kind == "paragraph":
            body.append(f'<p class="{_P}">{text}</p>')
        elif block.kind == "subheading":
            body.append(f'<h2 class="{_H2}">{text}</h2>')
    image = article.image_url or ""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "headline": article.headline,
        "datePublished": published,
        "dateModified": published,
        "description": teaser,
        "image": {"@type": "ImageObject", "url": image},
        "author": {"@type": "Organization", "name": "tagesschau"},
        "publisher": {"@type": "Organization", "name": "ARD-aktuell / tagesschau.de"},
    }
    title = f"{caption} | {credit}" if credit else caption
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{escape(article.kicker)}: {escape(article.headline)} | tagesschau.de</title>
<meta name="description" content="{escape(teaser)}">
<meta property="og:title" content="{escape(article.kicker)}: {escape(article.headline)}">
<meta property="og:url" content="{escape(url)}">
<meta property="og:image" content="{escape(image)}">
<link rel="canonical" href="{escape(url)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head>
<body>
<header class="header"><nav><ul><li><a href="/">Startseite</a></li><li><a href="/inland">Inland</a></li>
<li><a href="/ausland">Ausland</a></li><li><a href="/wirtschaft">Wirtschaft</a></li></ul></nav></header>
<main class="content-wrapper" id="content">
<article class="container content-wrapper__group">
<div class="seitenkopf">
<div class="seitenkopf__media"><div class="ts-picture__wrapper">
<picture class="ts-picture ts-picture--topbanner">
<img class="ts-image" src="{escape(image)}" alt="{escape(caption)}" title="{escape(title)}">
</picture></div></div>
<div class="seitenkopf__data">
<h1 class="seitenkopf__headline"><span class="seitenkopf__topline">{escape(article.kicker)}</span>
<span class="seitenkopf__headline--text">{escape(article.headline)}</span></h1>
<p class="metatextline">Stand: 12.02.2025 21:46 Uhr</p>
</div>
</div>
<p class="{_P}"><strong>{escape(teaser)}</strong></p>
{chr(10).join(body)}
<div class="meldungsfooter"><ul class="taglist"><li><a href="/thema/ukraine">Ukraine</a></li>
<li><a href="/thema/russland">Russland</a></li></ul></div>
</article>
</main>
<footer class="footer"><p>Impressum · Datenschutz · © ARD-aktuell / tagesschau.de</p></footer>
</body>
</html>
"""
