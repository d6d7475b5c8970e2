"""Our INCEpTION, doccano and brat exports have the shape of the real files in ../shared/conformance.

INCEpTION itself cannot run here, so the exports are held against what INCEpTION writes (its
TypeSystem.xml, XMI, CAS JSON and TSV test files; SOURCES.md says where each comes from): the
DKPro types we declare are INCEpTION's, our custom layers are built as INCEpTION builds them, the
TSV header, rows, escaping and UTF-16 offsets are INCEpTION's. The files are read where they
are; the tests skip when the folder is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from peacetalks.interchange.document import Document, Mention
from peacetalks.interchange.exporters.doccano import export_doccano
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.exporters.uima import METADATA, SENTENCE, SLOTS, TOKEN, typesystem
from peacetalks.interchange.exporters.webanno_tsv import escape_text, escape_value, export_webanno_tsv
from peacetalks.interchange.importers.brat import parse_brat
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.webanno_tsv import _raw_items, unescape
from peacetalks.interchange.mapping import load_mapping
from tests.interchange._brat_conf import attributes
from tests.interchange.helpers import write_corpus, write_layer

CONFORMANCE = (Path(__file__).resolve().parents[2] / "../shared/conformance").resolve()
MAPPINGS = Path(__file__).resolve().parent / "mappings"
INCEPTION = CONFORMANCE / "uima-cas-xmi/inception-project-inception/inception/inception-imls-stringmatch"
REL = INCEPTION / "src/test/resources/relation/simple"
SLOT_TS = (
    CONFORMANCE
    / "uima-cas-json/dkpro-dkpro-cassis/tests/test_files/json/fs_as_array/one-way/tsv3-testSimpleSlotFeature"
    / "debug-typesystem.xml"
)
CAS_JSON = (
    CONFORMANCE
    / "uima-cas-json/dkpro-dkpro-cassis/tests/test_files/json/fs_as_array/ser-ref/casWithEmojiUnicodeTextAndAnnotations"
    / "data.json"
)
SUITE = CONFORMANCE / "webanno-tsv/inception-project-inception/inception/inception-io-webanno-tsv/src/test/resources"
SUITE = SUITE / "tsv3-suite"
DOCCANO_RE = CONFORMANCE / "doccano/doccano-doccano/backend/data_export/pipeline/examples/relation_extraction"
BRAT_NEWS = CONFORMANCE / "brat/nlplab-brat/example-data/tutorials/news"

pytestmark = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason="../shared/conformance (real files from other projects) is not present"
)


def _load_ts(path: Path) -> Any:
    import cassis

    with path.open("rb") as f:
        return cassis.load_typesystem(f)


def _features(t: Any) -> dict[str, tuple[str, str | None]]:
    """A type's own features: name -> (range, element type)."""
    return {f.name: (f.rangeType.name, f.elementType.name if f.elementType is not None else None) for f in t.features}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = write_corpus(tmp_path / "root")
    write_layer(folder, None)
    return folder


def test_the_dkpro_types_we_declare_are_inceptions() -> None:
    """Sentence, Token and DocumentMetaData: INCEpTION's supertype, and each feature we use with its range."""
    real, ours = _load_ts(REL / "TypeSystem.xml"), typesystem()
    for name in (SENTENCE, TOKEN, METADATA):
        theirs, mine = real.get_type(name), ours.get_type(name)
        assert mine.supertype.name == theirs.supertype.name, name
        known = {f.name: f.rangeType.name for f in theirs.all_features}
        for feature, (range_name, _) in _features(mine).items():
            assert known.get(feature) == range_name, (name, feature)


def test_our_layers_are_built_like_inceptions_custom_layers() -> None:
    """A span layer under uima.tcas.Annotation; a slot feature an FSArray of a link type (uima.cas.TOP with a
    string role and a target), as INCEpTION's own slot layer in its test files."""
    real, ours = _load_ts(SLOT_TS), typesystem()
    host, link, span = (real.get_type(f"webanno.custom.{n}") for n in ("SimpleLinkHost", "LinkType", "SimpleSpan"))
    (slot_range,) = {r for r, _ in _features(host).values()}
    for layer, (feature, link_type) in SLOTS.items():
        assert layer.startswith("webanno.custom.")
        assert ours.get_type(layer).supertype.name == span.supertype.name == "uima.tcas.Annotation"
        assert _features(ours.get_type(layer))[feature] == (slot_range, link_type)
        mine = ours.get_type(link_type)
        assert mine.supertype.name == link.supertype.name
        assert set(_features(mine)) == set(_features(link)) == {"role", "target"}
        assert _features(mine)["role"] == _features(link)["role"]


