"""Requests to the Hugging Face Hub with a timeout.

huggingface_hub's shared HTTP client has no timeout of its own (only its file downloads honour
``HF_HUB_ETAG_TIMEOUT`` and ``HF_HUB_DOWNLOAD_TIMEOUT``), so a Hub that accepts a connection and
never answers would make a ``load()`` from the Hub or a ``publish`` wait forever. Inside
:func:`hub_timeout` every request of that client gives up after ``seconds`` without progress
(connect, read, write, or waiting for a connection); the client's own setting is restored after.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

DEFAULT_TIMEOUT = 60.0  # seconds without progress on one Hub request before giving up


@contextlib.contextmanager
def hub_timeout(seconds: float | None = None) -> Iterator[None]:
    """Give every request of huggingface_hub's shared HTTP client a timeout of ``seconds`` (default
    :data:`DEFAULT_TIMEOUT`)."""
    from huggingface_hub import get_session

    if seconds is None:
        seconds = DEFAULT_TIMEOUT

    session = get_session()
    before = session.timeout
    session.timeout = seconds
    try:
        yield
    finally:
        session.timeout = before
