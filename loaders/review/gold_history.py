"""Backups of gold (or of a layer) before adjudication replaces it, and restoring them.

Each backup is a folder ``annotations/history/<target>/<UTC timestamp>/`` holding the annotation
tables the target had, its status table (for gold also ``gold.yaml``, the versions it records) and
``backup.json``, its manifest (the sha256 of every file it holds); ``<target>`` is ``gold`` or the
layer name. Restoring first backs up the current tables, so a
restore can itself be undone.

A backup is complete or not used: it is staged whole and renamed into place in the transaction of
the change it belongs to (:mod:`peacetalks.storage.transaction`), so a killed command leaves none
or a whole one; a folder without its manifest (an interrupted backup of an earlier version), or
whose files differ from it, is never listed nor restored (``backup-incomplete`` when named).
An earlier version's backup holding all four tables is taken as complete.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from peacetalks.errors import ReviewError
from peacetalks.schema.tables import ANNOTATION_TABLES, STATUS
from peacetalks.storage.backups import MANIFEST, fresh_folder
from peacetalks.storage.digests import sha256_file
from peacetalks.storage.gold_versions import GOLD_VERSIONS
from peacetalks.storage.layers import GOLD, check_layer, layer_dir
from peacetalks.storage.parquet import read_file, read_table, write_parquet
from peacetalks.storage.shards import is_sharded, is_table_sharded, table_exists
from peacetalks.storage.transaction import Transaction, transaction


def history_relpath(target: str) -> str:
    return f"annotations/history/{check_layer(target)}"


def backup(root: Path, target: str, tx: Transaction, *, now: dt.datetime | None = None) -> Path | None:
    """Stage in ``tx`` a new history folder with the target's annotation tables and status; None if it has none.

    The folder appears, complete with its manifest, when ``tx`` commits; the path returned is where.
    """
    layer = layer_dir(target)
    present = [t for t in ANNOTATION_TABLES if table_exists(root, t, layer)]
    if not present:
        return None
    if table_exists(root, STATUS, layer):
        present.append(STATUS)
    folder = fresh_folder(root / history_relpath(target), now)
    staged = tx.new_folder(folder)
    for table in present:  # one file per table, whatever the corpus's layout: a restore writes it in that layout
        if is_table_sharded(root, table, layer):
            write_parquet(read_table(root, table, layer), table, staged / table.filename)
        else:
            shutil.copyfile(table.path(root, layer), staged / table.filename)
    kept = [t.filename for t in present]
    versions = root / GOLD_VERSIONS
    if target == GOLD and versions.is_file():
        shutil.copyfile(versions, staged / versions.name)
        kept.append(versions.name)
    manifest = {"target": target, "tables": {name: sha256_file(staged / name) for name in kept}}
    (staged / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return folder


def _problem(folder: Path) -> str | None:
    """Why the backup ``folder`` is not complete (None when it is): its manifest and the files it lists."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        tables = manifest["tables"]
        if not isinstance(tables, dict):
            raise TypeError("tables is not a mapping")
    except FileNotFoundError:
        if all((folder / t.filename).is_file() for t in ANNOTATION_TABLES):
            return None  # an earlier version's backup: written without a manifest, complete
        return f"it has no {MANIFEST} and holds only some of the tables: an interrupted backup"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"its {MANIFEST} cannot be read ({exc})"
    missing = [name for name in tables if not (folder / name).is_file()]
    return f"files listed in {MANIFEST} are missing: {', '.join(missing)}" if missing else None


def _verify(folder: Path) -> str | None:
    """Like :func:`_problem`, and every file's sha256 checked against the manifest."""
    problem = _problem(folder)
    if problem is not None or not (folder / MANIFEST).is_file():
        return problem
    tables = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["tables"]
    changed = [name for name, sha in tables.items() if sha256_file(folder / name) != sha]
    return f"files differ from {MANIFEST}: {', '.join(changed)}" if changed else None


def _names(root: Path, target: str) -> list[str]:
    base = root / history_relpath(target)
    if not base.is_dir():
        return []
    return sorted(
        (p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda name: (name.split("-")[0], len(name), name),
    )


def backups(root: Path, target: str) -> list[str]:
    """The names of the target's complete backups, oldest first."""
    base = root / history_relpath(target)
    return [name for name in _names(root, target) if _problem(base / name) is None]


@dataclass(frozen=True)
class Restored:
    target: str
    restored_from: str
    previous_saved_to: str | None


def restore(root: Path, target: str, name: str | None = None, *, now: dt.datetime | None = None) -> Restored:
    """Put a complete backup (default: the newest) back in place of the target's tables.

    The current tables are backed up first, in the same transaction; a table the backup does not
    hold is removed (a backup made before statuses were kept leaves the target in no status, which
    ``validate`` and ``release`` report). An incomplete backup is never restored (``backup-incomplete``
    when named).
    """
    with transaction(root, "restore") as tx:
        names = backups(root, target)
        if name is not None and name in _names(root, target) and name not in names:
            raise ReviewError(
                "backup-incomplete",
                f"backup {name} is incomplete and is not restored: {_problem(root / history_relpath(target) / name)}",
                path=f"{history_relpath(target)}/{name}",
                data={"available": names},
            )
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
        problem = _verify(source)
        if problem is not None:
            raise ReviewError(
                "backup-incomplete",
                f"backup {chosen} is damaged and is not restored: {problem}",
                path=f"{history_relpath(target)}/{chosen}",
                data={"available": names},
            )
        saved = backup(root, target, tx, now=now)
        layer = layer_dir(target)
        sharded = is_sharded(root)
        for table in (*ANNOTATION_TABLES, STATUS):
            kept = source / table.filename
            if not kept.exists():
                tx.remove_table(table, layer)
            elif sharded:  # the backup's one file cut into the corpus's shards
                tx.write_table(table, read_file(kept, f"{history_relpath(target)}/{chosen}/{table.filename}"), layer)
            else:
                tx.copy_file(kept, table.path(root, layer))
        if target == GOLD:  # the versions the restored gold records (none: a backup made before they were kept)
            kept = source / Path(GOLD_VERSIONS).name
            if kept.exists():
                tx.copy_file(kept, root / GOLD_VERSIONS)
            else:
                tx.remove(root / GOLD_VERSIONS)
    return Restored(
        target=target,
        restored_from=f"{history_relpath(target)}/{chosen}",
        previous_saved_to=None if saved is None else saved.relative_to(root).as_posix(),
    )
