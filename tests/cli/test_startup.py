"""Building the command line and printing help imports typer, not the library's heavy dependencies.

No timing here (see benchmarks/): the test pins what makes start-up slow, the modules imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("polars", "pandas", "pyarrow", "datasets", "pandera", "spacy", "huggingface_hub", "pydantic", "rich")

PROBE = """
import json, sys
from typer.main import get_command
from peacetalks.cli import app, main
paths = [[]]
for name, command in get_command(app).commands.items():
    paths.append([name])
    paths.extend([name, sub] for sub in getattr(command, "commands", {}))
codes = [main([*path, "--help"]) for path in paths]
print(json.dumps({"codes": codes, "modules": sorted(m for m in sys.modules if "." not in m)}))
"""


def test_help_of_every_command_imports_no_heavy_module() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(result["codes"]) == {0}
    assert len(result["codes"]) > 10
    assert sorted(set(HEAVY) & set(result["modules"])) == []
