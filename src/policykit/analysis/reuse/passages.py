"""Passages: exact runs cut at provision boundaries, merged across small gaps, cut at cited titles.

Memory: passages are made as objects a block of runs at a time and kept as arrays (Passages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from policykit.analysis.reuse.corpus import Corpus, doc_of, prov_of
from policykit.analysis.reuse.params import ReuseParams


@dataclass(slots=True)  # no __dict__ per passage: there are millions of them on a large corpus
class Passage:
    """Shared passage between provisions of two documents (a, b with a < b), in content-character indexes."""

    doc_a: int
    doc_b: int
    prov_a: int
    prov_b: int
    segments: list[tuple[int, int, int]]  # exact runs: (start in a, start in b, length)
    doc_frequency: int = 0  # set for quoted phrases, whose k-grams may be shorter than the index's

    @property
    def shared(self) -> int:
        """Number of content characters matched exactly."""
        return sum(s[2] for s in self.segments)


@dataclass(frozen=True)
class Passages:
    """Passages held as arrays, a field per array: passage i has the exact runs first[i]:first[i + 1].

    A Passage object with its list of runs holds about 300 bytes; there are millions of passages on a
    large corpus, so they are made as objects a block at a time and kept as arrays (about 50 bytes).
    """

    doc_a: np.ndarray
    doc_b: np.ndarray
    prov_a: np.ndarray
    prov_b: np.ndarray
    doc_frequency: np.ndarray
    first: np.ndarray  # int64, one more than the passages
    seg_a: np.ndarray  # exact runs: start in a, start in b, length
    seg_b: np.ndarray
    seg_n: np.ndarray

    @staticmethod
    def of(passages: list[Passage]) -> Passages:
        """The passages of a list, in its order."""
        n = len(passages)

        def column(value: Callable[[Passage], int]) -> np.ndarray:
            return np.fromiter(map(value, passages), np.int64, n)

        segs = np.fromiter((x for p in passages for s in p.segments for x in s), np.int64).reshape(-1, 3)
        return Passages(
            column(lambda p: p.doc_a), column(lambda p: p.doc_b), column(lambda p: p.prov_a),
            column(lambda p: p.prov_b), column(lambda p: p.doc_frequency),
            np.r_[0, np.cumsum(column(lambda p: len(p.segments)))], *(segs[:, j].copy() for j in range(3)),
        )

    @staticmethod
    def concat(parts: list[Passages]) -> Passages:
        """The passages of the parts, one after another."""
        starts = np.cumsum([0] + [len(p.seg_a) for p in parts[:-1]])
        first = np.concatenate([[0]] + [p.first[1:] + s for p, s in zip(parts, starts, strict=True)])
        fields = ("doc_a", "doc_b", "prov_a", "prov_b", "doc_frequency")
        return Passages(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields), first,
                        *(np.concatenate([getattr(p, f) for p in parts]) for f in ("seg_a", "seg_b", "seg_n")))

    def __len__(self) -> int:
        """Number of passages."""
        return len(self.doc_a)

    def __getitem__(self, i: int) -> Passage:
        """Passage i as an object."""
        lo, hi = int(self.first[i]), int(self.first[i + 1])
        segs = list(zip(self.seg_a[lo:hi].tolist(), self.seg_b[lo:hi].tolist(), self.seg_n[lo:hi].tolist(),
                        strict=True))
        return Passage(int(self.doc_a[i]), int(self.doc_b[i]), int(self.prov_a[i]), int(self.prov_b[i]), segs,
                       int(self.doc_frequency[i]))


def _pieces(corpus: Corpus, run_a: np.ndarray, run_b: np.ndarray, run_len: np.ndarray) -> tuple[np.ndarray, ...]:
    """Runs cut at provision boundaries on both sides: arrays (prov a, prov b, start a, start b, length)."""
    change = corpus.prov_starts  # where the provision changes

    def n_inner(start: np.ndarray) -> np.ndarray:
        return np.searchsorted(change, start + run_len) - np.searchsorted(change, start + 1)

    cross = (n_inner(run_a) + n_inner(run_b)) > 0
    x, y, m = run_a[cross].astype(np.int64), run_b[cross].astype(np.int64), run_len[cross].astype(np.int64)
    # cut points of each crossing run, relative to its start: 0, its length, and every provision change inside
    runs, rel = [np.arange(len(x)), np.arange(len(x))], [np.zeros(len(x), np.int64), m]
    for side in (x, y):
        lo, hi = np.searchsorted(change, side + 1), np.searchsorted(change, side + m)
        count = hi - lo
        which = np.repeat(np.arange(len(side)), count)
        first = np.repeat(lo - np.r_[0, np.cumsum(count)[:-1]], count)
        runs.append(which)
        rel.append(change[first + np.arange(len(which))] - side[which])
    runs_c, rel_c = np.concatenate(runs), np.concatenate(rel)
    o = np.lexsort((rel_c, runs_c))
    runs_c, rel_c = runs_c[o], rel_c[o]
    new = np.ones(len(runs_c), dtype=bool)
    new[1:] = (runs_c[1:] != runs_c[:-1]) | (rel_c[1:] != rel_c[:-1])
    runs_c, rel_c = runs_c[new], rel_c[new]
    piece = np.flatnonzero(runs_c[1:] == runs_c[:-1])  # a cut followed by another cut of the same run
    r, start, length = runs_c[piece], rel_c[piece], rel_c[piece + 1] - rel_c[piece]
    a = [run_a[~cross], x[r] + start]
    b = [run_b[~cross], y[r] + start]
    n = [run_len[~cross], length]
    a, b, n = np.concatenate(a), np.concatenate(b), np.concatenate(n)
    pa, pb = prov_of(corpus, a), prov_of(corpus, b)
    ok = (pa >= 0) & (pb >= 0)
    o = np.lexsort((b[ok], a[ok], pb[ok], pa[ok]))
    return pa[ok][o], pb[ok][o], a[ok][o], b[ok][o], n[ok][o]


def cut_passages(corpus: Corpus, runs: tuple[np.ndarray, np.ndarray, np.ndarray], titles: np.ndarray,
                 params: ReuseParams) -> Passages:
    """Cut runs at provision boundaries, merge across small gaps, keep those sharing min_length characters.

    The passages are then cut at cited titles (titles: the mask of the characters inside 《》, see
    _split_at_titles). The runs come sorted by their start in a (so by document): they are taken in
    blocks of whole documents of about params.run_block runs, whose passages follow one another in the order
    of one pass over all runs (a passage joins runs of one provision pair, so of one document on side a).
    """
    run_a, run_b, run_len = runs
    block_size, max_gap, min_length = params.run_block, params.max_gap, params.min_length
    doc = doc_of(corpus, run_a)
    out: list[Passages] = [Passages.of([])]
    lo = 0
    while lo < len(doc):
        hi = (len(doc) if lo + block_size >= len(doc)
              else int(np.searchsorted(doc, doc[lo + block_size], side="right")))
        block = _block_passages(corpus, run_a[lo:hi], run_b[lo:hi], run_len[lo:hi], max_gap, min_length)
        out.append(Passages.of(_split_at_titles(titles, block, min_length)))
        del block  # objects of one block at a time
        lo = hi
    return Passages.concat(out)


def _block_passages(corpus: Corpus, run_a: np.ndarray, run_b: np.ndarray, run_len: np.ndarray, max_gap: int,
                    min_length: int) -> list[Passage]:
    """_passages of a block of runs."""
    pa, pb, a, b, n = _pieces(corpus, run_a, run_b, run_len)
    keep = _mergeable(pa, pb, a, n, max_gap) | (n >= min_length)
    pa, pb, a, b, n = pa[keep], pb[keep], a[keep], b[keep], n[keep]
    out: list[Passage] = []
    if not len(pa):
        return out
    bounds = np.flatnonzero(np.r_[True, (pa[1:] != pa[:-1]) | (pb[1:] != pb[:-1]), True])
    # a provision lies in one document: the documents of a pair of provisions are those of its first piece
    docs_a, docs_b = (doc_of(corpus, side[bounds[:-1]]).tolist() for side in (a, b))
    for g, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)):
        segs = list(zip(a[lo:hi].tolist(), b[lo:hi].tolist(), n[lo:hi].tolist(), strict=True))
        for chain in _merge_gaps(segs, max_gap):
            p = Passage(docs_a[g], docs_b[g], int(pa[lo]), int(pb[lo]), chain)
            if p.shared >= min_length:
                out.append(p)
    return out


def _mergeable(pa: np.ndarray, pb: np.ndarray, a: np.ndarray, n: np.ndarray, max_gap: int) -> np.ndarray:
    """Pieces followed or preceded, within max_gap, by another piece of the same provision pair."""
    group = np.cumsum(np.r_[True, (pa[1:] != pa[:-1]) | (pb[1:] != pb[:-1])]) - 1 if len(pa) else pa
    span = int(a.max()) + int(n.max()) + max_gap + 2 if len(a) else 1
    key = group * span + a  # sorted, since pieces are sorted by (pair, a)
    end = key + n
    lo = np.searchsorted(key, end, side="left")
    hi = np.searchsorted(key, end + max_gap, side="right")
    has_next = hi > lo
    starts = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(starts, lo[has_next], 1)
    np.add.at(starts, hi[has_next], -1)
    has_prev = np.cumsum(starts)[:-1] > 0
    return has_next | has_prev


def _merge_gaps(segs: list[tuple[int, int, int]], max_gap: int) -> list[list[tuple[int, int, int]]]:
    """Chain exact runs (sorted by start) that follow each other within max_gap characters on both sides."""
    chains: list[list[tuple[int, int, int]]] = []
    open_: list[list[tuple[int, int, int]]] = []
    for seg in segs:
        a, b, _ = seg
        open_ = [c for c in open_ if a - (c[-1][0] + c[-1][2]) <= max_gap]
        for c in open_:
            ga, gb = a - (c[-1][0] + c[-1][2]), b - (c[-1][1] + c[-1][2])
            if 0 <= ga <= max_gap and 0 <= gb <= max_gap:
                c.append(seg)
                break
        else:
            chain = [seg]
            chains.append(chain)
            open_.append(chain)
    return chains


def _split_at_titles(inside: np.ndarray, passages: list[Passage], min_length: int) -> list[Passage]:
    """Cut passages where a cited title (《…》 on either side) begins or ends; keep parts of min_length.

    inside: the mask of the content characters inside cited titles (in_marks with title_spans).
    A passage running from borrowed wording into a cited title and out again (落实《…意见》，充分发挥…)
    becomes a citation between two passages typed on their own.
    """
    out = []
    for p in passages:
        parts: list[tuple[bool, list[tuple[int, int, int]]]] = []
        for x, y, n in p.segments:
            flag = inside[x:x + n] | inside[y:y + n]
            cuts = [0, *(np.flatnonzero(flag[1:] != flag[:-1]) + 1).tolist(), n]
            for c0, c1 in zip(cuts[:-1], cuts[1:], strict=True):
                piece, f = (x + c0, y + c0, c1 - c0), bool(flag[c0])
                if parts and parts[-1][0] == f:
                    parts[-1][1].append(piece)
                else:
                    parts.append((f, [piece]))
        if len(parts) == 1:
            out.append(p)
            continue
        for _, segs in parts:
            q = Passage(p.doc_a, p.doc_b, p.prov_a, p.prov_b, segs)
            if q.shared >= min_length:
                out.append(q)
    return out