def _structure(cas: Any) -> dict[str, Any]:
    """What INCEpTION relies on: one DocumentMetaData over the text, sentences made of the tokens."""
    meta = list(cas.select(METADATA))
    sentences = sorted((s.begin, s.end) for s in cas.select(SENTENCE))
    tokens = sorted((t.begin, t.end) for t in cas.select(TOKEN))
    inside = [sum(1 for b, e in sentences if b <= t[0] and t[1] <= e) for t in tokens]
    return {
        "metadata": [(m.begin, m.end, bool(m.documentId)) for m in meta],
        "text": len(cas.sofa_string),
        "tokens in one sentence": set(inside),
        "sentences start and end on tokens": all(
            any(t[0] == b for t in tokens) and any(t[1] == e for t in tokens) for b, e in sentences
        ),
        "mime": cas.sofa_mime,
    }


def test_xmi_export_has_the_structure_of_an_inception_export(root: Path, tmp_path: Path) -> None:
    """Ours and INCEpTION's relation_test.xmi: one metadata annotation, every token in one sentence, text sofa."""
    import cassis

    export(root, "uima-xmi", tmp_path / "x")
    with (REL / "relation_test.xmi").open("rb") as f:
        real = cassis.load_cas_from_xmi(f, typesystem=_load_ts(REL / "TypeSystem.xml"))
    (ours_path,) = (tmp_path / "x").glob("*.xmi")
    with ours_path.open("rb") as f:
        ours = cassis.load_cas_from_xmi(f, typesystem=_load_ts(tmp_path / "x" / "TypeSystem.xml"))
    theirs, mine = _structure(real), _structure(ours)
    assert theirs["metadata"] == [(0, theirs["text"], True)]
    assert mine["metadata"] == [(0, mine["text"], True)]
    for key in ("tokens in one sentence", "sentences start and end on tokens", "mime"):
        assert mine[key] == theirs[key], key
    assert ours_path.read_text(encoding="utf-8").count('xmi:version="2.0"') == 1


def test_cas_json_export_has_the_sections_of_a_real_cas_json(root: Path, tmp_path: Path) -> None:
    export(root, "uima-json", tmp_path / "j")
    (ours,) = (tmp_path / "j").glob("*.json")
    real = json.loads(CAS_JSON.read_text(encoding="utf-8"))
    mine = json.loads(ours.read_text(encoding="utf-8"))
    assert set(mine) == set(real) == {"%TYPES", "%FEATURE_STRUCTURES", "%VIEWS"}


_SLOT = re.compile(r"^ROLE_(?P<host>[\w.]+):(?P<feature>\w+)_(?P<link>[\w.]+)$")


def _tsv_shape(path: Path) -> dict[str, Any]:
    lines = path.read_text(encoding="utf-8").split("\n")
    layers = [line for line in lines if line.startswith("#T_")]
    first_text = next(i for i, line in enumerate(lines) if line.startswith("#Text="))
    rows = [line for line in lines if re.match(r"^[0-9]+-[0-9]+\t", line)]
    slots = [
        (m["host"] == layer[6:].split("|")[0], bool(m["feature"]), cols[i + 1] if i + 1 < len(cols) else None)
        for layer in layers
        for cols in [layer[6:].split("|")]
        for i, col in enumerate(cols)
        if (m := _SLOT.match(col))
    ]
    return {
        "format": lines[0],
        "empty lines before the text": first_text - (1 + len(layers)),
        "rows end with a TAB": {row.endswith("\t") for row in rows},
        "slots": slots,
    }


def test_tsv_export_has_the_header_rows_and_slots_of_inception_files(root: Path, tmp_path: Path) -> None:
    """The format line, two empty lines, rows ending in TAB, slot columns ROLE_host:feature_link + target type."""
    export(root, "webanno-tsv", tmp_path / "t")
    (ours,) = (tmp_path / "t").glob("*.tsv")
    real = _tsv_shape(SUITE / "sampleSlotAnnotation1" / "reference.tsv")
    mine = _tsv_shape(ours)
    for key in ("format", "empty lines before the text", "rows end with a TAB"):
        assert mine[key] == real[key], key
    assert real["slots"] == [(True, True, "uima.tcas.Annotation")]
    assert mine["slots"] == [(True, True, "uima.tcas.Annotation")] * 2


