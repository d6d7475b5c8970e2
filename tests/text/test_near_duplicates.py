"""Near-duplicates: datasketch's MinHash and LSH computed for all articles at once, and where they are used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given
from hypothesis import strategies as st

from peacetalks.cli import main
from peacetalks.ingest.ingest import IngestOptions, ingest_many
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.splits import SplitSettings, assign
from peacetalks.schema.tables import ARTICLES, SPLITS
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.text import near_duplicates as nd
from peacetalks.text.normalise import leakage_key
from peacetalks.validation.validate import validate
from tests.conftest import SEED

DATE = dt.date(2025, 2, 12)
HEADLINE_LINE = "Telefonat über Verhandlungen Trump und Putin sprechen über Ukraine"


def _variant(raw: str) -> str:
    """The seed as another outlet might run it: another headline, one paragraph rewritten."""
    lines = raw.split("\n")
    body = [i for i, line in enumerate(lines) if len(line) > 200]
    lines[body[2]] = "Ein ganz anderer Absatz, den nur diese Fassung hat, über Gespräche in Riad und Istanbul."
    return "\n".join(lines).replace(HEADLINE_LINE, "Gespräche Trump telefoniert mit Putin über Frieden", 1)


def _texts(n: int, seed: int = 0) -> list[str]:
    """n unrelated texts of made-up words."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}ort" for i in range(5000)]
    return [" ".join(rng.choice(words, 300)) for _ in range(n)]


def test_permutations_and_bands_are_datasketchs() -> None:
    a, b = nd.permutations()
    theirs = MinHash(num_perm=nd.NUM_PERM, seed=nd.SEED, scheme="affine32").permutations
    assert np.array_equal(a, theirs[0])
    assert np.array_equal(b, theirs[1])
    lsh = MinHashLSH(threshold=nd.LSH_THRESHOLD, num_perm=nd.NUM_PERM)
    assert (lsh.b, lsh.r) == (nd.BANDS, nd.ROWS)
    assert lsh.hashranges == nd.hashranges()


def test_signatures_are_datasketchs_minhash_of_the_sampled_shingles() -> None:
    texts = pl.Series([*_texts(5), SEED.read_text(encoding="utf-8"), "zu kurz"])
    shingles = nd.shingles(texts)
    sig = nd.signatures(shingles)
    for i in range(len(texts)):
        theirs = MinHash(num_perm=nd.NUM_PERM, seed=nd.SEED, hashfunc=int)
        theirs.update_batch(shingles[i].to_list())
        assert np.array_equal(sig[i], theirs.hashvalues), i
    assert shingles[6].is_empty()  # three words make no sampled shingle here
    assert all(s.is_sorted() and s.n_unique() == s.len() for s in shingles[:6])


def test_every_pair_datasketchs_lsh_returns_is_a_candidate() -> None:
    raw = SEED.read_text(encoding="utf-8")
    texts = pl.Series([*_texts(40), raw, _variant(raw), raw.replace("Putin", "PUTIN")])
    sig = nd.signatures(nd.shingles(texts))
    lsh = MinHashLSH(threshold=nd.LSH_THRESHOLD, num_perm=nd.NUM_PERM)
    expected = set()
    for i in range(len(texts)):
        mine = MinHash(num_perm=nd.NUM_PERM, seed=nd.SEED, hashvalues=sig[i], scheme="affine32")
        expected |= {(min(i, j), max(i, j)) for j in lsh.query(mine)}
        lsh.insert(i, mine)
    found = set(nd.candidate_pairs(nd.band_keys(sig), np.ones(len(texts), bool)).iter_rows())
    assert (40, 41) in expected
    assert expected <= found


def test_a_rewritten_agency_text_is_a_near_duplicate_and_unrelated_texts_are_not() -> None:
    raw = SEED.read_text(encoding="utf-8")
    texts = pl.DataFrame(
        {
            "doc_id": ["seed", "variant", "shouting", *(f"t{i}" for i in range(30))],
            "text": [raw, _variant(raw), raw.replace("Putin", "PUTIN"), *_texts(30)],
        }
    )
    pairs = nd.near_duplicates(texts)
    found = {(a, b): s for a, b, s in pairs.iter_rows()}
    assert set(found) == {("seed", "variant"), ("seed", "shouting"), ("shouting", "variant")}
    assert found[("seed", "shouting")] == 1.0  # case is not a difference
    assert nd.THRESHOLD <= found[("seed", "variant")] < 1.0
    only = nd.near_duplicates(texts, among=["variant"])
    assert set(only["other_doc_id"].to_list()) | set(only["doc_id"].to_list()) == {"seed", "variant", "shouting"}
    assert "variant" in set(only["doc_id"].to_list()) | set(only["other_doc_id"].to_list())


