"""PeaceTalks-DE: a German news corpus on the diplomacy of Russia's war against Ukraine.

Library entry points: :func:`load` gives a config as ``datasets`` splits, :func:`scan` and
:func:`read_pandas` a table as a polars LazyFrame or pandas DataFrame, :func:`validate` checks a
corpus folder, :func:`load_scheme` gives the annotation scheme.

``import peacetalks`` imports nothing but this module: each name is imported on first use
(``validate`` imports polars and pyarrow; ``load`` imports ``datasets``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from peacetalks._version import __version__ as __version__  # re-exported: peacetalks.__version__

if TYPE_CHECKING:
    from peacetalks.errors import PeaceTalksError, ValidationFailed
    from peacetalks.loading.frames import read_pandas, scan
    from peacetalks.loading.load import load
    from peacetalks.schema.scheme import load_scheme
    from peacetalks.validation.report import Issue, Report
    from peacetalks.validation.validate import validate, validate_frames

__all__ = [
    "Issue",
    "PeaceTalksError",
    "Report",
    "ValidationFailed",
    "load",
    "load_scheme",
    "read_pandas",
    "scan",
    "validate",
    "validate_frames",
]

# public name -> the module that defines it
_LAZY = {
    "Issue": "peacetalks.validation.report",
    "PeaceTalksError": "peacetalks.errors",
    "Report": "peacetalks.validation.report",
    "ValidationFailed": "peacetalks.errors",
    "load": "peacetalks.loading.load",
    "load_scheme": "peacetalks.schema.scheme",
    "read_pandas": "peacetalks.loading.frames",
    "scan": "peacetalks.loading.frames",
    "validate": "peacetalks.validation.validate",
    "validate_frames": "peacetalks.validation.validate",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use, then keep the name here (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'peacetalks' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
