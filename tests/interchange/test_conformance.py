"""Conformance: every real export under ../shared/conformance parses, or fails with its documented error.

The files come from other projects (see ../shared/conformance/SOURCES.md); no article of the corpus
matches them, so these tests exercise the parsing layer (ToolDocument), the offset checks and the
mapping/conversion onto the scheme against each file's own text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import ImportFailed
from peacetalks.interchange.document import ToolDocument
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers import brat, uima
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.import_layer import parse_export
from peacetalks.interchange.mapping import load_mapping, unmapped_names
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import tagsets
from tests.loading.corpora import Doc
from tests.loading.corpora import write_corpus as write_token_corpus

CONFORMANCE = (Path(__file__).resolve().parents[2] / "../shared/conformance").resolve()
MAPPINGS = Path(__file__).resolve().parent / "mappings"

pytestmark = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason="../shared/conformance (real files from other projects) is not present"
)

BRAT_NEWS = "brat/nlplab-brat/example-data/tutorials/news"
DKPRO_BRAT = "brat/dkpro-dkpro-core/dkpro-core-io-brat-asl/src/test/resources/brat"
EDS = "brat/aphp-edsnlp/tests/resources/brat_data/subfolder"
PIE = "brat/ArneBinder-pie-datasets/tests/fixtures/dataset_builders/pie/brat/train"
DOCCANO = "doccano/doccano-doccano/backend"
DT = "doccano/doccano-doccano-transformer/tests/data"
LS_CONV = "label-studio/HumanSignal-label-studio-converter/test/fixtures"
LS_SDK = "label-studio/HumanSignal-label-studio-sdk/tests/custom/converter/data/test_export_csv"
KIJI = "label-studio/dataiku-kiji-proxy/model/dataset/labelstudio"
CJSON = "uima-cas-json/dkpro-dkpro-cassis/tests/test_files/json/fs_as_array"
INC_REL = (
    "uima-cas-xmi/inception-project-inception/inception/inception-imls-stringmatch/src/test/resources/relation/simple"
)
SMILEYS = "uima-cas-xmi/dkpro-dkpro-cassis/tests/test_files/xmi/cas_with_smileys.xmi"
TSV = "webanno-tsv/inception-project-inception/inception"
SUITE = f"{TSV}/inception-io-webanno-tsv/src/test/resources/tsv3-suite"

Counts = tuple[int, int, int, int]  # documents, spans, events, relations

# Every importable file: (format, mapping or None, expected counts or the documented error codes).
EXPECTED: dict[str, tuple[str, str | None, Counts | tuple[str, ...]]] = {
    f"{BRAT_NEWS}/000-introduction.ann": ("brat", "brat-news", (1, 7, 1, 2)),
    f"{BRAT_NEWS}/060-relation_annotation.ann": ("brat", "brat-news", (1, 10, 0, 3)),
    f"{BRAT_NEWS}/080-event-annotation.ann": ("brat", "brat-news", (1, 21, 4, 0)),
    f"{BRAT_NEWS}/090-event_structures.ann": ("brat", "brat-news", (1, 22, 6, 0)),
    f"{BRAT_NEWS}/100-attribute_annotation.ann": ("brat", "brat-news", (1, 26, 10, 0)),
    f"{BRAT_NEWS}/110-note_annotation.ann": ("brat", "brat-news", (1, 14, 2, 2)),
    f"{DKPRO_BRAT}/document0a.ann": ("brat", "dkpro-brat", (1, 5, 5, 0)),
    f"{DKPRO_BRAT}/document0c.ann": ("brat", "dkpro-brat", (1, 4, 4, 0)),
    f"{DKPRO_BRAT}/document0d.ann": ("brat", "dkpro-brat", (1, 4, 4, 0)),
    f"{DKPRO_BRAT}/document0d-ref.ann": ("brat", None, ("brat-missing-text",)),  # DKPro's output; text is 0d's
    f"{DKPRO_BRAT}/document1.ann": ("brat", "dkpro-brat", (1, 4, 1, 1)),
    f"{DKPRO_BRAT}/event.ann": ("brat", "dkpro-brat", (1, 2, 1, 0)),
    f"{EDS}/doc-1.ann": ("brat", None, ("brat-duplicate-id", "brat-malformed-line")),
    f"{EDS}/doc-2.txt": ("brat", None, (1, 0, 0, 0)),
    f"{EDS}/doc-3.txt": ("brat", None, (1, 0, 0, 0)),
    f"{PIE}/1.ann": ("brat", "pie-brat", (1, 2, 0, 0)),
    f"{PIE}/2.ann": ("brat", "pie-brat", (1, 2, 0, 1)),
    f"{DOCCANO}/data_export/pipeline/examples/intent_detection/example.jsonl": ("doccano", "doccano", (2, 3, 0, 0)),
    f"{DOCCANO}/data_export/pipeline/examples/relation_extraction/example.jsonl": ("doccano", "doccano", (1, 4, 0, 3)),
    f"{DOCCANO}/data_export/pipeline/examples/sequence_labeling/example.jsonl": ("doccano", "doccano", (3, 4, 0, 0)),
    f"{DOCCANO}/data_export/pipeline/examples/text_classification/example.jsonl": ("doccano", "doccano", (3, 0, 0, 0)),
    f"{DOCCANO}/data_import/pipeline/examples/sequence_labeling/example.jsonl": ("doccano", "doccano", (3, 3, 0, 0)),
    f"{DOCCANO}/data_import/tests/data/relation_extraction/example.jsonl": ("doccano", "doccano", (1, 4, 0, 3)),
    f"{DOCCANO}/data_import/tests/data/sequence_labeling/example.jsonl": ("doccano", None, ("doccano-missing-text",)),
    f"{DOCCANO}/data_import/tests/data/sequence_labeling/example_overlapping.jsonl": (
        "doccano",
        "doccano",
        (1, 1, 0, 0),
    ),
    f"{DT}/classification/classification.jsonl": ("doccano", "doccano", (3, 0, 0, 0)),
    f"{DT}/labeling/labeling.jsonl": ("doccano", "doccano", (2, 11, 0, 0)),
    f"{DT}/labeling/labeling_text_label.jsonl": ("doccano", "doccano", (2, 11, 0, 0)),
    "label-studio/HumanSignal-label-studio/web/libs/editor/src/examples/named_entity/annotations/1.json": (
        "label-studio",
        "label-studio",
        (1, 1, 0, 0),
    ),
    f"{LS_CONV}/completions/348.json": ("label-studio", "label-studio", (1, 38, 0, 0)),
    f"{LS_SDK}/csv_test2.json": ("label-studio", "label-studio", (1, 0, 0, 0)),
    f"{LS_SDK}/csv_test_history.json": ("label-studio", "label-studio", (1, 0, 0, 0)),
    f"{KIJI}/sample_predictions.json": ("label-studio", None, ("span-out-of-bounds",)),  # ent-5: 68 vs 62
    f"{CJSON}/one-way/tsv3-testSimpleSlotFeature/data.json": ("uima-json", "uima", (1, 3, 1, 0)),
    f"{CJSON}/one-way/tsv3-testSimpleSlotFeature/data-ref.json": ("uima-json", "uima", (1, 3, 1, 0)),
    f"{CJSON}/one-way/tsv3-testSimpleSlotFeature/debug.xmi": ("uima-xmi", "uima", (1, 3, 1, 0)),
    f"{CJSON}/ser-ref/casWithEmojiUnicodeTextAndAnnotations/data.json": ("uima-json", "uima", (1, 9, 0, 0)),
    f"{CJSON}/ser-ref/casWithEmojiUnicodeTextAndAnnotations/debug.xmi": ("uima-xmi", "uima", (1, 9, 0, 0)),
    f"{CJSON}/ser-ref/casWithTraditionalChineseTextAndAnnotations/data.json": ("uima-json", "uima", (1, 4, 0, 0)),
    SMILEYS: ("uima-xmi", None, ("uima-missing-typesystem",)),
    f"{INC_REL}/relation_test.xmi": ("uima-xmi", "uima", (1, 4, 0, 1)),
    f"{TSV}/inception-brat-editor/src/test/resources/paging-line-oriented.tsv": ("webanno-tsv", None, (1, 0, 0, 0)),
    f"{TSV}/inception-curation/src/test/resources/mergecas/spanmultifeature/1sentenceNEFeatureA.tsv": (
        "webanno-tsv",
        None,
        ("webanno-tsv-unsupported-version",),
    ),
    f"{TSV}/inception-curation/src/test/resources/testsuite/relationLabelTest/curator.tsv": (
        "webanno-tsv",
        None,
        (1, 0, 0, 0),
    ),
    f"{TSV}/inception-curation/src/test/resources/testsuite/relationLabelTest/user1.tsv": (
        "webanno-tsv",
        None,
        (1, 0, 0, 0),
    ),
    f"{TSV}/inception-curation/src/test/resources/testsuite/relationLabelTest/user2.tsv": (
        "webanno-tsv",
        None,
        (1, 0, 0, 0),
    ),
    f"{SUITE}/sampleSlotAnnotation1/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 3, 1, 0)),
    f"{SUITE}/testCrossSentenceSpanWithFeatureValue/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 1, 0, 0)),
    f"{SUITE}/testDependencyWithValues/reference.tsv": ("webanno-tsv", None, (1, 0, 0, 0)),
    f"{SUITE}/testMultiTokenSlotFeature/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 3, 1, 0)),
    f"{SUITE}/testMultiTokenStackedSpanWithFeatureValue/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 2, 0, 0)),
    f"{SUITE}/testSentenceId/reference.tsv": ("webanno-tsv", None, (1, 0, 0, 0)),
    f"{SUITE}/testSentenceWithEmoji/reference.tsv": ("webanno-tsv", None, (1, 1, 0, 0)),
    f"{SUITE}/testSentenceWithLineBreak/reference.tsv": ("webanno-tsv", None, (1, 1, 0, 0)),
    f"{SUITE}/testSentenceWithTab/reference.tsv": ("webanno-tsv", None, (1, 1, 0, 0)),
    f"{SUITE}/testSimpleChain/reference.tsv": ("webanno-tsv", None, (1, 3, 0, 2)),
    f"{SUITE}/testSimpleCrossSenenceSlotFeature/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 3, 1, 0)),
    f"{SUITE}/testSimpleSlotFeature/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 3, 1, 0)),
    f"{SUITE}/testSingleTokenRelationWithFeatureValue/reference.tsv": ("webanno-tsv", None, (1, 2, 0, 1)),
    f"{SUITE}/testStackedComplexSlotFeatureWithoutValues/reference.tsv": ("webanno-tsv", None, (1, 4, 2, 0)),
    f"{SUITE}/testSubMultiTokenSpanWithFeatureValue/reference.tsv": ("webanno-tsv", None, (1, 12, 0, 0)),
    f"{SUITE}/testTokenBoundedSpanWithAsteriskFeatureValue/reference.tsv": ("webanno-tsv", None, (1, 5, 0, 0)),
    f"{SUITE}/testTokenBoundedSpanWithSpecialSymbolsValue/reference.tsv": ("webanno-tsv", None, (1, 5, 0, 0)),
    f"{SUITE}/testTwoSentencesWithNoSpaceInBetween/reference.tsv": ("webanno-tsv", None, (1, 0, 0, 0)),
    f"{SUITE}/testZeroLengthSpansWithFeatureValues/reference.tsv": ("webanno-tsv", "webanno-tsv", (1, 2, 0, 0)),
}

# Files in the format folders that are not exports to import, with the reason.
NOT_IMPORTED = {
    ".conf": "brat configuration, needed only by brat's editor",
    "config.xml": "Label Studio labeling config",
    "LabelingConfig.txt": "Label Studio labeling config",
    "README.md": "provenance note",
    "TypeSystem.xml": "type system, read with the XMI beside it",
    "debug-typesystem.xml": "type system, read with the XMI beside it",
    ".csv": "doccano's CSV import is not an export format",
    ".conll": "doccano's CoNLL import: CoNLL is handled by the exporters' side",
    "reference.xmi": "XMI of the TSV suite: shipped without its type system (see test below)",
}
FORMAT_FOLDERS = ("brat", "doccano", "label-studio", "uima-cas-json", "uima-cas-xmi", "webanno-tsv")


# Conversion problems a file is known to have with its mapping.
CONVERT_ISSUES = {
    f"{DKPRO_BRAT}/document0d.ann": {"discontinuous-span"},  # a fragment inside a word
    f"{DKPRO_BRAT}/event.ann": {"event-label-not-category"},  # type Speaker is both an entity and an event
}


def _key(path: Path) -> str | None:
    rel = path.relative_to(CONFORMANCE).as_posix()
    if rel.startswith("brat/") and path.suffix == ".txt" and path.with_suffix(".ann").exists():
        return None  # read with its .ann
    return rel


def _parse(rel: str, fmt: str) -> list[ToolDocument]:
    return parse_export(fmt, CONFORMANCE / rel)


def test_every_file_of_a_supported_format_has_an_expectation() -> None:
    """Each file in the format folders is either in EXPECTED or named in NOT_IMPORTED, so none is skipped silently."""
    files = [p for folder in FORMAT_FOLDERS for p in (CONFORMANCE / folder).rglob("*") if p.is_file()]
    assert len(files) > 50
    unlisted = []
    for path in files:
        rel = _key(path)
        if rel is None or rel in EXPECTED:
            continue
        if not any(path.name == k or path.name.endswith(k) for k in NOT_IMPORTED):
            unlisted.append(rel)
    assert unlisted == []


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_conformance_file_parses_to_expected_counts_or_documented_error(rel: str) -> None:
    """Counts of documents, spans, events and relations; or exactly the documented error codes (never a crash)."""
    fmt, _, expected = EXPECTED[rel]
    if isinstance(expected[0], str):
        with pytest.raises(ImportFailed) as exc:
            _parse(rel, fmt)
        assert tuple(exc.value.report.codes()) == expected
        assert all(i.file.endswith(Path(rel).name) for i in exc.value.report.issues)
        return
    docs = _parse(rel, fmt)
    counts = (len(docs), *(sum(len(getattr(d, a)) for d in docs) for a in ("spans", "events", "relations")))
    assert counts == expected
    for doc in docs:  # spans lie within the file's own text
        assert all(0 <= s.start <= s.end <= len(doc.text) for s in doc.spans)


@pytest.mark.parametrize("rel", sorted(r for r, (_, m, e) in EXPECTED.items() if m and not isinstance(e[0], str)))
def test_conformance_file_maps_onto_the_scheme(rel: str) -> None:
    """With its test mapping every name is mapped, and each mention's text is the file's own text at its offsets."""
    fmt, mapping_name, _ = EXPECTED[rel]
    mapping = load_mapping(MAPPINGS / f"{mapping_name}.yaml")
    docs = _parse(rel, fmt)
    assert unmapped_names(docs, mapping) == []
    for tool in docs:
        doc, issues = to_document(tool, mapping, doc_id="conformance", text=tool.text)
        assert {i.code for i in issues} == CONVERT_ISSUES.get(rel, set()), [i.render() for i in issues]
        for m in doc.mentions:
            assert m.text == tool.text[m.start : m.end]
        for e in doc.events:
            assert e.trigger_text == tool.text[e.trigger_start : e.trigger_end]
        for a in doc.arguments:
            assert a.mention_id is not None or a.text == tool.text[a.start or 0 : a.end or 0]


def test_brat_covered_text_of_each_t_line_matches_the_txt() -> None:
    """brat offsets are code points: every T line's recorded text equals the .txt slice (with é/è in edsnlp)."""
    docs = brat.parse_brat(CONFORMANCE / BRAT_NEWS)
    assert len(docs) == 6
    spans = [(d, s) for d in docs for s in d.spans]
    assert len(spans) == 100
    assert all(s.covered(d.text) == s.text for d, s in spans)


