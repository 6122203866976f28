"""Tests of reuse_pairs: passages summed by pair of documents, the relation and the evidence of borrowing."""

from __future__ import annotations

import pandas as pd
from reuse_corpora import P14, P15, corpus, filler

from policykit.analysis.reuse import ReuseParams, build_reuse, build_reuse_pairs, evidence_needed


def test_reuse_pairs_sums_by_type():
    """Two substantive passages and one cited title between a and b -> one pair row with the counts."""
    title = "关于构建数据基础制度更好发挥数据要素作用的意见"
    docs, prov = corpus(
        {
            "a": ("2022-12-02", [title, filler(0, 0) + P15 + filler(0, 1) + P14 + "达" + filler(0, 2)]),
            "b": ("2023-01-01", ["《" + title + "》", filler(1, 0) + P15 + filler(1, 1) + P14 + "达" + filler(1, 2)]),
        },
        title={"a": title},
    )
    reuse = build_reuse(docs, prov)
    pairs = build_reuse_pairs(reuse, docs)
    assert len(pairs) == 1
    p = pairs.iloc[0]
    assert (p.source_doc_id, p.target_doc_id, p.direction_basis) == ("a", "b", "date")
    assert (p.n_passages, p.n_substantive, p.n_citation, p.substantive_chars) == (3, 2, 1, 30)
    assert bool(p.is_borrowing) and not bool(p.same_family)


def test_reuse_pairs_relation_and_borrowing_between_policies_only():
    """One passage between two versions is a version pair, never borrowing; between two policies, borrowing.

    A passage that three documents hold weighs 2/3 of its length: 15 characters shared by a, b and c are not
    enough evidence of borrowing between b and c; 15 more that only b and c share are.
    """
    q = filler(9, 5, 15)
    docs, prov = corpus({
        "a": ("2022-01-01", [filler(0, 0) + P15 + filler(0, 1)]),
        "b": ("2023-01-01", [filler(1, 0) + P15 + filler(1, 1), filler(1, 2) + q + filler(1, 3)]),
        "c": ("2024-01-01", [filler(2, 0) + P15 + filler(2, 1), filler(2, 2) + q + filler(2, 3)]),
    })
    docs["family_id"] = ["family-x", "family-x", "family-y"]
    docs["policy_id"] = ["policy-x", "policy-x", "policy-y"]
    pairs = build_reuse_pairs(build_reuse(docs, prov), docs).set_index(["source_doc_id", "target_doc_id"])
    ab, bc = pairs.loc[("a", "b")], pairs.loc[("b", "c")]
    assert (ab.relation, bool(ab.is_borrowing), bool(ab.same_family), bool(ab.same_policy)) == (
        "version", False, True, True)
    assert (bc.relation, bool(bc.is_borrowing), bool(bc.same_policy)) == ("borrowing", True, False)
    assert (bc.rare_chars, bc.n_phrases) == (25.0, 1)  # q: 15 x 1; P15, held by three documents: 15 x 2/3
    docs.loc[docs["doc_id"] == "b", "text"] = docs.loc[docs["doc_id"] == "b", "text"].str.replace(q, filler(1, 4, 15))
    alone = build_reuse_pairs(build_reuse(docs, prov), docs).set_index(["source_doc_id", "target_doc_id"])
    assert (alone.loc[("b", "c")].relation, bool(alone.loc[("b", "c")].is_borrowing)) == ("formula", False)


def test_evidence_needed_grows_with_the_pairs_compared():
    """One phrase of 15 characters is evidence in a corpus of up to 45 documents; about 30 are needed for 1,400."""
    one = ReuseParams().min_rare_chars
    assert evidence_needed(2) == evidence_needed(45) == one == 15
    assert evidence_needed(46) > one
    assert evidence_needed(46, ReuseParams(evidence_base_pairs=2000)) == one  # more pairs before more is asked
    assert 29.5 < evidence_needed(1400) < 30.5 and evidence_needed(14000) > evidence_needed(1400)
    q = filler(9, 5, 20)
    docs, prov = corpus({"a": ("2020-01-01", [filler(0, 0) + q + filler(0, 1)]),
                         "b": ("2021-01-01", [filler(1, 0) + q + filler(1, 1)])})
    reuse = build_reuse(docs, prov)
    assert bool(build_reuse_pairs(reuse, docs).iloc[0].is_borrowing)
    # the same pair among 1,400 documents: one phrase of 20 rare characters is not enough
    many = pd.concat([docs, pd.DataFrame({"doc_id": [f"x{i}" for i in range(1398)], "text": "x"})], ignore_index=True)
    pair = build_reuse_pairs(reuse, many).iloc[0]
    assert (pair.n_phrases, bool(pair.is_borrowing), pair.relation) == (1, False, "formula")
