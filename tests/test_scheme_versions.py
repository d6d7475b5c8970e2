"""Every change to the scheme or the codebook bumps its version and has a CHANGELOG entry.

Each version's content (the parsed YAML without its ``version``, so comments may change freely) is
pinned here by its sha256. A change to ``schema/scheme.yaml`` or ``schema/stance_targets.yaml`` that
keeps the version fails the first test: bump the version by the file's header rule (MAJOR when a
label's meaning changes or one is removed, MINOR when something is added, PATCH for wording), add a
CHANGELOG.md entry "Scheme X.Y.Z: ..." or "Codebook X.Y.Z: ...", record the version gold was
checked under in annotations/gold.yaml, and pin the new version's digest below.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from peacetalks.schema.scheme import load_scheme, scheme_dir

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
# file -> {version: sha256 of its content without the version}; a version once pinned is never re-pinned.
PINNED = {
    "scheme.yaml": {
        "2.0.0": "484496d05576235cf3f8ae0080fe72becd6e3dabc717ac65779042aa0fea410d",
        "2.1.0": "0d2354bae74fdefdfd076c15ba1d1629b9fb0114378d568560c525b787d19438",
        "2.2.0": "bbaf12c964e672e931a01d89b735c9d19076da502c75cdea3a48f6dca6cea877",
    },
    "stance_targets.yaml": {"1.1.0": "631c9d84bfe1e9c5e872e72182d5760874191fd3186af5bacf5bfd152a4f02b5"},
}
ENTRY = {"scheme.yaml": "Scheme", "stance_targets.yaml": "Codebook"}


def _content(name: str) -> tuple[str, str]:
    """The file's version and the sha256 of everything else in it, as parsed."""
    data = yaml.safe_load((scheme_dir() / name).read_text(encoding="utf-8"))
    version = str(data.pop("version"))
    return version, hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(PINNED))
def test_a_changed_scheme_file_has_a_new_version(name: str) -> None:
    version, digest = _content(name)
    assert version in PINNED[name], f"{name} {version} is not pinned: pin its digest {digest} in {__file__}"
    assert PINNED[name][version] == digest, (
        f"{name} changed but is still version {version}: bump it (its header says how), add a CHANGELOG.md "
        f"entry and pin the new version's digest {digest}"
    )


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_changelog_has_an_entry_for_the_current_version(name: str) -> None:
    version, _ = _content(name)
    assert f"{ENTRY[name]} {version}:" in CHANGELOG.read_text(encoding="utf-8")


def test_the_scheme_reads_the_versions_pinned_here() -> None:
    scheme = load_scheme()
    assert (scheme.version, scheme.codebook_version) == (_content("scheme.yaml")[0], _content("stance_targets.yaml")[0])
