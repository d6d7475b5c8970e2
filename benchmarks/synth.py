"""A synthetic PeaceTalks-DE corpus in the real data model, with a known set of planted errors.

``generate(root, n_articles)`` writes ``corpus/articles.parquet``, ``corpus/blocks.parquet``,
``corpus/splits.parquet`` (assigned as ``peacetalks split`` assigns them) and
``annotations/{entities,events,event_arguments,stances,status}.parquet`` under ``root`` with
:func:`peacetalks.storage.parquet.write_tables` (zstd, sorted by keys), in the proportions of the issue's
benchmark: per 100,000 articles of ~4,000 characters, 5,000,000 mentions, 1,000,000 events,
2,000,000 arguments and ~500,000 stances.

How it stays fast: a few thousand paragraph *templates* are built in Python (German-looking
pseudo-words with umlauts, each template with 5 mentions, 1 event, 2 arguments and, for half of
them, 1 stance, all with offsets relative to the paragraph). Every article is a kicker, a headline
and 10 template paragraphs joined by ``\\n``; the big tables are joins of the (article, slot)
frame with the template frames plus the slot's offset, all in polars. One article in
:data:`RERUN_EVERY` is a rerun of the one before it (another headline, one paragraph changed): a
near-duplicate, as agency texts run in several outlets. Every label comes from
:func:`peacetalks.schema.scheme.load_scheme`, so the clean corpus is valid by construction.

``plant_errors=k`` then plants k errors, each in its own article, cycling through the kinds in
:data:`KINDS`; each kind yields known issues (file, row, code), returned as :class:`PlantedErrors`.

CLI: ``python benchmarks/synth.py OUT --articles N [--plant-errors K] [--seed S]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from peacetalks.ingest.splits import SplitSettings, assign
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, BLOCKS, ENTITIES, EVENTS, SPLITS, STANCES, STATUS, Table
from peacetalks.storage.gold_versions import GOLD_VERSIONS, current_versions
from peacetalks.storage.parquet import atomic_path, write_parquet, write_tables, write_text_atomic
from peacetalks.storage.status import status_rows

SLOTS = 10  # paragraphs per article
RERUN_EVERY = 200  # one article in this many is a near-duplicate of the one before it
MENTIONS_PER_PARAGRAPH = 5
N_TEMPLATES = 4_000  # paragraph templates for a large corpus; a small one uses fewer (faster)
N_NAMES = 3_000
MARK = "__plant"

# ---------------------------------------------------------------------------------------------
# German-looking text
# ---------------------------------------------------------------------------------------------

_SYLLABLE_TEXT = (
    "an be ver ge über schä fer mün chen grü ße lich keit ung hand lung spräch stadt wäh rung zö ger "
    "dür fen kön nen ab kom men frie dens trag mä ßig öl preis bünd nis rä te stän de äu ßer wirt schaft "
    "sich er heit gip fel tref fen waf fen ru he lö sung for de rung ver hält nis zu kunft schlüs sel"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())
_FUNCTION_WORD_TEXT = (
    "der die das und mit über für nach auf gegen nicht auch wegen während zwischen schon noch dass wird "
    "würde müssen könnte sollen bereits jedoch zudem außerdem offenbar demnach allerdings später früh"
)
_FUNCTION_WORDS = tuple(_FUNCTION_WORD_TEXT.split())
_TIME_PHRASES = (
    "an diesem Freitag",
    "am Montagabend",
    "in der vergangenen Woche",
    "seit dem Frühjahr",
    "während der Gespräche",
    "nächste Woche",
    "zum Jahresende",
)
_NOMINALS = ("der Präsident", "die Regierung", "der Außenminister", "die Behörde", "das Bündnis", "der Sprecher")
_PRONOUNS = ("er", "sie")
_KIND_KICKER, _KIND_HEADLINE, _KIND_TEASER, _KIND_PARAGRAPH = "kicker", "headline", "teaser", "paragraph"


def _word(rng: np.random.Generator, lo: int = 2, hi: int = 4) -> str:
    n = int(rng.integers(lo, hi))
    return "".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), n))


def _filler(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            out.append(_FUNCTION_WORDS[int(rng.integers(len(_FUNCTION_WORDS)))])
        elif r < 0.75:
            out.append(_word(rng).capitalize())
        else:
            out.append(_word(rng))
    return out


def _sentence(rng: np.random.Generator, n: int) -> str:
    words = _filler(rng, n)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


# ---------------------------------------------------------------------------------------------
# Paragraph templates
# ---------------------------------------------------------------------------------------------


@dataclass
class _Builder:
    """Appends pieces to a paragraph and records where the interesting ones are."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, piece: str, sep: str = " ") -> tuple[int, int]:
        if self.parts:
            self.parts.append(sep)
            self.length += len(sep)
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Names:
    names: list[str]
    labels: list[str]


def _names(rng: np.random.Generator, scheme: Scheme) -> _Names:
    seen: dict[str, str] = {}
    while len(seen) < N_NAMES:
        name = _word(rng, 2, 4).capitalize()
        if name not in seen:
            seen[name] = scheme.entity_labels[int(rng.integers(len(scheme.entity_labels)))]
    return _Names(list(seen), list(seen.values()))


