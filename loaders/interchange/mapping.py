"""Mapping files: a tool's label, role, relation and attribute names onto the scheme.

A mapping file is YAML with up to five sections; every name a tool's file uses must be
mapped, or the import fails with one ``unmapped-name`` issue per name, all at once::

    labels:                 # span labels (brat T/E types, Label Studio / doccano labels, UIMA values)
      Person: PER           # an entity label of the scheme: the span is a mention
      Telefonat: {event: CONSULT, mode: phone}   # a PLOVER category: the span is an event trigger
      Zeitangabe: span      # a plain span, usable as an event argument (not a mention)
      Haltung: stance       # the span is a stance's evidence (attributes give polarity etc.)
      Ablehnung: {stance: AGAINST}   # a stance of that polarity (its slots/links: holder, about)
      Token: ignore         # dropped
    roles:                  # event argument roles (brat E arguments, UIMA/TSV slot roles)
      Giver-Arg: ACTOR      # a trailing number (Org-Arg2) is dropped when only the stem is mapped
    relations:              # relation labels
      agent: ACTOR          # an argument role: the relation goes from the event trigger to the argument
      Alias: coref          # the two mentions are the same entity (one entity_id)
      Same-event: event-coref   # the two event triggers denote the same event (one cluster_id)
      holder: holder        # from a stance span to its holder mention
      about: stance-event   # from a stance span to the event it is about
      Family: ignore
    attributes:             # attribute / feature names onto a column, values optionally mapped
      Mention: {column: mention_type, values: {Name: NAM, Nominal: NOM}}
      Confidence: ignore    # a trailing number (context2) is dropped when only the stem is mapped
    defaults:               # values for required columns the tool does not provide
      mention_type: NAM
      realis: ACTUAL

Names that are already the scheme's map to themselves, with or without a mapping file: an
entity label or PLOVER category, a role, a relation kind, an attribute named like a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from peacetalks.errors import shown
from peacetalks.interchange._input import check_shape, load_yaml
from peacetalks.interchange._problems import fail, fail_on, problem
from peacetalks.interchange.document import ToolDocument, ToolEvent, ToolRelation, ToolSpan
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.validation.report import Issue

MENTION_COLUMNS = ("form", "mention_type", "entity_id")
EVENT_COLUMNS = ("mode", "context", "realis", "modality", "cluster_id")
STANCE_COLUMNS = ("target_id", "polarity", "attribution")
COLUMNS = MENTION_COLUMNS + EVENT_COLUMNS + STANCE_COLUMNS
RELATION_KINDS = ("coref", "event-coref", "holder", "stance-event", "ignore")
SPAN_KINDS = ("span", "stance", "ignore")

Scalar = str | int | float | bool


class _Sections(TypedDict, total=False):
    """The shape of a mapping file: each section maps names onto a name or a small mapping."""

    labels: dict[Scalar, str | dict[str, Scalar]] | None
    roles: dict[Scalar, str] | None
    relations: dict[Scalar, str] | None
    attributes: dict[Scalar, str | dict[str, str | dict[Scalar, Scalar]]] | None
    defaults: dict[str, Scalar] | None


_SECTIONS = TypeAdapter(_Sections)

_NUMBERED = re.compile(r"^(?P<stem>.*?[^0-9])[0-9]+$")


@dataclass(frozen=True)
class LabelTarget:
    """What a span label becomes: ``kind`` is entity, event, span, stance or ignore."""

    kind: str
    value: str | None = None
    fixed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AttributeTarget:
    column: str | None  # None: ignored
    values: tuple[tuple[str, str], ...] | None = None

    def value(self, raw: str | bool) -> str | None:
        key = str(raw).lower() if isinstance(raw, bool) else raw
        if self.values is None:
            return key
        return dict(self.values).get(key)

    def values_of(self, raw: str | bool) -> list[tuple[str | bool, str | None]]:
        """Each part of ``raw`` with its scheme value (None: not in ``values``).

        Several context codes travel as one comma-separated value (a brat attribute, or a Label
        Studio choice, holds one): they are split and mapped one by one.
        """
        parts = [p for p in raw.split(",") if p] if self.column == "context" and isinstance(raw, str) else [raw]
        return [(part, self.value(part)) for part in parts]


@dataclass
class Mapping:
    """A parsed mapping file (or the identity mapping when ``source`` is None)."""

    labels: dict[str, LabelTarget] = field(default_factory=dict)
    roles: dict[str, str | None] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, AttributeTarget] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=lambda: dict(load_scheme().import_defaults))
    source: str | None = None

    def label(self, name: str) -> LabelTarget | None:
        if name in self.labels:
            return self.labels[name]
        return _identity_label(name, load_scheme())

    def is_stance(self, name: str) -> bool:
        """Whether label ``name`` maps to a stance (whose slots, if any, are its holder and about links)."""
        target = self.label(name)
        return target is not None and target.kind == "stance"

    def role(self, name: str) -> str | None:
        """The scheme role of a tool role; raises KeyError when unmapped. None means ignored."""
        for key in (name, _stem(name)):
            if key in self.roles:
                return self.roles[key]
        if _stem(name) in load_scheme().argument_roles:
            return _stem(name)
        raise KeyError(name)

    def relation(self, name: str) -> str | None:
        """A role or a relation kind; None when unmapped."""
        if name in self.relations:
            return self.relations[name]
        if name in load_scheme().argument_roles or name in RELATION_KINDS:
            return name
        return None

    def attribute(self, name: str) -> AttributeTarget | None:
        """The column of a tool attribute; a trailing number (context2) is dropped when only the stem maps."""
        for key in dict.fromkeys((name, _stem(name))):
            if key in self.attributes:
                return self.attributes[key]
            if key in COLUMNS:
                return AttributeTarget(key)
        return None


def _stem(name: str) -> str:
    m = _NUMBERED.match(name)
    return m["stem"] if m else name


def _identity_label(name: str, scheme: Scheme) -> LabelTarget | None:
    if name in scheme.entity_labels:
        return LabelTarget("entity", name)
    if name in scheme.category_names:
        return LabelTarget("event", name)
    return None


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file; None gives the identity mapping. Raises ImportFailed on a bad file."""
    if path is None:
        return Mapping()
    file = str(path)
    if not path.is_file():
        fail([problem("mapping-unreadable", file, None, "no such file")], "the mapping file")
    raw = load_yaml(path, code="mapping-unreadable")
    return parse_mapping(raw if raw is not None else {}, file)


