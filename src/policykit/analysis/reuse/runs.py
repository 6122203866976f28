"""Exact runs: the seeds of one diagonal joined and grown to the maximal exact match between two documents."""

from __future__ import annotations

import numpy as np

from policykit.analysis.reuse.corpus import Corpus, doc_of


def exact_runs(corpus: Corpus, k: int, seeds: list[np.ndarray],
               block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal exact matches between documents around the seeds: (start a, start b, length), a < b.

    seeds: [i, j], the seed pairs; the list is emptied, so that the seeds are freed as soon as sorted.
    block: runs grown at a time.
    """
    gi, gj = seeds.pop(0), seeds.pop(0)
    if len(gi) == 0:
        return gi, gj, np.zeros(0, np.int64)
    ok = np.ones(len(gi), dtype=bool)
    for j in range(k):  # the hashes of the seeds' k-grams were equal: check their characters
        ok &= corpus.keys[gi + j] == corpus.keys[gj + j]
    gi, gj = gi[ok], gj[ok]
    del ok
    if len(gi) == 0:
        return gi, gj, np.zeros(0, np.int64)
    # Sorted by diagonal, then start: one int64 key per seed (diagonal x corpus size + start; the pairs are
    # distinct, so the order is total) sorted in place holds a third of what lexsort and its gathers hold.
    n, dt = len(corpus.keys), gi.dtype
    key = gj.astype(np.int64)
    del gj
    key -= gi
    key *= n
    key += gi
    del gi
    key.sort()
    gi, d = (key % n).astype(dt), (key // n).astype(dt)
    del key
    gj = gi + d
    brk = np.r_[True, (d[1:] != d[:-1]) | (gi[1:] != gi[:-1] + 1)]
    starts = np.flatnonzero(brk)
    last = np.r_[starts[1:], len(gi)] - 1
    del brk, d
    # runs grow independently of one another: in blocks, so the growing loop's temporaries stay small
    grown = [extend(corpus, gi[starts[c:c + block]], gj[starts[c:c + block]],
                    gi[last[c:c + block]] - gi[starts[c:c + block]] + k)
             for c in range(0, len(starts), block)]
    del gi, gj, starts, last
    run_a, run_b, run_len = (np.concatenate([g[i] for g in grown]) for i in range(3))
    del grown
    # runs on one diagonal split by a formulaic stretch grow into the same maximal match: keep one
    o = np.lexsort((run_len, run_b, run_a))
    run_a, run_b, run_len = run_a[o], run_b[o], run_len[o]
    new = np.r_[True, (run_a[1:] != run_a[:-1]) | (run_b[1:] != run_b[:-1]) | (run_len[1:] != run_len[:-1])]
    return run_a[new], run_b[new], run_len[new]


def extend(corpus: Corpus, a: np.ndarray, b: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """Grow each exact run to the left and right while the two documents' content characters agree."""
    keys, bounds = corpus.keys, corpus.doc_bounds
    a, b, n = a.copy(), b.copy(), n.copy()
    doc_a, doc_b = doc_of(corpus, a), doc_of(corpus, b)  # a run stays inside its two documents
    lo_a, lo_b = bounds[doc_a], bounds[doc_b]
    active = np.flatnonzero((a > lo_a) & (b > lo_b))
    while len(active):
        x, y = a[active] - 1, b[active] - 1
        active = active[keys[x] == keys[y]]
        a[active] -= 1
        b[active] -= 1
        n[active] += 1
        active = active[(a[active] > lo_a[active]) & (b[active] > lo_b[active])]
    del lo_a, lo_b
    hi_a, hi_b = bounds[doc_a + 1], bounds[doc_b + 1]
    del doc_a, doc_b
    active = np.flatnonzero((a + n < hi_a) & (b + n < hi_b))
    while len(active):
        x, y = a[active] + n[active], b[active] + n[active]
        active = active[keys[x] == keys[y]]
        n[active] += 1
        active = active[(a[active] + n[active] < hi_a[active]) & (b[active] + n[active] < hi_b[active])]
    return a, b, n
