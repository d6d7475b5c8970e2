"""`peacetalks import` writes a validated annotator layer and never touches gold."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ImportFailed, InterchangeError
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.schema.tables import ANNOTATION_TABLES, ARGUMENTS, ENTITIES, EVENTS, NOTES
from peacetalks.storage.parquet import read_table
from tests.conftest import DOC, TEXT
from tests.interchange._brat import ANN, write_brat


def _gold_bytes(root: Path) -> dict[str, bytes]:
    return {t.name: t.path(root).read_bytes() for t in ANNOTATION_TABLES}


def test_brat_import_writes_a_valid_layer_and_leaves_gold_alone(corpus_dir: Path, tmp_path: Path) -> None:
    """Mentions, the event with its arguments and attributes land in annotations/layers/NAME; gold is unchanged."""
    gold = _gold_bytes(corpus_dir)
    ann = write_brat(tmp_path / "export")
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert result.documents == [DOC]
    assert result.counts == {"entities": 3, "events": 1, "event_arguments": 2, "stances": 0, "notes": 1}
    assert _gold_bytes(corpus_dir) == gold
    assert read_table(corpus_dir, NOTES, "anna").select("note_id", "kind", "item_id", "text").rows() == [
        ("#1", "entities", "T4", "der Kreml als Akteur")
    ]
    events = read_table(corpus_dir, EVENTS, "anna")
    assert events.select("event_id", "trigger_text", "category", "mode", "context", "realis").rows() == [
        ("E1", "telefonierte", "CONSULT", "phone", ["diplomatic"], "ACTUAL")
    ]
    args = read_table(corpus_dir, ARGUMENTS, "anna").sort("argument_id")
    assert args.select("argument_id", "role", "mention_id").rows() == [("E1.1", "ACTOR", "T1"), ("E1.2", "ACTOR", "T2")]
    ents = read_table(corpus_dir, ENTITIES, "anna").sort("start")
    assert ents["text"].to_list() == ["Trump", "Putin", "Der Kreml"]
    assert ents["form"].to_list() == ["NAME", "NAME", "NAME"]


def test_invalid_layer_is_written_and_its_problems_reported(corpus_dir: Path, tmp_path: Path) -> None:
    """A layer that parses but breaks a scheme rule is written, and validation reports the rule (CLI exit 1)."""
    ann = write_brat(tmp_path / "export", ann="T1\tPER 0 5\tTrump\n")
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)
    assert result.report.flatten(["row", "column", "code"]) == [[0, "form", "form-mismatch"]]
    res = CliRunner().invoke(app, ["import", "brat", str(ann), "--annotator", "anna", "--root", str(corpus_dir)])
    assert res.exit_code == 1
    assert "[form-mismatch]" in res.stdout


def test_reimport_replaces_the_documents_rows(corpus_dir: Path, tmp_path: Path) -> None:
    """Importing the same article again replaces its rows in the layer instead of adding to them."""
    ann = write_brat(tmp_path / "export")
    import_layer("brat", ann, annotator="anna", root=corpus_dir)
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)
    assert result.report.valid
    assert read_table(corpus_dir, ENTITIES, "anna").height == 3


def test_text_mismatch_shows_where_texts_diverge_and_writes_nothing(corpus_dir: Path, tmp_path: Path) -> None:
    """A tool text that is not the article's is a text-mismatch error at the first differing character."""
    changed = TEXT.replace("Putin", "Putim")
    ann = write_brat(tmp_path / "export", ann="T1\tPER 0 5\tTrump\n", text=changed)
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", ann, annotator="anna", root=corpus_dir)
    issues = exc.value.report.issues
    assert [(i.code, i.doc_id) for i in issues] == [("text-mismatch", DOC)]
    assert "character 27 (line 1, column 28)" in issues[0].message
    assert not (corpus_dir / "annotations" / "layers" / "anna").exists()


def test_crlf_text_offsets_are_converted_and_noted(corpus_dir: Path, tmp_path: Path) -> None:
    """A tool text with CR LF line ends matches; its offsets after the line break move back by one, with a note."""
    crlf = TEXT.replace("\n", "\r\n")
    ann = write_brat(tmp_path / "export", ann="T1\tORG 31 40\tDer Kreml\n", text=crlf)
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)
    ents = read_table(corpus_dir, ENTITIES, "anna")
    assert ents.select("start", "end", "text").rows() == [(30, 39, "Der Kreml")]
    assert len(result.notes) == 1


