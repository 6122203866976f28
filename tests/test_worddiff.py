"""Tests for policykit.analysis.worddiff: word-level edits, moved sentences, trivial edits and numbers."""

from __future__ import annotations

from policykit.analysis.worddiff import is_trivial, moved_edits, touches_numbers, word_edits


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


def test_reordered_clause_is_marked_as_moved() -> None:
    """安全有序，开放融合 -> 开放融合，安全有序: a deletion and an insertion of the same words, both moved."""
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
    assert is_trivial("特制订", "特制定") and is_trivial("”", "") and is_trivial("，", "；")
    assert not is_trivial("推动", "推进")
    edits = word_edits("为此，特制订本方案。", "为此，特制定本方案。")
    assert edits and all(e.trivial for e in edits)
