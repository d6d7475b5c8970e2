"""Span checks: a span fits its article, and its stored text is what the article says there.

Article text is never joined onto an annotation table. The articles are read in batches of
``BATCH_DOCS``; for each batch the byte position of every code point is looked up once
(:class:`~peacetalks.validation.checks._utf8.ByteMap`) and the spans of every table that fall into the
batch are compared with it byte for byte, so memory stays bounded by one batch whatever the
size of the corpus. The rows that fail (a handful) are then sliced by code point and reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import polars as pl

from peacetalks.validation.checks import THREADS
from peacetalks.validation.checks._issues import ROW, issues_from
from peacetalks.validation.checks._utf8 import ByteMap, Int32s, Ints
from peacetalks.validation.report import Issue

BATCH_DOCS = 2_000
_DOC_INDEX = "__doc"
_LEN = "__len"
_POS = "__pos"  # the row's position in the frame given to span_issues
_COVERED = "__covered"


@dataclass(frozen=True)
class SpanSpec:
    file: str
    id_column: str
    start: str
    end: str
    text: str | None  # the stored covered text, if the table has one
    optional: bool = False  # span columns may be null (event arguments that point at mentions)


def article_index(articles: pl.DataFrame) -> pl.DataFrame:
    """doc_id -> position and text length, computed once per validation run."""
    return articles.select(
        "doc_id",
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(_DOC_INDEX),
        pl.col("text").str.len_chars().cast(pl.Int64).alias(_LEN),
    ).unique("doc_id", keep="first")


def covered_text(
    articles: pl.DataFrame, index: pl.DataFrame, spans: pl.DataFrame, start: str, end: str
) -> pl.DataFrame:
    """``text[start:end]`` for each span row of a known doc_id, as a frame of ``__row`` and ``__covered``.

    Batch by batch of ``BATCH_DOCS`` articles, each span picking its article's text by position
    (so an article whose doc_id repeats is not sliced twice).
    """
    located = spans.select(ROW, "doc_id", start, end).join(index.select("doc_id", _DOC_INDEX), on="doc_id")
    located = located.with_columns((pl.col(_DOC_INDEX) // BATCH_DOCS).alias("__batch"))
    parts = []
    for (batch,), part in located.partition_by("__batch", as_dict=True).items():
        first = int(batch) * BATCH_DOCS
        texts = articles["text"].slice(first, BATCH_DOCS).gather(part[_DOC_INDEX] - first)
        parts.append(
            part.with_columns(texts.alias("__text")).select(
                ROW, pl.col("__text").str.slice(pl.col(start), pl.col(end) - pl.col(start)).alias(_COVERED)
            )
        )
    if not parts:
        return pl.DataFrame(schema={ROW: pl.UInt32, _COVERED: pl.String})
    return pl.concat(parts)


@dataclass
class _Spans:
    """The valid spans of one table as numpy arrays, ordered by article."""

    df: pl.DataFrame
    spec: SpanSpec
    pos: Int32s  # row in ``df``
    doc: Int32s  # the article's row
    start: Int32s
    end: Int32s
    bounds: Ints  # rows of batch k are ``bounds[k]:bounds[k + 1]``

    @classmethod
    def of(cls, df: pl.DataFrame, spec: SpanSpec, valid: pl.DataFrame, n_articles: int) -> _Spans:
        # Four int32 per span (``valid`` holds them so: offsets of valid spans are at most a text's
        # length); the arrays of every table are held at once, for one pass over the articles.
        pos, doc, start, end = (valid.to_series(i).to_numpy() for i in range(4))
        if doc.size > 1 and bool(np.any(doc[1:] < doc[:-1])):  # tables are stored sorted: rarely taken
            order = np.argsort(doc, kind="stable")
            pos, doc, start, end = pos[order], doc[order], start[order], end[order]
        edges = np.arange(0, n_articles + BATCH_DOCS, BATCH_DOCS)
        return cls(df, spec, pos, doc, start, end, np.searchsorted(doc, edges).astype(np.int64))

    def failing(self, batch: int, first: int, texts: ByteMap) -> tuple[Ints, Ints, Ints]:
        """Rows (in ``df``) of this batch whose text differs or has white space at an end; whose start
        and whose end falls inside a word (a letter or digit on both sides of the boundary)."""
        part = slice(int(self.bounds[batch]), int(self.bounds[batch + 1]))
        if part.start == part.stop:
            return _NONE, _NONE, _NONE
        doc = self.doc[part].astype(np.int64) - first
        start, stop = self.start[part].astype(np.int64), self.end[part].astype(np.int64)
        begin = texts.byte(doc, start)
        if self.spec.text is None:
            end = texts.byte(doc, stop)
            bad = texts.white_space_at(begin) | texts.white_space_at(texts.last_start(end))
        else:
            # The stored text is at ``begin`` and has e - s code points: then it is the span's text,
            # and white space at its ends is white space at the span's ends.
            stored = self.df[self.spec.text].gather(pl.Series(self.pos[part]))
            holds, end = texts.holds_at(begin, stored)
            missing = stored.is_null().to_numpy()
            if missing.any():  # no stored text to go by: find the span's end in the article
                end[missing] = texts.byte(doc[missing], stop[missing])
            chars = stored.str.len_chars().fill_null(0).to_numpy()
            fits = holds & (missing | (chars == stop - start))
            bad = ~fits | texts.white_space_at(begin) | texts.white_space_at(texts.last_start(end))
        rows = self.pos[part].astype(np.int64)
        text_begin, text_end = texts.text_bounds(doc)
        inside_start = (begin > text_begin) & texts.word_char_at(begin) & texts.word_char_at(texts.last_start(begin))
        inside_end = (end < text_end) & texts.word_char_at(end) & texts.word_char_at(texts.last_start(end))
        return rows[bad], rows[inside_start & ~bad], rows[inside_end & ~bad]


_NONE: Ints = np.zeros(0, dtype=np.int64)


def _failing_rows(articles: pl.DataFrame, tables: Sequence[_Spans]) -> list[tuple[Ints, Ints, Ints]]:
    """For each table, the rows of its valid spans whose covered text fails, and those with a boundary
    inside a word (start, end): see :meth:`_Spans.failing`.

    Batch by batch of articles, on a thread pool: numpy and polars release the GIL, and a batch
    holds only its own texts' byte map, so the memory in use is a few batches'.
    """

    def one_batch(batch: int) -> list[tuple[Ints, Ints, Ints]]:
        first = batch * BATCH_DOCS
        if not any(t.bounds[batch] < t.bounds[batch + 1] for t in tables):
            return [(_NONE, _NONE, _NONE) for _ in tables]  # no span here: no byte map needed
        texts = ByteMap(articles["text"].slice(first, BATCH_DOCS))
        return [table.failing(batch, first, texts) for table in tables]

    found: list[list[tuple[Ints, Ints, Ints]]] = [[] for _ in tables]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for rows in pool.map(one_batch, range(-(-articles.height // BATCH_DOCS))):
            for kept, part in zip(found, rows, strict=True):
                kept.append(part)
    return [
        (
            np.concatenate([r[0] for r in rows]) if rows else _NONE,
            np.concatenate([r[1] for r in rows]) if rows else _NONE,
            np.concatenate([r[2] for r in rows]) if rows else _NONE,
        )
        for rows in found
    ]


def _with_strings(failing: pl.DataFrame, df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Fetch string columns of ``df`` for the (few) failing rows, by their position in ``df``."""
    rows = failing[_POS]
    return failing.with_columns(df[c].gather(rows) for c in columns if c not in failing.columns)


