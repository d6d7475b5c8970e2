"""Annotation coverage: an article without complete gold never reaches a config or an export as negatives.

The issue's scenario on a copy of the bundled corpus: ingest a (synthetic) article nobody has annotated,
validate, split, release. Its status is kept by each command, `documents` shows it, nothing else has it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app, main
from peacetalks.errors import ReleaseError, StatusError
from peacetalks.ingest.ingest import ingest
from peacetalks.ingest.splits import split_corpus
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.loading.configs import build_config
from peacetalks.loading.tokens import token_rows
from peacetalks.release.build import build_release
from peacetalks.schema.tables import ARTICLES, BLOCKS, ENTITIES, STATUS
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.status import read_status, set_status
from peacetalks.validation.validate import validate
from tests.conftest import PROJECT

SEED_DOC = "tagesschau-2025-02-12-trump-und-putin-sprechen-ueber-ukraine"
NEW_DOC = "tagesschau-2025-03-01-gespraeche-in-genf-ohne-ergebnis"
# A synthetic article in the raw form: image line, kicker + headline, teaser, paragraphs (11 sentences).
RAW = """![Ein Konferenzsaal | dpa Ein Konferenzsaal](https://example.org/saal.jpg)
Genf Gespräche in Genf ohne Ergebnis
Die Delegationen haben sich in Genf getroffen. Eine Einigung gab es nicht.
Die Vertreter beider Seiten sprachen mehrere Stunden. Danach reisten sie ab. Ein neuer Termin steht nicht fest.
Beobachter zeigten sich enttäuscht. Sie hatten mehr erwartet. Die Vermittler wollen es erneut versuchen.
Ausblick
Im Frühjahr soll es weitere Treffen geben. Der Ort ist noch offen.
"""
TODAY = dt.date(2026, 1, 1)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the bundled corpus (the seed, gold adjudicated) plus a new article nobody has annotated."""
    root = tmp_path / "corpus-copy"
    shutil.copytree(PROJECT / "corpus", root / "corpus", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(PROJECT / "annotations", root / "annotations")
    raw = tmp_path / "genf.txt"
    raw.write_text(RAW, encoding="utf-8")
    result = ingest(raw, root=root, source="tagesschau", published=dt.date(2025, 3, 1), kicker="Genf", today=TODAY)
    assert (result.doc_id, result.status) == (NEW_DOC, "added")
    return root


def _statuses(root: Path, layer: str | None = None) -> dict[tuple[str, str], str]:
    return {(d, k): s for d, k, s in read_status(root, layer).select("doc_id", "kind", "status").iter_rows()}


def test_ingest_gives_a_new_article_not_started_everywhere(corpus: Path) -> None:
    for layer in (None, "annotator-a", "annotator-b"):
        statuses = _statuses(corpus, layer)
        assert {k: statuses[(NEW_DOC, k)] for k in ("entities", "events", "stances")} == dict.fromkeys(
            ("entities", "events", "stances"), "not-started"
        )
        seed = "adjudicated" if layer is None else "complete"
        assert {statuses[(SEED_DOC, k)] for k in ("entities", "events", "stances")} == {seed}  # untouched


def test_validate_warns_and_strict_fails(corpus: Path) -> None:
    report = validate(corpus)
    assert report.valid
    assert report.flatten(["doc_id", "record_id", "code"]) == [
        [NEW_DOC, kind, "incomplete-gold"] for kind in ("entities", "events", "stances")
    ]
    assert {i.severity for i in report.issues} == {"warning"}
    runner = CliRunner()
    plain = runner.invoke(app, ["validate", "--root", str(corpus)])
    assert plain.exit_code == 0, plain.output
    assert f"warning [incomplete-gold] doc={NEW_DOC} id=entities" in plain.stdout
    assert "valid: 3 warnings" in plain.stderr
    strict = runner.invoke(app, ["validate", "--root", str(corpus), "--strict"])
    assert strict.exit_code == 1
    assert "invalid (--strict): 3 warnings" in strict.stderr
    as_json = json.loads(runner.invoke(app, ["validate", "--root", str(corpus), "--format", "json"]).stdout)
    assert (as_json["valid"], as_json["errors"], as_json["warnings"]) == (True, 0, 3)
    assert {i["severity"] for i in as_json["issues"]} == {"warning"}


def test_an_error_still_fails_without_strict(corpus: Path) -> None:
    status = read_table(corpus, STATUS)
    write_tables(corpus, {STATUS: status.with_columns(pl.lit("done").alias("status"))})
    report = validate(corpus)
    assert not report.valid
    assert "value-not-in-scheme" in report.codes()
    result = CliRunner().invoke(app, ["validate", "--root", str(corpus)])
    assert result.exit_code == 1
    assert "invalid: 6 errors and 6 warnings" in result.stderr


def test_release_leaves_the_unannotated_article_out_of_every_config_but_documents(corpus: Path, tmp_path: Path) -> None:
    split_corpus(corpus)
    result = build_release(corpus, "0.2.0", tmp_path / "dist")
    folder = result.folder
    seen: dict[str, set[str]] = {}
    for config in ("documents", "entities", "events", "stances", "tokens"):
        files = sorted((folder / "data" / config).glob("*.parquet"))
        seen[config] = {d for f in files for d in pq.read_table(f, columns=["doc_id"]).column("doc_id").to_pylist()}
    assert seen["documents"] == {SEED_DOC, NEW_DOC}
    for config in ("entities", "events", "stances", "tokens"):
        assert seen[config] == {SEED_DOC}, config
    # the corpus's own tokens config: no sentence of the new article (it has 11)
    tokens = build_config("tokens", corpus)
    assert NEW_DOC not in {d for t in tokens.values() for d in t.column("doc_id").to_pylist()}
    documents = {r["doc_id"]: r for t in build_config("documents", corpus).values() for r in t.to_pylist()}
    assert documents[NEW_DOC]["entities_status"] == 0  # not-started
    assert documents[SEED_DOC]["entities_status"] == 3  # adjudicated
    changelog = (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "### Annotation coverage" in changelog
    assert "| entities | 1 | 1 | 1 | 0 | 0 | 1 | 0 |" in changelog
    card = (folder / "README.md").read_text(encoding="utf-8")
    release_part = card[card.index("## Release 0.2.0") :]
    assert "### Annotation coverage" in release_part
    assert "| stances | 1 | 1 | 1 | 0 | 0 | 1 | 0 |" in release_part
    assert (folder / "tables" / "annotations" / "status.parquet").is_file()


def test_release_refuses_an_article_in_no_status(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = read_table(corpus, STATUS)
    write_tables(corpus, {STATUS: status.filter((pl.col("doc_id") != NEW_DOC) | (pl.col("kind") != "events"))})
    with pytest.raises(ReleaseError) as caught:
        build_release(corpus, "0.2.0", tmp_path / "dist")
    assert caught.value.code == "missing-status"
    assert caught.value.data["kinds"] == {NEW_DOC: ["events"]}
    assert not (tmp_path / "dist" / "v0.2.0").exists()
    assert main(["release", "--root", str(corpus), "--version", "0.2.0", "--out", str(tmp_path / "d")]) == 1
    err = capsys.readouterr().err
    assert "[missing-status] 1 article(s) have no annotation status" in err
    assert f"{NEW_DOC} (events)" in err
    assert "hint: give each a status with 'peacetalks status set DOC_ID --status STATUS'" in err


def test_exports_skip_articles_without_complete_gold(corpus: Path, tmp_path: Path) -> None:
    for fmt, out in (("conll2003", "out.conll"), ("jsonl", "out.jsonl"), ("brat", "brat")):
        result = export(corpus, fmt, tmp_path / out)
        assert result.documents == 1, fmt
    assert NEW_DOC not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert not (tmp_path / "brat" / f"{NEW_DOC}.ann").exists()
    everything = export(corpus, "jsonl", tmp_path / "all.jsonl", all_articles=True)
    assert everything.documents == 2


def test_complete_entities_alone_bring_the_article_into_tokens_only(corpus: Path) -> None:
    """An article with no entities, marked complete, is a true all-O example; its events stay out."""
    set_status(corpus, [NEW_DOC], "complete", kinds=["entities"], today=TODAY)
    tokens = build_config("tokens", corpus)
    rows = [r for t in tokens.values() for r in t.to_pylist() if r["doc_id"] == NEW_DOC]
    articles = read_table(corpus, ARTICLES).filter(pl.col("doc_id") == NEW_DOC)
    assert len(rows) == token_rows(articles, read_table(corpus, BLOCKS), read_table(corpus, ENTITIES)).height > 0
    assert {tag for r in rows for tag in r["ner_tags"]} == {0}
    events = build_config("events", corpus)
    assert NEW_DOC not in {d for t in events.values() for d in t.column("doc_id").to_pylist()}


def test_status_command_shows_and_sets(corpus: Path) -> None:
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["status", "show", "--root", str(corpus), "--format", "json"]).stdout)
    assert {(r["layer"], r["kind"], r["status"]) for r in shown if r["doc_id"] == NEW_DOC} == {
        (layer, kind, "not-started")
        for layer in ("gold", "annotator-a", "annotator-b", "annotator-c")
        for kind in ("entities", "events", "stances")
    }
    done = runner.invoke(
        app, ["status", "set", NEW_DOC, "--root", str(corpus), "--kind", "events", "--status", "complete"]
    )
    assert done.exit_code == 0, done.output
    assert _statuses(corpus)[(NEW_DOC, "events")] == "complete"
    assert _statuses(corpus)[(NEW_DOC, "entities")] == "not-started"
    again = runner.invoke(
        app, ["status", "set", NEW_DOC, "--root", str(corpus), "--kind", "events", "--status", "complete"]
    )
    assert "0 statuses changed" in again.stdout
    layer = runner.invoke(
        app, ["status", "set", NEW_DOC, "--root", str(corpus), "--layer", "annotator-a", "--status", "in-progress"]
    )
    assert layer.exit_code == 0, layer.output
    assert set(_statuses(corpus, "annotator-a").values()) == {"complete", "in-progress"}
    text = runner.invoke(app, ["status", "show", "--root", str(corpus), "--layer", "annotator-a"]).stdout
    assert "annotator-a  in-progress  in-progress  in-progress  " + NEW_DOC in text


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--status", "done"], "bad-status"),
        (["--status", "adjudicated", "--layer", "annotator-a"], "bad-status"),
        (["--status", "complete", "--layer", "nobody"], "unknown-layer"),
    ],
)
def test_status_set_refuses_what_the_scheme_does_not_allow(
    corpus: Path, args: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = read_table(corpus, STATUS)
    assert main(["status", "set", NEW_DOC, "--root", str(corpus), *args]) == 1
    assert f"[{code}]" in capsys.readouterr().err
    assert read_table(corpus, STATUS).equals(before)


def test_status_set_names_every_unknown_article(corpus: Path) -> None:
    with pytest.raises(StatusError) as caught:
        set_status(corpus, [NEW_DOC, "no-such-doc", "another-one"], "complete")
    assert (caught.value.code, caught.value.data["doc_ids"]) == ("unknown-doc", ["another-one", "no-such-doc"])
    assert _statuses(corpus)[(NEW_DOC, "entities")] == "not-started"


def test_import_marks_in_progress_or_complete(corpus: Path, tmp_path: Path) -> None:
    export(corpus, "brat", tmp_path / "brat")
    import_layer(
        "brat",
        tmp_path / "brat",
        annotator="annotator-d",
        root=corpus,
        mapping_path=tmp_path / "brat" / "mapping.yaml",
        today=TODAY,
    )
    statuses = read_status(corpus, "annotator-d")
    assert statuses.select("doc_id", "kind", "status", "set_by", "set_on").rows() == [
        (SEED_DOC, kind, "in-progress", "import brat", TODAY) for kind in ("entities", "events", "stances")
    ]
    assert export(corpus, "jsonl", tmp_path / "c.jsonl", layer="annotator-d").documents == 0  # not finished yet
    import_layer(
        "brat",
        tmp_path / "brat",
        annotator="annotator-d",
        root=corpus,
        mapping_path=tmp_path / "brat" / "mapping.yaml",
        complete=["entities"],
    )
    assert _statuses(corpus, "annotator-d") == {
        (SEED_DOC, "entities"): "complete",
        (SEED_DOC, "events"): "in-progress",
        (SEED_DOC, "stances"): "in-progress",
    }
    assert _statuses(corpus)[(SEED_DOC, "entities")] == "adjudicated"  # gold untouched


def test_import_command_complete_flag(corpus: Path, tmp_path: Path) -> None:
    export(corpus, "brat", tmp_path / "brat")
    result = CliRunner().invoke(
        app,
        [
            "import",
            "brat",
            str(tmp_path / "brat"),
            "--annotator",
            "annotator-d",
            "--root",
            str(corpus),
            "--mapping",
            str(tmp_path / "brat" / "mapping.yaml"),
            "--complete",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "complete for entities, events, stances" in result.stderr
    assert set(_statuses(corpus, "annotator-d").values()) == {"complete"}


def _two_layers(tmp_path: Path, b_status: str) -> Path:
    from tests.interchange.helpers import write_corpus, write_layer

    root = write_corpus(tmp_path / "adj")
    write_layer(root, "ann-a")
    write_layer(root, "ann-b")
    set_status(root, ["ts-2025-02-12-test"], b_status, kinds=["stances"], layer="ann-b")
    return root


def test_adjudicating_two_complete_passes_gives_adjudicated_gold(tmp_path: Path) -> None:
    from peacetalks.review.adjudicate import adjudicate

    root = _two_layers(tmp_path, "complete")
    assert adjudicate(root, "ann-a", "ann-b").status == "written"
    assert _statuses(root) == {("ts-2025-02-12-test", k): "adjudicated" for k in ("entities", "events", "stances")}
    assert set(read_status(root)["set_by"]) == {"adjudicate ann-a ann-b"}
    assert validate(root).issues == []


def test_adjudicating_an_unfinished_pass_gives_gold_in_progress(tmp_path: Path) -> None:
    from peacetalks.review.adjudicate import adjudicate

    root = _two_layers(tmp_path, "in-progress")
    adjudicate(root, "ann-a", "ann-b")
    assert _statuses(root)[("ts-2025-02-12-test", "stances")] == "in-progress"
    assert _statuses(root)[("ts-2025-02-12-test", "entities")] == "adjudicated"
    assert build_config("stances", root)["train"].num_rows == 0  # not in the stances config
    assert validate(root).flatten(["record_id", "code"]) == [["stances", "incomplete-gold"]]
    # Finishing the pass and adjudicating again: the same content, the status follows.
    set_status(root, ["ts-2025-02-12-test"], "complete", kinds=["stances"], layer="ann-b")
    assert adjudicate(root, "ann-a", "ann-b").status == "unchanged"
    assert _statuses(root)[("ts-2025-02-12-test", "stances")] == "adjudicated"


def test_a_rebase_that_drops_annotations_takes_the_kind_back_to_in_progress(corpus: Path, tmp_path: Path) -> None:
    raw = PROJECT / "corpus" / "raw" / "000_bd74dec31b69f575.txt"
    changed = tmp_path / "changed.txt"
    changed.write_text(
        raw.read_text(encoding="utf-8").replace("Kremlchef Putin vereinbart", "Kremlherr Putin vereinbart"),
        encoding="utf-8",
    )
    result = ingest(
        changed, root=corpus, source="tagesschau", published=dt.date(2025, 2, 12), rebase_annotations=True, today=TODAY
    )
    assert result.status == "rebased"
    gold = _statuses(corpus)
    kinds_lost = {k for k in ("entities", "events", "stances") if f"gold/{k}" in result.dropped}
    if "gold/event_arguments" in result.dropped:
        kinds_lost.add("events")
    assert kinds_lost
    for kind in ("entities", "events", "stances"):
        assert gold[(SEED_DOC, kind)] == ("in-progress" if kind in kinds_lost else "adjudicated"), kind


def test_restoring_gold_brings_its_status_back(tmp_path: Path) -> None:
    """A gold backup holds its status table, so a restore puts back the status the tables had."""
    from peacetalks.review.gold_history import backup, restore
    from peacetalks.storage.transaction import transaction
    from tests.interchange.helpers import write_corpus, write_layer

    root = write_corpus(tmp_path / "gold")
    write_layer(root, None)  # gold, adjudicated
    with transaction(root, "test") as tx:
        kept = backup(root, "gold", tx)
    assert kept is not None
    assert (kept / "status.parquet").is_file()
    set_status(root, ["ts-2025-02-12-test"], "in-progress")
    restore(root, "gold")
    assert set(_statuses(root).values()) == {"adjudicated"}
