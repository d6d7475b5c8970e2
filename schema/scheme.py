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

from peacetalks.errors import SchemeError, shown


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
class PloverRule:
    """One rule of the PLOVER mapping: mentions matching ``categories``, ``realis`` and ``modality`` get ``plover``.

    An empty ``categories`` and a None ``realis`` or ``modality`` match every value; ``plover`` None
    means the PLOVER manual codes no event of its own for such a mention. ``manual`` says why.
    """

    categories: tuple[str, ...]
    realis: str | None
    modality: str | None
    plover: str | None
    manual: str


@dataclass(frozen=True)
class PloverMapping:
    """The PLOVER mapping (GUIDELINES.md 2.8), as ``plover_mapping`` in scheme.yaml states it.

    A mention with no argument of ``required_role`` maps to null (``required_manual`` says why); else
    the first of ``rules`` it matches gives its PLOVER category, and a mention no rule matches keeps its
    own. A cluster with a mention of ``cluster_realis`` takes that mention's category, else the PLOVER
    category of its first mapped mention in text order (peacetalks.schema.plover applies all of it).
    """

    required_role: str
    required_manual: str
    rules: tuple[PloverRule, ...]
    cluster_realis: str


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
    # The labels the rules and tools rely on, by what they are for (see scheme.yaml): code names
    # these, never a label, so renaming a label in scheme.yaml renames it in every rule.
    name_mention_type: str
    plain_name_form: str
    derived_form: str  # the form of a word derived from a name ("russische")
    compound_form: str  # the form of a name inside a compound token ("US-Präsident")
    modal_realis: str
    default_license: str
    import_defaults: dict[str, str]
    license_urls: dict[str, str]
    # The annotation statuses of an article per kind (annotations/status.parquet), in order of progress,
    # and the ones that count as complete gold; the statuses the commands give, by what they are for.
    annotation_statuses: tuple[str, ...]
    complete_statuses: tuple[str, ...]
    initial_status: str
    import_status: str
    finished_status: str
    adjudicated_status: str
    # The labels the stance checks rely on (validation/checks/stances.py), by what they are for.
    quote_attribution: str
    agreement_category: str
    actual_realis: str
    party_role: str
    support_polarity: str
    # The PLOVER mapping (GUIDELINES.md 2.8): the role a mention needs, the rules in order (the first a
    # mention matches gives its PLOVER category) and the realis that gives a cluster its category.
    plover_mapping: PloverMapping

    @property
    def redistributable_licenses(self) -> tuple[str, ...]:
        """The licences whose articles a release may ship with their text."""
        return tuple(k for k, v in self.licenses.items() if v)

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
    raise SchemeError(f"'{key}' must be a mapping or a list", path="scheme.yaml")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        # libyaml's safe loader where PyYAML has it: scheme.yaml takes ~1.5 ms instead of ~50 ms with
        # the pure-Python one, paid by every command that reads the scheme; both build the same objects.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise SchemeError(f"cannot read the scheme: {exc}", path=str(path)) from exc
    if not isinstance(data, dict):
        raise SchemeError("expected a YAML mapping at the top level", path=str(path))
    return data


