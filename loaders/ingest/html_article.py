"""A news article's HTML page as the corpus's raw form (:mod:`peacetalks.ingest.raw_article`).

The body (paragraphs, subheadings, list items, quotes) is the page's main text as trafilatura
extracts it; the parts around it come from the page's markup where it has them, else from its
JSON-LD (a ``NewsArticle`` or another ``Article``) and its ``<meta>`` tags:

- kicker and headline: tagesschau.de's ``seitenkopf__topline`` and ``seitenkopf__headline--text``;
  else the headline of the JSON-LD, ``og:title`` or the ``<h1>``, and no kicker (``ingest`` then
  splits the kicker from the headline line, as it does for a raw file);
- the lead image: the first image of the ``<article>`` (or of the page), its caption and credit
  from its ``title`` ("CAPTION | CREDIT", as tagesschau.de writes it), else its ``alt``;
- the teaser: the first paragraph of the body (tagesschau.de's bold first ``textabsatz``);
- date, authors, url: the JSON-LD's ``datePublished``, ``author`` and ``url``, else the meta tags
  (``article:published_time``, ``author``, ``og:url``) and the canonical link.

:meth:`HtmlArticle.raw_article` writes the raw form and parses it as ``peacetalks ingest`` parses a
file, so the text, its normalisation and its blocks are what ingest makes of the same article.
This module reads a page; it does not fetch one (:mod:`peacetalks.loading.pages` does).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from peacetalks.errors import IngestError
from peacetalks.ingest.raw_article import RawArticle, parse_raw_article

_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting"})


@dataclass(frozen=True)
class HtmlArticle:
    """What a page says about its article; ``body``: (``paragraph`` or ``subheading``, text) after the teaser."""

    headline: str
    teaser: str
    body: tuple[tuple[str, str], ...]
    kicker: str | None = None
    image_url: str | None = None
    caption: str | None = None
    credit: str | None = None
    published: dt.date | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    where: str = "<html>"

    def raw_form(self) -> str:
        """The article in the raw form ``peacetalks ingest`` reads: image, kicker and headline, teaser, body."""
        if not self.image_url or not self.caption:
            raise IngestError(
                "no-article-in-page",
                "the page has no lead image with a caption, which the raw form begins with",
                path=self.where,
            )
        credit = f" | {self.credit}" if self.credit else ""
        heading = f"{self.kicker} {self.headline}" if self.kicker else self.headline
        lines = [f"![{self.caption}{credit}]({self.image_url})", heading, self.teaser, *(t for _, t in self.body)]
        return "\n".join(lines) + "\n"

    def raw_article(self) -> RawArticle:
        """The article as ingest parses it (IngestError as :func:`parse_raw_article` raises it)."""
        return parse_raw_article(self.raw_form(), self.where, kicker=self.kicker or None)


def read_html_article(page: str | bytes, *, url: str | None = None, where: str | None = None) -> HtmlArticle:
    """The article of an HTML page (``url``: where it was got; ``where``: how errors name it).

    Raises IngestError ``no-article-in-page`` when the page has no headline, or no teaser and paragraph.
    """
    name = where or url or "<html>"
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError("no-article-in-page", f"the page cannot be read as HTML ({exc})", path=name) from None
    ld = _json_ld(tree)
    meta = _meta_tags(tree)
    kicker, headline = _heading(tree, ld, meta)
    if not headline:
        raise IngestError(
            "no-article-in-page", "the page has no headline (markup, JSON-LD, og:title or <h1>)", path=name
        )
    image_url, caption, credit = _lead_image(tree, ld, meta)
    blocks = [b for b in _body(page, url) if b[1] not in {kicker, headline, caption, f"{kicker} {headline}"}]
    if len(blocks) < 2:
        raise IngestError(
            "no-article-in-page",
            f"the page's main text has {len(blocks)} block(s); an article needs a teaser and a paragraph",
            path=name,
        )
    (_, teaser), *rest = blocks
    return HtmlArticle(
        headline=headline,
        teaser=teaser,
        body=tuple(rest),
        kicker=kicker,
        image_url=image_url,
        caption=caption,
        credit=credit,
        published=_published(ld, meta),
        authors=_authors(ld, meta),
        url=_first(_ld_url(ld), _canonical(tree), meta.get("og:url"), url),
        where=name,
    )


def _clean(text: str | None) -> str:
    """White space collapsed to single spaces, as a browser shows the text."""
    return " ".join((text or "").split())


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _text(element: Any) -> str:
    return _clean("".join(element.itertext()))


def _json_ld(tree: Any) -> dict[str, Any]:
    """The first article object among the page's JSON-LD blocks (in ``@graph`` or lists too); {} when none."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # a broken block: the markup and meta tags still tell
        for item in _ld_items(data):
            kinds = item.get("@type")
            kinds = set(kinds) if isinstance(kinds, list) else {kinds}
            if kinds & _ARTICLE_TYPES:
                return item
    return {}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_items(data.get("@graph"))


