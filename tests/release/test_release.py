"""peacetalks release: the Hub layout, loadability, reproducibility, versions, stand-off, rehydrate."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ReleaseError, ValidationFailed
from peacetalks.release.build import build_release, rehydrate_release
from peacetalks.release.checksums import MANIFEST, release_files, sha256_file, verify_manifest
from peacetalks.release.config_files import SplitWriter
from peacetalks.release.croissant import croissant_issues, record_count
from peacetalks.release.hub_card import card_data
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ENTITIES
from peacetalks.storage.parquet import write_tables
from tests.conftest import DOC, TEXT
from tests.release._corpora import DOC2, write_texts, write_v1, write_v2

LOAD_CHECK = Path(__file__).with_name("load_check.py")
CONFIGS = ["documents", "entities", "events", "stances", "tokens"]


def load_in_fresh_process(
    source: str, revision: str | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    args = [sys.executable, str(LOAD_CHECK), source, ",".join(CONFIGS)] + ([revision] if revision else [])
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=Path(source).parent if not revision else None,
        env=env,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def v2_root(tmp_path: Path) -> Path:
    return write_v2(tmp_path / "corpus")


def test_every_config_loads_without_peacetalks_and_matches_the_card(v2_root: Path, tmp_path: Path) -> None:
    """Each config/split loads with plain datasets; rows equal the card's; ClassLabels keep their names."""
    result = build_release(v2_root, "0.1.0", tmp_path / "dist")
    loaded = load_in_fresh_process(str(result.folder))
    assert loaded["imports_peacetalks"] is False
    card = DatasetCard.load(result.folder / "README.md")
    infos = {info["config_name"]: info for info in card.data.to_dict()["dataset_info"]}
    scheme = load_scheme()
    for config in CONFIGS:
        card_rows = {s["name"]: s["num_examples"] for s in infos[config]["splits"]}
        assert loaded[config]["rows"] == card_rows == result.split_sizes[config]
    assert loaded["entities"]["labels"]["label"] == list(scheme.entity_labels)
    assert loaded["stances"]["labels"]["polarity"] == list(scheme.stance_polarities)
    assert result.split_sizes["documents"] == {"train": 1, "test": 1}
    defaults = [c["config_name"] for c in card.data.to_dict()["configs"] if c.get("default")]
    assert defaults == ["documents"]


def test_croissant_validates_and_reads_back_the_counts(v2_root: Path, tmp_path: Path) -> None:
    """croissant.json is valid for mlcroissant, lists every file's sha256, and each record set has the rows."""
    result = build_release(v2_root, "0.1.0", tmp_path / "dist")
    path = result.folder / "croissant.json"
    assert [i.code for i in croissant_issues(path)] == []
    doc = json.loads(path.read_text())
    listed = {d["contentUrl"]: d["sha256"] for d in doc["distribution"]}
    for rel, digest in listed.items():
        assert sha256_file(result.folder / rel) == digest
    assert set(listed) == set(release_files(result.folder)) - {"croissant.json", MANIFEST}
    for config, splits in result.split_sizes.items():
        for split, rows in splits.items():
            assert record_count(path, f"{config}/{split}") == rows


def test_parquet_files_carry_the_features(v2_root: Path, tmp_path: Path) -> None:
    """Every data file has the datasets features in its Parquet metadata."""
    result = build_release(v2_root, "0.1.0", tmp_path / "dist")
    meta = pq.read_schema(result.folder / "data/entities/train-00000-of-00001.parquet").metadata
    features = json.loads(meta[b"huggingface"])["info"]["features"]
    assert features["label"]["names"] == list(load_scheme().entity_labels)


def test_same_input_and_version_give_byte_identical_files(v2_root: Path, tmp_path: Path) -> None:
    day = dt.date(2026, 1, 2)  # the release date is part of the files; today's could change between the builds
    a = build_release(v2_root, "0.1.0", tmp_path / "a", date=day).folder
    b = build_release(v2_root, "0.1.0", tmp_path / "b", date=day).folder
    files = release_files(a)
    assert files == release_files(b)
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert verify_manifest(a) == []


def test_identical_rebuild_is_unchanged_and_a_different_one_refused(tmp_path: Path) -> None:
    root = write_v1(tmp_path / "corpus")
    build_release(root, "0.1.0", tmp_path / "dist")
    assert build_release(root, "0.1.0", tmp_path / "dist").unchanged
    write_v2(root)
    with pytest.raises(ReleaseError) as exc:
        build_release(root, "0.1.0", tmp_path / "dist")
    assert exc.value.code == "version-exists"


def test_a_version_below_the_last_release_is_refused(tmp_path: Path) -> None:
    root = write_v1(tmp_path / "corpus")
    build_release(root, "0.2.0", tmp_path / "dist")
    with pytest.raises(ReleaseError) as exc:
        build_release(root, "0.1.5", tmp_path / "dist")
    assert exc.value.code == "version-not-greater"
    with pytest.raises(ReleaseError) as bad:
        build_release(root, "1.0", tmp_path / "dist")
    assert bad.value.code == "bad-version"


