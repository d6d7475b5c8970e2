"""PeaceTalks-DE: a German news corpus on the diplomacy of Russia's war against Ukraine.

Library entry points: :func:`validate` checks a corpus folder, :func:`load_scheme` gives the
annotation scheme.
"""

from peacetalks.errors import PeaceTalksError, ValidationFailed
from peacetalks.report import Issue, Report
from peacetalks.scheme import load_scheme
from peacetalks.validate import validate, validate_frames

__all__ = [
    "Issue",
    "PeaceTalksError",
    "Report",
    "ValidationFailed",
    "load_scheme",
    "validate",
    "validate_frames",
]
__version__ = "0.1.0"
