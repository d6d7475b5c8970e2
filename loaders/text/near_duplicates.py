"""Near-duplicate articles: the same agency text under another headline, or with a paragraph changed.

Two articles are near-duplicates when the Jaccard similarity of their shingle sets is at least
:data:`THRESHOLD`. The steps, each over all articles at once (numpy on the UTF-8 bytes of the texts,
in batches of :data:`BATCH_BYTES`), never over all pairs:

1. **Shingles.** In the lower-cased text, a word is a run of ASCII letters and digits and of non-ASCII
   characters (white space, typographic quotes, dashes and the Latin-1 signs end a word); a word is
   keyed by its first 8 bytes and its length. A shingle is three words in a row. Of these, the ones whose 64-bit
   hash is 0 modulo :data:`SAMPLE` are kept (Broder's MOD-m sample: the same shingle is kept in every
   article, so the Jaccard similarity of the samples estimates that of the whole sets).
2. **MinHash.** Each article's signature is datasketch's MinHash of its sample
   (``datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")``: its permutations, its
   pre-mix, its arithmetic), computed for every article in one array instead of one ``update_batch``
   call each, which cost 2.3 s per 20,000 articles.
3. **LSH.** The bands of ``datasketch.MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)`` (14 bands
   of 4 rows): articles that share a band's values are candidate pairs, found by grouping on the band's
   hash (a join, not a loop of ``insert`` and ``query``, which cost 1.8 s per 20,000 articles). A band
   value that more than :data:`MAX_BUCKET` articles share links them in a chain instead of in every pair.
4. **Similarity.** The Jaccard similarity of the two samples of each candidate pair, exactly: the
   reported figure, and the one compared with :data:`THRESHOLD`.

datasketch itself is not imported (it imports SciPy, 2.4 s): ``tests/text/test_near_duplicates.py``
checks that the permutations, the signatures and the bands are datasketch's, and that every pair
``MinHashLSH.query`` returns is a candidate here.

Articles without a single sampled shingle (a text of a few words) have no near-duplicates; exact
duplicates are the leakage key's business (:func:`peacetalks.text.normalise.leakage_key`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from peacetalks.text.normalise import lower

THRESHOLD = 0.7
"""The least Jaccard similarity of two articles' shingle samples that makes them near-duplicates."""
LSH_THRESHOLD = 0.5
"""The threshold datasketch's LSH is tuned for: lower than THRESHOLD, so that few near-duplicates are missed."""
NUM_PERM = 64
SEED = 1
SAMPLE = 8
"""One shingle in SAMPLE (by hash; a power of 2) is kept: about 60 of a 4,000-character article."""
SHINGLE_WORDS = 3
MAX_BUCKET = 200
BATCH_BYTES = 1 << 20
JACCARD_PAIRS = 200_000
"""Candidate pairs scored at once (their two shingle lists gathered): about 100 MiB."""
PAIRS_SCHEMA = {"doc_id": pl.String, "other_doc_id": pl.String, "similarity": pl.Float64}

_U64 = np.uint64
_M1, _M2, _M3 = _U64(0x9E3779B97F4A7C15), _U64(0xC2B2AE3D27D4EB4F), _U64(0xFF51AFD7ED558CCD)
# A byte's lower-case form if it can be part of a word, else 0 (ASCII letters and digits; every non-ASCII byte).
_WORD_BYTE = np.array(
    [c if c >= 0x80 or chr(c).isdigit() else (ord(chr(c).lower()) if chr(c).isalpha() else 0) for c in range(256)],
    dtype=np.uint8,
)
_PREFIX_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _mix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h = h * _M3
    h = h ^ (h >> _U64(33))
    h = h * _M2
    mixed: np.ndarray = h ^ (h >> _U64(33))
    return mixed


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: the pre-mix datasketch's ``affine32`` scheme applies to every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = h ^ (h >> np.uint32(16))
    return mixed


