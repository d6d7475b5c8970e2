"""Where corpora live: the bundled corpus, the corpus folder around the current directory, or a given folder.

A corpus folder is one holding ``corpus/articles.parquet``, or ``corpus/articles/`` (its shards) when
it is sharded (:mod:`peacetalks.storage.shards`). Commands find theirs as git finds its
repository: the nearest such folder at or above the current directory (:func:`find_corpus_root`);
:func:`corpus_root` adds the fallback to the bundled corpus for reading and refuses to write into the
read-only corpus inside an installed package.
"""

from __future__ import annotations

from pathlib import Path

from peacetalks.errors import CorpusRootError
from peacetalks.storage.paths import check_path
from peacetalks.storage.transaction import recover

_HERE = Path(__file__).resolve().parent.parent  # the package folder (loaders/, or peacetalks/ in a wheel)
MARKER = Path("corpus", "articles.parquet")  # what makes a folder a corpus folder: this file ...
SHARDED_MARKER = Path("corpus", "articles")  # ... or this folder of shards (a sharded corpus)
MARKER_TEXT = f"{MARKER.as_posix()} or {SHARDED_MARKER.as_posix()}/"  # how messages name them


def bundled_root() -> Path:
    """The corpus that ships with the package.

    In a built wheel it is ``peacetalks/_data``; in an editable install or a checkout it is the
    checkout itself (the folder holding ``corpus/`` and ``annotations/`` beside ``loaders/``).
    """
    packaged = _HERE / "_data"
    if (packaged / "corpus").is_dir():
        return packaged
    return _HERE.parent


def is_packaged(folder: Path) -> bool:
    """Whether ``folder`` is the corpus inside an installed package (read-only: a reinstall replaces it)."""
    return folder.resolve() == (_HERE / "_data").resolve()


def is_corpus_root(folder: Path) -> bool:
    """Whether ``folder`` is a corpus folder: it holds ``corpus/articles.parquet`` or ``corpus/articles/``."""
    return (folder / MARKER).is_file() or (folder / SHARDED_MARKER).is_dir()


def find_corpus_root(start: Path | None = None) -> Path | None:
    """The nearest corpus folder at or above ``start`` (default: the current directory), or None."""
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_corpus_root(folder)), None)


def resolve_root(root: Path | str | None) -> Path:
    """The corpus folder of a library call (default: the bundled corpus), an interrupted change in it finished.

    This and :func:`corpus_root` are where every command opens its corpus, so every command first
    finishes (or clears away) a change a killed command left (:func:`peacetalks.storage.transaction.recover`).
    """
    folder = bundled_root() if root is None else Path(root)
    recover(folder)
    return folder


def corpus_root(root: Path | str | None = None, *, write: bool = False, start: Path | None = None) -> Path:
    """The corpus folder a command works on: ``root`` if given, else the one found from ``start`` upwards.

    Without either, reading falls back to the bundled corpus and writing is refused; so is writing into
    the corpus of an installed package. ``root`` must hold ``corpus/articles.parquet`` (or ``corpus/articles/``):
    a corpus is made by ``peacetalks init`` (:func:`peacetalks.ingest.init.init_corpus`), never by a write into
    another folder.
    """
    if root is not None:
        folder = check_path(root, "folder", "the corpus folder")
        if not is_corpus_root(folder):
            what = "does not exist" if not folder.exists() else f"holds no {MARKER_TEXT}"
            raise CorpusRootError(
                "not-a-corpus",
                f"not a corpus folder: it {what}",
                path=str(folder),
                data={"next": "init"} if write else {},
            )
    else:
        found = find_corpus_root(start)
        if found is None:
            here = (start or Path.cwd()).resolve()
            if write:
                raise CorpusRootError(
                    "no-corpus-found",
                    f"no corpus folder here or above (none holds {MARKER_TEXT}), and the bundled corpus is read-only",
                    path=str(here),
                )
            return resolve_root(None)
        folder = found
    if write and is_packaged(folder):
        raise CorpusRootError(
            "bundled-read-only",
            "this is the corpus bundled with the installed package; it is read-only",
            path=str(folder),
        )
    return resolve_root(folder)
