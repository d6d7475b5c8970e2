"""``peacetalks.load()``: a config as a ``datasets.DatasetDict`` (or one ``Dataset``).

Sources, tried in this order:

- ``None``: the corpus folder around the current directory (the nearest folder at or above it
  holding ``corpus/articles.parquet``, see ``peacetalks.storage.roots.find_corpus_root``), else
  the corpus bundled in the installed package;
- a folder holding ``corpus/articles.parquet``: that corpus folder;
- a folder holding ``README.md`` and ``data/``: a built release, read with
  ``datasets.load_dataset(folder, name=config)``;
- ``owner/name``: a Hugging Face Hub dataset repo, read with ``datasets.load_dataset`` at
  ``revision`` (a tag, branch or commit).

A release folder is checked against its ``SHA256SUMS`` before every load, cheaply (each listed file
present, none unlisted, no symbolic links, sizes as ``croissant.json`` records them; see
:mod:`peacetalks.loading.manifest`), and in full (every file hashed) when ``texts=`` fills it into
the cache; a Hub repo is checked in full when ``texts=`` downloads it.

With ``texts=DIR`` the config files of a stand-off release (folder or Hub repo) are first filled
in from the local copies in DIR (each must match its article's ``text_sha256``; see
:mod:`peacetalks.loading.rehydrate`) into the cache, then loaded.

A corpus folder is built into Arrow files once, in a cache keyed by the config, its options and
the size and modification time of every input file (``$PEACETALKS_CACHE``, default
``<HF datasets cache>/peacetalks``); later loads memory-map those files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from peacetalks._version import __version__
from peacetalks.errors import LoadError
from peacetalks.ingest.splits import SETTINGS_RELPATH
from peacetalks.loading.configs import DEFAULT_CONFIG, check_config, config_pieces
from peacetalks.loading.hub import hub_timeout
from peacetalks.loading.manifest import MANIFEST, check_release
from peacetalks.loading.rehydrate import rehydrate_configs
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import ALL_TABLES
from peacetalks.storage.parquet import atomic_path, write_text_atomic
from peacetalks.storage.roots import bundled_root, find_corpus_root

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict, Features

CACHE_FORMAT = 2  # 2: complete.json names the config's options (see peacetalks.loading.cache)
MARKER = "complete.json"  # written last: an entry without it is incomplete
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class Source:
    kind: Literal["corpus", "release", "hub"]
    location: str

    @property
    def path(self) -> Path:
        return Path(self.location)


def resolve_source(source: str | os.PathLike[str] | None, revision: str | None = None) -> Source:
    """Which kind of source ``source`` names (see the module docstring)."""
    if source is None:
        kind_root = find_corpus_root() or bundled_root()
        found = Source("corpus", str(kind_root))
    else:
        path = Path(source)
        if (path / "corpus" / "articles.parquet").is_file():
            found = Source("corpus", str(path))
        elif (path / "README.md").is_file() and (path / "data").is_dir():
            found = Source("release", str(path))
        elif path.exists():
            raise LoadError(
                "unknown-source",
                "neither a corpus folder (corpus/articles.parquet) nor a release (README.md and data/)",
                path=str(path),
            )
        elif isinstance(source, str) and _REPO_ID.match(source):
            found = Source("hub", source)
        else:
            raise LoadError("source-not-found", f"{source} is not a folder and not a Hub repo id (owner/name)")
    if revision is not None and found.kind != "hub":
        raise LoadError(
            "revision-needs-hub", f"revision={revision!r} applies to a Hub repo id, not to {found.location}"
        )
    return found


def rehydrated(found: Source, revision: str | None, texts: Path) -> Path:
    """A release's card and configs with its stand-off texts filled in from ``texts``, made once in the cache."""
    if found.kind == "corpus":
        raise LoadError("texts-need-release", "texts= fills in a stand-off release; a corpus folder has its texts")
    folder = found.path
    if found.kind == "hub":
        from huggingface_hub import snapshot_download

        # Real files in a folder of our own: a snapshot in huggingface_hub's cache is made of links
        # that resolve outside it, and a release is read only from files inside its folder.
        where = hashlib.sha256(f"{found.location}@{revision}".encode()).hexdigest()[:16]
        local = cache_root() / "hub" / where
        folder = Path(snapshot_download(found.location, repo_type="dataset", revision=revision, local_dir=local))
    if not (folder / MANIFEST).is_file():
        check_release(folder, LoadError, full=False)  # raises missing-manifest
    key = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()[:16]
    target = cache_root() / "rehydrated" / key
    if not target.is_dir():
        check_release(folder, LoadError, full=True)  # every file hashed, once
        target.parent.mkdir(parents=True, exist_ok=True)
        rehydrate_configs(folder, texts, target)
    return target


