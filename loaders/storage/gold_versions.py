"""The versions gold was annotated and checked under: ``annotations/gold.yaml``.

One small file for all of gold, not a column on every row or a field per article: gold follows
one set of rules, so when the scheme or the codebook changes, all of gold is checked again under
the new version and the record moves with it. Versions per article would let gold made under
several rule sets sit side by side unnoticed, which is what the record is there to prevent.

    scheme: 2.0.0       # schema/scheme.yaml's version
    codebook: 1.1.0     # schema/stance_targets.yaml's version
    guidelines: "2.0"   # the version line of annotations/GUIDELINES.md (where the corpus has one)

``peacetalks adjudicate`` writes it when it writes gold; ``peacetalks validate`` compares it with
the package's scheme (peacetalks/validation/checks/versions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from peacetalks.errors import GoldVersionsError, shown
from peacetalks.schema.scheme import Scheme

GOLD_VERSIONS = "annotations/gold.yaml"
GUIDELINES = "annotations/GUIDELINES.md"
_SEMVER = re.compile(r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})")
_GUIDELINES_VERSION = re.compile(r"^Version ([0-9]+\.[0-9]+)\b", re.MULTILINE)
_HEADER = (
    "# The versions gold was annotated and checked under (peacetalks/storage/gold_versions.py).\n"
    "# peacetalks validate refuses gold of another major version than the package's scheme or codebook.\n"
)


@dataclass(frozen=True)
class GoldVersions:
    """The scheme, codebook and (where known) guidelines version gold was annotated and checked under."""

    scheme: str
    codebook: str
    guidelines: str | None = None

    def as_yaml(self) -> str:
        lines = [f"scheme: {self.scheme}", f"codebook: {self.codebook}"]
        if self.guidelines is not None:
            lines.append(f'guidelines: "{self.guidelines}"')
        return _HEADER + "\n".join(lines) + "\n"


def major(version: str) -> int:
    """The major part of ``MAJOR.MINOR.PATCH``."""
    return int(version.split(".", 1)[0])


def _version(raw: dict[object, object], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not _SEMVER.fullmatch(value):
        raise GoldVersionsError(
            f"'{key}' must be a version MAJOR.MINOR.PATCH, not {shown(value)}", path=GOLD_VERSIONS, data={"key": key}
        )
    return value


def read_gold_versions(root: Path) -> GoldVersions | None:
    """The record of ``root``'s gold; None when the corpus has none.

    GoldVersionsError ``bad-gold-versions`` when it is not UTF-8 YAML, not a mapping, lacks ``scheme``
    or ``codebook``, or holds something that is not a version.
    """
    path = root / GOLD_VERSIONS
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GoldVersionsError(f"cannot be read as YAML: {str(exc).splitlines()[0]}", path=GOLD_VERSIONS) from None
    if not isinstance(raw, dict):
        raise GoldVersionsError(f"expected a mapping of versions, not {shown(raw)}", path=GOLD_VERSIONS)
    unknown = sorted(str(k) for k in raw if k not in ("scheme", "codebook", "guidelines"))
    if unknown:
        raise GoldVersionsError(
            f"unknown key {shown(unknown[0])}; the keys are scheme, codebook and guidelines", path=GOLD_VERSIONS
        )
    guidelines = raw.get("guidelines")
    if guidelines is not None and not (isinstance(guidelines, str) and re.fullmatch(r"[0-9]+\.[0-9]+", guidelines)):
        raise GoldVersionsError(
            f"'guidelines' must be a version MAJOR.MINOR in quotes, not {shown(guidelines)}", path=GOLD_VERSIONS
        )
    return GoldVersions(_version(raw, "scheme"), _version(raw, "codebook"), guidelines)


def guidelines_version(root: Path) -> str | None:
    """The version line of the corpus's guidelines (``Version 2.0`` at the start of a line), if it has them."""
    path = root / GUIDELINES
    if not path.is_file():
        return None
    found = _GUIDELINES_VERSION.search(path.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def current_versions(root: Path, scheme: Scheme) -> GoldVersions:
    """The versions a change of gold made now is annotated and checked under: this package's scheme and codebook."""
    return GoldVersions(scheme.version, scheme.codebook_version, guidelines_version(root))
