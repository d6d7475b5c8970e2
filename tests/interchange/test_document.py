"""The intermediate document representation converts to and from the four tables."""

from __future__ import annotations

import polars as pl

from peacetalks.interchange.document import ToolSpan, from_frames, to_frames
from peacetalks.schema.tables import ARGUMENTS, ENTITIES, EVENTS, STANCES
from tests.conftest import DOC, TEXT, tiny_frames


def test_frames_round_trip_through_documents() -> None:
    """from_frames then to_frames gives back the same four tables, row for row."""
    tiny = tiny_frames()
    frames = {t: tiny[t.name] for t in (ENTITIES, EVENTS, ARGUMENTS, STANCES)}
    docs = from_frames(frames, {DOC: TEXT})
    assert [d.doc_id for d in docs] == [DOC]
    assert [len(docs[0].mentions), len(docs[0].events), len(docs[0].arguments), len(docs[0].stances)] == [3, 2, 3, 1]
    back = to_frames(docs)
    for table, df in frames.items():
        assert back[table].sort(list(table.keys)).equals(df.sort(list(table.keys))), table.name


def test_empty_documents_give_empty_typed_frames() -> None:
    """A document without annotations yields four empty frames with the tables' schemas."""
    back = to_frames(from_frames({}, {DOC: TEXT}))
    assert all(df.is_empty() for df in back.values())
    assert back[EVENTS].schema["context"] == pl.List(pl.String)


def test_discontinuous_span_covers_its_fragments() -> None:
    """A span's start/end enclose all fragments; covered() joins the pieces with a space."""
    span = ToolSpan("T1", "PER", ((0, 5), (23, 28)))
    assert (span.start, span.end, span.discontinuous) == (0, 28, True)
    assert span.covered(TEXT) == "Trump Putin"