def _locate(doc_ids: pl.Series, index: pl.DataFrame) -> list[pl.Series]:
    """Each row's article (its row in ``articles``) and text length; null for an unknown doc_id.

    Tables are sorted by doc_id, so each run of equal doc_ids is looked up once and the result
    spread over the run: no join copies the table.
    """
    run = doc_ids.rle_id()
    firsts = doc_ids.filter((run != run.shift(1)).fill_null(True))
    looked = firsts.to_frame("doc_id").join(index, on="doc_id", how="left", maintain_order="left")
    return [looked[_DOC_INDEX].gather(run), looked[_LEN].gather(run).cast(pl.UInt32)]


# Bits of a span's flags in _bounds: one bit per problem, so one row can have several.
_INCOMPLETE, _NEGATIVE, _TOO_LONG, _EMPTY = 1, 2, 4, 8


def _bounds(df: pl.DataFrame, spec: SpanSpec, index: pl.DataFrame) -> tuple[list[Issue], pl.DataFrame]:
    """Issues of spans that are incomplete, negative, too long or empty; and the valid spans.

    Rows of an unknown doc_id are left to the reference check; a span that is wholly null (an
    event argument that points at a mention) is none of these.
    """
    # One u8 of flags per row, then the valid spans as four int32 columns: nothing wider than
    # the offsets is materialised for the whole table. The strings (doc_id, id, stored text) of
    # the (few) failing rows are fetched by their position in ``df`` at the end.
    spans = pl.concat(
        [df.select(ROW, spec.start, spec.end), pl.DataFrame(_locate(df["doc_id"], index))], how="horizontal"
    )
    s, e, length = pl.col(spec.start), pl.col(spec.end), pl.col(_LEN)
    complete = s.is_not_null() & e.is_not_null()
    flags = (
        pl.when(pl.col(_DOC_INDEX).is_null())
        .then(0)
        .otherwise(
            pl.sum_horizontal(
                pl.when(s.is_null() != e.is_null()).then(_INCOMPLETE).otherwise(0),
                pl.when(complete & (s < 0)).then(_NEGATIVE).otherwise(0),
                pl.when(complete & (e > length)).then(_TOO_LONG).otherwise(0),
                pl.when(complete & (s >= e)).then(_EMPTY).otherwise(0),
            )
        )
    )
    spans = spans.with_columns(flags.cast(pl.UInt8).alias("__flags"))
    flagged = spans.lazy().with_row_index(_POS).filter(pl.col("__flags") > 0).collect()
    flagged = _with_strings(flagged, df, _strings(spec))
    bit = pl.col("__flags")
    common = {"file": spec.file, "id_column": spec.id_column}
    issues: list[Issue] = []
    issues += issues_from(
        flagged.filter((bit & _INCOMPLETE) > 0),
        code="incomplete-span",
        column=spec.end,
        message=pl.format("a span needs both {} and {}", pl.lit(spec.start), pl.lit(spec.end)),
        **common,
    )
    issues += issues_from(
        flagged.filter((bit & _NEGATIVE) > 0),
        code="span-out-of-bounds",
        column=spec.start,
        value=spec.start,
        message=pl.format("{}={} is negative; offsets count code points from 0", pl.lit(spec.start), s),
        **common,
    )
    issues += issues_from(
        flagged.filter((bit & _TOO_LONG) > 0),
        code="span-out-of-bounds",
        column=spec.end,
        value=spec.end,
        message=pl.format("{}={} exceeds text length {}", pl.lit(spec.end), e, length),
        **common,
    )
    issues += issues_from(
        flagged.filter((bit & _EMPTY) > 0),
        code="empty-span",
        column=spec.end,
        value=spec.end,
        message=pl.format(
            "{}={} is not after {}={}; spans are end-exclusive and non-empty",
            pl.lit(spec.end),
            e,
            pl.lit(spec.start),
            s,
        ),
        **common,
    )
    valid = (
        spans.lazy()
        .with_row_index(_POS)
        .filter(pl.col(_DOC_INDEX).is_not_null() & complete & (pl.col("__flags") == 0))
        .select(pl.col(_POS, _DOC_INDEX, spec.start, spec.end).cast(pl.Int32))
        .collect()
    )
    return issues, valid


