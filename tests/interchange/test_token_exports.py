"""Token exports (CoNLL-2003, GermEval 2014, spaCy) write the tokens, sentences and tags of load("tokens")."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import InterchangeError
from peacetalks.interchange.exporters.export import export
from peacetalks.loading.configs import build_config, features
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tagsets import tagsets
from tests.loading.corpora import FORMS, Doc, write_corpus

NESTED = Doc(
    "doc-nested",
    "Wladimir Putin sprach auf der Münchener Sicherheitskonferenz\nmit dem Präsidenten der Ukraine.",
    mentions=[
        ("Wladimir Putin", "PER", "NAME", "NAM"),
        ("Münchener Sicherheitskonferenz", "EVENT", "NAME", "NAM"),
        ("Münchener", "GPE", "DERIV", "NAM"),
        ("dem Präsidenten der Ukraine", "PER", None, "NOM"),
        ("Ukraine", "GPE", "NAME", "NAM"),
    ],
)
DEEP = Doc(
    "doc-deep",
    "Die Bundesrepublik Deutschland verhandelt. Die EU-Kommission schweigt.",
    mentions=[
        ("Bundesrepublik Deutschland", "GPE", "NAME", "NAM"),
        ("Bundesrepublik", "GPE", "NAME", "NAM"),
        ("Bunde", "MISC", "PART", "NAM"),
        ("Deutschland", "GPE", "NAME", "NAM"),
        ("EU", "ORG", "PART", "NAM"),
    ],
)
DOCS = [FORMS, NESTED, DEEP]
# The NAM mentions on the outer level: none of them overlaps an earlier-starting or longer one.
OUTER = {"US", "Trump", "Kreml", "russische", "Wladimir Putin", "Münchener Sicherheitskonferenz", "Ukraine"}
OUTER |= {"Bundesrepublik Deutschland", "EU"}

Sentence = list[tuple[str, str]]  # (token, tag)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", DOCS)


def config_sentences(root: Path, **options: object) -> list[tuple[str, Sentence]]:
    """(doc_id, sentence) of the tokens config, by doc_id and sentence_id, tags as names."""
    names = features("tokens", **options)["ner_tags"].feature
    rows = pa.concat_tables(build_config("tokens", root, **options).values()).to_pylist()
    rows.sort(key=lambda r: (r["doc_id"], r["sentence_id"]))
    return [(r["doc_id"], list(zip(r["tokens"], names.int2str(r["ner_tags"]), strict=True))) for r in rows]


def read_conll(path: Path) -> list[list[Sentence]]:
    """Documents of sentences, read as the CoNLL-2003 files are: ``token POS chunk TAG``, -DOCSTART- per document."""
    docs: list[list[Sentence]] = []
    sentence: Sentence = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not line:
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            token, _, _, tag = line.split(" ")
            sentence.append((token, tag))
    return docs


def read_germeval(path: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(doc_id of the ``#`` line, rows of (token, outer, inner)) per sentence; the 1-based numbers are checked."""
    out: list[tuple[str, list[tuple[str, str, str]]]] = []
    for block in path.read_text(encoding="utf-8").strip("\n").split("\n\n"):
        header, *lines = block.split("\n")
        assert header.startswith("#\t")
        rows = [line.split("\t") for line in lines]
        assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
        out.append((header.split("\t")[1].split(" ")[0], [(r[1], r[2], r[3]) for r in rows]))
    return out


@pytest.mark.parametrize("tagset", [None, "peacetalks", "germeval2014"])
def test_conll2003_export_has_the_tokens_config_tags_token_by_token(root: Path, tmp_path: Path, tagset: str) -> None:
    """Same documents, sentences, tokens and tags as load("tokens"); the default tag set is conll2003."""
    export(root, "conll2003", tmp_path / "out.conll", tagset=tagset)
    expected = config_sentences(root, tagset=tagset or "conll2003")
    by_doc = [[s for d, s in expected if d == doc.doc_id] for doc in sorted(DOCS, key=lambda d: d.doc_id)]
    assert read_conll(tmp_path / "out.conll") == by_doc


@pytest.mark.parametrize("tagset", [None, "peacetalks", "conll2003"])
def test_germeval2014_outer_column_is_the_tokens_config_tags(root: Path, tmp_path: Path, tagset: str) -> None:
    """The outer column, token by token and sentence by sentence, is load("tokens") in the same tag set."""
    export(root, "germeval2014", tmp_path / "out.tsv", tagset=tagset)
    written = [(doc, [(token, outer) for token, outer, _ in rows]) for doc, rows in read_germeval(tmp_path / "out.tsv")]
    assert written == config_sentences(root, tagset=tagset or "germeval2014")


def test_germeval_inner_level_is_the_outer_level_of_the_mentions_left_out(root: Path, tmp_path: Path) -> None:
    """Without the outer mentions, load("tokens") tags exactly what the inner column holds."""
    export(root, "germeval2014", tmp_path / "out.tsv")
    inner = [(doc, [(token, tag) for token, _, tag in rows]) for doc, rows in read_germeval(tmp_path / "out.tsv")]
    rest = [Doc(d.doc_id, d.text, mentions=[m for m in d.mentions if m[0] not in OUTER]) for d in DOCS]
    assert inner == config_sentences(write_corpus(tmp_path / "rest", rest), tagset="germeval2014")
    tags = {token: tag for _, rows in inner for token, tag in rows}
    assert (tags["Münchener"], tags["Bundesrepublik"], tags["Deutschland"]) == ("B-LOCderiv", "B-LOC", "B-LOC")


