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


@pytest.mark.parametrize(("text", "value_base", "unit_base", "comparator"), [
    ("到2026年底，重点行业覆盖率达到百分之二十以上。", 20, "%", ">="),
    ("三成企业已开展数据资产入表", 30, "%", "="),
    ("过半企业", 50, "%", ">"),
    ("数据交易规模倍增", 2, "倍", "="),
    ("数据总量翻一番", 2, "倍", "="),
    ("两专区交易额达到3500万元", 35_000_000, "元", ">="),
    ("最多有4家", 4, "家", "<="),
    ("经全体董事三分之二以上通过", 66.6667, "%", ">="),
])
def test_one_recogniser_for_targets_and_number_flags(text, value_base, unit_base, comparator):
    """measured() (targets) and find() (number flags) see the same quantity with the same base value and unit."""
    (m,) = quantities.measured(text)
    (f,) = [q for q in quantities.find(text) if q.unit != "date" and not str(q.unit).startswith("date:")]
    assert (m.value_base, m.unit_base, m.comparator) == (pytest.approx(value_base), unit_base, comparator)
    assert f.key == m.key


@pytest.mark.parametrize(("text", "low", "high", "unit"), [
    ("比例普遍在10%-20%之间", 10, 20, "%"),
    ("处一千元以上一万元以下罚款", 1000, 10000, "元"),
    ("罚款5至10万元", 5, 10, "万元"),
])
def test_a_range_keeps_both_ends(text, low, high, unit):
    """A range is one quantity with both ends (comparator between), its value and base value null."""
    (q,) = quantities.measured(text)
    assert (q.low, q.high, q.unit, q.comparator, q.value, q.value_base) == (low, high, unit, "between", None, None)


def test_noun_units_and_respectively_lists():
    """12领域 -> unit 领域; 十二大…成果 -> 成果; 分别达到X和Y -> both >=; 两大基础 is a category count."""
    assert [(q.value, q.unit) for q in quantities.measured("等12领域，向社会公开征集")] == [(12, "领域")]
    assert [(q.value, q.unit) for q in quantities.measured("发布十二大落地创新成果，")] == [(12, "成果")]
    found = quantities.measured("两专区交易额分别达到3500万元和1亿元")
    assert [(q.value_base, q.comparator) for q in found] == [(35_000_000, ">="), (100_000_000, ">=")]
    assert quantities.measured("是数字中国建设的两大基础") == []


@pytest.mark.parametrize(("text", "low", "high", "unit"), [
    ("处五万元以上十万元以下罚款", 50_000, 100_000, "元"),
    ("处建设项目总投资额百分之一以上百分之五以下罚款", 1, 5, "%"),
    ("处违法所得五倍以上十倍以下的罚款", 5, 10, "倍"),
    ("处所获收入30%以上3倍以下罚款", 0.3, 3, "倍"),
])
def test_fine_ranges_keep_both_ends(text, low, high, unit):
    """以上…以下 fines in words, percentages and multiples are one range (30% to 3倍: 0.3 to 3 倍)."""
    (q,) = quantities.measured(text)
    assert (q.low, q.high, q.unit, q.comparator) == (pytest.approx(low), pytest.approx(high), unit, "between")


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("应当自收到申请人申请之日起270日内作出决定", 270, "日"),
    ("应当在两个月内召开临时股东大会", 2, "个月"),
    ("竣工验收后一年内办理移交手续", 1, "年"),
    ("自受理之日起5个工作日内完成审查", 5, "个工作日"),
])
def test_periods_closed_by_nei_are_time_limits(text, value, unit):
    """N日内, 两个月内, 一年内: a period (<=), not a date, an article or a relative year."""
    (q,) = quantities.measured(text)
    assert (q.value, q.unit, q.comparator) == (value, unit, "<=") and q.text.endswith("内")


def test_references_labels_ranks_and_set_phrases_are_no_quantities() -> None:
    """前两款, 第二、三条, 附件二所列, 二级保护, 零部件, 三位一体 name or refer; bounds and ranges on a scale count."""
    for text in ("依照前两款规定处罚", "符合第二、三条的规定", "一、二、五、六项规定", "倾倒附件二所列的废弃物",
                 "实行二级保护", "一级、二级、三级和四级预警", "主要零部件出现质量问题", "三位一体的综合监管"):
        assert quantities.find(text) == [], text
    assert [q.text for q in quantities.find("在二级以上医疗机构")] == ["二级"]  # a bound on a graded scale
    assert [q.text for q in quantities.find("评定为5级至6级残疾")] == ["5级", "6级"]
    assert [q.text for q in quantities.find("下列两条等深线之内侧")] == ["两条"]  # a count of lines, not articles
    assert [(q.text, q.comparator) for q in quantities.find("规划四级及其以上航道")] == [("四级", ">=")]


def test_once_closing_its_clause_is_a_frequency() -> None:
    """延长一次， and 每学年举行一次。 count how often; 一次收取, 一次保险 (at once) do not."""
    assert [q.text for q in quantities.find("可以延长一次，延长时间不得超过三个月")] == ["一次", "三个月"]
    assert [q.text for q in quantities.find("每学年举行一次。")] == ["一次"]
    for text in ("一次收取", "货物一次保险", "应当一次告知。"):
        assert quantities.find(text) == [], text