def test_brat_event_arguments_and_attributes() -> None:
    """000-introduction: E1 with four role arguments (forward references), attributes on T and E, N and # notes."""
    (doc,) = brat.parse_brat(CONFORMANCE / f"{BRAT_NEWS}/000-introduction.ann")
    (event,) = doc.events
    assert (event.label, event.trigger) == ("Transfer-money", "T3")
    assert [r for r, _ in event.arguments] == ["Giver-Arg", "Money-Arg", "Beneficiary-Arg", "Recipient-Arg"]
    assert event.attributes == {"Confidence": "High"}
    t4 = doc.span("T4")
    assert t4 is not None
    assert t4.attributes == {"Mention": "Name", "Individual": True}
    assert sorted((n.kind, n.target) for n in doc.notes) == [("normalization", "T5"), ("note", "T2")]


def test_brat_news_maps_to_events_with_arguments() -> None:
    """Mapped 000-introduction: an AID event with four arguments, mention_type from the Mention attribute."""
    mapping = load_mapping(MAPPINGS / "brat-news.yaml")
    (tool,) = brat.parse_brat(CONFORMANCE / f"{BRAT_NEWS}/000-introduction.ann")
    doc, issues = to_document(tool, mapping, doc_id="x", text=tool.text)
    assert issues == []
    (event,) = doc.events
    assert (event.category, event.trigger_text) == ("AID", "moving")
    args = sorted((a.role, a.mention_id, a.text) for a in doc.arguments)
    assert args == [
        ("ACTOR", "T1", None),
        ("ARTIFACT", None, "$100 million"),
        ("RECIPIENT", "T4", None),
        ("RECIPIENT", "T6", None),
    ]
    by_id = {m.mention_id: m for m in doc.mentions}
    assert (by_id["T4"].mention_type, by_id["T5"].mention_type, by_id["T1"].mention_type) == ("NAM", "NOM", "NAM")


