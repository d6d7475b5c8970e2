"""Turn a :class:`ToolDocument` into a scheme :class:`Document` through a :class:`Mapping`.

Rules (documented in the README's import section):

* A span whose label maps to an entity label becomes a mention; to a category, an event
  trigger; ``span``, a plain span (usable as an argument); ``stance``, a stance's evidence.
* Discontinuous spans: the scheme holds contiguous spans only. A discontinuous span whose gaps
  are whitespace only (a line break, a double space) becomes the span from its first start to
  its last end; any other discontinuous span is a ``discontinuous-span`` error naming it.
* brat E lines (and slot features) give events with role-labelled arguments; a span mapped to
  a category that no event uses as its trigger is an event without arguments. An argument
  that is a mention refers to it by ``mention_id``; any other argument (a plain span, an
  event's trigger) is stored as a span. Relations mapped to a role run from an event's trigger
  to the argument.
* ``coref`` relations (brat ``*`` equivalences) give their mentions one ``entity_id`` (the
  smallest mention id of the group); otherwise ``entity_id`` comes from an attribute mapped to
  it, or is the mention's own id.
* ``event-coref`` relations between two event triggers (doccano's export of event clusters) put
  their events into one cluster: in a document that has such relations, each group of events and
  each other event without a ``cluster_id`` attribute gets a cluster ``cluster-1``, ``cluster-2``,
  ... in the order of their first trigger; a document without them keeps the attributes' clusters.
* Required columns missing from the tool come from the mapping's ``defaults`` (built in:
  ``mention_type: NAM``, ``realis: ACTUAL``); a stance without a holder is an error.
* A stance span with slots (UIMA link features, WebAnno TSV slot columns) reads them as its
  links: each slot's role is a relation name (``holder``, ``about`` -> stance-event).
* Notes (brat ``AnnotatorNotes``) become :class:`Note` rows on the item their annotation became
  (a mention, an event, from its ``E`` or its trigger, an argument's span, a stance, from its
  span or its holder/about relation); a note on something the import does not keep is dropped and
  listed in ``dropped``.
* One root cause, one issue: an annotation the parser could not read (``ToolDocument.broken``),
  one whose label or relation the mapping lacks (reported as ``unmapped-name``) and a
  discontinuous span are not converted, and a problem that follows from that (a holder link to it
  that is not a mention, a stance that has no holder because of it, a stance lacking the column an
  unmapped attribute would give) is not reported again.

``shift`` converts the tool's offsets onto the article text (see :mod:`.matching`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from peacetalks.errors import shown
from peacetalks.interchange._problems import problem
from peacetalks.interchange.document import (
    Argument,
    AttrValue,
    Document,
    Event,
    Mention,
    Note,
    Stance,
    ToolDocument,
    ToolEvent,
    ToolRelation,
    ToolSpan,
)
from peacetalks.interchange.mapping import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    STANCE_COLUMNS,
    LabelTarget,
    Mapping,
    unmapped_ids,
)
from peacetalks.validation.report import Issue


def _same(i: int) -> int:
    return i


@dataclass
class _Ctx:
    tool: ToolDocument
    mapping: Mapping
    text: str
    shift: Callable[[int], int]
    issues: list[Issue]
    events: list[ToolEvent] = field(default_factory=list)  # the tool's events, stance slot hosts left out
    relations: list[ToolRelation] = field(default_factory=list)  # the tool's relations and the stances' slots
    items: dict[str, tuple[str, str]] = field(default_factory=dict)  # tool id -> (table, id) of what it became
    reported: set[str] = field(default_factory=set)  # tool ids reported as not read, not mapped or not converted
    unset: set[str] = field(default_factory=set)  # tool ids with an unmapped attribute: columns may lack a value

    def issue(
        self, code: str, line: int | None, message: str, record_id: str | None = None, about: tuple[str, ...] = ()
    ) -> None:
        """Report a problem, unless it follows from one reported already (on any of the ids in ``about``)."""
        if any(ident in self.reported for ident in about):
            return
        self.issues.append(problem(code, self.tool.source, line, message, record_id=record_id, doc_id=self.tool.doc_id))

    def span_range(self, span: ToolSpan) -> tuple[int, int] | None:
        frags = sorted(span.fragments)
        for (_, e1), (s2, _) in itertools.pairwise(frags):
            if self.tool.text[e1:s2].strip():
                self.issue(
                    "discontinuous-span",
                    span.line,
                    f"{span.id} has fragments {';'.join(f'{s} {e}' for s, e in frags)} separated by "
                    f"{shown(self.tool.text[e1:s2])}; the scheme holds contiguous spans only: split it into "
                    "separate annotations or join the fragments",
                    span.id,
                )
                self.reported.add(span.id)
                return None
        return self.shift(span.start), self.shift(span.end)

    def columns(
        self, attrs: dict[str, AttrValue], allowed: tuple[str, ...], item_id: str, line: int | None
    ) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for name, raw in attrs.items():
            target = self.mapping.attribute(name)
            if target is None or target.column is None:
                continue
            if target.column not in allowed:
                self.issue(
                    "attribute-not-applicable",
                    line,
                    f"{item_id}: attribute {name} maps to {target.column}, which {item_id}'s kind does not have",
                    item_id,
                )
                continue
            # Values missing from the mapping were reported before conversion (unmapped-name).
            values = [value for _, value in target.values_of(raw) if value is not None]
            if target.column == "context":
                current = out.setdefault("context", [])
                if isinstance(current, list):
                    current.extend(code for value in values for code in value.split(",") if code)
            elif values:
                out[target.column] = values[0]
        return out


def _str(cols: dict[str, str | list[str]], name: str, default: str | None) -> str | None:
    value = cols.get(name, default)
    return value if isinstance(value, str) or value is None else ",".join(value)


def to_document(
    tool: ToolDocument,
    mapping: Mapping,
    *,
    doc_id: str,
    text: str,
    shift: Callable[[int], int] = _same,
    dropped: list[str] | None = None,
) -> tuple[Document, list[Issue]]:
    """The scheme document of ``tool`` on article ``doc_id`` (whose text is ``text``).

    A note on an annotation the import does not keep is added to ``dropped`` (when given) as one line.
    Problems that follow from an annotation in ``tool.broken`` or using an unmapped name are left out.
    """
    ctx = _Ctx(
        tool,
        mapping,
        text,
        shift,
        [],
        reported=tool.broken | unmapped_ids(tool, mapping, ("label", "relation")),
        unset=unmapped_ids(tool, mapping, ("attribute", "attribute value")),
    )
    for ev in tool.events:
        if mapping.is_stance(ev.label):
            ctx.relations += [
                ToolRelation(f"{ev.id}:{i}", role, ev.trigger, ref, line=ev.line)
                for i, (role, ref) in enumerate(ev.arguments, start=1)
            ]
        else:
            ctx.events.append(ev)
    ctx.relations += tool.relations
    doc = Document(doc_id=doc_id, text=text)
    spans = {s.id: s for s in tool.spans}
    targets: dict[str, LabelTarget] = {}
    for s in tool.spans:
        target = mapping.label(s.label)
        if target is not None:
            targets[s.id] = target
    mentions = _mentions(ctx, doc, targets)
    trigger_events = _events(ctx, doc, spans, targets, mentions)
    _relations(ctx, doc, spans, targets, mentions, trigger_events)
    _event_clusters(ctx, doc, trigger_events)
    _notes(ctx, doc, dropped if dropped is not None else [])
    return doc, list(dict.fromkeys(ctx.issues))  # a span read twice (a mention and an argument) is one issue


def _notes(ctx: _Ctx, doc: Document, dropped: list[str]) -> None:
    for note in ctx.tool.notes:
        if note.kind != "note":
            continue  # normalisations (brat N lines) are not notes
        item = ctx.items.get(note.target)
        if item is None:
            where = f"{ctx.tool.source}:{note.line}" if note.line is not None else ctx.tool.source
            dropped.append(f"{where}: note {note.id} dropped: {note.target} is not imported as an annotation")
            continue
        doc.notes.append(Note(note.id, item[0], item[1], note.value))


def _mentions(ctx: _Ctx, doc: Document, targets: dict[str, LabelTarget]) -> dict[str, Mention]:
    out: dict[str, Mention] = {}
    groups = _coref_groups(ctx, targets)
    for span in ctx.tool.spans:
        target = targets.get(span.id)
        if target is None or target.kind != "entity" or target.value is None:
            continue
        rng = ctx.span_range(span)
        if rng is None:
            continue
        cols = dict(target.fixed) | ctx.columns(span.attributes, MENTION_COLUMNS, span.id, span.line)
        mention = Mention(
            mention_id=span.id,
            start=rng[0],
            end=rng[1],
            text=ctx.text[rng[0] : rng[1]],
            label=target.value,
            form=_str(cols, "form", ctx.mapping.defaults.get("form")),
            mention_type=_str(cols, "mention_type", ctx.mapping.defaults.get("mention_type")) or "",
            entity_id=_str(cols, "entity_id", groups.get(span.id, span.id)) or span.id,
        )
        out[span.id] = mention
        ctx.items.setdefault(span.id, ("entities", span.id))
        doc.mentions.append(mention)
    return out


class _Groups:
    """Items joined by links into groups (union-find): the group of an item is named by its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent.setdefault(x, x) != x:
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _coref_groups(ctx: _Ctx, targets: dict[str, LabelTarget]) -> dict[str, str]:
    groups = _Groups()
    for rel in ctx.relations:
        if ctx.mapping.relation(rel.label) == "coref":
            groups.join(rel.source, rel.target)
    return {x: groups.find(x) for x in list(groups.parent) if x in targets}


