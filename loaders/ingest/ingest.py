"""Add articles to ``corpus/``: many inputs in one run, each refused or added on its own, written together.

:func:`ingest_many` reads every input (:mod:`peacetalks.ingest.inputs`: files, folders, patterns; the raw
form and JSONL), decides each article under the corpus lock (:class:`peacetalks.ingest.batch.Batch`) and
writes all that were accepted in **one transaction**: an input that is refused (not parseable, an exact
duplicate, a changed text that would move annotations) is reported and skipped, and the others go in
(a curator adding a folder expects the good articles added); a run that is killed adds none of them,
and running it again gives the same corpus (re-ingesting is idempotent). One transaction rather than one
per input also keeps a run of hundreds of articles to one rewrite of each table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peacetalks.errors import PeaceTalksError
from peacetalks.ingest.batch import DEFAULT_LICENSE, Batch, IngestOptions, IngestResult
from peacetalks.ingest.doc_ids import make_doc_id
from peacetalks.ingest.inputs import Refused, Source, expand, read_input
from peacetalks.storage.roots import corpus_root
from peacetalks.storage.transaction import transaction

STATUSES = ("added", "unchanged", "replaced", "rebased")
__all__ = ["DEFAULT_LICENSE", "IngestOptions", "IngestResult", "IngestSummary", "ingest", "ingest_many", "make_doc_id"]


@dataclass
class IngestSummary:
    """What one run did: every input that was ingested (or found unchanged), and every one refused, in order."""

    results: list[IngestResult] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def counts(self) -> dict[str, int]:
        """``added``, ``unchanged``, ``replaced``, ``rebased`` and ``refused``: how many of each."""
        counts = dict.fromkeys((*STATUSES, "refused"), 0)
        for result in self.results:
            counts[result.status] += 1
        counts["refused"] = len(self.refused)
        return counts


Progress = Callable[[int, int, str], None]
"""Called before each input file: (files done, files in all, the file)."""


def ingest_many(
    inputs: Sequence[Path | str],
    *,
    root: Path | str,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest every article of ``inputs`` into the corpus at ``root``; see the module docstring.

    ``root`` must be a corpus (``peacetalks init`` makes one): a folder that is not is refused
    (``not-a-corpus``), never silently started.
    """
    folder = corpus_root(root, write=True)
    opts = options or IngestOptions()
    summary = IngestSummary()
    files = expand(inputs)
    with transaction(folder, "ingest") as tx:
        batch = Batch(folder, opts)
        for done, item in enumerate(files):
            if progress is not None:
                progress(done, len(files), item.where if isinstance(item, Refused) else str(item))
            if isinstance(item, Refused):
                summary.refused.append(item)
                continue
            for found in read_input(item, kicker=opts.kicker):
                _take(batch, found, summary)
        if progress is not None:
            progress(len(files), len(files), "")
        batch.find_near_duplicates(summary.results)
        batch.write(tx)
    return summary


def _take(batch: Batch, found: Source | Refused, summary: IngestSummary) -> None:
    if isinstance(found, Refused):
        summary.refused.append(found)
        return
    try:
        summary.results.append(batch.add(found))
    except PeaceTalksError as exc:
        summary.refused.append(Refused(found.where, exc))


def ingest(
    path: Path | str,
    *,
    root: Path | str,
    source: str,
    published: dt.date,
    url: str | None = None,
    license: str = DEFAULT_LICENSE,  # noqa: A002  # the articles table's column is called license
    kicker: str | None = None,
    story_id: str | None = None,
    rebase_annotations: bool = False,
    today: dt.date | None = None,
) -> IngestResult:
    """Parse the one article of ``path`` and add it to ``root/corpus``; idempotent for an unchanged file.

    A new article gets the status ``initial_status`` (not-started) for every kind, in gold and in
    every annotator layer. A changed text for a doc_id with annotations raises RebaseRequired unless
    ``rebase_annotations`` is set; then offsets are moved by a character diff and every
    annotation whose text changed is dropped and listed in the result (a kind that lost annotations
    is no longer complete: its status becomes ``import_status``, in-progress). Any refusal is raised.
    A JSONL file of several records ingests them all (:func:`ingest_many`) and gives the first one's result.
    """
    options = IngestOptions(source, published, url, license, kicker, story_id, rebase_annotations, today)
    summary = ingest_many([path], root=root, options=options)
    if summary.refused:
        raise summary.refused[0].error
    return summary.results[0]
