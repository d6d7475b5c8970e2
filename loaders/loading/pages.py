"""Article pages got over HTTP, politely, and kept in the peacetalks cache.

Polite means: one request at a time (so one per host), at least ``interval`` seconds between two
requests to the same host, a User-Agent that names peacetalks, its version and where to read about
it, a timeout on every request, and retries with exponential back-off (``backoff``, doubled each
time; a ``Retry-After`` of a 429 or 503 answer is honoured up to ``max_wait``) after a 5xx or 429
answer or a connection that failed, was refused or timed out. A 404 or 410 is final.

A page that was got (status 200) is kept under ``<cache>/pages/<key>/``, the key being the sha256
of its URL: ``page.html`` as it was received and ``page.json`` (url, final url after redirects,
status, content type, time, sha256 and size). The next request for that URL reads the cache, not
the network. These pages hold licensed text: ``peacetalks cache list`` shows them (config
``pages``, texts ``licensed``) and ``peacetalks cache prune`` removes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from peacetalks._version import PROJECT_URL, __version__
from peacetalks.storage.parquet import atomic_folder

if TYPE_CHECKING:
    import httpx

PAGES = "pages"  # <cache root>/pages/: the fetched pages
PAGE_FILE = "page.html"
ABOUT_FILE = "page.json"  # written inside the entry before it is renamed into place
USER_AGENT = f"peacetalks/{__version__} (+{PROJECT_URL})"
Failure = Literal["page-not-found", "page-unreachable", "page-http-error"]


@dataclass(frozen=True)
class FetchSettings:
    """How pages are requested: seconds of ``timeout`` per request, ``retries`` after the first attempt,
    ``backoff`` seconds before the first retry (doubled each time), ``interval`` seconds between two
    requests to one host, ``max_bytes`` of a page, ``max_wait`` seconds of a ``Retry-After`` honoured."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    interval: float = 1.0
    max_bytes: int = 20 * 2**20
    max_wait: float = 60.0


DEFAULT_SETTINGS = FetchSettings()


@dataclass(frozen=True)
class Page:
    """A page got with status 200: its bytes, where it ended up, and whether it came from the cache."""

    url: str
    body: bytes
    final_url: str
    from_cache: bool = False


@dataclass(frozen=True)
class PageProblem:
    """Why a page could not be got: ``code`` (page-not-found, page-unreachable, page-http-error), what happened."""

    url: str
    message: str
    code: Failure
    status: int | None = None
    attempts: int = 1
    retry: bool = False  # whether another attempt may help (a 5xx or 429 answer, no answer)


def page_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


@dataclass
class PageGetter:
    """Gets pages one at a time (see the module docstring); ``cache``: the folder of kept pages, or None.

    ``client`` and ``sleep`` are for tests (an ``httpx.Client`` of their own, a clock that does not wait).
    """

    cache: Path | None
    settings: FetchSettings | None = None  # None: DEFAULT_SETTINGS as it is when the getter is made
    client: httpx.Client | None = None
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _own: bool = False

    def __post_init__(self) -> None:
        if self.settings is None:
            self.settings = DEFAULT_SETTINGS

    @property
    def polite(self) -> FetchSettings:
        assert self.settings is not None  # set by __post_init__
        return self.settings

    def __enter__(self) -> PageGetter:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._own and self.client is not None:
            self.client.close()
            self.client = None

    def get(self, url: str) -> Page | PageProblem:
        """The page at ``url``, from the cache or the network; a PageProblem when it cannot be got."""
        kept = self.cached(url)
        if kept is not None:
            return kept
        found = self._request(url)
        if isinstance(found, Page) and self.cache is not None:
            self._keep(found)
        return found

    def cached(self, url: str) -> Page | None:
        if self.cache is None:
            return None
        folder = self.cache / page_key(url)
        try:
            about = json.loads((folder / ABOUT_FILE).read_text(encoding="utf-8"))
            body = (folder / PAGE_FILE).read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(about, dict) or about.get("url") != url or about.get("sha256") != _sha(body):
            return None  # another URL with the same key, or a damaged entry: asked again
        return Page(url, body, str(about.get("final_url") or url), from_cache=True)

    def _http(self) -> httpx.Client:
        if self.client is None:
            import httpx

            self.client = httpx.Client(
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
                timeout=self.polite.timeout,
                follow_redirects=True,
            )
            self._own = True
        return self.client

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last.get(host)
        if last is not None:
            wait = self.polite.interval - (time.monotonic() - last)
            if wait > 0:
                self.sleep(wait)
        self._last[host] = time.monotonic()

    def _request(self, url: str) -> Page | PageProblem:
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_host(url)
            found, retry_after = self._attempt(url)
            if isinstance(found, Page) or not found.retry or attempt > self.polite.retries:
                if isinstance(found, PageProblem) and attempt > 1:
                    found = dataclasses.replace(found, message=f"{found.message}, after {attempt} attempts")
                return dataclasses.replace(found, attempts=attempt) if isinstance(found, PageProblem) else found
            wait = self.polite.backoff * 2 ** (attempt - 1)
            if retry_after is not None:
                wait = max(wait, min(retry_after, self.polite.max_wait))
            self.sleep(wait)

    def _attempt(self, url: str) -> tuple[Page | PageProblem, float | None]:
        """One request: the page, or the problem (``retry`` when another attempt may help) and a Retry-After."""
        import httpx

        try:
            with self._http().stream("GET", url) as response:
                status = response.status_code
                if status == 200:
                    body = self._read(response)
                    if isinstance(body, bytes):
                        return Page(url, body, str(response.url)), None
                    return PageProblem(url, body, code="page-http-error", status=status), None
                answered = f"the server answered HTTP {status} {response.reason_phrase}".strip()
                if status in (404, 410):
                    return PageProblem(url, answered, code="page-not-found", status=status), None
                again = status == 429 or status >= 500
                wait = _retry_after(response.headers.get("Retry-After"))
                return PageProblem(url, answered, code="page-http-error", status=status, retry=again), wait
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return PageProblem(url, f"not a URL that can be requested ({exc})", code="page-unreachable"), None
        except httpx.TooManyRedirects as exc:
            return PageProblem(url, f"too many redirects ({exc})", code="page-http-error"), None
        except (httpx.TransportError, OSError) as exc:  # DNS, refused, reset, timed out
            cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return PageProblem(url, f"no answer ({cause})", code="page-unreachable", retry=True), None

    def _read(self, response: httpx.Response) -> bytes | str:
        """The body, or what is wrong with it (larger than ``max_bytes``)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.polite.max_bytes:
                return f"the page is larger than {self.polite.max_bytes:,} bytes"
            chunks.append(chunk)
        return b"".join(chunks)

    def _keep(self, page: Page) -> None:
        assert self.cache is not None
        target = self.cache / page_key(page.url)
        about = {
            "url": page.url,
            "final_url": page.final_url,
            "fetched": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sha256": _sha(page.body),
            "bytes": len(page.body),
        }
        try:
            with atomic_folder(target, replace=True) as tmp:
                (tmp / PAGE_FILE).write_bytes(page.body)
                (tmp / ABOUT_FILE).write_text(json.dumps(about, sort_keys=True), encoding="utf-8")
        except OSError:
            pass  # a cache that cannot be written: the page is used all the same, and asked again next time


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _retry_after(value: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header given in seconds (an HTTP date is not honoured: the back-off applies)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
