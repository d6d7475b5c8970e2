"""The Arrow cache of ``peacetalks.load()``: its entries, and removing the stale ones.

An entry is ``<cache root>/<config>/<key>/``: one Arrow file per split and ``complete.json``,
written last. Its state is

* ``current``: its key is the one ``load()`` computes now for its config, corpus folder and
  options, so the next load memory-maps it;
* ``stale``: the corpus folder, one of its files, the scheme or the package changed since (or
  the folder is gone), so ``load()`` will never read it again;
* ``incomplete``: no ``complete.json``: a build that was interrupted, or one running now;
* ``damaged``: ``complete.json`` is there but a file is missing or not the size it records (the
  next ``load()`` rebuilds it, with a ``CacheWarning``).

Beside them, ``<cache root>/rehydrated/<key>/`` holds stand-off releases with their texts filled
in by ``load(texts=DIR)`` (config ``rehydrated``): these hold licensed text, which the release
itself may not carry, so they are listed with ``licensed_texts`` and ``cache prune`` always
removes them, current or not: the next ``load(texts=DIR)`` makes one again from the local texts
in a few seconds, and a copy of licensed text should not outlive the need for it in a cache
nobody looks at.

``<cache root>/pages/<key>/`` holds the article pages ``rehydrate --fetch`` and ``load(texts="fetch")``
fetched (config ``pages``, :mod:`peacetalks.loading.pages`), keyed by URL: licensed text too,
listed with ``licensed_texts`` and removed by ``cache prune`` (the next fetch asks the site again).

Nothing else is removed behind the user's back: a ``Dataset`` opened from an entry keeps using its
folder (``Dataset.map`` writes its own cache files there), so removing stale entries is an
explicit step, ``peacetalks cache prune``, as ``cleanup_cache_files`` is in ``datasets``. The Hub
releases that ``load(texts=...)`` downloads into ``<cache root>/hub/`` are keyed by repo and revision
and left alone.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.loading.load import REHYDRATED, cache_key, cache_root, entry_damage, read_marker
from peacetalks.loading.pages import ABOUT_FILE, PAGES
from peacetalks.loading.rehydrate import ABOUT
from peacetalks.storage.digests import sha256_file

State = Literal["current", "stale", "incomplete", "damaged"]
# An incomplete entry this old is taken for an interrupted build, not a running one.
INCOMPLETE_AFTER_S = 24 * 3600


@dataclass(frozen=True)
class CacheEntry:
    path: Path
    config: str
    state: State
    size_bytes: int
    modified: float  # seconds since the epoch, the newest file of the entry
    root: str | None  # the corpus folder (or release, or a page's url) it was built from (unknown while incomplete)
    licensed_texts: bool = False  # a rehydrated release: it holds texts that may not be redistributed

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "config": self.config,
            "state": self.state,
            "size_bytes": self.size_bytes,
            "modified": self.modified,
            "root": self.root,
            "licensed_texts": self.licensed_texts,
        }


def _state(folder: Path, marker: dict[str, Any] | None) -> State:
    if marker is None:
        return "incomplete"
    root, options = marker.get("root"), marker.get("options")
    if not isinstance(root, str) or not isinstance(options, dict) or not Path(root).is_dir():
        return "stale"  # written before markers named their options, or built from a folder now gone
    if cache_key(folder.parent.name, Path(root), options) != folder.name:
        return "stale"
    return "damaged" if entry_damage(folder, marker) is not None else "current"


def _rehydrated_state(about: dict[str, Any] | None) -> State:
    if about is None:
        return "incomplete"
    sums = Path(str(about.get("release"))) / "SHA256SUMS"
    return "current" if sums.is_file() and sha256_file(sums) == about.get("sha256sums") else "stale"


def _read_about(folder: Path, name: str = ABOUT) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _entry(folder: Path, config: str, state: State, root: Any, *, licensed: bool = False) -> CacheEntry:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return CacheEntry(
        path=folder,
        config=config,
        state=state,
        size_bytes=sum(p.stat().st_size for p in files),
        modified=max((p.stat().st_mtime for p in files), default=folder.stat().st_mtime),
        root=root if isinstance(root, str) else None,
        licensed_texts=licensed,
    )


def cache_entries() -> list[CacheEntry]:
    """Every entry of every config in the cache, by config and then path; then the rehydrated releases and
    the fetched pages."""
    entries = []
    for config in CONFIG_NAMES:
        base = cache_root() / config
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            marker = read_marker(folder)
            root = None if marker is None else marker.get("root")
            entries.append(_entry(folder, config, _state(folder, marker), root))
    base = cache_root() / REHYDRATED
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            about = _read_about(folder)
            release = None if about is None else about.get("release")
            entries.append(_entry(folder, REHYDRATED, _rehydrated_state(about), release, licensed=True))
    base = cache_root() / PAGES
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
            page = _read_about(folder, ABOUT_FILE)
            state: State = "incomplete" if page is None else "current"
            entries.append(_entry(folder, PAGES, state, None if page is None else page.get("url"), licensed=True))
    return entries


def prune_cache(*, dry_run: bool = False, now: float | None = None) -> list[CacheEntry]:
    """Remove the stale and damaged entries, the rehydrated releases (licensed texts), and incomplete
    entries older than a day; return them (``dry_run``: only list)."""
    now = time.time() if now is None else now
    doomed = [
        e
        for e in cache_entries()
        if e.state in ("stale", "damaged")
        or (e.licensed_texts and e.state != "incomplete")
        or (e.state == "incomplete" and now - e.modified > INCOMPLETE_AFTER_S)
    ]
    if not dry_run:
        for entry in doomed:
            shutil.rmtree(entry.path, ignore_errors=True)  # a file another process holds open stays until closed
    return doomed