def _event_clusters(ctx: _Ctx, doc: Document, by_trigger: dict[str, str]) -> None:
    """Clusters from ``event-coref`` relations: each group of events, and each other unclustered event, one."""
    groups = _Groups()
    for rel in ctx.relations:
        if ctx.mapping.relation(rel.label) != "event-coref":
            continue
        source, target = by_trigger.get(rel.source), by_trigger.get(rel.target)
        if source is None or target is None:
            ctx.issue(
                "event-coref-not-event",
                rel.line,
                f"{rel.id} ({rel.label} -> event-coref) must join two event triggers; "
                f"{rel.source if source is None else rel.target} is not an event trigger",
                rel.id,
                about=(rel.id, rel.source if source is None else rel.target),
            )
            continue
        groups.join(source, target)
    if not groups.parent:
        return
    names: dict[str, str] = {}
    for event in sorted(doc.events, key=lambda e: (e.trigger_start, e.trigger_end, e.event_id)):
        if event.cluster_id is None:
            event.cluster_id = names.setdefault(groups.find(event.event_id), f"cluster-{len(names) + 1}")


def _event_row(
    ctx: _Ctx, event_id: str, span: ToolSpan, target: LabelTarget, attrs: dict[str, AttrValue], line: int | None
) -> Event | None:
    rng = ctx.span_range(span)
    if rng is None or target.value is None:
        return None
    cols = dict(target.fixed) | ctx.columns(attrs, EVENT_COLUMNS, event_id, line)
    context = cols.get("context", [])
    return Event(
        event_id=event_id,
        trigger_start=rng[0],
        trigger_end=rng[1],
        trigger_text=ctx.text[rng[0] : rng[1]],
        category=target.value,
        mode=_str(cols, "mode", ctx.mapping.defaults.get("mode")),
        context=context.split(",") if isinstance(context, str) else list(context),
        realis=_str(cols, "realis", ctx.mapping.defaults.get("realis")) or "",
        modality=_str(cols, "modality", ctx.mapping.defaults.get("modality")),
        cluster_id=_str(cols, "cluster_id", None),
    )