def test_unknown_article_is_an_error_unless_doc_is_given(corpus_dir: Path, tmp_path: Path) -> None:
    """A file named for no article is matched by its text; --doc names the article explicitly."""
    ann = write_brat(tmp_path / "export", name="irgendwas")
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)  # matched by text
    assert result.documents == [DOC]
    other = write_brat(tmp_path / "other", text="Ganz anderer Text.", ann="", name="irgendwas")
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", other, annotator="anna", root=corpus_dir)
    assert exc.value.report.codes() == ["unknown-article"]


def test_gold_is_not_an_annotator_name(corpus_dir: Path, tmp_path: Path) -> None:
    """--annotator gold is refused: import never writes gold."""
    ann = write_brat(tmp_path / "export")
    with pytest.raises(InterchangeError) as exc:
        import_layer("brat", ann, annotator="gold", root=corpus_dir)
    assert exc.value.code == "bad-annotator"


@pytest.mark.parametrize(
    ("fmt", "options", "code", "option"),
    [
        ("xml", {}, "unknown-format", None),
        ("brat", {"user": "anna"}, "option-not-applicable", "user"),
        ("doccano", {"typesystem": Path("TypeSystem.xml")}, "option-not-applicable", "typesystem"),
    ],
)
def test_bad_import_arguments_have_codes_and_name_the_parameter(
    corpus_dir: Path, tmp_path: Path, fmt: str, options: dict[str, object], code: str, option: str | None
) -> None:
    """The error names the Python parameter (data["option"]), never a CLI flag."""
    ann = write_brat(tmp_path / "export")
    with pytest.raises(InterchangeError) as exc:
        import_layer(fmt, ann, annotator="anna", root=corpus_dir, **options)  # type: ignore[arg-type]
    assert (exc.value.code, exc.value.data.get("option")) == (code, option)
    assert "--" not in exc.value.message


def test_a_missing_input_is_input_not_found(corpus_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InterchangeError) as exc:
        import_layer("brat", tmp_path / "nothing", annotator="anna", root=corpus_dir)
    assert (exc.value.code, exc.value.path) == ("input-not-found", str(tmp_path / "nothing"))


def test_cli_import_reports_counts_and_validity(corpus_dir: Path, tmp_path: Path) -> None:
    """The CLI prints what it imported and exits 0 for a valid layer."""
    ann = write_brat(tmp_path / "export")
    runner = CliRunner()
    res = runner.invoke(app, ["import", "brat", str(ann), "--annotator", "anna", "--root", str(corpus_dir)])
    assert res.exit_code == 0, res.output
    assert "imported 1 document into" in res.stdout
    assert "3 entities, 1 event, 2 event_arguments, 0 stances" in res.stdout


def test_cli_import_failure_lists_file_and_line(corpus_dir: Path, tmp_path: Path) -> None:
    """A malformed line exits 1 naming the file and line with its code; nothing is written."""
    ann = write_brat(tmp_path / "export", ann=ANN + "T9\tPER x y\tTrump\n")
    from peacetalks.cli import main

    code = main(["import", "brat", str(ann), "--annotator", "anna", "--root", str(corpus_dir)])
    assert code == 1
    assert not (corpus_dir / "annotations" / "layers" / "anna").exists()


def test_decomposed_text_is_refused_not_shifted(corpus_dir: Path, tmp_path: Path) -> None:
    """A tool text in NFD equals the article after normalisation, but offsets would move: text-not-normalised."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", TEXT)
    assert nfd != TEXT
    ann = write_brat(tmp_path / "export", ann="T1\tPER 0 5\tTrump\n", text=nfd)
    with pytest.raises(ImportFailed) as exc:
        import_layer("brat", ann, annotator="anna", root=corpus_dir)
    assert exc.value.report.codes() == ["text-not-normalised"]


def test_read_documents_needs_no_corpus(tmp_path: Path) -> None:
    """read_documents gives scheme documents on the file's own text, named by the file."""
    from peacetalks.interchange.importers.import_layer import read_documents

    (doc,) = read_documents("brat", write_brat(tmp_path / "export"))
    assert (doc.doc_id, doc.text) == (DOC, TEXT)
    assert [len(doc.mentions), len(doc.events), len(doc.arguments)] == [3, 1, 2]


def test_brat_text_with_a_byte_order_mark_keeps_its_offsets_right(corpus_dir: Path, tmp_path: Path) -> None:
    """brat counts a BOM at the start of the .txt; the import drops it and moves offsets back by one, with a note."""
    ann = write_brat(tmp_path / "export", ann="T1\tORG 31 40\tDer Kreml\nA1\tform T1 NAME\n", text="\ufeff" + TEXT)
    result = import_layer("brat", ann, annotator="anna", root=corpus_dir)
    assert result.report.valid
    ents = read_table(corpus_dir, ENTITIES, "anna")
    assert ents.select("start", "end", "text").rows() == [(30, 39, "Der Kreml")]
    assert len(result.notes) == 1
