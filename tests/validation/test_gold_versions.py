"""annotations/gold.yaml: the versions gold was annotated under, checked by validate, written by adjudicate."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from peacetalks import validate
from peacetalks.cli import app
from peacetalks.errors import ValidationFailed
from peacetalks.release.build import build_release
from peacetalks.review.adjudicate import adjudicate
from peacetalks.review.gold_history import restore
from peacetalks.schema.scheme import load_scheme
from peacetalks.schema.tables import ANNOTATION_TABLES
from peacetalks.storage.gold_versions import GOLD_VERSIONS, read_gold_versions
from peacetalks.storage.parquet import read_table, write_tables
from tests.conftest import PROJECT, tiny_frames
from tests.interchange.helpers import edit, write_corpus, write_layer


def _record(root: Path, **values: object) -> None:
    (root / GOLD_VERSIONS).write_text(yaml.safe_dump(values), encoding="utf-8")


def _versions(root: Path) -> list[tuple[str, str | None, str | None]]:
    return [(i.code, i.column, i.value) for i in validate(root).issues]


def _bump(version: str, part: int) -> str:
    numbers = [int(n) for n in version.split(".")]
    numbers[part] += 1
    return ".".join(str(n) for n in numbers[: part + 1] + [0] * (2 - part))


def test_gold_recorded_under_the_package_versions_validates_clean(corpus_dir: Path) -> None:
    assert _versions(corpus_dir) == []


def test_gold_without_a_record_is_a_warning(corpus_dir: Path) -> None:
    (corpus_dir / GOLD_VERSIONS).unlink()
    report = validate(corpus_dir)
    assert report.valid
    assert [(i.file, i.code, i.severity) for i in report.issues] == [(GOLD_VERSIONS, "unversioned-gold", "warning")]


def test_a_corpus_without_gold_annotations_needs_no_record(corpus_dir: Path) -> None:
    (corpus_dir / GOLD_VERSIONS).unlink()
    write_tables(corpus_dir, {t: read_table(corpus_dir, t).clear() for t in ANNOTATION_TABLES})
    assert "unversioned-gold" not in validate(corpus_dir).codes()


@pytest.mark.parametrize(
    ("content", "column"),
    [
        pytest.param("scheme: [2.0.0", None, id="not-yaml"),
        pytest.param("- 2.0.0\n", None, id="a-list"),
        pytest.param("codebook: 1.1.0\n", "scheme", id="no-scheme"),
        pytest.param("scheme: 2.0\ncodebook: 1.1.0\n", "scheme", id="a-number"),
        pytest.param("scheme: 2.0.0\ncodebook: v1.1.0\n", "codebook", id="not-semver"),
        pytest.param("scheme: 2.0.0\ncodebook: 1.1.0\nguidelines: 2\n", None, id="guidelines-not-a-string"),
        pytest.param("scheme: 2.0.0\ncodebook: 1.1.0\nschema: 2.0.0\n", None, id="unknown-key"),
    ],
)
def test_a_malformed_record_is_an_error(corpus_dir: Path, content: str, column: str | None) -> None:
    (corpus_dir / GOLD_VERSIONS).write_text(content, encoding="utf-8")
    report = validate(corpus_dir)
    assert not report.valid
    assert [(i.file, i.code, i.column) for i in report.issues] == [(GOLD_VERSIONS, "bad-gold-versions", column)]


@pytest.mark.parametrize("part", ["scheme", "codebook"])
def test_gold_of_another_major_version_is_refused(corpus_dir: Path, part: str) -> None:
    scheme = load_scheme()
    now = {"scheme": scheme.version, "codebook": scheme.codebook_version}
    old = {**now, part: _bump(now[part], 0)}
    _record(corpus_dir, **old)
    report = validate(corpus_dir)
    assert not report.valid
    assert [(i.code, i.column, i.value) for i in report.issues] == [("gold-version-mismatch", part, old[part])]
    result = CliRunner().invoke(app, ["validate", "--root", str(corpus_dir)])
    assert result.exit_code == 1
    assert f"{GOLD_VERSIONS} [gold-version-mismatch] column={part}: gold was annotated under {part}" in result.stdout


@pytest.mark.parametrize("part", [1, 2], ids=["minor", "patch"])
def test_gold_of_another_minor_or_patch_version_is_a_warning(corpus_dir: Path, part: int) -> None:
    scheme = load_scheme()
    other = _bump(scheme.version, part)
    _record(corpus_dir, scheme=other, codebook=scheme.codebook_version)
    report = validate(corpus_dir)
    assert report.valid
    assert [(i.code, i.column, i.value) for i in report.issues] == [("gold-version-stale", "scheme", other)]


def test_gold_made_under_other_guidelines_is_a_warning(corpus_dir: Path) -> None:
    scheme = load_scheme()
    _record(corpus_dir, scheme=scheme.version, codebook=scheme.codebook_version, guidelines="1.0")
    assert _versions(corpus_dir) == []  # a corpus without guidelines: nothing to compare with
    (corpus_dir / "annotations" / "GUIDELINES.md").write_text("# Guidelines\n\nVersion 2.1 (...)\n", encoding="utf-8")
    assert _versions(corpus_dir) == [("gold-version-stale", "guidelines", "1.0")]


def test_the_bundled_gold_records_the_versions_of_this_package() -> None:
    recorded = read_gold_versions(PROJECT)
    scheme = load_scheme()
    assert recorded is not None
    assert (recorded.scheme, recorded.codebook) == (scheme.version, scheme.codebook_version)
    header = (PROJECT / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8").splitlines()[2]
    assert header.startswith(f"Version {recorded.guidelines} (scheme {scheme.version}, stance codebook ")


def test_adjudicate_records_the_versions_it_merged_under(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(tmp_path, "ann-b")
    (tmp_path / "annotations" / "GUIDELINES.md").write_text("Version 3.4 of the rules\n", encoding="utf-8")
    result = adjudicate(tmp_path, "ann-a", "ann-b")
    assert GOLD_VERSIONS in result.written
    recorded = read_gold_versions(tmp_path)
    scheme = load_scheme()
    assert recorded is not None
    assert (recorded.scheme, recorded.codebook, recorded.guidelines) == (scheme.version, scheme.codebook_version, "3.4")
    assert validate(tmp_path).valid


def test_a_backup_keeps_the_versions_and_restore_puts_them_back(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    write_layer(tmp_path, "ann-a")
    write_layer(tmp_path, "ann-b")
    write_layer(tmp_path, None, edit(tiny_frames(), "entities", pl.col("mention_id") == "m3", label="GPE"))
    _record(tmp_path, scheme="0.9.0", codebook="0.9.0")  # gold that differs from the merge, recorded long ago
    old = (tmp_path / GOLD_VERSIONS).read_text(encoding="utf-8")
    result = adjudicate(tmp_path, "ann-a", "ann-b", force=True)
    assert result.backup is not None
    assert (tmp_path / result.backup / "gold.yaml").read_text(encoding="utf-8") == old
    assert (tmp_path / GOLD_VERSIONS).read_text(encoding="utf-8") != old
    restore(tmp_path, "gold")
    assert (tmp_path / GOLD_VERSIONS).read_text(encoding="utf-8") == old


def test_release_refuses_gold_of_another_major_version(corpus_dir: Path, tmp_path: Path) -> None:
    scheme = load_scheme()
    _record(corpus_dir, scheme=_bump(scheme.version, 0), codebook=scheme.codebook_version)
    with pytest.raises(ValidationFailed) as info:
        build_release(corpus_dir, "0.1.0", tmp_path / "dist")
    assert "gold-version-mismatch" in info.value.report.codes()


def test_the_release_changelog_says_which_version_each_part_has(corpus_dir: Path, tmp_path: Path) -> None:
    scheme = load_scheme()
    release = build_release(corpus_dir, "0.3.0", tmp_path / "dist").folder
    changelog = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "### Versions" in changelog
    assert "| dataset | 0.3.0 |" in changelog
    assert f"| annotation scheme | {scheme.version} |" in changelog
    assert f"| stance codebook | {scheme.codebook_version} |" in changelog
    recorded = f"scheme {scheme.version}, codebook {scheme.codebook_version}"
    assert f"| gold annotated and checked under | {recorded} |" in changelog


def test_a_copy_of_the_bundled_corpus_validates_without_warnings(tmp_path: Path) -> None:
    """The bundled gold follows every stance rule validate checks, and records its versions."""
    shutil.copytree(PROJECT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("raw"))
    shutil.copytree(PROJECT / "annotations", tmp_path / "annotations")
    assert validate(tmp_path).issues == []
