"""Semantic versions of dataset releases: parsing, ordering and the tag each one gets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from peacetalks.errors import ReleaseError

# ASCII digits only (``\d`` would take any Unicode digit), at most nine each (so int() is always cheap).
_PART = r"(0|[1-9][0-9]{0,8})"
_SEMVER = re.compile(rf"v?{_PART}\.{_PART}\.{_PART}", re.ASCII)


@dataclass(frozen=True, order=True)
class Version:
    """A release version ``MAJOR.MINOR.PATCH`` (no pre-release or build suffixes)."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def tag(self) -> str:
        """The git tag of this version on the Hub and in a local publish repository."""
        return f"v{self}"


def parse_version(text: str) -> Version:
    """Parse ``X.Y.Z`` (a leading ``v`` is accepted). Raises ReleaseError ``bad-version``."""
    match = _SEMVER.fullmatch(text.strip()) if len(text) <= 64 else None
    if match is None:
        shown = repr(text) if len(text) <= 64 else repr(text[:64]) + "..."
        raise ReleaseError(
            "bad-version", f"version {shown} is not of the form MAJOR.MINOR.PATCH (at most 9 digits each), e.g. 0.1.0"
        )
    major, minor, patch = (int(g) for g in match.groups())
    return Version(major, minor, patch)


def check_newer(version: Version, last: Version | None, *, where: str = "") -> None:
    """Refuse a version that is not greater than the last release (code ``version-not-greater``)."""
    if last is not None and version <= last:
        raise ReleaseError(
            "version-not-greater",
            f"version {version} is not greater than the last release {last}",
            path=where,
            data={"last": str(last), "next": str(Version(last.major, last.minor, last.patch + 1))},
        )
