"""brat export -> import is lossless for what the scheme holds (property test over generated annotations)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks.interchange.document import Argument, Document, Event, Mention, Stance, to_frames
from peacetalks.interchange.exporters.brat import brat_ann, brat_mapping
from peacetalks.interchange.exporters.export import export
from peacetalks.interchange.importers.brat import parse_brat_text
from peacetalks.interchange.importers.convert import to_document
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.interchange.mapping import parse_mapping
from peacetalks.review.items import versions
from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.layers import read_layer
from tests.interchange.helpers import write_corpus, write_layer

S = load_scheme()
WORD = st.text(alphabet="abcdefgäöüßABCÄÖÜ-.\"'", min_size=1, max_size=6)
SEPARATOR = st.sampled_from([" ", " ", " ", "\n", "  "])


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A random text of words, and mentions, events (with arguments) and stances on whole words."""
    words = draw(st.lists(WORD, min_size=1, max_size=25))
    seps = draw(st.lists(SEPARATOR, min_size=len(words), max_size=len(words)))
    text, bounds = "", []
    for word, sep in zip(words, seps, strict=True):
        bounds.append((len(text), len(text) + len(word)))
        text += word + sep
    text = text.rstrip()

    def span() -> tuple[int, int]:
        i = draw(st.integers(0, len(bounds) - 1))
        j = draw(st.integers(i, min(i + 3, len(bounds) - 1)))
        return bounds[i][0], bounds[j][1]

    mentions = []
    for n in range(draw(st.integers(1, 6))):
        s, e = span()
        mentions.append(
            Mention(
                f"m{n}",
                s,
                e,
                text[s:e],
                draw(st.sampled_from(S.entity_labels)),
                draw(st.sampled_from([None, *S.entity_forms])),
                draw(st.sampled_from(S.mention_types)),
                draw(st.sampled_from(["putin", "trump", "kreml", "eu-kommission"])),
            )
        )
    events, arguments = [], []
    for n in range(draw(st.integers(0, 4))):
        s, e = span()
        category = S.event_categories[draw(st.sampled_from(S.category_names))]
        realis = draw(st.sampled_from(S.realis))
        events.append(
            Event(
                f"ev{n}",
                s,
                e,
                text[s:e],
                category.name,
                draw(st.sampled_from([None, *category.modes])),
                draw(st.lists(st.sampled_from(S.event_contexts), unique=True, max_size=3)),
                realis,
                draw(st.sampled_from(S.modalities)) if realis == "OTHER" else None,
            )
        )
        for k in range(draw(st.integers(0, 3))):
            role = draw(st.sampled_from(category.roles))
            if draw(st.booleans()):
                mention = draw(st.sampled_from(mentions))
                arguments.append(Argument(f"ev{n}", f"a{n}.{k}", role, mention.mention_id, None, None, None))
            else:
                a, b = span()
                arguments.append(Argument(f"ev{n}", f"a{n}.{k}", role, None, a, b, text[a:b]))
    stances = []
    for n in range(draw(st.integers(0, 3))):
        s, e = span()
        stances.append(
            Stance(
                f"s{n}",
                draw(st.sampled_from(mentions)).mention_id,
                draw(st.sampled_from(S.target_ids)),
                draw(st.sampled_from(S.stance_polarities)),
                s,
                e,
                text[s:e],
                draw(st.sampled_from(S.stance_attributions)),
                draw(st.sampled_from([None, *[ev.event_id for ev in events]])),
            )
        )
    return Document("doc", text, mentions, events, arguments, stances)


def _content(doc: Document) -> dict[str, list[str]]:
    found = versions(to_frames([doc]))
    return {kind: sorted(df.get_column("content").to_list()) for kind, df in found.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_brat_export_then_import_gives_the_same_annotations(doc: Document) -> None:
    """Every mention, event (with its arguments and attributes) and stance comes back, ids aside."""
    tool, issues = parse_brat_text(brat_ann(doc), doc.text, doc_id=doc.doc_id)
    assert issues == []
    back, problems = to_document(tool, parse_mapping(brat_mapping()), doc_id=doc.doc_id, text=doc.text)
    assert problems == []
    assert _content(back) == _content(doc)


def test_brat_round_trip_through_files_and_the_import_command(tmp_path: Path) -> None:
    """export brat -> peacetalks import -> export brat gives the same .ann files and the same layer content."""
    root = write_corpus(tmp_path / "root")
    write_layer(root, None)
    export(root, "brat", tmp_path / "one")
    result = import_layer(
        "brat",
        tmp_path / "one",
        annotator="rt",
        root=root,
        mapping_path=tmp_path / "one" / "mapping.yaml",
        complete=("entities", "events", "stances"),  # a finished pass: its export holds every article
    )
    assert result.report.valid, result.report.issues
    gold, layer = versions(read_layer(root, "gold")), versions(read_layer(root, "rt"))
    for kind in gold:
        assert gold[kind].sort(pl.all()).equals(layer[kind].sort(pl.all())), kind
    export(root, "brat", tmp_path / "two", layer="rt")
    for name in ("ts-2025-02-12-test.ann", "ts-2025-02-12-test.txt"):
        assert (tmp_path / "two" / name).read_text(encoding="utf-8") == (tmp_path / "one" / name).read_text(
            encoding="utf-8"
        )
