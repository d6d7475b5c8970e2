"""Scheme rules that pandera cannot express one column at a time."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from peacetalks.schema.scheme import Scheme, load_scheme
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.checks.references import key_hash, missing, repeated
from peacetalks.validation.report import Issue

# How many preceding mentions (by start) each mention of a crossing-forbidden form (NAME) is compared
# with by shifting arrays; the rarer crossings of mentions further apart are listed pair by pair (_distant_crossings).
CROSSING_WINDOW = 8
# How many distant pairs the crossing check compares at most: the pairs grow with the square of
# the mentions that overlap one another (200,000 nested mentions in one article: 2e10 pairs, 7 GB).
# Beyond it the distant pairs are not compared and each document concerned gets too-many-overlaps.
CROSSING_PAIR_LIMIT = 2_000_000


def _pairs(pairs: list[tuple[str, str]], a: str, b: str) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema={a: pl.String, b: pl.String}, orient="row")


def event_issues(events: pl.DataFrame, scheme: Scheme, file: str) -> list[Issue]:
    issues: list[Issue] = []
    allowed = _pairs(scheme.category_mode_pairs(), "category", "mode")
    with_mode = events.filter(pl.col("mode").is_not_null() & pl.col("category").is_in(scheme.category_names))
    bad = with_mode.join(allowed, on=["category", "mode"], how="anti")
    modes = {c.name: ", ".join(c.modes) or "(none)" for c in scheme.event_categories.values()}
    issues += issues_from(
        bad,
        code="mode-not-allowed",
        file=file,
        id_column="event_id",
        column="mode",
        value="mode",
        message=pl.format(
            "mode {} is not a PLOVER mode of {}; allowed: {}",
            pl.col("mode"),
            pl.col("category"),
            pl.col("category").replace_strict(modes, default="?"),
        ),
    )
    contexts = events.select(ROW, "doc_id", "event_id", pl.col("context").alias("__ctx")).explode("__ctx")
    bad_ctx = contexts.filter(pl.col("__ctx").is_not_null() & ~pl.col("__ctx").is_in(scheme.event_contexts))
    issues += issues_from(
        bad_ctx,
        code="value-not-in-scheme",
        file=file,
        id_column="event_id",
        column="context",
        value="__ctx",
        message=pl.format("context {} is not a PLOVER context code", pl.col("__ctx")),
    )
    modal = scheme.modal_realis
    other = pl.col("realis") == modal
    has_modality = pl.col("modality").is_not_null()
    issues += issues_from(
        events.filter(other & ~has_modality),
        code="modality-mismatch",
        file=file,
        id_column="event_id",
        column="modality",
        message=pl.lit(f"realis is {modal}, so a modality is required"),
    ) + issues_from(
        events.filter(~other & has_modality),
        code="modality-mismatch",
        file=file,
        id_column="event_id",
        column="modality",
        value="modality",
        message=pl.format(
            f"modality {{}} is only allowed with realis {modal}, not {{}}", pl.col("modality"), pl.col("realis")
        ),
    )
    return issues


def argument_issues(
    arguments: pl.DataFrame,
    events: pl.DataFrame,
    scheme: Scheme,
    file: str,
    events_file: str,
    *,
    require_roles: bool = True,
) -> list[Issue]:
    """Argument targets, roles the category allows, and (``require_roles``) the roles it requires.

    A machine layer's events are candidate triggers without arguments, so its validation does not
    require roles (``peacetalks suggest``; adjudicate refuses such a layer, so it never reaches gold).
    """
    issues: list[Issue] = []
    has_mention = pl.col("mention_id").is_not_null()
    has_span = pl.col("start").is_not_null() | pl.col("end").is_not_null() | pl.col("text").is_not_null()
    issues += issues_from(
        arguments.filter(has_mention == has_span),
        code="bad-argument-target",
        file=file,
        id_column="argument_id",
        column="mention_id",
        message=pl.lit("an argument needs exactly one of: mention_id, or start/end/text"),
    )
    # Each argument's event category, joined on a 64-bit hash of (doc_id, event_id): one integer
    # key joins several times faster than two strings. (Two events whose keys share a hash, a
    # chance of about n**2 / 2**65 for n events, would share one category here.)
    event_key = key_hash(["doc_id", "event_id"])
    complete = pl.col("doc_id").is_not_null() & pl.col("event_id").is_not_null()
    categories = events.lazy().filter(complete).select(event_key.alias("__h"), "category").unique("__h")
    allowed = _pairs(scheme.category_role_pairs(), "category", "role")
    # Lazily, so only the integer keys and the role are filtered and joined; the strings of the
    # (few) arguments whose role is not allowed are fetched by their position afterwards.
    wrong = (
        arguments.lazy()
        .with_row_index("__pos")
        .filter(complete)
        .select("__pos", "role", event_key.alias("__h"))
        .join(categories, on="__h", how="inner")
        .filter(pl.col("role").is_in(scheme.argument_roles) & pl.col("category").is_in(scheme.category_names))
        .join(allowed.lazy(), on=["category", "role"], how="anti")
        .select("__pos", "category")
        .collect()
    )
    wrong = arguments[wrong["__pos"]].select(ROW, "doc_id", "argument_id", "role").with_columns(wrong["category"])
    roles = {c.name: ", ".join(c.roles) for c in scheme.event_categories.values()}
    issues += issues_from(
        wrong,
        code="role-not-allowed",
        file=file,
        id_column="argument_id",
        column="role",
        value="role",
        message=pl.format(
            "role {} is not allowed for a {} event; allowed: {}",
            pl.col("role"),
            pl.col("category"),
            pl.col("category").replace_strict(roles, default="?"),
        ),
    )
    if not require_roles:
        return issues
    required = _pairs(scheme.required_role_pairs(), "category", "role")
    needed = events.select(ROW, "doc_id", "event_id", "category").join(required, on="category", how="inner")
    keys = ["doc_id", "event_id", "role"]
    issues += issues_from(
        needed[missing(needed, keys, arguments, keys)],
        code="missing-required-role",
        file=events_file,
        id_column="event_id",
        column="category",
        message=pl.format(
            "a {} event requires a {} argument in event_arguments.parquet", pl.col("category"), pl.col("role")
        ),
    )
    return issues


def entity_issues(entities: pl.DataFrame, scheme: Scheme, file: str) -> list[Issue]:
    issues: list[Issue] = []
    name_type = scheme.name_mention_type
    nam = pl.col("mention_type") == name_type
    *first, last = scheme.entity_forms
    forms = f"{', '.join(first)} or {last}" if first else last
    issues += issues_from(
        entities.filter(nam & pl.col("form").is_null()),
        code="form-mismatch",
        file=file,
        id_column="mention_id",
        column="form",
        message=pl.lit(f"a {name_type} mention needs a form ({forms})"),
    ) + issues_from(
        entities.filter(~nam & pl.col("form").is_not_null()),
        code="form-mismatch",
        file=file,
        id_column="mention_id",
        column="form",
        value="form",
        message=pl.format(
            f"form {{}} is only for {name_type} mentions, this one is {{}}", pl.col("form"), pl.col("mention_type")
        ),
    )
    # Group by a hash of (doc_id, entity_id): mentions of one entity always share it, so every
    # conflicting entity is among the suspects; the exact grouping then runs on those rows only.
    # One u64 per mention, the key hash with its low bits replaced by the label's code, sorted: a
    # key with two labels shows as two neighbours with equal high bits and different low bits.
    codes = {label: i for i, label in enumerate(scheme.entity_labels)}
    slots = 1 << len(codes).bit_length()  # one more code than labels: null or not in the scheme
    key = key_hash(["doc_id", "entity_id"]) // slots
    label = pl.col("label").replace_strict(codes, default=slots - 1, return_dtype=pl.UInt64).fill_null(slots - 1)
    packed = entities.select((key * slots + label).alias("p")).to_series()
    p = pl.col("p")
    conflicted = (
        packed.sort()
        .to_frame()
        .select((p // slots).filter((p // slots == p.shift(1) // slots) & (p != p.shift(1))).unique())
        .to_series()
    )
    suspects = entities.filter((packed // slots).is_in(conflicted.implode()))
    del packed
    labels = (
        suspects.group_by("doc_id", "entity_id")
        .agg(
            pl.col("label").cast(pl.String).unique().sort().str.join("/").alias("__labels"),
            pl.col("label").n_unique().alias("__n"),
        )
        .filter(pl.col("__n") > 1)
    )
    # One root cause, one line: where most of an entity's mentions share a label, only the others are
    # reported (naming that label), not every mention of the entity; a tie reports all of them.
    conflicting = suspects.join(labels, on=["doc_id", "entity_id"], how="inner")
    per_label = conflicting.group_by("doc_id", "entity_id", "label").agg(pl.len().alias("__count"))
    top = per_label.filter(pl.col("__count") == pl.col("__count").max().over("doc_id", "entity_id"))
    majority = top.filter(pl.len().over("doc_id", "entity_id") == 1).select(
        "doc_id", "entity_id", pl.col("label").cast(pl.String).alias("__majority"), pl.col("__count").alias("__most")
    )
    conflicting = conflicting.join(majority, on=["doc_id", "entity_id"], how="left", maintain_order="left").filter(
        pl.col("__majority").is_null() | (pl.col("label").cast(pl.String) != pl.col("__majority"))
    )
    issues += issues_from(
        conflicting,
        code="entity-label-conflict",
        file=file,
        id_column="mention_id",
        column="label",
        value="label",
        message=pl.when(pl.col("__majority").is_null())
        .then(
            pl.format(
                "entity {} has mentions labelled {}; one entity has one label", pl.col("entity_id"), pl.col("__labels")
            )
        )
        .otherwise(
            pl.format(
                "entity {} has {} other mentions labelled {}; one entity has one label (labels: {})",
                pl.col("entity_id"),
                pl.col("__most"),
                pl.col("__majority"),
                pl.col("__labels"),
            )
        ),
    )
    span_key = ["doc_id", "start", "end", "label"]
    suspect = repeated(entities.select(key_hash(span_key)).to_series())
    dup = entities.filter(suspect).filter(pl.struct(span_key).is_duplicated())  # exact on the suspects
    issues += issues_from(
        dup,
        code="duplicate-span",
        file=file,
        id_column="mention_id",
        column="start",
        message=pl.format(
            "another mention has the same span {}..{} and label {}", pl.col("start"), pl.col("end"), pl.col("label")
        ),
    )
    forbidden = scheme.crossing_forbidden_forms
    issues += _crossing_issues(entities, file, among=pl.col("form").is_in(forbidden), what="/".join(forbidden))
    return issues


def _sorted_positions(names: pl.DataFrame, picked: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.integer], ...]:
    """The picked rows in (doc_id, start, end) order: their positions, document codes, starts, ends.

    Files are written sorted by (doc_id, start, end), so this is usually a check and no sort.
    """
    doc = names["doc_id"].rle_id().to_numpy()[picked]  # u32 codes, only compared for equality
    start = names["start"].to_numpy()[picked].astype(np.int64, copy=False)
    end = names["end"].to_numpy()[picked].astype(np.int64, copy=False)
    same = doc[1:] == doc[:-1]
    backwards = (start[1:] < start[:-1]) | ((start[1:] == start[:-1]) & (end[1:] < end[:-1]))
    if names["doc_id"].is_sorted() and not bool(np.any(same & backwards)):
        return picked, doc, start, end
    order = names[picked].select(pl.arg_sort_by("doc_id", "start", "end", maintain_order=True)).to_series()
    at = order.to_numpy().astype(np.int64)
    picked = picked[at]
    codes = names["doc_id"].gather(pl.Series(picked)).rle_id().to_numpy()
    return picked, codes, start[at], end[at]


def _distant_crossings(
    doc: npt.NDArray[np.integer], start: npt.NDArray[np.integer], end: npt.NDArray[np.integer]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Crossing pairs (i, j), as two index arrays, more than CROSSING_WINDOW apart in (doc, start, end) order.

    The mentions that can cross mention i from behind start inside it: positions i+1 up to the last
    one in its document that starts before its end. Only for the (few) mentions with more than
    CROSSING_WINDOW of those are the positions beyond the window listed and compared. When they
    make more than CROSSING_PAIR_LIMIT pairs, none is compared: the third array then holds those
    wide mentions (else it is empty), so the cost stays bounded by the input's size.
    """
    none = np.zeros(0, dtype=np.intp)
    first_beyond = CROSSING_WINDOW + 1
    if doc.size <= first_beyond:
        return none, none, none
    # The wide mentions: the first position beyond the window is in the same document and starts inside.
    wide = np.flatnonzero((doc[first_beyond:] == doc[:-first_beyond]) & (start[first_beyond:] < end[:-first_beyond]))
    if wide.size == 0:
        return none, none, none
    # One sortable key per (document, offset), document-major, so a search stays in its document.
    low = int(min(start.min(), end.min()))
    width = int(max(start.max(), end.max())) - low + 1
    if width * (int(doc.max()) + 1) >= 2**62:  # offsets far out of bounds (reported as such): skipped
        return none, none, none
    base = doc.astype(np.int64) * width - low
    inside = np.searchsorted(base + start, base[wide] + end[wide], side="left") - 1  # last one starting inside
    counts = inside - wide - CROSSING_WINDOW  # positions beyond the window that start inside: at least one
    if int(counts.sum()) > CROSSING_PAIR_LIMIT:
        return none, none, wide
    earlier = np.repeat(wide, counts)
    # For each wide mention i: i + CROSSING_WINDOW + 1, ..., inside[i]
    steps = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    later = earlier + CROSSING_WINDOW + 1 + steps
    cross = (start[earlier] < start[later]) & (end[earlier] < end[later])  # start[later] < end[earlier] by choice
    return earlier[cross], later[cross], none


