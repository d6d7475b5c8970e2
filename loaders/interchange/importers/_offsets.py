"""Offset helpers shared by the format modules: UTF-16 code units and span checks."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from peacetalks.errors import shown
from peacetalks.interchange._problems import problem
from peacetalks.interchange.document import ToolDocument
from peacetalks.validation.report import Issue


def utf16_to_codepoints(text: str) -> Callable[[int], int]:
    """Convert a UTF-16 code-unit offset into ``text`` to a code-point (Python) offset.

    Each character outside the Basic Multilingual Plane takes two code units; an offset that
    falls between the two halves of a surrogate pair is rounded down to the character.
    """
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return lambda u: u
    # code-unit position where each astral character starts
    unit_starts = [i + k for k, i in enumerate(astral)]

    def convert(units: int) -> int:
        # astral characters that start before this unit offset each used one extra unit
        return units - bisect.bisect_left(unit_starts, units)

    return convert


def check_span_texts(doc: ToolDocument) -> list[Issue]:
    """Spans that leave the text, or whose recorded text differs from the text they cover."""
    issues: list[Issue] = []
    size = len(doc.text)
    for span in doc.spans:
        if span.start < 0 or span.end > size or any(s > e for s, e in span.fragments):
            issues.append(
                problem(
                    "span-out-of-bounds",
                    doc.source,
                    span.line,
                    f"{span.id} ({span.label}) spans {span.start}-{span.end} but the text has {size} characters",
                    record_id=span.id,
                    doc_id=doc.doc_id,
                )
            )
        elif span.text is not None and span.covered(doc.text) != span.text:
            hint = _utf16_hint(doc.text, span.start, span.end, span.text)
            issues.append(
                problem(
                    "span-text-mismatch",
                    doc.source,
                    span.line,
                    f"{span.id} ({span.label}) at {span.start}-{span.end} covers {shown(span.covered(doc.text))} "
                    f"but the tool recorded {shown(span.text)}{hint}",
                    record_id=span.id,
                    value=span.text,
                    doc_id=doc.doc_id,
                )
            )
    return issues


def _utf16_hint(text: str, start: int, end: int, recorded: str) -> str:
    units = text.encode("utf-16-le")
    if end * 2 <= len(units) and units[start * 2 : end * 2].decode("utf-16-le", errors="replace") == recorded:
        return " (the offsets fit if read as UTF-16 code units, as Label Studio wrote them before 2022)"
    return ""
