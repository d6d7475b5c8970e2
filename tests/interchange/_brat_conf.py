"""A reader of brat's annotation.conf, as brat parses it, for tests: the declared attributes."""

from __future__ import annotations

import re

Declared = dict[str, tuple[str, set[str] | None]]  # attribute -> (what it attaches to, its values or None: binary)


def attributes(conf: str) -> Declared:
    """The ``[attributes]`` section: each line ``Name<space>Arg:X, Value:a|b`` (no Value: a binary attribute)."""
    found: Declared = {}
    section = None
    for line in conf.splitlines():
        header = re.match(r"^\s*\[(.*)\]\s*$", line)
        if header:
            section = header[1]
            continue
        if section != "attributes" or not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^(\S+)(?:\s+(.*))?$", line.strip())
        assert m, line
        args = dict(a.strip().split(":", 1) for a in (m[2] or "").split(",") if a.strip())
        values = set(args["Value"].split("|")) if "Value" in args else None
        found[m[1]] = (args["Arg"], values)
    return found
