"""Each check of `peacetalks validate`, fed one bad row, reports its code at its position."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import polars as pl
import pytest

from peacetalks import codes, validate_frames
from peacetalks.schema.tables import SPLITS
from tests.conftest import DOC, status_frame, tiny_frames

Frames = dict[str, pl.DataFrame]
Mutation = Callable[[Frames], None]

ART, BLK, SPL, ENT, EVT, ARG, STA, STS = (
    "corpus/articles.parquet",
    "corpus/blocks.parquet",
    "corpus/splits.parquet",
    "annotations/entities.parquet",
    "annotations/events.parquet",
    "annotations/event_arguments.parquet",
    "annotations/stances.parquet",
    "annotations/status.parquet",
)
OTHER = "ts-2025-02-13-other"  # a second article's doc_id


def _set(table: str, row: int, **values: object) -> Mutation:
    """Replace column values in one row of one table."""

    def mutate(frames: Frames) -> None:
        df = frames[table]
        frames[table] = df.with_columns(
            [
                pl.when(pl.int_range(pl.len()) == row)
                .then(pl.lit(value, dtype=df.schema[col]))
                .otherwise(pl.col(col))
                .alias(col)
                for col, value in values.items()
            ]
        )

    return mutate


def _append(table: str, row: int, **values: object) -> Mutation:
    """Append a copy of one row with some values changed."""

    def mutate(frames: Frames) -> None:
        df = frames[table]
        new = df[row].with_columns([pl.lit(v, dtype=df.schema[c]).alias(c) for c, v in values.items()])
        frames[table] = pl.concat([df, new])

    return mutate


def _new_article(**values: object) -> Mutation:
    """Append a copy of the article with some values changed, with an adjudicated gold status like the first."""
    doc = str(values.get("doc_id", DOC))

    def mutate(frames: Frames) -> None:
        _append("articles", 0, **values)(frames)
        if doc != DOC:
            frames["status"] = pl.concat([frames["status"], status_frame([doc])])

    return mutate


def _drop_column(table: str, column: str) -> Mutation:
    def mutate(frames: Frames) -> None:
        frames[table] = frames[table].drop(column)

    return mutate


def _add_column(table: str, column: str) -> Mutation:
    def mutate(frames: Frames) -> None:
        frames[table] = frames[table].with_columns(pl.lit(1).alias(column))

    return mutate


def _cast(table: str, column: str, dtype: pl.DataType) -> Mutation:
    def mutate(frames: Frames) -> None:
        frames[table] = frames[table].with_columns(pl.col(column).cast(dtype))

    return mutate


def _chain(*mutations: Mutation) -> Mutation:
    """Apply several mutations in turn."""

    def mutate(frames: Frames) -> None:
        for mutation in mutations:
            mutation(frames)

    return mutate


def _quotation_before(words: str) -> Mutation:
    """Open a quotation in the second sentence just before ``words`` (in place of the space before them).

    The text keeps its length, so every span stays where it is; the stance's evidence text follows.
    """

    def mutate(frames: Frames) -> None:
        text = str(frames["articles"]["text"][0])
        at = text.index(words, 30) - 1
        quoted = text[:at] + '"' + text[at + 1 :]
        sha = hashlib.sha256(quoted.encode()).hexdigest()
        _set("articles", 0, text=quoted, text_sha256=sha)(frames)
        _set("stances", 0, evidence_text=quoted[30:65])(frames)

    return mutate


def _direct_quote() -> Mutation:
    return _set("stances", 0, attribution="DIRECT_QUOTE")


def _splits(assigned: dict[str, str]) -> Mutation:
    """Add a splits table assigning each doc_id to a split (each its own group)."""

    def mutate(frames: Frames) -> None:
        frames["splits"] = pl.DataFrame(
            {"doc_id": list(assigned), "split": list(assigned.values()), "group_id": list(assigned)},
            schema=SPLITS.polars_schema(),
        )

    return mutate


# Every row of the tiny corpus's tables but the article: each names the article's doc_id.
_ROWS_OF_DOC = [(BLK, 2), (ENT, 3), (EVT, 2), (ARG, 3), (STA, 1), (STS, 3)]


def _clusters(first: str | None, second: str | None) -> Mutation:
    """Give the two events of the tiny corpus these cluster ids."""

    def mutate(frames: Frames) -> None:
        _set("events", 0, cluster_id=first)(frames)
        _set("events", 1, cluster_id=second)(frames)

    return mutate


def _in_file_order(rows: list[list[object]]) -> list[list[object]]:
    """Rows sorted as a report is (file, row with None first, column, code)."""
    return sorted(rows, key=lambda r: (str(r[0]), -1 if r[1] is None else int(str(r[1])), str(r[2]), str(r[3])))


CASES: list[tuple[str, Mutation, list[list[object]]]] = [
    # 1. columns, types, nulls
    ("missing column", _drop_column("entities", "entity_id"), [[ENT, None, "entity_id", "missing-column"]]),
    ("extra column", _add_column("stances", "confidence"), [[STA, None, "confidence", "extra-column"]]),
    ("wrong type", _cast("events", "trigger_start", pl.Float64()), [[EVT, None, "trigger_start", "wrong-type"]]),
    ("null in required field", _set("entities", 1, label=None), [[ENT, 1, "label", "null-value"]]),
    ("empty source", _set("articles", 0, source=""), [[ART, 0, "source", "empty-value"]]),
    ("empty headline", _set("articles", 0, headline=""), [[ART, 0, "headline", "empty-value"]]),
    (
        "mention id with white space",
        _set("entities", 1, mention_id="m 2"),
        [[ENT, 1, "mention_id", "malformed-value"], [ARG, 1, "mention_id", "unknown-mention"]],  # a2 named m2
    ),
    # 2. duplicate ids
    (
        "duplicate mention id",
        _set("entities", 2, mention_id="m2"),
        [
            [ENT, 1, "mention_id", "duplicate-id"],
            [ENT, 2, "mention_id", "duplicate-id"],
            [STA, 0, "holder_mention_id", "unknown-mention"],  # m3 is gone now
        ],
    ),
    (
        "duplicate doc id",
        _append("articles", 0),
        [[ART, 0, "doc_id", "duplicate-id"], [ART, 1, "doc_id", "duplicate-id"]],
    ),
    (
        "duplicate event id",
        _append("events", 0),
        [[EVT, 0, "event_id", "duplicate-id"], [EVT, 2, "event_id", "duplicate-id"]],
    ),
    (
        "duplicate stance id",
        _append("stances", 0),
        [[STA, 0, "stance_id", "duplicate-id"], [STA, 1, "stance_id", "duplicate-id"]],
    ),
    # 3. values outside the scheme
    ("unknown label", _set("entities", 0, label="PERSON"), [[ENT, 0, "label", "value-not-in-scheme"]]),
    ("unknown category", _set("events", 1, category="MEET"), [[EVT, 1, "category", "value-not-in-scheme"]]),
    ("mode not allowed for category", _set("events", 0, mode="withdraw"), [[EVT, 0, "mode", "mode-not-allowed"]]),
    ("unknown role", _set("event_arguments", 0, role="AGENT"), [[ARG, 0, "role", "value-not-in-scheme"]]),
    ("unknown polarity", _set("stances", 0, polarity="PRO"), [[STA, 0, "polarity", "value-not-in-scheme"]]),
    ("unknown stance target", _set("stances", 0, target_id="world-peace"), [[STA, 0, "target_id", "unknown-target"]]),
    ("unknown context", _set("events", 0, context=["diplomacy"]), [[EVT, 0, "context", "value-not-in-scheme"]]),
    # event clusters (GUIDELINES 2.7): the tiny corpus's two events are CONSULT (ev1) and SUPPORT (ev2)
    (
        "cluster id that is not a slug",
        _clusters("Trump_Call", "kreml-confirms"),
        [[EVT, 0, "cluster_id", "malformed-cluster-id"]],
    ),
    (
        "cluster that mixes categories",
        _clusters("the-call", "the-call"),
        [[EVT, 0, "cluster_id", "cluster-mixes-categories"], [EVT, 1, "cluster_id", "cluster-mixes-categories"]],
    ),
    ("article clustered in part", _clusters("the-call", None), [[EVT, 1, "cluster_id", "partial-event-clusters"]]),
    # 4. spans
    ("negative start", _set("entities", 0, start=-1), [[ENT, 0, "start", "span-out-of-bounds"]]),
    ("start not before end", _set("entities", 1, start=28), [[ENT, 1, "end", "empty-span"]]),
    ("end beyond the text", _set("stances", 0, evidence_end=99), [[STA, 0, "evidence_end", "span-out-of-bounds"]]),
    ("mention text differs", _set("entities", 0, text="Trumps"), [[ENT, 0, "text", "span-text-mismatch"]]),
    (
        "trigger text differs",
        _set("events", 0, trigger_text="telefoniert"),
        [[EVT, 0, "trigger_text", "span-text-mismatch"]],
    ),
    ("argument span text differs", _set("event_arguments", 2, text="das"), [[ARG, 2, "text", "span-text-mismatch"]]),
    (
        "evidence text differs",
        _set("stances", 0, evidence_text="Der Kreml."),
        [[STA, 0, "evidence_text", "span-text-mismatch"]],
    ),
    (
        "span with trailing white space",
        _set("entities", 1, end=29, text="Putin."),
        [],  # "Putin." has no white space: a control that the whitespace check is not over-eager
    ),
    (
        "span with leading white space",
        _set("entities", 1, start=22, text=" Putin"),
        [[ENT, 1, "start", "span-whitespace"]],
    ),
    (
        "span with white space at both ends",
        _set("entities", 1, start=22, end=30, text=" Putin.\n"),
        [[ENT, 1, "end", "span-whitespace"], [ENT, 1, "start", "span-whitespace"]],  # each end, its own column
    ),
    (
        "span that starts inside a word",
        _set("entities", 1, start=24, text="utin"),
        [[ENT, 1, "start", "span-inside-word"]],
    ),
    (
        "span that ends inside a word",
        _set("entities", 1, end=27, text="Puti"),
        [[ENT, 1, "end", "span-inside-word"]],
    ),
    (
        "span that starts and ends inside a word: one issue, at its start",
        _set("entities", 1, start=24, end=27, text="uti"),
        [[ENT, 1, "start", "span-inside-word"]],
    ),
    (
        "event trigger inside a word",
        _set("events", 0, trigger_start=7, trigger_text="elefonierte"),
        [[EVT, 0, "trigger_start", "span-inside-word"]],
    ),
    ("block beyond the text", _set("blocks", 1, end=70), [[BLK, 1, "end", "span-out-of-bounds"]]),
    ("argument span without an end", _set("event_arguments", 2, end=None), [[ARG, 2, "end", "incomplete-span"]]),
    # 5. crossing names, duplicate spans
    (
        "crossing NAME mentions",
        _append("entities", 2, mention_id="m4", start=23, end=34, text="Putin.\nDer ", label="ORG", entity_id="x"),
        [[ENT, 2, "start", "crossing-mentions"], [ENT, 3, "end", "span-whitespace"]],  # "Der " ends with one
    ),
    (
        "exact duplicate span with the same label",
        _append("entities", 0, mention_id="m9"),
        [[ENT, 0, "start", "duplicate-span"], [ENT, 3, "start", "duplicate-span"]],
    ),
    # 6. dangling references
    ("block of a missing article", _set("blocks", 1, doc_id="ts-missing"), [[BLK, 1, "doc_id", "unknown-doc"]]),
    (
        "mention of a missing article",
        _set("entities", 2, doc_id="ts-missing"),
        [[ENT, 2, "doc_id", "unknown-doc"], [STA, 0, "holder_mention_id", "mention-in-other-doc"]],
    ),
    (
        "argument of a missing event",
        _set("event_arguments", 2, event_id="ev9"),
        [[ARG, 2, "event_id", "unknown-event"]],
    ),
    (
        "argument naming a missing mention",
        _set("event_arguments", 0, mention_id="m9"),
        [[ARG, 0, "mention_id", "unknown-mention"]],
    ),
    (
        "stance holder that does not exist",
        _set("stances", 0, holder_mention_id="m9"),
        [[STA, 0, "holder_mention_id", "unknown-mention"]],
    ),
    ("stance event that does not exist", _set("stances", 0, event_id="ev9"), [[STA, 0, "event_id", "unknown-event"]]),
    (
        "stance event of another document",
        _chain(
            _new_article(doc_id=OTHER),
            _append("events", 1, doc_id=OTHER, event_id="ev7"),
            _set("stances", 0, event_id="ev7"),
        ),
        [[STA, 0, "event_id", "event-in-other-doc"]],
    ),
    (
        "argument with both a mention and a span",
        _set("event_arguments", 0, start=0, end=5, text="Trump"),
        [[ARG, 0, "mention_id", "bad-argument-target"]],
    ),
    # 7. roles
    (
        "role not allowed for the category",
        _set("event_arguments", 0, role="ARTIFACT"),
        [[ARG, 0, "role", "role-not-allowed"]],
    ),
    (
        "required recipient missing",
        _set("events", 1, category="COOPERATE"),
        [[EVT, 1, "category", "missing-required-role"]],
    ),
    # 8. articles
    (
        "text with carriage return",
        _set("articles", 0, text="Trump telefonierte mit Putin.\rDer Kreml bestätigte das Telefonat."),
        [[ART, 0, "text", "text-has-cr"], [ART, 0, "text_sha256", "sha256-mismatch"]],
    ),
    (
        "text not NFC",
        _set("articles", 0, text="Trump telefonierte mit Putin.\nDer Kreml bestätigte das Telefonat. Da\u0308"),
        [[ART, 0, "text", "text-not-nfc"], [ART, 0, "text_sha256", "sha256-mismatch"]],
    ),
    ("sha256 mismatch", _set("articles", 0, text_sha256="0" * 64), [[ART, 0, "text_sha256", "sha256-mismatch"]]),
    (
        "malformed doc id",
        _set("articles", 0, doc_id="TS 2025"),
        # flagged where it is defined; every row naming the old doc_id now names no article, and the
        # renamed article has no status
        _in_file_order(
            [[ART, 0, "doc_id", "malformed-doc-id"]]
            + [[STS, None, "status", "incomplete-gold"] for _ in range(3)]
            + [[file, row, "doc_id", "unknown-doc"] for file, count in _ROWS_OF_DOC for row in range(count)]
        ),
    ),
    (
        "malformed sha256",
        _set("articles", 0, text_sha256="xyz"),
        [[ART, 0, "text_sha256", "malformed-sha256"], [ART, 0, "text_sha256", "sha256-mismatch"]],
    ),
    (
        "empty text",
        _new_article(doc_id=OTHER, text="", text_sha256=hashlib.sha256(b"").hexdigest()),
        [[ART, 1, "text", "empty-text"]],
    ),
    ("malformed language", _set("articles", 0, language="German"), [[ART, 0, "language", "malformed-language"]]),
    ("date in the future", _set("articles", 0, published=dt.date(2099, 1, 1)), [[ART, 0, "published", "future-date"]]),
    # 9. entities and holders
    (
        "entity with conflicting labels",
        _set("entities", 2, entity_id="trump"),
        [[ENT, 0, "label", "entity-label-conflict"], [ENT, 2, "label", "entity-label-conflict"]],
    ),
    (
        "holder that is not PER/ORG/GPE",
        _set("entities", 2, label="LOC"),
        [[STA, 0, "holder_mention_id", "bad-holder-label"]],
    ),
    (
        "modality without realis OTHER",
        _set("events", 0, modality="FUTURE"),
        [[EVT, 0, "modality", "modality-mismatch"]],
    ),
    ("NOM mention with a form", _set("entities", 0, mention_type="NOM"), [[ENT, 0, "form", "form-mismatch"]]),
    # 9b. stance rules (warnings)
    (
        "a DIRECT_QUOTE without quotation marks",
        _set("stances", 0, attribution="DIRECT_QUOTE"),
        [[STA, 0, "attribution", "quote-attribution"]],
    ),
    (
        "a DIRECT_QUOTE whose event is outside the quotation marks",
        _chain(_quotation_before("das Telefonat"), _set("stances", 0, attribution="DIRECT_QUOTE")),
        [[STA, 0, "attribution", "quote-attribution"]],
    ),
    ("a DIRECT_QUOTE whose event is quoted", _chain(_quotation_before("bestätigte"), _direct_quote()), []),
    (
        "a party to an agreement without the stance",
        _chain(
            _set("events", 0, category="AGREE", mode=None),
            _set(
                "stances",
                0,
                holder_mention_id="m1",
                event_id="ev1",
                evidence_start=0,
                evidence_end=29,
                evidence_text="Trump telefonierte mit Putin.",
            ),
        ),
        [[STA, 0, "holder_mention_id", "missing-agreement-holder"]],
    ),
    (
        "the same position twice",
        _append("stances", 0, stance_id="s2"),
        [[STA, 1, "holder_mention_id", "duplicate-stance"]],
    ),
    (
        "the same position of two holders",
        _append("stances", 0, stance_id="s2", holder_mention_id="m1"),
        [],
    ),
    (
        "a stance's event outside its evidence",
        _set("stances", 0, event_id="ev1"),
        [[STA, 0, "event_id", "stance-event-outside-evidence"]],
    ),
    # 10. splits
    (
        "the same text in two splits",
        _chain(_new_article(doc_id=OTHER), _splits({DOC: "train", OTHER: "test"})),
        [[SPL, 0, "split", "split-leakage"], [SPL, 1, "split", "split-leakage"]],
    ),
    (
        "the same text in one split",
        _chain(_new_article(doc_id=OTHER), _splits({DOC: "test", OTHER: "test"})),
        [],
    ),
    # 11. annotation status
    ("gold in progress", _set("status", 1, status="in-progress"), [[STS, 1, "status", "incomplete-gold"]]),
    ("gold not started", _set("status", 2, status="not-started"), [[STS, 2, "status", "incomplete-gold"]]),
    ("gold complete", _set("status", 0, status="complete"), []),
    (
        "an article in no status",
        _append(
            "articles", 0, doc_id=OTHER, text="Anderer Text.", text_sha256=hashlib.sha256(b"Anderer Text.").hexdigest()
        ),
        [[STS, None, "status", "incomplete-gold"]] * 3,
    ),
    (
        "a status the scheme lacks",
        _set("status", 0, status="done"),
        [[STS, 0, "status", "incomplete-gold"], [STS, 0, "status", "value-not-in-scheme"]],
    ),
    (
        "a kind that does not exist",
        _set("status", 0, kind="tokens"),
        [[STS, None, "status", "incomplete-gold"], [STS, 0, "kind", "value-not-in-scheme"]],
    ),
    ("a status twice", _append("status", 0), [[STS, 0, "kind", "duplicate-id"], [STS, 3, "kind", "duplicate-id"]]),
    ("a status of no article", _append("status", 0, doc_id=OTHER), [[STS, 3, "doc_id", "unknown-doc"]]),
]

# Validation codes that a frame of bad rows cannot produce, and where they are tested instead.
ELSEWHERE = {
    "missing-file": "needs a corpus folder without the file: tests/validation/test_unreadable.py",
    "unreadable-file": "needs a damaged Parquet file: tests/validation/test_unreadable.py",
    "too-many-overlaps": "needs more stacked mentions than the pair limit: tests/interchange/hostile/test_limits.py",
    "bad-layer-manifest": "needs a machine layer's layer.yaml: tests/suggest/test_machine_layer.py",
    "value-out-of-range": "only the scores of a machine layer have a range: tests/suggest/test_machine_layer.py",
    "near-duplicate-leakage": "needs texts long enough to shingle: tests/text/test_near_duplicates.py",
    **dict.fromkeys(
        ("table-file-and-folder", "bad-shards", "mixed-layout", "shard-counts-differ"),
        "needs a corpus folder with shard folders: tests/storage/test_shards.py",
    ),
    **dict.fromkeys(
        ("bad-gold-versions", "gold-version-mismatch", "gold-version-stale", "unversioned-gold"),
        "needs annotations/gold.yaml in a corpus folder: tests/validation/test_gold_versions.py",
    ),
    **dict.fromkeys(
        ("bad-shards", "table-file-and-folder", "mixed-layout", "shard-counts-differ", "doc-split-across-shards"),
        "needs a sharded corpus folder: tests/validation/test_partition.py",
    ),
}


@pytest.mark.parametrize(("name", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_row_is_reported_at_its_position(name: str, mutate: Mutation, expected: list[list[object]]) -> None:
    frames = tiny_frames()
    mutate(frames)
    report = validate_frames(frames, today=dt.date(2026, 1, 1))
    assert report.flatten(["file", "row", "column", "code"]) == expected


def test_every_validation_code_has_a_bad_row_case() -> None:
    """Each issue code of the validator (from the registry) is expected by a case above, or listed in ELSEWHERE."""
    expected = {str(row[-1]) for _, _, rows in CASES for row in rows}
    assert sorted(set(codes.validation_codes()) - expected - set(ELSEWHERE)) == []
    assert sorted(set(ELSEWHERE) - set(codes.validation_codes())) == []  # ELSEWHERE names validation codes
    assert sorted(set(ELSEWHERE) & expected) == []  # and only those no case covers
    assert sorted(expected - set(codes.validation_codes())) == []  # the cases expect no unregistered code


def test_malformed_doc_id_is_reported_in_every_table() -> None:
    """A doc_id outside the slug pattern is flagged where it is defined and where it is referenced."""
    frames = tiny_frames()
    _set("articles", 0, doc_id="TS 2025")(frames)
    report = validate_frames(frames, today=dt.date(2026, 1, 1))
    rows = report.flatten(["file", "row", "column", "code"])
    assert [ART, 0, "doc_id", "malformed-doc-id"] in rows
    assert [ENT, 0, "doc_id", "unknown-doc"] in rows


def test_mention_of_another_document_is_named_as_such() -> None:
    """An argument pointing at a mention id that exists only in another document."""
    frames = tiny_frames()
    other = "ts-2025-02-13-other"
    _append("articles", 0, doc_id=other)(frames)
    _append("entities", 0, doc_id=other, mention_id="m7")(frames)
    _set("event_arguments", 0, mention_id="m7")(frames)
    report = validate_frames(frames, today=dt.date(2026, 1, 1))
    assert [ARG, 0, "mention_id", "mention-in-other-doc"] in report.flatten(["file", "row", "column", "code"])


def test_every_issue_names_file_row_record_and_message() -> None:
    frames = tiny_frames()
    _set("entities", 0, text="Trumps")(frames)
    (issue,) = validate_frames(frames).issues
    assert (issue.file, issue.row, issue.doc_id, issue.record_id) == (ENT, 0, DOC, "m1")
    assert issue.render() == (
        f"{ENT}:0 [span-text-mismatch] doc={DOC} id=m1 column=text: "
        "stored text=Trumps but the article has Trump at 0..5"
    )


def test_all_problems_are_collected_not_just_the_first() -> None:
    frames = tiny_frames()
    _set("entities", 0, label="PERSON")(frames)
    _set("events", 0, mode="withdraw")(frames)
    _set("stances", 0, polarity="PRO")(frames)
    assert validate_frames(frames).codes() == ["mode-not-allowed", "value-not-in-scheme"]
    assert len(validate_frames(frames).issues) == 3


def test_messages_about_mention_labels_name_the_labels() -> None:
    """Mention labels are held as Categorical during the checks; messages and values still read as text."""
    frames = tiny_frames()
    _set("entities", 2, label="LOC")(frames)
    _set("entities", 0, mention_type="NOM")(frames)
    issues = {i.code: i for i in validate_frames(frames, today=dt.date(2026, 1, 1)).issues}
    holder = issues["bad-holder-label"]
    assert "is a LOC mention" in holder.message
    assert "PER/ORG/GPE" in holder.message
    assert "form NAME is only for NAM mentions, this one is NOM" in issues["form-mismatch"].message
    assert issues["form-mismatch"].value == "NAME"
    conflict = tiny_frames()
    _set("entities", 2, entity_id="trump")(conflict)
    (first, *_) = validate_frames(conflict).issues
    assert first.code == "entity-label-conflict"
    assert first.value == "PER"
    assert "labelled ORG/PER;" in first.message  # sorted as text, joined


def test_a_span_with_two_bound_problems_gets_both() -> None:
    """end beyond the text and start after end: both are reported for the one row."""
    frames = tiny_frames()
    _set("entities", 0, start=100, end=90)(frames)
    found = validate_frames(frames).flatten(["file", "row", "column", "code"])
    assert sorted(found) == [
        ["annotations/entities.parquet", 0, "end", "empty-span"],
        ["annotations/entities.parquet", 0, "end", "span-out-of-bounds"],
    ]


def test_one_wrong_label_is_one_line_naming_the_label_of_the_others() -> None:
    """One of Putin's mentions in the seed's gold relabelled ORG: one issue on it, not one per mention of Putin."""
    from peacetalks.schema.tables import ALL_TABLES
    from peacetalks.storage.parquet import read_table
    from tests.conftest import PROJECT

    frames: dict[str, pl.DataFrame | None] = {
        t.name: read_table(PROJECT, t) for t in ALL_TABLES if t.path(PROJECT).exists()
    }
    entities = frames["entities"]
    assert entities is not None
    putin = entities.filter(pl.col("entity_id") == "wladimir-putin")
    assert putin.height > 10
    wrong = putin["mention_id"][3]
    frames["entities"] = entities.with_columns(
        pl.when(pl.col("mention_id") == wrong).then(pl.lit("ORG")).otherwise(pl.col("label")).alias("label")
    )
    found = [i for i in validate_frames(frames).issues if i.code == "entity-label-conflict"]
    assert [(i.record_id, i.value) for i in found] == [(wrong, "ORG")]
    assert f"has {putin.height - 1} other mentions labelled PER" in found[0].message
