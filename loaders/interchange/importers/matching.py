"""Match parsed tool documents to corpus articles, and check that their texts agree.

A tool document is matched by the ``doc_id`` given by the caller (``doc=``, for a
single document), else by its own name (file stem, task or document name); if no article has
that id, by text: the one article whose text equals the tool's normalised text.

The tool's text must equal the article's text after :func:`peacetalks.text.normalise.normalise_text`.
Offsets are never shifted silently: the only conversions made are for CR LF line ends and a
leading byte-order mark in a brat ``.txt`` (the tool counted characters the corpus does not
have); each is listed in the import's notes. A text that
differs otherwise – also one that NFC normalisation would change – is an error that shows
where the texts diverge.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from peacetalks.errors import shown
from peacetalks.interchange._problems import problem
from peacetalks.interchange.document import ToolDocument
from peacetalks.text.normalise import normalise_text
from peacetalks.validation.report import Issue

_CONTEXT = 20
BOM = "\ufeff"


@dataclass
class Match:
    tool: ToolDocument
    doc_id: str
    text: str
    shift: Callable[[int], int]
    converted_line_ends: bool = False


def divergence(a: str, b: str) -> int | None:
    """The first index where ``a`` and ``b`` differ (or the shorter length); None if equal."""
    if a == b:
        return None
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def describe_divergence(tool_text: str, article_text: str) -> str:
    pos = divergence(tool_text, article_text)
    if pos is None:
        return "the texts are equal"
    line = article_text.count("\n", 0, pos) + 1
    col = pos - (article_text.rfind("\n", 0, pos) + 1) + 1
    lo = max(0, pos - _CONTEXT)
    return (
        f"texts diverge at character {pos} (line {line}, column {col}): "
        f"tool has {tool_text[lo : pos + _CONTEXT]!r}, article has {article_text[lo : pos + _CONTEXT]!r} "
        f"(lengths {len(tool_text)} and {len(article_text)})"
    )


def _dropped(raw: str) -> list[int]:
    """Indices the corpus form drops: a leading byte-order mark and the CR of each CR LF."""
    lead = [0] if raw.startswith(BOM) else []
    return lead + [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]


def crlf_shift(raw: str) -> Callable[[int], int]:
    """Offset conversion from ``raw`` to ``raw`` without a leading BOM and with every CR LF turned into LF."""
    dropped = _dropped(raw)
    if not dropped:
        return lambda i: i
    return lambda i: i - bisect.bisect_left(dropped, i)


def _without_dropped(raw: str) -> str:
    return raw.removeprefix(BOM).replace("\r\n", "\n")


def _fill_gaps(tool: ToolDocument, article: str) -> str:
    """The tool's text with its unrecorded gaps taken from the article, where the article has whitespace."""
    if len(tool.text) != len(article):
        return normalise_text(tool.text.removeprefix(BOM))
    chars = list(tool.text)
    for start, end in tool.gaps:
        if article[start:end].strip() == "":
            chars[start:end] = article[start:end]
    tool.text = "".join(chars)
    return normalise_text(tool.text.removeprefix(BOM))


def match_documents(
    tools: Sequence[ToolDocument], articles: pl.DataFrame, *, doc: str | None = None
) -> tuple[list[Match], list[Issue]]:
    """Pair each tool document with its article; ``articles`` has at least doc_id and text."""
    issues: list[Issue] = []
    matches: list[Match] = []
    if doc is not None and len(tools) != 1:
        issues.append(
            problem(
                "ambiguous-doc-option",
                tools[0].source if tools else "<input>",
                None,
                f"doc names one article but the input holds {len(tools)} documents",
            )
        )
        return [], issues
    texts: dict[str, str] = dict(zip(articles["doc_id"].to_list(), articles["text"].to_list(), strict=True))
    seen: dict[str, str] = {}
    for tool in tools:
        normalised = normalise_text(tool.text.removeprefix(BOM))
        doc_id = doc or tool.doc_id
        if doc_id not in texts:
            by_text = [k for k, v in texts.items() if v == normalised]
            if len(by_text) != 1:
                issues.append(
                    problem(
                        "unknown-article",
                        tool.source,
                        None,
                        f"document {shown(tool.doc_id)} is not an article of the corpus and its text matches "
                        f"{len(by_text)} articles; name the article it belongs to",
                        doc_id=tool.doc_id,
                    )
                )
                continue
            doc_id = by_text[0]
        if doc_id in seen:
            issues.append(
                problem(
                    "duplicate-document",
                    tool.source,
                    None,
                    f"article {doc_id} is given twice (also by {seen[doc_id]}); an export holding several "
                    "annotators' work needs one annotator chosen",
                    doc_id=doc_id,
                )
            )
            continue
        seen[doc_id] = tool.source
        article = texts[doc_id]
        if normalised != article and tool.gaps:
            normalised = _fill_gaps(tool, article)
        if normalised != article:
            issues.append(
                problem(
                    "text-mismatch",
                    tool.source,
                    None,
                    f"the tool's text is not the article's: {describe_divergence(normalised, article)}",
                    doc_id=doc_id,
                )
            )
            continue
        without_cr = _without_dropped(tool.text)
        if without_cr.replace("\r", "\n") != article:
            pos = divergence(without_cr.replace("\r", "\n"), article)
            issues.append(
                problem(
                    "text-not-normalised",
                    tool.source,
                    None,
                    f"the tool's text differs from the article by Unicode normalisation (NFC) at character "
                    f"{pos}; offsets cannot be carried over: export the text in NFC",
                    doc_id=doc_id,
                )
            )
            continue
        matches.append(Match(tool, doc_id, article, crlf_shift(tool.text), without_cr != tool.text))
    return matches, issues