def test_brat_alias_equivalence_gives_one_entity() -> None:
    """060: the `*  Alias T3 T4 T5` equivalence maps (coref) to one entity_id for the three mentions."""
    mapping = load_mapping(MAPPINGS / "brat-news.yaml")
    (tool,) = brat.parse_brat(CONFORMANCE / f"{BRAT_NEWS}/060-relation_annotation.ann")
    doc, _ = to_document(tool, mapping, doc_id="x", text=tool.text)
    entity = {m.mention_id: m.entity_id for m in doc.mentions}
    assert entity["T3"] == entity["T4"] == entity["T5"] == "T3"


def test_brat_discontinuous_span_across_a_line_break_becomes_one_span() -> None:
    """document0c `5 7;8 9` (gap is a newline) becomes the span 5-9; recorded text joins fragments with a space."""
    mapping = load_mapping(MAPPINGS / "dkpro-brat.yaml")
    (tool,) = brat.parse_brat(CONFORMANCE / f"{DKPRO_BRAT}/document0c.ann")
    t2 = tool.span("T2")
    assert t2 is not None
    assert (t2.fragments, t2.text) == (((5, 7), (8, 9)), "is a")
    doc, issues = to_document(tool, mapping, doc_id="x", text=tool.text)
    assert issues == []
    assert [(e.trigger_start, e.trigger_end, e.trigger_text) for e in doc.events if e.event_id == "E2"] == [
        (5, 9, "is\na")
    ]