def _events(
    ctx: _Ctx,
    doc: Document,
    spans: dict[str, ToolSpan],
    targets: dict[str, LabelTarget],
    mentions: dict[str, Mention],
) -> dict[str, str]:
    """Add events and their E-line arguments; return trigger span id -> event id."""
    by_trigger: dict[str, str] = {}
    event_trigger: dict[str, str] = {e.id: e.trigger for e in ctx.events}
    used = set(event_trigger.values())
    for ev in ctx.events:
        target = ctx.mapping.label(ev.label)
        trigger = spans.get(ev.trigger)
        if target is None or target.kind == "ignore" or trigger is None:
            continue
        if target.kind != "event":
            ctx.issue(
                "event-label-not-category",
                ev.line,
                f"event {ev.id} has type {shown(ev.label)}, which maps to {target.kind} "
                f"{target.value or ''}, not a category",
                ev.id,
            )
            continue
        row = _event_row(ctx, ev.id, trigger, target, {**trigger.attributes, **ev.attributes}, ev.line)
        if row is None:
            continue
        doc.events.append(row)
        by_trigger.setdefault(ev.trigger, ev.id)
        ctx.items.setdefault(ev.id, ("events", ev.id))
        ctx.items.setdefault(ev.trigger, ("events", ev.id))
        for role_name, ref in ev.arguments:
            try:
                role = ctx.mapping.role(role_name)
            except KeyError:
                continue  # an unmapped role, reported as unmapped-name
            if role is None:
                continue
            ref_span = spans.get(event_trigger.get(ref, ref))
            if ref_span is None:
                continue
            _add_argument(ctx, doc, ev.id, role, ref_span, mentions)
    for span in ctx.tool.spans:
        target = targets.get(span.id)
        if target is None or target.kind != "event" or span.id in used:
            continue
        row = _event_row(ctx, span.id, span, target, span.attributes, span.line)
        if row is not None:
            doc.events.append(row)
            by_trigger[span.id] = span.id
            ctx.items.setdefault(span.id, ("events", span.id))
    return by_trigger


