"""Finding a lexicon's entries in article texts, on the corpus's one tokenizer.

* **Phrases** (surface forms, whole tokens or token sequences): spaCy's ``PhraseMatcher`` on the
  ``ORTH`` of the tokens of :func:`peacetalks.text.tokenize.german_pipeline`, on each Doc as
  :func:`~peacetalks.text.tokenize.tokenize` makes it (the texts are tokenized once; case as written; the
  lexicon adds the capitalised and inflected forms it wants matched). Of the matches, one nested in a
  longer match of the same entity is dropped ("Putin" inside "Wladimir Putin"); of two that cross,
  the later-starting one. Nested matches of other entities stay, as in gold ("Münchener" inside
  "Münchener Sicherheitskonferenz").
* **Names inside compounds**: a token-level matcher cannot look inside a token, and spaCy's
  ``Matcher`` with a ``REGEX`` per token runs Python's ``re`` once per token and pattern. Instead the
  token texts (:func:`~peacetalks.text.tokenize.tokenize`, :func:`~peacetalks.text.tokenize.token_texts`)
  are searched with one regular expression over all names at once, with polars' string functions (Rust,
  one pass over the column): a name that is a hyphen-separated element of the token ("US" in
  "US-Präsident"), or, for a name that gold saw glued to the rest ("Kreml" of "Kremlchef"), at the
  start of the token followed by lower-case letters. The suggestion spans the whole token (GermEval 2014).
* **Triggers**: the Snowball stem of each lower-cased token, joined with the lexicon's stems (rule
  ``stem``); a token whose stem ends with a lexicon stem of at least
  :data:`~peacetalks.suggest.lexicon.HEAD_MIN_CHARS` characters is a compound with that head (rule
  ``compound-head``: "Friedensverhandlungen" from "Verhandlungen").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ENTITIES, EVENTS
from peacetalks.suggest.lexicon import GLUED_MIN_TAIL, HEAD_MIN_CHARS, EntityLexicon, TriggerLexicon, stems
from peacetalks.text.tokenize import german_pipeline, token_texts, tokenize

# The columns of every candidate: where it was found, the rule and the lexicon entry that found it.
PROVENANCE = ["rule", "pattern"]
_ENTITY_COLUMNS = [c for c in ENTITIES.columns if c != "mention_id"]
_EVENT_COLUMNS = [c for c in EVENTS.columns if c != "event_id"]


@dataclass(frozen=True)
class Candidates:
    """What a lexicon finds in some articles, before ids and scores.

    ``entities``: the entities table's columns but ``mention_id``, plus ``rule`` and ``pattern`` (the
    lexicon entry); ``events``: the events table's columns but ``event_id``, plus the same two.
    """

    entities: pl.DataFrame
    events: pl.DataFrame


def _empty_entities() -> pl.DataFrame:
    schema = {c: ENTITIES.polars_schema()[c] for c in _ENTITY_COLUMNS} | {"rule": pl.String, "pattern": pl.String}
    return pl.DataFrame(schema=schema)


def _empty_events() -> pl.DataFrame:
    schema = {c: EVENTS.polars_schema()[c] for c in _EVENT_COLUMNS} | {"rule": pl.String, "pattern": pl.String}
    return pl.DataFrame(schema=schema)


def find(articles: pl.DataFrame, entities: EntityLexicon | None, triggers: TriggerLexicon | None) -> Candidates:
    """The candidates of ``entities`` and ``triggers`` (either may be None: not looked for) in ``articles``.

    The texts are tokenized once: the phrase matcher sees each Doc as :func:`tokenize` makes it.
    """
    if articles.is_empty() or (entities is None and triggers is None):
        return Candidates(_empty_entities(), _empty_events())
    phrases = None if entities is None else _PhraseMatches(entities)
    tokens = tokenize(articles.select("doc_id", "text"), each_doc=None if phrases is None else phrases.add)
    tokens = tokens.with_columns(token_texts(articles, tokens)).filter(pl.col("token").str.contains(r"\p{L}"))
    found_entities = (
        _empty_entities() if entities is None or phrases is None else _entities(articles, tokens, entities, phrases)
    )
    found_events = _empty_events() if triggers is None else _events(tokens, triggers)
    return Candidates(found_entities, found_events)


def _entities(
    articles: pl.DataFrame, tokens: pl.DataFrame, lexicon: EntityLexicon, matched: _PhraseMatches
) -> pl.DataFrame:
    phrases = _resolve(matched.frame(articles))
    compounds = _compound_matches(tokens, lexicon).join(
        phrases.select("doc_id", "start", "end", "label"), on=["doc_id", "start", "end", "label"], how="anti"
    )
    found = pl.concat([phrases.select(*_ENTITY_COLUMNS, *PROVENANCE), compounds.select(*_ENTITY_COLUMNS, *PROVENANCE)])
    return found.cast(_empty_entities().schema).unique(
        ["doc_id", "start", "end", "label"], keep="first", maintain_order=True
    )


_MATCH_SCHEMA = {
    "__doc": pl.Int64,
    "__hash": pl.UInt64,
    "__t0": pl.Int64,
    "__t1": pl.Int64,
    "start": pl.Int64,
    "end": pl.Int64,
}


class _PhraseMatches:
    """spaCy's PhraseMatcher over the lexicon's patterns, fed one Doc at a time (:meth:`add`)."""

    def __init__(self, lexicon: EntityLexicon) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = german_pipeline()
        self.lexicon = lexicon
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries = lexicon.phrases.group_by("key", maintain_order=True).agg("pattern")
        self.hashes = []
        for key, patterns in self.entries.iter_rows():  # one call per lexicon entry: how spaCy takes patterns
            self.matcher.add(key, list(nlp.tokenizer.pipe(patterns)))
            self.hashes.append(nlp.vocab.strings[key])
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, index: int, doc: Any) -> None:
        """The matches in article ``index``'s Doc: token positions and code-point offsets."""
        from spacy.attrs import IDX, LENGTH

        found = self.matcher(doc)
        if not found:
            return
        matches = np.asarray(found, dtype=np.uint64)
        offsets = doc.to_array([IDX, LENGTH]).astype(np.int64)
        first, after = matches[:, 1].astype(np.int64), matches[:, 2].astype(np.int64)
        self.parts.append(
            {
                "__doc": np.full(len(matches), index, dtype=np.int64),
                "__hash": matches[:, 0],
                "__t0": first,
                "__t1": after,
                "start": offsets[first, 0],
                "end": offsets[after - 1, 0] + offsets[after - 1, 1],
            }
        )

    def frame(self, articles: pl.DataFrame) -> pl.DataFrame:
        """Every match so far with its entry's reading, its text and its token positions, sorted."""
        schema = _MATCH_SCHEMA
        frame = (
            pl.concat([pl.DataFrame(p, schema=schema) for p in self.parts])
            if self.parts
            else pl.DataFrame(schema=schema)
        )
        keys = pl.DataFrame({"__hash": pl.Series(self.hashes, dtype=pl.UInt64), "key": self.entries["key"]})
        readings = self.lexicon.phrases.unique("key", keep="first", maintain_order=True).drop("pattern")
        docs = articles.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("__doc"), "doc_id", "text")
        return (
            frame.join(keys, on="__hash")
            .join(readings, on="key")
            .join(docs, on="__doc")
            .with_columns(
                pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
                pl.lit("phrase").alias("rule"),
                pl.col("surface").alias("pattern"),
            )
            .sort("__doc", "start", "end", "key")
        )


