"""Backup folders (of gold before ``adjudicate --force``, of removed articles): named by time, never reused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

MANIFEST = "backup.json"  # written last in a backup folder: what it holds, with the sha256 of each file


def stamp(now: dt.datetime | None = None) -> str:
    """The UTC time as a folder name, ``20261202T150405Z``."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")


def fresh_folder(base: Path, now: dt.datetime | None = None) -> Path:
    """``base/<stamp>``, or ``base/<stamp>-2``, ``-3`` … : the first that does not exist yet."""
    name = stamp(now)
    folder, n = base / name, 1
    while folder.exists():
        n += 1
        folder = base / f"{name}-{n}"
    return folder
