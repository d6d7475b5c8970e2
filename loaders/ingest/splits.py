"""Stable, leak-free train/validation/test splits, stored in ``corpus/splits.parquet``.

How an article gets its split (every step is a function of sets, so row order never matters):

1. an article already in ``corpus/splits.parquet`` keeps its split (unless ``reassign``);
2. a new article whose text equals an assigned article's text (after lower-casing and collapsing
   white space), or is a near-duplicate of it (:mod:`peacetalks.text.near_duplicates`; chains of them
   count), takes that article's split, so that no text leaks across splits;
3. otherwise a new article whose group (its story, or the article itself when it has no story)
   already has a split takes the group's split;
4. otherwise the group is hashed: blake2b with an 8-byte digest, keyed with the seed, read as a
   fraction ``u`` of 2**64, goes to train when ``u < r_train``, to validation when
   ``u < r_train + r_validation``, else to test;
5. new articles that share a text (or are near-duplicates) among themselves all take the split of the
   one with the smallest (group_id, doc_id).

A group's hash depends only on the seed and the group id, so a corpus of any size, even of one
article, gets a well-defined assignment; with few groups the shares can be far from the ratios
(and a split can be empty); they approach the ratios as the corpus grows. The seed, ratios and
grouping are recorded in ``corpus/splits.yaml`` with a log of every change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from peacetalks.errors import SplitError, shown
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import ARTICLES, SPLITS
from peacetalks.storage.parquet import read_table
from peacetalks.storage.shards import table_exists
from peacetalks.storage.transaction import Transaction, transaction
from peacetalks.text.normalise import leakage_key

SETTINGS_RELPATH = "corpus/splits.yaml"
DEFAULT_SEED = 0
DEFAULT_RATIOS = (0.8, 0.1, 0.1)
GROUP_BY = ("story", "doc")
HASH_NAME = "blake2b-64, keyed with 'peacetalks-split:<seed>'"
_TEXT = "__text"
_HEADER = """\
# How corpus/splits.parquet was assigned; written by `peacetalks split`, do not edit by hand.
# A group's split: blake2b (8-byte digest) of its group id, keyed with the seed, read as a
# fraction of 2**64 and cut at the cumulative ratios. Stored assignments never move unless
# `peacetalks split --reassign` is run; every such change is logged under `changes`.
"""


RATIO_TOLERANCE = 1e-6  # how far from 1 the ratios may sum (0.8 + 0.1 + 0.1 is not exactly 1.0 in floats)


@dataclass(frozen=True)
class SplitSettings:
    """The seed, the ratios (train, validation, test) and how articles are grouped."""

    seed: int = DEFAULT_SEED
    ratios: tuple[float, float, float] = DEFAULT_RATIOS
    group_by: str = "story"

    def __post_init__(self) -> None:
        # Written so that NaN fails each test (every comparison with NaN is false) and infinities too.
        finite = all(isinstance(r, (int, float)) and math.isfinite(r) and r >= 0 for r in self.ratios)
        if len(self.ratios) != len(SPLIT_NAMES) or not finite:
            raise SplitError(
                "bad-ratios",
                f"ratios {self.ratios} must be {len(SPLIT_NAMES)} finite non-negative numbers",
                data={"ratios": [str(r) for r in self.ratios]},
            )
        if not abs(sum(self.ratios) - 1.0) <= RATIO_TOLERANCE:
            raise SplitError(
                "bad-ratios",
                f"ratios {self.ratios} must sum to 1 (they sum to {sum(self.ratios):g})",
                data={"ratios": [str(r) for r in self.ratios]},
            )
        if self.group_by not in GROUP_BY:
            raise SplitError("bad-group-by", f"group_by={shown(self.group_by)}; expected one of {', '.join(GROUP_BY)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "ratios": dict(zip(SPLIT_NAMES, self.ratios, strict=True)),
            "group_by": self.group_by,
            "hash": HASH_NAME,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SplitSettings:
        ratios = raw.get("ratios") or {}
        return cls(
            seed=int(raw.get("seed", DEFAULT_SEED)),
            ratios=tuple(float(ratios[name]) for name in SPLIT_NAMES),  # type: ignore[arg-type]  # three names
            group_by=str(raw.get("group_by", "story")),
        )


@dataclass
class SplitResult:
    """What ``split_corpus`` did: the assignment and its counts."""

    assignment: pl.DataFrame
    settings: SplitSettings
    added: int
    kept: int
    removed: int
    moved: int
    reassigned: bool
    written: list[Path] = field(default_factory=list)

    def counts(self) -> dict[str, tuple[int, int]]:
        """split -> (articles, groups), every split present."""
        by = self.assignment.group_by("split").agg(pl.len(), pl.col("group_id").n_unique())
        found = {s: (int(n), int(g)) for s, n, g in by.iter_rows()}
        return {name: found.get(name, (0, 0)) for name in SPLIT_NAMES}

    @property
    def empty(self) -> list[str]:
        return [name for name, (n, _) in self.counts().items() if n == 0]


def group_id(group_by: str) -> pl.Expr:
    """``story:<story_id>`` when grouping by story and the article has one, else ``doc:<doc_id>``."""
    by_doc = pl.concat_str(pl.lit("doc:"), pl.col("doc_id"))
    if group_by == "doc":
        return by_doc
    return pl.when(pl.col("story_id").is_not_null()).then(pl.concat_str(pl.lit("story:"), "story_id")).otherwise(by_doc)


def unit_interval(keys: list[str], seed: int) -> list[float]:
    """The keyed hash of each key as a fraction in [0, 1)."""
    salt = f"peacetalks-split:{seed}".encode()
    return [
        int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8, key=salt).digest(), "big") / 2**64
        for k in keys
    ]


def bucket(u: pl.Expr, ratios: tuple[float, ...]) -> pl.Expr:
    """The split of a fraction ``u``: the first split whose cumulative ratio exceeds it."""
    expr: pl.Expr = pl.lit(SPLIT_NAMES[-1])
    cumulative = 0.0
    cuts: list[tuple[str, float]] = []
    for name, ratio in zip(SPLIT_NAMES[:-1], ratios[:-1], strict=True):
        cumulative += ratio
        rest_empty = all(r == 0 for r in ratios[len(cuts) + 1 :])
        cuts.append((name, float("inf") if rest_empty else cumulative))
    for name, cut in reversed(cuts):
        expr = pl.when(u < cut).then(pl.lit(name)).otherwise(expr)
    return expr


def _empty_assignment() -> pl.DataFrame:
    return pl.DataFrame(schema=SPLITS.polars_schema())


def assign(articles: pl.DataFrame, settings: SplitSettings, existing: pl.DataFrame | None = None) -> pl.DataFrame:
    """doc_id, split, group_id for every article (see the module docstring for the rules)."""
    ids = articles.select("doc_id", group_id(settings.group_by).alias("group_id")).unique("doc_id", keep="first")
    stored = _empty_assignment() if existing is None else existing.select(SPLITS.columns)
    kept = stored.join(ids.select("doc_id"), on="doc_id", how="semi").unique("doc_id", keep="first")
    new = ids.join(kept, on="doc_id", how="anti")
    if new.is_empty():
        return kept.sort("doc_id")
    texts = text_clusters(articles.select("doc_id", "text").unique("doc_id", keep="first")).rename({"cluster": _TEXT})
    new = new.join(texts, on="doc_id", how="left")
    by_group = kept.group_by("group_id").agg(pl.col("split").sort().first().alias("__group_split"))
    by_text = kept.join(texts, on="doc_id").group_by(_TEXT).agg(pl.col("split").sort().first().alias("__text_split"))
    groups = new["group_id"].unique().sort()
    hashed = pl.DataFrame(
        {"group_id": groups, "__u": pl.Series(unit_interval(groups.to_list(), settings.seed), dtype=pl.Float64)}
    ).select("group_id", bucket(pl.col("__u"), settings.ratios).alias("__hash_split"))
    placed = (
        new.join(by_text, on=_TEXT, how="left")
        .join(by_group, on="group_id", how="left")
        .join(hashed, on="group_id", how="left")
        .with_columns(pl.coalesce("__text_split", "__group_split", "__hash_split").alias("split"))
        .with_columns(pl.col("split").sort_by("group_id", "doc_id").first().over(_TEXT))
    )
    return pl.concat([kept, placed.select(SPLITS.columns)]).sort("doc_id")


def text_clusters(texts: pl.DataFrame) -> pl.DataFrame:
    """doc_id and ``cluster``: the least doc_id of the articles linked to it by an equal text (after lower-casing
    and collapsing white space) or by being near-duplicates (:mod:`peacetalks.text.near_duplicates`), in chains.

    The clusters are found by passing the least doc_id along the links until nothing changes (as many rounds as
    the longest chain is long; the links are a handful per article), all as joins.
    """
    from peacetalks.text.near_duplicates import near_duplicates

    keyed = texts.select("doc_id", leakage_key().alias("__key"))
    star = keyed.with_columns(pl.col("doc_id").min().over("__key").alias("b")).select(pl.col("doc_id").alias("a"), "b")
    pairs = near_duplicates(texts).select(pl.col("doc_id").alias("a"), pl.col("other_doc_id").alias("b"))
    links = pl.concat([star, pairs, star.select(a="b", b="a"), pairs.select(a="b", b="a")]).filter(
        pl.col("a") != pl.col("b")
    )
    label = keyed.select("doc_id", pl.col("doc_id").alias("cluster"))
    for _ in range(texts.height):
        passed = (
            links.join(label.rename({"doc_id": "b", "cluster": "__via"}), on="b")
            .group_by("a")
            .agg(pl.col("__via").min())
        )
        new = label.join(passed, left_on="doc_id", right_on="a", how="left").select(
            "doc_id", pl.min_horizontal("cluster", "__via").alias("cluster")
        )
        if new.sort("doc_id").equals(label.sort("doc_id")):
            break
        label = new
    return label


def read_settings(root: Path) -> tuple[SplitSettings | None, list[dict[str, Any]]]:
    """The recorded settings and change log, or (None, []) when the corpus has no splits yet."""
    path = root / SETTINGS_RELPATH
    if not path.exists():
        return None, []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return SplitSettings.from_dict(raw), list(raw.get("changes") or [])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise SplitError("bad-split-settings", f"cannot read the split settings: {exc}", path=SETTINGS_RELPATH) from exc


def read_assignment(root: Path) -> pl.DataFrame | None:
    if not table_exists(root, SPLITS):
        return None
    return read_table(root, SPLITS)


def current_splits(root: Path, articles: pl.DataFrame | None = None) -> pl.DataFrame:
    """The split of every article: stored ones, and new ones as ``peacetalks split`` would assign them.

    Never writes; a corpus without ``splits.parquet`` gets the default assignment.
    """
    settings, _ = read_settings(root)
    stored = read_assignment(root)
    if articles is None:
        ids = read_table(root, ARTICLES, columns=["doc_id"])
        if stored is not None and ids.join(stored, on="doc_id", how="anti").is_empty():
            return stored.join(ids, on="doc_id", how="semi").sort("doc_id")
        # New articles are placed by their texts too (no text may leak across splits): a global step.
        articles = read_table(root, ARTICLES, columns=["doc_id", "story_id", "text"])
    return assign(articles, settings or SplitSettings(), stored)


def _check_settings(
    recorded: SplitSettings | None, seed: int | None, ratios: tuple[float, float, float] | None, group_by: str | None
) -> SplitSettings:
    base = recorded or SplitSettings()
    return SplitSettings(
        seed=base.seed if seed is None else seed,
        ratios=base.ratios if ratios is None else ratios,
        group_by=base.group_by if group_by is None else group_by,
    )


def split_corpus(
    root: Path | str,
    *,
    seed: int | None = None,
    ratios: tuple[float, float, float] | None = None,
    group_by: str | None = None,
    reassign: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> SplitResult:
    """Assign every article of the corpus at ``root`` to a split and store it.

    Settings not given are taken from ``corpus/splits.yaml`` (or the defaults). Changing the
    recorded settings, which moves stored articles, needs ``reassign=True`` and is logged.
    """
    folder = Path(root)
    if dry_run:
        return _split(folder, seed, ratios, group_by, reassign=reassign, today=today, tx=None)
    with transaction(folder, "split") as tx:  # splits.parquet and splits.yaml change together
        return _split(folder, seed, ratios, group_by, reassign=reassign, today=today, tx=tx)


def _split(
    folder: Path,
    seed: int | None,
    ratios: tuple[float, float, float] | None,
    group_by: str | None,
    *,
    reassign: bool,
    today: dt.date | None,
    tx: Transaction | None,
) -> SplitResult:
    """The work of :func:`split_corpus`; a dry run has no ``tx`` and writes nothing."""
    articles = read_table(folder, ARTICLES).select("doc_id", "story_id", "text")
    recorded, changes = read_settings(folder)
    settings = _check_settings(recorded, seed, ratios, group_by)
    if recorded is not None and settings != recorded and not reassign:
        raise SplitError(
            "split-settings-changed",
            f"the file records seed={recorded.seed} ratios={recorded.ratios} group_by={recorded.group_by}; "
            f"the requested seed={settings.seed} ratios={settings.ratios} group_by={settings.group_by} would move "
            "stored articles",
            path=SETTINGS_RELPATH,
            data={"option": "reassign"},
        )
    stored = read_assignment(folder)
    previous = _empty_assignment() if stored is None else stored
    assignment = assign(articles, settings, None if reassign else previous)
    present = previous.join(assignment.select("doc_id"), on="doc_id", how="semi")
    joined = assignment.join(present.select("doc_id", pl.col("split").alias("__old")), on="doc_id", how="left")
    result = SplitResult(
        assignment=assignment,
        settings=settings,
        added=joined.filter(pl.col("__old").is_null()).height,
        kept=joined.filter(pl.col("__old") == pl.col("split")).height,
        removed=previous.height - present.height,
        moved=joined.filter(pl.col("__old") != pl.col("split")).height,
        reassigned=reassign,
    )
    unchanged = stored is not None and recorded == settings and not result.added and not result.removed
    if tx is None or (unchanged and not reassign):
        return result
    day = (today or dt.date.today()).isoformat()
    if recorded is None or stored is None:
        changes.append({"date": day, "action": "created", **settings.to_dict(), "articles": assignment.height})
    elif reassign:
        entry = {"date": day, "action": "reassigned", **settings.to_dict(), "moved": result.moved}
        changes.append(entry | {"previous": recorded.to_dict()})
    text = settings_text(settings, changes)
    result.written = [tx.write_table(SPLITS, assignment), tx.write_text(folder / SETTINGS_RELPATH, text)]
    return result


def settings_text(settings: SplitSettings, changes: list[dict[str, Any]]) -> str:
    """``corpus/splits.yaml`` as written: the header, the settings and the change log."""
    body = yaml.safe_dump(settings.to_dict() | {"changes": changes}, sort_keys=False, allow_unicode=True)
    return _HEADER + body
