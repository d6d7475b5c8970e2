"""A release folder checked against its ``SHA256SUMS`` manifest before anything uses it.

Two depths, one rule for what is wrong:

- **full** (``rehydrate``, ``publish``, and ``load(texts=...)`` when it fills a release into the
  cache): every file's sha256 against the manifest;
- **cheap** (every ``load()`` of a release folder): no hashing; every listed file is present with
  the size that ``croissant.json`` records for it (``contentSize``; a folder without croissant.json
  that the manifest does not list gets no size check), so a truncated, emptied or
  replaced-by-a-different-size file is caught by one ``stat`` per file.

Both refuse a manifest that is absent or unreadable, files the manifest does not list, files it
lists that are absent, and symbolic links anywhere in the folder (a link would make a release
carry, or a publish commit, a file from outside the folder). Dot-files and dot-folders (``.git``,
``.cache``) belong to no release and are not looked at.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from peacetalks.errors import PeaceTalksError
from peacetalks.storage.digests import sha256_file
from peacetalks.validation.report import Issue

MANIFEST = "SHA256SUMS"
CROISSANT = "croissant.json"
_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")
_SIZE = re.compile(r"^([0-9]{1,20}) B$")
MAX_SHOWN = 20  # problems named in the error's message (data["problems"] holds them all)


def _walk(folder: Path) -> tuple[list[str], list[str]]:
    """(regular files, symbolic links) under ``folder`` as sorted POSIX paths; links are not followed."""
    files: list[str] = []
    links: list[str] = []
    for here, dirs, names in os.walk(folder, followlinks=False):
        base = Path(here)
        rel_base = base.relative_to(folder).as_posix()
        prefix = "" if rel_base == "." else f"{rel_base}/"
        for name in list(dirs):
            if (base / name).is_symlink():
                dirs.remove(name)
                if not name.startswith("."):
                    links.append(prefix + name)
            elif name.startswith("."):
                dirs.remove(name)
        for name in names:
            if name.startswith("."):
                continue
            path = base / name
            if path.is_symlink():
                links.append(prefix + name)
            elif path.is_file():
                files.append(prefix + name)
    return sorted(files), sorted(links)


def release_files(folder: Path, *, exclude: Iterable[str] = ()) -> list[str]:
    """Every regular file under ``folder`` as sorted POSIX relative paths, skipping dot-files and ``exclude``.

    Symbolic links are not files of a release (:func:`manifest_issues` reports them).
    """
    skip = set(exclude)
    return [rel for rel in _walk(folder)[0] if rel not in skip]


def parse_manifest(text: str) -> dict[str, str]:
    """The manifest's ``path -> sha256``; lines that are not ``<sha256>  <path>`` are left out."""
    sums = {}
    for line in text.splitlines():
        found = _LINE.match(line)
        if found:
            sums[found.group(2)] = found.group(1)
    return sums


def _read_manifest(folder: Path) -> tuple[dict[str, str], list[Issue]]:
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        return {}, [Issue(code="missing-manifest", file=MANIFEST, message="the release has no checksums manifest")]
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        return {}, [Issue(code="bad-manifest", file=MANIFEST, message=f"cannot be read as UTF-8 text: {exc}")]
    issues = [
        Issue(code="bad-manifest", file=MANIFEST, row=number, message="expected '<sha256>  <path>'")
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not _LINE.match(line)
    ]
    return parse_manifest(text), issues


def _recorded_sizes(folder: Path) -> tuple[dict[str, int], list[Issue]]:
    """``contentUrl -> contentSize`` of croissant.json's file objects (the cheap check's sizes)."""
    path = folder / CROISSANT
    problem = None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:  # then no sizes to compare; it is missing-release-file if the manifest lists it
        return {}, []
    except (UnicodeDecodeError, json.JSONDecodeError, OSError, RecursionError) as exc:
        problem = f"cannot be read as JSON: {exc}"
    else:
        entries = doc.get("distribution") if isinstance(doc, dict) else None
        if isinstance(entries, list):
            sizes = {}
            for entry in entries:
                if isinstance(entry, dict) and isinstance(entry.get("contentUrl"), str):
                    found = _SIZE.match(str(entry.get("contentSize", "")))
                    if found:
                        sizes[entry["contentUrl"]] = int(found.group(1))
            return sizes, []
        problem = "has no 'distribution' list of files"
    return {}, [Issue(code="bad-croissant", file=CROISSANT, message=f"the release's metadata {problem}")]


def manifest_issues(folder: Path, *, full: bool = True) -> list[Issue]:
    """Every problem of a release folder against its manifest (see the module docstring); [] when sound."""
    expected, issues = _read_manifest(folder)
    if issues and issues[0].code == "missing-manifest":
        return issues
    files, links = _walk(folder)
    issues += [
        Issue(code="symlink-in-release", file=rel, message=f"a symbolic link (to {os.readlink(folder / rel)})")
        for rel in links
    ]
    present = set(files) - {MANIFEST}
    issues += [
        Issue(code="missing-release-file", file=rel, message="listed in SHA256SUMS but absent")
        for rel in sorted(set(expected) - present)
    ]
    issues += [
        Issue(code="unlisted-release-file", file=rel, message="present but not listed in SHA256SUMS")
        for rel in sorted(present - set(expected))
    ]
    common = sorted(present & set(expected))
    if full:
        for rel in common:
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
    sizes, problems = _recorded_sizes(folder)
    issues += problems
    for rel in common:
        size = (folder / rel).stat().st_size
        if rel in sizes and size != sizes[rel]:
            issues.append(
                Issue(
                    code="size-mismatch",
                    file=rel,
                    message=f"{size} bytes, croissant.json records {sizes[rel]}",
                    value=str(size),
                )
            )
    return issues


def check_release(folder: Path, error: type[PeaceTalksError], *, full: bool = True) -> None:
    """Raise ``error`` (``missing-manifest`` or ``release-modified``) unless the folder matches its manifest.

    The error's ``data["problems"]`` lists every problem (rendered), ``data["files"]`` their files.
    """
    issues = manifest_issues(folder, full=full)
    if not issues:
        return
    data = {"problems": [i.render() for i in issues], "files": [i.file for i in issues]}
    missing = issues[0].code == "missing-manifest"
    code = "missing-manifest" if missing else "release-modified"
    if missing:
        message = f"no {MANIFEST}: a release is checked against its manifest before use, and this folder has none"
    else:
        shown = "; ".join(i.render() for i in issues[:MAX_SHOWN])
        more = f"; and {len(issues) - MAX_SHOWN} more" if len(issues) > MAX_SHOWN else ""
        message = f"{len(issues)} problem(s) against {MANIFEST}: {shown}{more}"
    raise error(code, message, path=str(folder), data=data)
