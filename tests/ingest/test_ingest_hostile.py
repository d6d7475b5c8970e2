"""Hostile articles for `peacetalks ingest`: slug collisions, control characters, empty slugs, a missing
--root, and a re-base that drops annotations others depend on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import CorpusRootError, IngestError, RebaseRequired
from peacetalks.ingest.ingest import ingest, make_doc_id
from peacetalks.ingest.init import init_corpus
from peacetalks.schema.tables import ANNOTATION_TABLES, ARGUMENTS, ARTICLES, ENTITIES, EVENTS, STANCES
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.validation.validate import validate
from tests.conftest import SEED
from tests.storage.test_names import snapshot

DATE = dt.date(2025, 2, 12)
DOC = "tagesschau-2025-02-12-trump-und-putin-sprechen-ueber-ukraine"
HEADLINE_LINE = "Telefonat über Verhandlungen Trump und Putin sprechen über Ukraine"


def _raw(tmp_path: Path, name: str, *, headline: str | None = None, replace: tuple[str, str] | None = None) -> Path:
    raw = SEED.read_text(encoding="utf-8")
    if headline is not None:
        raw = raw.replace(HEADLINE_LINE, headline, 1)
    if replace is not None:
        raw = raw.replace(*replace)
    path = tmp_path / name
    path.write_text(raw, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus-root"
    init_corpus(folder)
    ingest(SEED, root=folder, source="tagesschau", published=DATE)
    _no_annotations(folder)
    return folder


def _no_annotations(folder: Path) -> None:
    """Empty annotation tables, so that the freshly ingested corpus validates."""
    write_tables(folder, {t: pl.DataFrame(schema=t.polars_schema()) for t in ANNOTATION_TABLES})


# --- two articles whose headlines slug alike -------------------------------------------------------


def test_a_different_article_with_the_same_slug_gets_its_own_doc_id(root: Path, tmp_path: Path) -> None:
    """'Trump und Putin sprechen über Ukraine!' slugs like the seed's headline: it must not replace the seed."""
    other = _raw(
        tmp_path,
        "other.txt",
        headline="Telefonat über Verhandlungen Trump und Putin sprechen über Ukraine!",
        replace=("Auch Präsident Selenskyj", "Auch der Präsident Selenskyj"),
    )
    first = read_table(root, ARTICLES)
    result = ingest(other, root=root, source="tagesschau", published=DATE)
    assert (result.status, result.doc_id, result.collided_with) == ("added", f"{DOC}-2", DOC)
    articles = read_table(root, ARTICLES)
    assert articles["doc_id"].to_list() == [DOC, f"{DOC}-2"]
    assert articles.filter(pl.col("doc_id") == DOC).equals(first)  # the first article is untouched
    # Each re-ingest finds its own article again.
    assert ingest(other, root=root, source="tagesschau", published=DATE).status == "unchanged"
    assert ingest(SEED, root=root, source="tagesschau", published=DATE).status == "unchanged"
    assert validate(root).valid


def test_the_same_text_with_another_url_is_refused_as_a_duplicate(root: Path) -> None:
    """Another url would make it another article (-2), but its text is the seed's: an exact duplicate."""
    ingest(SEED, root=root, source="tagesschau", published=DATE, url="https://example.org/a", rebase_annotations=True)
    before = snapshot(root)
    with pytest.raises(IngestError) as exc:
        ingest(SEED, root=root, source="tagesschau", published=DATE, url="https://example.org/b")
    assert (exc.value.code, exc.value.data) == ("duplicate-article", {"doc_id": DOC})
    assert snapshot(root) == before


