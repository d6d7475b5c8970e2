"""The lexicons a suggester learns from complete gold: entity surface forms, names inside compounds, trigger stems.

**Entities.** Every gold mention of the mention types asked for (NAM by default) gives its surface
form with its reading (label, form, mention type, entity_id). An entity takes one label (the one gold
gives it most), so a reading that gives an entity another label is left out; of the readings of one
surface form, the most frequent is kept. A surface form becomes one or more token-sequence patterns:

* the form as it is, and for a derived form written in lower case ("russische") the same with a
  capital (sentence start);
* inflections, by small rules: a derived adjective's five endings ("russisch" + e, en, er, es, em); a
  nationality noun in -er with -n ("Ukrainern"); a name's genitive -s ("Selenskyjs"), unless the name
  ends in s, ß, x or z. A gold surface form always wins over a generated one.

A **PART** mention ("US-Präsident", "Kremlchef", "Ukraine-Krieg") spans the whole compound token, as in
GermEval 2014; what carries over to new compounds is the name inside it. That name is the element of a
hyphenated compound that is a gold name of the same entity, else its first element ("US" of
"US-Präsident"); in a compound without a hyphen, the longest gold name of the same entity it starts with
("Kreml" of "Kremlchef"). A compound whose name cannot be found stays a literal surface form. Every
one-word gold name is also looked for as an element of hyphenated compounds ("Ukraine" in "Ukraine-Krieg").

**Events.** Every single-token gold trigger gives the German Snowball stem of its lower-cased text
("telefonierte" and "telefoniert" -> "telefoniert", "Telefonats" -> "telefonat") with the most frequent
reading (category, mode, context, realis, modality) of that stem. spaCy's blank German pipeline has no
lemmatizer, and the lookup tables of ``spacy-lookups-data`` (98 MB for every language) miss words of
this domain ("Telefonats", "vereinbart"); the stemmer is a small, well-kept library and conflates the
inflections of nouns and of most verb forms (PyStemmer: the Snowball algorithms in C).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import polars as pl

from peacetalks.schema.scheme import load_scheme

# The endings of a German adjective, for the inflections of a derived form ("russisch" + ending).
ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# The least length of a trigger stem that may be the head of a compound ("verhandl" in "friedensverhandl").
HEAD_MIN_CHARS = 6
# The least lower-case letters after a name glued to the rest of a compound ("Kreml" + "chef"): fewer
# are an inflection ("Kremls") or a derivation ("Kiewer"), not a compound.
GLUED_MIN_TAIL = 3

_READING = ["label", "form", "mention_type", "entity_id"]
_TRIGGER_READING = ["category", "mode", "context", "realis", "modality"]


@dataclass(frozen=True)
class EntityLexicon:
    """Phrase patterns and compound parts, each with the reading it suggests.

    - ``phrases``: ``key`` (the entry: mention type and gold surface form), ``surface``, ``pattern`` (a text
      to match as tokens), and the reading ``label``, ``form``, ``mention_type``, ``entity_id``;
    - ``parts``: ``key``, ``part`` (the name to find inside a compound token), ``glued`` (whether the name
      may be glued to a lower-case rest, as in "Kremlchef"), ``label``, ``entity_id``.
    """

    phrases: pl.DataFrame
    parts: pl.DataFrame

    @property
    def size(self) -> int:
        return self.phrases["key"].n_unique() + self.parts.height


@dataclass(frozen=True)
class TriggerLexicon:
    """``stems``: ``stem`` and the reading (category, mode, context, realis, modality) of each gold trigger stem."""

    stems: pl.DataFrame

    @property
    def size(self) -> int:
        return self.stems.height


def _most_frequent(rows: pl.DataFrame, key: list[str], reading: list[str]) -> pl.DataFrame:
    """Per ``key``, the ``reading`` most rows give (ties: the first in sorted order), with ``n`` its count."""
    counted = rows.group_by([*key, *reading]).agg(pl.len().alias("n"))
    return counted.sort([*key, "n", *reading], descending=[False] * len(key) + [True] + [False] * len(reading)).unique(
        key, keep="first", maintain_order=True
    )


def _consistent(mentions: pl.DataFrame) -> pl.DataFrame:
    """The mentions whose label is their entity's label (the one gold gives the entity most)."""
    label_of = _most_frequent(mentions, ["entity_id"], ["label"]).select("entity_id", pl.col("label").alias("__label"))
    return mentions.join(label_of, on="entity_id").filter(pl.col("label") == pl.col("__label")).drop("__label")


