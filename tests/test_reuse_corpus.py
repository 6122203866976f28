"""Tests of the reuse stage's corpus and hash: content characters, provisions, k-gram hashes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reuse_corpora import P14, P15, RARE, corpus, docs_of_keys, filler, reuse_corpus, slices

from policykit.analysis.reuse import build_reuse
from policykit.analysis.reuse import corpus as corpus_module
from policykit.analysis.reuse.corpus import alphabet, doc_of, prov_of
from policykit.analysis.reuse.hashing import HASH_BASE, NO_HASH, kgram_hashes


def test_characters_beyond_the_bmp_match_as_any_other(monkeypatch):
    """Passages and quoted phrases holding characters beyond U+FFFF: the same rows with uint16 or uint32 keys."""
    phrase = "谁投入" + RARE + "贡献谁受益"
    docs, prov = corpus({
        "a": ("2022-12-02", [filler(0, 0) + "坚持“" + phrase + "”原则" + filler(0, 1), P15[:7] + RARE + P14]),
        "b": ("2023-09-01", [filler(1, 0) + phrase + filler(1, 1), filler(1, 2) + P15[:7] + RARE + P14]),
    })
    out = build_reuse(docs, prov)
    assert sorted(out["source_text"]) == sorted([phrase, P15[:7] + RARE + P14])
    slices(docs, out)
    monkeypatch.setattr(corpus_module, "N_SLOTS", 1)  # two characters beyond U+FFFF: too many, uint32 code points
    assert alphabet(docs["text"]) is None and out.equals(build_reuse(docs, prov))


@pytest.mark.parametrize("beyond_bmp", ["", RARE])
def test_kgram_hashes_stop_at_document_ends(beyond_bmp):
    """Hashes of the code points of k-grams inside one document, _NO_HASH for those leaving it.

    Empty and short documents too, and characters beyond U+FFFF, whose uint16 keys are not their code points.
    """
    docs, prov = corpus({"a": (None, [P15 + beyond_bmp]), "b": (None, ["，"]), "c": (None, ["数据"]),
                         "d": (None, [P14 + beyond_bmp[::-1], beyond_bmp + P15[:3] + beyond_bmp])})
    c = reuse_corpus(docs, prov)
    assert c.keys.dtype == np.uint16 and len(c.beyond) == len(beyond_bmp)
    key_doc = docs_of_keys(c)
    keys = [ord(c.texts[d][p]) for d, p in zip(key_doc, c.key_pos.tolist(), strict=True)]  # the code points
    assert doc_of(c, np.arange(len(keys))).tolist() == key_doc and c.doc_bounds[1] == c.doc_bounds[2]
    for k in (1, 3, 8):
        want = []
        for x in range(len(keys)):
            if x + k > len(keys) or key_doc[x] != key_doc[x + k - 1]:
                want.append(int(NO_HASH))
            else:
                v = 0
                for ch in keys[x:x + k]:
                    v = (v * int(HASH_BASE) + ch) % 2**64
                want.append(v)
        assert kgram_hashes(c, k, range(len(keys))).tolist() == want
        chunks = [kgram_hashes(c, k, range(s, s + 5)).tolist() for s in range(0, len(keys), 5)]
        assert sum(chunks, []) == want
        assert kgram_hashes(c, k, np.arange(len(keys))).tolist() == want


def test_provision_of_each_content_character():
    """The corpus's stretches of one provision give every content character the provision locate() finds."""
    from policykit.analysis.locate import provision_ids

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [P15 + "，" + P14 + "。" + P15, P14, "数据。" + P15]})
    prov = pd.DataFrame({"doc_id": ["a", "a", "c", "c"], "provision_id": ["1", "2", "1", "2"],
                         "char_start": [0, 16, 0, 3], "char_end": [16, 30, 3, 18]})  # a's last P15: no provision
    c = reuse_corpus(docs, prov)
    labels = prov_of(c, np.arange(len(c.keys))).tolist()
    got = [None if x < 0 else (c.doc_ids[doc], c.prov_ids[x]) for x, doc in zip(labels, docs_of_keys(c), strict=True)]
    want = []
    for doc, doc_id in enumerate(c.doc_ids):
        lo, hi = int(c.doc_bounds[doc]), int(c.doc_bounds[doc + 1])
        found = provision_ids(prov[prov["doc_id"] == doc_id], None, c.key_pos[lo:hi])
        want += [None if p is None else (doc_id, p) for p in found]
    assert got == want and None in got and len(set(got)) == 5
    assert len(c.prov_starts) == 5  # a: 1, 2, none; b: none (joins a's last stretch); c: 1, 2
