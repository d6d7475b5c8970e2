"""Every `sh` and `python` block of the README runs, so the README cannot rot."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(sh|python)\n(.*?)```", README, re.DOTALL)
SH_LINES = [
    line.split("#")[0].strip()
    for lang, body in BLOCKS
    if lang == "sh"
    for line in body.splitlines()
    if line.strip() and not line.startswith("make ")
]
MAKE_TARGETS = [
    line.split()[1] for lang, body in BLOCKS if lang == "sh" for line in body.splitlines() if line.startswith("make ")
]
PY_BLOCKS = [body for lang, body in BLOCKS if lang == "python"]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout's data, so commands that write do not touch the real corpus."""
    work = tmp_path_factory.mktemp("readme")
    for name in ("corpus", "annotations"):
        shutil.copytree(PROJECT / name, work / name)
    shutil.copy(PROJECT / "DATACARD.md", work / "DATACARD.md")
    return work


def test_readme_has_exactly_two_quick_start_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make \w+", quick, re.MULTILINE) == ["make release", "make check"]
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    for target in MAKE_TARGETS:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "make check" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", SH_LINES)
def test_readme_shell_command_runs(command: str, workdir: Path) -> None:
    argv = shlex.split(command)
    assert argv[0] == "peacetalks", "README shell examples run the peacetalks command"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("code", PY_BLOCKS)
def test_readme_python_block_runs(code: str, workdir: Path) -> None:
    run = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