def test_brat_discontinuous_span_inside_a_word_is_an_error() -> None:
    """document0d `5 7;9 10` skips the 'a' of 'an': a discontinuous-span error naming T2 and its line."""
    mapping = load_mapping(MAPPINGS / "dkpro-brat.yaml")
    (tool,) = brat.parse_brat(CONFORMANCE / f"{DKPRO_BRAT}/document0d.ann")
    _, issues = to_document(tool, mapping, doc_id="x", text=tool.text)
    assert [(i.code, i.row, i.record_id) for i in issues] == [("discontinuous-span", 2, "T2")]


def test_brat_dkpro_reference_output_reads_against_its_source_text() -> None:
    """document0d-ref.ann (what DKPro writes back) parses against document0d.txt: 5 contiguous tokens."""
    text = brat.read_text(CONFORMANCE / f"{DKPRO_BRAT}/document0d.txt")
    ann = (CONFORMANCE / f"{DKPRO_BRAT}/document0d-ref.ann").read_text(encoding="utf-8")
    doc, issues = brat.parse_brat_text(ann, text, doc_id="document0d")
    assert issues == []
    assert [s.text for s in doc.spans] == ["This", "is", "n", "other test", "."]


def test_brat_malformed_lines_are_reported_with_their_lines() -> None:
    """edsnlp doc-1: names with spaces (lines 7, 26) and the duplicated #1 (line 27) are reported; nothing imported."""
    with pytest.raises(ImportFailed) as exc:
        brat.parse_brat(CONFORMANCE / f"{EDS}/doc-1.ann")
    assert exc.value.report.flatten(["row", "record_id", "code"]) == [
        [7, "A9", "brat-malformed-line"],
        [26, "T12", "brat-malformed-line"],
        [27, "#1", "brat-duplicate-id"],
    ]


