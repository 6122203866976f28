"""The one hash of the reuse stage: a polynomial hash of the k-gram of content characters at a position.

Hashes are computed where they are needed, over a range of the corpus or at given positions, never for
the whole corpus at once: equal k-grams hash alike however they are asked for.
"""

from __future__ import annotations

import numpy as np

from policykit.analysis.reuse.corpus import SLOT, Corpus

HASH_BASE = np.uint64(1_000_003)
NO_HASH = np.uint64(np.iinfo(np.uint64).max)  # a k-gram that leaves its document
MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it modulo 2**64 spreads a hash's top bits

Positions = range | np.ndarray  # a range of the corpus, or positions in it, ascending


def kgram_hashes(corpus: Corpus, k: int, at: Positions) -> np.ndarray:
    """Polynomial hash (modulo 2**64) of the k-gram at each position of at; NO_HASH where it leaves its document."""
    n = len(corpus.keys)
    if isinstance(at, range):
        at = range(max(at.start, 0), min(at.stop, n))
        h = np.full(len(at), NO_HASH, dtype=np.uint64)
        full = range(at.start, max(min(at.stop, n - k + 1), at.start))  # positions with k characters after them
        acc = h[:len(full)]  # computed in place, to hold one array of the range's size
        acc[:] = 0
    else:
        h = np.full(len(at), NO_HASH, dtype=np.uint64)
        inside = np.flatnonzero(at <= n - k)
        full = at[inside]
        acc = np.zeros(len(full), dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is intended
        for j in range(k):
            np.multiply(acc, HASH_BASE, out=acc)
            np.add(acc, _column(corpus.keys, full, j), out=acc, casting="unsafe")
    _add_beyond_bmp(corpus, k, acc, full)
    if len(full):  # k-grams leaving their document: those starting at b - k + 1 .. b - 1 for a document end b
        lo, hi = np.searchsorted(corpus.doc_bounds, [full[0] + 1, full[-1] + k - 1], side="left")
        leaving = (corpus.doc_bounds[lo:hi + 1, None] - np.arange(1, k)).ravel()
        i, _ = _find(full, leaving)
        acc[i] = NO_HASH
    if not isinstance(at, range):
        h[inside] = acc
    return h


def hash_top_bits(corpus: Corpus, k: int, bits: int, chunk: int) -> np.ndarray:
    """The top bits of each position's k-gram hash (uint8), computed chunk positions at a time."""
    n = len(corpus.keys)
    top = np.zeros(n, dtype=np.uint8)
    if bits:
        for start in range(0, n, chunk):
            top[start:start + chunk] = kgram_hashes(corpus, k, range(start, start + chunk)) >> np.uint64(64 - bits)
    return top


def _column(keys: np.ndarray, full: Positions, j: int) -> np.ndarray:
    """The keys j characters after each position (a view for a range)."""
    if isinstance(full, range):
        return keys[full.start + j:full.stop + j]
    return keys[full + j]


def _find(at: Positions, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indexes in at of the targets found in it, mask of the targets found)."""
    if isinstance(at, range):
        ok = (targets >= at.start) & (targets < at.stop)
        return targets[ok] - at.start, ok
    if not len(at):
        return np.zeros(0, np.intp), np.zeros(len(targets), bool)
    i = np.minimum(np.searchsorted(at, targets), len(at) - 1)
    ok = at[i] == targets
    return i[ok], ok


def _add_beyond_bmp(corpus: Corpus, k: int, acc: np.ndarray, at: Positions) -> None:
    """Complete the hashes (acc) of the k-grams at at holding a character beyond U+FFFF.

    The key of such a character is not its code point: each such key adds (code point - key) x
    BASE**(k - 1 - j) at offset j of a k-gram, modulo 2**64.
    """
    x = corpus.beyond_at
    if not len(x) or not len(acc):
        return
    key = corpus.keys[x].astype(np.uint64)
    missing = corpus.beyond[corpus.keys[x] - SLOT].astype(np.uint64) - key
    with np.errstate(over="ignore"):
        for j in range(k):
            i, ok = _find(at, x - j)  # the k-grams holding x at offset j
            acc[i] += missing[ok] * np.uint64(pow(int(HASH_BASE), k - 1 - j, 1 << 64))
