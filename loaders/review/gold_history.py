"""Backups of gold (or of a layer) before adjudication replaces it, and restoring them.

Each backup is a folder ``annotations/history/<target>/<UTC timestamp>/`` holding the annotation
tables the target had; ``<target>`` is ``gold`` or the layer name. Restoring first backs up the
current tables, so a restore can itself be undone.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from peacetalks.errors import ReviewError
from peacetalks.schema.tables import ANNOTATION_TABLES, STATUS
from peacetalks.storage.layers import check_layer, layer_dir
from peacetalks.storage.parquet import atomic_path


def history_relpath(target: str) -> str:
    return f"annotations/history/{check_layer(target)}"


def _stamp(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")


def backup(root: Path, target: str, *, now: dt.datetime | None = None) -> Path | None:
    """Copy the target's annotation tables (and its status) into a new history folder; None if it has none."""
    layer = layer_dir(target)
    present = [t for t in ANNOTATION_TABLES if t.path(root, layer).exists()]
    if not present:
        return None
    if STATUS.path(root, layer).exists():
        present.append(STATUS)
    base = root / history_relpath(target)
    stamp = _stamp(now)
    folder, n = base / stamp, 1
    while folder.exists():
        n += 1
        folder = base / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    for table in present:
        with atomic_path(folder / table.filename) as tmp:
            shutil.copyfile(table.path(root, layer), tmp)
    return folder


def backups(root: Path, target: str) -> list[str]:
    """The backup names of a target, oldest first."""
    base = root / history_relpath(target)
    if not base.is_dir():
        return []
    return sorted(
        (p.name for p in base.iterdir() if p.is_dir()), key=lambda name: (name.split("-")[0], len(name), name)
    )


@dataclass(frozen=True)
class Restored:
    target: str
    restored_from: str
    previous_saved_to: str | None


def restore(root: Path, target: str, name: str | None = None, *, now: dt.datetime | None = None) -> Restored:
    """Put a backup (default: the newest) back in place of the target's tables.

    The current tables are backed up first; a table the backup does not hold is removed (a backup made
    before statuses were kept leaves the target in no status, which ``validate`` and ``release`` report).
    """
    names = backups(root, target)
    if not names:
        raise ReviewError("no-backup", f"there is no backup of {target} to restore", path=history_relpath(target))
    chosen = name or names[-1]
    if chosen not in names:
        raise ReviewError(
            "no-backup",
            f"no such backup; available: {', '.join(names)}",
            path=f"{history_relpath(target)}/{chosen}",
            data={"available": names},
        )
    source = root / history_relpath(target) / chosen
    saved = backup(root, target, now=now)
    layer = layer_dir(target)
    for table in (*ANNOTATION_TABLES, STATUS):
        kept = source / table.filename
        if kept.exists():
            with atomic_path(table.path(root, layer)) as tmp:
                shutil.copyfile(kept, tmp)
        else:
            table.path(root, layer).unlink(missing_ok=True)
    return Restored(
        target=target,
        restored_from=f"{history_relpath(target)}/{chosen}",
        previous_saved_to=None if saved is None else saved.relative_to(root).as_posix(),
    )
