"""``peacetalks suggest``: machine suggestions for the articles not yet annotated, as a machine layer.

1. **Which articles**: per kind (entities, events), those whose gold for that kind is not-started (or has
   no status), or the articles named (``doc_ids``), whatever their status.
2. **Lexicons** (:mod:`peacetalks.suggest.lexicon`) from the gold of the articles complete for the kind.
3. **Scores**: the same matcher (:mod:`peacetalks.suggest.matching`) runs over those gold texts; an entry's
   score is ``annotated / matched``: of its matches there, the share gold annotates with the reading the
   entry suggests (same span; label, form and mention type, or category). It is a precision measured on
   the texts the lexicon was learnt from, so every entry counts its own gold occurrences: an upper bound
   for new text, with ``matched`` saying how much evidence it rests on. An entry that never matched in
   gold (a name seen only alone, looked for in compounds; "X" of "X.", not a whole token) takes the
   precision of its rule over all entries (:func:`with_scores`).
4. **The layer**: the suggestions scoring at least ``min_score`` (and above 0: an entry gold never
   agreed with suggests nothing) become the layer's entities and events (no
   arguments, no stances), the scores ``suggestion_scores.parquet``, and ``layer.yaml`` marks the layer
   machine-made (:mod:`peacetalks.storage.machine`). The suggested articles get status complete (the
   machine's pass over them is done) for the kinds suggested. Rows of other articles and kinds stay.
   Everything is written in one transaction; a layer a person made is never written (``human-layer``).
   When no article needs suggestions, nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks._version import __version__
from peacetalks.errors import SuggestError
from peacetalks.schema.columns import SUGGESTED_KINDS
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, ENTITIES, EVENTS, LAYERS_FOLDER, SCORES, STATUS
from peacetalks.storage.layers import GOLD, check_layer, layer_exists, layer_fingerprint, read_layer
from peacetalks.storage.machine import LayerManifest, is_machine_layer, manifest_path, read_scores
from peacetalks.storage.parquet import read_table
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.status import KINDS, complete_doc_ids, read_status, status_rows, upsert
from peacetalks.storage.transaction import Transaction, transaction
from peacetalks.suggest.lexicon import EntityLexicon, TriggerLexicon, entity_lexicon, trigger_lexicon
from peacetalks.suggest.matching import Candidates, find
from peacetalks.validation.report import Report
from peacetalks.validation.validate import validate

SUGGESTER = "peacetalks-lexicon"
# Bumped whenever a rule of the lexicon or the matcher changes what is suggested.
SUGGESTER_VERSION = "1.0.0"
DEFAULT_LAYER = "suggestions"
_ID_PREFIX = {"entities": "sm", "events": "se"}
_SCORE_KEY = {
    "entities": ["rule", "pattern", "label", "form", "mention_type"],
    "events": ["rule", "pattern", "category"],
}
_GOLD_MATCH = {
    "entities": ["doc_id", "start", "end", "label", "form", "mention_type"],
    "events": ["doc_id", "trigger_start", "trigger_end", "category"],
}


@dataclass
class SuggestResult:
    """What :func:`suggest` wrote: per kind the articles and suggestions, the lexicon's size, the layer's report."""

    layer: str
    layer_dir: Path
    manifest: LayerManifest
    documents: dict[str, list[str]]
    counts: dict[str, int]
    lexicon: dict[str, int]
    report: Report
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _check_options(layer: str, kinds: Sequence[str], mention_types: Sequence[str], min_score: float) -> None:
    check_layer(layer)
    if layer == GOLD:
        raise SuggestError("bad-annotator", "suggestions are a layer of their own, never gold", data={"layer": layer})
    unknown = [k for k in kinds if k not in SUGGESTED_KINDS]
    if unknown or not kinds:
        raise SuggestError(
            "bad-argument",
            f"kinds must be some of {', '.join(SUGGESTED_KINDS)}, not {unknown or 'none'}",
            data={"parameter": "kinds", "allowed": list(SUGGESTED_KINDS)},
        )
    types = load_scheme().mention_types
    wrong = [t for t in mention_types if t not in types]
    if wrong or not mention_types:
        raise SuggestError(
            "unknown-mention-type",
            f"mention types must be some of {', '.join(types)}, not {wrong or 'none'}",
            data={"parameter": "mention_types", "allowed": list(types)},
        )
    if not 0.0 <= min_score <= 1.0:
        raise SuggestError(
            "bad-argument", f"min_score must be from 0 to 1, not {min_score}", data={"parameter": "min_score"}
        )


def targets(articles: pl.DataFrame, status: pl.DataFrame, kind: str, doc_ids: Sequence[str] | None) -> list[str]:
    """The articles to suggest ``kind`` for: ``doc_ids``, else those whose gold status is not-started or absent."""
    if doc_ids:
        return sorted(set(doc_ids))
    initial = load_scheme().initial_status
    started = status.filter((pl.col("kind") == kind) & (pl.col("status") != initial)).select("doc_id")
    return sorted(articles.join(started, on="doc_id", how="anti")["doc_id"].to_list())


def scores(gold_rows: pl.DataFrame, found: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Per lexicon entry (:data:`_SCORE_KEY`): its candidates in gold texts, those gold annotates, and the share.

    Columns: the entry's key, ``matched``, ``annotated`` and ``score`` (``annotated / matched``).
    """
    keys = _GOLD_MATCH[kind]
    gold = gold_rows.select(keys).cast({c: pl.String for c in keys if gold_rows.schema[c] != pl.Int64}).unique()
    hits = found.join(gold.with_columns(pl.lit(True).alias("__hit")), on=keys, how="left")
    return (
        hits.group_by(_SCORE_KEY[kind])
        .agg(
            pl.col("__hit").fill_null(False).sum().cast(pl.Int64).alias("annotated"),
            pl.len().cast(pl.Int64).alias("matched"),
        )
        .with_columns((pl.col("annotated") / pl.col("matched")).alias("score"))
    )


