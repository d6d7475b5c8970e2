"""``peacetalks release``: build the Hugging Face Hub repository layout of a versioned release.

A release folder holds ``README.md`` (the card with generated YAML), ``data/<config>/<split>-*.parquet``
(features in the Parquet metadata), ``tables/corpus/`` and ``tables/annotations/`` (the source
tables, text stripped for stand-off articles), ``CHANGELOG.md``, ``croissant.json`` and ``SHA256SUMS``. The same
input and version give byte-identical files. The folder is built beside its target and renamed into
place, so an interrupted build leaves nothing behind.

The corpus is read once: the same frames are validated, written under ``tables/`` and made into
every config (:func:`peacetalks.loading.configs.config_pieces_from_frames`), whose pieces are written
as they are built (:mod:`peacetalks.release.config_files`), so no config is ever held whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import io
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from peacetalks.errors import ReleaseError, ValidationFailed
from peacetalks.ingest.splits import SplitSettings, assign, read_settings
from peacetalks.loading import configs
from peacetalks.loading.manifest import check_release
from peacetalks.loading.standoff import (
    BLOCK_HASHES,
    block_hashes,
    fill_block_columns,
    mask_text_fields,
    read_block_hashes,
    rehydrate_frames,
    standoff_doc_ids,
    strip_texts,
)
from peacetalks.release import checksums, croissant, datacard
from peacetalks.release.changelog import ReleaseDiff, diff_releases, part_versions, render_changelog, render_entry
from peacetalks.release.config_files import SplitWriter
from peacetalks.release.coverage import coverage_counts
from peacetalks.release.folder import TABLES_DIR, ReleaseInfo, existing_releases, read_release, release_version
from peacetalks.release.hub_card import (
    PRETTY_NAME,
    Article,
    CardFacts,
    ConfigData,
    SplitData,
    card_data,
    citation,
    datacard_part,
    description,
    hub_url,
    mixed_license_name,
    render_card,
)
from peacetalks.release.semver import Version, check_newer, parse_version
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.names import check_name
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES, ARTICLES, BLOCKS, BY_NAME, SPLITS, STATUS, Table
from peacetalks.storage.parquet import atomic_folder, write_parquet
from peacetalks.storage.paths import check_path
from peacetalks.storage.roots import resolve_root
from peacetalks.storage.status import without_status
from peacetalks.storage.transaction import folder_lock, remove_strays
from peacetalks.validation.checks.versions import gold_version_issues
from peacetalks.validation.validate import check_engine, read_tables, validate_frames

if TYPE_CHECKING:
    from peacetalks.loading.fetch import Progress, TextsResult
    from peacetalks.loading.pages import FetchSettings

MAX_SHARD_BYTES = 256 * 1024 * 1024  # Arrow bytes per Parquet shard
# Arrow bytes per row group: the Hub's dataset viewer refuses to read a row group over 286 MiB
# uncompressed (TooBigContentError) and pages through a file a row group at a time, so groups are
# kept well under that (and a 256 MiB shard is several groups, not one).
MAX_ROW_GROUP_BYTES = 100 * 1024 * 1024
_ANNOTATION_NAMES = frozenset(t.name for t in ANNOTATION_TABLES)
Frames = dict[Table, pl.DataFrame]


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    version: Version
    previous: Version | None
    files: dict[str, str]
    split_sizes: dict[str, dict[str, int]]
    standoff: list[str]
    diff: ReleaseDiff
    unchanged: bool = False
    skipped_splits: dict[str, list[str]] = field(default_factory=dict)
    texts: TextsResult | None = None  # rehydrate --fetch: how each stand-off article's text was got


def folder_name(version: Version) -> str:
    """The release's folder under ``--out``: its tag, which passes the name rule."""
    return check_name(version.tag, "version")


def _read_valid_frames(root: Path) -> Frames:
    """The corpus tables, read once and validated (else ValidationFailed).

    Articles without a stored split get the one ``peacetalks split`` would give (as ``current_splits``).
    """
    read = read_tables(root)
    report = validate_frames(
        {name: df for name, (df, _) in read.items()}, read_issues={name: issues for name, (_, issues) in read.items()}
    )
    has_gold = any(df is not None and df.height for name, (df, _) in read.items() if name in _ANNOTATION_NAMES)
    report.add(gold_version_issues(root, load_scheme(), has_gold=has_gold))  # gold of another major is refused
    if not report.valid:
        raise ValidationFailed(report)
    frames = {BY_NAME[name]: df for name, (df, _) in read.items() if df is not None}
    _refuse_no_status(frames)
    settings, _ = read_settings(root)
    frames[SPLITS] = _splits(frames, settings)
    return frames