def _crossing_issues(
    names: pl.DataFrame, file: str, among: pl.Expr | None = None, what: str | None = None
) -> list[Issue]:
    """Mentions (the rows ``among``) that partly overlap one of them before them.

    ``what`` names them in the message (default: the scheme's crossing_forbidden_forms).

    On integer arrays in (doc_id, start, end) order: "the k-th mention before, in the same
    document" is a shift by k masked where the document changes. Shifts up to CROSSING_WINDOW
    cover nearly every pair; the pairs further apart (a mention with more than CROSSING_WINDOW
    mentions starting inside it) are enumerated by :func:`_distant_crossings`.
    """
    complete = pl.col("doc_id").is_not_null() & pl.col("start").is_not_null() & pl.col("end").is_not_null()
    mask = complete if among is None else complete & among.fill_null(False)
    picked = np.flatnonzero(names.select(mask).to_series().to_numpy())
    ordered, doc, start, end = _sorted_positions(names, picked)
    other = np.full(picked.size, -1, dtype=np.int64)  # the nearest crossed mention: the smallest k that hits
    for k in range(CROSSING_WINDOW, 0, -1):
        hit = (doc[k:] == doc[:-k]) & (start[:-k] < start[k:]) & (start[k:] < end[:-k]) & (end[:-k] < end[k:])
        other[k:][hit] = ordered[:-k][hit]
    earlier, later, unchecked = _distant_crossings(doc, start, end)
    issues = _overlap_limit_issues(names, file, ordered, doc, unchecked)
    if later.size:
        nearest = np.full(picked.size, -1, dtype=np.int64)
        np.maximum.at(nearest, later, earlier)  # the closest of the distant crossed mentions
        distant = (other < 0) & (nearest >= 0)
        other[distant] = ordered[nearest[distant]]
    flagged = other >= 0
    if not flagged.any():
        return issues
    what = "/".join(load_scheme().crossing_forbidden_forms) if what is None else what
    failing = names.select(pl.col(ROW, "doc_id", "mention_id", "start", "end").gather(pl.Series(ordered[flagged])))
    failing = failing.with_columns(names["mention_id"].gather(pl.Series(other[flagged])).alias("__other"))
    return issues + issues_from(
        failing,
        code="crossing-mentions",
        file=file,
        id_column="mention_id",
        column="start",
        message=pl.format(
            f"{what} mention {{}}..{{}} crosses {what} mention {{}}; names may nest but not cross",
            pl.col("start"),
            pl.col("end"),
            pl.col("__other"),
        ),
    )


