"""The articles of one ingest run, decided one by one against the corpus and each other, written together.

A :class:`Batch` reads the corpus once (under the lock of the run's transaction), takes each article
read from an input (:meth:`Batch.add`: its doc_id, whether it is new, unchanged, changed or an exact
duplicate, the annotations a changed text moves) and keeps every change in memory, so that a later
article of the same run sees the earlier ones; :meth:`Batch.write` stages them all in the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from peacetalks.errors import IngestError, RebaseRequired, shown
from peacetalks.ingest.doc_ids import doc_id_for, make_doc_id
from peacetalks.ingest.inputs import RAW_SUFFIX, Source
from peacetalks.ingest.raw_article import RawArticle
from peacetalks.ingest.rebase import rebase
from peacetalks.schema.names import check_inside
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, BY_NAME, STATUS, Table
from peacetalks.storage.layers import layer_names
from peacetalks.storage.parquet import read_table
from peacetalks.storage.status import kind_of, read_status, status_rows, upsert
from peacetalks.storage.transaction import Transaction
from peacetalks.text.normalise import leakage_key
from peacetalks.validation.report import Issue

DEFAULT_LICENSE = load_scheme().default_license
RAW_FOLDER = "corpus/raw"  # the source file of every ingested article, as it came (raw_file names it)
_KEY_SEED = 0


@dataclass(frozen=True)
class IngestOptions:
    """What the command line gives every input; a JSONL record's own fields take precedence over them.

    ``url``, ``kicker`` and ``story_id`` describe one article: give them for a single input.
    """

    source: str | None = None
    published: dt.date | None = None
    url: str | None = None
    license: str | None = None
    kicker: str | None = None
    story_id: str | None = None
    rebase_annotations: bool = False
    today: dt.date | None = None


@dataclass
class IngestResult:
    doc_id: str
    status: str  # "added", "unchanged", "replaced" or "rebased"
    article: RawArticle
    dropped: dict[str, list[str]] = field(default_factory=dict)
    # ``layer/table/id`` of a dropped annotation whose text changed -> ``layer/table/id`` of those dropped with it.
    dependents: dict[str, list[str]] = field(default_factory=dict)
    # The doc_id the headline gives, when another article held it and this one got a suffix.
    collided_with: str | None = None
    where: str = ""  # the input: its path, and the line of a JSONL record
    raw_file: str | None = None  # its copy under corpus/raw/
    # Near-duplicates in the corpus (or in this run): (doc_id, similarity), most similar first.
    near_duplicates: list[tuple[str, float]] = field(default_factory=list)
    # What is worth knowing and did not stop the ingest (``standoff-without-url``).
    warnings: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class _Meta:
    source: str
    published: dt.date
    url: str | None
    license: str
    story_id: str | None
    author: str | None


def _key_of(frame: pl.DataFrame) -> pl.Series:
    return frame.select(leakage_key().hash(seed=_KEY_SEED))[:, 0]


class Batch:
    """The corpus as this run changes it (see the module docstring)."""

    def __init__(self, root: Path, options: Any) -> None:
        self.root = root
        self.options: IngestOptions = options
        self.scheme = load_scheme()
        self.today = options.today or dt.date.today()
        self.articles = read_table(root, ARTICLES)
        self.blocks = read_table(root, BLOCKS, missing_ok=True)
        self.layers: list[str | None] = [None, *layer_names(root)]
        self.status = {layer: read_status(root, layer) for layer in self.layers}
        self.changed_status: set[str | None] = set()
        self.annotations: dict[str | None, dict[Table, pl.DataFrame]] = {}
        self.changed_annotations: set[str | None] = set()
        self.rows: dict[str, dict[str, Any]] = {}  # doc_id -> the article row this run writes
        self.new_blocks: dict[str, pl.DataFrame] = {}
        self.raw_writes: dict[str, bytes] = {}
        self.raw_removes: set[str] = set()
        self._index = {d: i for i, d in enumerate(self.articles["doc_id"].to_list())}
        self._keys: dict[int, set[str]] = {}
        for doc_id, key in zip(self.articles["doc_id"].to_list(), _key_of(self.articles).to_list(), strict=True):
            self._keys.setdefault(key, set()).add(doc_id)
        self._key_by_doc: dict[str, int] = {d: k for k, docs in self._keys.items() for d in docs}

    # --- reading the corpus as changed so far ------------------------------------------------------

    def row(self, doc_id: str) -> dict[str, Any] | None:
        if doc_id in self.rows:
            return self.rows[doc_id]
        i = self._index.get(doc_id)
        return None if i is None else self.articles.row(i, named=True)

    def _taken(self, base_id: str) -> dict[str, tuple[str, str | None]]:
        alike = (pl.col("doc_id") == base_id) | pl.col("doc_id").str.starts_with(base_id + "-")
        found = self.articles.filter(alike).select("doc_id", "headline", "url")
        taken = {d: (h, u) for d, h, u in found.iter_rows()}  # a handful: the articles whose id starts alike
        for doc_id, row in self.rows.items():
            if doc_id == base_id or doc_id.startswith(base_id + "-"):
                taken[doc_id] = (row["headline"], row["url"])
        return taken

    def _annotations_of(self, layer: str | None) -> dict[Table, pl.DataFrame]:
        if layer not in self.annotations:
            self.annotations[layer] = {t: read_table(self.root, t, layer, missing_ok=True) for t in ANNOTATION_TABLES}
        return self.annotations[layer]

    # --- one article ---------------------------------------------------------------------------------

    def _meta(self, src: Source) -> _Meta:
        opts, record = self.options, src.record
        source = (record.source if record else None) or opts.source or src.site
        published = (record.published if record else None) or opts.published
        missing = [name for name, value in (("source", source), ("published", published)) if value is None]
        if missing or source is None or published is None:
            what = {"jsonl": "a record field", "html": "the page"}.get(src.form, "an option")
            raise IngestError(
                "missing-metadata",
                f"no {' and no '.join(missing)}: the input does not give it ({what}); pass it for every input",
                path=src.path,
                line=src.line,
                data={"option": missing[0], "missing": missing},
            )
        license_id = (record.license if record else None) or opts.license or DEFAULT_LICENSE
        if license_id not in self.scheme.licenses:
            allowed = self.scheme.licenses
            raise IngestError(
                "unknown-license",
                f"license {shown(license_id)} is not one of {', '.join(allowed)}",
                path=src.path,
                line=src.line,
                data={"option": "license", "allowed": list(allowed)},
            )
        if published > self.today:
            raise IngestError(
                "future-date",
                f"published {published} is in the future",
                path=src.path,
                line=src.line,
                data={"option": "published"} if record is None or record.published is None else {"field": "date"},
            )
        return _Meta(
            source=source,
            published=published,
            url=(record.url if record else None) or opts.url,
            license=license_id,
            story_id=(record.story_id if record else None) or opts.story_id,
            author=record.author if record else None,
        )

    def add(self, src: Source) -> IngestResult:
        """Decide one article; IngestError or RebaseRequired when it is refused (then nothing of it changes)."""
        meta = self._meta(src)
        article = src.article
        base_id = make_doc_id(meta.source, meta.published, article.headline)
        doc_id = doc_id_for(self._taken(base_id), base_id, article.headline, meta.url)
        collided = None if doc_id == base_id else base_id
        existing = self.row(doc_id)
        sha = hashlib.sha256(src.raw).hexdigest()
        keep_raw = existing is not None and existing["raw_sha256"] == sha and existing["raw_file"]
        raw_file = str(existing["raw_file"]) if keep_raw and existing is not None else f"{doc_id}{RAW_SUFFIX[src.form]}"
        row = {
            "doc_id": doc_id,
            "source": meta.source,
            "url": meta.url,
            "language": "de",
            "published": meta.published,
            "kicker": article.kicker,
            "headline": article.headline,
            "text": article.text,
            "license": meta.license,
            "text_sha256": hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
            "story_id": meta.story_id,
            "image_url": article.image_url,
            "author": meta.author,
            "raw_file": raw_file,
            "raw_sha256": sha,
        }
        result = IngestResult(doc_id, "added", article, collided_with=collided, where=src.where, raw_file=raw_file)
        result.warnings += self._url_warnings(src, doc_id, meta)
        raw_path = check_inside(self.root, self.root / RAW_FOLDER / raw_file, "raw file")
        if existing is not None and all(existing[c] == row[c] for c in ARTICLES.columns):
            if not raw_path.is_file():
                self.raw_writes[raw_file] = src.raw  # recorded but absent: put the source back
            result.status = "unchanged"
            return result
        key = int(_key_of(pl.DataFrame({"text": [article.text]}))[0])
        self._refuse_duplicate(doc_id, key, article.text, src)
        if existing is not None:
            result.status = "replaced"
            if existing["text"] != article.text:
                result.status = self._move_annotations(doc_id, existing["text"], article.text, result, src)
            old_raw = existing["raw_file"]
            if old_raw and old_raw != raw_file:
                self.raw_removes.add(str(old_raw))
        self._commit(row, key, article)
        if not (keep_raw and raw_path.is_file()):
            self.raw_writes[raw_file] = src.raw
        self._set_status(doc_id, added=existing is None, dropped=result.dropped)
        return result

    def _url_warnings(self, src: Source, doc_id: str, meta: _Meta) -> list[Issue]:
        """``standoff-without-url`` when the article's text may not be redistributed and no url says where it is."""
        if meta.url or meta.license in self.scheme.redistributable_licenses:
            return []
        return [
            Issue(
                code="standoff-without-url",
                file=src.where,
                doc_id=doc_id,
                column="url",
                message=(
                    f"its licence {meta.license} forbids redistributing the text, so a release has it stand-off, "
                    "and without a url nobody can fetch it; record the url when it is known (ingest it again with it)"
                ),
            )
        ]

    def _refuse_duplicate(self, doc_id: str, key: int, text: str, src: Source) -> None:
        others = sorted(self._keys.get(key, set()) - {doc_id})
        mine = pl.DataFrame({"text": [text]}).select(leakage_key())[0, 0]
        for other in others:
            row = self.row(other)
            if row is not None and pl.DataFrame({"text": [row["text"]]}).select(leakage_key())[0, 0] == mine:
                raise IngestError(
                    "duplicate-article",
                    f"the text equals (ignoring case and white space) that of {other}, which the corpus has",
                    path=src.path,
                    line=src.line,
                    data={"doc_id": other},
                )

    def _commit(self, row: dict[str, Any], key: int, article: RawArticle) -> None:
        doc_id = row["doc_id"]
        old_key = self._key_by_doc.get(doc_id)
        if old_key is not None:
            self._keys[old_key].discard(doc_id)
        self._keys.setdefault(key, set()).add(doc_id)
        self._key_by_doc[doc_id] = key
        self.rows[doc_id] = row
        self.new_blocks[doc_id] = pl.DataFrame(
            {
                "doc_id": [doc_id] * len(article.blocks),
                "block_id": list(range(len(article.blocks))),
                "kind": [b.kind for b in article.blocks],
                "start": [b.start for b in article.blocks],
                "end": [b.end for b in article.blocks],
            },
            schema=BLOCKS.polars_schema(),
        )

    def _move_annotations(self, doc_id: str, old: str, new: str, result: IngestResult, src: Source) -> str:
        """Rebase (or refuse to) the annotations of every layer onto the new text; the ingest status."""
        plans = []
        affected: dict[str, list[str]] = {}
        because: dict[str, list[str]] = {}
        for layer in self.layers:
            tables = self._annotations_of(layer)
            if not any(df.filter(pl.col("doc_id") == doc_id).height for df in tables.values()):
                continue
            outcome = rebase({t.name: df for t, df in tables.items()}, doc_id, old, new)
            plans.append((layer, outcome))
            name = layer or "gold"
            affected.update({f"{name}/{table}": ids for table, ids in outcome.dropped.items() if ids})
            for root_key, keys in outcome.dependents.items():
                because[f"{name}/{root_key}"] = [f"{name}/{k}" for k in keys]
        if not plans:
            return "replaced"
        if not self.options.rebase_annotations:
            raise RebaseRequired(doc_id, affected, dependents=because, path=src.where)
        for layer, outcome in plans:
            self.annotations[layer] = {t: outcome.frames[t.name] for t in ANNOTATION_TABLES}
            self.changed_annotations.add(layer)
        result.dropped.update(affected)
        result.dependents.update(because)
        return "rebased"

    def _set_status(self, doc_id: str, *, added: bool, dropped: dict[str, list[str]]) -> None:
        """A new article not started everywhere; a kind that lost annotations in a re-base back to in-progress
        where it was further on."""
        scheme = self.scheme
        for layer in self.layers:
            current = self.status[layer]
            if added:
                new = status_rows([doc_id], scheme.initial_status, set_by="ingest", set_on=self.today)
                new = new.join(current, on=["doc_id", "kind"], how="anti")  # a status of an earlier life stays
            else:
                name = layer or "gold"
                tables = {key.split("/", 1)[1] for key, ids in dropped.items() if ids and key.split("/", 1)[0] == name}
                kinds = sorted({kind_of(BY_NAME[t]) for t in tables})
                before = scheme.annotation_statuses.index(scheme.import_status)
                further = current.filter(
                    (pl.col("doc_id") == doc_id)
                    & pl.col("kind").is_in(kinds)
                    & pl.col("status").is_in(scheme.annotation_statuses[before + 1 :])
                )
                new = status_rows(
                    [doc_id],
                    scheme.import_status,
                    kinds=further["kind"].to_list(),
                    set_by="ingest --rebase",
                    set_on=self.today,
                )
            if new.height:
                self.status[layer] = upsert(current, new)
                self.changed_status.add(layer)

    # --- after every article -------------------------------------------------------------------------

    def find_near_duplicates(self, results: list[IngestResult]) -> None:
        """Fill in each added or changed article's near-duplicates in the corpus as this run leaves it."""
        changed = [r for r in results if r.status != "unchanged"]
        if not changed:
            return
        from peacetalks.text.near_duplicates import near_duplicates

        texts = pl.concat(
            [
                self.articles.filter(~pl.col("doc_id").is_in(list(self.rows))).select("doc_id", "text"),
                pl.DataFrame(
                    {"doc_id": list(self.rows), "text": [r["text"] for r in self.rows.values()]},
                    schema={"doc_id": pl.String, "text": pl.String},
                ),
            ]
        )
        pairs = near_duplicates(texts, among=[r.doc_id for r in changed])
        found: dict[str, list[tuple[str, float]]] = {}
        for a, b, similarity in pairs.iter_rows():  # the pairs found: a handful per article
            found.setdefault(a, []).append((b, similarity))
            found.setdefault(b, []).append((a, similarity))
        for result in changed:
            result.near_duplicates = sorted(found.get(result.doc_id, []), key=lambda p: (-p[1], p[0]))

    def write(self, tx: Transaction) -> None:
        """Stage every change of the run in ``tx`` (nothing when nothing changed)."""
        if self.rows:
            changed = list(self.rows)
            new_rows = pl.DataFrame(list(self.rows.values()), schema=ARTICLES.polars_schema(), orient="row")
            kept = self.articles.filter(~pl.col("doc_id").is_in(changed))
            tx.write_table(ARTICLES, pl.concat([kept, new_rows]))
            kept_blocks = self.blocks.filter(~pl.col("doc_id").is_in(changed))
            tx.write_table(BLOCKS, pl.concat([kept_blocks, *self.new_blocks.values()]))
        for layer in self.changed_status:
            tx.write_table(STATUS, self.status[layer], layer)
        for layer in self.changed_annotations:
            for table, frame in self.annotations[layer].items():
                tx.write_table(table, frame, layer)
        for name, data in self.raw_writes.items():
            tx.staged_path(check_inside(self.root, self.root / RAW_FOLDER / name, "raw file")).write_bytes(data)
        for name in sorted(self.raw_removes - set(self.raw_writes)):
            tx.remove(check_inside(self.root, self.root / RAW_FOLDER / name, "raw file"))
