"""The stance-rule warnings on the seed article: gold passes them, and the errors gold v0.1 had are found.

Each test puts one of the rule violations the expert review found in gold v0.1 back into a copy of
the bundled gold (as frames) and checks that validate reports it, at that row, and nothing else.
"""

from __future__ import annotations

import polars as pl
import pytest

from peacetalks import validate_frames
from peacetalks.validation.validate import read_tables
from tests.conftest import PROJECT

STA = "annotations/stances.parquet"


@pytest.fixture(scope="module")
def seed() -> dict[str, pl.DataFrame]:
    frames = {name: df for name, (df, _) in read_tables(PROJECT).items() if df is not None}
    assert frames["stances"].height > 0
    return frames


def _with(seed: dict[str, pl.DataFrame], stance_id: str, **values: object) -> dict[str, pl.DataFrame]:
    stances = seed["stances"]
    changed = stances.with_columns(
        pl.when(pl.col("stance_id") == stance_id).then(pl.lit(v, dtype=stances.schema[c])).otherwise(pl.col(c)).alias(c)
        for c, v in values.items()
    )
    return seed | {"stances": changed}


def _found(frames: dict[str, pl.DataFrame]) -> list[tuple[str | None, str]]:
    return [(i.record_id, i.code) for i in validate_frames(frames).issues]


def test_the_bundled_gold_passes_every_stance_rule(seed: dict[str, pl.DataFrame]) -> None:
    assert _found(seed) == []


def test_a_partial_quote_in_reported_speech_is_no_direct_quote(seed: dict[str, pl.DataFrame]) -> None:
    """s0003, 'er habe ein "langes und sehr produktives" Telefonat': the trigger Telefonat is outside the marks."""
    assert _found(_with(seed, "s0003", attribution="DIRECT_QUOTE")) == [("s0003", "quote-attribution")]


def test_reported_speech_without_quotation_marks_is_no_direct_quote(seed: dict[str, pl.DataFrame]) -> None:
    """s0029, 'Trump teilte ferner mit, dass er ... beauftragt habe': no quotation mark at all."""
    assert _found(_with(seed, "s0029", attribution="DIRECT_QUOTE")) == [("s0029", "quote-attribution")]


def test_a_sentence_inside_a_quotation_is_quoted_without_marks_of_its_own(seed: dict[str, pl.DataFrame]) -> None:
    """s0017's v0.1 evidence, the words inside Selenskyj's quotation without its marks, counts as inside it."""
    text = str(seed["articles"]["text"][0])
    inner = "um die russische Aggression zu stoppen und einen dauerhaften, verlässlichen Frieden zu gewährleisten"
    start = text.index(inner)
    old = _with(
        seed,
        "s0017",
        attribution="DIRECT_QUOTE",
        evidence_start=start,
        evidence_end=start + len(inner),
        evidence_text=inner,
    )
    assert _found(old) == []


def test_a_reported_agreement_is_held_by_its_parties(seed: dict[str, pl.DataFrame]) -> None:
    """s0010 as in v0.1: the Kremlin held "Putin und Trump haben ... verabredet"; Putin and Trump are missing."""
    frames = _with(seed, "s0010", holder_mention_id="m0035")
    frames["stances"] = frames["stances"].filter(pl.col("stance_id") != "s0040")
    assert _found(frames) == [("s0010", "missing-agreement-holder")] * 2
    issues = validate_frames(frames).issues
    assert [i.value for i in issues] == ["m0043", "m0044"]  # Putin, Trump: the ACTORs of 'verabredet'


def test_the_reporting_speaker_gets_no_second_row(seed: dict[str, pl.DataFrame]) -> None:
    """s0015 is Selenskyj's as a member of the subject; a row for 'der ukrainische Präsident' repeats it."""
    stances = seed["stances"]
    speaker = stances.filter(pl.col("stance_id") == "s0015").with_columns(
        pl.lit("s0099").alias("stance_id"), pl.lit("m0070").alias("holder_mention_id")
    )
    assert _found(seed | {"stances": pl.concat([stances, speaker])}) == [("s0099", "duplicate-stance")]


def test_a_stance_links_an_event_of_its_evidence(seed: dict[str, pl.DataFrame]) -> None:
    assert _found(_with(seed, "s0016", event_id="ev0050")) == [("s0016", "stance-event-outside-evidence")]
