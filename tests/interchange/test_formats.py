"""Malformed input is reported with file, line (or record) and a stable code, and imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import ImportFailed
from peacetalks.interchange.importers.brat import parse_brat_text
from peacetalks.interchange.importers.import_layer import parse_export
from tests.conftest import TEXT

TSV_HEAD = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=Trump telefonierte\n"


@pytest.mark.parametrize(
    ("ann", "expected"),
    [
        ("T1\tPER 0 5\tTrump\nE1\tCONSULT:T7 ACTOR:T1\n", [[2, "E1", "brat-unknown-reference"]]),
        ("T1\tPER 0 500\tTrump\n", [[1, "T1", "brat-span-out-of-bounds"]]),
        ("T1\tPER 0 5\tTrumpf\n", [[1, "T1", "brat-text-mismatch"]]),
        ("T1\tPER 5 0\tTrump\n", [[1, "T1", "brat-malformed-line"]]),
        ("X1\tfoo\n", [[1, "X1", "brat-malformed-line"]]),
        ("T1\tPER 0 5\tTrump\nA1\tform T1 NAME extra\n", [[2, "A1", "brat-malformed-line"]]),
        ("T1\tPER 0 5\tTrump\nR1\tREL Arg1:T1\n", [[2, "R1", "brat-malformed-line"]]),
    ],
)
def test_brat_problems_have_line_and_code(ann: str, expected: list[list[object]]) -> None:
    """Each brat problem names its line and annotation id."""
    _, issues = parse_brat_text(ann, TEXT, doc_id="d")
    assert [[i.row, i.record_id, i.code] for i in issues] == expected


def test_brat_folder_with_ann_but_no_txt(tmp_path: Path) -> None:
    """An .ann without its .txt is brat-missing-text."""
    (tmp_path / "a.ann").write_text("T1\tPER 0 5\tTrump\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        parse_export("brat", tmp_path)
    assert exc.value.report.codes() == ["brat-missing-text"]


@pytest.mark.parametrize(
    ("fmt", "name", "content", "expected"),
    [
        (
            "doccano",
            "x.jsonl",
            '{"text": "ab", "label": []}\n{"text": "ab", \n',
            [[2, "doccano-malformed-line"]],
        ),
        ("doccano", "x.jsonl", '{"text": "ab", "label": [[0, 5, "PER"]]}\n', [[1, "span-out-of-bounds"]]),
        ("doccano", "x.jsonl", '{"text": "ab", "label": [[0, "x", "PER"]]}\n', [[1, "doccano-malformed-line"]]),
        ("label-studio", "x.json", '[{"data": {"text": "ab"},\n "annotations": [}]', [[2, "label-studio-malformed"]]),
        (
            "label-studio",
            "x.json",
            '[{"data": {"text": "ab"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0}}]}]}]',
            [[1, "label-studio-malformed"]],
        ),
        (
            "webanno-tsv",
            "x.tsv",
            TSV_HEAD + "1-1\t0-5\tTrump\t*\n1-2\t6-18\ttelefonierte\n",
            [[7, "webanno-tsv-malformed-line"]],
        ),
        (
            "webanno-tsv",
            "x.tsv",
            TSV_HEAD + "1-1\t0-5\tTrumm\t*\n1-2\t6-18\ttelefonierte\t_\n",
            [[6, "webanno-tsv-text-mismatch"]],
        ),
        ("webanno-tsv", "x.tsv", "#FORMAT=WebAnno TSV 2\n", [[1, "webanno-tsv-unsupported-version"]]),
        ("uima-json", "x.json", "{not json", [[1, "uima-unreadable"]]),
        ("doccano", "x.jsonl", "\ufeff".encode("utf-16-le").decode("latin-1") + "a", [[1, "not-utf8"]]),
    ],
)
def test_malformed_files_report_line_and_code(
    fmt: str, name: str, content: str, expected: list[list[object]], tmp_path: Path
) -> None:
    """Each malformed file is one ImportFailed with the issue's line (record) and code."""
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if "not-utf8" in str(expected) else content.encode("utf-8"))
    with pytest.raises(ImportFailed) as exc:
        parse_export(fmt, path)
    assert exc.value.report.flatten(["row", "code"]) == expected
    assert all(i.file == str(path) for i in exc.value.report.issues)


def test_webanno_tsv_gap_between_sentences_takes_the_articles_whitespace(tmp_path: Path) -> None:
    """The text between sentences is not in a TSV file: its gap is recorded and filled with spaces."""
    path = tmp_path / "x.tsv"
    path.write_text(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=Trump telefonierte\n"
        "1-1\t0-5\tTrump\tPER\n1-2\t6-18\ttelefonierte\t_\n\n#Text=mit\n2-1\t19-22\tmit\t_\n",
        encoding="utf-8",
    )
    (doc,) = parse_export("webanno-tsv", path)
    assert (doc.text, doc.gaps) == ("Trump telefonierte mit", [(18, 19)])


def test_webanno_tsv_slots_of_a_multi_token_host_are_read_once(tmp_path: Path) -> None:
    """INCEpTION repeats a host's slots on every row it covers; a host without slots writes `_[n]` and `*`."""
    path = tmp_path / "x.tsv"
    head = (
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|\n"
        "#T_SP=webanno.custom.Host|ROLE_webanno.custom.Host:links_webanno.custom.HostLinksLink|uima.tcas.Annotation\n"
        "\n\n#Text=Trump telefonierte mit Putin\n"
    )
    rows = [
        "1-1\t0-5\tTrump\t*[1]\t_[3]\t*\t",
        "1-2\t6-18\ttelefonierte\t_\tp1[2]\t1-4[4]\t",
        "1-3\t19-22\tmit\t_\tp1[2]\t1-4[4]\t",
        "1-4\t23-28\tPutin\t*[4]\t_\t_\t",
    ]
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    (doc,) = parse_export("webanno-tsv", path)
    assert [(e.id, e.arguments) for e in doc.events] == [("1:2", [("p1", "0:4")])]
    assert sorted((s.label, s.start, s.end) for s in doc.spans) == [
        ("Host", 0, 5),
        ("Host", 6, 22),
        ("Span", 0, 5),
        ("Span", 23, 28),
    ]