def _mention(rng: np.random.Generator, names: _Names, t: int, j: int, holder: tuple[str, ...]) -> dict[str, Any]:
    """One mention's text and labels; ``j == 0`` is the event's actor and a possible stance holder."""
    r = 0.0 if j == 0 else rng.random()
    if r < 0.55:
        while True:
            k = int(rng.integers(N_NAMES))
            if j > 0 or names.labels[k] in holder:
                break
        return {"text": names.names[k], "label": names.labels[k], "form": "NAME", "mention_type": "NAM", "key": k}
    if r < 0.65:
        k = int(rng.integers(N_NAMES))
        text = names.names[k].lower() + "ische"
        return {"text": text, "label": names.labels[k], "form": "DERIV", "mention_type": "NAM", "key": k}
    if r < 0.75:
        k = int(rng.integers(N_NAMES))
        text = f"{names.names[k]}-{_word(rng, 2, 3).capitalize()}"
        return {"text": text, "label": names.labels[k], "form": "PART", "mention_type": "NAM", "key": k}
    own = N_NAMES + t * MENTIONS_PER_PARAGRAPH + j  # an entity of its own
    if r < 0.9:
        text = _NOMINALS[int(rng.integers(len(_NOMINALS)))]
        label = "PER" if "Präsident" in text or "minister" in text or "Sprecher" in text else "ORG"
        return {"text": text, "label": label, "form": None, "mention_type": "NOM", "key": own}
    text = _PRONOUNS[int(rng.integers(len(_PRONOUNS)))]
    return {"text": text, "label": "PER", "form": None, "mention_type": "PRO", "key": own}


def _template(rng: np.random.Generator, scheme: Scheme, names: _Names, t: int) -> dict[str, Any]:
    """One paragraph with 5 mentions, 1 event, 2 arguments and (even t) 1 stance."""
    holder = scheme.stance_holder_labels
    categories = scheme.category_names
    category = scheme.event_categories[categories[t % len(categories)]]
    mentions = [_mention(rng, names, t, j, holder) for j in range(MENTIONS_PER_PARAGRAPH)]
    b = _Builder()
    # Sentence 1: actor, trigger, filler, second mention, time phrase, filler; in a paragraph with a
    # stance (even t) a quotation, so that a stance of any attribution follows the quotation rule.
    mark = '"' if t % 2 == 0 else ""
    b.add(mark)
    first = mentions[0]["text"]
    first = first[0].upper() + first[1:]
    mentions[0]["text"] = first
    mentions[0]["span"] = b.add(first, sep="")
    trigger = _word(rng, 2, 3) + "te"
    trig = b.add(trigger)
    for w in _filler(rng, int(rng.integers(1, 4))):
        b.add(w)
    mentions[1]["span"] = b.add(mentions[1]["text"])
    time_phrase = _TIME_PHRASES[int(rng.integers(len(_TIME_PHRASES)))]
    time_span = b.add(time_phrase)
    for w in _filler(rng, int(rng.integers(1, 4))):
        b.add(w)
    b.add(".", sep="")
    b.add(mark, sep="")
    evidence = (0, b.length)
    # Sentences 2-3: the remaining mentions between filler words.
    for j in range(2, MENTIONS_PER_PARAGRAPH):
        words = _filler(rng, int(rng.integers(2, 6)))
        words[0] = words[0].capitalize()
        if j % 2 == 0:
            b.add(" ".join(words))
        else:
            for w in words:
                b.add(w)
        mentions[j]["span"] = b.add(mentions[j]["text"])
        if j % 2 == 0:
            for w in _filler(rng, int(rng.integers(1, 4))):
                b.add(w)
            b.add(".", sep="")
    b.add(".", sep="")
    target_len = int(rng.integers(300, 440))
    while b.length < target_len:
        b.add(_sentence(rng, int(rng.integers(5, 12))))
    text = b.text()
    for m in mentions:
        s, e = m["span"]
        assert text[s:e] == m["text"], (text, m)

    mode = None
    if category.modes and rng.random() < 0.6:
        mode = category.modes[int(rng.integers(len(category.modes)))]
    n_ctx = int(rng.integers(0, 3))
    context = [scheme.event_contexts[int(i)] for i in rng.choice(len(scheme.event_contexts), n_ctx, replace=False)]
    realis = scheme.realis[int(rng.integers(len(scheme.realis)))]
    modality = scheme.modalities[int(rng.integers(len(scheme.modalities)))] if realis == "OTHER" else None
    event = {
        "trigger_start": trig[0],
        "trigger_end": trig[1],
        "trigger_text": trigger,
        "category": category.name,
        "mode": mode,
        "context": context,
        "realis": realis,
        "modality": modality,
        "cluster_id": None,  # no event coreference in the synthetic corpus
    }
    actor_role = "ACTOR"
    second_role = category.required_roles[0] if category.required_roles else None
    use_span = second_role is None and rng.random() < 0.5
    if second_role is None:
        second_role = "TIME" if use_span else "RECIPIENT"
    assert actor_role in category.roles
    assert second_role in category.roles
    arguments = [
        {"k": 0, "role": actor_role, "mention_j": 0, "rel_start": None, "rel_end": None, "text": None},
        {"k": 1, "role": second_role, "mention_j": 1, "rel_start": None, "rel_end": None, "text": None},
    ]
    if use_span:
        arguments[1] |= {"mention_j": None, "rel_start": time_span[0], "rel_end": time_span[1], "text": time_phrase}
    stance = None
    if t % 2 == 0:
        ids = scheme.target_ids
        stance = {
            "target_id": ids[int(rng.integers(len(ids)))],
            "polarity": scheme.stance_polarities[int(rng.integers(len(scheme.stance_polarities)))],
            "evidence_start": evidence[0],
            "evidence_end": evidence[1],
            "evidence_text": text[evidence[0] : evidence[1]],
            "attribution": scheme.stance_attributions[int(rng.integers(len(scheme.stance_attributions)))],
            "with_event": bool(rng.random() < 0.5),
        }
    return {"text": text, "mentions": mentions, "event": event, "arguments": arguments, "stance": stance}