def entity_lexicon(gold: pl.DataFrame, mention_types: tuple[str, ...]) -> EntityLexicon:
    """The entity lexicon of the gold mentions ``gold`` (of articles complete for entities)."""
    scheme = load_scheme()
    name_type, name_form = scheme.name_mention_type, scheme.plain_name_form
    mentions = _consistent(
        gold.filter(pl.col("mention_type").is_in(list(mention_types)))
        .select("text", *_READING)
        .cast({"label": pl.String, "form": pl.String, "mention_type": pl.String})
    )
    is_part = (pl.col("mention_type") == name_type) & (pl.col("form") == scheme.compound_form)
    names = mentions.filter((pl.col("mention_type") == name_type) & (pl.col("form") == name_form)).select(
        "entity_id", pl.col("text").alias("__name")
    )
    parts, literal = _compound_parts(mentions.filter(is_part), names.unique())
    # Every one-word gold name may stand in a hyphenated compound too ("Ukraine" -> "Ukraine-Krieg").
    plain = mentions.filter(
        (pl.col("mention_type") == name_type) & (pl.col("form") == name_form) & ~pl.col("text").str.contains(r"[\s-]")
    )
    named = _most_frequent(
        plain.select(pl.col("text").alias("part"), "label", "entity_id"), ["part"], ["label", "entity_id"]
    )
    parts = pl.concat(
        [
            parts,
            named.join(parts, on="part", how="anti").select(
                pl.concat_str(pl.lit("PART|"), "part").alias("key"),
                "part",
                pl.lit(False).alias("glued"),
                "label",
                "entity_id",
            ),
        ]
    ).sort("key")
    surfaces = _most_frequent(
        pl.concat([mentions.filter(~is_part), literal]), ["mention_type", "text"], ["label", "form", "entity_id"]
    )
    phrases = _variants(surfaces.rename({"text": "surface"}), name_form, scheme.derived_form)
    return EntityLexicon(phrases=phrases, parts=parts)


