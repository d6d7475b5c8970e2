"""sha256 of release files and the checksums manifest (``SHA256SUMS``, the ``sha256sum`` format)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from peacetalks.validation.report import Issue

MANIFEST = "SHA256SUMS"
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def release_files(folder: Path, *, exclude: Iterable[str] = ()) -> list[str]:
    """Every file under ``folder`` as sorted POSIX relative paths, skipping dot-files and ``exclude``."""
    skip = set(exclude)
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")) and rel not in skip:
            found.append(rel)
    return sorted(found)


def checksums(folder: Path, files: Iterable[str]) -> dict[str, str]:
    return {rel: sha256_file(folder / rel) for rel in sorted(files)}


def render_manifest(sums: Mapping[str, str]) -> str:
    """The manifest text: ``<sha256>  <path>`` per line, sorted by path (``sha256sum -c`` reads it)."""
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(sums.items()))


def parse_manifest(text: str) -> dict[str, str]:
    sums = {}
    for line in text.splitlines():
        if line.strip():
            digest, _, rel = line.partition("  ")
            sums[rel] = digest
    return sums


def verify_manifest(folder: Path) -> list[Issue]:
    """Compare every file of a release folder with its manifest: missing, extra and changed files."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [Issue(code="missing-manifest", file=MANIFEST, message="the release has no checksums manifest")]
    expected = parse_manifest(manifest.read_text(encoding="utf-8"))
    present = set(release_files(folder, exclude=[MANIFEST]))
    issues = [
        Issue(code="missing-release-file", file=rel, message="listed in SHA256SUMS but absent")
        for rel in sorted(set(expected) - present)
    ]
    issues += [
        Issue(code="unlisted-release-file", file=rel, message="present but not listed in SHA256SUMS")
        for rel in sorted(present - set(expected))
    ]
    for rel in sorted(present & set(expected)):
        actual = sha256_file(folder / rel)
        if actual != expected[rel]:
            issues.append(
                Issue(
                    code="checksum-mismatch",
                    file=rel,
                    message=f"sha256 {actual} differs from the manifest's {expected[rel]}",
                    value=actual,
                )
            )
    return issues
