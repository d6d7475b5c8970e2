"""sha256 of release files and the checksums manifest (``SHA256SUMS``, the ``sha256sum`` format).

Writing the manifest is here; reading and checking a release against it is
:mod:`peacetalks.loading.manifest` (``load()`` checks a release too, and sits below this layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from peacetalks.loading.manifest import MANIFEST, manifest_issues, parse_manifest, release_files
from peacetalks.storage.digests import sha256_file
from peacetalks.validation.report import Issue

__all__ = [
    "MANIFEST",
    "checksums",
    "parse_manifest",
    "release_files",
    "render_manifest",
    "sha256_file",
    "verify_manifest",
]


def checksums(folder: Path, files: Iterable[str]) -> dict[str, str]:
    return {rel: sha256_file(folder / rel) for rel in sorted(files)}


def render_manifest(sums: Mapping[str, str]) -> str:
    """The manifest text: ``<sha256>  <path>`` per line, sorted by path (``sha256sum -c`` reads it)."""
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(sums.items()))


def verify_manifest(folder: Path) -> list[Issue]:
    """Every problem of a release folder against its manifest, every file hashed."""
    return manifest_issues(folder, full=True)