def _strings(spec: SpanSpec) -> list[str]:
    return ["doc_id", spec.id_column] + ([spec.text] if spec.text else [])


def _text_issues(
    df: pl.DataFrame, spec: SpanSpec, articles: pl.DataFrame, index: pl.DataFrame, rows: Ints
) -> list[Issue]:
    """The issues of the (few) rows whose covered text failed, sliced exactly by code point."""
    if rows.size == 0:
        return []
    picked = df[rows].select(
        ROW, pl.Series(_POS, rows, dtype=pl.UInt32), "doc_id", spec.start, spec.end, *([spec.text] if spec.text else [])
    )
    covered = covered_text(articles, index, picked, spec.start, spec.end)
    checked = _with_strings(picked.join(covered, on=ROW, how="inner", maintain_order="left"), df, _strings(spec))
    s, e = pl.col(spec.start), pl.col(spec.end)
    common = {"file": spec.file, "id_column": spec.id_column}
    issues: list[Issue] = []
    if spec.text:
        stored = pl.col(spec.text)
        issues += issues_from(
            checked.filter(stored != pl.col(_COVERED)),
            code="span-text-mismatch",
            column=spec.text,
            value=spec.text,
            message=pl.format(
                "stored {}={} but the article has {} at {}..{}",
                pl.lit(spec.text),
                stored.str.slice(0, 60),
                pl.col(_COVERED).str.slice(0, 60),
                s,
                e,
            ),
            **common,
        )
    visible = _visible(pl.col(_COVERED))
    for side, pattern, column in (("starts", r"^\s", spec.start), ("ends", r"\s$", spec.end)):
        issues += issues_from(
            checked.filter(pl.col(_COVERED).str.contains(pattern)),
            code="span-whitespace",
            column=column,
            value=column,
            message=pl.format("span {}..{} {} with white space: {}; trim it", s, e, pl.lit(side), visible),
            **common,
        )
    return issues