def test_uima_xmi_offsets_after_an_emoji_are_code_points() -> None:
    """cas_with_smileys: entities after U+1F917 cover 'Transformers' once UTF-16 offsets become code points."""
    ts = CONFORMANCE / f"{INC_REL}/TypeSystem.xml"
    (doc,) = uima.parse_xmi(CONFORMANCE / SMILEYS, typesystem=ts)
    assert [(s.label, s.covered(doc.text)) for s in doc.spans] == [
        ("OTH", "Transformers"),
        ("OTH", "Transformers"),
        ("OTH", "Transformers"),
        ("OTH", "PyTorch"),
        ("OTH", "TensorFlow"),
    ]


def test_uima_json_emoji_text_has_32_code_points() -> None:
    """casWithEmoji…: 38 UTF-16 units are 32 code points; the last span covers the ghost emoji."""
    (doc,) = uima.parse_json(CONFORMANCE / f"{CJSON}/ser-ref/casWithEmojiUnicodeTextAndAnnotations/data.json")
    assert len(doc.text) == 32
    assert [s.covered(doc.text) for s in doc.spans][-2:] == ["test", "👻"]


def test_uima_relation_layer_and_crlf_text() -> None:
    """relation_test.xmi: span values city/state, a Governor->Dependent relation, CR LF kept in the text."""
    (doc,) = uima.parse_xmi(CONFORMANCE / f"{INC_REL}/relation_test.xmi")
    assert "\r\n" in doc.text
    assert [(s.label, s.covered(doc.text)) for s in doc.spans] == [
        ("city", "Darmstadt"),
        ("state", "Hessen"),
        ("city", "Hannover"),
        ("state", "Lower Saxony"),
    ]
    (rel,) = doc.relations
    assert (rel.label, rel.source, rel.target) == ("located in", "172", "177")


