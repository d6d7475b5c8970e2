"""A hand-edited export with several kinds of errors reports them all in one import run, at their real lines.

Each file below holds problems of every stage at once: the reader's (a covered text that is not
the text, an offset out of the text, a malformed line or a wrong type, a reference to nothing),
the mapping's (an unmapped label or attribute) and the conversion's (a relation that does not
start at an event). Before, each kind stopped the import, so fixing one revealed the next: the
assertions list all of them from the first run, sorted by file and line. A problem that follows
from one already listed (a reference to the malformed line, a holder that is not a mention
because its label is unmapped) is not listed again. For JSON the line is where the object of
the region or record starts, checked against the file's own lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cassis
import pytest

from peacetalks.cli import main
from peacetalks.errors import ImportFailed
from peacetalks.interchange.importers.import_layer import import_layer, read_documents
from tests.conftest import DOC, TEXT
from tests.interchange.hostile import _files as f

KEYS = ["file", "row", "code", "record_id"]

# brat: line 1 covers "Trump", not "Trumm"; PERSON is not a scheme label; T3 ends beyond the text;
# E1 names T9, which does not exist; T4 has a space where the TAB belongs (and A1, naming T4, is
# not reported again); Sicherheit is not a column; T5's holder T2 is unmapped (so neither
# holder-not-mention nor its missing holder is listed), but it lacks target, polarity and
# attribution; R2 runs from the mention T1, not from an event trigger.
BRAT_ANN = """T1\tPER 0 5\tTrumm
T2\tPERSON 23 28\tPutin
T3\tCONSULT 6 99999\ttelefonierte
E1\tCONSULT:T3 ACTOR:T1 RECIPIENT:T9
T4\tORG 30 39 Der Kreml
A1\tform T4 NAME
A2\tSicherheit T1 hoch
T5\tstance 0 29\tTrump telefonierte mit Putin.
R1\tholder Arg1:T5 Arg2:T2
R2\tACTOR Arg1:T1 Arg2:T2
"""
BRAT_MAPPING = "labels:\n  stance: stance\n"


def _brat(folder: Path) -> Path:
    f.write(folder / f"{DOC}.txt", TEXT)
    f.write(folder / f"{DOC}.ann", BRAT_ANN)
    f.write(folder / "other.txt", TEXT)
    f.write(folder / "other.ann", "T1\tPER 0 5\tTr\xfcmp\n".encode("latin-1"))  # not UTF-8: this file is not read
    return folder


def _issues(call: Any) -> list[list[Any]]:  # a call that raises ImportFailed
    with pytest.raises(ImportFailed) as exc:
        call()
    rows: list[list[Any]] = exc.value.report.flatten(KEYS)
    return rows


def test_brat_folder_lists_every_problem_of_every_file_at_once(corpus_dir: Path, tmp_path: Path) -> None:
    """Reader, mapping and conversion problems of the .ann, and the unreadable second file, in one run."""
    folder = _brat(tmp_path / "brat")
    mapping = f.write(tmp_path / "mapping.yaml", BRAT_MAPPING)
    before = f.snapshot(corpus_dir)
    ann, other = str(folder / f"{DOC}.ann"), str(folder / "other.ann")
    assert _issues(lambda: import_layer("brat", folder, annotator="anna", root=corpus_dir, mapping_path=mapping)) == [
        [other, 1, "not-utf8", None],
        [ann, 1, "brat-text-mismatch", "T1"],
        [ann, 2, "unmapped-name", "T2"],
        [ann, 3, "brat-span-out-of-bounds", "T3"],
        [ann, 4, "brat-unknown-reference", "E1"],
        [ann, 5, "brat-malformed-line", "T4"],
        [ann, 7, "unmapped-name", "A2"],
        [ann, 8, "stance-incomplete", "T5"],
        [ann, 10, "relation-not-from-event", "R2"],
    ]
    assert f.snapshot(corpus_dir) == before


def test_dangling_links_in_a_brat_folder_are_problems_beside_the_others(corpus_dir: Path, tmp_path: Path) -> None:
    """A .txt or .ann that is a link to nothing is one problem each, listed with the other files' problems.

    Before, the first dangling link stopped the import, and a dangling .ann was taken for a text
    without annotations.
    """
    folder = _brat(tmp_path / "brat")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    f.write(folder / "lost.txt", TEXT)
    (folder / "lost.ann").symlink_to(tmp_path / "nowhere.ann")
    mapping = f.write(tmp_path / "mapping.yaml", BRAT_MAPPING)
    found = _issues(lambda: import_layer("brat", folder, annotator="anna", root=corpus_dir, mapping_path=mapping))
    assert [str(folder / "gone.txt"), None, "broken-symlink", None] in found
    assert [str(folder / "lost.ann"), None, "broken-symlink", None] in found
    assert [str(folder / "other.ann"), 1, "not-utf8", None] in found  # the other files' problems too
    assert [str(folder / f"{DOC}.ann"), 3, "brat-span-out-of-bounds", "T3"] in found


def test_brat_round_trip_reader_lists_the_same_problems(tmp_path: Path) -> None:
    """read_documents (no corpus) lists the same problems: the mapping's and conversion's with the reader's."""
    folder = _brat(tmp_path / "brat")
    (folder / "other.ann").unlink()
    (folder / "other.txt").unlink()
    mapping = f.write(tmp_path / "mapping.yaml", BRAT_MAPPING)
    rows = _issues(lambda: read_documents("brat", folder, mapping_path=mapping))
    assert [(row, code) for _, row, code, _ in rows] == [
        (1, "brat-text-mismatch"),
        (2, "unmapped-name"),
        (3, "brat-span-out-of-bounds"),
        (4, "brat-unknown-reference"),
        (5, "brat-malformed-line"),
        (7, "unmapped-name"),
        (8, "stance-incomplete"),
        (10, "relation-not-from-event"),
    ]