def parse_mapping(raw: Any, file: str = "<mapping>") -> Mapping:
    """Check a mapping's structure and names against the scheme; raise ImportFailed listing every problem."""
    scheme = load_scheme()
    issues: list[Issue] = []
    mapping = Mapping(source=file)

    def bad(section: str, name: str, message: str) -> None:
        issues.append(
            problem(
                "mapping-invalid",
                file,
                None,
                f"{section}.{shown(name, quote=False)}: {message}".lstrip("."),
                record_id=name,
            )
        )

    if not isinstance(raw, dict):
        fail([problem("mapping-invalid", file, None, "expected a mapping with labels, roles, ... sections")])
    unknown = {str(k) for k in raw} - {"labels", "roles", "relations", "attributes", "defaults"}
    for name in sorted(unknown):
        bad("", name, "unknown section (expected labels, roles, relations, attributes, defaults)")
    fail_on(check_shape(_SECTIONS, raw, file=file, line=None, code="mapping-invalid") + issues, "the mapping file")
    for name, value in (raw.get("labels") or {}).items():
        target = _parse_label(value, scheme)
        if isinstance(target, str):
            bad("labels", str(name), target)
        else:
            mapping.labels[str(name)] = target
    for name, value in (raw.get("roles") or {}).items():
        if value == "ignore":
            mapping.roles[str(name)] = None
        elif value in scheme.argument_roles:
            mapping.roles[str(name)] = value
        else:
            bad(
                "roles",
                str(name),
                f"{shown(value)} is not a role of the scheme ({', '.join(scheme.argument_roles)}) or ignore",
            )
    for name, value in (raw.get("relations") or {}).items():
        if value in scheme.argument_roles or value in RELATION_KINDS:
            mapping.relations[str(name)] = value
        else:
            bad("relations", str(name), f"{shown(value)} is not a role or one of {', '.join(RELATION_KINDS)}")
    for name, value in (raw.get("attributes") or {}).items():
        attr = _parse_attribute(value)
        if isinstance(attr, str):
            bad("attributes", str(name), attr)
        else:
            mapping.attributes[str(name)] = attr
    for name, value in (raw.get("defaults") or {}).items():
        if name not in COLUMNS:
            bad("defaults", str(name), f"not a column that takes a default ({', '.join(COLUMNS)})")
        else:
            mapping.defaults[str(name)] = str(value)
    fail_on(issues, "the mapping file")
    return mapping


def _parse_label(value: Any, scheme: Scheme) -> LabelTarget | str:
    if isinstance(value, str):
        if value in SPAN_KINDS:
            return LabelTarget(value)
        target = _identity_label(value, scheme)
        return target or f"{shown(value)} is not an entity label, a PLOVER category, span, stance or ignore"
    if isinstance(value, dict):
        kinds = [k for k in ("entity", "event", "stance") if k in value]
        if len(kinds) != 1:
            return "a mapping needs exactly one of 'entity:', 'event:' or 'stance:'"
        kind = kinds[0]
        label = str(value[kind])
        allowed, what, columns = {
            "entity": (scheme.entity_labels, "entity label", MENTION_COLUMNS),
            "event": (scheme.category_names, "category", EVENT_COLUMNS),
            "stance": (scheme.stance_polarities, "stance polarity", STANCE_COLUMNS),
        }[kind]
        if label not in allowed:
            return f"{shown(label)} is not a scheme {what}"
        fixed = {k: str(v) for k, v in value.items() if k != kind}
        wrong = sorted(set(fixed) - set(columns))
        if wrong:
            return f"{', '.join(wrong)} cannot be set on a {kind} (allowed: {', '.join(columns)})"
        if kind == "stance":  # a stance's class is its polarity: {stance: FAVOR} is a stance with polarity FAVOR
            return LabelTarget(kind, None, tuple(sorted({**fixed, "polarity": label}.items())))
        return LabelTarget(kind, label, tuple(sorted(fixed.items())))
    return "expected a scheme label, a PLOVER category, span, stance, ignore or {entity:|event:|stance: ...}"