def test_uima_slot_feature_is_an_event_with_roles() -> None:
    """A link (slot) feature host is an event whose arguments are its links' roles and targets."""
    (doc,) = uima.parse_json(CONFORMANCE / f"{CJSON}/one-way/tsv3-testSimpleSlotFeature/data.json")
    (event,) = doc.events
    covered = {s.id: s.covered(doc.text) for s in doc.spans}
    assert [(role, covered[ref]) for role, ref in event.arguments] == [("p1", "is"), ("p2", "a")]


def test_webanno_tsv_emoji_offsets_and_escapes() -> None:
    """TSV offsets are UTF-16 units (the emoji token 10-12 is one code point); feature values are unescaped."""
    (doc,) = parse_export("webanno-tsv", CONFORMANCE / f"{SUITE}/testSentenceWithEmoji/reference.tsv")
    assert [s.covered(doc.text) for s in doc.spans] == ["😊"]
    (doc,) = parse_export(
        "webanno-tsv", CONFORMANCE / f"{SUITE}/testTokenBoundedSpanWithSpecialSymbolsValue/reference.tsv"
    )
    assert {s.label for s in doc.spans} == {"#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"}
    (doc,) = parse_export(
        "webanno-tsv", CONFORMANCE / f"{SUITE}/testTokenBoundedSpanWithAsteriskFeatureValue/reference.tsv"
    )
    assert {s.label for s in doc.spans} == {"*"}