def _buffers(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (n + 1) and the UTF-8 bytes of ``texts``, without copying the strings where Arrow allows."""
    arr = texts.fill_null("").to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    _, offsets, data = arr.buffers()
    assert offsets is not None
    offs = np.frombuffer(offsets, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offs - offs[0], raw[offs[0] : offs[-1]]


# Characters that end a word, beyond ASCII's: (lead byte, second byte or None for any, third byte or None).
# U+0080-U+00BF (C1 controls, NEL, no-break space, the Latin-1 signs), U+2000-U+206F (spaces, dashes, quotes),
# U+1680 and U+3000 (the other Unicode white space): so white space never joins two words.
_SEPARATORS = ((0xC2, None, None), (0xE2, 0x80, None), (0xE2, 0x81, None), (0xE1, 0x9A, 0x80), (0xE3, 0x80, 0x80))


def _word_bytes(raw: np.ndarray) -> np.ndarray:
    """Each byte of ``raw`` if it can be part of a word (ASCII lower-cased), else 0."""
    low: np.ndarray = np.take(_WORD_BYTE, raw)  # np.take: twice as fast as indexing with an array
    padded = np.concatenate([raw, np.zeros(2, np.uint8)])
    for lead, second, third in _SEPARATORS:
        at = np.flatnonzero(raw == lead)
        if second is not None:
            at = at[padded[at + 1] == second]
        if third is not None:
            at = at[padded[at + 2] == third]
        width = 2 if lead == 0xC2 else 3
        for k in range(width):
            low[np.minimum(at + k, raw.size - 1)] = 0
    return low


def _batch_shingles(raw: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the texts ``raw`` at ``offs``: the sampled shingle hashes (uint32), their text's index in the batch, and
    each text's word hash (uint64: of the sequence of all its words, 0 for a text without words)."""
    low = _word_bytes(raw)
    # A zero byte before every article (so no word runs from one into the next) and 8 after the last.
    low = np.concatenate([np.insert(low, offs[:-1], 0), np.zeros(8, np.uint8)])
    offs = offs + np.arange(offs.size)
    word = low != 0
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1  # starts and ends of words, alternating
    starts, ends = edges[0::2], edges[1::2]
    view = np.ndarray(shape=(low.size - 7,), dtype="<u8", buffer=low, strides=(1,))  # 8 bytes from each position
    length = (ends - starts).astype(np.uint64)
    prefix = view[starts] & _PREFIX_MASKS[np.minimum(length, 8)]
    key = prefix ^ (length << _U64(56))
    per_text = np.diff(np.searchsorted(starts, offs))  # words of each text
    doc = np.repeat(np.arange(per_text.size), per_text)
    firsts = np.concatenate([[0], np.cumsum(per_text)[:-1]])
    position = (np.arange(key.size) - np.repeat(firsts, per_text)).astype(np.uint64)
    words = np.zeros(per_text.size, dtype=np.uint64)
    has = per_text > 0
    if key.size:
        words[has] = np.add.reduceat(_mix64(key ^ (position * _M2)), firsts[has])
    n = SHINGLE_WORDS
    same = doc[: -n + 1] == doc[n - 1 :] if key.size >= n else np.zeros(0, bool)
    h = key[: key.size - n + 1].copy()
    for i in range(1, n):
        h = h * _M1 ^ key[i : key.size - n + 1 + i]
    h = _mix64(h)[same]
    keep = (h & _U64(SAMPLE - 1)) == 0
    return (h[keep] >> _U64(32)).astype(np.uint32), doc[: key.size - n + 1][same][keep], words


@dataclass(frozen=True)
class Profile:
    """What the comparisons need of each text (by its index): its sampled shingles, word hash and LSH bands.

    ``words`` is equal for two texts whose leakage keys are equal (the texts are lower-cased as the key
    lower-cases them, and every white-space character ends a word), so only texts sharing it can be exact
    duplicates: the exact check computes the leakage key of those alone.
    """

    shingles: pl.Series  # List(UInt32) per text: its sampled shingle hashes, sorted, each once
    words: np.ndarray  # uint64 per text
    bands: np.ndarray  # (texts, BANDS) uint64: the hash of each LSH band of the text's signature

    @property
    def present(self) -> np.ndarray:
        """Does the text have a sampled shingle (only those can be near-duplicates)?"""
        present: np.ndarray = self.shingles.list.len().to_numpy() > 0
        return present


def profile(texts: pl.Series) -> Profile:
    """The :class:`Profile` of ``texts``, read in batches of about :data:`BATCH_BYTES`."""
    offs, raw = _buffers(lower(texts.fill_null("")))
    parts_h, parts_w, counts = [np.zeros(0, np.uint32)], [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    n, i = offs.size - 1, 0
    while i < n:
        j = min(max(int(np.searchsorted(offs, offs[i] + BATCH_BYTES, side="right")) - 1, i + 1), n)
        h, d, w = _batch_shingles(raw[offs[i] : offs[j]], offs[i : j + 1] - offs[i])
        # Each text's shingles sorted and once (a batch's texts are consecutive: one sort of text << 32 | h).
        both = np.unique((d.astype(np.uint64) << _U64(32)) | h.astype(np.uint64))
        parts_h.append((both & _U64(0xFFFFFFFF)).astype(np.uint32))
        counts.append(np.bincount((both >> _U64(32)).astype(np.int64), minlength=j - i))
        parts_w.append(w)
        i = j
    shingles = _list_series(np.concatenate(parts_h), np.concatenate(counts))
    return Profile(shingles, np.concatenate(parts_w), band_keys(signatures(shingles)))


def _list_series(values: np.ndarray, counts: np.ndarray) -> pl.Series:
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    arr = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, pa.uint32()))
    return pl.Series("shingles", arr)


