"""Each hostile export fails with its code through the library and the CLI, and the corpus is left as it was.

Every case here failed on the code before issue 16: a traceback (TypeError, AttributeError,
ValueError, RecursionError), or an import that went through (UTF-16 XMI, Arabic-Indic digits,
overlapping fragments, a boolean offset) or wrote an empty layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peacetalks.cli import main
from peacetalks.errors import ImportFailed, PeaceTalksError
from peacetalks.interchange import _input
from peacetalks.interchange.importers.import_layer import import_layer
from tests.conftest import DOC, TEXT
from tests.interchange.hostile import _files as f

Build = Callable[[Path], tuple[str, Path, dict[str, Any]]]


def _ls(mutate: Callable[[dict[str, Any]], object]) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        task = f.label_studio_task()
        mutate(task)
        return "label-studio", f.write(folder / "export.json", json.dumps([task])), {}

    return build


def _result(task: dict[str, Any], i: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = task["annotations"][0]["result"][i]
    return found


def _doccano(mutate: Callable[[dict[str, Any]], object]) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        rec = f.doccano_record()
        mutate(rec)
        return "doccano", f.write(folder / "export.jsonl", json.dumps(rec) + "\n"), {}

    return build


def _raw(fmt: str, name: str, content: str | bytes, **kwargs: Any) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        return fmt, f.write(folder / name, content), kwargs

    return build


def _brat(lines: list[str] | str, *, name: str = DOC) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        return "brat", f.write_brat(folder, lines, name=name), {}

    return build


def _tsv(replace: tuple[str, str]) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        content = "\n".join(f.webanno_lines()) + "\n"
        return "webanno-tsv", f.write(folder / f"{DOC}.tsv", content.replace(*replace)), {}

    return build


def _uima_json(mutate: Callable[[dict[str, Any]], object]) -> Build:
    def build(folder: Path) -> tuple[str, Path, dict[str, Any]]:
        data = f.uima_json()
        mutate(data)
        return "uima-json", f.write(folder / f"{DOC}.json", json.dumps(data)), {}

    return build


def _xmi_utf16(folder: Path) -> tuple[str, Path, dict[str, Any]]:
    return "uima-xmi", f.write_xmi(folder, encoding="utf-16"), {}


def _set(path: list[Any], value: object) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:  # any JSON value
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return mutate


def _entity(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["%FEATURE_STRUCTURES"][1]
    return found


BIG_DOCCANO = '{"text": "a", "label": [[' + "1" * 5000 + ', 2, "PER"]]}\n'
ANN0 = ["annotations", 0]
R0 = [*ANN0, "result", 0]

CASES: list[tuple[str, Build, str, list[str]]] = [
    # Label Studio: wrong types, depth, cancelled and filtered annotations, unsafe ids
    ("ls-value-string", _ls(_set([*R0, "value"], "abc")), "label-studio-malformed", []),
    ("ls-value-list", _ls(_set([*R0, "value"], [0, 5])), "label-studio-malformed", []),
    ("ls-choices-int", _ls(_set([*ANN0, "result", 2, "value", "choices"], 5)), "label-studio-malformed", []),
    ("ls-start-boolean", _ls(_set([*R0, "value", "start"], False)), "label-studio-malformed", []),
    ("ls-annotations-object", _ls(_set(["annotations"], {"result": []})), "label-studio-malformed", []),
    ("ls-only-cancelled", _ls(_set([*ANN0, "was_cancelled"], True)), "import-empty", []),
    ("ls-user-nobody", _ls(lambda _t: None), "import-empty", ["--user", "nobody"]),
    ("ls-doc-id-traversal", _ls(_set(["data", "doc_id"], "../../elsewhere/x")), "bad-name", []),
    ("ls-doc-id-escape", _ls(_set(["data", "doc_id"], "x\x1b[2Jy")), "bad-name", []),
    ("ls-deep-arrays", _raw("label-studio", "deep.json", "[" * 100_000 + "]" * 100_000), "json-too-deep", []),
    ("ls-5000-digit-id", _raw("label-studio", "big.json", '[{"id": ' + "7" * 5000 + "}]"), "offset-too-large", []),
    ("ls-empty-list", _raw("label-studio", "empty.json", "[]"), "import-empty", []),
    ("ls-path-is-a-folder", lambda folder: ("label-studio", folder, {}), "not-a-file", []),
    # doccano
    ("doccano-label-int", _doccano(_set(["label"], 3)), "doccano-malformed-line", []),
    ("doccano-annotations-int", _doccano(_set(["annotations"], 3)), "doccano-malformed-line", []),
    ("doccano-relations-int", _doccano(_set(["relations"], 3)), "doccano-malformed-line", []),
    ("doccano-cats-int", _doccano(_set(["cats"], 3)), "doccano-malformed-line", []),
    ("doccano-offset-boolean", _doccano(_set(["label", 0, 1], True)), "doccano-malformed-line", []),
    ("doccano-empty-file", _raw("doccano", "empty.jsonl", ""), "import-empty", []),
    (
        "doccano-5000-digits",
        _raw("doccano", "big.jsonl", '{"text": "a", "label": [[' + "1" * 5000 + ', 2, "PER"]]}\n'),
        "offset-too-large",
        [],
    ),
    # brat
    ("brat-arabic-indic-digits", _brat(["T1\tPER \u0660 5\tTrump"]), "brat-malformed-line", []),
    ("brat-overlapping-fragments", _brat(["T1\tPER 0 5;3 8"]), "brat-malformed-line", []),
    ("brat-5000-digit-offset", _brat(["T1\tPER 0 " + "9" * 5000 + "\tTrump"]), "offset-too-large", []),
    ("brat-empty-ann", _brat(""), "import-empty", []),
    ("brat-name-with-escape", _brat(f.brat_lines(), name="doc\x1b[31m"), "bad-name", []),
    # WebAnno TSV: an offset beyond the limit would make a text of that many characters
    ("tsv-offset-15-million", _tsv(("1-5\t28-29", "1-5\t15000000-15000001")), "offset-too-large", []),
    ("tsv-5000-digit-offset", _tsv(("1-5\t28-29", "1-5\t28-" + "9" * 5000)), "offset-too-large", []),
    # UIMA
    ("uima-begin-float", _uima_json(lambda d: _entity(d).update(begin=0.5)), "uima-malformed", []),
    ("uima-end-string", _uima_json(lambda d: _entity(d).update(end="5")), "uima-malformed", []),
    ("uima-xmi-utf16", _xmi_utf16, "not-utf8", []),
]


def _codes(exc: PeaceTalksError) -> set[str]:
    if isinstance(exc, ImportFailed):
        return {i.code for i in exc.report.issues}
    return {exc.code}


@pytest.mark.parametrize(("build", "code", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_export_fails_with_its_code_and_writes_nothing(
    build: Build, code: str, args: list[str], corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The library raises an error holding ``code``; nothing in the corpus folder changes."""
    fmt, path, kwargs = build(tmp_path_factory.mktemp("export"))
    before = f.snapshot(corpus_dir)
    user = args[1] if args[:1] == ["--user"] else None
    with pytest.raises(PeaceTalksError) as exc:
        import_layer(fmt, path, annotator="anna", root=corpus_dir, user=user, **kwargs)
    assert code in _codes(exc.value)
    assert f.snapshot(corpus_dir) == before


