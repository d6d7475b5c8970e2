"""End to end: real exports from ../shared/conformance imported into a corpus holding their text.

The corpus is written to tmp_path with one article whose text is the file's text after the corpus
normalisation, so matching, the CR LF offset conversion, UTF-16 conversion and the layer writer
run on real files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ImportFailed
from peacetalks.interchange.importers.import_layer import import_layer, parse_export
from peacetalks.schema.tables import ARTICLES, BLOCKS, ENTITIES, EVENTS
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.text.normalise import normalise_text
from tests.conftest import tiny_frames
from tests.interchange.test_conformance import CONFORMANCE, INC_REL, MAPPINGS, SUITE

pytestmark = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason="../shared/conformance (real files from other projects) is not present"
)


def _corpus(root: Path, doc_id: str, text: str) -> Path:
    art = tiny_frames()["articles"].with_columns(
        pl.lit(doc_id).alias("doc_id"),
        pl.lit(text).alias("text"),
        pl.lit(hashlib.sha256(text.encode()).hexdigest()).alias("text_sha256"),
    )
    blocks = pl.DataFrame(
        {"doc_id": [doc_id], "block_id": [0], "kind": ["paragraph"], "start": [0], "end": [len(text)]},
        schema=BLOCKS.polars_schema(),
    )
    write_tables(root, {ARTICLES: art, BLOCKS: blocks})
    return root


def test_inception_xmi_with_crlf_imports_onto_the_lf_article(tmp_path: Path) -> None:
    """relation_test.xmi counts CR in its offsets; imported onto the LF article, 'Hannover' still covers Hannover."""
    xmi = CONFORMANCE / f"{INC_REL}/relation_test.xmi"
    (tool,) = parse_export("uima-xmi", xmi)
    root = _corpus(tmp_path, "relation-test", normalise_text(tool.text))
    result = import_layer(
        "uima-xmi", xmi, annotator="inception", root=root, mapping_path=MAPPINGS / "uima.yaml", doc="relation-test"
    )
    ents = read_table(root, ENTITIES, "inception").sort("start")
    assert ents.select("start", "end", "text", "label").rows() == [
        (0, 9, "Darmstadt", "GPE"),
        (16, 22, "Hessen", "GPE"),
        (24, 32, "Hannover", "GPE"),
        (39, 51, "Lower Saxony", "GPE"),
    ]
    assert len(result.notes) == 1  # the CR LF conversion is reported, not silent


def test_webanno_tsv_slot_feature_imports_through_the_cli(tmp_path: Path) -> None:
    """testSimpleSlotFeature via `peacetalks import webanno-tsv`: the link host becomes a CONSULT event."""
    tsv = CONFORMANCE / f"{SUITE}/testSimpleSlotFeature/reference.tsv"
    (tool,) = parse_export("webanno-tsv", tsv)
    root = _corpus(tmp_path, "slot-test", tool.text)
    args = ["import", "webanno-tsv", str(tsv), "--annotator", "inception", "--root", str(root)]
    args += ["--mapping", str(MAPPINGS / "webanno-tsv.yaml"), "--doc", "slot-test"]
    res = CliRunner().invoke(app, args)
    assert "imported 1 document into" in res.stdout
    events = read_table(root, EVENTS, "inception")
    assert events.select("trigger_text", "category").rows() == [("This", "CONSULT")]


def test_tsv_sentence_gap_accepts_the_articles_line_break(tmp_path: Path) -> None:
    """A TSV whose sentences are separated by an unrecorded gap matches an article with a newline there."""
    tsv = CONFORMANCE / f"{SUITE}/testCrossSentenceSpanWithFeatureValue/reference.tsv"
    text = "He loves her .\nShe loves him not ."
    root = _corpus(tmp_path, "cross-test", text)
    import_layer(
        "webanno-tsv",
        tsv,
        annotator="inception",
        root=root,
        mapping_path=MAPPINGS / "webanno-tsv.yaml",
        doc="cross-test",
    )
    ents = read_table(root, ENTITIES, "inception")
    assert ents.select("start", "end", "text").rows() == [(0, 34, text)]


def test_label_studio_text_must_match_the_article(tmp_path: Path) -> None:
    """A Label Studio task whose text differs from the article is a text-mismatch showing the first difference."""
    path = (
        CONFORMANCE
        / "label-studio/HumanSignal-label-studio/web/libs/editor/src/examples/named_entity/annotations/1.json"
    )
    (tool,) = parse_export("label-studio", path)
    root = _corpus(tmp_path, "cocoa", tool.text.replace("Bahia", "Bahía"))
    with pytest.raises(ImportFailed) as exc:
        import_layer(
            "label-studio", path, annotator="ls", root=root, mapping_path=MAPPINGS / "label-studio.yaml", doc="cocoa"
        )
    (issue,) = exc.value.report.issues
    assert issue.code == "text-mismatch"
    assert "character 48" in issue.message
