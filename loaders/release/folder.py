"""Reading a release folder: its version (``croissant.json``), source tables (``tables/``) and changelog.

This is what ``publish`` and the builder (the previous release to compare with) read of a release;
it builds nothing, so reading a release does not import the builder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.errors import ReleaseError, TableReadError
from peacetalks.loading.rehydrate import TABLES_DIR
from peacetalks.release import croissant
from peacetalks.release.semver import Version, parse_version
from peacetalks.schema.tables import ALL_TABLES, Table
from peacetalks.storage.parquet import read_table

__all__ = ["TABLES_DIR", "ReleaseInfo", "existing_releases", "read_release", "release_version"]

Frames = dict[Table, pl.DataFrame]


@dataclass(frozen=True)
class ReleaseInfo:
    """An existing release folder: its version, source tables and changelog."""

    folder: Path
    version: Version
    frames: Frames
    changelog: str


def release_version(folder: Path) -> Version:
    """The version recorded in a release folder's croissant.json.

    ReleaseError ``not-a-release`` without one; ``damaged-release`` when it is not UTF-8, not JSON,
    or names no valid ``version`` (a damaged release is never silently skipped or rebuilt over).
    """
    meta = folder / croissant.FILENAME
    if not meta.is_file():
        raise ReleaseError("not-a-release", f"no {croissant.FILENAME}: not a release folder", path=str(folder))
    try:
        doc = json.loads(meta.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problem = f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    except (OSError, RecursionError) as exc:
        problem = f"cannot be read ({type(exc).__name__}: {exc})"
    else:
        found = doc.get("version") if isinstance(doc, dict) else None
        if isinstance(found, str):
            try:
                return parse_version(found)
            except ReleaseError as exc:
                problem = f"records a version that is not MAJOR.MINOR.PATCH ({exc.message})"
        else:
            problem = "records no version" if found is None else f"records a version that is not a string: {found!r}"
    raise ReleaseError(
        "damaged-release",
        f"the release's {croissant.FILENAME} {problem}"[:500],
        path=str(meta),
        data={"folder": str(folder)},
    )


def read_release(folder: Path) -> ReleaseInfo:
    """Read a release folder: version, source tables, changelog."""
    version = release_version(folder)
    frames: Frames = {}
    for table in ALL_TABLES:
        try:
            frames[table] = read_table(folder / TABLES_DIR, table, missing_ok=True)
        except TableReadError as exc:
            where = folder / TABLES_DIR / (exc.path or table.relpath())
            raise ReleaseError(
                "unreadable-release", exc.message, path=str(where), data={"table_code": exc.code}
            ) from None
    log = folder / "CHANGELOG.md"
    return ReleaseInfo(folder, version, frames, log.read_text(encoding="utf-8") if log.is_file() else "")


def existing_releases(out: Path) -> dict[Version, Path]:
    """The release folders directly inside ``out`` by their version."""
    found: dict[Version, Path] = {}
    if out.is_dir():
        for child in sorted(out.iterdir()):
            if child.is_dir() and not child.name.startswith(".") and (child / croissant.FILENAME).is_file():
                found[release_version(child)] = child
    return found