@dataclass(frozen=True)
class _Templates:
    paragraphs: pl.DataFrame  # template, ptext, plen, category, has_stance
    mentions: pl.DataFrame
    events: pl.DataFrame
    arguments: pl.DataFrame
    stances: pl.DataFrame
    kickers: list[str]
    headlines: list[str]


def _templates(rng: np.random.Generator, scheme: Scheme, count: int) -> _Templates:
    names = _names(rng, scheme)
    built = [_template(rng, scheme, names, t) for t in range(count)]
    paragraphs = pl.DataFrame(
        {
            "template": list(range(count)),
            "ptext": [b["text"] for b in built],
            "plen": [len(b["text"]) for b in built],
            "required": [bool(scheme.event_categories[b["event"]["category"]].required_roles) for b in built],
            "has_stance": [b["stance"] is not None for b in built],
        },
        schema_overrides={"template": pl.Int32, "plen": pl.Int64},
    )
    mention_rows = [
        {
            "template": t,
            "j": j,
            "rel_start": m["span"][0],
            "rel_end": m["span"][1],
            "text": m["text"],
            "label": m["label"],
            "form": m["form"],
            "mention_type": m["mention_type"],
            "entity_id": f"ent-{m['key']}",
        }
        for t, b in enumerate(built)
        for j, m in enumerate(b["mentions"])
    ]
    event_rows = [{"template": t, **b["event"]} for t, b in enumerate(built)]
    argument_rows = [{"template": t, **a} for t, b in enumerate(built) for a in b["arguments"]]
    stance_rows = [{"template": t, **b["stance"]} for t, b in enumerate(built) if b["stance"] is not None]
    kickers = [_word(rng, 2, 4).capitalize() for _ in range(300)]
    headlines = [_sentence(rng, int(rng.integers(5, 10))).rstrip(".") for _ in range(2_000)]
    ints = {"template": pl.Int32}
    return _Templates(
        paragraphs=paragraphs,
        mentions=pl.DataFrame(mention_rows, schema_overrides=ints | {"form": pl.String}),
        events=pl.DataFrame(
            event_rows,
            schema_overrides=ints
            | {"mode": pl.String, "modality": pl.String, "context": pl.List(pl.String), "cluster_id": pl.String},
        ),
        arguments=pl.DataFrame(
            argument_rows,
            schema_overrides=ints
            | {"mention_j": pl.Int64, "rel_start": pl.Int64, "rel_end": pl.Int64, "text": pl.String},
        ),
        stances=pl.DataFrame(stance_rows, schema_overrides=ints),
        kickers=kickers,
        headlines=headlines,
    )


# ---------------------------------------------------------------------------------------------
# The corpus tables
# ---------------------------------------------------------------------------------------------


def _doc_id(col: str = "doc") -> pl.Expr:
    return pl.format("syn-{}", pl.col(col).cast(pl.String).str.zfill(6)).alias("doc_id")


def _id(prefix: str, expr: pl.Expr, width: int) -> pl.Expr:
    return pl.format(prefix + "{}", expr.cast(pl.String).str.zfill(width))


def _mention_id(slot: pl.Expr, j: pl.Expr) -> pl.Expr:
    return _id("m", slot * MENTIONS_PER_PARAGRAPH + j, 3)


def _template_count(scheme: Scheme, n: int) -> int:
    return min(N_TEMPLATES, max(4 * len(scheme.event_categories), 10 * n))


