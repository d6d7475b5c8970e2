"""PeaceTalks-DE: a German news corpus on the diplomacy of Russia's war against Ukraine.

Library entry points: :func:`load` gives a config as ``datasets`` splits, :func:`scan` and
:func:`read_pandas` a table as a polars LazyFrame or pandas DataFrame, :func:`validate` checks a
corpus folder, :func:`load_scheme` gives the annotation scheme.
"""

from typing import TYPE_CHECKING, Any

from peacetalks.errors import PeaceTalksError, ValidationFailed
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
__version__ = "0.1.0"

if TYPE_CHECKING:
    from peacetalks.loading.frames import read_pandas, scan
    from peacetalks.loading.load import load

_LAZY = {
    "load": "peacetalks.loading.load",
    "scan": "peacetalks.loading.frames",
    "read_pandas": "peacetalks.loading.frames",
}


def __getattr__(name: str) -> Any:
    """``load``, ``scan`` and ``read_pandas`` import ``datasets``; import them on first use only."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'peacetalks' has no attribute {name!r}")