def test_split_puts_a_new_near_duplicate_into_the_split_of_its_original() -> None:
    raw = SEED.read_text(encoding="utf-8")
    articles = pl.DataFrame(
        {
            "doc_id": ["a-seed", "b-variant", "c-other"],
            "story_id": [None, None, None],
            "text": [raw, _variant(raw), _texts(1)[0]],
        },
        schema={"doc_id": pl.String, "story_id": pl.String, "text": pl.String},
    )
    for split in ("train", "validation", "test"):
        stored = pl.DataFrame({"doc_id": ["a-seed"], "split": [split], "group_id": ["doc:a-seed"]})
        placed = dict(assign(articles, SplitSettings(), stored).select("doc_id", "split").iter_rows())
        assert placed["b-variant"] == split
    fresh = dict(assign(articles, SplitSettings()).select("doc_id", "split").iter_rows())
    assert fresh["a-seed"] == fresh["b-variant"]


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """A corpus of the seed and its variant, ingested in one run."""
    folder = tmp_path / "c"
    init_corpus(folder)
    (tmp_path / "variant.txt").write_text(_variant(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    summary = ingest_many([SEED, tmp_path / "variant.txt"], root=folder, options=IngestOptions("tagesschau", DATE))
    assert summary.ok
    return folder


def test_ingest_reports_a_near_duplicate_with_its_similarity(pair: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = read_table(pair, ARTICLES)["doc_id"].to_list()
    assert len(docs) == 2  # a near-duplicate is added, not refused
    words = " ".join(f"Wort{i}" for i in range(90))
    other = pair.parent / "third.txt"
    raw = SEED.read_text(encoding="utf-8").split("\n")
    other.write_text("\n".join([*raw[:2], raw[2].replace("Putin", "Putin erneut"), *raw[3:], words]), encoding="utf-8")
    code = main(["ingest", str(other), "--source", "tagesschau", "--published", "2025-02-13", "-r", str(pair)])
    err = capsys.readouterr().err
    assert code == 0
    notes = [line for line in err.splitlines() if "near-duplicate" in line]
    assert len(notes) == 2
    assert all(line.startswith("note: tagesschau-2025-02-13-") and "(similarity 0." in line for line in notes)


def test_validate_reports_near_duplicates_in_two_splits_with_the_pair_and_similarity(pair: Path) -> None:
    first, second = sorted(read_table(pair, ARTICLES)["doc_id"].to_list())
    splits = pl.DataFrame({"doc_id": [first, second], "split": ["train", "test"], "group_id": ["a", "b"]})
    write_tables(pair, {SPLITS: splits})
    report = validate(pair)
    found = [i for i in report.issues if i.code == "near-duplicate-leakage"]
    assert [(i.row, i.doc_id, i.column, i.value) for i in found] == [(1, second, "split", "test")]
    assert f"near-duplicate of {first} in train (shingle similarity 0." in found[0].message
    assert not report.valid
    write_tables(pair, {SPLITS: splits.with_columns(pl.lit("train").alias("split"))})
    assert validate(pair).valid


_WHITE = [" ", "\t", "\n", "\u00a0", "\u0085", "\u2003", "\u202f", "\u3000", "\u1680", "  "]


@given(
    words=st.lists(st.text(alphabet="aÄöÜßkKΩДжłŁ„“,.!€0123456789\u212a\u0130", min_size=1, max_size=6), max_size=12),
    spaces=st.lists(st.sampled_from(_WHITE), min_size=13, max_size=13),
    upper=st.booleans(),
)
def test_texts_with_equal_leakage_keys_have_equal_word_hashes(words: list[str], spaces: list[str], upper: bool) -> None:
    """The exact check only compares texts that share a word hash: it must never miss an equal pair."""
    one = " ".join(words)
    other = "".join(w + s for w, s in zip(words, spaces, strict=False))
    other = other.upper() if upper else other
    frame = pl.DataFrame({"text": [one, other]})
    keys = frame.select(leakage_key())["text"].to_list()
    words_hash = nd.profile(frame["text"]).words
    if keys[0] == keys[1]:
        assert words_hash[0] == words_hash[1]
