"""Tests for policykit.analysis.align: comparison units and the draft -> final alignment rules."""

from __future__ import annotations

import pytest

from policykit.analysis.align import SIMILARITY_FLOOR, Unit, align, coverage, similarity
from policykit.errors import InputError

P1 = "支持工业制造类企业融合设计、仿真、实验验证数据，培育数据驱动型产品研发新模式，提升企业创新能力。"
P2 = "推动科学数据有序开放共享，促进重大科技基础设施产生的各类科学数据互联互通，支持科研机构开展数据汇交。"
P3 = "开展数据要素应用典型案例评选，遴选一批典型应用，依托数字中国建设峰会发布典型案例，促进经验分享。"
P4 = "加强数据安全保障，落实数据安全法规制度，完善数据分类分级保护制度，落实网络安全等级保护制度。"


def _u(pid: str, ord_: int, body: str, heading: str = "") -> Unit:
    return Unit(pid, ord_, heading, heading, "", body)


def test_align_pairs_by_content_not_heading_or_position() -> None:
    """Draft [智能制造: P1, 科技: P2] vs final [科技: P2, 工业制造: P1 edited] -> P1 paired despite the new heading."""
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
    changes = [(a.change, [u.provision_id for u in a.draft], [u.provision_id for u in a.final])
               for a in align(draft, final)]
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
    final = [_u("1", 1, "鼓励工业企业整合研发、生产、经营及销售数据，"
                        "发展数据驱动的个性化产品设计新模式，全面增强核心创新能力。")]
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
    """Unrelated text under one heading is deleted and added, a threshold lowered to its level notwithstanding."""
    draft, final = [_u("1", 1, P3, "数据要素×应急管理")], [_u("1", 1, P4, "数据要素×应急管理")]
    assert [a.change for a in align(draft, final)] == ["added", "deleted"]
    low = align(draft, final, threshold=0.0)
    assert similarity(P3, P4) < SIMILARITY_FLOOR
    assert [a.change for a in low] == ["added", "deleted"]


def test_align_threshold_changes_the_real_pairing() -> None:
    """Raising the threshold never pairs more units, and pairs below it carry a basis other than content."""
    draft = [_u(str(k), k, t) for k, t in enumerate([P1, P2, P3], 1)]
    final = [_u(str(k), k, t) for k, t in enumerate([P1.replace("提升", "增强"), P2[:30] + "，统筹推进。", P4], 1)]
    n_paired = [sum(a.basis is not None for a in align(draft, final, threshold=t)) for t in (0.0, 0.45, 0.99)]
    assert n_paired == sorted(n_paired, reverse=True) and n_paired[0] > n_paired[-1]
    for a in align(draft, final, threshold=0.45):
        if a.basis == "content":
            assert a.similarity >= 0.45


def test_no_pair_below_the_threshold_whatever_its_basis() -> None:
    """At threshold 0.9 every pair's own measure (similarity, unordered similarity, coverage) reaches 0.9."""
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


def _article(pid: str, ord_: int, label: str, body: str) -> Unit:
    return Unit(pid, ord_, "", "", "", body, label)


def test_law_articles_renumbered_are_moved_and_unrelated_ones_not_paired() -> None:
    """An article under a new number is moved even in sequence; a new rule in an old slot is deleted + added."""
    draft = [_article("1", 1, "第一条", P1), _article("2", 2, "第二条", P2), _article("3", 3, "第三条", P3)]
    final = [_article("1", 1, "第一条", P1), _article("2", 2, "第二条", P4), _article("3", 3, "第三条", P2),
             _article("4", 4, "第四条", P3.replace("评选", "征集"))]
    out = {(tuple(u.label for u in a.draft), tuple(u.label for u in a.final)): a for a in align(draft, final)}
    assert out[("第一条",), ("第一条",)].change == "unchanged"
    assert out[("第二条",), ("第三条",)].change == "moved"
    assert out[("第三条",), ("第四条",)].change == "moved"
    assert out[(), ("第二条",)].change == "added"
    assert all(a.similarity is None or a.similarity >= 0.3 for a in out.values())


def test_similarity_floor_unpairs_what_only_shares_a_heading() -> None:
    """Two texts under one heading whose words barely overlap are deleted and added, never paired."""
    draft = [_u("1", 1, P1, "保障措施")]
    final = [_u("1", 1, P4, "保障措施")]
    assert sorted(a.change for a in align(draft, final, threshold=0.05)) == ["added", "deleted"]


def test_article_units_hold_their_items_and_paragraphs() -> None:
    import pandas as pd

    from policykit.analysis.align import units
    from policykit.ingest.structure import build_provisions
    text = ("某某条例\n\n第一条 有下列情形之一的，不予登记：\n\n（一）材料不齐全；\n\n（二）逾期申请的。\n\n"
            "前款以外的情形，依法处理。\n\n第二条 本条例自公布之日起施行。")
    prov = build_provisions(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    us = units(prov, "d")
    assert [u.label for u in us] == ["", "第一条", "第二条"]
    assert "（二）逾期申请的。" in us[1].body and us[1].body.endswith("前款以外的情形，依法处理。")
