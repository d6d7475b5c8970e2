"""How an article is named: ``<source>-<date>-<headline slug>``, with ``-2``, ``-3`` ... for another article."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping

from peacetalks.errors import IngestError
from peacetalks.schema.names import check_name

SLUG_MAX = 60
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str, max_len: int = SLUG_MAX) -> str:
    """Lower-case ASCII letters and digits of ``text`` joined by '-' (umlauts spelt out); may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower(), flags=re.ASCII).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug


def headline_slug(headline: str) -> str:
    """The headline's slug; for a headline with no Latin letter or digit (Cyrillic, only punctuation), ``h`` and
    the first 12 hex digits of its sha256, so every doc_id names its article and a re-ingest finds it again."""
    return slugify(headline) or "h" + hashlib.sha256(headline.encode("utf-8")).hexdigest()[:12]


def make_doc_id(source: str, published: dt.date, headline: str) -> str:
    """``<source>-<date>-<headline slug>``; IngestError ``bad-source`` for a source with nothing to slug."""
    source_slug = slugify(source, 20)
    if not source_slug:
        raise IngestError(
            "bad-source",
            f"source {source!r} has no letter or digit to name the article by",
            data={"option": "source"},
        )
    return check_name(f"{source_slug}-{published.isoformat()}-{headline_slug(headline)}", "doc_id")


def doc_id_for(taken: Mapping[str, tuple[str, str | None]], base_id: str, headline: str, url: str | None) -> str:
    """``base_id``, or ``base_id-2``, ``-3``, ... when another article holds it: the first that is free or holds
    this same article (same headline; same url where both are known), so a re-ingest finds its article again
    and a different article whose headline slugs alike on the same day never replaces it.

    ``taken``: doc_id -> (headline, url) of the articles whose doc_id starts with ``base_id``.
    """
    for n in range(1, len(taken) + 2):
        candidate = base_id if n == 1 else f"{base_id}-{n}"
        found = taken.get(candidate)
        if found is None:
            return candidate
        old_headline, old_url = found
        if old_headline == headline and (old_url is None or url is None or old_url == url):
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 candidates is free")  # pragma: no cover
