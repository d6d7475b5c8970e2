"""The start-up benchmark times every command of the CLI, each started from the venv's python itself."""

from __future__ import annotations

import sys

import typer.main

from benchmarks.bench_startup import _command_paths, _commands
from peacetalks.cli import app


def test_every_cli_command_has_a_help_run_with_the_help_target() -> None:
    """Each command and group of the typer app (nested ones too) is timed with --help against 0.3 s."""
    paths = list(_command_paths(typer.main.get_command(app)))
    assert ("validate",) in paths
    assert any(len(path) == 2 for path in paths)  # a group's own commands (cache ...) are listed too
    names = {c.name: c for c in _commands(sys.executable)}
    for path in paths:
        command = names[f"peacetalks {' '.join(path)} --help"]
        assert command.args == [sys.executable, "-m", "peacetalks", *path, "--help"]
        assert command.target_s == 0.3
    assert names["peacetalks validate"].target_s == 1.0
    assert names["python -c pass"].args == [sys.executable, "-c", "pass"]
