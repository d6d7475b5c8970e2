"""Fixtures shared by the release and publish tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import peacetalks.loading.pages
from peacetalks.loading.pages import FetchSettings
from peacetalks.release.build import build_release
from tests.release._corpora import write_v1, write_v2
from tests.release.hub_standin import HubStandIn
from tests.release.page_server import PageServer


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubStandIn]:
    """The Hub stand-in on 127.0.0.1, with huggingface_hub pointed at it and no token."""
    with HubStandIn() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield server


@pytest.fixture
def two_releases(tmp_path: Path) -> tuple[Path, Path]:
    """Releases 0.1.0 and 0.2.0 of a small corpus whose second version changes one mention and a split."""
    root = write_v1(tmp_path / "corpus")
    first = build_release(root, "0.1.0", tmp_path / "dist").folder
    write_v2(root)
    second = build_release(root, "0.2.0", tmp_path / "dist").folder
    return first, second


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[PageServer]:
    """The news site on 127.0.0.1; pages are fetched from it without waiting between requests or retries,
    and kept in a cache of this test's own."""
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    fast = FetchSettings(timeout=5.0, retries=2, backoff=0.01, interval=0.0)
    monkeypatch.setattr(peacetalks.loading.pages, "DEFAULT_SETTINGS", fast)
    with PageServer() as server:
        yield server
