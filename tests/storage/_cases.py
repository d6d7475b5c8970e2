"""The multi-file commands of the kill and concurrency tests: a corpus before, the command, its library rerun."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from peacetalks.ingest.ingest import ingest
from peacetalks.ingest.init import init_corpus
from peacetalks.ingest.splits import split_corpus
from peacetalks.interchange.importers.import_layer import import_layer
from peacetalks.release.build import build_release
from peacetalks.review.adjudicate import adjudicate
from peacetalks.review.gold_history import restore
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, ENTITIES, SPLITS
from peacetalks.storage.parquet import read_table, write_tables
from peacetalks.storage.reshard import shard_corpus
from peacetalks.storage.transaction import STAGING_PREFIX, STATE_DIR, STRAY
from tests.conftest import SEED, tiny_frames
from tests.interchange._brat import write_brat
from tests.interchange.helpers import drop, write_corpus, write_layer
from tests.release._corpora import write_v1, write_v2

DATE = dt.date(2025, 2, 12)
KILL_ENV = "PEACETALKS_TEST_KILL_BEFORE_RENAME"


def run_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PEACETALKS_CACHE": str(cwd / "cache"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "peacetalks", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=300
    )


def popen_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full = {**os.environ, "PEACETALKS_CACHE": str(cwd / "cache"), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "peacetalks", *args],
        cwd=cwd,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


_HISTORY = re.compile(r"^(annotations/history/[^/]+/)([^/]+)(/.*)$")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (but the lock and journal folder); backups named by their order, not time."""
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and STATE_DIR not in p.relative_to(folder).parts
    }
    stamps = sorted({m[2] for rel in files if (m := _HISTORY.match(rel))}, key=lambda n: (n.split("-")[0], len(n), n))
    order = {name: f"#{i}" for i, name in enumerate(stamps)}
    return {(_HISTORY.sub(lambda m: m[1] + order[m[2]] + m[3], rel)): data for rel, data in files.items()}


def leftovers(folder: Path) -> list[str]:
    """Temporaries and staged changes a killed command left (none may survive the next command)."""
    found = [p for p in folder.rglob("*") if STRAY.match(p.name)]
    state = folder / STATE_DIR
    found += list(state.glob(f"{STAGING_PREFIX}*")) + list(state.glob("journal.json")) if state.is_dir() else []
    return sorted(p.relative_to(folder).as_posix() for p in found)


@dataclass(frozen=True)
class Case:
    """A command that changes several files: how to make its corpus, its command line, its library call."""

    name: str
    build: Callable[[Path, Path], None]  # (corpus folder, folder for inputs) -> the state before
    args: Callable[[Path, Path], list[str]]  # the CLI arguments
    rerun: Callable[[Path, Path], object]  # the same command through the library
    renames: int  # how many renames the command makes (the kill hook's N runs 0..renames)
    idempotent: bool  # a rerun after it completed changes nothing
    tree: str = "root"  # which folder the command changes: the corpus ("root") or the inputs' "out"


def _import_build(root: Path, inputs: Path) -> None:
    write_corpus(root)
    write_layer(root, None)
    write_layer(root, "anna")  # the layer the import replaces: other ids, a stance the export lacks
    write_brat(inputs / "export")


def _seed_annotations(root: Path) -> None:
    """Gold and layer ann-a: 'Kremlchef' and 'Baerbock' on the seed (a re-base drops the first)."""
    text = read_table(root, ARTICLES)["text"][0]
    rows = [
        {
            "doc_id": read_table(root, ARTICLES)["doc_id"][0],
            "mention_id": f"m{i}",
            "start": text.index(word),
            "end": text.index(word) + len(word),
            "text": word,
            "label": "PER",
            "form": "PART" if i == 0 else "NAME",
            "mention_type": "NAM",
            "entity_id": f"e{i}",
        }
        for i, word in enumerate(["Kremlchef", "Baerbock"])
    ]
    entities = pl.DataFrame(rows, schema=ENTITIES.polars_schema())
    for layer in (None, "ann-a"):
        tables = {t: pl.DataFrame(schema=t.polars_schema()) for t in ANNOTATION_TABLES} | {ENTITIES: entities}
        write_tables(root, tables, layer)


