"""The suggester on the bundled seed's gold: a copy of the article without gold, and the seed cut in two."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from peacetalks.schema.tables import ENTITIES, EVENTS, SCORES
from peacetalks.storage.parquet import read_table
from peacetalks.suggest.suggest import suggest
from tests.suggest.corpora import SEED_SECOND, seed_halves, seed_with_copy

MENTION_KEY = ["doc_id", "start", "end", "label", "form"]
EVENT_KEY = ["doc_id", "trigger_start", "trigger_end", "category"]


def test_a_copy_of_the_seed_without_gold_gets_back_nearly_every_gold_name(tmp_path: Path) -> None:
    """118 of the 119 NAM mentions (measured); the one missed is "X" of "X.", which the tokenizer keeps whole."""
    root, _seed, copy = seed_with_copy(tmp_path)
    result = suggest(root)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert result.documents == {"entities": [copy], "events": [copy]}
    gold = read_table(root, ENTITIES).filter(pl.col("mention_type") == "NAM").with_columns(pl.lit(copy).alias("doc_id"))
    suggested = read_table(root, ENTITIES, "suggestions")
    found = gold.join(suggested, on=MENTION_KEY)
    assert found.height / gold.height >= 0.99
    assert gold.join(suggested, on=MENTION_KEY, how="anti")["text"].to_list() == ["X"]
    # every suggestion is a gold mention, with the gold entity
    assert suggested.join(gold, on=MENTION_KEY, how="anti").is_empty()
    same_entity = (found["entity_id"] == found["entity_id_right"]).sum()
    assert same_entity / found.height >= 0.98  # "Kiew" is kyiv once and ukraine once in gold
    events = read_table(root, EVENTS, "suggestions")
    gold_events = read_table(root, EVENTS).with_columns(pl.lit(copy).alias("doc_id"))
    assert gold_events.join(events, on=EVENT_KEY).height / gold_events.height >= 0.99  # 75 of 75 measured
    scores = read_table(root, SCORES, "suggestions")
    assert scores.height == suggested.height + events.height
    assert scores["score"].is_between(0.0, 1.0).all()
    assert set(scores["suggester"]) == {"peacetalks-lexicon"}


def test_the_seeds_second_half_is_suggested_from_the_gold_of_its_first(tmp_path: Path) -> None:
    """Held out: 31 of 58 NAM mentions found (0.53), 31 of 32 suggestions right (0.97); triggers 7 of 31, 7 of 7.

    (Triggers were 7 of 25 before gold 3.0 added six demands by verbs of saying to the second half, GUIDELINES
    2.1; none of their triggers is a trigger of the first half, so none is found.)

    The names of the second half that the first never mentions cannot be known; the floors are the
    measured figures, so a change of the rules that loses any of them fails here.
    """
    root, expected, expected_events = seed_halves(tmp_path)
    result = suggest(root)
    assert result.report.valid, [i.render() for i in result.report.issues]
    assert result.documents == {"entities": [SEED_SECOND], "events": [SEED_SECOND]}
    names = expected.filter(pl.col("mention_type") == "NAM")
    suggested = read_table(root, ENTITIES, "suggestions")
    right = names.join(suggested, on=MENTION_KEY).height
    assert right / names.height >= 0.53
    assert right / suggested.height >= 0.96
    # names learnt alone are found inside compounds of the second half
    compounds = suggested.filter(pl.col("form") == "PART")["text"].to_list()
    assert {"Ukraine-Krieg", "Ukraine-Treffen", "NATO-Beitritt"} <= set(compounds)
    events = read_table(root, EVENTS, "suggestions")
    hits = expected_events.join(events, on=EVENT_KEY).height
    assert hits / expected_events.height >= 0.22
    assert hits == events.height
    scores = read_table(root, SCORES, "suggestions")
    assert scores["score"].is_between(0.0, 1.0).all()
    assert (scores["matched"] >= 1).all()
