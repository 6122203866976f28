"""The k-gram index: per content character, the documents holding its k-gram and whether it is formulaic; the seeds.

Memory: the index is a shuffle by key (partitions by the top bits of the hash, sorted one at a time); the
corpus's hashes are never all held; counts are uint16 below 65,536 documents and the formulaic cover a bool
mask; positions are int32 below 2**31 content characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from policykit.analysis.reuse.corpus import Corpus, doc_of
from policykit.analysis.reuse.hashing import NO_HASH, hash_top_bits, kgram_hashes
from policykit.analysis.reuse.params import ReuseParams


@dataclass(frozen=True)
class Index:
    """Per content character: in how many documents its k-gram occurs, and whether a formulaic k-gram covers it."""

    n_docs: np.ndarray  # uint16 below 65536 documents (the counts never exceed it), else int32; 1 where the
    # k-gram leaves the document
    formulaic: np.ndarray  # bool: the character lies inside a formulaic k-gram (a quarter of int32 prefix sums)


def index_kgrams(corpus: Corpus, k: int, threshold: int, focus: set[int] | None,
                 params: ReuseParams) -> tuple[Index, list[np.ndarray]]:
    """The k-gram index: per-character document counts and formulaic cover, and the seed pairs (i, j), i < j.

    Seeds are pairs of positions in different documents starting the same k-gram, for k-grams that are
    not formulaic (found in fewer than threshold families). Only the first seed of each run of seeds on a
    diagonal is returned: (i, j) is left out when (i - 1, j - 1) is a seed too, which runs.exact_runs would
    have merged into the run before it; runs.extend grows every run to the same maximal match either way.

    The index is a shuffle by key: the k-grams are split by the top bits of their hash into partitions
    of about params.index_partition positions (a polynomial hash spreads them evenly enough), and each
    partition (all occurrences of its k-grams) is sorted and counted on its own. Every group of equal k-grams
    lies in one partition, so the counts, the formulaic marks and the seed pairs are those of one whole-corpus
    index (the seeds' order differs, and runs.exact_runs sorts them); only one partition's sort is held at a
    time. A first pass marks the positions that may seed; a second pairs them, knowing for every seed whether
    the seed before it on its diagonal exists (it may lie in another partition).
    """
    n = len(corpus.keys)
    bits = partition_bits(n, params.index_partition)
    top = hash_top_bits(corpus, k, bits, params.index_partition)  # one byte per position: its k-gram's partition
    dtype = np.int32 if n < 2**31 - k else np.int64
    n_docs = np.ones(n, dtype=np.uint16 if len(corpus.doc_ids) < 1 << 16 else np.int32)
    formulaic_start, seedable = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for part in range(1 << bits):
        # positions of the partition's k-grams, ascending: the order a stable sort keeps within a group
        pos = np.flatnonzero(top == part).astype(dtype)
        hs = kgram_hashes(corpus, k, pos)  # recomputed here: the corpus's hashes are never all held
        inside = hs != NO_HASH
        pos, hs = pos[inside], hs[inside]
        del inside
        if len(pos):
            _count_partition(corpus, threshold, params.max_repeats, pos, hs, n_docs, formulaic_start, seedable)
        del pos, hs  # before the next partition's
    seeds = [_partition_seeds(corpus, k, np.flatnonzero((top == part) & seedable).astype(dtype), seedable, focus)
             for part in range(1 << bits)]
    del top, seedable
    seed_i, seed_j = ([np.zeros(0, dtype)] + [s[side] for s in seeds] for side in (0, 1))
    del seeds
    return Index(n_docs, _covered(formulaic_start, k)), [np.concatenate(seed_i), np.concatenate(seed_j)]


def _partition_seeds(corpus: Corpus, k: int, pos: np.ndarray, seedable: np.ndarray,
                     focus: set[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """The seed pairs among positions that may seed (pos, ascending: whole groups of equal k-grams)."""
    hs = kgram_hashes(corpus, k, pos)
    doc = doc_of(corpus, pos)  # looked up while the positions ascend: the fast order for a binary search
    order = np.argsort(hs, kind="stable")
    pos, hs, doc = pos[order], hs[order], doc[order]
    group = np.cumsum(np.r_[True, hs[1:] != hs[:-1]], dtype=np.int32) if len(hs) else hs.astype(np.int32)
    return pairs_in_groups(corpus, pos, group, focus, seedable, doc)


def _covered(formulaic_start: np.ndarray, k: int) -> np.ndarray:
    """Characters covered by a formulaic k-gram: x is covered when a formulaic k-gram starts in (x - k, x]."""
    # each start is spread over the k - 1 characters after it (bool arrays only, no per-character counts)
    covered = formulaic_start.copy()
    for shift in range(1, k):
        covered[shift:] |= formulaic_start[:-shift]
    return covered


def partition_bits(n: int, partition_size: int) -> int:
    """Bits of the hash that pick a k-gram's partition: 2**bits partitions of about partition_size (at most 256)."""
    bits = 0
    while (n >> bits) > partition_size and bits < 8:
        bits += 1
    return bits


def _count_partition(corpus: Corpus, threshold: int, max_repeats: int, pos: np.ndarray, hs: np.ndarray,
                     n_docs: np.ndarray, formulaic_start: np.ndarray, seedable: np.ndarray) -> None:
    """Count the k-grams at pos (ascending; hashes hs, whole groups of equal hashes) into n_docs and the masks."""
    doc = doc_of(corpus, pos)  # looked up while the positions ascend: the fast order for a binary search
    order = np.argsort(hs, kind="stable")
    pos, hs, doc = pos[order], hs[order], doc[order]
    del order
    first = np.r_[True, hs[1:] != hs[:-1]]
    del hs
    group = np.cumsum(first, dtype=np.int32) - 1
    g_start = np.flatnonzero(first)
    # positions of one document are contiguous and ascending within a group (stable sort over positions)
    new_doc = first | np.r_[True, doc[1:] != doc[:-1]]
    docs_in_group = np.add.reduceat(new_doc.astype(np.int32), g_start)
    # families only need counting where there are enough documents to reach the threshold
    fams_in_group = docs_in_group.copy()
    many = np.flatnonzero(docs_in_group[group] >= threshold)
    if len(many):
        g2, f2 = group[many], corpus.family[doc[many]]
        o = np.lexsort((f2, g2))
        g2, f2 = g2[o], f2[o]
        new_fam = np.r_[True, (g2[1:] != g2[:-1]) | (f2[1:] != f2[:-1])]
        starts = np.flatnonzero(np.r_[True, g2[1:] != g2[:-1]])
        fams_in_group[g2[starts]] = np.add.reduceat(new_fam.astype(np.int32), starts)
        del g2, f2, o, new_fam, starts
    del many
    n_docs[pos] = docs_in_group[group]
    formulaic = fams_in_group[group] >= threshold
    formulaic_start[pos[formulaic]] = True
    # A k-gram repeated over and over inside one document (a refrain, a table of identical cells) would make
    # the pairs below quadratic in its count: keep its first max_repeats occurrences per document.
    at = np.arange(len(pos), dtype=np.int32)
    rank_in_doc = at - np.maximum.accumulate(np.where(new_doc, at, 0))
    keep = (rank_in_doc < max_repeats) & (docs_in_group[group] > 1) & ~formulaic
    seedable[pos[keep]] = True


def pairs_in_groups(corpus: Corpus, pos: np.ndarray, group: np.ndarray, focus: set[int] | None,
                    seedable: np.ndarray, doc: np.ndarray) -> tuple[np.ndarray, ...]:
    """All pairs (i, j), i < j, of positions of different documents within each group of equal k-grams.

    doc: the document of each position; seedable: the positions that may seed (a pair continuing the seed
    (i - 1, j - 1) is left out).
    """
    if len(pos) < 2:
        return np.zeros(0, pos.dtype), np.zeros(0, pos.dtype)
    first = np.r_[True, group[1:] != group[:-1]]
    g_start = np.flatnonzero(first)
    size = np.diff(np.r_[g_start, len(pos)])
    gid = np.cumsum(first) - 1
    remaining = size[gid] - (np.arange(len(pos)) - g_start[gid])  # elements of the group from here on
    in_focus = np.zeros(len(corpus.doc_ids), dtype=bool)
    in_focus[list(focus) if focus is not None else slice(None)] = True
    # the seed pairs keep the positions' dtype (int32 below 2**31 content characters): half the memory
    out_i, out_j = [np.zeros(0, pos.dtype)], [np.zeros(0, pos.dtype)]
    active = np.flatnonzero(remaining > 1)
    t = 1
    while len(active):
        i, j = pos[active], pos[active + t]
        di, dj = doc[active], doc[active + t]
        keep = (di != dj) & (in_focus[di] | in_focus[dj])
        keep &= ~_continues(corpus, seedable, i, j, di, dj)
        out_i.append(i[keep])
        out_j.append(j[keep])
        t += 1
        active = active[remaining[active] > t]
    return np.concatenate(out_i), np.concatenate(out_j)


def _continues(corpus: Corpus, seedable: np.ndarray, i: np.ndarray, j: np.ndarray, di: np.ndarray,
               dj: np.ndarray) -> np.ndarray:
    """Pairs (i, j) whose preceding positions (i - 1, j - 1) form a seed.

    Both may seed, lie in the same documents as i and j, and hold the same character: if the k-grams
    at i and j are equal, so are those before them.
    """
    im, jm = i - 1, j - 1  # i = 0 wraps to the end: masked by i > 0
    starts = corpus.doc_bounds
    return ((im >= starts[di]) & (jm >= starts[dj]) & seedable[im] & seedable[jm]
            & (corpus.keys[im] == corpus.keys[jm]))
