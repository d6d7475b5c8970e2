"""`peacetalks ingest`: parsing the raw form, idempotence, refusing and re-basing changed texts."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import IngestError, RebaseRequired
from peacetalks.ingest.ingest import ingest
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.raw_article import parse_raw_article, split_kicker
from peacetalks.schema.tables import ARTICLES, BLOCKS, ENTITIES
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.validation.validate import validate
from tests.conftest import SEED

DATE = dt.date(2025, 2, 12)
DOC = "tagesschau-2025-02-12-trump-und-putin-sprechen-ueber-ukraine"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    init_corpus(tmp_path)
    ingest(SEED, root=tmp_path, source="tagesschau", published=DATE)
    return tmp_path


def test_seed_structure_is_split_into_blocks() -> None:
    article = parse_raw_article(SEED.read_text(encoding="utf-8"), SEED)
    assert article.kicker == "Telefonat über Verhandlungen"
    assert article.headline == "Trump und Putin sprechen über Ukraine"
    assert article.block_text("caption") == ["Donald Trump"]
    assert article.block_text("credit") == ["REUTERS"]
    assert article.block_text("subheading") == [
        "Kreml bestätigt Einladung nach Moskau",
        "Trump telefoniert auch mit Selenskyj",
        "Baerbock pocht auf Beteiligung der Ukraine",
        "Neue Ukraine-Strategie der US-Regierung",
    ]
    assert article.block_text("teaser")[0].startswith("Die Friedensverhandlungen zur Ukraine")
    assert len(article.block_text("paragraph")) == 14
    assert article.image_url
    assert article.image_url.endswith("trump-3776.jpg")


@pytest.mark.parametrize(
    ("line", "kicker"),
    [
        ("Telefonat über Verhandlungen Trump und Putin sprechen über Ukraine", "Telefonat über Verhandlungen"),
        ("Krieg in der Ukraine Selenskyj fordert Hilfe", "Krieg in der Ukraine"),
        ("Liveblog Kiew meldet Angriffe", "Liveblog"),
    ],
)
def test_kicker_ends_before_a_capital_after_a_content_word(line: str, kicker: str) -> None:
    assert split_kicker(line) == (kicker, line[len(kicker) + 1 :])


def test_ingest_writes_a_valid_article(seeded: Path) -> None:
    articles = read_table(seeded, ARTICLES)
    assert articles["doc_id"].to_list() == [DOC]
    text = articles["text"][0]
    assert articles["text_sha256"][0] == hashlib.sha256(text.encode()).hexdigest()
    blocks = read_table(seeded, BLOCKS)
    assert [text[s:e] for s, e in blocks.select("start", "end").iter_rows()][3] == articles["headline"][0]
    # no annotations yet (init made the tables empty), and gold not started for any kind (a warning each)
    assert validate(seeded).flatten(["code"]) == [["incomplete-gold"]] * 3


def test_ingesting_the_same_file_twice_changes_nothing(seeded: Path) -> None:
    before = _snapshot(seeded)
    result = ingest(SEED, root=seeded, source="tagesschau", published=DATE)
    assert result.status == "unchanged"
    assert _snapshot(seeded) == before


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        ("just one line\n", "too-few-lines", 2),
        ("no image\nKicker Headline\nTeaser.\nBody.\n", "bad-image-line", 1),
        ("![ | X](http://x)\nKicker Head\nTeaser.\nBody.\n", "bad-image-line", 1),
        ("![A | B A](http://x)\nalles klein hier\nTeaser.\nBody.\n", "no-kicker-split", 2),
    ],
)
def test_malformed_article_is_refused_and_corpus_untouched(
    seeded: Path, tmp_path_factory: pytest.TempPathFactory, content: str, code: str, line: int
) -> None:
    bad = tmp_path_factory.mktemp("raw") / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    before = _snapshot(seeded)
    with pytest.raises(IngestError) as info:
        ingest(bad, root=seeded, source="tagesschau", published=DATE)
    assert (info.value.code, info.value.line) == (code, line)
    assert _snapshot(seeded) == before


def test_non_utf8_file_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(SEED.read_bytes().replace(b"Kremlchef", "Kreml\xe4chef".encode("latin-1")))
    init_corpus(tmp_path)
    with pytest.raises(IngestError) as info:
        ingest(bad, root=tmp_path, source="tagesschau", published=DATE)
    assert info.value.code == "not-utf8"
    assert info.value.line == 3


def _annotate(root: Path, text: str) -> None:
    """Two mentions on the seed: 'Kremlchef' (teaser) and 'Baerbock' (later)."""
    rows = []
    for i, word in enumerate(["Kremlchef", "Baerbock"]):
        start = text.index(word)
        rows.append(
            {
                "doc_id": DOC,
                "mention_id": f"m{i}",
                "start": start,
                "end": start + len(word),
                "text": word,
                "label": "PER",
                "form": "PART" if i == 0 else "NAME",
                "mention_type": "NAM",
                "entity_id": f"e{i}",
            }
        )
    write_tables(root, {ENTITIES: pl.DataFrame(rows, schema=ENTITIES.polars_schema())})


def _changed_seed(tmp_path: Path) -> Path:
    changed = tmp_path / "changed.txt"
    raw = SEED.read_text(encoding="utf-8").replace("Kremlchef Putin vereinbart", "Kremlherr Putin vereinbart")
    changed.write_text(raw.replace("Mehrere europäische Staaten", "Viele europäische Staaten"), encoding="utf-8")
    return changed


def test_changed_text_with_annotations_is_refused_naming_them(
    seeded: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _annotate(seeded, read_table(seeded, ARTICLES)["text"][0])
    before = _snapshot(seeded)
    with pytest.raises(RebaseRequired) as info:
        ingest(_changed_seed(tmp_path_factory.mktemp("raw")), root=seeded, source="tagesschau", published=DATE)
    assert info.value.code == "rebase-required"
    assert info.value.data["affected"] == {"gold/entities": ["m0"]}
    # The error names the Python parameter that allows the re-base, not a CLI flag.
    assert info.value.data["option"] == "rebase_annotations"
    assert "rebase_annotations" in inspect.signature(ingest).parameters
    assert _snapshot(seeded) == before


def test_rebase_moves_offsets_and_drops_what_changed(seeded: Path, tmp_path: Path) -> None:
    _annotate(seeded, read_table(seeded, ARTICLES)["text"][0])
    result = ingest(_changed_seed(tmp_path), root=seeded, source="tagesschau", published=DATE, rebase_annotations=True)
    assert result.status == "rebased"
    assert result.dropped == {"gold/entities": ["m0"]}
    entities = read_table(seeded, ENTITIES)
    text = read_table(seeded, ARTICLES)["text"][0]
    assert entities["mention_id"].to_list() == ["m1"]
    start, end = entities.select("start", "end").row(0)
    assert text[start:end] == "Baerbock"


def test_cli_ingest_reports_and_exits_nonzero_on_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    ok = runner.invoke(
        app, ["ingest", str(SEED), "--source", "tagesschau", "--published", "2025-02-12", "--root", str(tmp_path)]
    )
    assert ok.exit_code == 0, ok.output
    assert f"added: {DOC}" in ok.output
    bad = tmp_path / "bad.txt"
    bad.write_text("x\n", encoding="utf-8")
    from peacetalks.cli import main

    assert main(["ingest", str(bad), "--source", "t", "--published", "2025-02-12", "--root", str(tmp_path)]) == 1


def test_written_files_get_ordinary_permissions(seeded: Path) -> None:
    """Atomic writes go through mkstemp (0600); the renamed file must be readable like any other."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    for path in (seeded / "corpus").glob("*.parquet"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_an_article_that_may_not_be_redistributed_without_url_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stand-off release could not say where to get its text: ingest says so, and still adds the article."""
    from peacetalks.cli import main

    for name in ("gold", "open", "cli"):
        init_corpus(tmp_path / name)
    result = ingest(SEED, root=tmp_path / "gold", source="tagesschau", published=DATE)
    assert [(w.code, w.doc_id, w.column, w.is_error) for w in result.warnings] == [
        ("standoff-without-url", DOC, "url", False)
    ]
    url = "https://www.tagesschau.de/ausland/amerika/trump-putin-telefonat-100.html"
    with_url = ingest(SEED, root=tmp_path / "gold", source="tagesschau", published=DATE, url=url)
    assert (with_url.status, with_url.warnings) == ("replaced", [])
    assert read_table(tmp_path / "gold", ARTICLES)["url"].to_list() == [url]
    assert ingest(SEED, root=tmp_path / "open", source="x", published=DATE, license="CC-BY-4.0").warnings == []

    args = ["ingest", str(SEED), "--source", "tagesschau", "--published", "2025-02-12", "--root", str(tmp_path / "cli")]
    assert main(args) == 0
    err = capsys.readouterr().err.splitlines()
    at = next(i for i, line in enumerate(err) if "[standoff-without-url]" in line)
    assert err[at].startswith(f"{SEED} warning [standoff-without-url] doc={DOC} column=url: its licence")
    assert err[at + 1] == "hint: give the article's address with --url URL when it is known"