def test_germeval_export_writes_only_germeval_tags(root: Path, tmp_path: Path) -> None:
    """GPE, EVENT and MISC become LOC and OTH (the old export wrote B-GPE)."""
    export(root, "germeval2014", tmp_path / "out.tsv")
    written = {
        tag for _, rows in read_germeval(tmp_path / "out.tsv") for _, outer, inner in rows for tag in (outer, inner)
    }
    assert written <= set(tagsets()["germeval2014"].tags(load_scheme()))
    assert {"B-LOCpart", "B-LOCderiv", "B-OTH", "I-OTH", "B-ORGpart"} <= written


def test_mentions_on_no_level_are_reported_and_part_is_untagged_in_conll(root: Path, tmp_path: Path) -> None:
    germeval = export(root, "germeval2014", tmp_path / "out.tsv")
    assert germeval.skipped == ["doc-deep: mention m2 ('Bunde')"]
    conll = export(root, "conll2003", tmp_path / "out.conll")
    # nested NAME and DERIV mentions do not fit the one level; PART mentions ("Bunde") are not tagged at all
    assert conll.skipped == [
        "doc-deep: mention m1 ('Bundesrepublik')",
        "doc-deep: mention m3 ('Deutschland')",
        "doc-nested: mention m2 ('Münchener')",
    ]
    tags = dict(s for _, sentence in config_sentences(root, tagset="conll2003") for s in sentence)
    assert (tags["US-Präsident"], tags["Kremlchef"], tags["russische"], tags["Münchener"]) == (
        "O",
        "O",
        "B-MISC",
        "B-MISC",
    )


def test_mention_types_reach_the_export_as_they_reach_load(root: Path, tmp_path: Path) -> None:
    """With NOM mentions, "dem Präsidenten der Ukraine" is outer and "Ukraine" moves to the inner level."""
    export(root, "germeval2014", tmp_path / "out.tsv", mention_types=["NAM", "NOM"])
    rows = read_germeval(tmp_path / "out.tsv")
    outer = [(doc, [(token, tag) for token, tag, _ in r]) for doc, r in rows]
    assert outer == config_sentences(root, tagset="germeval2014", mention_types=["NAM", "NOM"])
    tags = {token: (o, i) for _, r in rows for token, o, i in r}
    assert (tags["dem"], tags["Ukraine"]) == (("B-PER", "O"), ("I-PER", "B-LOC"))


def test_spacy_docbin_ents_and_sentences_are_the_tokens_config(root: Path, tmp_path: Path) -> None:
    """doc.ents are the outer BIO runs (peacetalks tag set by default), sentences those of the config."""
    import spacy
    from spacy.tokens import DocBin

    for tagset in (None, "conll2003"):
        export(root, "spacy", tmp_path / "out.spacy", tagset=tagset)
        docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("de").vocab))
        expected = config_sentences(root, tagset=tagset or "peacetalks")
        sentences = [
            (doc.user_data["peacetalks"]["doc_id"], [t for t in sent if not t.is_space])
            for doc in docs
            for sent in doc.sents
        ]
        bio = [(d, [(t.text, f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O") for t in s]) for d, s in sentences]
        assert bio == expected
    forms = next(d for d in docs if d.user_data["peacetalks"]["doc_id"] == "doc-forms")
    assert [(e.text, e.label_, e.kb_id_) for e in forms.ents] == [
        ("Trump", "PER", "per-trump"),
        ("russische", "MISC", "gpe-russische"),
    ]


def _plain(output: str) -> str:
    """CLI output without rich's box and line wrapping."""
    return " ".join(output.replace("│", " ").split())


def test_cli_tagset_applies_to_token_formats_and_is_refused_elsewhere(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out.conll"
    args = ["export", "conll2003", str(out), "--root", str(root), "--tagset", "germeval2014"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    expected = config_sentences(root, tagset="germeval2014")
    assert [s for doc in read_conll(out) for s in doc] == [s for _, s in expected]
    refused = runner.invoke(
        app, ["export", "jsonl", str(tmp_path / "x.jsonl"), "--root", str(root), "--tagset", "conll2003"]
    )
    assert refused.exit_code == 2
    assert "--tagset applies to conll2003, germeval2014, spacy" in _plain(refused.output)
    assert not (tmp_path / "x.jsonl").exists()
    unknown = runner.invoke(app, ["export", "conll2003", str(out), "--root", str(root), "--tagset", "ontonotes"])
    assert unknown.exit_code == 2
    assert "'ontonotes': expected one of peacetalks, germeval2014, conll2003" in _plain(unknown.output)


def test_library_export_refuses_a_tagset_for_document_formats_and_unknown_options(root: Path, tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="takes no tag set"):
        export(root, "brat", tmp_path / "brat", tagset="conll2003")
    with pytest.raises(InterchangeError, match=r"\[unknown-tagset\]"):
        export(root, "germeval2014", tmp_path / "x.tsv", tagset="ontonotes")
    with pytest.raises(InterchangeError, match=r"\[unknown-mention-type\]"):
        export(root, "conll2003", tmp_path / "x.conll", mention_types=["XYZ"])
