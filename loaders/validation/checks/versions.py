"""The versions gold records (``annotations/gold.yaml``) against the package's scheme and codebook.

Gold of another major version than the package's scheme or codebook is refused
(``gold-version-mismatch``): a major version changes what a label means, so such gold is not
known to be right under the scheme it would be read with. Gold of the same major version but
another minor or patch version, or made under other guidelines than the corpus's, is the warning
``gold-version-stale``: check gold under the new version and record it. Gold with annotations
and no record is the warning ``unversioned-gold``.
"""

from __future__ import annotations

from pathlib import Path

from peacetalks.errors import GoldVersionsError
from peacetalks.schema.scheme import Scheme
from peacetalks.storage.gold_versions import GOLD_VERSIONS, GUIDELINES, guidelines_version, major, read_gold_versions
from peacetalks.validation.report import Issue


def gold_version_issues(root: Path, scheme: Scheme, *, has_gold: bool) -> list[Issue]:
    """The issues of the versions record of the gold at ``root`` (``has_gold``: gold holds annotations)."""
    try:
        recorded = read_gold_versions(root)
    except GoldVersionsError as exc:
        return [Issue(code=exc.code, file=GOLD_VERSIONS, message=exc.message, column=exc.data.get("key"))]
    if recorded is None:
        if not has_gold:
            return []
        return [
            Issue(
                code="unversioned-gold",
                file=GOLD_VERSIONS,
                message=(
                    f"gold has annotations but records no versions; write {GOLD_VERSIONS} with the scheme and "
                    f"codebook versions it was checked under (scheme {scheme.version}, "
                    f"codebook {scheme.codebook_version})"
                ),
            )
        ]
    issues: list[Issue] = []
    parts = (("scheme", recorded.scheme, scheme.version), ("codebook", recorded.codebook, scheme.codebook_version))
    for key, was, now in parts:
        if major(was) != major(now):
            issues.append(
                Issue(
                    code="gold-version-mismatch",
                    file=GOLD_VERSIONS,
                    column=key,
                    value=was,
                    message=(
                        f"gold was annotated under {key} {was}, this package's {key} is {now}: another major "
                        f"version, whose labels may mean something else; migrate gold (CHANGELOG.md says how), "
                        f"check it under {now} and record that version"
                    ),
                )
            )
        elif was != now:
            issues.append(_stale(key, was, now))
    current = guidelines_version(root)
    if recorded.guidelines is not None and current is not None and recorded.guidelines != current:
        issues.append(_stale("guidelines", recorded.guidelines, current, where=GUIDELINES))
    return issues


def _stale(key: str, was: str, now: str, *, where: str = "this package") -> Issue:
    return Issue(
        code="gold-version-stale",
        file=GOLD_VERSIONS,
        column=key,
        value=was,
        message=f"gold was checked under {key} {was}, {where} has {now}: check gold under {now} and record it",
    )
