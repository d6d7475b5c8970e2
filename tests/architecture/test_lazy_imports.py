"""``import peacetalks`` and the validate path import none of the heavy libraries.

Each check runs in a fresh interpreter (the test process has imported everything already) and
looks at ``sys.modules``; nothing here is timed (benchmarks/bench_startup.py measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import peacetalks

HEAVY = ("pandas", "pandera", "datasets", "spacy", "huggingface_hub", "daft", "ray")


def _imported_after(code: str) -> list[str]:
    """The heavy top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    return sorted(loaded & {*HEAVY, "typer", "rich", "polars"})


def test_import_peacetalks_imports_no_heavy_library() -> None:
    assert _imported_after("import peacetalks") == []


def test_validate_imports_neither_pandera_nor_pandas() -> None:
    """The bundled corpus is validated with polars only: no pandera, pandas, datasets, spaCy, hub, CLI."""
    code = "import peacetalks\nassert peacetalks.validate().valid"
    assert _imported_after(code) == ["polars"]


def test_validate_frames_and_the_report_types_import_no_heavy_library() -> None:
    code = "from peacetalks import Issue, PeaceTalksError, Report, ValidationFailed, validate_frames, load_scheme"
    assert set(_imported_after(code)) <= {"polars"}


@pytest.mark.parametrize("name", peacetalks.__all__)
def test_every_public_name_resolves_and_is_listed(name: str) -> None:
    assert getattr(peacetalks, name) is not None
    assert name in dir(peacetalks)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        _ = peacetalks.nonexistent  # the point of the test (mypy allows it: the module has __getattr__)
