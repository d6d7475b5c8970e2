"""`peacetalks init` and bulk `ingest`: many inputs and forms in one run, each added or refused on its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from peacetalks.cli import main
from peacetalks.errors import CorpusRootError
from peacetalks.ingest.ingest import IngestOptions, ingest_many
from peacetalks.ingest.init import init_corpus
from peacetalks.schema.tables import ALL_TABLES, ARTICLES, BLOCKS, STATUS
from peacetalks.storage.parquet import read_table
from peacetalks.validation.validate import validate
from tests.conftest import SEED
from tests.storage.test_names import snapshot

DATE = dt.date(2025, 2, 12)
OPTIONS = IngestOptions(source="tagesschau", published=DATE)


def _record(n: int, **fields: object) -> dict[str, object]:
    """A synthetic record: its own words, so that no two are near-duplicates."""
    words = " ".join(f"Wort{n}x{i}" for i in range(60))
    return {
        "headline": f"Schlagzeile Nummer {n}",
        "kicker": "Test",
        "teaser": f"Vorspann {n}: {words}.",
        "paragraphs": [f"Absatz eins von {n}: {words}.", f"Absatz zwei von {n}, noch einmal {words}."],
        "date": "2025-02-14",
        "source": "example",
        "licence": "CC-BY-4.0",
        **fields,
    }


def _jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records))
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus-root"
    init_corpus(folder)
    return folder


def test_init_makes_an_empty_corpus_that_validates(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = init_corpus(folder)
    report = validate(folder)
    assert report.valid
    assert report.issues == []
    assert report.checked == {t.name: 0 for t in ALL_TABLES}
    assert (folder / "corpus" / "splits.yaml").is_file()
    assert (folder / "corpus" / "raw").is_dir()
    assert "corpus/splits.yaml" in result.written


def test_init_refuses_a_corpus_and_changes_nothing(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(corpus)
    with pytest.raises(CorpusRootError) as exc:
        init_corpus(corpus)
    assert exc.value.code == "corpus-exists"
    assert main(["init", str(corpus)]) == 1
    assert "[corpus-exists]" in capsys.readouterr().err
    assert snapshot(corpus) == before


def test_ingest_into_a_folder_that_is_no_corpus_says_to_run_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", str(SEED), "--source", "tagesschau", "--published", "2025-02-12", "-r", str(tmp_path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    absent = "it holds no corpus/articles.parquet or corpus/articles/"
    assert err[0] == f"error: {tmp_path} [not-a-corpus] not a corpus folder: {absent}"
    assert err[1].startswith(f"hint: make it a corpus with 'peacetalks init {tmp_path}'")
    assert list(tmp_path.iterdir()) == []


def test_many_inputs_each_added_or_refused_in_one_run(corpus: Path, tmp_path: Path) -> None:
    """A folder of raw files and JSONL files, a bad record among them: the good articles all go in."""
    inputs = tmp_path / "inputs"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "seed.txt").write_bytes(SEED.read_bytes())
    (inputs / "notes.pdf").write_bytes(b"%PDF")  # a folder's files of no known suffix are left alone
    _jsonl(inputs / "sub" / "a.jsonl", _record(1), "not json", _record(2, licence="no-such"), _record(3))
    _jsonl(tmp_path / "b.jsonl", _record(4))
    summary = ingest_many([inputs, tmp_path / "*.jsonl"], root=corpus, options=OPTIONS)
    assert summary.counts() == {"added": 4, "unchanged": 0, "replaced": 0, "rebased": 0, "refused": 2}
    assert [(r.where, r.error.code) for r in summary.refused] == [
        (f"{inputs}/sub/a.jsonl:2", "bad-record"),
        (f"{inputs}/sub/a.jsonl:3", "unknown-license"),
    ]
    articles = read_table(corpus, ARTICLES)
    assert articles.height == 4
    assert validate(corpus).valid
    # Again: everything is unchanged, the refusals are the same, nothing is written.
    before = snapshot(corpus)
    again = ingest_many([inputs, tmp_path / "*.jsonl"], root=corpus, options=OPTIONS)
    assert again.counts() == {"added": 0, "unchanged": 4, "replaced": 0, "rebased": 0, "refused": 2}
    assert snapshot(corpus) == before


def test_each_source_is_kept_under_raw_with_its_sha256(corpus: Path, tmp_path: Path) -> None:
    lines = _jsonl(tmp_path / "a.jsonl", _record(1), _record(2)).read_bytes().splitlines(keepends=True)
    ingest_many([SEED, tmp_path / "a.jsonl"], root=corpus, options=OPTIONS)
    articles = read_table(corpus, ARTICLES).sort("doc_id")
    kept = {row["raw_file"]: row["raw_sha256"] for row in articles.iter_rows(named=True)}
    for name, sha in kept.items():
        assert hashlib.sha256((corpus / "corpus" / "raw" / name).read_bytes()).hexdigest() == sha
    raw = {name: (corpus / "corpus" / "raw" / name).read_bytes() for name in kept}
    assert sorted(raw.values()) == sorted([SEED.read_bytes(), *lines])  # each record its own file, as it came
    assert sorted(p.name for p in (corpus / "corpus" / "raw").iterdir()) == sorted(kept)


def test_jsonl_fields_make_the_article_and_its_metadata(corpus: Path, tmp_path: Path) -> None:
    record = _record(
        7,
        url="https://example.org/7",
        author=["A. Autorin", "B. Autor"],
        story_id="story-7",
        blocks=[{"kind": "subheading", "text": "Zwischentitel"}, {"kind": "paragraph", "text": "Text."}],
        caption="Bild",
        credit="dpa",
        date="2025-02-14T09:30:00+01:00",
    )
    del record["paragraphs"]
    summary = ingest_many([_jsonl(tmp_path / "a.jsonl", record)], root=corpus)
    (result,) = summary.results
    row = read_table(corpus, ARTICLES).row(0, named=True)
    assert (row["doc_id"], row["published"], row["url"], row["author"], row["license"], row["story_id"]) == (
        "example-2025-02-14-schlagzeile-nummer-7",
        dt.date(2025, 2, 14),
        "https://example.org/7",
        "A. Autorin, B. Autor",
        "CC-BY-4.0",
        "story-7",
    )
    blocks = read_table(corpus, BLOCKS)
    text = row["text"]
    kinds = [(kind, text[s:e]) for kind, s, e in blocks.sort("block_id").select("kind", "start", "end").iter_rows()]
    assert [k for k, _ in kinds] == ["caption", "credit", "kicker", "headline", "teaser", "subheading", "paragraph"]
    assert kinds[-2:] == [("subheading", "Zwischentitel"), ("paragraph", "Text.")]
    assert result.where == f"{tmp_path}/a.jsonl:1"


@pytest.mark.parametrize(
    ("line", "code", "fields"),
    [
        ('{"headline": "x"}', "bad-record", ["(the record)"]),
        ('{"headline": "", "paragraphs": [" "]}', "bad-record", ["headline", "paragraphs"]),
        ('{"headline": 5, "paragraphs": ["y"], "licnse": "CC0-1.0"}', "bad-record", ["headline", "licnse"]),
        ('["a list"]', "bad-record", None),
        ('{"headline": "x", "paragraphs": ["y"], "date": "12.02.2025"}', "bad-record", ["date"]),
        ('{"headline": "x\\u001b[2J", "paragraphs": ["y"]}', "control-character", None),
    ],
)
def test_a_bad_record_is_refused_naming_file_line_and_every_field(
    corpus: Path, tmp_path: Path, line: str, code: str, fields: list[str] | None
) -> None:
    path = _jsonl(tmp_path / "a.jsonl", _record(1), line)
    summary = ingest_many([path], root=corpus, options=OPTIONS)
    assert summary.counts()["added"] == 1
    (refused,) = summary.refused
    assert (refused.where, refused.error.code, refused.error.path, refused.error.line) == (
        f"{path}:2",
        code,
        str(path),
        2,
    )
    if fields is not None:
        assert [f["field"] for f in refused.error.data["fields"]] == fields


def test_a_raw_file_without_date_or_source_is_refused_naming_the_option(corpus: Path) -> None:
    summary = ingest_many([SEED], root=corpus, options=IngestOptions(source="tagesschau"))
    (refused,) = summary.refused
    assert (refused.error.code, refused.error.data["option"]) == ("missing-metadata", "published")


def test_a_file_of_unknown_form_and_a_pattern_matching_nothing_are_refused(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "page.bin").write_bytes(b"\x00\x01binary")
    summary = ingest_many([tmp_path / "page.bin", tmp_path / "nothing-*.jsonl"], root=corpus, options=OPTIONS)
    assert [r.error.code for r in summary.refused] == ["unknown-input-form", "file-not-found"]


def test_the_form_of_a_file_without_suffix_is_told_by_its_content(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "seed-article").write_bytes(SEED.read_bytes())
    _jsonl(tmp_path / "records", _record(1))
    summary = ingest_many([tmp_path / "seed-article", tmp_path / "records"], root=corpus, options=OPTIONS)
    assert summary.counts()["added"] == 2
    assert sorted(p.suffix for p in (corpus / "corpus" / "raw").iterdir()) == [".jsonl", ".txt"]


def test_an_exact_duplicate_is_refused_naming_the_article_it_duplicates(corpus: Path, tmp_path: Path) -> None:
    """The same text under another source or date is another doc_id but no new article; within a run too."""
    first = ingest_many([_jsonl(tmp_path / "a.jsonl", _record(1))], root=corpus).results[0].doc_id
    shouted = [str(p).upper() for p in _record(1)["paragraphs"]]  # type: ignore[attr-defined]  # a list
    again = _record(1, source="other-outlet", date="2025-02-15", paragraphs=["  ".join(p.split()) for p in shouted])
    summary = ingest_many([_jsonl(tmp_path / "b.jsonl", again, again | {"date": "2025-02-16"})], root=corpus)
    assert [(r.error.code, r.error.data["doc_id"]) for r in summary.refused] == [("duplicate-article", first)] * 2
    assert read_table(corpus, ARTICLES).height == 1


def test_cli_prints_one_summary_and_exits_1_when_any_input_was_refused(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl(tmp_path / "a.jsonl", _record(1), "{}", _record(2))
    code = main(["ingest", str(path), "-r", str(corpus)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.count("added: ") == 2
    assert f"error: {path}:2 [bad-record]" in captured.err
    assert captured.err.splitlines()[-1] == "3 articles read: 2 added, 0 unchanged, 0 replaced, 0 rebased, 1 refused"
    assert main(["ingest", str(path), "-r", str(corpus), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["unchanged"] == 2
    assert data["refused"][0]["where"] == f"{path}:2"
    assert data["refused"][0]["error"]["code"] == "bad-record"


def test_options_of_one_article_are_refused_for_several_inputs(corpus: Path, tmp_path: Path) -> None:
    args = ["ingest", str(SEED), str(tmp_path), "--source", "t", "--published", "2025-02-12", "--url", "https://x"]
    assert main([*args, "-r", str(corpus)]) == 2
    assert read_table(corpus, ARTICLES).height == 0


def test_every_new_article_has_a_status_in_gold(corpus: Path, tmp_path: Path) -> None:
    ingest_many([_jsonl(tmp_path / "a.jsonl", _record(1), _record(2))], root=corpus)
    status = read_table(corpus, STATUS)
    assert status.group_by("status").len().rows() == [("not-started", 6)]
    assert status.filter(pl.col("set_by") != "ingest").is_empty()
