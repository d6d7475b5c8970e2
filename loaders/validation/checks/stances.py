"""The stance rules of the guidelines (GUIDELINES.md, 3) that can be checked mechanically; warnings.

- ``quote-attribution``: a DIRECT_QUOTE is a quotation. Its evidence has a quotation mark or lies
  inside a quotation, and the trigger of its event (the word that carries the position) lies
  inside quotation marks. A partial quotation inside reported speech ("er habe ein "langes und sehr
  produktives" Telefonat gehabt") is INDIRECT_QUOTE.
- ``missing-agreement-holder``: the parties to an agreement that took place hold the position it
  carries: every ACTOR of an ACTUAL AGREE that a FAVOR stance links to holds a FAVOR stance of
  that target linked to it (the Kremlin's "Putin und Trump haben ... verabredet": Putin and Trump).
- ``duplicate-stance``: one position, one row: no two stances of one entity with the same target
  and polarity on overlapping evidence (the speaker who reports a position gets no second row).
- ``stance-event-outside-evidence``: the event a stance links to is in its evidence.

Inside quotation marks means after an odd number of double quotation marks (``"`` „ “ ” « ») from
the start of the text block (paragraph, headline, ...) the position is in: quotation marks pair up
within a block. Single quotation marks are not counted (they are apostrophes too); they mark a
quotation inside a quotation, which lies inside the double ones.
"""

from __future__ import annotations

import polars as pl

from peacetalks.schema.scheme import Scheme
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.report import Issue

QUOTATION_MARKS = '"„“”«»'
_MARK = f"[{QUOTATION_MARKS}]"


def _inside_quotes(positions: pl.DataFrame, position: str, articles: pl.DataFrame, blocks: pl.DataFrame) -> pl.Series:
    """For each row of ``positions`` (``doc_id`` and the offset ``position``): is it inside quotation marks?

    Counts the quotation marks between the start of the block holding the offset and the offset. A
    row whose offset is in no block (or whose article is missing) is taken as outside.
    """
    starts = blocks.select("doc_id", pl.col("start").alias("__block")).sort("doc_id", "__block")
    found = (
        positions.select("__pos", "doc_id", pl.col(position).alias("__at"))
        .sort("doc_id", "__at")
        .join_asof(starts, left_on="__at", right_on="__block", by="doc_id", strategy="backward", check_sortedness=False)
        .join(articles.select("doc_id", "text"), on="doc_id", how="left")
        .select(
            "__pos",
            (
                pl.col("text").str.slice(pl.col("__block"), pl.col("__at") - pl.col("__block")).str.count_matches(_MARK)
                % 2
                == 1
            )
            .fill_null(False)
            .alias("__inside"),
        )
        .sort("__pos")
    )
    return found["__inside"]


def quote_attribution_issues(
    stances: pl.DataFrame,
    events: pl.DataFrame | None,
    articles: pl.DataFrame,
    blocks: pl.DataFrame,
    scheme: Scheme,
    file: str,
) -> list[Issue]:
    """``quote-attribution``: DIRECT_QUOTE stances without a quotation, or with their event outside it."""
    quoted = scheme.quote_attribution
    direct = stances.filter(pl.col("attribution") == quoted).with_row_index("__pos")
    if direct.is_empty():
        return []
    direct = direct.with_columns(_inside_quotes(direct, "evidence_start", articles, blocks).alias("__opens_inside"))
    no_quotation = ~pl.col("evidence_text").str.contains(_MARK) & ~pl.col("__opens_inside")
    bare = direct.filter(no_quotation)
    issues = issues_from(
        bare,
        code="quote-attribution",
        file=file,
        id_column="stance_id",
        column="attribution",
        value="attribution",
        message=pl.lit(
            f"{quoted}, but the evidence has no quotation mark and is not inside a quotation: a position the "
            "text renders without quotation marks is reported speech or a paraphrase (GUIDELINES.md, 3.2)"
        ),
    )
    if events is None:
        return issues
    triggers = events.select("doc_id", "event_id", "trigger_start", "trigger_text").unique(["doc_id", "event_id"])
    quoting = direct.filter(~no_quotation).drop("__pos")  # one issue per row: a bare one is reported above
    linked = quoting.join(triggers, on=["doc_id", "event_id"], how="inner").with_row_index("__pos")
    if linked.is_empty():
        return issues
    linked = linked.with_columns(_inside_quotes(linked, "trigger_start", articles, blocks).alias("__inside"))
    outside = linked.filter(~pl.col("__inside"))
    return issues + issues_from(
        outside,
        code="quote-attribution",
        file=file,
        id_column="stance_id",
        column="attribution",
        value="attribution",
        message=pl.format(
            f"{quoted}, but its event {{}} ({{}}) lies outside the quotation marks: a partial quotation inside "
            "reported speech is INDIRECT_QUOTE (GUIDELINES.md, 3.2)",
            pl.col("event_id"),
            pl.col("trigger_text"),
        ),
    )


def _mentions_of(entities: pl.DataFrame, wanted: pl.DataFrame, column: str) -> pl.DataFrame:
    """The mentions (doc_id, ``column`` = mention_id, entity_id, text) named in ``wanted``'s doc_id and ``column``.

    Only those: a semi join on the pair first, so the million mentions of a large corpus are not all
    carried through the joins (a mention id given twice is duplicate-id; its first row counts here).
    """
    return (
        entities.lazy()
        .select("doc_id", pl.col("mention_id").alias(column), "entity_id", "text")
        .join(wanted.lazy().select("doc_id", column).unique(), on=["doc_id", column], how="semi")
        .unique(["doc_id", column], keep="first")
        .collect()
    )


