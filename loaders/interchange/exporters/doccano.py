"""doccano JSONL for a sequence-labelling project with relations: one record per article.

Each line is ``{"doc_id", "text", "entities": [{id, start_offset, end_offset, label}],
"relations": [{id, from_id, to_id, type}]}``, the form doccano imports and exports for such a
project (``doc_id`` is kept by doccano as metadata and names the article when the file comes
back). ``<OUT stem>.mapping.yaml`` reads it back (``peacetalks import doccano OUT --mapping ...``).

doccano has labels and relations, no attributes, so what it carries is:

* a mention: a span whose label holds its entity label, form and mention type, as the tag sets
  spell them: ``PER`` (a name), ``PER-DERIV``, ``PER-PART``, ``PER-NOM``, ``PER-PRO`` (the mapping
  lists every one); mentions of one entity are linked by ``coref`` relations from the first to
  each other, so the import keeps which mentions are one entity, not the entity's id (it names
  the entity after its first mention);
* an event: a span labelled with its category over the trigger, and one relation per argument
  from the trigger to the argument (its mention, or a span labelled ``Argument``), typed with
  the role. Mode, realis, modality and context are not carried (the import takes the defaults);
  events of one cluster (``cluster_id``) are linked by ``event-coref`` relations from the first
  trigger to each other, so the import keeps which events are one, not the cluster's id (it numbers
  them ``cluster-1``, ``cluster-2``, ...);
* stances (holder, target, polarity, attribution: four values on one span) and annotator notes
  are not carried.

What is not carried is said as one warning per kind with how many items lose it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from peacetalks.interchange.document import Document, Mention
from peacetalks.interchange.exporters.common import ExportResult, counts, not_carried, note_count
from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.parquet import write_text_atomic

ARGUMENT_LABEL = "Argument"
COREF = "coref"
EVENT_COREF = "event-coref"


def mention_label(m: Mention) -> str:
    """The doccano label of a mention: its label, and its form or its mention type unless it is a plain name."""
    scheme = load_scheme()
    if m.mention_type == scheme.name_mention_type and m.form is not None:
        return m.label if m.form == scheme.plain_name_form else f"{m.label}-{m.form}"
    return f"{m.label}-{m.mention_type}" if m.form is None else f"{m.label}-{m.form}-{m.mention_type}"


def _mention_target(m: Mention) -> dict[str, str]:
    return {"entity": m.label, **({"form": m.form} if m.form else {}), "mention_type": m.mention_type}


def doccano_mapping(documents: Sequence[Document] = ()) -> dict[str, Any]:
    """The mapping that reads these records back: every mention label, category, role and coref.

    Every label of the scheme's mentions is in it, and any other combination ``documents`` use
    (a name without a form, which validation flags, still comes back as it was).
    """
    scheme = load_scheme()
    name = scheme.name_mention_type
    labels: dict[str, Any] = {}
    for label in scheme.entity_labels:
        for form in scheme.entity_forms:
            mention = Mention("", 0, 0, "", label, form, name, "")
            labels[mention_label(mention)] = {"entity": label, "form": form, "mention_type": name}
        for mtype in scheme.mention_types:
            if mtype != name:
                labels[f"{label}-{mtype}"] = {"entity": label, "mention_type": mtype}
    for m in (m for d in documents for m in d.mentions):
        labels.setdefault(mention_label(m), _mention_target(m))
    labels |= {category: category for category in scheme.category_names} | {ARGUMENT_LABEL: "span"}
    return {
        "labels": labels,
        "relations": {role: role for role in scheme.argument_roles} | {COREF: "coref", EVENT_COREF: "event-coref"},
    }


def record(doc: Document, skipped: list[str]) -> dict[str, Any]:
    entities: list[dict[str, Any]] = []
    seen: dict[tuple[int, int, str], int] = {}  # doccano keeps a span once: the same span is one id

    def span(start: int, end: int, label: str) -> int:
        if (start, end, label) not in seen:
            entities.append({"id": len(entities) + 1, "start_offset": start, "end_offset": end, "label": label})
            seen[(start, end, label)] = len(entities)
        return seen[(start, end, label)]

    relations: list[dict[str, Any]] = []

    def relation(source: int, target: int, kind: str) -> None:
        relations.append({"id": len(relations) + 1, "from_id": source, "to_id": target, "type": kind})

    mentions: dict[str, int] = {}
    first: dict[str, int] = {}  # entity_id -> the span of its first mention
    for m in sorted(doc.mentions, key=lambda m: (m.start, m.end, m.mention_id)):
        if m.mention_id in mentions:
            continue
        mentions[m.mention_id] = span(m.start, m.end, mention_label(m))
        if m.entity_id in first:
            relation(first[m.entity_id], mentions[m.mention_id], COREF)
        else:
            first[m.entity_id] = mentions[m.mention_id]
    triggers = {e.event_id: span(e.trigger_start, e.trigger_end, e.category) for e in doc.events}
    first_trigger: dict[str, int] = {}  # cluster_id -> the span of its first trigger
    for e in sorted(doc.events, key=lambda e: (e.trigger_start, e.trigger_end, e.event_id)):
        if e.cluster_id is None:
            continue
        head = first_trigger.setdefault(e.cluster_id, triggers[e.event_id])
        if head != triggers[e.event_id]:
            relation(head, triggers[e.event_id], EVENT_COREF)
    for a in doc.arguments:
        target = mentions.get(a.mention_id) if a.mention_id is not None else None
        if target is None and a.start is not None and a.end is not None:
            target = span(a.start, a.end, ARGUMENT_LABEL)
        if target is None or a.event_id not in triggers:
            skipped.append(f"{doc.doc_id}: argument {a.argument_id} has no event or target to link")
            continue
        relation(triggers[a.event_id], target, a.role)
    return {"doc_id": doc.doc_id, "text": doc.text, "entities": entities, "relations": relations}


def losses(documents: list[Document]) -> dict[str, int]:
    """What the records cannot hold, counted: event attributes other than the defaults, stances, entity and
    event cluster ids, notes."""
    scheme = load_scheme()
    realis = scheme.import_defaults.get("realis")
    events = [e for d in documents for e in d.events]
    return {
        "entity ids (kept as groups of coreferent mentions)": len(
            {(d.doc_id, m.entity_id) for d in documents for m in d.mentions}
        ),
        "event modes": sum(e.mode is not None for e in events),
        "event realis other than the default": sum(e.realis != realis for e in events),
        "event modalities": sum(e.modality is not None for e in events),
        "event contexts": sum(bool(e.context) for e in events),
        "event cluster ids (kept as groups of coreferent events)": len(
            {(d.doc_id, e.cluster_id) for d in documents for e in d.events if e.cluster_id is not None}
        ),
        "stances": sum(len(d.stances) for d in documents),
        "annotator notes": note_count(documents),
    }


def export_doccano(documents: list[Document], out: Path) -> ExportResult:
    skipped: list[str] = []
    lines = [json.dumps(record(d, skipped), ensure_ascii=False) + "\n" for d in documents]
    write_text_atomic(out, "".join(lines))
    mapping = out.with_name(f"{out.stem}.mapping.yaml")
    text = yaml.safe_dump(doccano_mapping(documents), sort_keys=False, allow_unicode=True)
    write_text_atomic(mapping, "# Maps this doccano export back onto the PeaceTalks-DE scheme.\n" + text)
    warnings = not_carried("doccano", losses(documents))
    return ExportResult("doccano", out, [out, mapping], len(documents), counts(documents), skipped, warnings)