def _ingest_build(root: Path, inputs: Path) -> None:
    init_corpus(root)  # ingest adds to a corpus, never starts one
    ingest(SEED, root=root, source="tagesschau", published=DATE)
    _seed_annotations(root)
    raw = SEED.read_text(encoding="utf-8").replace("Kremlchef Putin vereinbart", "Kremlherr Putin vereinbart")
    inputs.mkdir(parents=True, exist_ok=True)
    (inputs / "changed.txt").write_text(raw, encoding="utf-8")


def _adjudicate_build(root: Path, inputs: Path) -> None:
    write_corpus(root)
    write_layer(root, None, drop(tiny_frames(), "stances", pl.lit(value=True)))  # gold differs from the merge
    write_layer(root, "ann-a")
    write_layer(root, "ann-b")


def _restore_build(root: Path, inputs: Path) -> None:
    _adjudicate_build(root, inputs)
    adjudicate(root, "ann-a", "ann-b", force=True)


def _split_build(root: Path, inputs: Path) -> None:
    write_v2(root)
    root.joinpath(SPLITS.relpath()).unlink()
    split_corpus(root)


def _release_build(root: Path, inputs: Path) -> None:
    write_v1(root)
    (inputs / "dist").mkdir(parents=True)


def _shard_build(root: Path, inputs: Path) -> None:
    write_corpus(root)
    write_layer(root, None)
    write_layer(root, "ann-a")


def _reshard_build(root: Path, inputs: Path) -> None:
    _shard_build(root, inputs)
    shard_corpus(root, shards=3)


CASES = {
    "import": Case(
        "import",
        _import_build,
        lambda root, inputs: ["import", "brat", str(inputs / "export"), "--annotator", "anna", "-r", str(root)],
        lambda root, inputs: import_layer("brat", inputs / "export", annotator="anna", root=root),
        renames=5,  # the layer's four tables and its status
        idempotent=True,
    ),
    "ingest-rebase": Case(
        "ingest-rebase",
        _ingest_build,
        lambda root, inputs: [
            "ingest",
            str(inputs / "changed.txt"),
            "--source",
            "tagesschau",
            "--published",
            DATE.isoformat(),
            "--rebase",
            "-r",
            str(root),
        ],
        lambda root, inputs: ingest(
            inputs / "changed.txt", root=root, source="tagesschau", published=DATE, rebase_annotations=True
        ),
        renames=11,  # gold's four tables, ann-a's four, articles, blocks, the new source file (no status changes)
        idempotent=True,
    ),
    "adjudicate-force": Case(
        "adjudicate-force",
        _adjudicate_build,
        lambda root, inputs: ["adjudicate", "ann-a", "ann-b", "--force", "-r", str(root)],
        lambda root, inputs: adjudicate(root, "ann-a", "ann-b", force=True),
        renames=6,  # the backup folder, gold's four tables and its status
        idempotent=True,
    ),
    "adjudicate-restore": Case(
        "adjudicate-restore",
        _restore_build,
        lambda root, inputs: ["adjudicate", "--restore", "-r", str(root)],
        lambda root, inputs: restore(root, "gold"),
        renames=6,  # the backup of the current gold, four tables and the status put back
        idempotent=False,
    ),
    "split-reassign": Case(
        "split-reassign",
        _split_build,
        lambda root, inputs: ["split", "--seed", "7", "--reassign", "-r", str(root)],
        lambda root, inputs: split_corpus(root, seed=7, reassign=True),
        renames=2,  # splits.parquet, splits.yaml
        idempotent=False,
    ),
    "shard": Case(
        "shard",
        _shard_build,
        lambda root, inputs: ["shard", "--shards", "2", "-r", str(root)],
        lambda root, inputs: shard_corpus(root, shards=2),
        renames=24,  # twelve tables (the corpus's three, gold's five, ann-a's four): each its folder in, its file out
        idempotent=True,
    ),
    "reshard": Case(
        "reshard",
        _reshard_build,
        lambda root, inputs: ["shard", "--shards", "2", "-r", str(root)],
        lambda root, inputs: shard_corpus(root, shards=2),
        renames=12,  # each table's shard folder replaced whole
        idempotent=True,
    ),
    "release": Case(
        "release",
        _release_build,
        lambda root, inputs: ["release", "--version", "0.1.0", "--out", str(inputs / "dist"), "-r", str(root)],
        lambda root, inputs: build_release(root, "0.1.0", inputs / "dist"),
        renames=1,  # the release folder into place
        idempotent=True,
        tree="out",
    ),
}