def cache_root() -> Path:
    env = os.environ.get("PEACETALKS_CACHE")
    if env:
        return Path(env)
    import datasets.config

    return Path(datasets.config.HF_DATASETS_CACHE) / "peacetalks"


def cache_key(config: str, root: Path, options: dict[str, Any]) -> str:
    """A key that changes whenever the config, its options, the package or an input file changes."""
    from peacetalks.schema.scheme import load_scheme, scheme_dir

    inputs = [t.relpath() for t in ALL_TABLES] + [SETTINGS_RELPATH]
    stats = {}
    for rel in inputs:
        path = root / rel
        if path.exists():
            st = path.stat()
            stats[rel] = [st.st_size, st.st_mtime_ns]
    for yml in sorted(scheme_dir().glob("*.yaml")):
        stats[f"schema/{yml.name}"] = [yml.stat().st_size, yml.stat().st_mtime_ns]
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


def cached_config(config: str, root: Path, **options: Any) -> dict[str, Path]:
    """Split -> Arrow file of the config built from ``root``, building it when not cached."""
    folder = cache_root() / config / cache_key(config, root, options)
    files = {name: folder / f"{name}.arrow" for name in SPLIT_NAMES}
    marker = folder / MARKER
    if not marker.exists():
        rows = _write_pieces(config_pieces(config, root, piece_rows=BATCH_ROWS, **options), files)
        plain = {k: list(v) if isinstance(v, tuple | list) else v for k, v in options.items()}
        about = {"config": config, "root": str(root.resolve()), "options": plain, "rows": rows}
        write_text_atomic(marker, json.dumps(about, sort_keys=True))
    return files


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

    ``options`` go to the config (``tokens``: ``tagset``, ``mention_types``).
    """
    import datasets

    check_config(config, options)
    if split is not None and split not in SPLIT_NAMES:
        raise LoadError("unknown-split", f"split {split!r} does not exist; expected one of {', '.join(SPLIT_NAMES)}")
    found = resolve_source(source, revision)
    if found.kind == "corpus":
        files = cached_config(config, found.path, **options)
        wanted = [split] if split is not None else list(SPLIT_NAMES)
        loaded = {
            name: datasets.Dataset.from_file(str(files[name]), split=datasets.NamedSplit(name)) for name in wanted
        }
        return loaded[split] if split is not None else datasets.DatasetDict(loaded)
    tagset = options.pop("tagset", None)
    if options:
        raise LoadError(
            "options-need-corpus",
            f"options {', '.join(sorted(options))} apply when building from a corpus folder; "
            "a release or Hub repo holds its configs ready-made (tagset= maps the tags of its tokens)",
        )
    if found.kind == "release":
        check_release(found.path, LoadError, full=False)  # present, listed, sizes as recorded: no hashing
    kwargs: dict[str, Any] = {"name": config}
    location = found.location
    # every request to the Hub with a timeout (huggingface_hub's client has none)
    with hub_timeout() if found.kind == "hub" else contextlib.nullcontext():
        if texts is not None:
            location = str(rehydrated(found, revision, Path(texts)))
        elif found.kind == "hub":
            kwargs["revision"] = revision
        result = _ready_made(location, split, kwargs)
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