def test_tsv_escapes_values_and_text_as_inception_does() -> None:
    """INCEpTION's own escaped value (every reserved character) and its \\t in sentence text come out the same."""
    rows = (SUITE / "testTokenBoundedSpanWithSpecialSymbolsValue" / "reference.tsv").read_text(encoding="utf-8")
    cell = next(line for line in rows.split("\n") if line.startswith("1-1\t")).split("\t")[3]
    ((raw, _),) = _raw_items(cell)
    assert escape_value(unescape(raw)) == raw
    text = (SUITE / "testSentenceWithTab" / "reference.tsv").read_text(encoding="utf-8")
    line = next(line for line in text.split("\n") if line.startswith("#Text="))[6:]
    assert escape_text(unescape(line)) == line


def test_tsv_offsets_count_utf16_units_as_inception_does(tmp_path: Path) -> None:
    """INCEpTION's emoji sentence: our rows have its addresses, UTF-16 offsets and forms."""
    real = (SUITE / "testSentenceWithEmoji" / "reference.tsv").read_text(encoding="utf-8").split("\n")
    text = next(line for line in real if line.startswith("#Text="))[6:]
    emoji = text.index("\U0001f60a")
    doc = Document("emoji", text, mentions=[Mention("m1", emoji, emoji + 1, "\U0001f60a", "MISC", "NAME", "NAM", "x")])
    export_webanno_tsv([doc], tmp_path)
    ours = (tmp_path / "emoji.tsv").read_text(encoding="utf-8").split("\n")

    def rows(lines: list[str]) -> list[list[str]]:
        return [line.split("\t")[:3] for line in lines if re.match(r"^[0-9]+-[0-9]+\t", line)]

    assert rows(ours) == rows(real)


def test_doccano_record_has_the_fields_of_a_doccano_relation_export(tmp_path: Path) -> None:
    """text, entities {id, start_offset, end_offset, label} and relations {id, from_id, to_id, type}, as doccano."""
    real = json.loads((DOCCANO_RE / "example.jsonl").read_text(encoding="utf-8"))
    doc = Document(
        "d",
        "Trump und Trump",
        mentions=[Mention(f"m{i}", s, s + 5, "Trump", "PER", "NAME", "NAM", "trump") for i, s in ((1, 0), (2, 10))],
    )
    export_doccano([doc], tmp_path / "d.jsonl")
    mine = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert set(real) <= set(mine)
    assert {frozenset(e) for e in mine["entities"]} == {frozenset(e) for e in real["entities"]}
    assert {frozenset(r) for r in mine["relations"]} == {frozenset(r) for r in real["relations"]}


def test_our_brat_conf_reader_reads_brats_own_configuration() -> None:
    """The reader the conf test uses takes brat's tutorial annotation.conf as brat does."""
    declared = attributes((BRAT_NEWS / "annotation.conf").read_text(encoding="utf-8"))
    assert declared == {
        "Individual": ("<ENTITY>", None),
        "Mention": ("<ENTITY>", {"Name", "Nominal", "Other"}),
        "Negation": ("<EVENT>", None),
        "Confidence": ("<EVENT>", {"High", "Neutral", "Low"}),
    }


def test_brat_annotator_notes_survive_the_import() -> None:
    """brat's note tutorial: the notes on a GPE and on a merge event are kept, on their mention and event;
    the one on a Family relation (mapped to ignore) is dropped and said so."""
    (tool,) = parse_brat(BRAT_NEWS / "110-note_annotation.ann")
    dropped: list[str] = []
    doc, issues = to_document(
        tool, load_mapping(MAPPINGS / "brat-news.yaml"), doc_id="d", text=tool.text, dropped=dropped
    )
    assert issues == []
    assert [(n.note_id, n.kind, n.item_id, n.text) for n in doc.notes] == [
        ("#1", "entities", "T1", "Should fictional places be annotated?"),
        (
            "#2",
            "events",
            "E1",
            "Annotate as one merge event with three participants or two events with two participants each?",
        ),
    ]
    assert len(dropped) == 1
    assert dropped[0].endswith("110-note_annotation.ann:12: note #3 dropped: R1 is not imported as an annotation")
