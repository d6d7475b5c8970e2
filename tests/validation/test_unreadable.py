"""A damaged Parquet file is reported as unreadable, with its path, not raised as a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from peacetalks import validate

ENT = "annotations/entities.parquet"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"not parquet at all", id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_damaged_file_is_reported_as_unreadable(corpus_dir: Path, damage: Callable[[bytes], bytes]) -> None:
    path = corpus_dir / ENT
    path.write_bytes(damage(path.read_bytes()))
    report = validate(corpus_dir)
    assert [[i.file, i.row, i.code] for i in report.issues] == [[ENT, None, "unreadable-file"]]
    assert report.issues[0].message


def test_missing_file_is_reported_as_missing(corpus_dir: Path) -> None:
    (corpus_dir / ENT).unlink()
    report = validate(corpus_dir)
    assert [[i.file, i.code] for i in report.issues] == [[ENT, "missing-file"]]
