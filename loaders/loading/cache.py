"""The Arrow cache of ``peacetalks.load()``: its entries, and removing the stale ones.

An entry is ``<cache root>/<config>/<key>/``: one Arrow file per split and ``complete.json``,
written last. Its state is

* ``current``: its key is the one ``load()`` computes now for its config, corpus folder and
  options, so the next load memory-maps it;
* ``stale``: the corpus folder, one of its files, the scheme or the package changed since (or
  the folder is gone), so ``load()`` will never read it again;
* ``incomplete``: no ``complete.json``: a build that was interrupted, or one running now.

Nothing is removed behind the user's back: a ``Dataset`` opened from an entry keeps using its
folder (``Dataset.map`` writes its own cache files there), so removing stale entries is an
explicit step, ``peacetalks cache prune``, as ``cleanup_cache_files`` is in ``datasets``. The
rehydrated releases under ``<cache root>/rehydrated/`` are keyed by content and left alone, as are
the Hub releases that ``load(texts=...)`` downloads into ``<cache root>/hub/``.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.loading.load import MARKER, cache_key, cache_root

State = Literal["current", "stale", "incomplete"]
# An incomplete entry this old is taken for an interrupted build, not a running one.
INCOMPLETE_AFTER_S = 24 * 3600


@dataclass(frozen=True)
class CacheEntry:
    path: Path
    config: str
    state: State
    size_bytes: int
    modified: float  # seconds since the epoch, the newest file of the entry
    root: str | None  # the corpus folder it was built from (unknown while incomplete)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "config": self.config,
            "state": self.state,
            "size_bytes": self.size_bytes,
            "modified": self.modified,
            "root": self.root,
        }


def _state(folder: Path, marker: dict[str, Any] | None) -> State:
    if marker is None:
        return "incomplete"
    root, options = marker.get("root"), marker.get("options")
    if not isinstance(root, str) or not isinstance(options, dict) or not Path(root).is_dir():
        return "stale"  # written before markers named their options, or built from a folder now gone
    return "current" if cache_key(folder.parent.name, Path(root), options) == folder.name else "stale"


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def cache_entries() -> list[CacheEntry]:
    """Every entry of every config in the cache, by config and then path."""
    entries = []
    for config in CONFIG_NAMES:
        base = cache_root() / config
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            files = [p for p in folder.rglob("*") if p.is_file()]
            marker = _read_marker(folder)
            entries.append(
                CacheEntry(
                    path=folder,
                    config=config,
                    state=_state(folder, marker),
                    size_bytes=sum(p.stat().st_size for p in files),
                    modified=max((p.stat().st_mtime for p in files), default=folder.stat().st_mtime),
                    root=None if marker is None else marker.get("root"),
                )
            )
    return entries


def prune_cache(*, dry_run: bool = False, now: float | None = None) -> list[CacheEntry]:
    """Remove the stale entries, and incomplete ones older than a day; return them (``dry_run``: only list)."""
    now = time.time() if now is None else now
    doomed = [
        e
        for e in cache_entries()
        if e.state == "stale" or (e.state == "incomplete" and now - e.modified > INCOMPLETE_AFTER_S)
    ]
    if not dry_run:
        for entry in doomed:
            shutil.rmtree(entry.path, ignore_errors=True)  # a file another process holds open stays until closed
    return doomed
