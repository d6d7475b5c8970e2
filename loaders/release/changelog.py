"""The changelog entry of a release: what changed since the previous release, computed from the tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.release.coverage import coverage_counts, render_coverage
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ARGUMENTS, ARTICLES, ENTITIES, EVENTS, SPLITS, STANCES, Table
from peacetalks.storage.gold_versions import GOLD_VERSIONS, read_gold_versions

# The records a changelog counts, by the name it uses for them.
RECORDS: dict[str, Table] = {"articles": ARTICLES, "mentions": ENTITIES, "events": EVENTS, "stances": STANCES}
# The label columns whose counts a changelog compares.
LABELS: dict[str, tuple[Table, str]] = {
    "entity labels": (ENTITIES, "label"),
    "event categories": (EVENTS, "category"),
    "stance polarities": (STANCES, "polarity"),
    "stance targets": (STANCES, "target_id"),
}

Frames = Mapping[Table, pl.DataFrame]


@dataclass(frozen=True)
class RecordChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class ReleaseDiff:
    """The difference between two releases' tables; ``previous`` is None for a first release."""

    previous: str | None
    records: dict[str, RecordChanges]
    labels: dict[str, dict[str, tuple[int, int]]]
    splits: dict[str, tuple[int, int]]
    moved: list[tuple[str, str, str]]  # (doc_id, old split, new split)
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)  # of the new release (release/coverage.py)


def _ids(df: pl.DataFrame, table: Table) -> pl.DataFrame:
    # The text columns are left out: a stand-off release has them null, which is no change.
    key = table.id_key
    compared = [c for c in df.columns if c not in key and c not in table.text_columns]
    return df.select(
        pl.concat_str(key, separator="/").alias("__id"),
        pl.struct(compared).hash(seed=0).alias("__hash") if compared else pl.lit(0, pl.UInt64).alias("__hash"),
    )


def _with_arguments(frames: Frames) -> pl.DataFrame:
    """Events with their arguments folded in, so that a changed argument changes its event."""
    events = frames.get(EVENTS, pl.DataFrame(schema=EVENTS.polars_schema()))
    args = frames.get(ARGUMENTS, pl.DataFrame(schema=ARGUMENTS.polars_schema()))
    arg_cols = [c for c in args.columns if c not in ("doc_id", "event_id", *ARGUMENTS.text_columns)]
    folded = (
        args.sort("doc_id", "event_id", "argument_id")
        .group_by("doc_id", "event_id", maintain_order=True)
        .agg(pl.struct(arg_cols).alias("__arguments"))
    )
    return events.join(folded, on=["doc_id", "event_id"], how="left", maintain_order="left")


def record_changes(old: pl.DataFrame, new: pl.DataFrame, table: Table) -> RecordChanges:
    a, b = _ids(old, table), _ids(new, table)
    joined = a.join(b, on="__id", how="full", coalesce=True, suffix="_new")
    added = joined.filter(pl.col("__hash").is_null())["__id"].sort().to_list()
    removed = joined.filter(pl.col("__hash_new").is_null())["__id"].sort().to_list()
    changed = joined.filter(pl.col("__hash") != pl.col("__hash_new"))["__id"].sort().to_list()
    return RecordChanges(added, removed, changed)


def _counts(frames: Frames | None, table: Table, column: str) -> dict[str, int]:
    if frames is None or table not in frames:
        return {}
    counted = frames[table].group_by(column).len().drop_nulls(column)
    return {str(k): int(n) for k, n in counted.iter_rows()}


def diff_releases(old: Frames | None, new: Frames, *, previous: str | None = None) -> ReleaseDiff:
    """Compare the tables of two releases (``old`` None: everything is added)."""
    empty = {t: pl.DataFrame(schema=t.polars_schema()) for t in (*RECORDS.values(), ARGUMENTS, SPLITS)}
    before = dict(empty) | dict(old or {})
    after = dict(empty) | dict(new)
    records = {}
    for name, table in RECORDS.items():
        if table is EVENTS:
            records[name] = record_changes(_with_arguments(before), _with_arguments(after), table)
        else:
            records[name] = record_changes(before[table], after[table], table)
    labels = {}
    for name, (table, column) in LABELS.items():
        was, now = _counts(before, table, column), _counts(after, table, column)
        labels[name] = {k: (was.get(k, 0), now.get(k, 0)) for k in sorted(set(was) | set(now))}
    was_split, now_split = _counts(before, SPLITS, "split"), _counts(after, SPLITS, "split")
    splits = {k: (was_split.get(k, 0), now_split.get(k, 0)) for k in sorted(set(was_split) | set(now_split))}
    moved_df = (
        before[SPLITS]
        .select("doc_id", "split")
        .join(after[SPLITS].select("doc_id", pl.col("split").alias("new")), on="doc_id")
        .filter(pl.col("split") != pl.col("new"))
        .sort("doc_id")
    )
    moved = [(str(d), str(o), str(n)) for d, o, n in moved_df.iter_rows()]
    return ReleaseDiff(previous, records, labels, splits, moved, coverage_counts(after))