def _resolve(matches: pl.DataFrame) -> pl.DataFrame:
    """``matches`` without those nested in a longer match of the same entity, nor the later of two that cross.

    Only a match of two tokens or more can hold or cross another (matches are whole tokens), so the
    joins below pair each match with the few multi-token matches of its document only.
    """
    multi = matches.filter(pl.col("__t1") - pl.col("__t0") >= 2).select(
        "__doc", "entity_id", pl.col("__t0").alias("__o0"), pl.col("__t1").alias("__o1")
    )
    inner = (
        matches.join(multi, on=["__doc", "entity_id"])
        .filter(
            (pl.col("__o0") <= pl.col("__t0"))
            & (pl.col("__t1") <= pl.col("__o1"))
            & ((pl.col("__o1") - pl.col("__o0")) > (pl.col("__t1") - pl.col("__t0")))
        )
        .select("__doc", "__t0", "__t1", "entity_id")
        .unique()
    )
    crossing = (
        multi.join(multi, on="__doc", suffix="_b")
        .filter(
            (pl.col("__o0") < pl.col("__o0_b"))
            & (pl.col("__o0_b") < pl.col("__o1"))
            & (pl.col("__o1") < pl.col("__o1_b"))
        )
        .select("__doc", pl.col("__o0_b").alias("__t0"), pl.col("__o1_b").alias("__t1"))
        .unique()
    )
    kept = matches.join(inner, on=["__doc", "__t0", "__t1", "entity_id"], how="anti")
    return kept.join(crossing, on=["__doc", "__t0", "__t1"], how="anti")