def _one_of(raw: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    """``raw[key]``, which must name one of ``allowed`` (the labels of ``where``)."""
    value = raw.get(key)
    if not isinstance(value, str) or value not in allowed:
        raise SchemeError(
            f"'{key}' must be one of {where} ({', '.join(allowed)}), not {shown(value)}", path="scheme.yaml"
        )
    return value


def _some_of(raw: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    """The labels listed under ``key``, each of which must be one of ``allowed`` (the labels of ``where``)."""
    values = _keys(raw, key)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise SchemeError(
            f"'{key}' names {', '.join(unknown)}, not among {where} ({', '.join(allowed)})", path="scheme.yaml"
        )
    return values


def _import_defaults(raw: dict[str, Any], label_sets: dict[str, tuple[str, ...]]) -> dict[str, str]:
    given = raw.get("import_defaults") or {}
    if not isinstance(given, dict):
        raise SchemeError("'import_defaults' must be a mapping of column: value", path="scheme.yaml")
    defaults: dict[str, str] = {}
    for column in given:
        if column not in label_sets:
            raise SchemeError(
                f"import_defaults.{column}: not a column with a default ({', '.join(label_sets)})", path="scheme.yaml"
            )
        defaults[str(column)] = _one_of(given, column, label_sets[column], f"the {column} values")
    return defaults


def _plover_rules(
    given: object, categories: tuple[str, ...], realis: tuple[str, ...], modalities: tuple[str, ...]
) -> tuple[PloverRule, ...]:
    """The rules under ``plover_mapping.rules``, each naming only categories, realis and modalities the scheme has."""
    if not isinstance(given, list):
        raise SchemeError("'plover_mapping.rules' must be a list of rules (when, plover, manual)", path="scheme.yaml")
    rules = []
    for i, rule in enumerate(given):
        where = f"plover_mapping.rules[{i}]"
        when = rule.get("when") if isinstance(rule, dict) else None
        if not isinstance(when, dict) or set(when) - {"category", "realis", "modality"}:
            raise SchemeError(f"{where}.when must be a mapping of category, realis and modality", path="scheme.yaml")
        named = tuple(str(c) for c in when.get("category") or ())
        if set(named) - set(categories):
            raise SchemeError(
                f"{where}.when.category names {shown(named)}, not all event_categories", path="scheme.yaml"
            )
        plover = rule.get("plover")
        rules.append(
            PloverRule(
                categories=named,
                realis=None if when.get("realis") is None else _one_of(when, "realis", realis, "the realis values"),
                modality=None
                if when.get("modality") is None
                else _one_of(when, "modality", modalities, "the modalities"),
                plover=None if plover is None else _one_of(rule, "plover", categories, "the event_categories"),
                manual=str(rule.get("manual") or ""),
            )
        )
    return tuple(rules)


def _plover_mapping(
    raw: dict[str, Any],
    categories: tuple[str, ...],
    realis: tuple[str, ...],
    modalities: tuple[str, ...],
    roles: tuple[str, ...],
) -> PloverMapping:
    """``plover_mapping``: the required role, the rules and the cluster realis, naming only what the scheme has."""
    given = raw.get("plover_mapping")
    if not isinstance(given, dict):
        raise SchemeError(
            "'plover_mapping' must be a mapping of required_role, required_manual, rules and cluster_realis",
            path="scheme.yaml",
        )
    return PloverMapping(
        required_role=_one_of(given, "required_role", roles, "the argument_roles"),
        required_manual=str(given.get("required_manual") or ""),
        rules=_plover_rules(given.get("rules"), categories, realis, modalities),
        cluster_realis=_one_of(given, "cluster_realis", realis, "the realis values"),
    )


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
            raise SchemeError(
                f"category {name} names unknown or disallowed roles {sorted(unknown)}", path="scheme.yaml"
            )
        categories[cat.name] = cat
    targets = tuple(
        StanceTarget(str(t["id"]), str(t["label_de"]), str(t["label_en"]), str(t["description"]))
        for t in codebook.get("targets") or ()
    )
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise SchemeError("duplicate target ids", path="stance_targets.yaml")
    licenses = {str(k): bool(v.get("redistribute")) for k, v in (raw.get("licenses") or {}).items()}
    license_urls = {str(k): str(v["url"]) for k, v in (raw.get("licenses") or {}).items() if v.get("url")}
    mention_types, entity_forms, realis = _keys(raw, "mention_types"), _keys(raw, "entity_forms"), _keys(raw, "realis")
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
            "annotation_statuses",
        )
    }
    statuses = _keys(raw, "annotation_statuses")
    descriptions["licenses"] = {str(k): str(v.get("description", "")) for k, v in (raw.get("licenses") or {}).items()}
    return Scheme(
        version=str(raw["version"]),
        entity_labels=_keys(raw, "entity_labels"),
        entity_forms=entity_forms,
        mention_types=mention_types,
        stance_holder_labels=_some_of(raw, "stance_holder_labels", _keys(raw, "entity_labels"), "the entity_labels"),
        crossing_forbidden_forms=_some_of(raw, "crossing_forbidden_forms", entity_forms, "the entity_forms"),
        event_categories=categories,
        argument_roles=roles,
        event_contexts=_keys(raw, "event_contexts"),
        realis=realis,
        modalities=_keys(raw, "modalities"),
        stance_polarities=_keys(raw, "stance_polarities"),
        stance_attributions=_keys(raw, "stance_attributions"),
        block_kinds=_keys(raw, "block_kinds"),
        licenses=licenses,
        annotation_license=str(raw["annotation_license"]),
        codebook_version=str(codebook["version"]),
        stance_targets=targets,
        descriptions=descriptions,
        name_mention_type=_one_of(raw, "name_mention_type", mention_types, "the mention_types"),
        plain_name_form=_one_of(raw, "plain_name_form", entity_forms, "the entity_forms"),
        derived_form=_one_of(raw, "derived_form", entity_forms, "the entity_forms"),
        compound_form=_one_of(raw, "compound_form", entity_forms, "the entity_forms"),
        modal_realis=_one_of(raw, "modal_realis", realis, "the realis values"),
        default_license=_one_of(raw, "default_license", tuple(licenses), "the licenses"),
        import_defaults=_import_defaults(raw, {"mention_type": mention_types, "realis": realis}),
        license_urls=license_urls,
        annotation_statuses=statuses,
        complete_statuses=_some_of(raw, "complete_statuses", statuses, "the annotation_statuses"),
        initial_status=_one_of(raw, "initial_status", statuses, "the annotation_statuses"),
        import_status=_one_of(raw, "import_status", statuses, "the annotation_statuses"),
        finished_status=_one_of(raw, "finished_status", statuses, "the annotation_statuses"),
        adjudicated_status=_one_of(raw, "adjudicated_status", statuses, "the annotation_statuses"),
        quote_attribution=_one_of(
            raw, "quote_attribution", _keys(raw, "stance_attributions"), "the stance_attributions"
        ),
        agreement_category=_one_of(raw, "agreement_category", tuple(categories), "the event_categories"),
        actual_realis=_one_of(raw, "actual_realis", realis, "the realis values"),
        party_role=_one_of(raw, "party_role", roles, "the argument_roles"),
        support_polarity=_one_of(raw, "support_polarity", _keys(raw, "stance_polarities"), "the stance_polarities"),
        plover_mapping=_plover_mapping(raw, tuple(categories), realis, _keys(raw, "modalities"), roles),
    )


@functools.cache
def load_scheme() -> Scheme:
    """The scheme shipped with the package (cached)."""
    folder = scheme_dir()
    return parse_scheme(_read_yaml(folder / "scheme.yaml"), _read_yaml(folder / "stance_targets.yaml"))
