"""``peacetalks init``: an empty corpus folder that validates, for ``ingest`` to add articles to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from peacetalks.errors import CorpusRootError
from peacetalks.ingest.batch import RAW_FOLDER
from peacetalks.ingest.splits import SETTINGS_RELPATH, SplitSettings, settings_text
from peacetalks.schema.tables import ALL_TABLES
from peacetalks.storage.paths import check_path
from peacetalks.storage.roots import MARKER_TEXT, is_corpus_root
from peacetalks.storage.transaction import transaction


@dataclass
class InitResult:
    root: Path
    written: list[str] = field(default_factory=list)  # relative to root, in the order written


def init_corpus(path: Path | str, *, today: dt.date | None = None) -> InitResult:
    """Make ``path`` an empty corpus: every table with its columns and no rows, the split settings, ``corpus/raw/``.

    ``path`` is created if it does not exist (its parent must); a folder with other files in it is fine
    (a git checkout). A folder that already is a corpus is refused (``corpus-exists``): nothing is changed.
    """
    folder = Path(path)
    if folder.exists() or folder.is_symlink():
        check_path(folder, "folder", "the corpus folder")
    elif not folder.parent.is_dir():
        raise CorpusRootError(
            "not-a-corpus",
            f"cannot make a corpus here: its parent folder {folder.parent} does not exist",
            path=str(folder),
        )
    if is_corpus_root(folder):
        raise CorpusRootError(
            "corpus-exists", f"this folder is a corpus already (it holds {MARKER_TEXT})", path=str(folder)
        )
    folder.mkdir(exist_ok=True)
    day = (today or dt.date.today()).isoformat()
    settings = SplitSettings()
    changes = [{"date": day, "action": "created", **settings.to_dict(), "articles": 0}]
    result = InitResult(folder)
    with transaction(folder, "init") as tx:
        for table in ALL_TABLES:
            tx.write_table(table, pl.DataFrame(schema=table.polars_schema()))
            result.written.append(table.relpath())
        tx.write_text(folder / SETTINGS_RELPATH, settings_text(settings, changes))
        result.written.append(SETTINGS_RELPATH)
        if not (folder / RAW_FOLDER).is_dir():
            tx.new_folder(folder / RAW_FOLDER)
            result.written.append(RAW_FOLDER + "/")
    return result
