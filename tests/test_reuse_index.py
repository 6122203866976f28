"""Tests of the reuse stage's k-gram index and exact runs."""

from __future__ import annotations

import numpy as np
import pytest
from reuse_corpora import docs_of_keys, index_corpus, reuse_corpus

from policykit.analysis.reuse import ReuseParams
from policykit.analysis.reuse.hashing import NO_HASH, kgram_hashes
from policykit.analysis.reuse.index import index_kgrams, partition_bits
from policykit.analysis.reuse.runs import exact_runs


@pytest.mark.parametrize("partition_size", [1, 7, 64])
def test_partitioned_index_equals_the_whole_index(partition_size):
    """Splitting the k-gram index by hash into partitions gives the same counts, cover and seed pairs."""
    docs, prov = index_corpus()
    c = reuse_corpus(docs, prov)
    assert partition_bits(len(c.keys), partition_size) > 0
    whole, (wi, wj) = index_kgrams(c, 8, 3, None, ReuseParams(index_partition=10**9))
    parted, (pi, pj) = index_kgrams(c, 8, 3, None, ReuseParams(index_partition=partition_size))
    assert (whole.n_docs == parted.n_docs).all() and (whole.formulaic == parted.formulaic).all()
    assert whole.formulaic.any() and len(wi) > 0  # the corpus has formulas and seeds
    assert sorted(zip(wi.tolist(), wj.tolist(), strict=True)) == sorted(zip(pi.tolist(), pj.tolist(), strict=True))


def test_formulaic_marks_characters_under_a_formulaic_kgram():
    """Index.formulaic marks the characters inside at least one formulaic k-gram."""
    docs, prov = index_corpus()
    c = reuse_corpus(docs, prov)
    index, _ = index_kgrams(c, 8, 3, None, ReuseParams())
    covered = [False] * len(c.keys)
    h, key_doc = kgram_hashes(c, 8, range(len(c.keys))), docs_of_keys(c)
    families = {}
    for x, v in enumerate(h.tolist()):
        families.setdefault(v, set()).add(int(c.family[key_doc[x]]))
    for x, v in enumerate(h.tolist()):
        if v != NO_HASH and len(families[v]) >= 3:
            covered[x:x + 8] = [True] * 8
    assert index.formulaic.tolist() == covered
    at = np.arange(len(c.keys))
    assert (kgram_hashes(c, 8, at) == h).all()  # the hashes at positions are those of the whole corpus


def test_first_seeds_of_runs_give_the_runs_of_all_seeds():
    """Runs grown from the index's seeds (the first of each diagonal run) equal runs grown from every seed."""
    docs, prov = index_corpus()
    c = reuse_corpus(docs, prov)
    _, seeds = index_kgrams(c, 8, 3, None, ReuseParams(index_partition=7))
    h, key_doc = kgram_hashes(c, 8, range(len(c.keys))), docs_of_keys(c)
    families: dict[int, set[int]] = {}
    for x, v in enumerate(h.tolist()):
        families.setdefault(v, set()).add(int(c.family[key_doc[x]]))
    ok = [x for x, v in enumerate(h.tolist()) if v != NO_HASH and len(families[v]) < 3]
    every = [(i, j) for i in ok for j in ok if i < j and h[i] == h[j] and key_doc[i] != key_doc[j]]
    assert len(seeds[0]) < len(every)  # the index returned fewer seeds
    every_seed = [np.array([i for i, _ in every], np.int32), np.array([j for _, j in every], np.int32)]
    full = exact_runs(c, 8, every_seed, 1 << 20)
    first = exact_runs(c, 8, seeds, 1 << 20)
    assert all((a == b).all() for a, b in zip(full, first, strict=True)) and len(full[0]) > 0
