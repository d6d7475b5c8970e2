"""Limits that keep an import's cost bounded by its input: crossing checks, digits in regexes, shown values."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from peacetalks.errors import shown
from peacetalks.validation.checks import rules
from peacetalks.validation.checks._issues import ROW
from tests.conftest import PROJECT


def _nested(n: int) -> pl.DataFrame:
    """``n`` NAME mentions in one document, each starting one after the other and all ending together."""
    starts = np.arange(n)
    return pl.DataFrame(
        {
            "doc_id": ["d"] * n,
            "mention_id": [f"m{i}" for i in range(n)],
            "start": starts,
            "end": np.full(n, 10 * n),
        }
    ).with_row_index(ROW)


def test_stacked_mentions_beyond_the_pair_limit_give_one_issue_not_a_blow_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """More distant pairs than CROSSING_PAIR_LIMIT are not enumerated: one too-many-overlaps issue per document.

    Below the limit the same mentions are compared pair by pair (nested, so no issue).
    """
    assert rules._crossing_issues(_nested(60), "e.parquet") == []  # the check itself, on a frame
    monkeypatch.setattr(rules, "CROSSING_PAIR_LIMIT", 100)
    issues = rules._crossing_issues(_nested(60), "e.parquet")
    assert [(i.code, i.record_id) for i in issues] == [("too-many-overlaps", "m0")]


_REGEX_CALLS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}


def _regex_literals(path: Path) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.args[0].value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _REGEX_CALLS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def test_no_regex_of_the_package_uses_unicode_digit_classes() -> None:
    r"""``\d`` matches Arabic-Indic and other digits that int() then reads: every regex says [0-9]."""
    offenders = [
        f"{path.relative_to(PROJECT)}:{line}: {pattern}"
        for folder in ("loaders", "schema")
        for path in sorted((PROJECT / folder).rglob("*.py"))
        for line, pattern in _regex_literals(path)
        if re.search(r"\\[dD]", pattern)
    ]
    assert offenders == []


def test_shown_cuts_long_strings_and_deep_containers() -> None:
    assert shown("abc") == "'abc'"
    long = shown("x" * 10_000)
    assert len(long) < 100
    assert long.endswith("(10,000 characters)")
    deep: list[object] = []
    for _ in range(10_000):
        deep = [deep, deep]
    assert len(shown(deep)) <= 70
