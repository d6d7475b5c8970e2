"""Parse an article in the raw tagesschau form into text and structure blocks.

The raw form, one block per line:

1. a Markdown image ``![CAPTION | CREDIT TITLE](IMAGE_URL)``;
2. the kicker and the headline run together;
3. the teaser;
4. paragraphs and subheadings (short lines without final punctuation).

The article's ``text`` is the blocks joined by ``\\n`` in file order, NFC-normalised, each
line stripped of surrounding white space; every block is a code-point span into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from peacetalks.errors import IngestError
from peacetalks.storage.paths import check_path
from peacetalks.text.normalise import control_characters, normalise_raw, normalise_text

_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]+)\)$")
# Words that cannot end a kicker: articles, prepositions and conjunctions.
_FUNCTION_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "und",
        "oder",
        "aber",
        "über",
        "für",
        "mit",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "in",
        "im",
        "an",
        "am",
        "auf",
        "aus",
        "bei",
        "nach",
        "vor",
        "gegen",
        "ohne",
        "um",
        "durch",
        "bis",
        "seit",
        "unter",
        "zwischen",
        "wegen",
        "trotz",
        "als",
        "wie",
        "nicht",
        "kein",
        "keine",
    ]
)
_FINAL_PUNCTUATION = tuple(".!?:;\"“”'»«…)")
SUBHEADING_MAX_CHARS = 100
SUBHEADING_MAX_WORDS = 12


@dataclass(frozen=True)
class Block:
    kind: str
    start: int
    end: int
    source_line: int


@dataclass
class RawArticle:
    """The result of parsing: the text, its blocks and the image metadata."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    kicker: str = ""
    headline: str = ""
    image_url: str | None = None

    def block_text(self, kind: str) -> list[str]:
        return [self.text[b.start : b.end] for b in self.blocks if b.kind == kind]


def split_kicker(line: str) -> tuple[str, str] | None:
    """Split "Telefonat über Verhandlungen Trump und Putin ..." into kicker and headline.

    The kicker ends at the first word boundary where the next word starts with a capital
    letter and the kicker's last word is not a function word. Returns None when the line
    offers no such boundary.
    """
    words = line.split(" ")
    for i in range(1, len(words)):
        last, nxt = words[i - 1], words[i]
        if nxt[:1].isupper() and last.lower() not in _FUNCTION_WORDS and last:
            return " ".join(words[:i]), " ".join(words[i:])
    return None


def _is_subheading(line: str) -> bool:
    return (
        len(line) <= SUBHEADING_MAX_CHARS
        and len(line.split()) <= SUBHEADING_MAX_WORDS
        and not line.endswith(_FINAL_PUNCTUATION)
    )


def _refuse_control_characters(text: str, path: Path | str, what: str) -> None:
    found = control_characters(normalise_text(text))
    if found:
        listed = ", ".join(f"line {line} column {column} ({char})" for line, column, char in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise IngestError(
            "control-character",
            f"{what} holds {len(found)} control character(s): {listed}{more}; remove them (an article is printable "
            "text, tabs and line breaks)",
            path=str(path),
            line=found[0][0],
            data={"characters": [{"line": ln, "column": col, "char": ch} for ln, col, ch in found]},
        )


def parse_raw_article(raw: str, path: Path | str, *, kicker: str | None = None) -> RawArticle:
    """Parse the raw form. Raises IngestError naming the file and line on bad input."""
    _refuse_control_characters(raw, path, "the raw article")
    lines = [ln.strip() for ln in normalise_raw(raw).split("\n")]
    numbered = [(no, ln) for no, ln in enumerate(lines, start=1) if ln]
    if len(numbered) < 4:
        raise IngestError(
            "too-few-lines",
            f"expected an image line, a kicker+headline line, a teaser and at least one "
            f"paragraph; found {len(numbered)} non-empty line(s)",
            path=str(path),
            line=len(lines),
        )
    (img_no, img_line), (head_no, head_line), (teaser_no, teaser), *body = numbered
    match = _IMAGE.match(img_line)
    if match is None:
        raise IngestError(
            "bad-image-line",
            f"expected a Markdown image '![CAPTION | CREDIT TITLE](URL)', got {img_line[:60]!r}",
            path=str(path),
            line=img_no,
        )
    caption, _, credit_title = (p.strip() for p in match["alt"].partition("|"))
    credit = credit_title
    if caption and credit_title.endswith(caption):
        credit = credit_title[: -len(caption)].strip() or credit_title
    if not caption:
        raise IngestError("bad-image-line", "the image has no caption before '|'", path=str(path), line=img_no)

    if kicker is not None:
        _refuse_control_characters(kicker, path, "the kicker given")
        kicker = normalise_raw(kicker).strip()
        if not head_line.startswith(kicker + " "):
            raise IngestError(
                "bad-kicker",
                f"the kicker {kicker!r} is not a prefix of line {head_no}: {head_line[:80]!r}",
                path=str(path),
                line=head_no,
                data={"option": "kicker", "kicker": kicker},
            )
        parts: tuple[str, str] | None = (kicker, head_line[len(kicker) + 1 :].strip())
    else:
        parts = split_kicker(head_line)
    if parts is None:
        raise IngestError(
            "no-kicker-split",
            f"cannot split kicker and headline in {head_line!r}; give the kicker",
            path=str(path),
            line=head_no,
            data={"option": "kicker"},
        )

    chunks: list[tuple[str, str, int]] = []
    chunks.append(("caption", caption, img_no))
    if credit:
        chunks.append(("credit", credit, img_no))
    chunks += [("kicker", parts[0], head_no), ("headline", parts[1], head_no)]
    chunks.append(("teaser", teaser, teaser_no))
    for no, line in body:
        chunks.append(("subheading" if _is_subheading(line) else "paragraph", line, no))

    return build_article(chunks, kicker=parts[0], headline=parts[1], image_url=match["url"])


def build_article(
    chunks: list[tuple[str, str, int]], *, kicker: str, headline: str, image_url: str | None = None
) -> RawArticle:
    """The article of ``chunks`` (block kind, its text, the line of the source it came from), in order.

    The text is the chunks joined by ``\\n``; every block is a code-point span into it. Every input form
    (the raw form, a JSONL record, a saved page) ends here, so all of them make the same structure.
    """
    pieces: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for kind, content, no in chunks:
        blocks.append(Block(kind, offset, offset + len(content), no))
        pieces.append(content)
        offset += len(content) + 1
    return RawArticle(text="\n".join(pieces), blocks=blocks, kicker=kicker, headline=headline, image_url=image_url)


def read_raw_article(path: Path, *, kicker: str | None = None) -> RawArticle:
    check_path(path, "file", "the raw article")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise IngestError("file-not-found", "no such file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise IngestError("not-utf8", f"not UTF-8 text: {exc.reason}", path=str(path), line=line) from None
    return parse_raw_article(raw, path, kicker=kicker)
