"""``peacetalks.load()``: a config as a ``datasets.DatasetDict`` (or one ``Dataset``).

Sources, tried in this order:

- ``None``: the corpus folder around the current directory (the nearest folder at or above it
  holding ``corpus/articles.parquet``, see ``peacetalks.storage.roots.find_corpus_root``), else
  the corpus bundled in the installed package;
- a folder holding ``corpus/articles.parquet`` (or its shards, ``corpus/articles/``): that corpus folder;
- a folder holding ``README.md`` and ``data/``: a built release, read with
  ``datasets.load_dataset(folder, name=config)``;
- ``owner/name``: a Hugging Face Hub dataset repo, read with ``datasets.load_dataset`` at
  ``revision`` (a tag, branch or commit). Only a name of that form that does not exist here is
  asked of the Hub, and only when ``owner`` is not a local folder either: ``dist/v0.3.0`` beside
  a ``dist/`` folder is a misspelt path (``source-not-found``, with the names that are there), never
  a Hub request. A Hub that cannot be reached is ``hub-unreachable``, a repo or revision it does not
  have ``hub-not-found``, each with the cause.

A release folder is checked against its ``SHA256SUMS`` before every load, cheaply (each listed file
present, none unlisted, no symbolic links, sizes as ``croissant.json`` records them; see
:mod:`peacetalks.loading.manifest`), and in full (every file hashed) when ``texts=`` fills it into
the cache; a Hub repo is checked in full when ``texts=`` downloads it.

A stand-off release (folder or Hub repo) lacks the texts of the articles whose licence forbids
redistributing them (their text is null in its ``tables/``). Loading it without ``texts=`` is
``texts-missing``, naming those articles and how to get their texts. ``texts=`` says what to do:

- ``texts=DIR``: the config files are first filled in from the local copies in DIR (each must
  match its article's ``text_sha256``; see :mod:`peacetalks.loading.rehydrate`) into the cache;
- ``texts="fetch"``: the same, with each article fetched from its ``url`` (the pages are kept in
  the cache; see :mod:`peacetalks.loading.fetch`). A page that holds the released text, or every
  released block, fills it in; one that changed since is ``page-changed`` (``peacetalks rehydrate
  --fetch`` re-bases its annotations and reports each one that moved or was dropped), and every
  article that cannot be got is listed in one ``texts-not-fetched``;
- ``texts="skip"``: loaded without them: every row of a stand-off article is left out of every
  config (each config holds some of its text: ``text``, ``tokens``, ``trigger_text``, ...).

A filled-in copy is keyed by the release's ``SHA256SUMS`` and the sha256 of the texts used, so
another folder of texts is read again, and it holds licensed text: ``peacetalks cache prune``
removes it. ``"fetch"`` and ``"skip"`` are these modes only as a str; a folder of that name is
``Path("fetch")``. A release without stand-off articles (built with ``--include-text``, or
rehydrated) and a corpus folder load as they are; ``texts="skip"`` changes nothing there.

A corpus folder is built into Arrow files once, in a cache keyed by the config, its options and,
for every input file, its size, modification and change times and a fingerprint of its content
(the sha256 of a Parquet file's footer, of a YAML file's bytes) (``$PEACETALKS_CACHE``, default
``<HF datasets cache>/peacetalks``); later loads memory-map those files. An entry is read only
when its ``complete.json`` (written last) exists and every file has the size it records; a
damaged entry (a file truncated, emptied or deleted, or unreadable) is rebuilt with a
:class:`~peacetalks.errors.CacheWarning`. When the cache folder cannot be written (read-only,
full), the config is built in memory instead, with a ``CacheWarning`` saying why; a
``PEACETALKS_CACHE`` that names a file is ``not-a-folder``.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
import pyarrow as pa

from peacetalks._version import __version__
from peacetalks.errors import CacheWarning, LoadError, PeaceTalksError, bad_argument
from peacetalks.ingest.splits import SETTINGS_RELPATH
from peacetalks.loading.configs import DEFAULT_CONFIG, check_config, config_pieces
from peacetalks.loading.hub import hub_timeout
from peacetalks.loading.manifest import MANIFEST, check_release
from peacetalks.loading.rehydrate import (
    ABOUT,
    TABLES_DIR,
    read_release_tables,
    rehydrate_configs,
    standoff_texts,
    texts_digest,
)
from peacetalks.loading.standoff import FETCH, SKIP, missing_texts
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, BLOCKS
from peacetalks.storage.digests import sha256_file
from peacetalks.storage.parquet import atomic_path, write_text_atomic
from peacetalks.storage.paths import check_path
from peacetalks.storage.roots import MARKER_TEXT, find_corpus_root, is_corpus_root, resolve_root
from peacetalks.storage.shards import table_files

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict, Features

# 2: complete.json names the config's options (see peacetalks.loading.cache);
# 3: it records each file's size, and the key fingerprints the inputs' content.
CACHE_FORMAT = 3
MARKER = "complete.json"  # written last: an entry without it is incomplete
REHYDRATED = "rehydrated"  # <cache root>/rehydrated/<key>/: releases with their stand-off texts filled in
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# A write that fails for one of these is a cache folder that cannot be written, not a bug.
_NO_ROOM = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_PATHLIKE = "a path (str or os.PathLike)"


@dataclass(frozen=True)
class Source:
    kind: Literal["corpus", "release", "hub"]
    location: str

    @property
    def path(self) -> Path:
        return Path(self.location)


def check_arguments(**arguments: Any) -> None:
    """Raise ``bad-argument`` for a ``split``, ``source``, ``revision`` or ``texts`` of the wrong type."""
    expected = {
        "split": ((str,), "the name of a split (a str) or None"),
        "source": ((str, os.PathLike), f"{_PATHLIKE}, a Hub repo id or None"),
        "revision": ((str,), "a tag, branch or commit (a str) or None"),
        "texts": ((str, os.PathLike), f"{_PATHLIKE} of local texts, {FETCH!r}, {SKIP!r} or None"),
    }
    for name, value in arguments.items():
        types, what = expected[name]
        if value is not None and not isinstance(value, types):
            raise bad_argument(name, value, what)


def resolve_source(source: str | os.PathLike[str] | None, revision: str | None = None) -> Source:
    """Which kind of source ``source`` names (see the module docstring)."""
    check_arguments(source=source, revision=revision)
    if source is None:
        found = Source("corpus", str(resolve_root(find_corpus_root())))
    else:
        path = Path(source)
        if path.exists():
            found = _local_source(path)
        elif _hub_id(source):
            found = Source("hub", str(source))
        else:
            raise _not_found(path)
    if revision is not None and found.kind != "hub":
        raise LoadError(
            "revision-needs-hub", f"revision={revision!r} applies to a Hub repo id, not to {found.location}"
        )
    return found


def _local_source(path: Path) -> Source:
    if is_corpus_root(path):
        return Source("corpus", str(resolve_root(path)))
    data = path / "data"
    if (path / "README.md").is_file() and data.is_dir() and next(data.rglob("*.parquet"), None) is not None:
        return Source("release", str(path))
    if not path.is_dir():
        what = "a file"
    elif (path / "README.md").is_file():
        what = "a folder with README.md but no config files (data/<config>/*.parquet)"
    else:
        what = "a folder"
    raise LoadError(
        "unknown-source",
        f"{what}, neither a corpus folder ({MARKER_TEXT}) nor a release (README.md and data/<config>/*.parquet)",
        path=str(path),
    )


def _hub_id(source: str | os.PathLike[str]) -> bool:
    """Whether a source that does not exist here is asked of the Hub: ``owner/name`` whose owner is no local folder."""
    if not isinstance(source, str) or not _REPO_ID.match(source):
        return False
    return not Path(source.split("/", 1)[0]).exists()


def _not_found(path: Path) -> LoadError:
    """``source-not-found``, naming the deepest folder of ``path`` that exists and its closest names."""
    parent = path.parent
    while not parent.is_dir() and parent != parent.parent:
        parent = parent.parent
    message = f"{path} does not exist"
    if parent.is_dir() and str(parent) not in ("", "."):
        folder = parent.as_posix().rstrip("/") + "/"
        message += f"; {folder} is a local folder, so this is a path there, not a Hub repo{_close_names(path)}"
    else:
        message += f" and is not a Hub repo id (owner/name){_close_names(path)}"
    return LoadError("source-not-found", message, path=str(path), data={"existing_parent": str(parent)})


def _close_names(path: Path) -> str:
    """`` (did you mean X?)`` for names beside the first part of ``path`` that does not exist, or ''."""
    parts = path.parts
    for depth in range(len(parts)):
        here = Path(*parts[:depth]) if depth else Path()
        there = here / parts[depth]
        if not there.exists():
            if not here.is_dir():
                return ""
            close = difflib.get_close_matches(parts[depth], sorted(p.name for p in here.iterdir()), n=3)
            rest = parts[depth + 1 :]
            guesses = [str(Path(here, c, *rest)) for c in close]
            return f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    return ""


def _hub_failure(exc: BaseException) -> Literal["missing", "unreachable"] | None:
    """Why a Hub request failed: the repo or revision is missing, the Hub unreachable; None for anything else."""
    from datasets.exceptions import DatasetNotFoundError
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, DatasetNotFoundError | RepositoryNotFoundError | RevisionNotFoundError):
        return "missing"
    import httpx  # huggingface_hub's HTTP client

    if isinstance(exc, OSError | HfHubHTTPError | httpx.TransportError):  # OSError: ConnectionError, TimeoutError
        return "unreachable"
    return None


@contextlib.contextmanager
def _asking_hub(repo_id: str, revision: str | None) -> Iterator[None]:
    """Turn a failed Hub request into a LoadError with its cause; other errors pass through."""
    try:
        yield
    except PeaceTalksError:
        raise
    except Exception as exc:
        failure = _hub_failure(exc)
        if failure is None:
            raise
        code = "hub-not-found" if failure == "missing" else "hub-unreachable"
        cause = f"{type(exc).__name__}: {exc}"
        cause = cause if len(cause) <= 300 else f"{cause[:297]}..."
        at = f" at revision {revision!r}" if revision else ""
        what = "has no dataset repo" if code == "hub-not-found" else "cannot be reached for the dataset repo"
        raise LoadError(
            code,
            f"{repo_id} is no local folder{_close_names(Path(repo_id))}, and the Hub {what} {repo_id}{at} ({cause})",
            data={"repo_id": repo_id, "revision": revision, "cause": cause},
        ) from exc


Texts = Path | Literal["fetch"]


def rehydrated(found: Source, revision: str | None, texts: Texts) -> Path:
    """A release's card and configs with its stand-off texts filled in, made once in the cache.

    ``texts``: a folder of local copies, or ``"fetch"`` (each article from its url). The copy is
    keyed by the release's ``SHA256SUMS`` and the sha256 of the texts used, so the texts are read
    (and checked) on every call; a texts folder that does not exist is an error.
    """
    if found.kind == "corpus":
        raise LoadError("texts-need-release", "texts= fills in a stand-off release; a corpus folder has its texts")
    folder = found.path
    if found.kind == "hub":
        from huggingface_hub import snapshot_download

        # Real files in a folder of our own: a snapshot in huggingface_hub's cache is made of links
        # that resolve outside it, and a release is read only from files inside its folder.
        where = hashlib.sha256(f"{found.location}@{revision}".encode()).hexdigest()[:16]
        local = cache_root() / "hub" / where
        with _asking_hub(found.location, revision):
            folder = Path(snapshot_download(found.location, repo_type="dataset", revision=revision, local_dir=local))
    sums = folder / MANIFEST
    if not sums.is_file():
        check_release(folder, LoadError, full=False)  # raises missing-manifest
    source: Path | dict[str, str] = _fetched(folder) if texts == FETCH else Path(texts)
    try:
        filled = standoff_texts(folder, source)
    except LoadError as exc:
        if exc.code != "texts-not-fetched":
            check_release(folder, LoadError, full=True)  # a table that cannot be read: say which file changed
        raise
    digest = hashlib.sha256(sums.read_bytes())
    digest.update(texts_digest(filled).encode())
    key = digest.hexdigest()[:24]
    used = FETCH if texts == FETCH else str(Path(texts).resolve())
    about = {"release": str(folder.resolve()), "sha256sums": sha256_file(sums), "texts": used}
    base = cache_root() / REHYDRATED
    target = base / key
    if (target / ABOUT).is_file():
        return target
    check_release(folder, LoadError, full=True)  # every file hashed, once per filled-in copy
    try:
        if target.is_dir():  # a copy from before copies recorded ABOUT, or a damaged one: made again
            shutil.rmtree(target)
        rehydrate_configs(folder, source, target, found=filled, about=about)
    except FileExistsError:
        if not (target / ABOUT).is_file():
            raise
        # another process made the same copy meanwhile (the same key: the same release and texts)
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            raise
        scratch = Path(tempfile.mkdtemp(prefix="peacetalks-rehydrated-"))
        atexit.register(shutil.rmtree, scratch, True)  # licensed text does not outlive the process
        _warn_no_room(base, exc, f"the filled-in release is in {scratch}, removed when this process ends")
        target = rehydrate_configs(folder, source, scratch / key, found=filled, about=about)
    return target


def _fetched(folder: Path) -> dict[str, str]:
    """doc_id -> text of every stand-off article of a release, fetched from its url (FetchFailed when any
    cannot be got, or its page changed: re-basing its annotations is ``peacetalks rehydrate``'s)."""
    from peacetalks.loading.fetch import get_texts
    from peacetalks.loading.pages import PAGES, PageGetter
    from peacetalks.loading.standoff import read_block_hashes

    frames = read_release_tables(folder, (ARTICLES, BLOCKS))
    with PageGetter(cache_root() / PAGES) as getter:
        got = get_texts(frames, read_block_hashes(folder / TABLES_DIR), getter=getter)
    return got.check(str(folder)).texts


def standoff_articles(found: Source, revision: str | None) -> pl.DataFrame:
    """doc_id and url of the stand-off articles of a release (those whose text its ``tables/`` lacks), by doc_id.

    Empty for a release without ``tables/`` (not built by peacetalks). A Hub repo is asked for that one file.
    """
    rel = f"{TABLES_DIR}/{ARTICLES.relpath()}"
    if found.kind == "hub":
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError

        with _asking_hub(found.location, revision):
            try:
                path = Path(hf_hub_download(found.location, rel, repo_type="dataset", revision=revision))
            except EntryNotFoundError:
                return pl.DataFrame(schema={"doc_id": pl.String, "url": pl.String})
        try:  # a file of huggingface_hub's cache (a link into its blobs), read as it is
            articles = pl.read_parquet(path, columns=["doc_id", "url", "text"])
        except (pl.exceptions.PolarsError, OSError) as exc:
            message = f"cannot read Parquet file: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            raise LoadError("unreadable-release", message, path=f"{found.location}/{rel}") from None
    else:
        if not (found.path / rel).is_file():
            return pl.DataFrame(schema={"doc_id": pl.String, "url": pl.String})
        articles = read_release_tables(found.path, (ARTICLES,))[ARTICLES]
    return missing_texts(articles).select("doc_id", "url").sort("doc_id")


def _texts_missing(found: Source, standoff: pl.DataFrame) -> LoadError:
    doc_ids = standoff["doc_id"].to_list()
    no_url = standoff.filter(pl.col("url").is_null() | (pl.col("url") == ""))["doc_id"].to_list()
    listed = ", ".join(doc_ids[:10]) + (f" and {len(doc_ids) - 10} more" if len(doc_ids) > 10 else "")
    unknown = (
        f"; {len(no_url)} of them have no known url ({', '.join(no_url[:10])}), so only a local copy gives their text"
        if no_url
        else ""
    )
    return LoadError(
        "texts-missing",
        f"this release holds {len(doc_ids)} article(s) stand-off, without their text (its licence forbids "
        f"redistributing it): {listed}{unknown}. Get the texts with texts={FETCH!r} (each article from its url) or "
        f"texts=DIR (local copies whose sha256 matches), or load without these articles with texts={SKIP!r}",
        path=found.location,
        data={
            "doc_ids": doc_ids,
            "count": len(doc_ids),
            "no_url": no_url,
            "parameter": "texts",
            "commands": [f"peacetalks.load(..., texts={FETCH!r})", "peacetalks.load(..., texts=DIR)"],
        },
    )


def _without(loaded: DatasetDict | Dataset, doc_ids: list[str]) -> DatasetDict | Dataset:
    """``loaded`` without the rows of ``doc_ids`` (an index mapping: the files stay memory-mapped)."""
    import datasets
    import numpy as np
    import pyarrow.compute as pc

    def drop(ds: Dataset) -> Dataset:
        if "doc_id" not in ds.column_names or ds.num_rows == 0:
            return ds
        hit = pc.is_in(ds.data.column("doc_id"), value_set=pa.array(doc_ids, pa.string()))
        keep = np.flatnonzero(~np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool))
        return ds if len(keep) == ds.num_rows else ds.select(keep, keep_in_memory=True)

    if isinstance(loaded, datasets.DatasetDict):
        return datasets.DatasetDict({name: drop(ds) for name, ds in loaded.items()})
    return drop(loaded)