def _visible(text: pl.Expr) -> pl.Expr:
    """``'Putin␣'``: the text quoted (60 characters at most), with the white space at its ends shown."""
    shown = text.str.slice(0, 60)
    for char, sign in ((" ", "␣"), ("\n", "⏎"), ("\t", "⇥"), ("\u00a0", "⍽")):
        shown = shown.str.replace_all(char, sign, literal=True)
    return pl.concat_str(pl.lit("'"), shown, pl.lit("'"))


def span_issues(
    tables: Sequence[tuple[pl.DataFrame, SpanSpec]], articles: pl.DataFrame, index: pl.DataFrame
) -> list[Issue]:
    """Span issues of every table given (each frame carries ``__row``), in one pass over the articles."""
    issues: list[Issue] = []
    prepared = []
    for df, spec in tables:
        found, valid = _bounds(df, spec, index)
        issues += found
        prepared.append(_Spans.of(df, spec, valid, articles.height))
    for table, (rows, inside_start, inside_end) in zip(prepared, _failing_rows(articles, prepared), strict=True):
        issues += _text_issues(table.df, table.spec, articles, index, np.sort(rows))
        both = np.intersect1d(inside_start, inside_end)  # one issue a span: at its start when both ends cut
        issues += _inside_word_issues(table.df, table.spec, articles, index, np.setdiff1d(inside_start, both), "start")
        issues += _inside_word_issues(table.df, table.spec, articles, index, np.setdiff1d(inside_end, both), "end")
        issues += _inside_word_issues(table.df, table.spec, articles, index, both, "both")
    return issues


_CONTEXT = 12  # characters shown on each side of a span that cuts a word


def _inside_word_issues(
    df: pl.DataFrame, spec: SpanSpec, articles: pl.DataFrame, index: pl.DataFrame, rows: Ints, side: str
) -> list[Issue]:
    """Warnings ``span-inside-word`` for the (few) spans whose ``side`` (start or end) cuts a word."""
    if rows.size == 0:
        return []
    s, e = pl.col(spec.start), pl.col(spec.end)
    picked = df[rows].select(ROW, pl.Series(_POS, rows, dtype=pl.UInt32), "doc_id", spec.start, spec.end)
    picked = picked.with_columns(
        pl.max_horizontal(s - _CONTEXT, pl.lit(0)).alias("__from"), (e + _CONTEXT).alias("__to")
    )
    pieces = [
        covered_text(articles, index, picked, lo, hi).rename({_COVERED: name})
        for lo, hi, name in (
            ("__from", spec.start, "__before"),
            (spec.start, spec.end, _COVERED),
            (spec.end, "__to", "__after"),
        )
    ]
    checked = picked
    for piece in pieces:
        checked = checked.join(piece, on=ROW, how="inner", maintain_order="left")
    checked = _with_strings(checked, df, _strings(spec))
    column = spec.end if side == "end" else spec.start
    says = {"start": "starts", "end": "ends", "both": "starts and ends"}[side]
    return issues_from(
        checked,
        code="span-inside-word",
        file=spec.file,
        id_column=spec.id_column,
        column=column,
        value=column,
        message=pl.format(
            "span {}..{} {} inside a word: …{}[{}]{}…; a span covers whole words (a compound: the whole token)",
            s,
            e,
            pl.lit(says),
            pl.col("__before"),
            pl.col(_COVERED).str.slice(0, 60),
            pl.col("__after"),
        ),
    )
