"""Pages got politely (User-Agent, retries with back-off, one host at a time, a timeout) and kept in the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peacetalks._version import __version__
from peacetalks.loading.pages import USER_AGENT, FetchSettings, Page, PageGetter, PageProblem
from tests.release.hub_standin import refused_endpoint
from tests.release.page_server import PageServer, Reply

FAST = FetchSettings(timeout=5.0, retries=3, backoff=0.5, interval=0.0)
HTML = Reply(200, b"<html><body><p>Ein Artikel.</p></body></html>", {"Content-Type": "text/html"})


@pytest.fixture
def site() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


class Clock:
    """The waits a getter asked for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_a_page_is_got_once_with_a_user_agent_naming_peacetalks_and_then_read_from_the_cache(
    site: PageServer, tmp_path: Path
) -> None:
    url = site.add("/a.html", HTML)
    with PageGetter(tmp_path / "pages", FAST) as getter:
        first = getter.get(url)
    with PageGetter(tmp_path / "pages", FAST) as getter:
        again = getter.get(url)
    assert isinstance(first, Page)
    assert isinstance(again, Page)
    assert (first.body, first.from_cache, again.body, again.from_cache) == (HTML.body, False, HTML.body, True)
    assert site.hits("/a.html") == 1
    agent = site.requests[0].headers["user-agent"]
    assert agent == USER_AGENT
    assert agent.startswith(f"peacetalks/{__version__} (+https://")


def test_a_503_is_retried_with_exponential_back_off_until_the_page_comes(site: PageServer) -> None:
    url = site.add("/busy.html", Reply(503), Reply(503), HTML)
    clock = Clock()
    with PageGetter(None, FAST, sleep=clock) as getter:
        got = getter.get(url)
    assert isinstance(got, Page)
    assert site.hits("/busy.html") == 3
    assert clock.waits == [0.5, 1.0]


def test_a_retry_after_is_honoured_up_to_the_limit(site: PageServer) -> None:
    url = site.add(
        "/later.html", Reply(429, headers={"Retry-After": "7"}), Reply(503, headers={"Retry-After": "600"}), HTML
    )
    clock = Clock()
    with PageGetter(None, FetchSettings(backoff=0.5, interval=0.0, max_wait=30.0), sleep=clock) as getter:
        assert isinstance(getter.get(url), Page)
    assert clock.waits == [7.0, 30.0]


def test_a_server_that_keeps_failing_is_page_http_error_after_every_retry(site: PageServer) -> None:
    url = site.add("/down.html", Reply(503))
    with PageGetter(None, FAST, sleep=Clock()) as getter:
        got = getter.get(url)
    assert isinstance(got, PageProblem)
    assert (got.code, got.status, got.attempts) == ("page-http-error", 503, 4)
    assert "503" in got.message
    assert "after 4 attempts" in got.message
    assert site.hits("/down.html") == 4


def test_a_dead_link_is_page_not_found_at_once(site: PageServer) -> None:
    url = site.base + "/gone.html"  # the server knows no such page: 404
    with PageGetter(None, FAST, sleep=Clock()) as getter:
        got = getter.get(url)
    assert isinstance(got, PageProblem)
    assert (got.code, got.status, got.attempts) == ("page-not-found", 404, 1)
    assert site.hits("/gone.html") == 1


def test_a_refused_connection_is_page_unreachable_after_the_retries() -> None:
    clock = Clock()
    with PageGetter(None, FAST, sleep=clock) as getter:
        got = getter.get(refused_endpoint() + "/x.html")
    assert isinstance(got, PageProblem)
    assert (got.code, got.attempts) == ("page-unreachable", 4)
    assert "ConnectError" in got.message
    assert len(clock.waits) == 3


def test_a_page_that_does_not_answer_in_time_is_page_unreachable(site: PageServer) -> None:
    url = site.add("/slow.html", Reply(200, b"late", delay=2.0))
    with PageGetter(None, FetchSettings(timeout=0.3, retries=0, interval=0.0)) as getter:
        got = getter.get(url)
    assert isinstance(got, PageProblem)
    assert got.code == "page-unreachable"
    assert "Timeout" in got.message


def test_requests_to_one_host_are_spaced_by_the_interval(site: PageServer) -> None:
    one, two = site.add("/1.html", HTML), site.add("/2.html", HTML)
    clock = Clock()
    with PageGetter(None, FetchSettings(interval=5.0), sleep=clock) as getter:
        getter.get(one)
        getter.get(two)
    assert len(clock.waits) == 1
    assert 4.0 < clock.waits[0] <= 5.0


def test_a_page_larger_than_the_limit_is_refused(site: PageServer) -> None:
    url = site.add("/big.html", Reply(200, b"x" * 5000))
    with PageGetter(None, FetchSettings(max_bytes=1000, interval=0.0)) as getter:
        got = getter.get(url)
    assert isinstance(got, PageProblem)
    assert got.code == "page-http-error"
    assert "larger than 1,000 bytes" in got.message


def test_a_damaged_cache_entry_is_asked_for_again(site: PageServer, tmp_path: Path) -> None:
    url = site.add("/a.html", HTML)
    with PageGetter(tmp_path, FAST) as getter:
        getter.get(url)
    (page,) = tmp_path.glob("*/page.html")
    page.write_bytes(b"truncated")
    with PageGetter(tmp_path, FAST) as getter:
        got = getter.get(url)
    assert isinstance(got, Page)
    assert not got.from_cache
    assert site.hits("/a.html") == 2
