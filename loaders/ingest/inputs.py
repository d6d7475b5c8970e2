"""What ``ingest`` reads: inputs named as files, folders or glob patterns, and the form of each file.

The one place that decides a file's form (:func:`form_of`): by its suffix, else by its first bytes.
A folder is walked recursively and gives the files whose suffix names a form (other files, such as the
images and scripts a browser saves beside a page, are left alone, and so is the folder of them a browser
names ``PAGE_files`` or ``PAGE-Dateien``); a file named itself, or matched by a pattern, is read whatever
its suffix, its form told from its content. Hidden files and folders are skipped.

The forms: the raw form of the seed (:mod:`peacetalks.ingest.raw_article`), JSONL records
(:mod:`peacetalks.ingest.jsonl_article`) and saved HTML pages of news sites
(:mod:`peacetalks.ingest.html_article`, through trafilatura).
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from peacetalks.errors import IngestError, PeaceTalksError
from peacetalks.ingest.jsonl_article import RecordArticle, read_records
from peacetalks.ingest.raw_article import RawArticle, parse_raw_article
from peacetalks.storage.paths import check_path

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest file ingest reads (64 MiB): a JSONL file of a few thousand articles."""

# Suffix -> form. The raw form is the seed's (loaders/ingest/raw_article.py), one article a file.
SUFFIXES = {".txt": "raw", ".md": "raw", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html"}
FORMS = ("raw", "jsonl", "html")
RAW_SUFFIX = {"raw": ".txt", "jsonl": ".jsonl", "html": ".html"}  # the suffix of the copy kept under corpus/raw/
_ASSET_FOLDERS = ("_files", "-Dateien")  # what browsers call the folder of a saved page's images and scripts


@dataclass(frozen=True)
class Source:
    """One article read from an input, with the metadata it carries itself (None where it has none)."""

    path: str
    line: int | None  # the line of a JSONL record; None for a file that is one article
    form: str
    article: RawArticle
    raw: bytes  # the bytes kept under corpus/raw/ and hashed
    record: RecordArticle | None = None  # the metadata the input carries itself (a JSONL record's, a page's)
    site: str | None = None  # a page's site (from its url): its source when neither record nor option gives one

    @property
    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Refused:
    """An input (or one record of it) that is not ingested, and why."""

    where: str
    error: PeaceTalksError


def _is_pattern(text: str) -> bool:
    return any(c in text for c in "*?[")


def _hidden(path: Path, base: Path) -> bool:
    """A hidden file or folder, or the folder of a saved page's images and scripts."""
    parts = path.relative_to(base).parts
    return any(part.startswith(".") for part in parts) or any(part.endswith(_ASSET_FOLDERS) for part in parts[:-1])


def expand(inputs: Sequence[Path | str]) -> list[Path | Refused]:
    """The files the inputs name, in the order given (a folder's and a pattern's files sorted), each once.

    An input that names nothing is a :class:`Refused` (``file-not-found``) in its place.
    """
    found: list[Path | Refused] = []
    seen: set[Path] = set()

    def take(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            for file in files:
                if not _hidden(file, path):
                    take(file)
        elif path.exists() or path.is_symlink() or not _is_pattern(str(given)):
            take(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(str(given), recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                found.append(
                    Refused(str(given), IngestError("file-not-found", "the pattern matches no file", path=str(given)))
                )
            for file in files:
                take(file)
    return found


def form_of(path: Path, head: bytes) -> str | None:
    """The input form of a file: by its suffix, else by its first bytes (``{`` JSONL, ``![`` the raw form)."""
    by_suffix = SUFFIXES.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        return "html"
    if start.startswith(b"!["):
        return "raw"
    return None


def _read(path: Path) -> bytes:
    check_path(path, "file", "an input of ingest")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError("file-not-found", "no such file", path=str(path)) from None
    if size > MAX_INPUT_BYTES:
        raise IngestError(
            "input-too-large",
            f"the file has {size:,} bytes; ingest reads at most {MAX_INPUT_BYTES:,} bytes per file",
            path=str(path),
        )
    return path.read_bytes()


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError("not-utf8", f"not UTF-8 text: {exc.reason}", path=path, line=line) from None


def _site(url: str | None) -> str | None:
    """``tagesschau`` of ``https://www.tagesschau.de/...``: the first label of the host after ``www.``."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.").split(".")[0] if host else None


def _page(data: bytes, where: str, kicker: str | None) -> Source:
    """A saved page as an article: its text by :mod:`peacetalks.ingest.html_article`, its date, authors and url."""
    from peacetalks.ingest.html_article import read_html_article  # lxml and trafilatura: only for pages

    page = read_html_article(data, where=where)
    article = parse_raw_article(page.raw_form(), where, kicker=kicker or page.kicker or None)
    meta = RecordArticle(
        line=0,
        article=article,
        raw=data,
        published=page.published,
        url=page.url,
        author=", ".join(page.authors) or None,
        license=None,
        source=None,
        story_id=None,
    )
    return Source(where, None, "html", article, data, meta, site=_site(page.url))


def read_input(path: Path, *, kicker: str | None = None) -> Iterator[Source | Refused]:
    """The articles of one file: one for the raw form and a page, one per line of JSONL; a refusal for each that
    fails."""
    where = str(path)
    try:
        data = _read(path)
        form = form_of(path, data[:64])
        if form is None:
            raise IngestError(
                "unknown-input-form",
                f"cannot tell the form of this file: expected {', '.join(sorted(SUFFIXES))} or content starting "
                "with '{' (JSONL), '<' (an HTML page) or '![' (the raw form)",
                path=where,
                data={"forms": list(FORMS)},
            )
        if form == "raw":
            article = parse_raw_article(_decode(data, where), where, kicker=kicker)
            yield Source(where, None, form, article, data)
            return
        if form == "html":
            yield _page(data, where, kicker)
            return
    except PeaceTalksError as exc:
        yield Refused(where, exc)
        return
    for item in read_records(data, where):
        if isinstance(item, IngestError):
            yield Refused(where if item.line is None else f"{where}:{item.line}", item)
        else:
            yield Source(where, item.line, form, item.article, item.raw, item)
