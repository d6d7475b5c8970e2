"""The package works as a built wheel in a fresh virtual environment, and as an editable install."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import peacetalks
from peacetalks.storage.roots import bundled_root
from tests.conftest import PROJECT

UV = Path(sys.executable).parent / "uv"


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    """setuptools maps loaders/ by hand, so a new subpackage must be listed in pyproject.toml."""
    listed = set(tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "peacetalks." + ".".join(p.parent.relative_to(PROJECT / "loaders").parts)
        for p in (PROJECT / "loaders").rglob("__init__.py")
        if p.parent != PROJECT / "loaders"
    }
    assert found <= listed


def test_editable_install_maps_the_checkout() -> None:
    assert Path(peacetalks.__file__).resolve().parent == PROJECT / "loaders"
    assert bundled_root() == PROJECT


@pytest.mark.slow
def test_wheel_in_fresh_venv_validates_the_bundled_corpus(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(dist), str(PROJECT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("peacetalks-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for member in (
        "peacetalks/schema/scheme.yaml",
        "peacetalks/_data/corpus/articles.parquet",
        "peacetalks/_data/annotations/entities.parquet",
        "peacetalks/_data/annotations/gold.yaml",
        "peacetalks/validation/checks/spans.py",
    ):
        assert member in names
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(UV), "pip", "install", "--offline", "--quiet", "--python", str(python)]
    subprocess.run([*install, "--require-hashes", "-r", str(PROJECT / "requirements.lock")], check=True)
    subprocess.run([*install, "--no-deps", str(wheel)], check=True)
    run = subprocess.run([str(venv / "bin" / "peacetalks"), "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr.startswith("valid: 1 article, ")
    card = subprocess.run(
        [str(venv / "bin" / "peacetalks"), "card", "--check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert card.returncode == 1
    assert (
        "[no-data-card] no data card: the corpus bundled with an installed package carries no data card"
        in (card.stderr.splitlines()[0])
    )
    assert "Traceback" not in card.stderr
    where = subprocess.run(
        [str(python), "-c", "import peacetalks.storage.roots as p; print(p.bundled_root())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert where.stdout.strip().endswith("site-packages/peacetalks/_data")


def test_a_plain_install_pulls_neither_daft_nor_ray() -> None:
    """The daft engine is the optional extra peacetalks[scale]; make setup (and so CI) installs it."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    required = {re.split(r"[\[<>=~!;\s]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert {"pyarrow", "polars"} <= required
    assert not required & {"daft", "ray"}
    assert any(dep.startswith("daft[ray]") for dep in project["optional-dependencies"]["scale"])
    assert "--extra scale" in (PROJECT / "Makefile").read_text()