def _overlap_limit_issues(
    names: pl.DataFrame,
    file: str,
    ordered: npt.NDArray[np.integer],
    doc: npt.NDArray[np.integer],
    unchecked: npt.NDArray[np.intp],
) -> list[Issue]:
    """One too-many-overlaps issue per document whose distant crossing pairs were not compared."""
    if unchecked.size == 0:
        return []
    _, first = np.unique(doc[unchecked], return_index=True)
    rows = names.select(
        pl.col(ROW, "doc_id", "mention_id", "start", "end").gather(pl.Series(ordered[unchecked[first]]))
    )
    return issues_from(
        rows,
        code="too-many-overlaps",
        file=file,
        id_column="mention_id",
        column="start",
        message=pl.format(
            "mention {}..{} is the first of many mentions overlapping one another: more than "
            f"{CROSSING_PAIR_LIMIT:,} pairs to compare, so crossings of mentions more than {CROSSING_WINDOW} "
            "apart were not checked; remove the duplicated or stacked mentions",
            pl.col("start"),
            pl.col("end"),
        ),
    )


def holder_issues(stances: pl.DataFrame, entities: pl.DataFrame, scheme: Scheme, file: str) -> list[Issue]:
    keys = ["doc_id", "holder_mention_id"]
    # Only the mentions that hold a stance (found by a semi join on a 64-bit key hash), so the
    # exact join runs on those few rows, not on the whole table (~300 MB more).
    stance_keys = stances.lazy().select(key_hash(keys).alias("__h"))
    mentions = (
        entities.lazy()
        .select("doc_id", pl.col("mention_id").alias("holder_mention_id"), pl.col("label").alias("__label"))
        .join(stance_keys, left_on=key_hash(keys), right_on="__h", how="semi")
        .unique(keys)
        .collect()
    )
    holders = stances.join(mentions, on=keys, how="inner")
    allowed = "/".join(scheme.stance_holder_labels)
    return issues_from(
        holders.filter(~pl.col("__label").is_in(scheme.stance_holder_labels)),
        code="bad-holder-label",
        file=file,
        id_column="stance_id",
        column="holder_mention_id",
        value="holder_mention_id",
        message=pl.format(
            "holder {} is a {} mention; a stance holder must be {}",
            pl.col("holder_mention_id"),
            pl.col("__label"),
            pl.lit(allowed),
        ),
    )
