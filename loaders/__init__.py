"""PeaceTalks-DE: a German news corpus on the diplomacy of Russia's war against Ukraine.

Library entry points: :func:`load` gives a config as ``datasets`` splits, :func:`scan` and
:func:`read_pandas` a table as a polars LazyFrame or pandas DataFrame, :func:`validate` checks a
corpus folder, :func:`load_scheme` gives the annotation scheme.
"""

from typing import TYPE_CHECKING, Any

from peacetalks.errors import PeaceTalksError, ValidationFailed

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
    from peacetalks.schema.scheme import load_scheme
    from peacetalks.validation.report import Issue, Report
    from peacetalks.validation.validate import validate, validate_frames

_LAZY = {
    "load": "peacetalks.loading.load",
    "scan": "peacetalks.loading.frames",
    "read_pandas": "peacetalks.loading.frames",
    "load_scheme": "peacetalks.schema.scheme",
    "Issue": "peacetalks.validation.report",
    "Report": "peacetalks.validation.report",
    "validate": "peacetalks.validation.validate",
    "validate_frames": "peacetalks.validation.validate",
}


def __getattr__(name: str) -> Any:
    """Everything but the errors imports polars, pandera or ``datasets``: each is imported on first use only,
    so that ``import peacetalks`` (and with it the command line) starts fast."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'peacetalks' has no attribute {name!r}")