def test_a_corpus_that_does_not_validate_is_refused(tmp_path: Path) -> None:
    root = write_v1(tmp_path / "corpus")
    entities = pl.read_parquet(ENTITIES.path(root)).with_columns(pl.lit(999).alias("end"))
    write_tables(root, {ENTITIES: entities})
    with pytest.raises(ValidationFailed) as exc:
        build_release(root, "0.1.0", tmp_path / "dist")
    assert "span-out-of-bounds" in exc.value.report.codes() or exc.value.report.codes()
    assert not (tmp_path / "dist" / "v0.1.0").exists()


def test_changelog_describes_the_difference_to_the_previous_release(tmp_path: Path) -> None:
    root = write_v1(tmp_path / "corpus")
    build_release(root, "0.1.0", tmp_path / "dist")
    write_v2(root)
    result = build_release(root, "0.2.0", tmp_path / "dist")
    diff = result.diff
    assert diff.previous == "0.1.0"
    assert diff.records["articles"].added == [DOC2]
    assert diff.records["mentions"].added == [f"{DOC2}/m1"]
    assert diff.records["mentions"].changed == [f"{DOC}/m3"]
    assert diff.labels["entity labels"]["ORG"] == (1, 0)
    assert diff.labels["entity labels"]["GPE"] == (0, 1)
    assert diff.splits["test"] == (0, 1)
    log = (result.folder / "CHANGELOG.md").read_text()
    assert log.index("## [0.2.0]") < log.index("## [0.1.0]")
    assert "Compared with 0.1.0." in log
    assert "| mentions | 1 | 0 | 1 |" in log


def _strings(value: object) -> list[str]:
    """Every string inside nested lists and dicts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_standoff_article_has_no_text_unless_include_text(v2_root: Path, tmp_path: Path) -> None:
    """tagesschau-terms forbids redistribution: no text in any file; --include-text keeps it."""
    result = build_release(v2_root, "0.1.0", tmp_path / "dist")
    assert result.standoff == [DOC]
    articles = pl.read_parquet(result.folder / "tables/corpus/articles.parquet")
    row = articles.filter(pl.col("doc_id") == DOC)
    assert row["text"].to_list() == [None]
    assert row["text_sha256"].to_list() != [None]
    assert articles.filter(pl.col("doc_id") == DOC2)["text"].to_list() != [None]
    for path in sorted(result.folder.rglob("*.parquet")):
        rows = [r for r in pq.read_table(path).to_pylist() if r["doc_id"] == DOC]
        leaked = [v for v in _strings(rows) if len(v) >= 4 and v in TEXT]
        assert leaked == [], path
    assert f"| {DOC} | tagesschau-terms |" in (result.folder / "README.md").read_text()
    full = build_release(v2_root, "0.1.0", tmp_path / "private", include_text=True)
    assert (
        pl.read_parquet(full.folder / "tables/corpus/articles.parquet").filter(pl.col("doc_id") == DOC)["text"][0]
        == TEXT
    )
    assert DatasetCard.load(result.folder / "README.md").data.license == "cc-by-4.0"
    assert DatasetCard.load(full.folder / "README.md").data.license == "other"


def test_rehydrate_fills_in_matching_texts_and_refuses_others(v2_root: Path, tmp_path: Path) -> None:
    standoff = build_release(v2_root, "0.1.0", tmp_path / "dist").folder
    full = build_release(v2_root, "0.1.0", tmp_path / "private", include_text=True).folder
    with pytest.raises(ValidationFailed) as exc:
        rehydrate_release(standoff, write_texts(tmp_path / "wrong", wrong=True), tmp_path / "out-wrong")
    assert exc.value.report.flatten(["doc_id", "code"]) == [[DOC, "text-sha256-mismatch"]]
    assert not (tmp_path / "out-wrong").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationFailed) as missing:
        rehydrate_release(standoff, tmp_path / "empty", tmp_path / "out-none")
    assert missing.value.report.codes() == ["text-missing"]
    result = rehydrate_release(standoff, write_texts(tmp_path / "texts"), tmp_path / "out")
    tables = [f for f in release_files(full) if f.endswith(".parquet")]
    assert tables == [f for f in release_files(result.folder) if f.endswith(".parquet")]
    for rel in tables:  # the same bytes as a release built with the texts
        assert (result.folder / rel).read_bytes() == (full / rel).read_bytes(), rel


def test_an_interrupted_release_leaves_no_folder(
    v2_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception between two data files leaves neither the release folder nor a temporary one."""
    real = SplitWriter._open_shard
    calls: list[str] = []

    def flaky(self, schema):  # type: ignore[no-untyped-def]
        calls.append(self.split)
        if len(calls) == 3:
            raise RuntimeError("simulated interruption")
        return real(self, schema)

    monkeypatch.setattr(SplitWriter, "_open_shard", flaky)
    with pytest.raises(RuntimeError):
        build_release(v2_root, "0.1.0", tmp_path / "dist")
    # only the (empty) folder of the --out lock, peacetalks.storage.transaction.STATE_DIR
    assert [p.name for p in (tmp_path / "dist").iterdir()] == [".peacetalks"]
    assert [p.name for p in (tmp_path / "dist" / ".peacetalks").iterdir() if p.name != "lock"] == []