def holders(stances: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """The stances with their holder's entity (``__entity``); a holder that names no mention is left out."""
    mentions = _mentions_of(entities, stances, "holder_mention_id").select(
        "doc_id", "holder_mention_id", pl.col("entity_id").alias("__entity")
    )
    return stances.join(mentions, on=["doc_id", "holder_mention_id"], how="inner")


def missing_agreement_holder_issues(
    held: pl.DataFrame,
    entities: pl.DataFrame,
    events: pl.DataFrame,
    arguments: pl.DataFrame,
    scheme: Scheme,
    file: str,
) -> list[Issue]:
    """``missing-agreement-holder``: an ACTOR of an agreement a FAVOR stance links to without such a stance.

    ``held``: the stances with their holder's entity (:func:`holders`).
    """
    agreements = events.filter(
        (pl.col("category") == scheme.agreement_category) & (pl.col("realis") == scheme.actual_realis)
    ).select("doc_id", "event_id", "trigger_text")
    favour = held.filter(pl.col("polarity") == scheme.support_polarity)
    linking = (
        favour.join(agreements.unique(["doc_id", "event_id"]), on=["doc_id", "event_id"], how="inner")
        .sort(ROW)
        .unique(["doc_id", "event_id", "target_id"], keep="first", maintain_order=True)
    )
    if linking.is_empty():
        return []
    actors = (
        arguments.filter((pl.col("role") == scheme.party_role) & pl.col("mention_id").is_not_null())
        .select("doc_id", "event_id", "mention_id")
        .join(linking.select("doc_id", "event_id").unique(), on=["doc_id", "event_id"], how="semi")
    )
    mentions = _mentions_of(entities, actors, "mention_id").rename({"text": "__actor_text"})
    parties = actors.join(mentions, on=["doc_id", "mention_id"], how="inner").unique(
        ["doc_id", "event_id", "entity_id"], keep="first", maintain_order=True
    )
    held = favour.select("doc_id", "event_id", "target_id", pl.col("__entity").alias("entity_id"))
    keys = ["doc_id", "event_id", "target_id", "entity_id"]
    missing = (
        linking.join(parties, on=["doc_id", "event_id"], how="inner")
        .join(held.unique(), on=keys, how="anti")
        .sort(ROW, "mention_id")
    )
    return issues_from(
        missing,
        code="missing-agreement-holder",
        file=file,
        id_column="stance_id",
        column="holder_mention_id",
        value="mention_id",
        message=pl.format(
            "links the agreement {} ({}), whose party {} ({}, entity {}) holds no {} stance on {} linked to it: "
            "each party to an agreement holds the position it carries (GUIDELINES.md, 3.1)",
            pl.col("event_id"),
            pl.col("trigger_text"),
            pl.col("__actor_text"),
            pl.col("mention_id"),
            pl.col("entity_id"),
            pl.col("polarity"),
            pl.col("target_id"),
        ),
    )


def duplicate_stance_issues(held: pl.DataFrame, file: str) -> list[Issue]:
    """``duplicate-stance``: the later of two stances of one entity, target and polarity on overlapping evidence.

    ``held``: the stances with their holder's entity (:func:`holders`).
    """
    held = held.select(
        ROW, "doc_id", "stance_id", "__entity", "target_id", "polarity", "evidence_start", "evidence_end"
    )
    keys = ["doc_id", "__entity", "target_id", "polarity"]
    pairs = (
        held.join(held, on=keys, how="inner", suffix="__first")
        .filter(
            (pl.col(f"{ROW}__first") < pl.col(ROW))
            & (pl.col("stance_id__first") != pl.col("stance_id"))  # the same id twice is duplicate-id
            & (pl.col("evidence_start__first") < pl.col("evidence_end"))
            & (pl.col("evidence_start") < pl.col("evidence_end__first"))
        )
        .sort(ROW, f"{ROW}__first")
        .unique(ROW, keep="first", maintain_order=True)
    )
    return issues_from(
        pairs,
        code="duplicate-stance",
        file=file,
        id_column="stance_id",
        column="holder_mention_id",
        message=pl.format(
            "stance {} already gives entity {} a {} stance on {} with overlapping evidence: one position is "
            "one row, whoever reports it (GUIDELINES.md, 3.1)",
            pl.col("stance_id__first"),
            pl.col("__entity"),
            pl.col("polarity"),
            pl.col("target_id"),
        ),
    )


def event_outside_evidence_issues(stances: pl.DataFrame, events: pl.DataFrame, file: str) -> list[Issue]:
    """``stance-event-outside-evidence``: a stance's event whose trigger does not start inside its evidence.

    The start decides: a trigger whose end is wrong (beyond the text, say) is its own error, not this one.
    """
    triggers = events.select("doc_id", "event_id", "trigger_start", "trigger_end", "trigger_text")
    outside = stances.join(triggers.unique(["doc_id", "event_id"]), on=["doc_id", "event_id"], how="inner").filter(
        (pl.col("trigger_start") < pl.col("evidence_start")) | (pl.col("trigger_start") >= pl.col("evidence_end"))
    )
    return issues_from(
        outside.sort(ROW),
        code="stance-event-outside-evidence",
        file=file,
        id_column="stance_id",
        column="event_id",
        value="event_id",
        message=pl.format(
            "event {} ({} at {}..{}) is outside the evidence {}..{}: a stance links the event in its evidence "
            "that carries the position (GUIDELINES.md, 3.5)",
            pl.col("event_id"),
            pl.col("trigger_text"),
            pl.col("trigger_start"),
            pl.col("trigger_end"),
            pl.col("evidence_start"),
            pl.col("evidence_end"),
        ),
    )