def _parse_attribute(value: Any) -> AttributeTarget | str:
    if value == "ignore":
        return AttributeTarget(None)
    if isinstance(value, str):
        value = {"column": value}
    if not isinstance(value, dict) or value.get("column") not in COLUMNS:
        return (
            f"expected ignore, a column name or {{column: ..., values: {{...}}}} with a column of {', '.join(COLUMNS)}"
        )
    values = value.get("values")
    if values is not None and not isinstance(values, dict):
        return "values must map tool values onto scheme values"
    pairs = (
        None
        if values is None
        else tuple((str(k).lower() if isinstance(k, bool) else str(k), str(v)) for k, v in values.items())
    )
    return AttributeTarget(str(value["column"]), pairs)


def _names_missing(doc: ToolDocument, mapping: Mapping) -> Iterator[tuple[str, str, int | None, str, str]]:
    """(kind, name, line, item id, id on that line) of every name in ``doc`` the mapping does not cover, in order.

    The line and its id are the item's, or those of the attribute's own line (brat ``A``).
    """
    for span in doc.spans:
        if mapping.label(span.label) is None:
            yield "label", span.label, span.line, span.id, span.id
    for ev in doc.events:
        if mapping.label(ev.label) is None:
            yield "label", ev.label, ev.line, ev.id, ev.id
        for role, _ in ev.arguments:
            if mapping.is_stance(ev.label):  # the slots of a stance are its links: holder, about
                if mapping.relation(role) is None:
                    yield "relation", role, ev.line, ev.id, ev.id
                continue
            try:
                mapping.role(role)
            except KeyError:
                yield "role", _stem(role), ev.line, ev.id, ev.id
    for rel in doc.relations:
        if mapping.relation(rel.label) is None:
            yield "relation", rel.label, rel.line, rel.id, rel.id
    items: list[ToolSpan | ToolEvent | ToolRelation] = [*doc.spans, *doc.events, *doc.relations]
    for item in items:
        for name, raw in item.attributes.items():
            attr = mapping.attribute(name)
            line, line_id = doc.attribute_lines.get((item.id, name), (item.line, item.id))
            if attr is None:
                yield "attribute", name, line, item.id, line_id
            elif attr.column is not None:
                yield from (
                    ("attribute value", f"{name}={part}", line, item.id, line_id)
                    for part, v in attr.values_of(raw)
                    if v is None
                )


def unmapped_ids(doc: ToolDocument, mapping: Mapping, kinds: tuple[str, ...]) -> set[str]:
    """The ids of the annotations of ``doc`` that use a name of one of ``kinds`` the mapping does not cover.

    ``kinds``: label, role, relation, attribute, attribute value.
    """
    return {item_id for kind, _, _, item_id, _ in _names_missing(doc, mapping) if kind in kinds}


def unmapped_names(docs: list[ToolDocument], mapping: Mapping) -> list[Issue]:
    """One ``unmapped-name`` issue per tool name that the mapping does not cover, at its first use.

    The issue's row is the line of the first annotation using the name (of its attribute line, in
    brat), its record id the id on that line, its column the kind of name (label, role, relation, attribute, attribute
    value) and its value the name; the message says how many annotations use it.
    """
    first: dict[tuple[str, str], tuple[str, int | None, str]] = {}
    uses: dict[tuple[str, str], int] = {}
    for doc in docs:
        for kind, name, line, _, line_id in _names_missing(doc, mapping):
            first.setdefault((kind, name), (doc.source, line, line_id))
            uses[(kind, name)] = uses.get((kind, name), 0) + 1
    issues = []
    for (kind, name), (source, line, item_id) in first.items():
        n = uses[(kind, name)]
        used = "" if n == 1 else f" (used {n} times, first here)"
        where = "to the attribute's values under 'attributes:'" if kind == "attribute value" else f"under '{kind}s:'"
        issues.append(
            problem(
                "unmapped-name",
                source,
                line,
                f"{kind} {shown(name)} is not in the mapping ({mapping.source or 'identity mapping'}){used}; "
                f"add it {where} (or map it to ignore)",
                record_id=item_id,
                value=name,
                column=kind,
            )
        )
    return issues