def _list_parts(shingles: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (n + 1, from 0) and the flat values of a List(UInt32) series."""
    arr = shingles.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offs = np.asarray(arr.offsets, dtype=np.int64)
    values = np.asarray(arr.values, dtype=np.uint32)[offs[0] : offs[-1]]
    return offs - offs[0], values


def shingles(texts: pl.Series) -> pl.Series:
    """The sampled shingles of each text: a List(UInt32) of hashes per text, sorted, each once."""
    return profile(texts).shingles


def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The permutations (a, b) of ``datasketch.MinHash(num_perm, seed, scheme="affine32")``, drawn as it draws them.

    Drawn here rather than taken from a datasketch object because importing datasketch imports SciPy's
    integrator for its LSH (2.4 s, more than ``peacetalks validate`` takes on a small corpus);
    ``tests/text/test_near_duplicates.py`` checks they are datasketch's.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


BANDS = 14
ROWS = 4
"""The bands of ``datasketch.MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)``: its ``b`` and ``r``
(a test checks them), so a pair of similarity 0.7 is a candidate with probability 1 - (1 - 0.7**4)**14 = 0.98."""


def hashranges() -> list[tuple[int, int]]:
    """The signature columns of each band, as ``MinHashLSH.hashranges``."""
    return [(i * ROWS, (i + 1) * ROWS) for i in range(BANDS)]


def signatures(shingles: pl.Series) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of each text from its ``shingles`` (:func:`shingles`).

    Row ``i`` equals ``datasketch.MinHash(NUM_PERM, SEED, hashfunc=int)`` updated with the shingles of text
    ``i``; a text without shingles keeps the empty signature (every value 2**32 - 1).
    """
    a, b = permutations()
    offs, flat = _list_parts(shingles)
    values = _fmix32(flat)
    sig = np.full((offs.size - 1, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    texts = np.flatnonzero(np.diff(offs) > 0)
    if texts.size == 0:
        return sig
    bounds = offs[texts]  # where each text with shingles starts in ``values``
    # Blocks of whole texts of about 2**15 shingles: the products of a block stay a few MiB.
    cuts = np.unique(np.searchsorted(bounds, np.arange(0, values.size, 1 << 15), side="right") - 1)
    for lo, hi in zip(cuts, [*cuts[1:], bounds.size], strict=True):
        first = bounds[lo]
        last = bounds[hi] if hi < bounds.size else values.size
        products = values[first:last, None] * a[None, :]  # uint32: wraps modulo 2**32, as datasketch's does
        products += b[None, :]
        sig[texts[lo:hi]] = np.minimum.reduceat(products, bounds[lo:hi] - first, axis=0)
    return sig


def band_keys(sig: np.ndarray) -> np.ndarray:
    """The hash (uint64) of each LSH band (:func:`hashranges`) of each signature: (texts, BANDS)."""
    keys = np.zeros((sig.shape[0], BANDS), dtype=np.uint64)
    for band, (lo, hi) in enumerate(hashranges()):
        key = keys[:, band]
        for column in range(lo, hi):
            key = _mix64(key ^ sig[:, column].astype(np.uint64))
        keys[:, band] = key
    return keys


def candidate_pairs(bands: np.ndarray, present: np.ndarray) -> pl.DataFrame:
    """Pairs ``a < b`` (UInt32 indexes) of texts that share the hash of at least one LSH band (:func:`band_keys`).

    Band by band, so what is held at once is one band's keys and the pairs found so far.
    """
    idx = np.flatnonzero(present).astype(np.uint32)
    found = [pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})]
    for band in range(bands.shape[1]):
        rows = pl.DataFrame({"key": bands[idx, band], "doc": idx}).filter(pl.len().over("key") > 1)
        size = pl.len().over("key")
        small = rows.filter(size <= MAX_BUCKET)
        pairs = small.join(small, on="key", suffix="_b").filter(pl.col("doc") < pl.col("doc_b"))
        chain = (
            rows.filter(size > MAX_BUCKET)
            .sort("key", "doc")
            .with_columns(pl.col("doc").shift(-1).over("key").alias("doc_b"))
            .drop_nulls("doc_b")
        )
        both = pl.concat([pairs.select("doc", "doc_b"), chain.select("doc", "doc_b")])
        found.append(both.rename({"doc": "a", "doc_b": "b"}).unique())
    return pl.concat(found).unique()