def _build(
    rng: np.random.Generator, scheme: Scheme, n: int, tpl: _Templates | None = None, first: int = 0
) -> dict[Table, pl.DataFrame]:
    """The tables of ``n`` articles, numbered from ``first`` (templates drawn here unless ``tpl`` is given)."""
    if tpl is None:
        tpl = _templates(rng, scheme, _template_count(scheme, n))
    count = tpl.paragraphs.height
    docs = np.arange(first, first + n, dtype=np.int64)
    required = tpl.paragraphs.filter(pl.col("required"))["template"].to_numpy()
    choice = rng.integers(0, count, size=(n, SLOTS)).astype(np.int32)
    choice[:, 0] = rng.choice(required, size=n)  # every article has an event that requires a role
    kicker_i = rng.integers(0, len(tpl.kickers), n)
    headline_i = rng.integers(0, len(tpl.headlines), n)
    # Reruns: every RERUN_EVERY-th article is the one before it under another headline, one paragraph changed,
    # as agencies' texts run in several outlets (near-duplicates, which the splits keep together).
    reruns = np.arange(1, n, RERUN_EVERY)
    if reruns.size:
        extra = rng.spawn(1)[0]  # its own stream: the other articles are drawn as without reruns
        choice[reruns] = choice[reruns - 1]
        slot = extra.integers(1, SLOTS, reruns.size)
        choice[reruns, slot] = (choice[reruns, slot] + 1 + extra.integers(0, count - 1, reruns.size)) % count
        kicker_i[reruns] = kicker_i[reruns - 1]
        headline_i[reruns] = (headline_i[reruns - 1] + 1) % len(tpl.headlines)
    kickers = pl.Series(tpl.kickers, dtype=pl.String).gather(kicker_i)
    headlines = pl.Series(tpl.headlines, dtype=pl.String).gather(headline_i)
    plen = tpl.paragraphs["plen"].to_numpy()[choice]  # (n, SLOTS)
    head = kickers.str.len_chars().to_numpy().astype(np.int64) + headlines.str.len_chars().to_numpy() + 2
    offsets = np.empty((n, SLOTS), dtype=np.int64)
    offsets[:, 0] = head
    offsets[:, 1:] = head[:, None] + np.cumsum(plen[:, :-1] + 1, axis=1)
    text_len = offsets[:, -1] + plen[:, -1]

    ptext = tpl.paragraphs["ptext"]
    text = pl.DataFrame({"k": kickers, "h": headlines}).select(
        pl.concat_str(
            [pl.col("k"), pl.col("h"), *[ptext.gather(choice[:, s]).alias(f"p{s}") for s in range(SLOTS)]],
            separator="\n",
        ).alias("text")
    )["text"]
    assert (text.str.len_chars().to_numpy() == text_len).all()
    days = rng.integers(0, 1_000, n).astype("timedelta64[D]")
    published = np.datetime64("2022-02-24") + days
    licenses = list(scheme.licenses)
    articles = pl.DataFrame(
        {
            "doc": docs,
            "source": pl.Series(["synthetic"] * n, dtype=pl.String),
            "language": pl.Series(["de"] * n, dtype=pl.String),
            "published": pl.Series(published).cast(pl.Date),
            "kicker": kickers,
            "headline": headlines,
            "text": text,
            "license": pl.Series(licenses, dtype=pl.String).gather(rng.integers(0, len(licenses), n)),
            "text_sha256": pl.Series([hashlib.sha256(t.encode()).hexdigest() for t in text], dtype=pl.String),
        }
    ).with_columns(
        _doc_id(),
        pl.format("https://example.org/synthetic/{}", _doc_id()).alias("url"),
        pl.lit(None, pl.String).alias("story_id"),
        pl.lit(None, pl.String).alias("image_url"),
        pl.lit(None, pl.String).alias("author"),
        pl.lit(None, pl.String).alias("raw_file"),  # made here, not ingested: no source file is kept
        pl.lit(None, pl.String).alias("raw_sha256"),
    )

    slots = pl.DataFrame(
        {
            "doc": np.repeat(docs, SLOTS),
            "slot": np.tile(np.arange(SLOTS, dtype=np.int64), n),
            "template": choice.ravel(),
            "offset": offsets.ravel(),
            "plen": plen.ravel().astype(np.int64),
        }
    )
    kinds = scheme.block_kinds
    assert {_KIND_KICKER, _KIND_HEADLINE, _KIND_TEASER, _KIND_PARAGRAPH} <= set(kinds)
    head_blocks = pl.DataFrame(
        {
            "doc": np.concatenate([docs, docs]),
            "block_id": np.repeat(np.array([0, 1], dtype=np.int64), n),
            "kind": [_KIND_KICKER] * n + [_KIND_HEADLINE] * n,
            "start": np.concatenate([np.zeros(n, np.int64), kickers.str.len_chars().to_numpy() + 1]),
            "end": np.concatenate([kickers.str.len_chars().to_numpy(), head - 1]).astype(np.int64),
        }
    )
    para_blocks = slots.select(
        "doc",
        (pl.col("slot") + 2).alias("block_id"),
        pl.when(pl.col("slot") == 0).then(pl.lit(_KIND_TEASER)).otherwise(pl.lit(_KIND_PARAGRAPH)).alias("kind"),
        pl.col("offset").alias("start"),
        (pl.col("offset") + pl.col("plen")).alias("end"),
    )
    blocks = pl.concat([head_blocks, para_blocks]).sort("doc", "block_id").with_columns(_doc_id())

    entities = slots.join(tpl.mentions, on="template").with_columns(
        _doc_id(),
        _mention_id(pl.col("slot"), pl.col("j")).alias("mention_id"),
        (pl.col("offset") + pl.col("rel_start")).alias("start"),
        (pl.col("offset") + pl.col("rel_end")).alias("end"),
    )
    events = slots.join(tpl.events, on="template").with_columns(
        _doc_id(),
        _id("e", pl.col("slot"), 2).alias("event_id"),
        pl.col("trigger_start") + pl.col("offset"),
        pl.col("trigger_end") + pl.col("offset"),
    )
    arguments = slots.join(tpl.arguments, on="template").with_columns(
        _doc_id(),
        _id("e", pl.col("slot"), 2).alias("event_id"),
        pl.format("a{}-{}", pl.col("slot").cast(pl.String).str.zfill(2), pl.col("k")).alias("argument_id"),
        pl.when(pl.col("mention_j").is_not_null())
        .then(_mention_id(pl.col("slot"), pl.col("mention_j")))
        .alias("mention_id"),
        (pl.col("offset") + pl.col("rel_start")).alias("start"),
        (pl.col("offset") + pl.col("rel_end")).alias("end"),
    )
    stances = slots.join(tpl.stances, on="template").with_columns(
        _doc_id(),
        _id("s", pl.col("slot"), 2).alias("stance_id"),
        _mention_id(pl.col("slot"), pl.lit(0)).alias("holder_mention_id"),
        pl.col("evidence_start") + pl.col("offset"),
        pl.col("evidence_end") + pl.col("offset"),
        pl.when(pl.col("with_event")).then(_id("e", pl.col("slot"), 2)).alias("event_id"),
    )
    # The splits as `peacetalks split` assigns them (near-duplicates together).
    splits = assign(articles.select("doc_id", "story_id", "text"), SplitSettings()).join(
        articles.select("doc_id", "doc"), on="doc_id"
    )
    frames = {
        ARTICLES: articles,
        BLOCKS: blocks,
        SPLITS: splits,
        ENTITIES: entities,
        EVENTS: events,
        ARGUMENTS: arguments,
        STANCES: stances,
    }
    return {t: df.sort("doc", maintain_order=True).select([*t.columns, "doc"]) for t, df in frames.items()}


