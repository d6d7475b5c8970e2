"""INCEpTION's UIMA CAS formats, written by dkpro-cassis: XMI with its TypeSystem.xml, and CAS JSON.

``OUT`` is a folder: ``<doc_id>.xmi`` per article and ``TypeSystem.xml`` (XMI), or
``<doc_id>.json`` per article with its type system inside (CAS JSON), and ``mapping.yaml``, which
reads them back (``peacetalks import uima-xmi OUT --mapping OUT/mapping.yaml``; a folder imports
every file in it). Every CAS holds the text, DKPro ``DocumentMetaData`` (``documentId`` and
``documentTitle`` are the doc_id), DKPro ``Sentence`` and ``Token`` annotations (see
:mod:`.segments`) and four custom INCEpTION span layers, which a project needs before it can show
them (Settings -> Layers; the features' names and types are in ``TypeSystem.xml``):

* ``webanno.custom.Mention``: ``value`` (the entity label), ``form``, ``mention_type``, ``entity_id``;
* ``webanno.custom.Event`` over the trigger: ``value`` (the category), ``mode``, ``realis``,
  ``modality``, ``cluster_id`` (the event it denotes, a string feature as ``entity_id`` is on
  Mention: INCEpTION's coreference layer chains mentions and would lose the id), ``context``
  (the codes joined by commas: WebAnno TSV has no multi-value features)
  and the slot feature ``arguments`` (links of ``webanno.custom.EventArgumentsLink``: ``role`` and
  ``target``, a Mention or an Argument);
* ``webanno.custom.Argument``: a span argument (no features);
* ``webanno.custom.Stance`` over the evidence: ``value`` (the polarity), ``target_id``,
  ``attribution`` and the slot feature ``links`` (``webanno.custom.StanceLinksLink``): role
  ``holder`` to the holder's Mention and ``about`` to the Event it is about.

Offsets are code points here; dkpro-cassis writes them as UTF-16 code units, as UIMA counts.
Annotator notes have no place in these layers and are not exported (a warning says how many).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, counts, not_carried, note_count
from peacetalks.interchange.exporters.segments import Segments, segments
from peacetalks.schema.names import check_names, child_path
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARTICLES
from peacetalks.storage.parquet import write_text_atomic

DKPRO = "de.tudarmstadt.ukp.dkpro.core.api"
SENTENCE = f"{DKPRO}.segmentation.type.Sentence"
TOKEN = f"{DKPRO}.segmentation.type.Token"
METADATA = f"{DKPRO}.metadata.type.DocumentMetaData"
MENTION = "webanno.custom.Mention"
EVENT = "webanno.custom.Event"
ARGUMENT = "webanno.custom.Argument"
STANCE = "webanno.custom.Stance"
EVENT_LINK = "webanno.custom.EventArgumentsLink"
STANCE_LINK = "webanno.custom.StanceLinksLink"
ANNOTATION = "uima.tcas.Annotation"
STRING = "uima.cas.String"
TYPESYSTEM = "TypeSystem.xml"

# Each custom span layer's primitive features, in the order INCEpTION lists them; "value" is the label.
FEATURES: dict[str, tuple[str, ...]] = {
    ARGUMENT: (),
    EVENT: ("cluster_id", "context", "modality", "mode", "realis", "value"),
    MENTION: ("entity_id", "form", "mention_type", "value"),
    STANCE: ("attribution", "target_id", "value"),
}
# The slot feature of a layer: (feature, link type).
SLOTS: dict[str, tuple[str, str]] = {EVENT: ("arguments", EVENT_LINK), STANCE: ("links", STANCE_LINK)}
HOLDER_ROLE = "holder"
ABOUT_ROLE = "about"


def typesystem() -> Any:
    """The type system of the export: the DKPro types it uses and the four custom layers."""
    import cassis  # imported here: it takes a third of a second, and only these formats need it

    ts = cassis.TypeSystem()
    ts.create_type(SENTENCE, ANNOTATION)
    ts.create_feature(SENTENCE, "id", STRING)
    ts.create_type(TOKEN, ANNOTATION)
    ts.create_feature(TOKEN, "order", "uima.cas.Integer")
    ts.create_type(METADATA, "uima.tcas.DocumentAnnotation")
    for name in ("documentTitle", "documentId", "documentUri", "collectionId", "documentBaseUri"):
        ts.create_feature(METADATA, name, STRING)
    ts.create_feature(METADATA, "isLastSegment", "uima.cas.Boolean")
    for link in (EVENT_LINK, STANCE_LINK):
        ts.create_type(link, "uima.cas.TOP")
        ts.create_feature(link, "role", STRING)
        ts.create_feature(link, "target", ANNOTATION)
    for layer, features in FEATURES.items():
        ts.create_type(layer, ANNOTATION)
        for feature in features:
            ts.create_feature(layer, feature, STRING)
        if layer in SLOTS:
            feature, link = SLOTS[layer]
            ts.create_feature(layer, feature, "uima.cas.FSArray", elementType=link)
    return ts


def build_cas(doc: Document, ts: Any, segs: Segments, skipped: list[str]) -> Any:
    """The CAS of one document: text, metadata, sentences, tokens and the four layers."""
    import cassis

    cas = cassis.Cas(typesystem=ts, sofa_string=doc.text, sofa_mime="text")
    new = {name: ts.get_type(name) for name in (SENTENCE, TOKEN, METADATA, *FEATURES, EVENT_LINK, STANCE_LINK)}
    fs_array = ts.get_type("uima.cas.FSArray")
    meta = {"documentId": doc.doc_id, "documentTitle": doc.doc_id, "language": "de"}
    cas.add(new[METADATA](begin=0, end=len(doc.text), **meta))
    for sentence in segs.sentences:
        cas.add(new[SENTENCE](begin=sentence[0][0], end=sentence[-1][1]))
        cas.add_all([new[TOKEN](begin=s, end=e, order=0) for s, e in sentence])
    mentions: dict[str, Any] = {}
    for m in doc.mentions:
        values = {"value": m.label, "form": m.form, "mention_type": m.mention_type, "entity_id": m.entity_id}
        mentions.setdefault(m.mention_id, new[MENTION](begin=m.start, end=m.end, **_set(values)))
        cas.add(mentions[m.mention_id])
    events: dict[str, Any] = {}
    for e in doc.events:
        values = {
            "value": e.category,
            "mode": e.mode,
            "realis": e.realis,
            "modality": e.modality,
            "cluster_id": e.cluster_id,
            "context": ",".join(e.context or []) or None,
        }
        events[e.event_id] = new[EVENT](begin=e.trigger_start, end=e.trigger_end, **_set(values))
    links: dict[str, list[Any]] = {}
    for a in doc.arguments:
        target = mentions.get(a.mention_id) if a.mention_id is not None else None
        if target is None and a.start is not None and a.end is not None:
            target = new[ARGUMENT](begin=a.start, end=a.end)
            cas.add(target)
        if target is None or a.event_id not in events:
            skipped.append(f"{doc.doc_id}: argument {a.argument_id} has no event or target to link")
            continue
        links.setdefault(a.event_id, []).append(new[EVENT_LINK](role=a.role, target=target))
    for event_id, fs in events.items():
        if links.get(event_id):  # no arguments: the feature stays unset (cassis cannot read an empty array back)
            fs.arguments = fs_array(elements=links[event_id])
        cas.add(fs)
    for st in doc.stances:
        holder = mentions.get(st.holder_mention_id)
        if holder is None:
            skipped.append(f"{doc.doc_id}: stance {st.stance_id} names unknown holder {st.holder_mention_id}")
            continue
        slots = [new[STANCE_LINK](role=HOLDER_ROLE, target=holder)]
        if st.event_id is not None and st.event_id in events:
            slots.append(new[STANCE_LINK](role=ABOUT_ROLE, target=events[st.event_id]))
        values = {"value": st.polarity, "target_id": st.target_id, "attribution": st.attribution}
        stance = new[STANCE](begin=st.evidence_start, end=st.evidence_end, **_set(values))
        stance.links = fs_array(elements=slots)
        cas.add(stance)
    return cas


def _set(values: dict[str, str | None]) -> dict[str, str]:
    """The features that have a value (an unset UIMA feature is absent, not empty)."""
    return {k: v for k, v in values.items() if v is not None}


def uima_mapping() -> dict[str, Any]:
    """The mapping that reads these layers back onto the scheme (labels are the ``value`` features)."""
    scheme = load_scheme()
    labels: dict[str, Any] = {label: label for label in (*scheme.entity_labels, *scheme.category_names)}
    labels |= {"Argument": "span"} | {polarity: {"stance": polarity} for polarity in scheme.stance_polarities}
    columns = (
        *("form", "mention_type", "entity_id", "mode", "context", "realis", "modality", "cluster_id"),
        *("target_id", "attribution"),
    )
    return {
        "labels": labels,
        "roles": {role: role for role in scheme.argument_roles},
        "relations": {HOLDER_ROLE: "holder", ABOUT_ROLE: "stance-event"},
        "attributes": {c: {"column": c} for c in columns},
    }


def export_uima(documents: list[Document], out: Path, *, json: bool = False) -> ExportResult:
    """Write ``out/<doc_id>.xmi`` and ``TypeSystem.xml`` (or ``out/<doc_id>.json``) and ``mapping.yaml``."""
    import polars as pl

    check_names(pl.Series([d.doc_id for d in documents], dtype=pl.String), "doc_id", path=ARTICLES.relpath())
    ts = typesystem()
    skipped: list[str] = []
    files: list[Path] = []
    segs = segments(documents)
    for doc in documents:
        cas = build_cas(doc, ts, segs[doc.doc_id], skipped)
        path = child_path(out, doc.doc_id, "doc_id", suffix=".json" if json else ".xmi")
        write_text_atomic(path, cas.to_json() if json else cas.to_xmi())
        files.append(path)
    if not json:
        write_text_atomic(out / TYPESYSTEM, ts.to_xml())
        files.append(out / TYPESYSTEM)
    mapping = yaml.safe_dump(uima_mapping(), sort_keys=False, allow_unicode=True)
    write_text_atomic(
        out / "mapping.yaml", "# Maps this INCEpTION export back onto the PeaceTalks-DE scheme.\n" + mapping
    )
    files.append(out / "mapping.yaml")
    fmt = "uima-json" if json else "uima-xmi"
    warnings = not_carried(fmt, {"annotator notes": note_count(documents)})
    return ExportResult(fmt, out, files, len(documents), counts(documents), skipped, warnings)