@pytest.mark.parametrize(("build", "code", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_export_cli_exits_1_with_the_code(
    build: Build,
    code: str,
    args: list[str],
    corpus_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``peacetalks import`` exits 1 naming the code, prints no traceback and at most a few kB, writes nothing."""
    fmt, path, _ = build(tmp_path_factory.mktemp("export"))
    before = f.snapshot(corpus_dir)
    argv = ["import", fmt, str(path), "--annotator", "anna", "--root", str(corpus_dir), *args]
    assert main(argv) == 1
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert f"[{code}]" in printed
    assert "Traceback" not in printed
    assert len(printed) < 5_000
    assert f.snapshot(corpus_dir) == before


def test_allow_empty_writes_the_empty_layer(corpus_dir: Path, tmp_path: Path) -> None:
    """With allow_empty an empty export is imported: the layer exists and holds no rows."""
    ann = f.write_brat(tmp_path / "export", "")
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir, allow_empty=True)
    assert result.counts == {"entities": 0, "events": 0, "event_arguments": 0, "stances": 0}
    assert (corpus_dir / "annotations" / "layers" / "anna" / "entities.parquet").exists()


def test_the_well_shaped_exports_import(corpus_dir: Path, tmp_path: Path) -> None:
    """The control: the unmutated exports the cases start from import cleanly, so each case fails for its mutation."""
    builds: list[Build] = [_ls(lambda _t: None), _doccano(lambda _r: None), _brat(f.brat_lines())]
    builds += [_tsv(("", "")), _uima_json(lambda _d: None)]
    for i, build in enumerate(builds):
        fmt, path, kwargs = build(tmp_path / str(i))
        result = import_layer(fmt, path, annotator=f"a{i}", root=corpus_dir, **kwargs)
        assert result.counts["entities"] >= 1, fmt
    fmt, path, _ = "uima-xmi", f.write_xmi(tmp_path / "xmi"), {}
    assert import_layer(fmt, path, annotator="xmi", root=corpus_dir).counts["entities"] == 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """input-too-large names the file and the limit; the corpus is unchanged."""
    monkeypatch.setattr(_input, "MAX_INPUT_BYTES", 100)
    path = f.write(tmp_path / "export.jsonl", json.dumps(f.doccano_record()) + "\n")
    before = f.snapshot(corpus_dir)
    with pytest.raises(ImportFailed) as exc:
        import_layer("doccano", path, annotator="anna", root=corpus_dir)
    assert exc.value.report.flatten(["file", "code"]) == [[str(path), "input-too-large"]]
    assert f.snapshot(corpus_dir) == before


def test_non_utf8_names_the_line_and_byte_offset(tmp_path: Path) -> None:
    """A latin-1 byte is reported at its line and byte offset; a UTF-16 byte-order mark is named as such."""
    path = f.write(tmp_path / "x.jsonl", ('{"text": "ok"}\n{"text": "Gr' + "\xfc" + 'n"}\n').encode("latin-1"))
    with pytest.raises(ImportFailed) as exc:
        import_layer("doccano", path, annotator="anna", root=tmp_path)
    (issue,) = exc.value.report.issues
    assert (issue.code, issue.row) == ("not-utf8", 2)
    assert "byte 0xfc at byte offset 27" in issue.message
    utf16 = f.write(tmp_path / "y.json", json.dumps([f.label_studio_task()]).encode("utf-16"))
    with pytest.raises(ImportFailed) as exc:
        import_layer("label-studio", utf16, annotator="anna", root=tmp_path)
    assert "UTF-16" in exc.value.report.issues[0].message


def test_wrong_type_names_the_record_field_and_expected_type(tmp_path: Path) -> None:
    """A wrong type is reported at the line of the object holding it, with the region's id, the field's path,
    what was expected and what was found."""
    task = f.label_studio_task()
    task["annotations"][0]["result"][1]["value"]["start"] = True
    text = json.dumps([f.label_studio_task(), task], indent=2)
    path = f.write(tmp_path / "export.json", text)
    with pytest.raises(ImportFailed) as exc:
        import_layer("label-studio", path, annotator="anna", root=tmp_path)
    (issue,) = exc.value.report.issues
    lines = text.splitlines()
    bad = next(n for n, line in enumerate(lines, start=1) if '"start": true' in line)
    assert lines[bad - 2].strip() == '"value": {'  # the object holding the field starts on the line above
    assert (issue.row, issue.record_id, issue.column) == (bad - 1, "r2", "annotations[0].result[1].value.start")
    assert "expected a valid integer, found boolean True" in issue.message


def test_text_of_a_document_never_exceeds_the_limit(tmp_path: Path) -> None:
    """A 100-byte TSV cannot build a text longer than MAX_TEXT_CHARS: its offsets are refused first."""
    lines = f.webanno_lines()[:6]
    lines[5] = "1-1\t1500000000-1500000005\tTrump\tPER\t"
    path = f.write(tmp_path / "x.tsv", "\n".join(lines) + "\n")
    assert path.stat().st_size < 200
    with pytest.raises(ImportFailed) as exc:
        import_layer("webanno-tsv", path, annotator="anna", root=tmp_path)
    assert exc.value.report.flatten(["row", "code"]) == [[6, "offset-too-large"]]
    assert TEXT  # the article is untouched by construction: the corpus is never read before parsing
