"""UTF-8 buffers of a String column as numpy arrays, and code point offsets mapped to byte offsets.

Span offsets count code points, but comparing a span with its article by code point means
walking each text from its start (what ``str.slice`` does for every span). Here the text of a
batch of articles is read once: the byte position of every code point start, so a span's
bytes are found by a lookup, and stored texts are compared with the article byte for byte.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]

# The Unicode White_Space code points: what the regex class ``\s`` matches in polars (Rust regex,
# Unicode mode). A test checks this against polars for every code point.
WHITE_SPACE = (
    *range(0x09, 0x0E),
    0x20,
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)
_WS_LIMIT = max(WHITE_SPACE) + 1
_IS_WS = np.zeros(_WS_LIMIT + 1, dtype=bool)  # the last entry stands for every code point above
_IS_WS[list(WHITE_SPACE)] = True


_BMP = 0x10000


@functools.cache
def _word_chars() -> npt.NDArray[np.bool_]:
    """Letters and digits of the Basic Multilingual Plane (``str.isalnum``); the last entry stands above it."""
    table = np.fromiter((chr(c).isalnum() for c in range(_BMP)), dtype=bool, count=_BMP)
    return np.append(table, False)


def utf8_buffers(texts: pl.Series) -> tuple[Ints, Bytes, npt.NDArray[np.bool_]]:
    """Offsets (len + 1, from 0), UTF-8 bytes and validity of a String column, without Python strings.

    Converted to Arrow's large_string (one contiguous data buffer); null entries are empty.
    """
    arr = texts.to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    valid = np.ones(n, dtype=bool) if arr.null_count == 0 else arr.is_valid().to_numpy(zero_copy_only=False)
    _, offsets_buf, data_buf = arr.buffers()
    if offsets_buf is None or n == 0:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8), valid
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets - offsets[0], data[offsets[0] : offsets[-1]], valid


class ByteMap:
    """Code point offsets -> byte offsets for a batch of texts (one row per article).

    Only the non-ASCII bytes are located: the byte of code point ``k`` is ``k`` plus the number
    of continuation bytes (``10xxxxxx``) before it, found by binary search among those few.
    """

    def __init__(self, texts: pl.Series) -> None:
        offsets, self.data, _ = utf8_buffers(texts)
        self._offsets = offsets
        # Continuation bytes are 0x80..0xBF: as signed bytes, exactly those below -64.
        continuation = np.flatnonzero(self.data.view(np.int8) < -64)
        # Continuation byte j belongs to code point ``continuation[j] - j - 1``: code point k starts
        # after every continuation byte j with ``continuation[j] - j <= k``.
        self._owner: Ints = continuation - np.arange(continuation.size)
        # The code point index of each text's first code point (texts begin on a code point).
        self.first: Ints = offsets[:-1] - np.searchsorted(continuation, offsets[:-1])

    def byte(self, doc: Ints, char: Ints) -> Ints:
        """Byte position (in ``data``) of code point ``char`` of text ``doc``; ``char`` may equal its length."""
        k = self.first[doc] + char
        return k + np.searchsorted(self._owner, k, side="right")

    def last_start(self, end: Ints) -> Ints:
        """Byte position where the code point that ends just before byte ``end`` starts."""
        last = end - 1
        wide = np.flatnonzero(np.take(self.data, last, mode="clip") >= 0x80)  # ASCII ends: done
        if wide.size:
            at = last[wide]
            for _ in range(3):  # a code point has at most three continuation bytes
                at = at - ((np.take(self.data, at, mode="clip") & 0xC0) == 0x80)
            last[wide] = at
        return last

    def white_space_at(self, pos: Ints) -> npt.NDArray[np.bool_]:
        """Is the code point that starts at byte ``pos`` white space?"""
        return self._is(pos, _IS_WS, _WS_LIMIT)

    def word_char_at(self, pos: Ints) -> npt.NDArray[np.bool_]:
        """Is the code point that starts at byte ``pos`` a letter or digit (``str.isalnum``; BMP only)?"""
        return self._is(pos, _word_chars(), _BMP)

    def _is(self, pos: Ints, table: npt.NDArray[np.bool_], limit: int) -> npt.NDArray[np.bool_]:
        """``table[code point at byte pos]``, every code point at or above ``limit`` looked up as ``limit``."""
        b0 = np.take(self.data, pos, mode="clip")
        out: npt.NDArray[np.bool_] = table[b0]  # right for ASCII; the other lead bytes are decoded
        wide = np.flatnonzero(b0 >= 0x80)
        if wide.size:
            at = pos[wide]
            lead = b0[wide].astype(np.int64)
            b1 = np.take(self.data, at + 1, mode="clip").astype(np.int64) & 0x3F
            b2 = np.take(self.data, at + 2, mode="clip").astype(np.int64) & 0x3F
            code = np.where(
                lead < 0xE0,
                ((lead & 0x1F) << 6) | b1,
                np.where(lead < 0xF0, ((lead & 0x0F) << 12) | (b1 << 6) | b2, -1),
            )
            code = np.where((code < 0) | (code > limit), limit, code)  # four-byte code points: the last entry
            out[wide] = table[code]
        return out

    def text_bounds(self, doc: Ints) -> tuple[Ints, Ints]:
        """Byte positions (in ``data``) where each text ``doc`` begins and ends."""
        return self._offsets[doc], self._offsets[doc + 1]

    def holds_at(self, begin: Ints, stored: pl.Series) -> tuple[npt.NDArray[np.bool_], Ints]:
        """Do the bytes from ``begin[i]`` on spell ``stored[i]``? Also the byte end of each stored text.

        A null stored text is not compared (True; the schema decides whether it may be null).
        """
        offsets, sdata, valid = utf8_buffers(stored)
        length = np.diff(offsets)
        # Each stored byte is paired with the article byte at the same place after ``begin``
        # (clipped to the buffer: a text running past its end differs in length anyway). Indices
        # are int32 when the buffers allow: half the memory traffic.
        small = max(self.data.size, sdata.size) < 2**31 - 1
        index = np.int32 if small else np.int64
        shift = np.repeat((begin - offsets[:-1]).astype(index), length)
        shift += np.arange(sdata.size, dtype=index)
        theirs = np.take(self.data, shift, mode="clip")
        agree = np.zeros(length.size, dtype=bool)
        filled = np.flatnonzero(length > 0)
        if filled.size:  # rows without bytes add none, so each filled row's bytes run to the next's
            agree[filled] = ~np.logical_or.reduceat(sdata != theirs, offsets[filled])
        agree &= begin + length <= self.data.size
        return ~valid | agree, begin + length
