"""The fast paths of the validator (batches, hash prefilters, NFC prefilter) report what the plain checks would."""

from __future__ import annotations

import hashlib
import unicodedata

import polars as pl
import pytest

from peacetalks import validate_frames
from peacetalks.validation.checks import articles as article_checks
from peacetalks.validation.checks import spans as span_checks
from peacetalks.validation.checks.rules import _crossing_issues
from tests.conftest import DOC, TEXT, tiny_frames

Frames = dict[str, pl.DataFrame]
ART, ENT, ARG = "corpus/articles.parquet", "annotations/entities.parquet", "annotations/event_arguments.parquet"


def _second_doc(frames: Frames, doc: str) -> Frames:
    """The tiny corpus with a copy of its one article (and its annotations) under another doc_id."""
    return {
        name: pl.concat([df, df.with_columns(pl.lit(doc).alias("doc_id"))]).sort("doc_id", maintain_order=True)
        for name, df in frames.items()
    }


def _codes(frames: Frames) -> list[list[object]]:
    return validate_frames(frames).flatten(["file", "row", "code"])


def test_every_code_point_below_u0300_is_nfc_stable() -> None:
    """The NFC prefilter skips texts without a code point from U+0300 up; that is only sound if this holds."""
    for cp in range(0x300):
        ch = chr(cp)
        assert unicodedata.combining(ch) == 0
        assert unicodedata.normalize("NFC", ch) == ch
    # No canonical decomposition has a code point below U+0300 after its first one (no such
    # character can combine with a preceding one).
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            assert all(int(part, 16) >= 0x300 for part in decomposition.split()[1:])


def test_first_byte_tells_code_points_from_u0300() -> None:
    """The NFC prefilter looks at UTF-8 lead bytes: from 0xCC up exactly for code points from U+0300 up."""
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue  # surrogates have no UTF-8 form
        assert (chr(cp).encode()[0] >= article_checks._FIRST_BYTE_FROM_U0300) is (cp >= 0x300)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Gespräche über „Frieden“ – Selenskyj", False),  # precomposed umlauts and typographic quotes
        ("Gespra\u0308che", True),  # a decomposed umlaut
        ("Ohm \u2126", True),  # a singleton NFC replaces
        ("plain ASCII", False),
    ],
)
def test_not_nfc_is_reported_exactly(text: str, flagged: bool) -> None:
    frames = tiny_frames()
    frames["articles"] = frames["articles"].with_columns(
        pl.lit(text).alias("text"), pl.lit(hashlib.sha256(text.encode()).hexdigest()).alias("text_sha256")
    )
    codes = {code for _, _, code in _codes({"articles": frames["articles"]})}
    assert ("text-not-nfc" in codes) is flagged


def test_scan_texts_matches_hashlib_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing straight from the Arrow buffers, in batches, gives hashlib's digest of the UTF-8 text."""
    monkeypatch.setattr(article_checks, "_SHA_BATCH", 3)
    texts = ["", "a", "Gespräche über „Frieden“", "x" * 5000, TEXT, "ß" * 3, "end"]
    series = pl.Series("text", texts).slice(1)  # a sliced column: offsets do not start at 0
    digests, may_need = article_checks.scan_texts(series)
    assert digests.to_list() == [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts[1:]]
    assert may_need.to_list() == [any(ord(c) >= 0x300 for c in t) for t in texts[1:]]


