"""Tests for policykit.compare: witness collation, draft -> final alignment and word-level changes."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit import compare
from policykit.compare import Unit, align, touches_numbers, word_edits
from policykit.documents import version_pairs
from policykit.errors import InputError
from policykit.schema import table

# --- alignment --------------------------------------------------------------------------------

P1 = "支持工业制造类企业融合设计、仿真、实验验证数据，培育数据驱动型产品研发新模式，提升企业创新能力。"
P2 = "推动科学数据有序开放共享，促进重大科技基础设施产生的各类科学数据互联互通，支持科研机构开展数据汇交。"
P3 = "开展数据要素应用典型案例评选，遴选一批典型应用，依托数字中国建设峰会发布典型案例，促进经验分享。"
P4 = "加强数据安全保障，落实数据安全法规制度，完善数据分类分级保护制度，落实网络安全等级保护制度。"


def _u(pid: str, ord_: int, body: str, heading: str = "") -> Unit:
    return Unit(pid, ord_, heading, heading, "", body)


def test_align_pairs_by_content_not_heading_or_position() -> None:
    """Draft [智能制造: P1, 科技: P2] vs final [科技: P2, 工业制造: P1 edited] -> P1 pair found despite the new heading."""
    draft = [_u("1", 1, P1, "数据要素×智能制造"), _u("2", 2, P2, "数据要素×科技创新")]
    final = [_u("1", 1, P2, "数据要素×科技创新"), _u("2", 2, P1.replace("提升", "增强"), "数据要素×工业制造")]
    out = align(draft, final)
    by_final = {a.final[0].provision_id: a for a in out}
    assert by_final["2"].draft[0].provision_id == "1"
    assert {a.change for a in out} == {"unchanged", "moved"} or {a.change for a in out} == {"moved", "modified"}
    assert len(out) == 2


def test_align_classifies_unchanged_modified_added_deleted() -> None:
    """Draft [P1, P2, P3] vs final [P1, P2 edited, P4] -> unchanged, modified, added P4, deleted P3 (last)."""
    draft = [_u("1", 1, P1), _u("2", 2, P2), _u("3", 3, P3)]
    final = [_u("1", 1, P1), _u("2", 2, P2.replace("数据汇交", "数据汇交和开放")), _u("3", 3, P4)]
    changes = [(a.change, [u.provision_id for u in a.draft], [u.provision_id for u in a.final]) for a in align(draft, final)]
    assert changes == [("unchanged", ["1"], ["1"]), ("modified", ["2"], ["2"]),
                       ("added", [], ["3"]), ("deleted", ["3"], [])]


def test_align_detects_merge_and_split() -> None:
    """Draft [P1, P2] vs final [P1+P2] -> merged; and the reverse -> split."""
    merged = align([_u("1", 1, P1), _u("2", 2, P2)], [_u("1", 1, P1 + P2)])
    assert [(a.change, len(a.draft), len(a.final)) for a in merged] == [("merged", 2, 1)]
    split = align([_u("1", 1, P1 + P2)], [_u("1", 1, P1), _u("2", 2, P2)])
    assert [(a.change, len(a.draft), len(a.final)) for a in split] == [("split", 1, 2)]


def test_align_moved_when_out_of_sequence() -> None:
    """Draft [P1, P2, P3] vs final [P2, P3, P1] -> P1 is moved, P2 and P3 unchanged."""
    draft = [_u("1", 1, P1), _u("2", 2, P2), _u("3", 3, P3)]
    final = [_u("1", 1, P2), _u("2", 2, P3), _u("3", 3, P1)]
    got = {a.draft[0].provision_id: a.change for a in align(draft, final)}
    assert got == {"1": "moved", "2": "unchanged", "3": "unchanged"}


def test_align_threshold_controls_pairing() -> None:
    """A rewritten paragraph (similarity 0.51) pairs at threshold 0.3 but not at 0.95."""
    draft = [_u("1", 1, P1)]
    final = [_u("1", 1, "鼓励工业企业整合研发、生产、经营及销售数据，发展数据驱动的个性化产品设计新模式，全面增强核心创新能力。")]
    assert align(draft, final, threshold=0.3)[0].change == "modified"
    assert [a.change for a in align(draft, final, threshold=0.95)] == ["added", "deleted"]
    with pytest.raises(InputError):
        align(draft, final, threshold=1.5)


def test_align_same_heading_pairs_reordered_text() -> None:
    """Sentences re-ordered under one unchanged heading: low ordered similarity, high unordered -> paired."""
    sentences = [P1, P2, P3, P4]
    draft = [_u("1", 1, "".join(sentences), "数据要素×应急管理")]
    final = [_u("1", 1, "".join(reversed(sentences)), "数据要素×应急管理")]
    out = align(draft, final)
    assert [a.change for a in out] == ["modified"]
    assert out[0].similarity < 0.45 <= out[0].similarity_unordered and out[0].basis == "same heading"
    assert out[0].similarity_unordered == 1.0


def test_align_same_heading_never_pairs_below_threshold() -> None:
    """Unrelated text under one heading is deleted and added, unless the threshold is lowered to its level."""
    draft, final = [_u("1", 1, P3, "数据要素×应急管理")], [_u("1", 1, P4, "数据要素×应急管理")]
    assert [a.change for a in align(draft, final)] == ["added", "deleted"]
    low = align(draft, final, threshold=0.0)
    assert [a.change for a in low] == ["modified"]


def test_align_threshold_changes_the_real_pairing() -> None:
    """Raising the threshold never pairs more units, and pairs below it carry a basis other than content."""
    draft = [_u(str(k), k, t) for k, t in enumerate([P1, P2, P3], 1)]
    final = [_u(str(k), k, t) for k, t in enumerate([P1.replace("提升", "增强"), P2[:30] + "，统筹推进。", P4], 1)]
    n_paired = [sum(a.basis is not None for a in align(draft, final, threshold=t)) for t in (0.0, 0.45, 0.99)]
    assert n_paired == sorted(n_paired, reverse=True) and n_paired[0] > n_paired[-1]
    for a in align(draft, final, threshold=0.45):
        if a.basis == "content":
            assert a.similarity >= 0.45


# --- word-level changes -----------------------------------------------------------------------


def test_word_edits_replace_whole_words() -> None:
    """'市场影响力大的企业' -> '成长性好的企业': one replace, not scattered characters."""
    edits = word_edits("培育一批市场影响力大的数据商", "培育一批成长性好的数据商")
    assert [(e.op, e.draft_text, e.final_text) for e in edits] == [("replace", "市场影响力大", "成长性好")]
    assert edits[0].context.startswith("培育一批[市场影响力大→成长性好]")
    assert not edits[0].touches_numbers


def test_word_edits_flag_numbers_and_deadlines() -> None:
    """'增长1倍' -> '倍增' and '2025年底' -> '2026年底' (one word each) touch numbers; '统一' does not."""
    e1 = word_edits("数据交易规模增长1倍", "数据交易规模倍增")
    assert e1 and all(e.touches_numbers for e in e1)
    e2 = word_edits("到2025年底", "到2026年底")
    assert [(e.draft_text, e.final_text, e.touches_numbers) for e in e2] == [("2025年底", "2026年底", True)]
    assert not touches_numbers("统一标准")
    assert touches_numbers("三年") and touches_numbers("300个") and touches_numbers("百分之十")


def test_word_edits_offsets_point_into_texts() -> None:
    """Character offsets of an insert locate the inserted words in the final text."""
    draft, final = "推动数据共享", "积极推动数据共享"
    e, = word_edits(draft, final)
    assert e.op == "insert" and final[e.final_start:e.final_end] == "积极"
    assert e.draft_start == e.draft_end


# --- tables -----------------------------------------------------------------------------------


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = pd.DataFrame({
        "doc_id": ["plan", "plan-draft"], "kind": ["policy", "draft"], "related_doc_id": [None, "plan"],
        "title": ["计划", "计划（征求意见稿）"],
    })
    rows = [
        ("plan-draft", "1", None, 1, 1, "一、", "重点行动", "重点行动"),
        ("plan-draft", "1.1", "1", 2, 2, "（一）", "数据要素×智能制造", "数据要素×智能制造\n" + P1),
        ("plan-draft", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2),
        ("plan-draft", "1.3", "1", 2, 4, "（三）", "加强宣传推广", P3),
        ("plan", "1", None, 1, 1, "一、", "重点行动", "重点行动"),
        ("plan", "1.1", "1", 2, 2, "（一）", "数据要素×工业制造", P1.replace("2025", "2026")),
        ("plan", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2.replace("数据汇交", "数据汇交和3个试点")),
        ("plan", "1.3", "1", 2, 4, "（三）", "加强安全保障", P4),
    ]
    prov = pd.DataFrame(rows, columns=["doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading", "text"])
    return docs, prov


def test_build_comparison_columns_and_rows() -> None:
    """A two-document corpus -> alignment and changes with exactly the registered columns."""
    docs, prov = _tables()
    alignment, changes = compare.build_comparison(docs, prov)
    assert list(alignment.columns) == table("alignment").columns
    assert list(changes.columns) == table("changes").columns
    assert set(alignment["pair_id"]) == {"plan-draft__plan"}
    assert list(alignment["change"]) == ["modified", "modified", "added", "deleted"]
    assert list(alignment["final_heading"][:2]) == ["数据要素×工业制造", "数据要素×科技创新"]
    assert alignment["section"].iloc[0] == "重点行动"
    n = alignment.set_index("unit")["n_changes"]
    assert changes.groupby("unit").size().to_dict() == {k: v for k, v in n.items() if v}
    unit2 = changes[changes["unit"] == 2]
    assert unit2["touches_numbers"].tolist() == [True]
    assert bool(alignment.set_index("unit").loc[2, "touches_numbers"])


def test_build_comparison_is_deterministic() -> None:
    """Same input -> identical tables."""
    docs, prov = _tables()
    a1, c1 = compare.build_comparison(docs, prov)
    a2, c2 = compare.build_comparison(docs.iloc[::-1], prov.iloc[::-1])
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(c1, c2)


def test_build_comparison_bad_input() -> None:
    """Missing columns or a dangling related_doc_id raise InputError naming the table."""
    docs, prov = _tables()
    with pytest.raises(InputError, match="provisions"):
        compare.build_comparison(docs, prov.drop(columns=["text"]))
    bad = docs.assign(related_doc_id=[None, "nowhere"])
    with pytest.raises(InputError, match="documents"):
        compare.build_comparison(bad, prov)


# --- the real corpus --------------------------------------------------------------------------


def test_real_corpus_draft_aligns_with_final(any_built) -> None:
    """Every draft -> final pair of a built corpus aligns most of its provisions, with word and number changes."""
    t = any_built.tables
    assert version_pairs(t["documents"])
    alignment, changes = t["alignment"], t["changes"]
    assert set(alignment.pair_id) == {f"{a}__{b}" for a, b in version_pairs(t["documents"])}
    for pair_id, rows in alignment.groupby("pair_id"):
        paired = rows["change"].isin(["unchanged", "modified", "moved", "merged", "split"])
        assert paired.mean() > 0.6, pair_id
    assert changes["touches_numbers"].any()


def test_reordered_clause_is_marked_as_moved() -> None:
    """安全有序，开放融合 -> 开放融合，安全有序: a deletion and an insertion of the same words, both moved."""
    from policykit.compare import moved_edits, word_edits

    edits = word_edits("坚持安全有序，开放融合，推动发展。", "坚持开放融合，安全有序，推动发展。")
    flags = moved_edits(edits)
    assert any(flags)
    assert all(f for e, f in zip(edits, flags, strict=True) if "安全有序" in e.draft_text + e.final_text)
    rewrite = word_edits("提升数据供给水平。", "加强数据安全保障。")
    assert not any(moved_edits(rewrite))


def test_number_flags_and_value_changed() -> None:
    """Idioms, articles and codes are not numbers; a restated value is not a changed value."""
    assert not any(e.touches_numbers for e in word_edits("发挥千姿百态的乘数效应", "发挥乘数效应"))
    assert not any(e.touches_numbers for e in word_edits("零售、反向定制（C2M）等", "电商等"))
    assert not any(e.touches_numbers for e in word_edits("运单“一单到底”、一次收取", "费用一次结算"))
    same = [e for e in word_edits("场内交易规模增长1倍，", "数据交易规模倍增，") if e.touches_numbers]
    assert same and {e.value_changed for e in same} == {"false"}
    changed = [e for e in word_edits("培育300个示范场景。", "培育200个示范场景。") if e.touches_numbers]
    assert [e.value_changed for e in changed] == ["true"]
    vague = [e for e in word_edits("交易规模增长1倍。", "交易规模大幅提升。") if e.touches_numbers]
    assert [e.value_changed for e in vague] == ["unknown"]
    assert all(e.value_changed is None for e in word_edits("推动数据共享", "积极推动数据共享"))


def test_trivial_edits_are_marked() -> None:
    """特制订 -> 特制定 (a variant form) and punctuation-only edits are trivial; a new word is not."""
    from policykit.compare import is_trivial

    assert is_trivial("特制订", "特制定") and is_trivial("”", "") and is_trivial("，", "；")
    assert not is_trivial("推动", "推进")
    edits = word_edits("为此，特制订本方案。", "为此，特制定本方案。")
    assert edits and all(e.trivial for e in edits)


def test_no_pair_below_the_threshold_whatever_its_basis() -> None:
    """At threshold 0.9 every pair's own measure (similarity, unordered similarity, coverage) reaches 0.9."""
    from policykit.compare import coverage

    draft = [_u("1", 1, P1), _u("2", 2, P2 + P3), _u("3", 3, P4, "加强安全保障")]
    final = [_u("1", 1, P1.replace("提升", "增强")), _u("2", 2, P2), _u("3", 3, P3[:20] + P4[20:], "加强安全保障")]
    for t in (0.45, 0.9):
        for a in align(draft, final, threshold=t):
            d, f = "".join(u.body for u in a.draft), "".join(u.body for u in a.final)
            if a.basis == "content":
                assert a.similarity >= t
            elif a.basis == "same heading":
                assert a.similarity_unordered >= t
            elif a.basis == "containment":
                assert min(max(coverage(u.body, f) for u in a.draft), max(coverage(u.body, d) for u in a.final)) >= t \
                    or max(coverage(d, f), coverage(f, d)) >= t
