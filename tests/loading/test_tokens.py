"""The tokens config: spaCy German tokens and sentences, BIO tags in three tag sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from peacetalks.loading.configs import build_config, features
from peacetalks.loading.tokens import align_labels
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import tagsets
from tests.loading.corpora import FORMS, Doc, write_corpus

NESTED = Doc(
    "doc-nested",
    "Wladimir Putin sprach auf der Münchener Sicherheitskonferenz mit dem Präsidenten.",
    mentions=[
        ("Wladimir Putin", "PER", "NAME", "NAM"),
        ("Münchener Sicherheitskonferenz", "EVENT", "NAME", "NAM"),
        ("Münchener", "GPE", "DERIV", "NAM"),
        ("dem Präsidenten", "PER", None, "NOM"),
    ],
)
BLOCKS = Doc("doc-blocks", "Trump und Putin\nDie Gespräche beginnen. Sie dauern an.")


def _sentences(root: Path, **options: object) -> list[dict[str, Any]]:
    tables = build_config("tokens", root, **options)
    rows: list[dict[str, Any]] = pa.concat_tables(tables.values()).to_pylist()
    return rows


def _tags(root: Path, doc_id: str, **options: object) -> list[tuple[str, str]]:
    names = features("tokens", **options)["ner_tags"].feature
    out = []
    for row in _sentences(root, **options):
        if row["doc_id"] == doc_id:
            out += list(zip(row["tokens"], names.int2str(row["ner_tags"]), strict=True))
    return out


@pytest.fixture
def token_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path, [FORMS, NESTED, BLOCKS])


@pytest.mark.parametrize(
    ("tagset", "expected"),
    [
        ("peacetalks", ["B-GPEpart", "B-PER", "O", "O", "O", "B-ORGpart", "O", "B-GPEderiv", "O", "O"]),
        ("germeval2014", ["B-LOCpart", "B-PER", "O", "O", "O", "B-ORGpart", "O", "B-LOCderiv", "O", "O"]),
        ("conll2003", ["O", "B-PER", "O", "O", "O", "O", "O", "B-MISC", "O", "O"]),
    ],
)
def test_deriv_and_part_mentions_map_per_tagset(token_corpus: Path, tagset: str, expected: list[str]) -> None:
    """A PART mention inside a token tags the whole token; DERIV gets deriv (or MISC in CoNLL)."""
    tags = _tags(token_corpus, "doc-forms", tagset=tagset)
    assert [t for t, _ in tags] == [
        "US-Präsident", "Trump", "sprach", "mit", "dem", "Kremlchef", "über", "russische", "Truppen", ".",
    ]  # fmt: skip
    assert [tag for _, tag in tags] == expected


def test_nested_mentions_keep_the_outer_one_and_nominals_are_off_by_default(token_corpus: Path) -> None:
    tags = dict(_tags(token_corpus, "doc-nested"))
    assert (tags["Wladimir"], tags["Putin"]) == ("B-PER", "I-PER")
    assert (tags["Münchener"], tags["Sicherheitskonferenz"]) == ("B-EVENT", "I-EVENT")
    assert (tags["dem"], tags["Präsidenten"]) == ("O", "O")


def test_mention_types_option_tags_nominal_mentions(token_corpus: Path) -> None:
    tags = dict(_tags(token_corpus, "doc-nested", mention_types=["NAM", "NOM"]))
    assert (tags["dem"], tags["Präsidenten"]) == ("B-PER", "I-PER")


def test_sentences_split_at_blocks_and_punctuation_with_true_offsets(token_corpus: Path) -> None:
    rows = [r for r in _sentences(token_corpus) if r["doc_id"] == "doc-blocks"]
    assert [r["sentence_id"] for r in rows] == [0, 1, 2]
    assert [r["tokens"] for r in rows] == [
        ["Trump", "und", "Putin"],
        ["Die", "Gespräche", "beginnen", "."],
        ["Sie", "dauern", "an", "."],
    ]
    for row in rows:
        spans = zip(row["token_starts"], row["token_ends"], strict=True)
        assert [BLOCKS.text[s:e] for s, e in spans] == row["tokens"]


def test_tag_names_are_o_then_b_and_i_per_class() -> None:
    names = features("tokens", tagset="conll2003")["ner_tags"].feature.names
    assert names == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
    assert len(tagsets()["germeval2014"].classes(load_scheme())) == 12


def test_align_labels_follows_word_ids() -> None:
    """Special tokens get -100, the first sub-word the word's tag, later ones -100 or the I- tag."""
    word_ids = [None, 0, 0, 1, 2, 2, None]
    tags = [1, 0, 3]  # B-PER, O, B-ORG
    assert align_labels(word_ids, tags) == [-100, 1, -100, 0, 3, -100, -100]
    assert align_labels(word_ids, tags, every_subword=True) == [-100, 1, 2, 0, 3, 4, -100]