def test_cli_prints_every_kind_of_problem_of_the_first_run(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``peacetalks import brat`` exits 1 and names the text mismatch, the unmapped label and the offset together."""
    folder = _brat(tmp_path / "brat")
    (folder / "other.ann").unlink()
    mapping = f.write(tmp_path / "mapping.yaml", BRAT_MAPPING)
    argv = ["import", "brat", str(folder), "--annotator", "anna", "--mapping", str(mapping), "-r", str(corpus_dir)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    ann = folder / f"{DOC}.ann"
    for key in (
        f"{ann}:1 [brat-text-mismatch] id=T1",
        f"{ann}:2 [unmapped-name] id=T2 column=label",
        f"{ann}:3 [brat-span-out-of-bounds] id=T3",
    ):
        assert key in err, err
    assert "[brat-unknown-reference] id=A1" not in err  # A1 names the malformed T4: not reported again


# Label Studio, pretty-printed as Label Studio exports it. r1 records "Trumm"; r2's label is not in
# the scheme; r3's start is a boolean; r4 ends beyond the text; the relation names r9, which does
# not exist; r1's "Sicherheit" choice is not a column.
LABEL_STUDIO = """[
  {
    "id": 1,
    "data": {"text": "Trump telefonierte mit Putin.\\nDer Kreml bestätigte das Telefonat.", "doc_id": "DOC"},
    "annotations": [
      {
        "completed_by": 7,
        "result": [
          {
            "id": "r1", "type": "labels", "from_name": "label",
            "value": {"start": 0, "end": 5, "text": "Trumm", "labels": ["PER"]}
          },
          {
            "id": "r2", "type": "labels", "from_name": "label",
            "value": {"start": 23, "end": 28, "text": "Putin", "labels": ["PERSON"]}
          },
          {
            "id": "r3", "type": "labels", "from_name": "label",
            "value": {
              "start": true, "end": 39, "text": "Der Kreml", "labels": ["ORG"]
            }
          },
          {
            "id": "r4", "type": "labels", "from_name": "label",
            "value": {"start": 55, "end": 999, "text": "Telefonat", "labels": ["EVENT"]}
          },
          {"id": "r1", "type": "choices", "from_name": "Sicherheit", "value": {"choices": ["hoch"]}},
          {"from_id": "r1", "to_id": "r9", "type": "relation", "labels": ["coref"]}
        ]
      }
    ]
  }
]
""".replace('"DOC"', json.dumps(DOC))


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line of ``text`` holding ``needle``."""
    (found,) = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found


def test_label_studio_lists_every_problem_at_the_line_of_its_region(corpus_dir: Path, tmp_path: Path) -> None:
    """Each problem is at the line where its region's result starts, with the region's id; all in one run."""
    path = f.write(tmp_path / "export.json", LABEL_STUDIO)
    rows = _issues(lambda: import_layer("label-studio", path, annotator="anna", root=corpus_dir))
    file = str(path)
    assert rows == [
        [file, 9, "span-text-mismatch", "r1"],
        [file, 13, "unmapped-name", "r2"],
        [file, 19, "label-studio-malformed", "r3"],
        [file, 23, "span-out-of-bounds", "r4"],
        [file, 27, "unmapped-name", "r1"],
        [file, 28, "label-studio-unknown-reference", "r9"],
    ]
    # the real lines: each result's object opens on the line before its id, or on the id's own line
    assert [_line_of(LABEL_STUDIO, f'"id": "{r}", "type": "labels"') - 1 for r in ("r1", "r2", "r4")] == [9, 13, 23]
    assert _line_of(LABEL_STUDIO, '"start": true') - 1 == 19  # r3's value object, which holds the wrong field
    assert _line_of(LABEL_STUDIO, '"from_name": "Sicherheit"') == 27
    assert _line_of(LABEL_STUDIO, '"to_id": "r9"') == 28


# doccano JSON lines: record 1 has an unmapped label (label2), a span beyond the text (label3) and a
# boolean offset (label4); line 2 is not JSON; the record on line 3 has no text. Only line 1 is the article.
DOCCANO = (
    json.dumps(
        {
            "id": DOC,
            "text": TEXT,
            "label": [[0, 5, "PER"], [23, 28, "PERSON"], [30, 999, "ORG"], [6, True, "CONSULT"]],
        }
    )
    + '\n{"id": "x", "text": \n{"id": "y", "label": []}\n'
)


def test_doccano_lists_every_problem_of_every_line(corpus_dir: Path, tmp_path: Path) -> None:
    """The lines that are read go on past the one that is not JSON; each span's problem names the span."""
    path = f.write(tmp_path / "export.jsonl", DOCCANO)
    file = str(path)
    assert _issues(lambda: import_layer("doccano", path, annotator="anna", root=corpus_dir)) == [
        [file, 1, "span-out-of-bounds", "label3"],
        [file, 1, "unmapped-name", "label2"],
        [file, 1, "doccano-malformed-line", "label4"],
        [file, 2, "doccano-malformed-line", None],
        [file, 3, "doccano-missing-text", None],
    ]


def test_pretty_printed_doccano_reports_the_line_of_the_span_object(corpus_dir: Path, tmp_path: Path) -> None:
    """A doccano file that is one JSON array: a span object's problem is at the line where that object starts."""
    spans = [
        {"id": 11, "start_offset": 0, "end_offset": 5, "label": "PER"},
        {"id": 12, "start_offset": 23, "end_offset": 28, "label": "PERSON"},
        {"id": 13, "start_offset": 30, "end_offset": 999, "label": "ORG"},
    ]
    text = json.dumps([{"id": DOC, "text": TEXT, "entities": spans}], indent=2)
    path = f.write(tmp_path / "export.json", text)
    file = str(path)
    assert _issues(lambda: import_layer("doccano", path, annotator="anna", root=corpus_dir)) == [
        [file, 12, "unmapped-name", "12"],
        [file, 18, "span-out-of-bounds", "13"],
    ]
    assert (_line_of(text, '"id": 12') - 1, _line_of(text, '"id": 13') - 1) == (12, 18)


def _cas_json() -> str:
    """A CAS JSON of the article with four named entities, pretty-printed, then hand-edited."""
    made = f.cas()  # holds PER 0-5 (%ID 2)
    ne = made.typesystem.get_type(f.NE_TYPE)
    made.add(ne(begin=23, end=28, value="PERSON"))  # %ID 3: unmapped
    made.add(ne(begin=30, end=39, value="ORG"))  # %ID 4: its begin becomes 30.5
    made.add(ne(begin=55, end=64, value="EVENT"))  # %ID 5: its end becomes 999
    data = json.loads(made.to_json())
    by_id = {fs["%ID"]: fs for fs in data["%FEATURE_STRUCTURES"]}
    by_id[4]["begin"] = 30.5
    by_id[5]["end"] = 999
    return json.dumps(data, indent=2)


def test_uima_json_lists_every_problem_at_the_line_of_its_feature_structure(corpus_dir: Path, tmp_path: Path) -> None:
    """A wrong type, an unmapped label and an offset beyond the text, each at its structure's line with its %ID."""
    text = _cas_json()
    path = f.write(tmp_path / f"{DOC}.json", text)
    file = str(path)
    at = {n: _line_of(text, f'"%ID": {n},') - 1 for n in (3, 4, 5)}  # the line of each structure's "{"
    assert _issues(lambda: import_layer("uima-json", path, annotator="anna", root=corpus_dir)) == [
        [file, at[3], "unmapped-name", "3"],
        [file, at[4], "uima-malformed", "4"],
        [file, at[5], "span-out-of-bounds", "5"],
    ]
    assert list(at.values()) == [28, 36, 44]


def test_uima_xmi_lists_mapping_and_conversion_problems_together(corpus_dir: Path, tmp_path: Path) -> None:
    """An unmapped label, an unmapped feature and a relation from a mention, in one run with their xmi:ids.

    XMI has no lines to give (INCEpTION writes it on one line); an offset beyond the text makes
    cassis refuse the file (``uima-unreadable``), so it is not one of the problems here.
    """
    ts = cassis.TypeSystem()
    ne = ts.create_type(f.NE_TYPE, supertypeName="uima.tcas.Annotation")
    ts.create_feature(ne, "value", "uima.cas.String")
    ts.create_feature(ne, "Sicherheit", "uima.cas.String")  # not a column
    rel = ts.create_type("webanno.custom.Relation", supertypeName="uima.tcas.Annotation")
    ts.create_feature(rel, "Governor", f.NE_TYPE)
    ts.create_feature(rel, "Dependent", f.NE_TYPE)
    ts.create_feature(rel, "value", "uima.cas.String")
    made = cassis.Cas(typesystem=ts)
    made.sofa_string = TEXT
    trump = ne(begin=0, end=5, value="PER", Sicherheit="hoch")
    putin = ne(begin=23, end=28, value="PERSON")  # not a scheme label
    link = rel(begin=23, end=28, Governor=trump, Dependent=putin, value="ACTOR")  # from a mention, not an event
    for fs in (trump, putin, link):
        made.add(fs)
    folder = tmp_path / "xmi"
    f.write(folder / "TypeSystem.xml", ts.to_xml())
    path = f.write(folder / f"{DOC}.xmi", made.to_xmi())
    file = str(path)
    assert _issues(lambda: import_layer("uima-xmi", path, annotator="anna", root=corpus_dir)) == [
        [file, None, "relation-not-from-event", str(link.xmiID)],
        [file, None, "unmapped-name", str(trump.xmiID)],  # column attribute
        [file, None, "unmapped-name", str(putin.xmiID)],  # column label
    ]


def test_webanno_tsv_lists_row_text_and_mapping_problems_together(corpus_dir: Path, tmp_path: Path) -> None:
    """A token whose form is not its text, an unmapped value and a row with a column missing, in one run."""
    lines = f.webanno_lines()
    lines[5] = "1-1\t0-5\tTrumm\tPER\t"
    lines[8] = "1-4\t23-28\tPutin\tPERSON\t"
    lines[13] = "2-2\t34-39\tKreml"
    path = f.write(tmp_path / f"{DOC}.tsv", "\n".join(lines) + "\n")
    file = str(path)
    assert _issues(lambda: import_layer("webanno-tsv", path, annotator="anna", root=corpus_dir)) == [
        [file, 6, "webanno-tsv-text-mismatch", "1-1"],
        [file, 9, "unmapped-name", "0:1-4.0"],
        [file, 14, "webanno-tsv-malformed-line", "2-2"],
    ]
