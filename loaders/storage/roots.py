"""Where corpora live: the bundled corpus, a checkout's working tree, or a given folder."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # the package folder (loaders/, or peacetalks/ in a wheel)


def bundled_root() -> Path:
    """The corpus that ships with the package.

    In a built wheel it is ``peacetalks/_data``; in an editable install or a checkout it is the
    checkout itself (the folder holding ``corpus/`` and ``annotations/`` beside ``loaders/``).
    """
    packaged = _HERE / "_data"
    if (packaged / "corpus").is_dir():
        return packaged
    return _HERE.parent


def is_corpus_root(folder: Path) -> bool:
    return (folder / "corpus").is_dir() and (folder / "annotations").is_dir()


def resolve_root(root: Path | str | None) -> Path:
    return bundled_root() if root is None else Path(root)