def _compound_parts(compounds: pl.DataFrame, names: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The names inside the gold PART mentions ``compounds``, and the compounds whose name was not found."""
    rows = compounds.with_row_index("__c")
    elements = (
        rows.filter(pl.col("text").str.contains("-", literal=True))
        .select("__c", "entity_id", pl.col("text").str.split("-").alias("__part"))
        .with_columns(pl.int_ranges(pl.col("__part").list.len()).alias("__pos"))
        .explode("__part", "__pos")
        .join(
            names.rename({"__name": "__part"}).with_columns(pl.lit(True).alias("__known")),
            on=["entity_id", "__part"],
            how="left",
        )
        .filter(pl.col("__part").str.len_chars() > 1)
        # the element that is a gold name of the entity, else the first one
        .sort("__c", pl.col("__known").is_null(), "__pos")
        .unique("__c", keep="first", maintain_order=True)
        .select("__c", "__part", pl.lit(False).alias("glued"))
    )
    glued = (
        rows.filter(~pl.col("text").str.contains("-", literal=True))
        .join(names, on="entity_id")
        .filter(
            pl.col("text").str.starts_with(pl.col("__name"))
            & (pl.col("text").str.len_chars() >= pl.col("__name").str.len_chars() + GLUED_MIN_TAIL)
        )
        .sort("__c", pl.col("__name").str.len_chars(), descending=[False, True])
        .unique("__c", keep="first", maintain_order=True)
        .select("__c", pl.col("__name").alias("__part"), pl.lit(True).alias("glued"))
    )
    found = rows.join(pl.concat([elements, glued]), on="__c")
    parts = (
        _most_frequent(
            found.select(pl.col("__part").alias("part"), "label", "entity_id"), ["part"], ["label", "entity_id"]
        )
        .join(found.group_by(pl.col("__part").alias("part")).agg(pl.col("glued").any()), on="part")
        .select(pl.concat_str(pl.lit("PART|"), "part").alias("key"), "part", "glued", "label", "entity_id")
        .sort("key")
    )
    literal = rows.join(found.select("__c"), on="__c", how="anti").drop("__c")
    return parts, literal


def _variants(surfaces: pl.DataFrame, name_form: str, derived_form: str) -> pl.DataFrame:
    """The patterns of each surface form: itself, a capitalised derived form, and inflections (module docstring)."""
    surface = pl.col("surface")
    deriv = pl.col("form") == derived_form
    lower_deriv = deriv & surface.str.contains(r"^\p{Ll}")
    adjective = lower_deriv & surface.str.contains(r"(?:e|en|er|es|em)$")
    inflected = (
        surfaces.filter(adjective)
        .with_columns(pl.lit(list(ADJECTIVE_ENDINGS), pl.List(pl.String)).alias("__end"))
        .explode("__end")
        .with_columns((surface.str.replace(r"(?:e|en|er|es|em)$", "") + pl.col("__end")).alias("pattern"))
        .drop("__end")
    )

    def capitalised(frame: pl.DataFrame, text: str) -> pl.DataFrame:
        first = pl.col(text).str.slice(0, 1).str.to_uppercase() + pl.col(text).str.slice(1)
        return frame.with_columns(first.alias("pattern"))

    patterns = pl.concat(
        [
            surfaces.with_columns(surface.alias("pattern"), pl.lit(0).alias("__prio")),
            capitalised(surfaces.filter(lower_deriv), "surface").with_columns(pl.lit(1).alias("__prio")),
            *(
                frame.with_columns(pl.lit(2).alias("__prio"))
                for frame in (
                    inflected,
                    capitalised(inflected, "pattern"),
                    surfaces.filter(deriv & surface.str.contains(r"^\p{Lu}.*er$")).with_columns(
                        (surface + "n").alias("pattern")
                    ),
                    surfaces.filter((pl.col("form") == name_form) & ~surface.str.contains(r"[sßxzSXZ]$")).with_columns(
                        (surface + "s").alias("pattern")
                    ),
                )
            ),
        ]
    )
    # One entry per pattern and mention type: a gold surface form first, then the most frequent.
    return (
        patterns.sort(
            "mention_type", "pattern", "__prio", "n", "surface", descending=[False, False, False, True, False]
        )
        .unique(["mention_type", "pattern"], keep="first", maintain_order=True)
        .select(pl.concat_str("mention_type", pl.lit("|"), "surface").alias("key"), "surface", "pattern", *_READING)
        .sort("key", "pattern")
    )


@functools.cache
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball algorithms in C

    return Stemmer.Stemmer("german")


def stems(words: pl.Series) -> pl.DataFrame:
    """``word`` -> ``stem``: the German Snowball stem of each distinct lower-cased word of ``words``.

    The stemmer is called once on the distinct words (the vocabulary), never per token.
    """
    vocabulary = words.str.to_lowercase().unique().sort()
    stemmed = _stemmer().stemWords(vocabulary.to_list())
    return pl.DataFrame({"word": vocabulary, "stem": pl.Series(stemmed, dtype=pl.String)})


def trigger_lexicon(gold: pl.DataFrame) -> TriggerLexicon:
    """The trigger lexicon of the gold events ``gold`` (of articles complete for events)."""
    single = gold.filter(~pl.col("trigger_text").str.contains(r"\s")).cast({"category": pl.String})
    stemmed = single.with_columns(pl.col("trigger_text").str.to_lowercase().alias("word")).join(
        stems(single["trigger_text"]), on="word"
    )
    readings = _most_frequent(stemmed.with_columns(pl.col("context").list.sort()), ["stem"], _TRIGGER_READING).filter(
        pl.col("stem").str.len_chars() > 1
    )
    return TriggerLexicon(stems=readings.select("stem", *_TRIGGER_READING).sort("stem"))