def with_scores(found: pl.DataFrame, entries: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``found`` with each candidate's ``annotated``, ``matched`` and ``score``: its entry's, else its rule's.

    An entry that never matched in gold (a name seen only inside a compound, a mention gold has in the
    middle of a token) takes the precision of its rule over every entry (``annotated`` and ``matched``
    are then the rule's counts); a rule that never matched in gold gives no score, and no suggestion.
    """
    measures = ["annotated", "matched"]
    pooled = entries.group_by("rule").agg(pl.col(measures).sum().name.prefix("__rule_"))
    joined = found.join(entries, on=_SCORE_KEY[kind], how="left").join(pooled, on="rule", how="left")
    own = pl.col("matched").is_not_null()
    return (
        joined.with_columns(*(pl.when(own).then(pl.col(m)).otherwise(pl.col(f"__rule_{m}")).alias(m) for m in measures))
        .drop("score", "__rule_annotated", "__rule_matched")
        .filter(pl.col("matched") > 0)
        .with_columns((pl.col("annotated") / pl.col("matched")).alias("score"))
    )


def _with_ids(rows: pl.DataFrame, kind: str, start: str, end: str, label: str) -> pl.DataFrame:
    ordered = rows.sort("doc_id", start, end, label)
    number = pl.int_range(1, pl.len() + 1).over("doc_id").cast(pl.String)
    id_column = ENTITIES.id_column if kind == "entities" else EVENTS.id_column
    return ordered.with_columns((pl.lit(_ID_PREFIX[kind]) + number).alias(id_column))


@dataclass(frozen=True)
class _Lexicons:
    entities: EntityLexicon | None
    triggers: TriggerLexicon | None


def _learn(gold: dict[str, pl.DataFrame], kinds: Sequence[str], mention_types: Sequence[str]) -> _Lexicons:
    entities = entity_lexicon(gold["entities"], tuple(mention_types)) if "entities" in kinds else None
    triggers = trigger_lexicon(gold["events"]) if "events" in kinds else None
    return _Lexicons(entities, triggers)


def suggest(
    root: Path | str | None = None,
    *,
    layer: str = DEFAULT_LAYER,
    doc_ids: Sequence[str] | None = None,
    kinds: Sequence[str] = SUGGESTED_KINDS,
    mention_types: Sequence[str] | None = None,
    min_score: float = 0.0,
    today: dt.date | None = None,
) -> SuggestResult:
    """Write suggestions for the articles not yet annotated into machine layer ``layer``; see the module docstring.

    ``mention_types``: the gold mentions to learn (default: names, the scheme's ``name_mention_type``).
    """
    if mention_types is None:
        mention_types = (load_scheme().name_mention_type,)
    _check_options(layer, kinds, mention_types, min_score)
    folder = resolve_root(root)
    with transaction(folder, "suggest") as tx:
        if layer_exists(folder, layer) and not is_machine_layer(folder, layer):
            raise SuggestError(
                "human-layer",
                f"layer {layer!r} was made by a person (it has annotation tables and no layer.yaml); "
                "suggestions go into a layer of their own",
                path=f"{LAYERS_FOLDER}/{layer}",
                data={"layer": layer, "option": "layer"},
            )
        result = _suggest(tx, layer, doc_ids, kinds, mention_types, min_score, today or dt.date.today())
    if result.written:
        result.report = validate(folder, layer=layer)
    return result


def _suggest(
    tx: Transaction,
    layer: str,
    doc_ids: Sequence[str] | None,
    kinds: Sequence[str],
    mention_types: Sequence[str],
    min_score: float,
    today: dt.date,
) -> SuggestResult:
    folder = tx.root
    articles = read_table(folder, ARTICLES).select("doc_id", "text")
    unknown = sorted(set(doc_ids or ()) - set(articles["doc_id"].to_list()))
    if unknown:
        raise SuggestError(
            "unknown-doc",
            f"no article {', '.join(unknown)} in the corpus",
            path=ARTICLES.relpath(),
            data={"doc_ids": unknown},
        )
    gold_tables = read_layer(folder, GOLD, missing_ok=True)
    status = read_status(folder)
    complete = {kind: complete_doc_ids(status, kind) for kind in SUGGESTED_KINDS}
    gold = {
        "entities": gold_tables[ENTITIES].filter(pl.col("doc_id").is_in(complete["entities"].implode())),
        "events": gold_tables[EVENTS].filter(pl.col("doc_id").is_in(complete["events"].implode())),
    }
    learnt = [kind for kind in kinds if gold[kind].height]
    if not learnt:
        raise SuggestError(
            "empty-lexicon",
            f"no complete gold {' or '.join(kinds)} to learn suggestions from (gold status complete or adjudicated)",
            path=STATUS.relpath(),
            data={"kinds": list(kinds)},
        )
    notes = [f"no complete gold {kind}: none suggested" for kind in kinds if kind not in learnt]
    lexicons = _learn(gold, learnt, mention_types)
    wanted = {kind: targets(articles, status, kind, doc_ids) for kind in learnt}
    manifest = LayerManifest(
        suggester=SUGGESTER,
        version=SUGGESTER_VERSION,
        gold_fingerprint=layer_fingerprint(gold_tables),
        written_by=__version__,
    )
    if not any(wanted.values()):
        notes.append(
            "nothing to suggest, nothing written: every article's gold is started (name articles to suggest for anyway)"
        )
        return SuggestResult(
            layer=layer,
            layer_dir=folder / LAYERS_FOLDER / layer,
            manifest=manifest,
            documents=wanted,
            counts=dict.fromkeys(learnt, 0),
            lexicon=_sizes(lexicons),
            report=Report(),
            notes=notes,
        )

    def texts(ids: pl.Series | list[str]) -> pl.DataFrame:
        return articles.filter(pl.col("doc_id").is_in(pl.Series(ids, dtype=pl.String).implode()))

    calibration = find(texts(pl.concat([complete[k] for k in learnt]).unique()), lexicons.entities, lexicons.triggers)
    found = find(texts(sorted({d for ids in wanted.values() for d in ids})), lexicons.entities, lexicons.triggers)
    rows, score_rows = {}, []
    for kind in learnt:
        frame = _frame(kind, found, wanted[kind])
        scored = with_scores(frame, scores(gold[kind], _frame(kind, calibration, None), kind), kind).filter(
            (pl.col("score") >= min_score) & (pl.col("score") > 0)
        )
        if kind == "entities":
            scored = _with_ids(scored, kind, "start", "end", "label")
        else:
            scored = _with_ids(scored, kind, "trigger_start", "trigger_end", "category")
        rows[kind] = scored
        score_rows.append(
            scored.select(
                "doc_id",
                pl.lit(kind).alias("kind"),
                pl.col(ENTITIES.id_column if kind == "entities" else EVENTS.id_column).alias("item_id"),
                "rule",
                "pattern",
                "score",
                "annotated",
                "matched",
                pl.lit(SUGGESTER).alias("suggester"),
                pl.lit(SUGGESTER_VERSION).alias("version"),
            )
        )
    written = _write(tx, layer, wanted, rows, pl.concat(score_rows), manifest, today)
    return SuggestResult(
        layer=layer,
        layer_dir=folder / LAYERS_FOLDER / layer,
        manifest=manifest,
        documents=wanted,
        counts={kind: rows[kind].height for kind in learnt},
        lexicon=_sizes(lexicons),
        report=Report(),
        notes=notes,
        written=written,
    )


def _frame(kind: str, candidates: Candidates, doc_ids: list[str] | None) -> pl.DataFrame:
    frame = candidates.entities if kind == "entities" else candidates.events
    return frame if doc_ids is None else frame.filter(pl.col("doc_id").is_in(doc_ids))


def _sizes(lexicons: _Lexicons) -> dict[str, int]:
    sizes = {}
    if lexicons.entities is not None:
        sizes["surface forms"] = lexicons.entities.phrases["key"].n_unique()
        sizes["patterns"] = lexicons.entities.phrases.height
        sizes["compound names"] = lexicons.entities.parts.height
    if lexicons.triggers is not None:
        sizes["trigger stems"] = lexicons.triggers.size
    return sizes


def _write(
    tx: Transaction,
    layer: str,
    wanted: dict[str, list[str]],
    rows: dict[str, pl.DataFrame],
    new_scores: pl.DataFrame,
    manifest: LayerManifest,
    today: dt.date,
) -> list[Path]:
    """Replace the layer's rows of the suggested articles and kinds; keep the rest; write status, scores, manifest."""
    folder = tx.root
    old = read_layer(folder, layer, missing_ok=True)
    written = []
    tables = {"entities": ENTITIES, "events": EVENTS}
    for kind, table in tables.items():
        replaced = wanted.get(kind, [])
        kept = old[table].filter(~pl.col("doc_id").is_in(replaced))
        new = rows[kind].select(table.columns) if kind in rows else pl.DataFrame(schema=table.polars_schema())
        written.append(tx.write_table(table, pl.concat([kept, new.cast(pl.Schema(table.polars_schema()))]), layer))
    arguments = old[ARGUMENTS].filter(~pl.col("doc_id").is_in(wanted.get("events", [])))
    written.append(tx.write_table(ARGUMENTS, arguments, layer))
    for table, frame in old.items():
        if table not in (ENTITIES, EVENTS, ARGUMENTS):
            written.append(tx.write_table(table, frame, layer))
    old_scores = read_scores(folder, layer)
    replaced_keys = pl.DataFrame(
        [(d, k) for k, ids in wanted.items() for d in ids],
        schema={"doc_id": pl.String, "kind": pl.String},
        orient="row",
    )
    kept_scores = old_scores.join(replaced_keys, on=["doc_id", "kind"], how="anti")
    written.append(tx.write_table(SCORES, pl.concat([kept_scores, new_scores.select(SCORES.columns)]), layer))
    scheme = load_scheme()
    by = f"suggest {manifest.model_version}"
    current = read_status(folder, layer)
    done = pl.concat(
        [status_rows(ids, scheme.finished_status, kinds=[k], set_by=by, set_on=today) for k, ids in wanted.items()]
    )
    others = [k for k in KINDS if k not in wanted]
    fresh = status_rows(
        sorted({d for ids in wanted.values() for d in ids}),
        scheme.initial_status,
        kinds=others,
        set_by=by,
        set_on=today,
    )
    fresh = fresh.join(current, on=["doc_id", "kind"], how="anti")
    written.append(tx.write_table(STATUS, upsert(current, pl.concat([done, fresh])), layer))
    written.append(tx.write_text(manifest_path(folder, layer), manifest.to_yaml()))
    return written
