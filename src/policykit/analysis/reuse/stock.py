"""Stock wording: short pieces (stock_run characters) found across the corpus, of which a legal clause may be made.

A clause put together from common phrases (违反本条例规定 … 由…责令改正 … 构成犯罪的，依法追究刑事责任) may
have k-grams held by two documents only; its shorter pieces are found in many families. Only the pieces
inside the kept passages are counted, by one scan of the corpus a chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from policykit.analysis.reuse.corpus import Corpus, doc_of
from policykit.analysis.reuse.hashing import MIX, kgram_hashes
from policykit.analysis.reuse.passages import Passages


def stock_mask(corpus: Corpus, passages: Passages, kept: np.ndarray, m: int, threshold: int,
               chunk: int) -> np.ndarray:
    """Mask of the kept passages' characters covered by stock wording: m-grams found in threshold families or more.

    Stock wording is measured on shorter pieces than the index's k-grams: a legal clause put together from
    common phrases (依照本条例规定 …, 责令改正，给予警告 …) has k-grams found in two documents only, but its
    m-grams are found across the corpus. Only the m-grams inside the passages' exact runs are counted (on the
    side of the first document: the runs are the same text on both), by one scan of the corpus's m-gram hashes
    chunk positions at a time: no index of every m-gram is built. The mask is set on that side only.
    """
    n = len(corpus.keys)
    stock = np.zeros(n, dtype=bool)
    if not len(kept) or n < m:
        return stock
    cand = _candidates(passages, kept, m)
    uniq, which = _distinct_hashes(corpus, m, cand)
    families = _families(corpus, m, uniq, chunk)
    starts = cand[families[which] >= threshold]
    for j in range(m):  # x is covered when a stock m-gram starts in (x - m, x]
        stock[starts + j] = True
    return stock


def _candidates(passages: Passages, kept: np.ndarray, m: int) -> np.ndarray:
    """Positions starting an m-gram inside an exact run of the kept passages (on the first side), ascending."""
    n_runs = len(passages.seg_n) + 1  # the runs of the kept passages:
    take = np.cumsum((np.bincount(passages.first[kept], minlength=n_runs)
                      - np.bincount(passages.first[kept + 1], minlength=n_runs))[:-1]) > 0
    size, start = passages.seg_n[take], passages.seg_a[take]  # a run's characters are the same on both sides
    start, size = start[size >= m], size[size >= m]
    # the union of the runs' ranges [start, start + size - m]
    o = np.argsort(start, kind="stable")
    lo, hi = start[o], (start + size - m + 1)[o]
    new = np.r_[True, lo[1:] > np.maximum.accumulate(hi)[:-1]]
    firsts = np.flatnonzero(new)
    lo, hi = lo[firsts], np.maximum.reduceat(hi, firsts)
    lens = hi - lo
    return np.repeat(lo - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(int(lens.sum()))


def _distinct_hashes(corpus: Corpus, m: int, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct mixed hashes of the m-grams at cand, ascending; the index of each position's among them)."""
    # hashes multiplied by an odd constant (a bijection modulo 2**64: equal m-grams stay equal, others apart),
    # whose top bits are spread evenly: the polynomial hash's own top bits cluster for short pieces
    cand_h = kgram_hashes(corpus, m, cand) * MIX
    order = np.argsort(cand_h)
    sorted_h = cand_h[order]
    new = np.r_[True, sorted_h[1:] != sorted_h[:-1]]
    which = np.empty(len(cand), dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    return sorted_h[new], which


def _families(corpus: Corpus, m: int, uniq: np.ndarray, chunk: int) -> np.ndarray:
    """Per m-gram of uniq (mixed hashes, ascending), the families holding it, by one scan of the corpus."""
    n_fam = int(corpus.family.max()) + 1
    buckets = _Buckets.of(uniq)
    codes = []  # (m-gram, family) pairs found in the corpus, as m-gram index x families + family
    for lo in range(0, len(corpus.keys), chunk):
        h = kgram_hashes(corpus, m, range(lo, lo + chunk))
        h *= MIX
        at, pos = buckets.find(h)
        codes.append(distinct(at.astype(np.int64) * n_fam + corpus.family[doc_of(corpus, pos + lo)]))
        del h, at, pos  # before the next chunk's hashes
    found = distinct(np.concatenate(codes))
    return np.bincount(found // n_fam, minlength=len(uniq))


@dataclass(frozen=True)
class _Buckets:
    """Ascending hashes looked up by their top bits: bucket t holds uniq[bounds[t]:bounds[t + 1]].

    About one hash in four buckets: a lookup is a gather or two, where a binary search over uniq would take
    twenty.
    """

    uniq: np.ndarray
    bounds: np.ndarray
    shift: np.uint64
    depth: int  # the most hashes in one bucket

    @classmethod
    def of(cls, uniq: np.ndarray) -> _Buckets:
        """The buckets of ascending hashes (their top bits ascend too)."""
        bits = int(min(26, max(16, np.ceil(np.log2(4 * len(uniq))))))
        shift = np.uint64(64 - bits)
        bounds = np.r_[0, np.cumsum(np.bincount((uniq >> shift).astype(np.intp), minlength=1 << bits))]
        bounds = bounds.astype(np.int32)
        return cls(uniq, bounds, shift, int(np.diff(bounds).max()))

    def find(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index in uniq, index in h) of the hashes of h found in uniq."""
        t = (h >> self.shift).astype(np.intp)
        first, last = self.bounds[t], self.bounds[t + 1]
        live = np.flatnonzero(last > first)
        at, pos = [], []
        for r in range(self.depth):
            idx = first[live] + r
            ok = idx < last[live]
            live, idx = live[ok], idx[ok]
            eq = self.uniq[idx] == h[live]
            at.append(idx[eq])
            pos.append(live[eq])
            live = live[~eq]
        return np.concatenate(at), np.concatenate(pos)


def stock_chars(corpus: Corpus, passages: Passages, kept: np.ndarray, m: int, threshold: int,
                chunk: int) -> np.ndarray:
    """Per kept passage, its exactly matched characters inside stock wording (stock_mask, on the first side)."""
    stock = stock_mask(corpus, passages, kept, m, threshold, chunk)
    held = np.r_[0, np.cumsum(stock, dtype=np.int32 if len(stock) < 2**31 else np.int64)]  # stock characters before x
    per_run = held[passages.seg_a + passages.seg_n] - held[passages.seg_a]
    if not len(per_run):
        return np.zeros(len(kept), dtype=np.int64)
    per_passage = np.add.reduceat(np.r_[per_run, 0], passages.first[:-1])
    return np.where(np.diff(passages.first) > 0, per_passage, 0)[kept]


def distinct(a: np.ndarray) -> np.ndarray:
    """The distinct values of an array, ascending (by a sort: np.unique hashes, slower on millions of int64)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a