def test_cli_release_builds_and_reports(v2_root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["release", "--version", "0.1.0", "--root", str(v2_root), "--out", str(tmp_path / "dist")])
    assert ok.exit_code == 0, ok.output
    assert f"built: {tmp_path / 'dist' / 'v0.1.0'}" in ok.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "peacetalks",
            "release",
            "--version",
            "0.1",
            "-r",
            str(v2_root),
            "--out",
            str(tmp_path / "d"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "[bad-version]" in bad.stderr


def test_large_splits_are_sharded_and_still_load_whole(v2_root: Path, tmp_path: Path) -> None:
    """A split above the shard size becomes N files -0000i-of-0000N; the card and croissant cover all of them."""
    result = build_release(v2_root, "0.1.0", tmp_path / "dist", max_shard_bytes=1)
    shards = sorted(p.name for p in (result.folder / "data/entities").iterdir())
    assert shards == ["test-00000-of-00001.parquet"] + [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    loaded = load_in_fresh_process(str(result.folder))
    assert loaded["entities"]["rows"] == result.split_sizes["entities"] == {"train": 3, "test": 1}
    path = result.folder / "croissant.json"
    assert [i.code for i in croissant_issues(path)] == []
    assert [record_count(path, f"entities/train/0000{i}") for i in range(3)] == [1, 1, 1]


def test_loader_fills_in_texts_of_a_standoff_release(
    v2_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """peacetalks.load(source=release, texts=DIR) rehydrates once into the cache; without texts it is refused
    (texts-missing), never null texts to train on."""
    from peacetalks.errors import LoadError
    from peacetalks.loading.load import load

    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    folder = build_release(v2_root, "0.1.0", tmp_path / "dist").folder
    with pytest.raises(LoadError) as bare:
        load("entities", "train", source=folder)
    assert (bare.value.code, bare.value.data["doc_ids"]) == ("texts-missing", [DOC])
    assert load("entities", "train", source=folder, texts="skip").num_rows == 0  # DOC is the only train article
    full = load("entities", "train", source=folder, texts=write_texts(tmp_path / "texts"))
    assert full.filter(lambda r: r["doc_id"] == DOC)["text"] == ["Trump", "Putin", "Der Kreml"]
    assert len(list((tmp_path / "cache" / "rehydrated").iterdir())) == 1


def test_cli_rehydrate_refuses_a_wrong_copy_and_fills_a_right_one(v2_root: Path, tmp_path: Path) -> None:
    folder = build_release(v2_root, "0.1.0", tmp_path / "dist").folder
    runner = CliRunner()
    args = ["rehydrate", str(folder), "--out", str(tmp_path / "out")]
    wrong = subprocess.run(
        [sys.executable, "-m", "peacetalks", *args, "--texts", str(write_texts(tmp_path / "w", wrong=True))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 1
    assert f"[text-sha256-mismatch] doc={DOC}" in wrong.stderr
    ok = runner.invoke(app, [*args, "--texts", str(write_texts(tmp_path / "t"))])
    assert ok.exit_code == 0, ok.output
    assert f"rehydrated: {tmp_path / 'out'}" in ok.stdout


def test_card_declares_the_annotations_machine_generated() -> None:
    """The annotations were made by AI agents; the card must not claim expert annotators."""
    data = card_data([], default="documents", license_id="cc-by-4.0", languages=["de"], num_documents=1)
    assert data.annotations_creators == ["machine-generated"]


def test_row_groups_are_cut_by_bytes_for_the_hub_viewer(tmp_path: Path) -> None:
    """A table of ~1 MB written with 100 kB row groups: about ten groups, none far over the bound, rows kept."""
    import datasets
    import pyarrow as pa

    table = pa.table({"text": ["x" * 1000] * 1000})
    features = datasets.Features({"text": datasets.Value("string")})
    writer = SplitWriter(tmp_path, "documents", "train", features, 1 << 30, 100_000)
    writer.add(table)
    (rel,) = writer.close().files
    path = tmp_path / rel
    meta = pq.ParquetFile(path).metadata
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    assert 9 <= len(groups) <= 11
    assert sum(g.num_rows for g in groups) == 1000
    assert max(g.total_byte_size for g in groups) < 2 * 100_000
    assert pq.read_table(path).column("text").to_pylist() == table.column("text").to_pylist()