def test_cli_says_which_doc_id_the_colliding_article_got(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = _raw(tmp_path, "other.txt", headline="Telefonat über Verhandlungen Trump und Putin sprechen über Ukraine?")
    code = main(["ingest", str(other), "--source", "tagesschau", "--published", "2025-02-12", "-r", str(root)])
    captured = capsys.readouterr()
    assert code == 0
    assert f"added: {DOC}-2" in captured.out
    assert f"note: {DOC} is another article" in captured.err


# --- characters that do not belong in an article ---------------------------------------------------


@pytest.mark.parametrize(
    ("char", "line"),
    [("\x00", 4), ("\x1b[2J", 4), ("\x07", 5), ("\x0c", 6), ("\x9b", 4), ("\x7f", 4)],
)
def test_control_characters_are_refused_with_their_line(root: Path, tmp_path: Path, char: str, line: int) -> None:
    raw = SEED.read_text(encoding="utf-8").split("\n")
    raw[line - 1] = raw[line - 1][:10] + char + raw[line - 1][10:]
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(raw), encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(IngestError) as exc:
        ingest(bad, root=root, source="tagesschau", published=DATE)
    assert (exc.value.code, exc.value.line) == ("control-character", line)
    assert exc.value.data["characters"][0] == {"line": line, "column": 11, "char": f"U+{ord(char[0]):04X}"}
    assert snapshot(root) == before


def test_cli_refuses_an_escape_sequence_without_printing_it(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _raw(tmp_path, "bad.txt", replace=("Kremlchef", "Krem\x1b]0;pwned\x07lchef"))
    code = main(["ingest", str(bad), "--source", "tagesschau", "--published", "2025-02-12", "-r", str(root)])
    captured = capsys.readouterr()
    assert code == 1
    assert "[control-character]" in captured.err
    assert "\x1b" not in captured.out + captured.err


def test_soft_breaks_become_spaces_and_zero_width_characters_go(root: Path, tmp_path: Path) -> None:
    raw = _raw(
        tmp_path,
        "soft.txt",
        headline="Telefonat über Verhandlungen Trump\u200b und Putin\u2060 sprechen über\ufeff Ukraine",
        replace=("Kremlchef Putin vereinbart.", "Kremlchef\u2028Putin\u0085vereinbart.\u2029"),
    )
    result = ingest(raw, root=root, source="tagesschau", published=DATE, rebase_annotations=True)
    assert result.doc_id == DOC  # the same article: its headline, read without the invisible characters
    assert result.article.headline == "Trump und Putin sprechen über Ukraine"
    text = read_table(root, ARTICLES)["text"][0]
    assert "Kremlchef Putin vereinbart. " in text
    assert not any(c in text for c in "\u2028\u2029\u0085\u200b\u2060\ufeff")
    assert validate(root).valid


@pytest.mark.parametrize("headline", ["Путин звонит Трампу", "„…“ – !", "東京"])
def test_a_headline_without_latin_letters_still_names_its_article(headline: str) -> None:
    doc_id = make_doc_id("tagesschau", DATE, headline)
    assert doc_id.startswith("tagesschau-2025-02-12-h")
    assert len(doc_id) == len("tagesschau-2025-02-12-h") + 12
    assert make_doc_id("tagesschau", DATE, headline) == doc_id  # the same headline, the same id
    assert make_doc_id("tagesschau", DATE, headline + "?") != doc_id


def test_a_cyrillic_headline_is_ingested_and_valid(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    init_corpus(folder)
    raw = _raw(tmp_path, "ru.txt", headline="Телефонат Путин и Трамп говорят об Украине")
    result = ingest(raw, root=folder, source="tagesschau", published=DATE, kicker="Телефонат")
    assert result.doc_id.startswith("tagesschau-2025-02-12-h")
    _no_annotations(folder)
    assert validate(folder).valid


def test_a_source_without_letters_is_refused() -> None:
    with pytest.raises(IngestError) as exc:
        make_doc_id("„…“", DATE, "Trump und Putin")
    assert exc.value.code == "bad-source"


# --- a --root that does not exist ------------------------------------------------------------------


def test_ingest_into_a_folder_that_does_not_exist_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(tmp_path)
    missing = tmp_path / "typo"
    code = main(["ingest", str(SEED), "--source", "tagesschau", "--published", "2025-02-12", "-r", str(missing)])
    assert code == 1
    assert "[not-a-corpus]" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    with pytest.raises(CorpusRootError) as exc:
        ingest(SEED, root=missing, source="tagesschau", published=DATE)
    assert exc.value.code == "not-a-corpus"
    assert not missing.exists()


# --- a re-base that drops annotations others depend on ---------------------------------------------


def _annotate(root: Path) -> None:
    """On the seed: m0 'Kremlchef' (its text will change), m1 'Baerbock'; ev1 COOPERATE (needs a RECIPIENT: m0),
    ev2 SUPPORT with an ACTOR m0; stance s1 held by m1 about ev1, s2 held by m0; and a layer that keeps m1 only."""
    text = read_table(root, ARTICLES)["text"][0]
    doc = DOC

    def span(word: str, after: int = 0) -> tuple[int, int]:
        start = text.index(word, after)
        return start, start + len(word)

    k, b = span("Kremlchef"), span("Baerbock")
    entities = [
        {"doc_id": doc, "mention_id": "m0", "start": k[0], "end": k[1], "text": "Kremlchef", "label": "PER",
         "form": "PART", "mention_type": "NAM", "entity_id": "putin"},
        {"doc_id": doc, "mention_id": "m1", "start": b[0], "end": b[1], "text": "Baerbock", "label": "PER",
         "form": "NAME", "mention_type": "NAM", "entity_id": "baerbock"},
    ]  # fmt: skip
    v, p = span("vereinbart", k[1]), span("pocht")
    events = [
        {"doc_id": doc, "event_id": "ev1", "trigger_start": v[0], "trigger_end": v[1], "trigger_text": "vereinbart",
         "category": "COOPERATE", "mode": None, "context": [], "realis": "ACTUAL", "modality": None},
        {"doc_id": doc, "event_id": "ev2", "trigger_start": p[0], "trigger_end": p[1], "trigger_text": "pocht",
         "category": "SUPPORT", "mode": None, "context": [], "realis": "ACTUAL", "modality": None},
    ]  # fmt: skip
    arguments = [
        {"doc_id": doc, "event_id": "ev1", "argument_id": "a1", "role": "RECIPIENT", "mention_id": "m0",
         "start": None, "end": None, "text": None},
        {"doc_id": doc, "event_id": "ev1", "argument_id": "a2", "role": "ACTOR", "mention_id": "m1",
         "start": None, "end": None, "text": None},
        {"doc_id": doc, "event_id": "ev2", "argument_id": "a3", "role": "ACTOR", "mention_id": "m0",
         "start": None, "end": None, "text": None},
        {"doc_id": doc, "event_id": "ev2", "argument_id": "a4", "role": "ACTOR", "mention_id": "m1",
         "start": None, "end": None, "text": None},
    ]  # fmt: skip
    evidence = span("Baerbock pocht auf Beteiligung der Ukraine")
    stances = [
        {"doc_id": doc, "stance_id": "s1", "holder_mention_id": "m1", "target_id": "us-russia-contacts",
         "polarity": "FAVOR", "evidence_start": evidence[0], "evidence_end": evidence[1],
         "evidence_text": text[evidence[0]:evidence[1]], "attribution": "PARAPHRASE", "event_id": "ev1"},
        {"doc_id": doc, "stance_id": "s2", "holder_mention_id": "m0", "target_id": "us-russia-contacts",
         "polarity": "FAVOR", "evidence_start": evidence[0], "evidence_end": evidence[1],
         "evidence_text": text[evidence[0]:evidence[1]], "attribution": "PARAPHRASE", "event_id": None},
    ]  # fmt: skip
    frames = {
        ENTITIES: pl.DataFrame(entities, schema=ENTITIES.polars_schema()),
        EVENTS: pl.DataFrame(events, schema=EVENTS.polars_schema()),
        ARGUMENTS: pl.DataFrame(arguments, schema=ARGUMENTS.polars_schema()),
        STANCES: pl.DataFrame(stances, schema=STANCES.polars_schema()),
    }
    write_tables(root, frames)
    write_tables(root, frames, layer="ann-a")
    assert validate(root).valid
    assert validate(root, layer="ann-a").valid


EXPECTED = {
    "entities": ["m0"],
    "event_arguments": ["a1", "a3", "a2"],
    "events": ["ev1"],
    "stances": ["s2", "s1"],
}


def test_rebase_drops_what_depended_on_a_dropped_annotation_and_says_so(root: Path, tmp_path: Path) -> None:
    _annotate(root)
    changed = _raw(tmp_path, "changed.txt", replace=("Kremlchef Putin vereinbart", "Kremlherr Putin vereinbart"))
    with pytest.raises(RebaseRequired) as refused:
        ingest(changed, root=root, source="tagesschau", published=DATE)
    assert {k: sorted(v) for k, v in refused.value.data["affected"].items()} == {
        f"{layer}/{t}": sorted(ids) for layer in ("gold", "ann-a") for t, ids in EXPECTED.items()
    }
    result = ingest(changed, root=root, source="tagesschau", published=DATE, rebase_annotations=True)
    assert result.status == "rebased"
    for layer in ("gold", "ann-a"):
        dropped = {k.removeprefix(f"{layer}/"): v for k, v in result.dropped.items() if k.startswith(f"{layer}/")}
        assert {k: sorted(v) for k, v in dropped.items()} == {k: sorted(v) for k, v in EXPECTED.items()}
        assert sorted(result.dependents[f"{layer}/entities/m0"]) == sorted(
            f"{layer}/{t}/{i}" for t, ids in EXPECTED.items() if t != "entities" for i in ids
        )
    assert validate(root).valid, validate(root).issues
    assert validate(root, layer="ann-a").valid
    assert read_table(root, ARGUMENTS)["argument_id"].to_list() == ["a4"]
    assert read_table(root, EVENTS)["event_id"].to_list() == ["ev2"]
    assert read_table(root, STANCES).height == 0


def test_cli_lists_each_dropped_annotation_with_its_dependents(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _annotate(root)
    changed = _raw(tmp_path, "changed.txt", replace=("Kremlchef Putin vereinbart", "Kremlherr Putin vereinbart"))
    args = ["ingest", str(changed), "--source", "tagesschau", "--published", "2025-02-12", "-r", str(root)]
    assert main([*args, "--rebase"]) == 0
    err = capsys.readouterr().err
    assert "dropped from gold/entities: m0" in err
    assert "gold/entities/m0 (its text changed) took with it: " in err
    assert "gold/stances/s1" in err
    assert main(["validate", "-r", str(root)]) == 0
