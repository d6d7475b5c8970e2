"""A command killed (SIGKILL) before each of its renames leaves the corpus as it was or as it should be.

Each case runs the real command line in a subprocess with ``PEACETALKS_TEST_KILL_BEFORE_RENAME=N``
(the hook of :mod:`peacetalks.storage.transaction`): N=0 dies with everything staged and no journal,
N>=1 dies before the N-th rename. Then the corpus is opened again (which finishes or clears the
change) and must validate, hold no temporaries, and equal the state before (N=0) or after an
uninterrupted run (N>=1); a rerun of the command then gives the bytes of an uninterrupted run.
Each case spawns a process or two, so the N are chosen (see ``KILLS``) rather than all of them.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from peacetalks.storage.roots import resolve_root
from peacetalks.validation.validate import validate
from tests.storage._cases import CASES, KILL_ENV, Case, leftovers, run_cli, snapshot

# Every N for import (and N=5, past its last rename: not killed, so 4 is the command's own count); for the
# others the boundaries that mattered before: between gold and a layer (ingest 5), between the
# annotations and the article (ingest 9), between the backup and gold (adjudicate 1), in the middle of
# gold (3), between splits.parquet and splits.yaml (split 1), before the release folder's rename.
KILLS = [
    *(("import", n) for n in range(6)),
    *(("ingest-rebase", n) for n in (5, 9)),
    *(("adjudicate-force", n) for n in (1, 3)),
    *(("adjudicate-restore", n) for n in (1, 3)),
    ("split-reassign", 1),
    ("release", 1),
    # shard: between a table's new folder and the removal of its file (1, 2), halfway, the last step, past it
    *(("shard", n) for n in (0, 1, 2, 13, 24, 25)),
    *(("reshard", n) for n in (1, 6, 12)),
]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, bytes]]]:
    """Per case: a folder holding the state before (corpus/ and inputs/), and the tree after an uninterrupted run."""
    made = {}
    for name, case in CASES.items():
        base = tmp_path_factory.mktemp(f"before-{name}")
        case.build(base / "corpus", base / "inputs")
        done = tmp_path_factory.mktemp(f"after-{name}")
        shutil.copytree(base, done, dirs_exist_ok=True)
        case.rerun(done / "corpus", done / "inputs")
        made[name] = (base, snapshot(_tree(case, done)))
    return made


def _tree(case: Case, base: Path) -> Path:
    return base / "corpus" if case.tree == "root" else base / "inputs" / "dist"


@pytest.mark.parametrize(("name", "n"), KILLS, ids=[f"{name}-{n}" for name, n in KILLS])
def test_killed_before_a_rename_the_next_command_finishes_or_undoes_it(
    states: dict[str, tuple[Path, dict[str, bytes]]], tmp_path: Path, name: str, n: int
) -> None:
    case = CASES[name]
    before_dir, after = states[name]
    shutil.copytree(before_dir, tmp_path, dirs_exist_ok=True)
    root, inputs = tmp_path / "corpus", tmp_path / "inputs"
    before = snapshot(_tree(case, tmp_path))
    assert before != after  # the command changes something

    run = run_cli(case.args(root, inputs), cwd=tmp_path, env={KILL_ENV: str(n)})
    assert run.returncode == (-signal.SIGKILL if n <= case.renames else 0), run.stderr

    if name == "import" and n == 2:  # the command line finishes the change too, not only the library
        check = run_cli(["validate", "-r", str(root)], cwd=tmp_path)
        assert check.returncode == 0, check.stdout + check.stderr
    else:
        resolve_root(root)  # what every command does first when it opens the corpus
        assert validate(root).valid
    if case.tree == "out":
        assert leftovers(inputs / "dist")  # a release is finished by the next release, not by a reader
    else:
        assert leftovers(root) == []
        assert snapshot(root) == (before if n == 0 else after)

    state = snapshot(_tree(case, tmp_path))
    if state != after or case.idempotent:
        case.rerun(root, inputs)
    assert snapshot(_tree(case, tmp_path)) == after
    assert leftovers(_tree(case, tmp_path)) == []
