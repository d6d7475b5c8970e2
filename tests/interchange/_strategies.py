"""Hypothesis strategies for the round-trip tests: random documents of the scheme, and what to compare."""

from __future__ import annotations

from collections import Counter

from hypothesis import strategies as st

from peacetalks.interchange.document import Argument, Document, Event, Mention, Note, Stance, to_frames
from peacetalks.review.items import versions
from peacetalks.schema.scheme import load_scheme

S = load_scheme()
PLAIN = "abcdefgäöüßABCÄÖÜ-.\"'"
# Characters WebAnno TSV escapes or counts apart (a code point outside the BMP is two UTF-16 units).
TOOL_HOSTILE = PLAIN + "\\|_*[];#>😊"
SEPARATORS = [" ", " ", " ", "\n", "  "]
ENTITY_IDS = ["putin", "trump", "kreml", "eu-kommission", "a|b_[1]"]
CLUSTER_IDS = [None, "trump-putin-call", "peace-talks", "e2"]  # event clusters (None: no event coreference)


@st.composite
def documents(
    draw: st.DrawFn, alphabet: str = PLAIN, separators: tuple[str, ...] = tuple(SEPARATORS), notes: bool = False
) -> Document:
    """A random text of words, and mentions, events (with arguments) and stances on whole words.

    With ``notes``, some items get an annotator's note (free text without tabs or line breaks).
    """
    words = draw(st.lists(st.text(alphabet=alphabet, min_size=1, max_size=6), min_size=1, max_size=25))
    seps = draw(st.lists(st.sampled_from(separators), min_size=len(words), max_size=len(words)))
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
                draw(st.sampled_from(ENTITY_IDS)),
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
                draw(st.sampled_from(CLUSTER_IDS)),
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
    doc = Document("doc", text, mentions, events, arguments, stances)
    if notes:
        items = [("entities", m.mention_id) for m in mentions] + [("events", e.event_id) for e in events]
        items += [("stances", s.stance_id) for s in stances]
        items += [("event_arguments", a.argument_id) for a in arguments if a.mention_id is None]
        chosen = draw(st.lists(st.sampled_from(items), max_size=4)) if items else []
        note_text = st.text(alphabet=PLAIN + " ?!", max_size=20)
        doc.notes = [Note(f"#{i}", kind, item, draw(note_text)) for i, (kind, item) in enumerate(chosen, start=1)]
    return doc


def event_clusters(doc: Document) -> list[tuple[int, int, str, str | None]]:
    """Each event's trigger, category and cluster_id, sorted (``content`` leaves the cluster out)."""
    return sorted(((e.trigger_start, e.trigger_end, e.category, e.cluster_id) for e in doc.events), key=str)


def content(doc: Document) -> dict[str, list[str]]:
    """Per kind, every item as id-free canonical JSON (what agreement and adjudication compare)."""
    found = versions(to_frames([doc]))
    return {kind: sorted(df.get_column("content").to_list()) for kind, df in found.items()}


def note_content(doc: Document) -> Counter[tuple[str, str, str]]:
    """Every note as (kind, what its item covers, text): ids aside."""
    where: dict[tuple[str, str], str] = {
        ("entities", m.mention_id): f"{m.start}-{m.end} {m.label}" for m in doc.mentions
    }
    where |= {("events", e.event_id): f"{e.trigger_start}-{e.trigger_end} {e.category}" for e in doc.events}
    where |= {("stances", s.stance_id): f"{s.evidence_start}-{s.evidence_end} {s.target_id}" for s in doc.stances}
    where |= {("event_arguments", a.argument_id): f"{a.start}-{a.end} {a.role}" for a in doc.arguments}
    return Counter((n.kind, where[(n.kind, n.item_id)], n.text) for n in doc.notes)