def _alternation(values: pl.Series) -> str:
    """A regular expression matching any of ``values`` literally, the longest first."""
    frame = pl.DataFrame({"v": values.unique()})
    ordered = frame.sort(pl.col("v").str.len_chars(), "v", descending=[True, False])["v"]
    return "|".join(ordered.str.escape_regex().to_list())


def _compound_matches(tokens: pl.DataFrame, lexicon: EntityLexicon) -> pl.DataFrame:
    """The tokens that hold a name of the lexicon's parts inside them, each with the part's reading."""
    parts = lexicon.parts
    scheme = load_scheme()
    if parts.is_empty():
        return pl.DataFrame(schema=_empty_entities().schema | {"doc_id": pl.String})
    hyphen = rf"(?:^|-)({_alternation(parts['part'])})(?:-|$)"
    found = pl.col("token").str.extract(hyphen, 1)
    glued_parts = parts.filter("glued")["part"]
    if glued_parts.len():
        glued = rf"^({_alternation(glued_parts)})\p{{Ll}}{{{GLUED_MIN_TAIL},}}"
        found = pl.coalesce(found, pl.col("token").str.extract(glued, 1))
    return (
        tokens.with_columns(found.alias("part"))
        .filter(pl.col("part").is_not_null() & (pl.col("part") != pl.col("token")))
        .join(parts, on="part")
        .select(
            "doc_id",
            "start",
            "end",
            pl.col("token").alias("text"),
            "label",
            pl.lit(scheme.compound_form).alias("form"),
            pl.lit(scheme.name_mention_type).alias("mention_type"),
            "entity_id",
            pl.lit("compound").alias("rule"),
            pl.col("part").alias("pattern"),
        )
    )


def _events(tokens: pl.DataFrame, lexicon: TriggerLexicon) -> pl.DataFrame:
    """The tokens whose stem is a trigger stem of the lexicon, or ends with a long one (a compound's head)."""
    entries = lexicon.stems
    if entries.is_empty() or tokens.is_empty():
        return _empty_events()
    stemmed = tokens.with_columns(pl.col("token").str.to_lowercase().alias("word")).join(
        stems(tokens["token"]), on="word"
    )
    exact = stemmed.join(entries, on="stem").with_columns(pl.lit("stem").alias("rule"), pl.col("stem").alias("pattern"))
    heads = entries.filter(pl.col("stem").str.len_chars() >= HEAD_MIN_CHARS)
    parts = [exact]
    if heads.height:
        head = pl.col("stem").str.extract(rf"^.{{2,}}?({_alternation(heads['stem'])})$", 1)
        rest = stemmed.join(exact.select("doc_id", "start"), on=["doc_id", "start"], how="anti")
        parts.append(
            rest.with_columns(head.alias("pattern"))
            .filter(pl.col("pattern").is_not_null())
            .drop("stem")
            .join(entries, left_on="pattern", right_on="stem")
            .with_columns(pl.lit("compound-head").alias("rule"))
        )
    found = pl.concat([p.select("doc_id", "start", "end", "token", *entries.columns[1:], *PROVENANCE) for p in parts])
    return found.select(
        "doc_id",
        pl.col("start").alias("trigger_start"),
        pl.col("end").alias("trigger_end"),
        pl.col("token").alias("trigger_text"),
        "category",
        "mode",
        "context",
        "realis",
        "modality",
        pl.lit(None, pl.String).alias("cluster_id"),  # a candidate trigger denotes no known event (no coreference)
        *PROVENANCE,
    ).sort("doc_id", "trigger_start")
