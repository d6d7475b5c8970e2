"""Articles as JSONL records, one article a line, as a scraper writes them (the fields: README, "Adding articles").

A record is a JSON object with the fields of :class:`Record`; a field it does not know is refused, never
ignored, since a misspelt ``licence`` would otherwise give the article the default licence without a
word. Every text field is read as the raw form's lines are (:func:`peacetalks.text.normalise.normalise_raw`,
control characters refused) and the article is built by the same
:func:`peacetalks.ingest.raw_article.build_article`: caption, credit, kicker, headline, teaser, then the
body in order. Each record's problems are reported together, naming the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

from peacetalks.errors import IngestError, shown
from peacetalks.ingest.raw_article import RawArticle, build_article
from peacetalks.text.normalise import control_characters, normalise_raw, normalise_text

BODY_KINDS = ("paragraph", "subheading", "teaser")


class BodyBlock(BaseModel):
    """One block of ``blocks``: its kind and its text."""

    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["paragraph", "subheading", "teaser"]
    text: StrictStr


class Record(BaseModel):
    """The fields of one JSONL record. ``headline`` and a body (``paragraphs`` or ``blocks``) are required."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    headline: StrictStr
    kicker: StrictStr | None = None
    teaser: StrictStr | None = None
    paragraphs: list[StrictStr] | None = None
    blocks: list[BodyBlock] | None = None
    date: StrictStr | None = None  # YYYY-MM-DD, or an ISO 8601 date and time (its date is taken)
    url: StrictStr | None = None
    author: StrictStr | list[StrictStr] | None = None
    license: Annotated[StrictStr | None, Field(alias="licence")] = None
    source: StrictStr | None = None
    story_id: StrictStr | None = None
    image_url: StrictStr | None = None
    caption: StrictStr | None = None
    credit: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_spelling_of_license(cls, data: Any) -> Any:  # pydantic passes the raw value
        if isinstance(data, dict) and "license" in data:
            if "licence" in data:
                raise ValueError("give the licence once, as 'licence' or 'license'")
            data = {**data, "licence": data["license"]}
            del data["license"]
        return data

    @model_validator(mode="after")
    def _one_body(self) -> Record:
        if (self.paragraphs is None) == (self.blocks is None):
            raise ValueError("give the body once: 'paragraphs' (a list of strings) or 'blocks' (kind and text)")
        return self


@dataclass(frozen=True)
class RecordArticle:
    """A record read: the article, its metadata (None where the record has none), its line and its bytes."""

    line: int
    article: RawArticle
    raw: bytes
    published: dt.date | None
    url: str | None
    author: str | None
    license: str | None
    source: str | None
    story_id: str | None


def _clean(value: str, field: str, path: str, line: int) -> str:
    """A field's text as the corpus keeps it: one line, normalised; control characters refused."""
    found = control_characters(normalise_text(value))
    if found:
        raise IngestError(
            "control-character",
            f"field {field} holds {len(found)} control character(s), the first {found[0][2]}; remove them",
            path=path,
            line=line,
            data={"field": field, "characters": [{"char": ch} for _, _, ch in found]},
        )
    return " ".join(normalise_raw(value).split())


def _date(value: str | None, path: str, line: int) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else dt.date.fromisoformat(value)
    except ValueError:
        raise IngestError(
            "bad-record",
            f"field date: expected YYYY-MM-DD (or an ISO 8601 date and time), found {shown(value)}",
            path=path,
            line=line,
            data={"fields": [{"field": "date", "expected": "YYYY-MM-DD", "found": shown(value)}]},
        ) from None


def _problems(exc: ValidationError) -> list[dict[str, str]]:
    found = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-")) or "(the record)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "not a field of a record (see the README for the fields)"
        found.append({"field": loc.replace("licence", "license"), "expected": message, "found": shown(err["input"])})
    return found


def _record(data: object, path: str, line: int) -> Record:
    if not isinstance(data, dict):
        raise IngestError("bad-record", f"expected a JSON object, found {shown(data)}", path=path, line=line)
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc)
        listed = "; ".join(f"{p['field']}: {p['expected']}" for p in problems)
        raise IngestError(
            "bad-record", f"{len(problems)} problem(s): {listed}", path=path, line=line, data={"fields": problems}
        ) from None


def _article(record: Record, path: str, line: int) -> RawArticle:
    chunks: list[tuple[str, str, int]] = []

    def add(kind: str, value: str | None, field: str) -> str:
        text = "" if value is None else _clean(value, field, path, line)
        if text:
            chunks.append((kind, text, line))
        return text

    add("caption", record.caption, "caption")
    add("credit", record.credit, "credit")
    kicker = add("kicker", record.kicker, "kicker")
    headline = add("headline", record.headline, "headline")
    add("teaser", record.teaser, "teaser")
    body = [("paragraph", p) for p in record.paragraphs or []] + [(b.kind, b.text) for b in record.blocks or []]
    field = "paragraphs" if record.paragraphs is not None else "blocks"
    added = [add(kind, text, f"{field}[{i}]") for i, (kind, text) in enumerate(body)]  # every block, in order
    empty = [name for name, missing in (("headline", not headline), (field, not any(added))) if missing]
    if empty:
        raise IngestError(
            "bad-record",
            f"field {' and field '.join(empty)} {'holds' if len(empty) == 1 else 'hold'} no text: an article needs a "
            "headline and a body",
            path=path,
            line=line,
            data={"fields": [{"field": name, "expected": "text", "found": "nothing"} for name in empty]},
        )
    return build_article(chunks, kicker=kicker, headline=headline, image_url=record.image_url)


def read_record(line_bytes: bytes, path: str, line: int) -> RecordArticle:
    """One line of a JSONL file as an article; IngestError (``bad-record``, ...) naming the file and line."""
    try:
        data = json.loads(line_bytes.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError("not-utf8", f"not UTF-8 text: {exc.reason}", path=path, line=line) from None
    except json.JSONDecodeError as exc:
        raise IngestError("bad-record", f"not JSON: {exc.msg} (column {exc.colno})", path=path, line=line) from None
    except RecursionError:
        raise IngestError("bad-record", "JSON nested too deeply", path=path, line=line) from None
    record = _record(data, path, line)
    authors = [record.author] if isinstance(record.author, str) else record.author or []
    author = ", ".join(a for a in (_clean(a, "author", path, line) for a in authors) if a) or None
    return RecordArticle(
        line=line,
        article=_article(record, path, line),
        raw=line_bytes.rstrip(b"\r\n") + b"\n",
        published=_date(record.date, path, line),
        url=record.url,
        author=author,
        license=record.license,
        source=record.source,
        story_id=record.story_id,
    )


def read_records(data: bytes, path: str) -> Iterator[RecordArticle | IngestError]:
    """Every non-blank line of a JSONL file: its article, or the error that refuses it (the others go on)."""
    for number, line_bytes in enumerate(data.split(b"\n"), start=1):
        if not line_bytes.strip():
            continue
        try:
            yield read_record(line_bytes.removeprefix(b"\xef\xbb\xbf") if number == 1 else line_bytes, path, number)
        except IngestError as exc:
            yield exc
