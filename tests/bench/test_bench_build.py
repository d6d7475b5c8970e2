"""The config build benchmark runs end to end on tiny corpora and prints a row per config, size and run."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench_build


def test_bench_build_prints_every_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two sizes, one config: read and build each, the build's cut count, and the growth line."""
    code = bench_build.main(
        ["--sizes", "40,80", "--docs-per-shard", "40", "--configs", "entities", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("entities ")]
    assert [(r[1], r[2]) for r in rows] == [("40", "read"), ("40", "build"), ("80", "read"), ("80", "build")]
    assert [r[-1] for r in rows if r[2] == "build"] == ["1", "2"]  # a cut per shard
    assert "build peak memory at 80 / at 40 articles" in out