def _jaccard(pairs: pl.DataFrame, shingles: pl.Series) -> pl.DataFrame:
    """``pairs`` (a, b) with the exact Jaccard similarity of the two texts' sampled shingles."""
    left = shingles.gather(pairs["a"]).alias("__a")
    right = shingles.gather(pairs["b"]).alias("__b")
    both = pairs.with_columns(left, right)
    shared = pl.col("__a").list.set_intersection(pl.col("__b")).list.len()
    union = pl.col("__a").list.len() + pl.col("__b").list.len() - shared
    return both.select("a", "b", (shared / union).alias("similarity"))


def near_duplicates(
    texts: pl.DataFrame,
    *,
    among: Iterable[str] | None = None,
    threshold: float = THRESHOLD,
    prof: Profile | None = None,
) -> pl.DataFrame:
    """The near-duplicate pairs of ``texts`` (columns ``doc_id``, ``text``): ``doc_id`` < ``other_doc_id``,
    ``similarity`` (at least ``threshold``), most similar first.

    ``among``: only the pairs with at least one of these doc_ids (every text is still compared with them).
    ``prof``: the profile of ``texts["text"]``, when the caller has it already (then ``texts`` needs no ``text``).
    """
    if texts.height < 2:
        return pl.DataFrame(schema=PAIRS_SCHEMA)
    prof = prof or profile(texts["text"])
    pairs = candidate_pairs(prof.bands, prof.present)
    if among is not None:
        wanted = pl.Series(np.flatnonzero(texts["doc_id"].is_in(pl.Series(list(among), dtype=pl.String)).to_numpy()))
        pairs = pairs.filter(pl.col("a").is_in(wanted.implode()) | pl.col("b").is_in(wanted.implode()))
    if pairs.is_empty():
        return pl.DataFrame(schema=PAIRS_SCHEMA)
    ids = texts.select(pl.col("doc_id")).with_row_index("i").with_columns(pl.col("i").cast(pl.UInt32))
    # In batches of candidate pairs: each pair gathers its two articles' ~60 shingles, and candidates
    # grow faster than the articles (about 3 million pairs at a million synthetic articles).
    scored = pl.concat(
        [
            _jaccard(pairs.slice(at, JACCARD_PAIRS), prof.shingles).filter(pl.col("similarity") >= threshold)
            for at in range(0, pairs.height, JACCARD_PAIRS)
        ]
    )
    named = (
        scored.join(ids.rename({"i": "a", "doc_id": "x"}), on="a")
        .join(ids.rename({"i": "b", "doc_id": "y"}), on="b")
        .select(
            pl.min_horizontal("x", "y").alias("doc_id"),
            pl.max_horizontal("x", "y").alias("other_doc_id"),
            pl.col("similarity").cast(pl.Float64),
        )
    )
    return named.unique(["doc_id", "other_doc_id"]).sort(["similarity", "doc_id"], descending=[True, False])
