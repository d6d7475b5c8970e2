"""A valid corpus validates clean, from frames and from disk."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from peacetalks import validate, validate_frames


def test_tiny_corpus_is_valid(frames: dict[str, pl.DataFrame]) -> None:
    report = validate_frames(frames)
    assert report.flatten(["file", "row", "column", "code"]) == []
    assert report.checked["entities"] == 3


def test_corpus_on_disk_is_valid(corpus_dir: Path) -> None:
    report = validate(corpus_dir)
    assert report.valid, report.flatten()
