"""All-or-nothing changes of several files, and the lock that lets one command at a time write.

Every command that changes a corpus folder does so in one :func:`transaction`::

    with transaction(root, "import") as tx:  # waits for the corpus lock, finishes an interrupted change
        old = read_table(root, ENTITIES, "a", missing_ok=True)  # read-modify-write under the lock
        tx.write_table(ENTITIES, new, "a")
        tx.write_text(root / "corpus" / "splits.yaml", text)
        tx.copy_file(backup / "entities.parquet", ENTITIES.path(root))
        tx.remove(STANCES.path(root))
        tx.remove_table(NOTES, "a")  # a table in either layout: its file or its shard folder
        folder = tx.new_folder(root / "annotations" / "history" / "gold" / stamp)  # fill it; appears whole

The design is a **redo journal** in ``<root>/.peacetalks/``:

1. each new file (or folder) is written in full under ``.peacetalks/tx-<id>/``, inside the corpus
   folder, so that every later rename stays on one file system and is atomic;
2. every staged file is flushed to disk (fsync), then ``.peacetalks/journal.json`` is written: the
   list of steps (rename a staged file over its target, remove a target). The journal is itself
   written to a temporary name, flushed and renamed, so it is either absent or complete;
3. the steps run in turn, then the journal is removed, then the staging folder.

A command killed before step 2 has changed nothing: its staging folder is a stray, removed by the
next command. Killed after it, the change is decided: the next command that opens the corpus,
reading or writing (:func:`recover`, called by :mod:`peacetalks.storage.roots` and at the start of
every transaction), replays the journal's remaining steps (roll forward; each step can run twice:
a rename whose staged file is gone was done) and removes it. So the corpus is always as it was
or as the command would have left it.

Why this and not the alternatives the issue names: a change touches files in several folders at
once (``corpus/``, ``annotations/``, every ``annotations/layers/<name>/``, a backup under
``annotations/history/``), so swapping one staged folder would mean staging the whole corpus. A
manifest pointing at content-addressed files (as Delta Lake or Iceberg do) would change the
layout every reader relies on (plain Parquet files at fixed paths, read by polars, ``datasets``
and the release's ``tables/``). Rolling forward rather than back needs no copy of the old files
and keeps the work the command did. The cost is one extra fsync per file and one small journal
file per change (``benchmarks/bench_writes.py``).

Writers are serialised by a lock per folder (:func:`folder_lock`, the ``filelock`` package:
``flock`` on POSIX), held for the whole read-modify-write; a second writer waits up to
``$PEACETALKS_LOCK_TIMEOUT`` seconds (default 60) and then fails with ``folder-locked``, naming the
holder's pid, command and start from ``.peacetalks/lock.json``. Commands that only read do not take
the lock unless there is an interrupted change to finish.

Test hook: ``PEACETALKS_TEST_KILL_BEFORE_RENAME=N`` makes the process kill itself (SIGKILL) right
before its N-th rename (1-based: the steps of a commit, and the rename of ``atomic_folder``), or,
when N is 0, right before a commit writes its journal. Only this module reads it; the kill tests
(``tests/storage/test_kills.py``) use it. It does nothing unless set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peacetalks.errors import WriteError

if TYPE_CHECKING:
    import polars as pl

    from peacetalks.schema.tables import Table
    from peacetalks.storage.shards import Partition

STATE_DIR = ".peacetalks"  # in the corpus folder (or a release --out folder): lock, journal, staging
JOURNAL = "journal.json"
LOCK = "lock"
HOLDER = "lock.json"
STAGING_PREFIX = "tx-"
KILL_ENV = "PEACETALKS_TEST_KILL_BEFORE_RENAME"  # test hook, see the module docstring
LOCK_TIMEOUT_ENV = "PEACETALKS_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 60.0
JOURNAL_FORMAT = 1
# What atomic_path / atomic_folder / tempfile leave when killed: ".<name>.<8 random chars>.tmp" (or .old, .rebuild).
STRAY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.(tmp|old|rebuild)$")

_held: dict[tuple[str, int], int] = {}  # (folder, thread) -> depth of folder_lock held by this process
_open: dict[tuple[str, int], Transaction] = {}  # (folder, thread) -> the transaction open there
_guard = threading.Lock()


def _key(folder: Path) -> tuple[str, int]:
    return str(folder.resolve()), threading.get_ident()


def lock_timeout() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    try:
        return DEFAULT_LOCK_TIMEOUT_S if raw is None else max(0.0, float(raw))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT_S


def read_holder(folder: Path) -> dict[str, Any]:
    """Who holds the lock of ``folder``, as its holder wrote it (empty when unknown)."""
    try:
        data = json.loads((folder / STATE_DIR / HOLDER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _locked_error(folder: Path, waited: float) -> WriteError:
    holder = read_holder(folder)
    who = (
        f"pid {holder.get('pid')} ({holder.get('command')}, since {holder.get('since')}, on {holder.get('host')})"
        if holder
        else "another process"
    )
    return WriteError(
        "folder-locked",
        f"{who} is writing this folder; waited {waited:g} s",
        path=str(folder),
        data={k: holder.get(k) for k in ("pid", "command", "since", "host")} | {"waited_s": waited},
    )


@contextlib.contextmanager
def folder_lock(folder: Path, command: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the write lock of ``folder`` (a corpus folder or a release ``--out``) for the block.

    Waits up to ``timeout`` seconds (default ``$PEACETALKS_LOCK_TIMEOUT``, else 60), then raises
    WriteError ``folder-locked`` naming the holder. Re-entrant within a thread of one process.
    """
    from filelock import FileLock, Timeout

    key = _key(folder)
    with _guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    state = folder / STATE_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = f"cannot create the lock in {STATE_DIR}/: {exc.strerror or exc}"
        if (state / JOURNAL).exists():
            raise WriteError(
                "interrupted-change",
                f"{why}; an interrupted change waits there to be finished by a process that can write",
                path=str(folder),
            ) from None
        raise WriteError("folder-unwritable", why, path=str(folder)) from None
    wait = lock_timeout() if timeout is None else timeout
    lock = FileLock(state / LOCK, timeout=wait, is_singleton=False, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise _locked_error(folder, wait) from None
    with _guard:
        _held[key] = 1
    try:
        holder = {
            "pid": os.getpid(),
            "command": command,
            "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host": socket.gethostname(),
        }
        _write_durably(state / HOLDER, json.dumps(holder, sort_keys=True), sync=False)
        yield
    finally:
        with _guard:
            del _held[key]
        with contextlib.suppress(OSError):
            (state / HOLDER).unlink()
        lock.release()


def _fsync_path(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            _fsync_path(Path(dirpath, name))
        _fsync_path(Path(dirpath))


def _write_durably(target: Path, text: str, *, sync: bool = True) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, target)
    if sync:
        _fsync_path(target.parent)


_renames = [0]  # renames this process has made through before_rename(), for the test hook


def _kill_if(n: int) -> None:
    raw = os.environ.get(KILL_ENV)
    if raw is not None and raw.strip() == str(n):
        os.kill(os.getpid(), signal.SIGKILL)


def before_rename() -> None:
    """The test hook: the process kills itself before its N-th rename (``$PEACETALKS_TEST_KILL_BEFORE_RENAME``).

    Called before each step of a commit and before the rename of :func:`peacetalks.storage.parquet.atomic_folder`.
    """
    _renames[0] += 1
    _kill_if(_renames[0])


class Transaction:
    """The files one change writes, staged until :func:`transaction` commits them (see the module docstring)."""

    def __init__(self, root: Path, command: str) -> None:
        self.root = root
        self.command = command
        self._staging = root / STATE_DIR / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        self._steps: list[list[str]] = []
        self._targets: set[str] = set()
        self._partition: Partition | None = None
        self._partition_read = False

    @property
    def targets(self) -> list[Path]:
        """The files (and folders) this change writes or removes, in order."""
        return [self.root / step[-1] for step in self._steps]

    def _relpath(self, target: Path) -> str:
        """``target`` relative to the corpus folder; a target outside it, or one given twice, is a bug."""
        absolute = Path(os.path.abspath(target))
        rel = absolute.relative_to(Path(os.path.abspath(self.root))).as_posix()
        if rel in self._targets or rel.split("/")[0] == STATE_DIR:
            raise ValueError(f"{rel} is written twice in one transaction, or is the transaction's own")
        self._targets.add(rel)
        return rel

    def _stage(self, target: Path) -> tuple[Path, str]:
        rel = self._relpath(target)
        self._staging.mkdir(parents=True, exist_ok=True)
        staged = self._staging / f"{len(self._steps):04d}-{Path(rel).name}"
        self._steps.append(["rename", staged.relative_to(self.root).as_posix(), rel])
        return staged, rel

    def staged_path(self, target: Path) -> Path:
        """A new path the caller writes ``target``'s new content to; it replaces ``target`` on commit."""
        return self._stage(target)[0]

    def write_table(self, table: Table, df: pl.DataFrame, layer: str | None = None) -> Path:
        """Stage one table as the corpus stores it, in the corpus's layout (:mod:`peacetalks.storage.shards`).

        In a single-file corpus it is one file (:func:`peacetalks.storage.parquet.write_parquet`); in a
        sharded one a folder of as many shards as the corpus has, each document's rows in the shard its
        article is in. A corpus whose tables disagree on the layout is refused (``mixed-layout`` ...).
        """
        from peacetalks.storage.shards import split_by_shard  # polars only when a table is written

        partition = self.partition()
        if partition is None:
            return self.write_single(table, df, layer)
        return self.write_shards(table, split_by_shard(df, partition), layer)

    def partition(self) -> Partition | None:
        """The corpus's partition into shards as it was when first asked (None: single-file), for every write."""
        from peacetalks.storage.shards import read_partition

        if not self._partition_read:
            self._partition = read_partition(self.root)
            self._partition_read = True
        return self._partition

    def write_single(self, table: Table, df: pl.DataFrame, layer: str | None = None) -> Path:
        """Stage ``table`` as one file; a shard folder of it goes on commit."""
        from peacetalks.storage.parquet import write_parquet
        from peacetalks.storage.shards import table_folder

        target = table.path(self.root, layer)
        write_parquet(df, table, self.staged_path(target))
        folder = table_folder(self.root, table, layer)
        if folder.is_dir():
            self.remove(folder)
        return target

    def write_shards(self, table: Table, parts: list[pl.DataFrame], layer: str | None = None) -> Path:
        """Stage ``table`` as a shard folder of ``parts`` (shard 0 first), replacing it whole; its file goes too.

        The folder is renamed in before the file is removed, so the corpus folder never lacks its articles.
        """
        from peacetalks.storage.parquet import write_parquet
        from peacetalks.storage.shards import shard_name, table_folder

        folder = table_folder(self.root, table, layer)
        staged = self.staged_path(folder)
        staged.mkdir()
        for k, part in enumerate(parts):
            write_parquet(part, table, staged / shard_name(k))
        file = table.path(self.root, layer)
        if file.exists():
            self.remove(file)
        return folder

    def remove_table(self, table: Table, layer: str | None = None) -> None:
        """Remove ``table`` on commit, whether it is a file or a shard folder (nothing when absent)."""
        from peacetalks.storage.shards import table_folder

        folder = table_folder(self.root, table, layer)
        self.remove(folder if folder.is_dir() else table.path(self.root, layer))

    def write_text(self, target: Path, text: str) -> Path:
        self.staged_path(target).write_text(text, encoding="utf-8")
        return target

    def copy_file(self, source: Path, target: Path) -> Path:
        shutil.copyfile(source, self.staged_path(target))
        return target

    def remove(self, target: Path) -> None:
        """Remove ``target`` (a file or folder; nothing when absent) on commit."""
        self._steps.append(["remove", self._relpath(target)])

    def new_folder(self, target: Path) -> Path:
        """An empty folder the caller fills; it appears as ``target`` (which must not exist) on commit."""
        staged = self.staged_path(target)
        staged.mkdir()
        return staged

    def commit(self) -> None:
        """Make the staged change (called by :func:`transaction` when its block ends without an exception)."""
        if not self._steps:
            self.discard()
            return
        if self._staging.is_dir():  # staged with open() and mkdir(): the modes plain writes give
            _fsync_tree(self._staging)
        _kill_if(0)  # the test hook's N=0: staged, no journal yet
        journal = {"format": JOURNAL_FORMAT, "command": self.command, "steps": self._steps}
        _write_durably(self.root / STATE_DIR / JOURNAL, json.dumps(journal, indent=1))
        _apply(self.root, self._steps, kill=True)
        _finish(self.root)

    def discard(self) -> None:
        """Drop what was staged; nothing was changed (called by :func:`transaction` on an exception)."""
        shutil.rmtree(self._staging, ignore_errors=True)


def _apply(root: Path, steps: list[list[str]], *, kill: bool = False) -> None:
    """Run the steps of a journal; each can run again after an interruption and does the same."""
    touched: set[Path] = set()
    for step in steps:
        if kill:
            before_rename()
        target = root / step[-1]
        if step[0] == "rename":
            staged = root / step[1]
            if not os.path.lexists(staged):
                continue  # done before the interruption
            target.parent.mkdir(parents=True, exist_ok=True)
            if staged.is_dir() and target.is_dir():
                # A table's shard folder replaced whole, or a replay of a new folder. The staged folder is
                # still there, so the target is the old one: removing it first and renaming can run twice.
                shutil.rmtree(target)
            os.replace(staged, target)
        elif target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        touched.add(target.parent)
    for folder in touched:
        if folder.is_dir():
            _fsync_path(folder)


def _finish(root: Path) -> None:
    """Remove the journal (the change is complete), then every staging folder."""
    state = root / STATE_DIR
    (state / JOURNAL).unlink(missing_ok=True)  # not flushed: a journal back after a crash replays as done
    for staged in state.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(staged, ignore_errors=True)


def _inside(rel: object) -> bool:
    """A journal's path: relative, without '..', so a replay never writes outside its folder."""
    return isinstance(rel, str) and bool(rel) and not Path(rel).is_absolute() and ".." not in Path(rel).parts


def _read_journal(root: Path) -> list[list[str]]:
    path = root / STATE_DIR / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        steps = data["steps"]
        if data.get("format") != JOURNAL_FORMAT or not all(
            isinstance(s, list) and s and s[0] in ("rename", "remove") and all(_inside(p) for p in s[1:]) for s in steps
        ):
            raise ValueError("unknown journal format, or a path outside the folder")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WriteError(
            "interrupted-change",
            f"the journal of an interrupted change cannot be read ({exc}); it is left in place",
            path=str(path),
        ) from None
    return [list(s) for s in steps]


def _stray_folders(root: Path) -> list[Path]:
    """The folders of a corpus where killed single-file writes (atomic_path, atomic_folder) leave temporaries."""
    folders = [root / "corpus", root / "annotations", root / "annotations" / "review"]
    for parent in (root / "annotations" / "layers", root / "annotations" / "history"):
        if parent.is_dir():
            folders += [p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folders


def remove_strays(folders: list[Path], *, before: float) -> list[Path]:
    """Remove the temporaries of killed writes in ``folders`` last changed before ``before`` (epoch seconds).

    Call it holding the folder's lock: then no running command of this package owns them.
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not STRAY.match(path.name):
                continue
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime >= before:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
    return removed


def _recover_locked(root: Path, *, since: float) -> None:
    state = root / STATE_DIR
    if (state / JOURNAL).exists():
        _apply(root, _read_journal(root))
    if state.is_dir():
        _finish(root)
    remove_strays(_stray_folders(root), before=since)


def needs_recovery(root: Path) -> bool:
    """Whether a change of ``root`` was interrupted (a journal, or staged files, are left)."""
    state = root / STATE_DIR
    if not state.is_dir():
        return False
    return (state / JOURNAL).exists() or any(state.glob(f"{STAGING_PREFIX}*"))


def recover(root: Path) -> None:
    """Finish (or clear away) an interrupted change of ``root``; costs a stat or two when there is none."""
    if not needs_recovery(root) or _key(root) in _held:
        return
    since = time.time()
    with folder_lock(root, "recover"):
        _recover_locked(root, since=since)


@contextlib.contextmanager
def transaction(root: Path, command: str) -> Iterator[Transaction]:
    """One all-or-nothing change of the corpus folder ``root``, under its lock (see the module docstring).

    Read what the change depends on inside the block. An exception in the block writes nothing.
    A transaction opened inside another one on the same folder (same thread) joins it.
    """
    key = _key(root) if root.exists() else None
    outer = _open.get(key) if key else None
    if outer is not None:
        yield outer
        return
    since = time.time()
    with folder_lock(root, command):
        key = _key(root)
        _recover_locked(root, since=since)
        tx = Transaction(root, command)
        _open[key] = tx
        try:
            yield tx
        except BaseException:
            tx.discard()
            raise
        else:
            tx.commit()
        finally:
            del _open[key]
