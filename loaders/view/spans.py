"""Annotations of one article as nested markup: mentions, triggers, arguments and evidence inside blocks.

HTML elements nest; annotations need not (a stance's evidence may start inside a mention, an argument
may cross a block). Every span is placed in a tree: sorted by start, longest first, a span that
crosses the end of the span it starts in is cut there, and its rest is placed again from that point
on. Each piece keeps the span's attributes and gets ``data-part``, so the pieces of one annotation
are found by its id (``data-mention``, ``data-event``, ...) and their texts add up to its text.
Blocks are the outermost spans, so no annotation element crosses a paragraph.

displaCy renders entity spans from character offsets, but neither nests its ``ent`` style nor carries
the ids and links an article page needs (entity of a mention, arguments of a trigger, holder of a
stance); this module does only that.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# The order of spans that cover exactly the same characters: outer first.
PRIORITY = {"block": 0, "stance": 1, "argument": 2, "mention": 3, "trigger": 4, "diff": 5}


@dataclass(frozen=True)
class Span:
    """One annotation (or block) over ``text[start:end]``, rendered as ``<tag class=... attrs...>``."""

    start: int
    end: int
    kind: str  # a key of PRIORITY
    tag: str
    classes: str
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass
class _Node:
    span: Span | None
    start: int
    end: int
    part: int = 0
    children: list[_Node] = field(default_factory=list)


def nest(text_length: int, spans: list[Span]) -> _Node:
    """The tree of ``spans`` (cut where they cross) under a root covering ``[0, text_length)``."""
    root = _Node(None, 0, text_length)
    queue: list[tuple[int, int, int, int, int, Span]] = []
    for seq, span in enumerate(spans):
        if span.start < span.end:
            heapq.heappush(queue, (span.start, -span.end, PRIORITY[span.kind], seq, 0, span))
    stack = [root]
    while queue:
        start, neg_end, prio, seq, part, span = heapq.heappop(queue)
        end = -neg_end
        while len(stack) > 1 and stack[-1].end <= start:
            stack.pop()
        parent = stack[-1]
        if end > parent.end:  # crosses its parent's end: cut here, place the rest again
            heapq.heappush(queue, (parent.end, -end, prio, seq, part + 1, span))
            end = parent.end
        node = _Node(span, start, end, part)
        parent.children.append(node)
        stack.append(node)
    return root


def render(text: str, node: _Node) -> Markup:
    """The markup of ``node``: its text with its children's elements in place."""
    out: list[str] = []
    at = node.start
    for child in node.children:
        out.append(escape(text[at : child.start]))
        out.append(_element(text, child))
        at = child.end
    out.append(escape(text[at : node.end]))
    return Markup("".join(out))


def _element(text: str, node: _Node) -> str:
    span = node.span
    assert span is not None  # only the root has no span
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in span.attrs)
    part = f' data-part="{node.part}"' if node.part else ""
    inner = render(text, node)
    return f'<{span.tag} class="{escape(span.classes)}"{attrs}{part}>{inner}</{span.tag}>'
