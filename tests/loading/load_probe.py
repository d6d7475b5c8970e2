"""Run in a fresh process (so ``HF_ENDPOINT`` is read at import): ``peacetalks.load`` one source, print the outcome.

Usage: python load_probe.py SOURCE [REVISION]. Prints JSON: ``{"code": ..., "data": ..., "message": ...}``
for a PeaceTalksError, ``{"type": ..., "message": ...}`` for any other exception, ``{"rows": n}`` otherwise.
"""

from __future__ import annotations

import json
import sys

import peacetalks
from peacetalks.errors import PeaceTalksError


def main() -> None:
    source = sys.argv[1]
    revision = sys.argv[2] if len(sys.argv) > 2 else None
    try:
        loaded = peacetalks.load("entities", "train", source=source, revision=revision)
    except PeaceTalksError as exc:
        print(json.dumps({"code": exc.code, "data": exc.data, "message": exc.message}))
    except Exception as exc:  # noqa: BLE001  # the probe reports whatever escaped, for the test to fail on
        print(json.dumps({"type": type(exc).__name__, "message": str(exc)}))
    else:
        print(json.dumps({"rows": len(loaded)}))


if __name__ == "__main__":
    main()
