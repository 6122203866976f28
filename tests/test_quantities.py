"""Tests of the quantity recogniser (docs/codebook-terms.md, part 2)."""

from __future__ import annotations

import pytest

from policykit.analysis import quantities


@pytest.mark.parametrize(("text", "found"), [
    ("到2026年底", ["2026年底"]),
    ("300个以上", ["300个"]),
    ("增长20%", ["20%"]),
    ("1.03亿元", ["1.03亿元"]),
    ("约95ZB", ["95ZB"]),
    ("三年行动", ["三年"]),
    ("十二个行业", ["十二个"]),
    ("两类主体", ["两类"]),
    ("百分之二十", ["百分之二十"]),
    ("翻一番", ["翻一番"]),
    ("数据交易规模倍增", ["倍增"]),
    ("年底前完成", ["年底前"]),
    ("提高一个百分点", ["一个百分点"]),
])
def test_quantities_are_found(text, found):
    """Digits, Chinese numerals with a unit, %, multiples, dates and deadlines."""
    assert [q.text for q in quantities.find(text)] == found


@pytest.mark.parametrize("text", [
    "千姿百态", "千行百业", "一次收取", "一单到底", "一批", "一体化", "统一理赔", "进一步", "一站式",
    "反向定制（C2M）", "5G网络", "B2B平台", "第三方", "党的二十大", "数据二十条", "一网通办", "长三角",
    "价值倍增", "倍增作用", "日常", "未成年", "近年来",
])
def test_non_quantities_are_not_found(text):
    """Idioms, 一 as an article, ordinals, names, codes and rhetorical multiplication are no quantities."""
    assert quantities.find(text) == []


def test_values_make_rewordings_comparable():
    """增长1倍, 增长一倍, 翻一番 and 倍增 all state a factor of 2; 20% and 百分之二十 the same percentage."""
    keys = {quantities.find(t)[0].key for t in ("增长1倍", "增长一倍", "翻一番", "交易规模倍增")}
    assert keys == {(2.0, "倍")}
    assert quantities.find("20%")[0].key == quantities.find("百分之二十")[0].key
    assert quantities.find("2025年")[0].key != quantities.find("2026年")[0].key


def test_offsets_point_into_the_text():
    """Each quantity's offsets slice its text out of the input."""
    text = "到2026年底，培育300个以上示范场景，数据交易规模倍增。"
    for q in quantities.find(text):
        assert text[q.start:q.end] == q.text