def test_webanno_tsv_multi_token_stacked_and_cross_sentence_spans() -> None:
    """[n] ids join rows into one span, also across sentences; slot targets with [n] resolve to those spans."""
    (doc,) = parse_export("webanno-tsv", CONFORMANCE / f"{SUITE}/testCrossSentenceSpanWithFeatureValue/reference.tsv")
    assert [(s.label, s.covered(doc.text)) for s in doc.spans] == [("PERSON", "He loves her . She loves him not .")]
    assert doc.gaps == [(14, 15)]
    (doc,) = parse_export("webanno-tsv", CONFORMANCE / f"{SUITE}/testMultiTokenSlotFeature/reference.tsv")
    covered = {s.id: s.covered(doc.text) for s in doc.spans}
    (event,) = doc.events
    assert [(role, covered[ref]) for role, ref in event.arguments] == [("p1", "is a"), ("p2", "test .")]


def test_webanno_tsv_sub_token_and_zero_width_spans() -> None:
    """Sub-token rows give spans inside tokens and zero-width spans at 0 and 16."""
    (doc,) = parse_export("webanno-tsv", CONFORMANCE / f"{SUITE}/testZeroLengthSpansWithFeatureValues/reference.tsv")
    assert sorted((s.label, s.start, s.end) for s in doc.spans) == [("ORG", 16, 16), ("PERSON", 0, 0)]
    (doc,) = parse_export("webanno-tsv", CONFORMANCE / f"{SUITE}/testSubMultiTokenSpanWithFeatureValue/reference.tsv")
    by_label = {s.label: s.covered(doc.text) for s in doc.spans}
    assert (by_label["9"], by_label["4"], by_label["11"]) == ("aaa bbbbbb ccc", "bbbb", "")


def test_doccano_numeric_labels_per_user() -> None:
    """doccano 1.0: two annotators' duplicated spans collapse, and --user keeps one annotator's spans."""
    path = CONFORMANCE / f"{DT}/labeling/labeling.jsonl"
    from peacetalks.interchange.importers.doccano import parse_doccano

    both = parse_doccano(path)
    one = parse_doccano(path, user="2")
    assert [len(d.spans) for d in both] == [5, 6]
    assert [len(d.spans) for d in one] == [5, 6]
    assert [s.label for s in one[0].spans] == ["12", "13", "13", "12", "12"]
    assert parse_doccano(path, user="1")[1].spans == []


def test_doccano_wrong_offsets_are_taken_as_given() -> None:
    """intent_detection [0,26,"City"] covers 'Find a flight from Memphis': doccano records no span text to check."""
    docs = parse_export(
        "doccano", CONFORMANCE / f"{DOCCANO}/data_export/pipeline/examples/intent_detection/example.jsonl"
    )
    assert docs[0].spans[0].covered(docs[0].text) == "Find a flight from Memphis"
    assert docs[0].labels == ["flight"]


def test_label_studio_broken_offset_names_the_region() -> None:
    """kiji sample_predictions ent-5 (68-90 in an 85-character text) is reported at the line its region starts."""
    path = CONFORMANCE / f"{KIJI}/sample_predictions.json"
    with pytest.raises(ImportFailed) as exc:
        parse_export("label-studio", path)
    assert exc.value.report.flatten(["row", "record_id", "code"]) == [[59, "ent-5", "span-out-of-bounds"]]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (lines[58].strip(), lines[59].strip()) == ("{", '"id": "ent-5",')  # lines 59 and 60 of the file


def test_label_studio_legacy_completions_keep_untrimmed_spans() -> None:
    """348.json (completions): 38 spans whose recorded text matches, a leading space included, not trimmed."""
    (doc,) = parse_export("label-studio", CONFORMANCE / f"{LS_CONV}/completions/348.json")
    assert len(doc.spans) == 38
    assert any(s.text == " Polyquaternium-7" for s in doc.spans)
    assert all(s.covered(doc.text) == s.text for s in doc.spans)


def test_label_studio_choices_are_document_labels() -> None:
    """A choices result that is not tied to a region is a document label (control characters kept)."""
    (doc,) = parse_export("label-studio", CONFORMANCE / f"{LS_SDK}/csv_test2.json")
    assert doc.labels == ['Yes " "" \n \t \t а б в \n']