def _add_argument(
    ctx: _Ctx, doc: Document, event_id: str, role: str, span: ToolSpan, mentions: dict[str, Mention]
) -> str | None:
    """Add the argument; return its id (None: its span could not be read)."""
    n = sum(1 for a in doc.arguments if a.event_id == event_id) + 1
    arg_id = f"{event_id}.{n}"
    mention = mentions.get(span.id)
    if mention is not None:
        doc.arguments.append(Argument(event_id, arg_id, role, mention.mention_id, None, None, None))
        return arg_id
    rng = ctx.span_range(span)
    if rng is None:
        return None
    doc.arguments.append(Argument(event_id, arg_id, role, None, rng[0], rng[1], ctx.text[rng[0] : rng[1]]))
    ctx.items.setdefault(span.id, ("event_arguments", arg_id))
    return arg_id


def _relations(
    ctx: _Ctx,
    doc: Document,
    spans: dict[str, ToolSpan],
    targets: dict[str, LabelTarget],
    mentions: dict[str, Mention],
    by_trigger: dict[str, str],
) -> None:
    holders: dict[str, str] = {}
    stance_events: dict[str, str] = {}
    stance_links: dict[str, list[str]] = {}  # stance span id -> ids of its holder/about relations
    for rel in ctx.relations:
        kind = ctx.mapping.relation(rel.label)
        if kind is None or kind in ("ignore", "coref", "event-coref"):
            continue
        if kind == "holder":
            if rel.target not in mentions:
                message = f"{rel.id}: holder {rel.target} is not a mention"
                ctx.issue("holder-not-mention", rel.line, message, rel.id, about=(rel.id, rel.target))
            else:
                holders[rel.source] = rel.target
                stance_links.setdefault(rel.source, []).append(rel.id)
        elif kind == "stance-event":
            if rel.target not in by_trigger:
                message = f"{rel.id}: {rel.target} is not an event"
                ctx.issue("stance-event-not-event", rel.line, message, rel.id, about=(rel.id, rel.target))
            else:
                stance_events[rel.source] = by_trigger[rel.target]
                stance_links.setdefault(rel.source, []).append(rel.id)
        else:
            event_id = by_trigger.get(rel.source)
            arg = spans.get(rel.target)
            if event_id is None or arg is None:
                ctx.issue(
                    "relation-not-from-event",
                    rel.line,
                    f"{rel.id} ({rel.label} -> role {kind}) must run from an event trigger to its argument; "
                    f"{rel.source} is not an event trigger",
                    rel.id,
                    about=(rel.id, rel.source),  # a missing target is reported on rel.id
                )
                continue
            arg_id = _add_argument(ctx, doc, event_id, kind, arg, mentions)
            if arg_id is not None:
                ctx.items.setdefault(rel.id, ("event_arguments", arg_id))
    for span in ctx.tool.spans:
        target = targets.get(span.id)
        if target is None or target.kind != "stance":
            continue
        rng = ctx.span_range(span)
        if rng is None:
            continue
        cols = dict(target.fixed) | ctx.columns(span.attributes, STANCE_COLUMNS, span.id, span.line)
        values = {c: _str(cols, c, ctx.mapping.defaults.get(c)) for c in STANCE_COLUMNS}
        missing = [c for c, v in values.items() if v is None]
        if span.id not in holders:
            missing.insert(0, "holder")
        if missing:
            _incomplete(ctx, span, missing)
            continue
        doc.stances.append(
            Stance(
                stance_id=span.id,
                holder_mention_id=holders[span.id],
                target_id=values["target_id"] or "",
                polarity=values["polarity"] or "",
                evidence_start=rng[0],
                evidence_end=rng[1],
                evidence_text=ctx.text[rng[0] : rng[1]],
                attribution=values["attribution"] or "",
                event_id=stance_events.get(span.id),
            )
        )
        for ident in (span.id, *stance_links.get(span.id, [])):
            ctx.items.setdefault(ident, ("stances", span.id))


def _incomplete(ctx: _Ctx, span: ToolSpan, missing: list[str]) -> None:
    """``stance-incomplete``, leaving out what follows from a reported problem.

    No holder follows from a reported link of the stance (or a reported mention it names); no
    value of a column, from an unmapped attribute of the stance.
    """
    links = {ident for r in ctx.relations if r.source == span.id for ident in (r.id, r.target)}
    lacking = [c for c in missing if not (links & ctx.reported if c == "holder" else span.id in ctx.unset)]
    if lacking:
        ctx.issue(
            "stance-incomplete",
            span.line,
            f"stance {span.id} has no {', '.join(lacking)} (link a holder mention; map attributes or set defaults)",
            span.id,
        )