# ---------------------------------------------------------------------------------------------
# Planted errors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedIssue:
    """An issue the validator must report: file, 0-based row in that file, code."""

    file: str
    row: int
    code: str
    doc_id: str


@dataclass(frozen=True)
class PlantedError:
    kind: str
    doc_id: str
    expected: tuple[ExpectedIssue, ...]


@dataclass
class PlantedErrors:
    errors: list[PlantedError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # rows per table as written

    def expected(self) -> set[tuple[str, int, str]]:
        return {(e.file, e.row, e.code) for err in self.errors for e in err.expected}

    def __len__(self) -> int:
        return len(self.errors)


_Frames = dict[Table, pl.DataFrame]


def _edit(df: pl.DataFrame, where: pl.Expr, mark: int, **values: Any) -> pl.DataFrame:
    """Set ``values`` (and the plant mark) on the rows matching ``where``."""
    exprs = [
        pl.when(where).then(pl.lit(v, dtype=df.schema[c])).otherwise(pl.col(c)).alias(c)
        for c, v in [*values.items(), (MARK, mark)]
    ]
    return df.with_columns(exprs)


def _rows(df: pl.DataFrame, doc: int) -> pl.DataFrame:
    return df.filter(pl.col("doc") == doc)


@dataclass
class _Plant:
    """One kind of error: which table gets the mark, the code expected, and how to plant it."""

    kind: str
    table: Table
    code: str
    plant: Callable[[_Frames, int, int, Scheme, np.random.Generator], None]
    needs: Callable[[_Frames], pl.Series] | None = None  # doc numbers that can carry this error
    also: tuple[str, ...] = ()  # other codes the planted row gets too (a crossing name cuts words)


def _at(doc: int, column: str, value: str) -> pl.Expr:
    return (pl.col("doc") == doc) & (pl.col(column) == value)


def _first(df: pl.DataFrame, doc: int, where: pl.Expr | None = None) -> dict[str, Any]:
    rows = _rows(df, doc)
    if where is not None:
        rows = rows.filter(where)
    return rows.row(0, named=True)


def _p_out_of_bounds(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    length = len(_first(f[ARTICLES], doc)["text"])
    ev = _first(f[EVENTS], doc)
    f[EVENTS] = _edit(f[EVENTS], _at(doc, "event_id", ev["event_id"]), mark, trigger_end=length + 3)


def _p_text_mismatch(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    m = _first(f[ENTITIES], doc)
    f[ENTITIES] = _edit(f[ENTITIES], _at(doc, "mention_id", m["mention_id"]), mark, text=m["text"] + "x")


def _p_unknown_mention(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    a = _first(f[ARGUMENTS], doc, pl.col("mention_id").is_not_null())
    where = _at(doc, "argument_id", a["argument_id"])
    f[ARGUMENTS] = _edit(f[ARGUMENTS], where, mark, mention_id="m-nowhere")


def _p_bad_mode(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    ev = _first(f[EVENTS], doc)
    allowed = s.event_categories[ev["category"]].modes
    mode = next(m for m in s.all_modes if m not in allowed)
    f[EVENTS] = _edit(f[EVENTS], _at(doc, "event_id", ev["event_id"]), mark, mode=mode)


def _p_duplicate_id(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    df = f[STANCES]
    first = _rows(df, doc).head(1).with_columns(pl.lit(mark, pl.Int32).alias(MARK))
    f[STANCES] = pl.concat([_edit(df, _at(doc, "stance_id", first["stance_id"][0]), mark), first])


def _p_role_not_allowed(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    ev = _first(f[EVENTS], doc)
    role = next(r for r in s.argument_roles if r not in s.event_categories[ev["category"]].roles)
    where = _at(doc, "event_id", ev["event_id"]) & (pl.col("role") == "ACTOR")
    f[ARGUMENTS] = _edit(f[ARGUMENTS], where, mark, role=role)


def _required_events(f: _Frames) -> pl.DataFrame:
    cats = [c.name for c in load_scheme().event_categories.values() if c.required_roles]
    return f[EVENTS].filter(pl.col("category").is_in(cats))


def _p_missing_role(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    ev = _first(_required_events(f), doc)
    role = s.event_categories[ev["category"]].required_roles[0]
    f[EVENTS] = _edit(f[EVENTS], _at(doc, "event_id", ev["event_id"]), mark)
    drop = _at(doc, "event_id", ev["event_id"]) & (pl.col("role") == role)
    f[ARGUMENTS] = f[ARGUMENTS].filter(~drop)


def _non_holders(f: _Frames) -> pl.DataFrame:
    return f[ENTITIES].filter(~pl.col("label").is_in(load_scheme().stance_holder_labels))


def _p_bad_holder(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    m = _first(_non_holders(f), doc)
    st = _first(f[STANCES], doc)
    where = _at(doc, "stance_id", st["stance_id"])
    f[STANCES] = _edit(f[STANCES], where, mark, holder_mention_id=m["mention_id"])


def _p_sha256(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    wrong = hashlib.sha256(f"not the text of {doc}".encode()).hexdigest()
    f[ARTICLES] = _edit(f[ARTICLES], pl.col("doc") == doc, mark, text_sha256=wrong)


def _p_crossing(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    """A new NAME mention from the last character of a NAME mention into the next word."""
    text = _first(f[ARTICLES], doc)["text"]
    mentions = _rows(f[ENTITIES], doc).sort("start")
    spans = list(zip(mentions["start"].to_list(), mentions["end"].to_list(), strict=True))
    for m in mentions.filter(pl.col("form") == "NAME").iter_rows(named=True):
        start, end = m["end"] - 1, m["end"] + 2
        if m["end"] - m["start"] < 2 or end > len(text) or text[start].isspace() or text[end - 1].isspace():
            continue
        if any(a < end and start < b for a, b in spans if (a, b) != (m["start"], m["end"])):
            continue
        new = mentions.filter(pl.col("mention_id") == m["mention_id"]).with_columns(
            pl.lit("m-crossing").alias("mention_id"),
            pl.lit(start, pl.Int64).alias("start"),
            pl.lit(end, pl.Int64).alias("end"),
            pl.lit(text[start:end]).alias("text"),
            pl.lit("ent-crossing").alias("entity_id"),
            pl.lit(mark, pl.Int32).alias(MARK),
        )
        f[ENTITIES] = pl.concat([f[ENTITIES], new])
        return
    raise ValueError(f"no NAME mention in doc {doc} to cross")


def _p_cr(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    text = _first(f[ARTICLES], doc)["text"].replace("\n", "\r", 1)
    digest = hashlib.sha256(text.encode()).hexdigest()
    f[ARTICLES] = _edit(f[ARTICLES], pl.col("doc") == doc, mark, text=text, text_sha256=digest)


def _p_future(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    f[ARTICLES] = _edit(f[ARTICLES], pl.col("doc") == doc, mark, published=dt.date.today() + dt.timedelta(days=30))


def _p_stance(**values: Any) -> Callable[[_Frames, int, int, Scheme, np.random.Generator], None]:
    def plant(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
        st = _first(f[STANCES], doc)
        f[STANCES] = _edit(f[STANCES], _at(doc, "stance_id", st["stance_id"]), mark, **values)

    return plant


def _p_modality(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    ev = _first(f[EVENTS], doc)
    f[EVENTS] = _edit(f[EVENTS], _at(doc, "event_id", ev["event_id"]), mark, realis="OTHER", modality=None)


def _p_whitespace(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    """The kicker block swallows the line end after it."""
    blk = _first(f[BLOCKS], doc)
    where = (pl.col("doc") == doc) & (pl.col("block_id") == blk["block_id"])
    f[BLOCKS] = _edit(f[BLOCKS], where, mark, end=blk["end"] + 1)


def _p_near_duplicate(f: _Frames, doc: int, mark: int, s: Scheme, rng: np.random.Generator) -> None:
    """A rerun put into another split than the article it reruns."""
    partner = _first(f[SPLITS], doc - 1)["split"]
    other = next(name for name in SPLIT_NAMES if name != partner)
    f[SPLITS] = _edit(f[SPLITS], pl.col("doc") == doc, mark, split=other)


def _reruns(f: _Frames) -> pl.Series:
    """The reruns that are near-duplicates of their original by the validator's measure (most; with one
    paragraph and the headline changed, a few fall just below the threshold, and cannot carry the error)."""
    from peacetalks.text.near_duplicates import THRESHOLD, profile

    docs = f[ARTICLES].filter(pl.col("doc") % RERUN_EVERY == 1)["doc"]
    pairs = f[ARTICLES].filter(pl.col("doc").is_in(pl.concat([docs, docs - 1]).implode())).sort("doc")
    lists = pairs.select("doc", profile(pairs["text"]).shingles)
    rerun = lists.filter(pl.col("doc") % RERUN_EVERY == 1)
    original = lists.filter(pl.col("doc") % RERUN_EVERY == 0).with_columns(pl.col("doc") + 1)
    both = rerun.join(original, on="doc", suffix="_b")
    shared = pl.col("shingles").list.set_intersection(pl.col("shingles_b")).list.len()
    union = pl.col("shingles").list.len() + pl.col("shingles_b").list.len() - shared
    jaccard = both.filter(union > 0).with_columns((shared / union).alias("j"))
    return jaccard.filter(pl.col("j") >= THRESHOLD)["doc"].sort()


def _docs(df: pl.DataFrame) -> pl.Series:
    return df["doc"].unique()


KINDS: tuple[_Plant, ...] = (
    _Plant("span out of bounds", EVENTS, "span-out-of-bounds", _p_out_of_bounds),
    _Plant("span text mismatch", ENTITIES, "span-text-mismatch", _p_text_mismatch),
    _Plant("unknown mention", ARGUMENTS, "unknown-mention", _p_unknown_mention),
    _Plant("bad mode for category", EVENTS, "mode-not-allowed", _p_bad_mode),
    _Plant("duplicate id", STANCES, "duplicate-id", _p_duplicate_id, lambda f: _docs(f[STANCES])),
    _Plant("role not allowed", ARGUMENTS, "role-not-allowed", _p_role_not_allowed),
    _Plant(
        "missing required role", EVENTS, "missing-required-role", _p_missing_role, lambda f: _docs(_required_events(f))
    ),
    _Plant(
        "bad holder label",
        STANCES,
        "bad-holder-label",
        _p_bad_holder,
        lambda f: _docs(_non_holders(f).join(f[STANCES].select("doc").unique(), on="doc")),
    ),
    _Plant("sha256 mismatch", ARTICLES, "sha256-mismatch", _p_sha256),
    _Plant("crossing names", ENTITIES, "crossing-mentions", _p_crossing, also=("span-inside-word",)),
    _Plant("text has CR", ARTICLES, "text-has-cr", _p_cr),
    _Plant("future date", ARTICLES, "future-date", _p_future),
    _Plant(
        "unknown stance target",
        STANCES,
        "unknown-target",
        _p_stance(target_id="no-such-target"),
        lambda f: _docs(f[STANCES]),
    ),
    _Plant("bad polarity", STANCES, "value-not-in-scheme", _p_stance(polarity="MAYBE"), lambda f: _docs(f[STANCES])),
    _Plant(
        "unknown stance event", STANCES, "unknown-event", _p_stance(event_id="e-nowhere"), lambda f: _docs(f[STANCES])
    ),
    _Plant("modality missing", EVENTS, "modality-mismatch", _p_modality),
    _Plant("span with white space", BLOCKS, "span-whitespace", _p_whitespace),
    _Plant("near-duplicate in another split", SPLITS, "near-duplicate-leakage", _p_near_duplicate, _reruns),
)


def _plant(
    frames: _Frames, k: int, scheme: Scheme, rng: np.random.Generator, first_mark: int = 0
) -> list[tuple[str, int]]:
    """Plant k errors in k distinct articles, marks ``first_mark`` on; returns (kind, doc) per mark, in order."""
    n = frames[ARTICLES].height
    if k > n:
        raise ValueError(f"cannot plant {k} errors in {n} articles: each error gets its own article")
    for t in frames:
        frames[t] = frames[t].with_columns(pl.lit(None, pl.Int32).alias(MARK))
    order = frames[ARTICLES]["doc"].to_numpy()[rng.permutation(n)]
    used: set[int] = set()
    planted: dict[int, tuple[str, int]] = {}
    allowed = {
        mark: set(kind.needs(frames).to_list()) if kind.needs else None
        for mark, kind in ((m, KINDS[m % len(KINDS)]) for m in range(first_mark, first_mark + k))
    }
    # The kinds that only some articles can carry choose first, the rarest first (a near-duplicate
    # needs one of the few re-run articles), so that no earlier kind takes the only article one can use.
    for mark in sorted(
        range(first_mark, first_mark + k), key=lambda m: (len(allowed[m] or ()) if allowed[m] is not None else n + 1, m)
    ):
        kind, can = KINDS[mark % len(KINDS)], allowed[mark]
        doc = next((int(d) for d in order if int(d) not in used and (can is None or int(d) in can)), None)
        if doc is None:
            raise ValueError(f"no article left that can carry the planted error '{kind.kind}'")
        used.add(doc)
        kind.plant(frames, doc, mark, scheme, rng)
        planted[mark] = (kind.kind, doc)
    return [planted[m] for m in range(first_mark, first_mark + k)]


def _ordered(
    frames: _Frames, files: dict[Table, str]
) -> tuple[dict[Table, pl.DataFrame], dict[int, list[ExpectedIssue]], dict[str, int]]:
    """Each table sorted as the corpus stores it, the issues its planted marks must give (in ``files``), its rows."""
    expected: dict[int, list[ExpectedIssue]] = {}
    out: dict[Table, pl.DataFrame] = {}
    counts: dict[str, int] = {}
    for table, df in frames.items():
        ordered = df.sort(list(table.keys), nulls_last=True, maintain_order=True)
        if MARK in ordered.columns:
            hits = ordered.with_row_index("__r").filter(pl.col(MARK).is_not_null()).select("__r", MARK, "doc_id")
            for r, m, doc_id in hits.iter_rows():
                kind = KINDS[m % len(KINDS)]
                if kind.table is table:
                    expected.setdefault(m, []).extend(
                        ExpectedIssue(files[table], int(r), code, doc_id) for code in (kind.code, *kind.also)
                    )
        out[table] = ordered.select(table.columns)
        counts[table.name] = ordered.height
    return out, expected, counts


def _errors(
    planted: list[tuple[str, int]], expected: dict[int, list[ExpectedIssue]], first_mark: int
) -> list[PlantedError]:
    return [
        PlantedError(kind, f"syn-{doc:06d}", tuple(expected.get(first_mark + i, ())))
        for i, (kind, doc) in enumerate(planted)
    ]


def generate(root: Path, n_articles: int, *, seed: int = 0, plant_errors: int = 0) -> PlantedErrors:
    """Write a synthetic corpus of ``n_articles`` articles under ``root``; return its planted errors."""
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    scheme = load_scheme()
    rng = np.random.default_rng(seed)
    frames = _build(rng, scheme, n_articles)
    planted = _plant(frames, plant_errors, scheme, rng) if plant_errors else []
    out, expected, counts = _ordered(frames, {t: t.relpath() for t in frames})
    del frames
    write_tables(root, {t: out[t] for t in (ARTICLES, BLOCKS, SPLITS)})
    # Gold adjudicated for every article and kind, as for a finished corpus (no incomplete-gold warnings).
    status = status_rows(out[ARTICLES]["doc_id"], scheme.adjudicated_status, set_by="synth")
    write_tables(root, {**{t: out[t] for t in (ENTITIES, EVENTS, ARGUMENTS, STANCES)}, STATUS: status})
    write_text_atomic(root / GOLD_VERSIONS, current_versions(root, scheme).as_yaml())  # made under this scheme
    return PlantedErrors(_errors(planted, expected, 0), counts)


def shard_relpath(table: Table, shard: int) -> str:
    """Where shard ``shard`` of ``table`` is in a sharded corpus: ``corpus/articles/part-00007.parquet``."""
    return f"{table.relpath().removesuffix('.parquet')}/part-{shard:05d}.parquet"


def generate_sharded(
    root: Path, n_articles: int, shards: int, *, seed: int = 0, plant_errors: int = 0
) -> PlantedErrors:
    """Write a sharded synthetic corpus, one shard at a time: only one shard's tables are ever in memory.

    Shard k of every table holds the rows of the same articles (co-partitioned by document), consecutive
    doc numbers, as many in each shard as can be (a multiple of :data:`RERUN_EVERY`, so that a rerun is in
    the shard of the article it reruns). The paragraph templates are drawn once from ``seed``, each shard's
    articles from a stream of their own (``seed``, shard); the splits are assigned shard by shard. The
    ``plant_errors`` errors are spread over the shards, cycling through the kinds as :func:`generate` does,
    and each expected issue names the shard file and the row in it.
    """
    if shards < 1 or n_articles < shards:
        raise ValueError("a sharded corpus needs at least one article in each of at least one shard")
    scheme = load_scheme()
    tpl = _templates(np.random.default_rng(seed), scheme, _template_count(scheme, n_articles))
    size = -(-n_articles // shards)
    size = -(-size // RERUN_EVERY) * RERUN_EVERY if size > RERUN_EVERY else size
    bounds = [min(n_articles, k * size) for k in range(shards + 1)]
    if bounds[-2] >= n_articles:
        raise ValueError(f"{n_articles} articles do not fill {shards} shards of {size}")
    result = PlantedErrors()
    mark = 0
    for shard, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        rng = np.random.default_rng([seed, shard + 1])
        frames = _build(rng, scheme, hi - lo, tpl=tpl, first=lo)
        k = plant_errors // shards + (shard < plant_errors % shards)
        planted = _plant(frames, k, scheme, rng, first_mark=mark) if k else []
        out, expected, counts = _ordered(frames, {t: shard_relpath(t, shard) for t in frames})
        del frames
        out[STATUS] = status_rows(out[ARTICLES]["doc_id"], scheme.adjudicated_status, set_by="synth")
        for table, df in out.items():
            with atomic_path(root / shard_relpath(table, shard)) as tmp:
                write_parquet(df, table, tmp)
        del out
        result.errors += _errors(planted, expected, mark)
        for name, rows in counts.items():
            result.counts[name] = result.counts.get(name, 0) + rows
        mark += k
    write_text_atomic(root / GOLD_VERSIONS, current_versions(root, scheme).as_yaml())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic PeaceTalks-DE corpus with planted errors.")
    parser.add_argument("out", type=Path, help="folder to write corpus/ and annotations/ into")
    parser.add_argument("--articles", type=int, default=100_000, help="number of articles (default 100000)")
    parser.add_argument("--plant-errors", type=int, default=0, help="number of errors to plant (default 0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shards", type=int, default=0, help="write a sharded corpus of this many shards")
    args = parser.parse_args(argv)
    if args.shards:
        planted = generate_sharded(args.out, args.articles, args.shards, seed=args.seed, plant_errors=args.plant_errors)
    else:
        planted = generate(args.out, args.articles, seed=args.seed, plant_errors=args.plant_errors)
    sys.stdout.write(f"wrote {args.out}: " + ", ".join(f"{k}={v}" for k, v in planted.counts.items()) + "\n")
    for err in planted.errors:
        for e in err.expected:
            sys.stdout.write(f"planted {err.kind}: {e.file}:{e.row} [{e.code}] doc={e.doc_id}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
