"""The site of the bundled corpus, written once for the view tests (gold, compared with the two passes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.view.site import Site, build_site

PROJECT = Path(__file__).resolve().parents[2]
PASSES = ("annotator-a", "annotator-b")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(PROJECT, tmp_path_factory.mktemp("view") / "site", compare=PASSES)