def _warn_no_room(folder: Path, exc: OSError, instead: str) -> None:
    warnings.warn(
        f"the peacetalks cache {folder} cannot be written ({os.strerror(exc.errno or 0)}): {instead}; "
        "set PEACETALKS_CACHE to a writable folder to keep builds between runs",
        CacheWarning,
        stacklevel=4,
    )


def cache_root() -> Path:
    env = os.environ.get("PEACETALKS_CACHE")
    if env:
        return check_path(env, "folder", "PEACETALKS_CACHE")
    import datasets.config

    return Path(datasets.config.HF_DATASETS_CACHE) / "peacetalks"


def footer_digest(path: Path) -> str | None:
    """The sha256 of a Parquet file's footer (its metadata: row groups, column chunk sizes, statistics).

    Reads the last 8 bytes and then the footer, so the cost does not grow with the data; None for
    a file too short to be Parquet (reading it fails later, with its own error).
    """
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size < 12:
            return None
        handle.seek(size - 8)
        tail = handle.read(8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != b"PAR1" or length > size - 12:
            return None
        handle.seek(size - 8 - length)
        return hashlib.sha256(handle.read(length)).hexdigest()


def input_fingerprint(path: Path) -> list[Any]:
    """What identifies an input file's content in a cache key: size, mtime, ctime and a digest.

    The change time (st_ctime_ns) cannot be set back by ``os.utime``, so a file rewritten with its
    old size and mtime still changes the key; the digest (a Parquet footer's, a small file's bytes)
    ties the key to the content where timestamps are not kept.
    """
    st = path.stat()
    digest = footer_digest(path) if path.suffix == ".parquet" else sha256_file(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest]


def cache_key(config: str, root: Path, options: dict[str, Any]) -> str:
    """A key that changes whenever the config, its options, the package or an input file changes."""
    from peacetalks.schema.scheme import load_scheme, scheme_dir

    inputs = [path for t in ALL_TABLES for path in table_files(root, t)] + [root / SETTINGS_RELPATH]
    stats = {}
    for path in inputs:  # every shard of a sharded table (a reshard changes the key: other files)
        if path.exists():
            stats[path.relative_to(root).as_posix()] = input_fingerprint(path)
    for yml in sorted(scheme_dir().glob("*.yaml")):
        stats[f"schema/{yml.name}"] = input_fingerprint(yml)
    blob = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "scheme": load_scheme().version,
        "root": str(root.resolve()),
        "config": config,
        "options": {k: list(v) if isinstance(v, tuple | list) else v for k, v in sorted(options.items())},
        "inputs": stats,
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()[:24]


BATCH_ROWS = 10_000  # rows per record batch of a cached Arrow file (and articles per piece of ``documents``)


def _write_pieces(pieces: Iterator[tuple[str, pa.Table]], files: dict[str, Path]) -> dict[str, int]:
    """Write (split, table) pieces, the splits in turn, as one Arrow stream per split; rows per split.

    The writes run on a worker thread (pyarrow releases the GIL) while the next piece is built;
    at most two pieces wait, so memory stays bounded. A file appears only when complete.
    """
    rows: dict[str, int] = {}
    with contextlib.ExitStack() as stack, ThreadPoolExecutor(max_workers=1) as pool:
        writers: dict[str, pa.ipc.RecordBatchStreamWriter] = {}
        pending: deque[Future[None]] = deque()
        for name, piece in pieces:
            if name not in writers:
                tmp = stack.enter_context(atomic_path(files[name]))
                # "ab", not "wb": the temporary file is new and empty, and ext4 flushes a file
                # truncated on open (O_TRUNC) when it is closed, which would cost ~0.1 s per 400 MB.
                sink = stack.enter_context(pa.OSFile(str(tmp), "ab"))
                writers[name] = stack.enter_context(pa.ipc.new_stream(sink, piece.schema))
            rows[name] = rows.get(name, 0) + piece.num_rows
            pending.append(pool.submit(writers[name].write_table, piece, max_chunksize=BATCH_ROWS))
            while len(pending) > 2:
                pending.popleft().result()
        while pending:
            pending.popleft().result()
    return rows


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The entry's ``complete.json``, or None when it is absent or unreadable (an incomplete entry)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def entry_damage(folder: Path, marker: dict[str, Any]) -> str | None:
    """What is wrong with a complete entry's files (a file missing, or not the size recorded), or None."""
    sizes = marker.get("sizes")
    if not isinstance(sizes, dict):
        return "complete.json records no file sizes"
    for name in SPLIT_NAMES:
        path = folder / f"{name}.arrow"
        if not path.is_file():
            return f"{path.name} is missing"
        if path.stat().st_size != sizes.get(name):
            return f"{path.name} has {path.stat().st_size} bytes, not the {sizes.get(name)} written"
    return None


def _build_entry(config: str, root: Path, folder: Path, options: dict[str, Any]) -> None:
    """Write the entry: the split files (each renamed into place when complete), then ``complete.json``."""
    files = {name: folder / f"{name}.arrow" for name in SPLIT_NAMES}
    rows = _write_pieces(config_pieces(config, root, piece_rows=BATCH_ROWS, **options), files)
    plain = {k: list(v) if isinstance(v, tuple | list) else v for k, v in options.items()}
    sizes = {name: path.stat().st_size for name, path in files.items()}
    about = {"config": config, "root": str(root.resolve()), "options": plain, "rows": rows, "sizes": sizes}
    write_text_atomic(folder / MARKER, json.dumps(about, sort_keys=True))


def cached_config(config: str, root: Path, **options: Any) -> dict[str, Path]:
    """Split -> Arrow file of the config built from ``root``, building it when not cached (or damaged).

    Raises OSError when the cache folder cannot be written (see :func:`load` for the fallback).
    """
    folder = cache_root() / config / cache_key(config, root, options)
    files = {name: folder / f"{name}.arrow" for name in SPLIT_NAMES}
    marker = read_marker(folder)
    damage = None if marker is None else entry_damage(folder, marker)
    if marker is None or damage is not None:
        if damage is not None:
            _warn_rebuilt(folder, damage)
            (folder / MARKER).unlink(missing_ok=True)  # incomplete while rebuilt: no one reads it meanwhile
        _build_entry(config, root, folder, options)
    return files


def _warn_rebuilt(folder: Path, damage: str) -> None:
    warnings.warn(f"the cache entry {folder} was damaged ({damage}); it is built again", CacheWarning, stacklevel=5)


def _open_split(path: Path, name: str) -> Dataset:
    import datasets

    return datasets.Dataset.from_file(str(path), split=datasets.NamedSplit(name))


def _from_corpus(config: str, root: Path, wanted: list[str], options: dict[str, Any]) -> dict[str, Dataset]:
    """The wanted splits of a corpus folder's config: from the cache, rebuilt when damaged, or built in memory."""
    try:
        files = cached_config(config, root, **options)
        try:
            return {name: _open_split(files[name], name) for name in wanted}
        except (pa.ArrowInvalid, OSError) as exc:  # the sizes were right, the content is not
            folder = files[wanted[0]].parent
            _warn_rebuilt(folder, f"{type(exc).__name__}: {exc}")
            (folder / MARKER).unlink(missing_ok=True)
            files = cached_config(config, root, **options)
            return {name: _open_split(files[name], name) for name in wanted}
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            raise
        _warn_no_room(cache_root(), exc, "the config is built in memory")
        return _in_memory(config, root, wanted, options)


def _in_memory(config: str, root: Path, wanted: list[str], options: dict[str, Any]) -> dict[str, Dataset]:
    import datasets

    pieces: dict[str, list[pa.Table]] = {}
    for name, piece in config_pieces(config, root, piece_rows=BATCH_ROWS, **options):
        pieces.setdefault(name, []).append(piece)
    return {name: datasets.Dataset(pa.concat_tables(pieces[name]), split=datasets.NamedSplit(name)) for name in wanted}


def load(
    config: str = DEFAULT_CONFIG,
    split: str | None = None,
    *,
    source: str | os.PathLike[str] | None = None,
    revision: str | None = None,
    texts: str | os.PathLike[str] | None = None,
    **options: Any,
) -> DatasetDict | Dataset:
    """Load a config as a ``DatasetDict`` of train/validation/test, or one ``Dataset`` when ``split`` is given.

    ``options`` go to the config (``tokens``: ``tagset``, ``mention_types``). An argument of the
    wrong type is ``bad-argument``, naming the parameter and what it takes.
    """
    import datasets

    check_config(config, options)
    check_arguments(split=split, source=source, revision=revision, texts=texts)
    if split is not None and split not in SPLIT_NAMES:
        raise LoadError("unknown-split", f"split {split!r} does not exist; expected one of {', '.join(SPLIT_NAMES)}")
    found = resolve_source(source, revision)
    mode = _texts_mode(texts)
    if found.kind == "corpus":
        if mode is not None and mode != SKIP:
            raise LoadError("texts-need-release", "texts= fills in a stand-off release; a corpus folder has its texts")
        wanted = [split] if split is not None else list(SPLIT_NAMES)
        loaded = _from_corpus(config, found.path, wanted, options)
        return loaded[split] if split is not None else datasets.DatasetDict(loaded)
    tagset = options.pop("tagset", None)
    if options:
        raise LoadError(
            "options-need-corpus",
            f"options {', '.join(sorted(options))} apply when building from a corpus folder; "
            "a release or Hub repo holds its configs ready-made (tagset= maps the tags of its tokens)",
        )
    if found.kind == "release":
        _check_release_config(found.path, config)  # the config asked for is there at all
        check_release(found.path, LoadError, full=False)  # present, listed, sizes as recorded: no hashing
    kwargs: dict[str, Any] = {"name": config}
    location = found.location
    skipped: list[str] = []
    # every request to the Hub with a timeout (huggingface_hub's client has none)
    with hub_timeout() if found.kind == "hub" else contextlib.nullcontext():
        if isinstance(mode, Path) or mode == FETCH:
            filled = rehydrated(found, revision, mode)
            location = str(filled)
            # datasets' own Arrow copy of the licensed texts stays inside the entry, so pruning it removes both
            kwargs["cache_dir"] = str(filled / ".datasets")
            _check_release_config(Path(location), config)
        else:
            standoff = standoff_articles(found, revision)
            if standoff.height and mode is None:
                raise _texts_missing(found, standoff)
            skipped = standoff["doc_id"].to_list()
            if found.kind == "hub":
                kwargs["revision"] = revision
        with _asking_hub(found.location, revision) if found.kind == "hub" else contextlib.nullcontext():
            result = _ready_made(location, split, kwargs)
    if skipped:
        result = _without(result, skipped)
    if tagset is not None:
        from peacetalks.loading.tokens import retag

        if isinstance(result, datasets.DatasetDict):
            return datasets.DatasetDict({name: retag(ds, tagset) for name, ds in result.items()})
        return retag(result, tagset)
    return result


def _ready_made(location: str, split: str | None, kwargs: dict[str, Any]) -> DatasetDict | Dataset:
    """A config of a release (folder or Hub repo) with every split, as from a corpus folder.

    A release lists only the splits that have rows (``datasets`` cannot build an empty split from
    a card); the others are given here as empty datasets with the config's features.
    """
    import datasets

    if split is None:
        loaded = datasets.load_dataset(location, **kwargs)
        features = next(iter(loaded.values())).features
        names = list(SPLIT_NAMES) + [name for name in loaded if name not in SPLIT_NAMES]
        return datasets.DatasetDict(
            {name: loaded[name] if name in loaded else _empty(features, name) for name in names}
        )
    builder = datasets.load_dataset_builder(location, **kwargs)
    if split in (builder.config.data_files or {}):
        one: Dataset = datasets.load_dataset(location, split=split, **kwargs)
        return one
    features = builder.info.features
    if features is None:  # a card without dataset_info: the features of a split that has rows
        features = next(iter(datasets.load_dataset(location, **kwargs).values())).features
    return _empty(features, split)


def _empty(features: Features, split: str) -> Dataset:
    import datasets

    return datasets.Dataset.from_dict(
        {name: [] for name in features}, features=features, split=datasets.NamedSplit(split)
    )


def _texts_mode(texts: str | os.PathLike[str] | None) -> Texts | Literal["skip"] | None:
    """None, ``"skip"``, ``"fetch"`` (as a str only), or the folder of local texts (checked)."""
    if texts is None:
        return None
    if texts == FETCH:
        return FETCH
    if texts == SKIP:
        return SKIP
    return _texts_folder(texts)


def _texts_folder(texts: str | os.PathLike[str]) -> Path:
    folder = check_path(Path(texts), "folder", "texts=")
    if not folder.exists():
        raise LoadError("texts-not-found", "the folder of local texts does not exist", path=str(folder))
    return folder


def _check_release_config(folder: Path, config: str) -> None:
    data = folder / "data" / config
    if next(data.glob("*.parquet"), None) is None:
        raise LoadError("missing-config", f"the release holds no files of the config {config!r}", path=str(data))