def _meta_tags(tree: Any) -> dict[str, str]:
    """``<meta property|name=... content=...>`` by name (the first of each)."""
    found: dict[str, str] = {}
    for tag in tree.xpath("//meta[@content]"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key.lower(), _clean(tag.get("content")))
    return found


def _heading(tree: Any, ld: dict[str, Any], meta: dict[str, str]) -> tuple[str | None, str]:
    topline = tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " seitenkopf__topline ")]')
    text = tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " seitenkopf__headline--text ")]')
    if text:
        return (_text(topline[0]) or None) if topline else None, _text(text[0])
    h1 = tree.xpath("//h1")
    headline = _first(_clean(_ld_str(ld.get("headline"))), meta.get("og:title"), _text(h1[0]) if h1 else None)
    return None, headline or ""


def _ld_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _lead_image(tree: Any, ld: dict[str, Any], meta: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """URL, caption and credit of the article's first image (``title`` "CAPTION | CREDIT", else ``alt``)."""
    images = tree.xpath("//article//img[@src]") or tree.xpath("//img[@src]")
    if images:
        img = images[0]
        title, alt = _clean(img.get("title")), _clean(img.get("alt"))
        caption, _, credit = (part.strip() for part in title.partition("|"))
        return img.get("src"), caption or alt or None, credit or None
    image: Any = ld.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        named = _clean(_ld_str(image.get("caption")) or _ld_str(image.get("name"))) or None
        return _ld_str(image.get("url")) or meta.get("og:image"), named, None
    return _ld_str(image) or meta.get("og:image"), meta.get("og:image:alt"), None


def _body(page: str | bytes, url: str | None) -> list[tuple[str, str]]:
    """The main text as trafilatura extracts it: (``subheading`` or ``paragraph``, text) per block."""
    extracted = trafilatura.bare_extraction(page, url=url, include_tables=False, include_comments=False)
    body = getattr(extracted, "body", None)
    if body is None:
        return []
    blocks: list[tuple[str, str]] = []
    for element in body:
        tag = element.tag
        if tag == "head":
            if element.get("rend") != "h1":  # the headline is read from the markup, not from the body
                blocks.append(("subheading", _text(element)))
        elif tag == "list":
            blocks += [("paragraph", _text(item)) for item in element.iter("item")]
        elif tag in ("p", "quote"):
            blocks.append(("paragraph", _text(element)))
    return [(kind, text) for kind, text in blocks if text]


def _published(ld: dict[str, Any], meta: dict[str, str]) -> dt.date | None:
    for value in (_ld_str(ld.get("datePublished")), meta.get("article:published_time"), meta.get("date")):
        if value:
            try:
                return dt.datetime.fromisoformat(value).date()
            except ValueError:
                try:
                    return dt.date.fromisoformat(value[:10])
                except ValueError:
                    continue
    return None


def _authors(ld: dict[str, Any], meta: dict[str, str]) -> tuple[str, ...]:
    raw = ld.get("author")
    people = raw if isinstance(raw, list) else [raw] if raw else []
    names = [_clean(p.get("name") if isinstance(p, dict) else p if isinstance(p, str) else None) for p in people]
    names = [n for n in names if n]
    if not names and meta.get("author"):
        names = [meta["author"]]
    return tuple(names)


def _ld_url(ld: dict[str, Any]) -> str | None:
    page = ld.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id")
    return _first(_ld_str(ld.get("url")), _ld_str(page))


def _canonical(tree: Any) -> str | None:
    links = tree.xpath('//link[@rel="canonical"]/@href')
    return str(links[0]) if links else None