def _refuse_no_status(frames: Frames) -> None:
    """ReleaseError ``missing-status`` naming every article that has no gold status for some kind."""
    lacking = without_status(frames[ARTICLES], frames.get(STATUS, pl.DataFrame(schema=STATUS.polars_schema())))
    if lacking:
        listing = "; ".join(f"{doc} ({', '.join(kinds)})" for doc, kinds in list(lacking.items())[:20])
        more = f" and {len(lacking) - 20} more" if len(lacking) > 20 else ""
        raise ReleaseError(
            "missing-status",
            f"{len(lacking)} article(s) have no annotation status, so nobody can tell whether they are annotated:"
            f" {listing}{more}",
            path=STATUS.relpath(),
            data={"doc_ids": list(lacking), "kinds": lacking},
        )


def _splits(frames: Frames, settings: SplitSettings | None) -> pl.DataFrame:
    """The split of every article: the stored ones (``frames[SPLITS]``, if any), new ones assigned."""
    return assign(frames[ARTICLES], settings or SplitSettings(), frames.get(SPLITS)).select(SPLITS.columns)


def _write_tables(folder: Path, frames: Mapping[Table, pl.DataFrame]) -> None:
    for table, df in frames.items():
        path = table.path(folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(df, table, path)


def _as_read(frames: Mapping[Table, pl.DataFrame]) -> Frames:
    """The frames as they read back from the ``tables/`` files of a release (a round trip in memory).

    A config's Arrow size (the card's ``num_bytes``, and the shard count) depends on how polars
    holds its strings, which differs between frames computed in memory and frames read from
    Parquet; so the rehydrated tables are sized as the ``--include-text`` build sizes its own.
    """
    read: Frames = {}
    for table, df in frames.items():
        sink = pa.BufferOutputStream()
        write_parquet(df, table, sink)
        read[table] = pl.read_parquet(io.BytesIO(sink.getvalue().to_pybytes()))
    return read


def _write_configs(
    folder: Path, frames: Frames, standoff: list[str], max_shard_bytes: int, engine: tuple[str, str | None]
) -> tuple[list[ConfigData], dict[str, list[str]]]:
    """Write every config split by split from its pieces as they are built (a writer per split)."""
    written: list[ConfigData] = []
    skipped: dict[str, list[str]] = {}
    for name in configs.CONFIG_NAMES:
        feats = configs.features(name)
        writers = {
            split: SplitWriter(folder, name, split, feats, max_shard_bytes, MAX_ROW_GROUP_BYTES)
            for split in SPLIT_NAMES
        }
        pieces = configs.config_pieces_from_frames(name, frames, engine=engine[0], ray_address=engine[1])
        for split, piece in pieces:
            writers[split].add(mask_text_fields(piece, standoff).cast(feats.arrow_schema))
        splits: dict[str, SplitData] = {}
        for split, writer in writers.items():
            done = writer.close()
            if done.rows == 0:  # datasets cannot load an empty split from a card
                skipped.setdefault(name, []).append(split)
                continue
            size = sum((folder / rel).stat().st_size for rel in done.files)
            splits[split] = SplitData(done.files, done.rows, done.nbytes, size)
        written.append(ConfigData(name, feats, splits))
    return written, skipped


def _default_card() -> str:
    """The data card of a corpus folder without DATACARD.md (e.g. the bundled corpus): the statistics."""
    return (
        f"# Dataset Card for {PRETTY_NAME}\n\n{description()}\n\n## Statistics\n\n"
        "<!-- BEGIN GENERATED: statistics -->\n<!-- END GENERATED: statistics -->\n\n## Charts\n\n"
        "<!-- BEGIN GENERATED: charts -->\n<!-- END GENERATED: charts -->\n\n## Events and PLOVER\n\n"
        "<!-- BEGIN GENERATED: plover -->\n<!-- END GENERATED: plover -->\n"
    )


def _card_body(root: Path, frames: Frames) -> str:
    """The corpus's data card with its generated sections computed from ``frames``, the released tables.

    Refuses (``stale-data-card``) a DATACARD.md whose generated sections differ from what the data
    gives, as ``peacetalks card --check`` would.
    """
    path = root / datacard.CARD_NAME
    if not path.is_file():
        return datacard.render_generated(_default_card(), root, frames)
    card = path.read_text(encoding="utf-8")
    fresh = datacard.render_generated(card, root, frames)
    stale = datacard.stale_in(card, fresh)
    if stale:
        raise ReleaseError(
            "stale-data-card",
            f"the generated sections of {datacard.CARD_NAME} are out of date: {', '.join(stale)}",
            path=str(path),
            data={"sections": stale},
        )
    return fresh


def release_date(folder: Path | None = None) -> dt.date:
    """The date of a release: that of the existing ``folder`` (a rebuild), else $SOURCE_DATE_EPOCH, else today (UTC)."""
    meta = folder / croissant.FILENAME if folder is not None else None
    if meta is not None and meta.is_file():
        published = json.loads(meta.read_text(encoding="utf-8")).get("datePublished")
        if published:
            return dt.date.fromisoformat(str(published))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return stamp.date()


def _published_repo(folder: Path) -> str | None:
    """The Hub repository recorded in a release's croissant.json (None when it was not known)."""
    url = str(json.loads((folder / croissant.FILENAME).read_text(encoding="utf-8")).get("url") or "")
    prefix = hub_url("")
    return url[len(prefix) :] if url.startswith(prefix) else None


def _languages(articles: pl.DataFrame) -> list[str]:
    return sorted(str(x) for x in articles["language"].unique().to_list()) or ["de"]


@dataclass(frozen=True)
class _Meta:
    """What a release states about itself beside its data."""

    version: Version
    date: dt.date
    repo: str | None
    include_text: bool
    body: str
    changelog: str
    charts: Mapping[str, str] = dataclasses.field(default_factory=dict)  # datacard/NAME.svg -> its SVG
    versions: Mapping[str, str] = dataclasses.field(default_factory=dict)  # each part's, for the changelog


def _write_metadata(folder: Path, meta: _Meta, configs_data: list[ConfigData], frames: Frames) -> None:
    scheme = load_scheme()
    articles = frames[ARTICLES]
    standoff = standoff_doc_ids(articles, scheme)
    restricted_included = meta.include_text and bool(standoff)
    data = card_data(
        configs_data,
        default=_default_config(),
        license_id="other" if restricted_included else scheme.annotation_license.lower(),
        license_name=mixed_license_name(scheme.annotation_license) if restricted_included else None,
        languages=_languages(articles),
        num_documents=articles.height,
    )
    facts = CardFacts(
        version=str(meta.version),
        date=meta.date,
        repo=meta.repo,
        configs=configs_data,
        articles=[Article(*row) for row in articles.select("doc_id", "license", "url").iter_rows()],
        standoff=standoff,
        include_text=meta.include_text,
        scheme=scheme,
        coverage=coverage_counts(frames),
    )
    (folder / "README.md").write_text(render_card(data, facts, meta.body), encoding="utf-8")
    for name, svg in sorted(meta.charts.items()):
        (folder / datacard.CHARTS_DIR).mkdir(exist_ok=True)
        (folder / datacard.CHARTS_DIR / f"{name}.svg").write_text(svg, encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(meta.changelog, encoding="utf-8")
    files = checksums.release_files(folder, exclude=[croissant.FILENAME, checksums.MANIFEST])
    sizes = {rel: (checksums.sha256_file(folder / rel), (folder / rel).stat().st_size) for rel in files}
    record_sets = [
        croissant.RecordSetSpec(cfg.name, split, d.files, cfg.features, d.num_examples)
        for cfg in configs_data
        for split, d in cfg.splits.items()
    ]
    doc = croissant.build_croissant(
        name=f"{PRETTY_NAME} {meta.version}",
        version=str(meta.version),
        description=description(),
        license_url=scheme.license_urls.get(scheme.annotation_license, scheme.annotation_license),
        url=hub_url(meta.repo) if meta.repo else None,
        files=sizes,
        record_sets=record_sets,
        date_published=meta.date.isoformat(),
        cite_as=citation(facts),
        rai=datacard.rai_properties(meta.body),
    )
    (folder / croissant.FILENAME).write_text(croissant.dumps(doc), encoding="utf-8")
    sums = checksums.checksums(folder, checksums.release_files(folder, exclude=[checksums.MANIFEST]))
    (folder / checksums.MANIFEST).write_text(checksums.render_manifest(sums), encoding="utf-8")


def _default_config() -> str:
    return str(configs.DEFAULT_CONFIG)


def _same_tree(a: Path, b: Path) -> bool:
    files_a = checksums.release_files(a)
    if files_a != checksums.release_files(b):
        return False
    return all(filecmp.cmp(a / rel, b / rel, shallow=False) for rel in files_a)


def _previous(out: Path, version: Version, previous: Path | None) -> tuple[ReleaseInfo | None, Path | None]:
    """The release to compare with, and an existing folder of this very version (if any)."""
    known = existing_releases(out)
    if previous is not None:
        known.setdefault(release_version(previous), previous)
    same = known.pop(version, None)
    newer = [v for v in known if v > version]
    if newer:
        check_newer(version, max(newer), where=str(known[max(newer)]))
    older = [v for v in known if v < version]
    return (read_release(known[max(older)]) if older else None), same


def build_release(
    root: Path | str | None,
    version: str,
    out: Path | str = "dist",
    *,
    include_text: bool = False,
    previous: Path | str | None = None,
    repo: str | None = None,
    date: dt.date | None = None,
    max_shard_bytes: int = MAX_SHARD_BYTES,
    engine: str = "local",
    ray_address: str | None = None,
) -> ReleaseResult:
    """Validate the corpus at ``root`` and write release ``version`` to ``out/v<version>/``.

    ``repo`` is the Hub repository (``owner/name``) the release will be published to, named in its
    card and croissant.json (unknown when None); ``date`` the release date (default: see
    :func:`release_date`). Refuses a corpus that does not validate (ValidationFailed), a data card
    whose generated sections are stale (``stale-data-card``), a version below an existing release
    (``version-not-greater``) and a rebuild of an existing version whose files would differ
    (``version-exists``); a rebuild with identical bytes leaves the folder as it was.

    ``engine="daft"`` builds the configs on Daft (its native runner, or the Ray cluster at
    ``ray_address``; :mod:`peacetalks.loading.daft_builds`): the same files.
    """
    check_engine(engine, ray_address)
    source = resolve_root(root)
    ver = parse_version(version)
    out_dir = check_path(out, "folder", "the folder of releases")
    if previous:
        check_path(previous, "folder", "the previous release")
    frames = _read_valid_frames(source)
    body = _card_body(source, frames)
    charts = {c.name: c.svg() for c in datacard.card_charts(source, frames)} if datacard.has_charts(body) else {}
    since = time.time()
    # One release at a time per --out (taken once the corpus is known to be releasable, so a refused
    # corpus leaves --out untouched): the previous release it compares with cannot change meanwhile,
    # and the temporary folders of a killed build are strays once the lock is ours.
    with folder_lock(out_dir, "release"):
        remove_strays([out_dir], before=since)
        prev, same = _previous(out_dir, ver, Path(previous) if previous else None)
        target = out_dir / folder_name(ver)
        versions = part_versions(source, str(ver))
        meta = _Meta(ver, date or release_date(same), repo, include_text, body, "", charts, versions)
        return _build(
            frames, meta, target, prev=prev, same=same, max_shard_bytes=max_shard_bytes, engine=(engine, ray_address)
        )


def _build(
    frames: Frames,
    meta: _Meta,
    target: Path,
    *,
    prev: ReleaseInfo | None,
    same: Path | None,
    max_shard_bytes: int = MAX_SHARD_BYTES,
    engine: tuple[str, str | None] = ("local", None),
) -> ReleaseResult:
    """Write the release ``meta.version`` of ``frames`` to ``target`` (``meta.changelog`` empty: made here).

    ``engine``: where the configs are built, and the Ray address (:func:`build_release`).
    """
    ver = meta.version
    standoff = standoff_doc_ids(frames[ARTICLES], load_scheme())
    stripped = standoff if not meta.include_text else []
    released = strip_texts(frames, stripped) if stripped else dict(frames)
    diff = diff_releases(prev.frames if prev else None, released, previous=str(prev.version) if prev else None)
    if not meta.changelog:
        entry = render_entry(str(ver), diff, standoff=stripped, versions=meta.versions)
        meta = dataclasses.replace(meta, changelog=render_changelog(entry, prev.changelog if prev else None))

    def write(folder: Path) -> tuple[dict[str, str], dict[str, dict[str, int]], dict[str, list[str]]]:
        _write_tables(folder / TABLES_DIR, released)
        if stripped:  # the stand-off articles' block hashes, by which a changed page is re-based
            hashes = block_hashes(frames[ARTICLES], frames[BLOCKS], stripped)
            pq.write_table(hashes.to_arrow(), folder / TABLES_DIR / BLOCK_HASHES, compression="zstd")
        configs_data, skipped = _write_configs(folder, frames, stripped, max_shard_bytes, engine)
        _write_metadata(folder, meta, configs_data, frames)
        files = checksums.parse_manifest((folder / checksums.MANIFEST).read_text(encoding="utf-8"))
        return files, {c.name: {s: d.num_examples for s, d in c.splits.items()} for c in configs_data}, skipped

    if same is None:
        with atomic_folder(target) as tmp:
            files, sizes, skipped = write(tmp)
    else:
        with tempfile.TemporaryDirectory(prefix=f".{target.name}.", suffix=".rebuild", dir=target.parent) as scratch:
            files, sizes, skipped = write(Path(scratch))
            if not _same_tree(Path(scratch), same):
                raise ReleaseError(
                    "version-exists",
                    f"release {ver} already exists and this build differs from it",
                    path=str(same),
                    data={"version": str(ver)},
                )
    return ReleaseResult(
        folder=same or target,
        version=ver,
        previous=prev.version if prev else None,
        files=files,
        split_sizes=sizes,
        standoff=stripped,
        diff=diff,
        unchanged=same is not None,
        skipped_splits=skipped,
    )


def rehydrate_release(
    release: Path | str,
    texts: Path | str | None,
    out: Path | str,
    *,
    fetch: bool = False,
    progress: Progress | None = None,
    settings: FetchSettings | None = None,
) -> ReleaseResult:
    """Write a copy of a stand-off release to ``out`` with every text filled in.

    The texts come from the local copies in ``texts`` (each must have the sha256 recorded for its
    article, else ValidationFailed with ``text-missing`` or ``text-sha256-mismatch``), or, with
    ``fetch``, from each article's page (:mod:`peacetalks.loading.fetch`; local copies in ``texts``
    first, when given): a page whose text changed since is taken as the article's text and its
    annotations are re-based onto it; ``ReleaseResult.texts`` says for every article how its text
    was got, and which annotations moved or were dropped. An article whose text cannot be got at all
    is FetchFailed (``texts-not-fetched``, one issue per article), and nothing is written.
    ``progress`` is called after each article (doc_id, done, total); ``settings`` says how pages are
    requested. The rehydrated tables are validated, and every config is rebuilt from them, so the
    result equals a release built with ``--include-text``. The release is first checked against its
    SHA256SUMS, every file hashed (``missing-manifest``, ``release-modified``).
    """
    from peacetalks.loading.fetch import get_texts
    from peacetalks.loading.load import cache_root
    from peacetalks.loading.pages import PAGES, PageGetter

    check_release(Path(release), ReleaseError, full=True)
    info = read_release(Path(release))
    target = check_path(out, "folder", "the output folder")
    if target.exists():
        raise ReleaseError("output-exists", "the output folder exists", path=str(target))
    got = None
    if fetch:
        hashes = read_block_hashes(info.folder / TABLES_DIR)
        local = Path(texts) if texts is not None else None
        with PageGetter(cache_root() / PAGES, settings) as getter:
            got = get_texts(info.frames, hashes, getter=getter, local=local, rebase_changed=True, progress=progress)
        frames = got.check(str(info.folder)).frames
    elif texts is not None:
        frames = rehydrate_frames(info.frames, Path(texts))
    else:
        raise ReleaseError("texts-missing", "give a folder of local texts, or fetch the texts", path=str(release))
    frames[ARTICLES] = fill_block_columns(frames[ARTICLES], frames[BLOCKS])
    frames = _as_read(frames)
    report = validate_frames({table.name: df for table, df in frames.items()})
    if not report.valid:
        raise ValidationFailed(report, what="the rehydrated corpus")
    frames[SPLITS] = _splits(frames, None)  # a release gives every article its split already
    readme = info.folder / "README.md"
    body = datacard_part(readme.read_text(encoding="utf-8")) if readme.is_file() else _default_card()
    # the same release, with the texts: its date, repository and changelog stay
    charts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((info.folder / datacard.CHARTS_DIR).glob("*.svg"))}
    meta = _Meta(
        info.version, release_date(info.folder), _published_repo(info.folder), True, body, info.changelog, charts
    )
    return dataclasses.replace(_build(frames, meta, target, prev=None, same=None), texts=got)
