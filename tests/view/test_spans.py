"""Annotations nested into markup: every piece in place, every annotation's pieces adding up to its text."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.view.spans import PRIORITY, Span, nest, render


class _Pieces(HTMLParser):
    """The text of the page, and the text inside each element with a ``data-id``."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.open: list[str | None] = []
        self.pieces: dict[str, list[str]] = {}

    def handle_starttag(self, _tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(dict(attrs).get("data-id"))

    def handle_endtag(self, _tag: str) -> None:
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for span_id in {i for i in self.open if i is not None}:
            self.pieces.setdefault(span_id, []).append(data)


def _parse(markup: str) -> _Pieces:
    parser = _Pieces()
    parser.feed(markup)
    parser.close()
    return parser


def _span(start: int, end: int, kind: str, name: str) -> Span:
    return Span(start, end, kind, "span", kind, (("data-id", name),))


def test_a_crossing_span_is_cut_where_it_crosses() -> None:
    text = "Donald Trump telefoniert mit Putin."
    spans = [_span(0, 12, "mention", "m1"), _span(7, 24, "stance", "s1")]
    markup = render(text, nest(len(text), spans))
    assert markup == (
        '<span class="mention" data-id="m1">Donald <span class="stance" data-id="s1">Trump</span></span>'
        '<span class="stance" data-id="s1" data-part="1"> telefoniert</span> mit Putin.'
    )


def test_same_extent_nests_by_priority_and_text_is_escaped() -> None:
    text = "a<b> & c"
    spans = [_span(0, 4, "trigger", "t"), _span(0, 4, "mention", "m")]
    markup = render(text, nest(len(text), spans))
    assert markup.startswith('<span class="mention" data-id="m"><span class="trigger" data-id="t">a&lt;b&gt;')
    assert markup.endswith(" &amp; c")


@st.composite
def _article(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet="ab <&\n", min_size=1, max_size=60))
    bounds = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted)
    kinds = st.sampled_from(sorted(PRIORITY))
    raw = draw(st.lists(st.tuples(bounds, kinds), max_size=12))
    return text, [_span(b[0], b[1], k, f"x{i}") for i, (b, k) in enumerate(raw)]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_article())
def test_markup_keeps_the_text_and_each_span_covers_its_own_characters(article: tuple[str, list[Span]]) -> None:
    text, spans = article
    parsed = _parse(render(text, nest(len(text), spans)))
    assert "".join(parsed.text) == text
    for span in spans:
        covered = "".join(parsed.pieces.get(span.attrs[0][1], []))
        assert covered == text[span.start : span.end]
