"""What building and publishing a release read: each corpus file once, and never the builder to publish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from peacetalks.errors import ValidationFailed
from peacetalks.release.build import build_release
from peacetalks.schema.tables import ALL_TABLES, ENTITIES, STANCES
from peacetalks.storage.parquet import write_tables
from peacetalks.validation.validate import validate
from tests.release._corpora import write_v2


def test_reading_a_release_does_not_import_the_builder() -> None:
    """publish and the release folder reader import neither release.build nor the loaders' configs."""
    code = (
        "import sys, peacetalks.release.publish, peacetalks.release.folder\n"
        "print(sorted(m for m in sys.modules if m in ('peacetalks.release.build', 'peacetalks.loading.configs')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_a_release_reads_each_corpus_table_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation, tables/ and every config come from one read of each corpus file."""
    root = write_v2(tmp_path / "corpus")
    real = pl.read_parquet
    reads: list[str] = []

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(str(source))
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pl, "read_parquet", counting)
    build_release(root, "0.1.0", tmp_path / "dist")
    of_root = sorted(r for r in reads if r.startswith(str(root)))
    assert of_root == sorted(str(t.path(root)) for t in ALL_TABLES)


@pytest.mark.parametrize("broken", ["missing", "unreadable", "span"])
def test_a_release_refuses_with_the_issues_validate_reports(tmp_path: Path, broken: str) -> None:
    """Validating the frames read once gives the report validate(root) gives, read problems included."""
    root = write_v2(tmp_path / "corpus")
    if broken == "missing":
        STANCES.path(root).unlink()
    elif broken == "unreadable":
        STANCES.path(root).write_bytes(b"not parquet")
    else:
        write_tables(root, {ENTITIES: pl.read_parquet(ENTITIES.path(root)).with_columns(pl.lit(999).alias("end"))})
    expected = validate(root)
    assert not expected.valid
    with pytest.raises(ValidationFailed) as exc:
        build_release(root, "0.1.0", tmp_path / "dist")
    columns = ["file", "row", "doc_id", "column", "code"]
    assert exc.value.report.flatten(columns) == expected.flatten(columns)


def test_an_unreadable_release_table_is_named_once_with_its_path(tmp_path: Path) -> None:
    """The error names the damaged file under tables/ as its path, with one code (not the table error inside)."""
    from peacetalks.errors import ReleaseError
    from peacetalks.release.folder import read_release

    (tmp_path / "croissant.json").write_text('{"version": "0.1.0"}', encoding="utf-8")
    damaged = tmp_path / "tables" / "corpus" / "articles.parquet"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PAR1 truncated")
    with pytest.raises(ReleaseError) as caught:
        read_release(tmp_path)
    error = caught.value
    assert (error.code, error.path, error.data) == (
        "unreadable-release",
        str(damaged),
        {"table_code": "unreadable-file"},
    )
    assert str(error).startswith(f"{damaged} [unreadable-release] cannot read Parquet file: ")
    assert "[unreadable-file]" not in str(error)
