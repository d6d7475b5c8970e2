"""Label Studio tasks with predictions: send articles back to annotators for review.

``OUT`` is a JSON list of tasks, one per article: ``data`` holds ``text`` and ``doc_id``, and
the layer's annotations are one prediction (``model_version`` = ``peacetalks-<layer>``), which
Label Studio shows pre-filled. Beside it, ``<OUT stem>.label_config.xml`` is the labelling
interface to create the project with. Regions and their names (``from_name``):

* ``entity``: a mention, labelled with its entity label; per-region ``form`` and
  ``mention_type`` choices and an ``entity_id`` text area;
* ``event``: an event trigger labelled with its category; per-region ``mode``, ``realis``,
  ``modality`` and ``context`` (multiple) choices and a ``cluster_id`` text area (the event it
  denotes, as ``entity_id`` is for mentions); each argument is a relation from the trigger
  to the argument's region (an ``entity`` region, or a ``span`` region labelled ``Argument``),
  labelled with its role;
* ``span`` labelled ``Stance``: a stance's evidence with ``target_id``, ``polarity`` and
  ``attribution`` choices, a ``holder`` relation to its holder's region and an ``about``
  relation to its event's trigger.

A machine layer (``peacetalks suggest``) is written as the predictions of its suggester: ``model_version``
is the suggester and its version (``peacetalks-lexicon-1.0.0``), each mention and trigger region carries
its ``score`` (the suggestion's precision on gold) and the prediction the mean of them, which Label
Studio's data manager sorts tasks by. Offsets are code points, as Label Studio uses since 2022.
Annotator notes are not exported (a warning says how many). ``<OUT stem>.mapping.yaml`` maps the
reviewed export back (``peacetalks import label-studio EXPORT --mapping ...``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.brat import brat_mapping
from peacetalks.interchange.exporters.common import ExportResult, counts, not_carried, note_count
from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.parquet import write_text_atomic

ARGUMENT_LABEL = "Argument"
STANCE_LABEL = "Stance"


def label_config() -> str:
    """The Label Studio labelling interface (XML) matching the exported tasks."""
    scheme = load_scheme()
    view = ET.Element("View")

    def labels(name: str, values: tuple[str, ...] | list[str]) -> None:
        tag = ET.SubElement(view, "Labels", name=name, toName="text")
        for v in values:
            ET.SubElement(tag, "Label", value=v)

    labels("entity", scheme.entity_labels)
    labels("event", scheme.category_names)
    labels("span", [ARGUMENT_LABEL, STANCE_LABEL])
    ET.SubElement(view, "Text", name="text", value="$text")
    relations = ET.SubElement(view, "Relations")
    for value in (*scheme.argument_roles, "holder", "about"):
        ET.SubElement(relations, "Relation", value=value)

    def choices(name: str, values: tuple[str, ...], when: dict[str, str], multiple: bool = False) -> None:
        attrib = {
            "name": name,
            "toName": "text",
            "perRegion": "true",
            "choice": "multiple" if multiple else "single",
        }
        tag = ET.SubElement(view, "Choices", attrib | when)
        for v in values:
            ET.SubElement(tag, "Choice", value=v)

    entity = {"whenTagName": "entity"}
    event = {"whenTagName": "event"}
    stance = {"whenTagName": "span", "whenLabelValue": STANCE_LABEL}
    choices("form", scheme.entity_forms, entity)
    choices("mention_type", scheme.mention_types, entity)
    ET.SubElement(view, "TextArea", name="entity_id", toName="text", perRegion="true", whenTagName="entity")
    choices("mode", scheme.all_modes, event)
    choices("realis", scheme.realis, event)
    choices("modality", scheme.modalities, event)
    choices("context", scheme.event_contexts, event, multiple=True)
    ET.SubElement(view, "TextArea", name="cluster_id", toName="text", perRegion="true", whenTagName="event")
    choices("target_id", scheme.target_ids, stance)
    choices("polarity", scheme.stance_polarities, stance)
    choices("attribution", scheme.stance_attributions, stance)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


@dataclass(frozen=True)
class Predictions:
    """The suggester of a machine layer and the score of each suggestion: (doc_id, kind, item_id) -> score."""

    model_version: str
    scores: Mapping[tuple[str, str, str], float]


class _Results:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[dict[str, Any]] = []
        self.scores: list[float] = []

    def region(self, rid: str, name: str, label: str, start: int, end: int, score: float | None = None) -> None:
        value = {"start": start, "end": end, "text": self.text[start:end], "labels": [label]}
        item: dict[str, Any] = {"id": rid, "from_name": name, "to_name": "text", "type": "labels", "value": value}
        if score is not None:
            item["score"] = score
            self.scores.append(score)
        self.items.append(item)

    def per_region(self, rid: str, name: str, kind: str, values: list[str], start: int, end: int) -> None:
        if not values:
            return
        key = "choices" if kind == "choices" else "text"
        value = {"start": start, "end": end, key: values}
        self.items.append({"id": rid, "from_name": name, "to_name": "text", "type": kind, "value": value})

    def relation(self, source: str, target: str, label: str) -> None:
        self.items.append(
            {"from_id": source, "to_id": target, "type": "relation", "direction": "right", "labels": [label]}
        )


def task(
    doc: Document, model_version: str, skipped: list[str], scores: Mapping[tuple[str, str, str], float] | None = None
) -> dict[str, Any]:
    res = _Results(doc.text)
    known = scores or {}
    mention_region: dict[str, str] = {}
    for m in doc.mentions:
        rid = f"ent_{m.mention_id}"
        mention_region.setdefault(m.mention_id, rid)
        res.region(rid, "entity", m.label, m.start, m.end, known.get((doc.doc_id, "entities", m.mention_id)))
        res.per_region(rid, "form", "choices", [m.form] if m.form else [], m.start, m.end)
        res.per_region(rid, "mention_type", "choices", [m.mention_type], m.start, m.end)
        res.per_region(rid, "entity_id", "textarea", [m.entity_id], m.start, m.end)
    trigger_region: dict[str, str] = {}
    for e in doc.events:
        rid = f"evt_{e.event_id}"
        trigger_region[e.event_id] = rid
        res.region(
            rid, "event", e.category, e.trigger_start, e.trigger_end, known.get((doc.doc_id, "events", e.event_id))
        )
        for name, values in (
            ("mode", [e.mode] if e.mode else []),
            ("realis", [e.realis]),
            ("modality", [e.modality] if e.modality else []),
            ("context", list(e.context or [])),
        ):
            res.per_region(rid, name, "choices", values, e.trigger_start, e.trigger_end)
        cluster = [e.cluster_id] if e.cluster_id else []
        res.per_region(rid, "cluster_id", "textarea", cluster, e.trigger_start, e.trigger_end)
    for a in doc.arguments:
        source = trigger_region.get(a.event_id)
        if a.mention_id is not None:
            target = mention_region.get(a.mention_id)
        elif a.start is not None and a.end is not None:
            target = f"arg_{a.argument_id}"
            res.region(target, "span", ARGUMENT_LABEL, a.start, a.end)
        else:
            target = None
        if source is None or target is None:
            skipped.append(f"{doc.doc_id}: argument {a.argument_id} has no event or target region")
            continue
        res.relation(source, target, a.role)
    for s in doc.stances:
        rid = f"stn_{s.stance_id}"
        res.region(rid, "span", STANCE_LABEL, s.evidence_start, s.evidence_end)
        for name, value in (("target_id", s.target_id), ("polarity", s.polarity), ("attribution", s.attribution)):
            res.per_region(rid, name, "choices", [value], s.evidence_start, s.evidence_end)
        holder = mention_region.get(s.holder_mention_id)
        if holder is None:
            skipped.append(f"{doc.doc_id}: stance {s.stance_id} names unknown holder {s.holder_mention_id}")
        else:
            res.relation(rid, holder, "holder")
        if s.event_id is not None and s.event_id in trigger_region:
            res.relation(rid, trigger_region[s.event_id], "about")
    prediction: dict[str, Any] = {"model_version": model_version, "result": res.items}
    if scores is not None:
        prediction["score"] = sum(res.scores) / len(res.scores) if res.scores else 0.0
    return {"data": {"text": doc.text, "doc_id": doc.doc_id}, "predictions": [prediction]}


def labelstudio_mapping() -> dict[str, Any]:
    """The mapping that reads a Label Studio export of these tasks back onto the scheme."""
    mapping = brat_mapping()
    mapping["labels"] |= {ARGUMENT_LABEL: "span", STANCE_LABEL: "stance"}
    mapping["relations"] = {role: role for role in mapping["roles"]} | {"holder": "holder", "about": "stance-event"}
    return mapping


def export_labelstudio(
    documents: list[Document], out: Path, *, layer: str = "gold", predictions: Predictions | None = None
) -> ExportResult:
    """Tasks, label config and mapping; ``predictions`` (a machine layer's) names the model and scores the regions."""
    skipped: list[str] = []
    if predictions is None:
        tasks = [task(d, f"peacetalks-{layer}", skipped) for d in documents]
    else:
        tasks = [task(d, predictions.model_version, skipped, predictions.scores) for d in documents]
    write_text_atomic(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    config = out.with_name(f"{out.stem}.label_config.xml")
    write_text_atomic(config, label_config())
    mapping = out.with_name(f"{out.stem}.mapping.yaml")
    write_text_atomic(mapping, yaml.safe_dump(labelstudio_mapping(), sort_keys=False, allow_unicode=True))
    warnings = not_carried("label-studio", {"annotator notes": note_count(documents)})
    files = [out, config, mapping]
    return ExportResult("label-studio", out, files, len(documents), counts(documents), skipped, warnings)
