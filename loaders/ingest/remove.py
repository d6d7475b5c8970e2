"""``peacetalks remove``: take articles out of the corpus, with every row that belongs to them, backed up.

An article's rows are in the articles, blocks and splits tables, in gold's annotation and status tables
and in every annotator layer's (its notes, a machine layer's scores too); its source file is under
``corpus/raw/``. All of them go in one
transaction, together with a backup ``corpus/removed/<UTC timestamp>/`` of everything removed: the
removed rows of each table (at the table's path inside the backup), the source files under ``raw/`` and
``backup.json``, its manifest (doc_ids, and the sha256 of every file it holds), written last in the
staged folder as the annotation backups are (:mod:`peacetalks.review.gold_history`). So a removal is all
or nothing, and what it took can be looked at or put back by hand.

An article with annotations (any row in an annotation table of gold or of a layer) is refused
(``has-annotations``) unless ``with_annotations``: removing it throws away annotators' work.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import IngestError
from peacetalks.ingest.batch import RAW_FOLDER
from peacetalks.schema.names import check_inside
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, NOTES, SCORES, SPLITS, STATUS, Table
from peacetalks.storage.backups import MANIFEST, fresh_folder
from peacetalks.storage.digests import sha256_file
from peacetalks.storage.layers import layer_names
from peacetalks.storage.parquet import read_table, write_parquet
from peacetalks.storage.roots import corpus_root
from peacetalks.storage.shards import table_exists
from peacetalks.storage.transaction import Transaction, transaction

REMOVED_FOLDER = "corpus/removed"


@dataclass
class RemoveResult:
    doc_ids: list[str]
    rows: dict[str, int] = field(default_factory=dict)  # table file -> rows removed from it
    raw_files: list[str] = field(default_factory=list)
    backup: str | None = None  # the backup folder, relative to the corpus folder


def remove_articles(
    root: Path | str, doc_ids: Sequence[str], *, with_annotations: bool = False, now: dt.datetime | None = None
) -> RemoveResult:
    """Remove the articles ``doc_ids`` from the corpus at ``root``; see the module docstring.

    IngestError ``unknown-doc`` names every doc_id the corpus does not have; ``has-annotations`` lists the
    annotations of each layer (``data["annotations"]``: ``layer/table`` -> rows) unless ``with_annotations``.
    """
    folder = corpus_root(root, write=True)
    wanted = list(dict.fromkeys(doc_ids))
    with transaction(folder, "remove") as tx:
        articles = read_table(folder, ARTICLES)
        known = set(articles.filter(pl.col("doc_id").is_in(wanted))["doc_id"].to_list())
        unknown = [d for d in wanted if d not in known]
        if unknown:
            raise IngestError(
                "unknown-doc",
                f"the corpus has no article {', '.join(unknown)}",
                path=ARTICLES.relpath(),
                data={"doc_ids": unknown},
            )
        targets: list[tuple[Table, str | None]] = [(ARTICLES, None), (BLOCKS, None), (SPLITS, None)]
        for layer in [None, *layer_names(folder)]:
            targets += [(table, layer) for table in (*ANNOTATION_TABLES, STATUS)]
            if layer is not None:
                targets.append((NOTES, layer))  # an annotator's notes on its items (brat AnnotatorNotes)
                targets.append((SCORES, layer))  # a machine layer's scores of its suggestions
        frames = {(t, layer): read_table(folder, t, layer) for t, layer in targets if table_exists(folder, t, layer)}
        mine = {key: df.filter(pl.col("doc_id").is_in(wanted)) for key, df in frames.items()}
        annotated = {
            f"{layer or 'gold'}/{t.name}": df.height
            for (t, layer), df in mine.items()
            if t in (*ANNOTATION_TABLES, NOTES, SCORES) and df.height
        }
        if annotated and not with_annotations:
            listed = ", ".join(f"{name}: {n}" for name, n in annotated.items())
            raise IngestError(
                "has-annotations",
                f"{', '.join(wanted)} {'has' if len(wanted) == 1 else 'have'} annotations ({listed}); "
                "removing them would throw that work away",
                data={"option": "with_annotations", "annotations": annotated},
            )
        raw_files = [str(r) for r in articles.filter(pl.col("doc_id").is_in(wanted))["raw_file"].to_list() if r]
        result = RemoveResult(wanted, raw_files=raw_files)
        result.backup = _backup(folder, tx, mine, raw_files, wanted, now)
        for (table, layer), df in frames.items():
            removed = mine[(table, layer)].height
            if removed:
                tx.write_table(table, df.filter(~pl.col("doc_id").is_in(wanted)), layer)
                result.rows[table.relpath(layer)] = removed
        for name in raw_files:
            tx.remove(check_inside(folder, folder / RAW_FOLDER / name, "raw file"))
    return result


def _backup(
    folder: Path,
    tx: Transaction,
    mine: dict[tuple[Table, str | None], pl.DataFrame],
    raw_files: list[str],
    doc_ids: list[str],
    now: dt.datetime | None,
) -> str:
    """Stage the backup folder of a removal in ``tx``; its path relative to ``folder``."""
    target = fresh_folder(folder / REMOVED_FOLDER, now)
    staged = tx.new_folder(target)
    files: dict[str, str] = {}
    for (table, layer), df in mine.items():
        if df.height:
            rel = table.relpath(layer)
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            write_parquet(df, table, staged / rel)
            files[rel] = sha256_file(staged / rel)
    for name in raw_files:
        source = check_inside(folder, folder / RAW_FOLDER / name, "raw file")
        if source.is_file():
            (staged / "raw").mkdir(exist_ok=True)
            shutil.copyfile(source, staged / "raw" / name)
            files[f"raw/{name}"] = sha256_file(staged / "raw" / name)
    manifest = {"removed": doc_ids, "files": files}
    (staged / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target.relative_to(folder).as_posix()