# The token exports against real CoNLL-2003 and GermEval 2014 files (../shared/conformance/conll).
GERMEVAL_FILES = (
    "conll/huggingface-datasets/datasets/germeval_14/dummy/germeval_14/2.0.0/dummy_data/NER-de-train.excerpt.tsv",
    "conll/huggingface-datasets/datasets/germeval_14/dummy/germeval_14/2.0.0/dummy_data/NER-de-dev.excerpt.tsv",
    "conll/huggingface-datasets/datasets/germeval_14/dummy/germeval_14/2.0.0/dummy_data/NER-de-test.excerpt.tsv",
    "conll/dkpro-dkpro-core/dkpro-core-io-conll-asl/src/test/resources/conll/2002/germeval2014_test.conll",
)
CONLL2003_FILES = (
    "conll/dkpro-dkpro-core/dkpro-core-io-conll-asl/src/test/resources/conll/2003/en-orig.conll",
    "conll/doccano-doccano-transformer/tests/data/labeling/labeling.conll2003.user2",
    "conll/explosion-spaCy/extra/example_data/ner_example_data/ner-token-per-line-conll2003.iob",
)
TOKEN_DOC = Doc(
    "doc-forms",
    "US-Präsident Trump sprach auf der Münchener Sicherheitskonferenz\nüber russische Truppen.",
    mentions=[
        ("US", "GPE", "PART", "NAM"),
        ("Trump", "PER", "NAME", "NAM"),
        ("Münchener Sicherheitskonferenz", "EVENT", "NAME", "NAM"),
        ("Münchener", "GPE", "DERIV", "NAM"),
        ("russische", "GPE", "DERIV", "NAM"),
    ],
)


def _germeval_sentences(path: Path) -> list[list[list[str]]]:
    """Sentences of TAB-split token lines, as GermEval 2014 readers take them: ``#<TAB>`` lines are comments."""
    sentences: list[list[list[str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            sentences.append([])
        elif not line.startswith("#\t"):
            sentences[-1].append(line.split("\t"))
    return [s for s in sentences if s]


def _conll_lines(path: Path) -> list[list[str]]:
    """The space-split non-blank lines of a CoNLL-2003 file."""
    return [line.split(" ") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("rel", GERMEVAL_FILES)
def test_real_germeval_files_read_like_our_export_and_use_only_its_tags(rel: str, tmp_path: Path) -> None:
    """Four TAB columns numbered from 1 per sentence in both; every tag of the real data is in our tag set, and
    every tag we write is one of GermEval 2014's (outer and inner column)."""
    names = set(tagsets()["germeval2014"].tags(load_scheme()))
    export(write_token_corpus(tmp_path / "c", [TOKEN_DOC]), "germeval2014", tmp_path / "out.tsv")
    for path in (CONFORMANCE / rel, tmp_path / "out.tsv"):
        sentences = _germeval_sentences(path)
        assert sentences
        for rows in sentences:
            assert [len(r) for r in rows] == [4] * len(rows)
            assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
            assert {r[2] for r in rows} | {r[3] for r in rows} <= names, path
    ours = {r[2] for s in _germeval_sentences(tmp_path / "out.tsv") for r in s}
    assert {"B-LOCpart", "B-OTH", "B-LOCderiv"} <= ours


@pytest.mark.parametrize("rel", CONLL2003_FILES)
def test_conll2003_export_has_the_columns_of_real_conll2003_files(rel: str, tmp_path: Path) -> None:
    """``token POS chunk TAG`` with spaces, ``-DOCSTART-`` first, as the real files have; tags of conll2003."""
    names = set(tagsets()["conll2003"].tags(load_scheme()))
    export(write_token_corpus(tmp_path / "c", [TOKEN_DOC]), "conll2003", tmp_path / "out.conll")
    real, ours = _conll_lines(CONFORMANCE / rel), _conll_lines(tmp_path / "out.conll")
    for lines in (real, ours):
        assert {len(line) for line in lines} == {4}
    if real[0][0] == "-DOCSTART-":
        assert ours[0][0] == "-DOCSTART-"
    assert {line[3] for line in ours[1:]} <= names