def test_span_text_checked_in_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one article per batch, a wrong span in the second article is reported at its own row."""
    monkeypatch.setattr(span_checks, "BATCH_DOCS", 1)
    frames = _second_doc(tiny_frames(), "zz-second")
    ents = frames["entities"]
    frames["entities"] = ents.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("Putim")).otherwise(pl.col("text")).alias("text")
    )
    assert ents["doc_id"][4] == "zz-second"
    assert _codes(frames) == [[ENT, 4, "span-text-mismatch"]]


def test_span_issue_reported_once_when_doc_id_is_duplicated() -> None:
    """A duplicated article doc_id is a duplicate-id; it must not double the span issues of that document."""
    frames = tiny_frames()
    frames["articles"] = pl.concat([frames["articles"], frames["articles"]])
    frames["entities"] = frames["entities"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("Trum")).otherwise(pl.col("text")).alias("text")
    )
    assert _codes(frames) == [
        [ENT, 0, "span-text-mismatch"],
        [ART, 0, "duplicate-id"],
        [ART, 1, "duplicate-id"],
    ]


def test_crossing_is_not_reported_across_documents() -> None:
    """A NAME mention is compared only with mentions of its own document, even right after another one."""
    frames = tiny_frames()
    other = frames["entities"].filter(pl.col("mention_id") == "m1")
    # In a second document, a NAME mention 3..10 would cross m1 (0..5) were documents ignored.
    second = other.with_columns(
        pl.lit("zz-second").alias("doc_id"),
        pl.lit("x1").alias("mention_id"),
        pl.lit(3, pl.Int64).alias("start"),
        pl.lit(10, pl.Int64).alias("end"),
        pl.lit("mp tele").alias("text"),
    )
    entities = pl.concat([frames["entities"], second])
    assert _crossing_issues(entities.with_row_index("__row"), ENT) == []


def test_crossing_names_the_nearest_crossed_mention() -> None:
    """The message names the closest preceding mention that is crossed."""
    frames = tiny_frames()
    base = frames["entities"].filter(pl.col("mention_id") == "m1")
    extra = [
        base.with_columns(
            pl.lit(mid).alias("mention_id"), pl.lit(s, pl.Int64).alias("start"), pl.lit(e, pl.Int64).alias("end")
        )
        for mid, s, e in [("a", 0, 4), ("b", 0, 5), ("c", 3, 8)]
    ]
    entities = pl.concat(extra).with_row_index("__row")
    issues = _crossing_issues(entities, ENT)
    assert [(i.record_id, i.row) for i in issues] == [("c", 2)]
    assert "crosses NAME mention b" in issues[0].message


def test_reference_in_other_doc_and_unknown_are_told_apart() -> None:
    """Fingerprinted reference checks still say whether a dangling mention exists in another document."""
    frames = _second_doc(tiny_frames(), "zz-second")
    frames["entities"] = frames["entities"].filter(~((pl.col("doc_id") == DOC) & (pl.col("mention_id") == "m2")))
    frames["event_arguments"] = frames["event_arguments"].with_columns(
        pl.when((pl.col("argument_id") == "a1") & (pl.col("doc_id") == DOC))
        .then(pl.lit("m-none"))
        .otherwise(pl.col("mention_id"))
        .alias("mention_id")
    )
    assert _codes(frames) == [[ARG, 0, "unknown-mention"], [ARG, 1, "mention-in-other-doc"]]


def test_crossing_found_in_unsorted_entities() -> None:
    """Entities out of (doc_id, start, end) order are sorted before the neighbour comparison."""
    frames = tiny_frames()
    base = frames["entities"].filter(pl.col("mention_id") == "m1")
    rows = [
        base.with_columns(
            pl.lit(mid).alias("mention_id"), pl.lit(s, pl.Int64).alias("start"), pl.lit(e, pl.Int64).alias("end")
        )
        for mid, s, e in [("c", 3, 8), ("b", 0, 5)]
    ]
    entities = pl.concat(rows).with_row_index("__row")
    issues = _crossing_issues(entities, ENT)
    assert [(i.record_id, i.row) for i in issues] == [("c", 0)]


def test_repeated_marks_every_copy_of_a_repeated_value() -> None:
    """The sort-based duplicate mask marks all copies of a repeated value, nulls never."""
    from peacetalks.validation.checks.references import repeated

    hashes = pl.Series([5, 1, 5, None, 7, None, 1, 5], dtype=pl.UInt64)
    assert repeated(hashes).to_list() == [True, True, True, False, False, False, True, True]


def test_entity_label_conflict_is_per_document() -> None:
    """One entity_id with two labels conflicts within a document, not across two documents."""
    frames = _second_doc(tiny_frames(), "zz-second")
    relabel = (pl.col("doc_id") == "zz-second") & (pl.col("mention_id") == "m1")
    frames["entities"] = frames["entities"].with_columns(
        pl.when(relabel).then(pl.lit("ORG")).otherwise(pl.col("label")).alias("label")
    )
    assert _codes(frames) == []
    same_doc = frames["entities"].with_columns(
        pl.when(pl.col("mention_id") == "m2").then(pl.lit("trump")).otherwise(pl.col("entity_id")).alias("entity_id")
    )
    frames["entities"] = same_doc
    # In each document m1 and m2 now share entity "trump"; only in zz-second are the labels ORG and PER.
    assert _codes(frames) == [[ENT, 3, "entity-label-conflict"], [ENT, 4, "entity-label-conflict"]]


def test_missing_keys_match_a_plain_anti_join() -> None:
    """The hashed anti join finds what a join on the keys would: nulls never match, ``where`` skips rows."""
    from peacetalks.validation.checks.references import missing

    df = pl.DataFrame(
        {
            "doc": ["a", "a", "b", None, "b", "c"],
            "ref": ["x", "y", "x", "x", None, "z"],
            "kind": ["r", "r", "r", "r", "r", "skip"],
        }
    )
    targets = pl.DataFrame({"doc": ["a", "b", None, "c"], "id": ["x", "y", "x", None]})
    found = missing(df, ["doc", "ref"], targets, ["doc", "id"]).sort().to_list()
    # (a,y), (b,x): not in targets; null doc or null ref: never match; (c,z): the target (c, null) does not count
    assert found == [1, 2, 3, 4, 5]
    kept = missing(df, ["doc", "ref"], targets, ["doc", "id"], where=pl.col("kind") != "skip")
    assert kept.sort().to_list() == [1, 2, 3, 4]
    # The key columns are hashed in order: (doc, ref) = (x, a) is not (a, x).
    swapped = pl.DataFrame({"doc": ["x"], "ref": ["a"]})
    assert missing(swapped, ["doc", "ref"], targets, ["doc", "id"]).to_list() == [0]