def part_versions(root: Path, version: str) -> dict[str, str]:
    """Which version each part of release ``version`` of the corpus at ``root`` has, by part.

    The dataset itself, the annotation scheme and the stance codebook it is released under, and the
    versions its gold records it was annotated and checked under (``annotations/gold.yaml``). Not the
    version of the ``peacetalks`` that built it: the same data make the same release whichever built it.
    """
    scheme = load_scheme()
    gold = read_gold_versions(root)
    if gold is None:
        recorded = f"not recorded (no {GOLD_VERSIONS})"
    else:
        recorded = f"scheme {gold.scheme}, codebook {gold.codebook}"
        recorded += f", guidelines {gold.guidelines}" if gold.guidelines else ""
    return {
        "dataset": version,
        "annotation scheme": scheme.version,
        "stance codebook": scheme.codebook_version,
        "gold annotated and checked under": recorded,
    }


def _listing(ids: list[str], limit: int = 20) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def render_entry(
    version: str, diff: ReleaseDiff, *, standoff: list[str], versions: Mapping[str, str] | None = None
) -> str:
    """One Keep-a-Changelog entry (Markdown) for ``version``; ``versions``: each part's (:func:`part_versions`)."""
    lines = [f"## [{version}]", ""]
    lines.append(f"Compared with {diff.previous}." if diff.previous else "First release.")
    if versions:
        lines += ["", "### Versions", "", "| part | version |", "|---|---|"]
        lines += [f"| {part} | {v} |" for part, v in versions.items()]
    lines += ["", "### Records", "", "| records | added | removed | changed |", "|---|---:|---:|---:|"]
    for name, ch in diff.records.items():
        lines.append(f"| {name} | {len(ch.added)} | {len(ch.removed)} | {len(ch.changed)} |")
    for name, ch in diff.records.items():
        for what, ids in (("added", ch.added), ("removed", ch.removed), ("changed", ch.changed)):
            if ids and name == "articles":
                lines.append(f"\n- {name} {what}: {_listing(ids)}")
    before = diff.previous or "before"
    for name, counts in diff.labels.items():
        if counts:
            lines += ["", f"### {name.capitalize()}", "", f"| label | {before} | {version} |", "|---|---:|---:|"]
            lines += [f"| {label} | {a} | {b} |" for label, (a, b) in counts.items()]
    lines += ["", "### Splits", ""]
    if diff.splits:
        lines += [f"| split | {before} | {version} |", "|---|---:|---:|"]
        lines += [f"| {s} | {a} | {b} |" for s, (a, b) in diff.splits.items()]
    else:
        lines.append("No split assignment.")
    if diff.moved:
        lines.append("")
        lines += [f"- `{d}` moved from {o} to {n}" for d, o, n in diff.moved]
    if diff.coverage:
        lines += ["", "### Annotation coverage", "", render_coverage(diff.coverage).rstrip("\n")]
    if standoff:
        lines += ["", f"Stand-off (no text, licence forbids redistribution): {_listing(standoff)}."]
    return "\n".join(lines) + "\n"


HEADER = (
    "# Changelog\n\nReleases of the PeaceTalks-DE dataset. The format follows Keep a Changelog;"
    " versions follow Semantic Versioning.\n\n"
)


def previous_entries(changelog: str) -> str:
    """The entries of an earlier release's CHANGELOG.md (everything from its first ``## `` heading)."""
    at = changelog.find("\n## ")
    return changelog[at + 1 :] if at >= 0 else ""


def render_changelog(entry: str, previous_changelog: str | None) -> str:
    rest = previous_entries(previous_changelog) if previous_changelog else ""
    return HEADER + entry + ("\n" + rest if rest else "")
