"""The annotation scheme, read from ``schema/scheme.yaml`` and ``schema/stance_targets.yaml``.

This is the one place label sets come from: the pandera models, the cross-table checks, the
Hugging Face Features and the importers all read :func:`load_scheme`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from peacetalks.errors import SchemeError


@dataclass(frozen=True)
class StanceTarget:
    id: str
    label_de: str
    label_en: str
    description: str


@dataclass(frozen=True)
class EventCategory:
    name: str
    quad: str
    modes: tuple[str, ...]
    roles: tuple[str, ...]
    required_roles: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    version: str
    entity_labels: tuple[str, ...]
    entity_forms: tuple[str, ...]
    mention_types: tuple[str, ...]
    stance_holder_labels: tuple[str, ...]
    crossing_forbidden_forms: tuple[str, ...]
    event_categories: dict[str, EventCategory]
    argument_roles: tuple[str, ...]
    event_contexts: tuple[str, ...]
    realis: tuple[str, ...]
    modalities: tuple[str, ...]
    stance_polarities: tuple[str, ...]
    stance_attributions: tuple[str, ...]
    block_kinds: tuple[str, ...]
    licenses: dict[str, bool]
    annotation_license: str
    codebook_version: str
    stance_targets: tuple[StanceTarget, ...]
    descriptions: dict[str, dict[str, str]]

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(self.event_categories)

    @property
    def all_modes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for cat in self.event_categories.values():
            seen.update(dict.fromkeys(cat.modes))
        return tuple(seen)

    @property
    def target_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.stance_targets)

    def category_mode_pairs(self) -> list[tuple[str, str]]:
        return [(c.name, m) for c in self.event_categories.values() for m in c.modes]

    def category_role_pairs(self) -> list[tuple[str, str]]:
        return [(c.name, r) for c in self.event_categories.values() for r in c.roles]

    def required_role_pairs(self) -> list[tuple[str, str]]:
        return [(c.name, r) for c in self.event_categories.values() for r in c.required_roles]


def scheme_dir() -> Path:
    """The folder holding the scheme files (``schema/`` in a checkout, in the wheel too)."""
    import peacetalks.schema

    return Path(peacetalks.schema.__file__).resolve().parent


def _keys(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if isinstance(value, dict):
        return tuple(str(k) for k in value)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    raise SchemeError(f"scheme.yaml: '{key}' must be a mapping or a list")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # libyaml's safe loader where PyYAML has it: scheme.yaml takes ~1.5 ms instead of ~50 ms with
        # the pure-Python one, paid by every command that reads the scheme; both build the same objects.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise SchemeError(f"{path}: cannot read the scheme: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemeError(f"{path}: expected a YAML mapping at the top level")
    return data


def parse_scheme(raw: dict[str, Any], codebook: dict[str, Any]) -> Scheme:
    roles = _keys(raw, "argument_roles")
    categories: dict[str, EventCategory] = {}
    for name, spec in (raw.get("event_categories") or {}).items():
        cat = EventCategory(
            name=str(name),
            quad=str(spec["quad"]),
            modes=tuple(spec.get("modes") or ()),
            roles=tuple(spec.get("roles") or ()),
            required_roles=tuple(spec.get("required_roles") or ()),
        )
        unknown = set(cat.roles) - set(roles) | (set(cat.required_roles) - set(cat.roles))
        if unknown:
            raise SchemeError(f"scheme.yaml: category {name} names unknown or disallowed roles {sorted(unknown)}")
        categories[cat.name] = cat
    targets = tuple(
        StanceTarget(str(t["id"]), str(t["label_de"]), str(t["label_en"]), str(t["description"]))
        for t in codebook.get("targets") or ()
    )
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise SchemeError("stance_targets.yaml: duplicate target ids")
    licenses = {str(k): bool(v.get("redistribute")) for k, v in (raw.get("licenses") or {}).items()}
    descriptions = {
        key: {str(k): str(v) for k, v in raw[key].items()}
        for key in (
            "entity_labels",
            "entity_forms",
            "mention_types",
            "argument_roles",
            "realis",
            "modalities",
            "stance_polarities",
            "stance_attributions",
            "block_kinds",
        )
    }
    return Scheme(
        version=str(raw["version"]),
        entity_labels=_keys(raw, "entity_labels"),
        entity_forms=_keys(raw, "entity_forms"),
        mention_types=_keys(raw, "mention_types"),
        stance_holder_labels=_keys(raw, "stance_holder_labels"),
        crossing_forbidden_forms=_keys(raw, "crossing_forbidden_forms"),
        event_categories=categories,
        argument_roles=roles,
        event_contexts=_keys(raw, "event_contexts"),
        realis=_keys(raw, "realis"),
        modalities=_keys(raw, "modalities"),
        stance_polarities=_keys(raw, "stance_polarities"),
        stance_attributions=_keys(raw, "stance_attributions"),
        block_kinds=_keys(raw, "block_kinds"),
        licenses=licenses,
        annotation_license=str(raw["annotation_license"]),
        codebook_version=str(codebook["version"]),
        stance_targets=targets,
        descriptions=descriptions,
    )


@functools.cache
def load_scheme() -> Scheme:
    """The scheme shipped with the package (cached)."""
    folder = scheme_dir()
    return parse_scheme(_read_yaml(folder / "scheme.yaml"), _read_yaml(folder / "stance_targets.yaml"))
