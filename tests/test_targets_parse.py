"""Tests of the date and quantity parsers of the targets stage: dates, numbers, comparators, ranges."""

from __future__ import annotations

import pytest

from policykit.analysis.targets_parse import find_anchors, find_quantities, parse_number, plan_period_end, resolve_date


@pytest.mark.parametrize(("args", "expected"), [
    ((2026,), "2026-12-31"),
    ((2026, None, None, "底"), "2026-12-31"),
    ((2025, 3, None, "底"), "2025-03-31"),
    ((2024, 2), "2024-02-29"),
    ((2025, 3, 1), "2025-03-01"),
    ((2024, None, None, "上半年"), "2024-06-30"),
    ((2024, None, None, "一季度"), "2024-03-31"),
    ((2025, 2, 30), None),
])


def test_resolve_date(args: tuple, expected: str | None) -> None:
    """到2026年底 -> 2026-12-31; a bare year -> 12-31; 3月底 -> 03-31; 2月30日 -> None."""
    assert resolve_date(*args) == expected


def test_plan_period_end() -> None:
    """“十四五” -> 2025, “十五五” -> 2030, “十一五” -> 2010."""
    assert [plan_period_end(n) for n in ("十四", "十五", "十一")] == [2025, 2030, 2010]


@pytest.mark.parametrize(("text", "value"), [
    ("十二", 12), ("百", 100), ("三千", 3000), ("300", 300), ("1.73", 1.73),
])


def test_parse_number(text: str, value: float) -> None:
    """Chinese numerals through cn2an: 十二 -> 12, 百 -> 100; Arabic as is."""
    assert parse_number(text) == value


@pytest.mark.parametrize(("sentence", "value", "unit", "comparator", "value_text"), [
    ("打造300个以上典型应用场景", 300, "个", ">=", "300个以上"),
    ("数据产业年均增速超过20%", 20, "%", ">", "超过20%"),
    ("年均复合增长率超过15%", 15, "%", ">", "超过15%"),
    ("成本不超过5%", 5, "%", "<=", "不超过5%"),
    ("误差控制在10%以内", 10, "%", "<=", "10%以内"),
    ("规模约5万亿元", 5, "万亿元", "~", "约5万亿元"),
    ("规模5万亿元左右", 5, "万亿元", "~", "5万亿元左右"),
    ("培育不少于十二个行业", 12, "个", ">=", "不少于十二个"),
    ("培育百余家数据商", 100, "家", ">", "百余家"),
    ("数据交易规模倍增", 2, "倍", "=", "倍增"),
    ("数据交易规模增长1倍", 2, "倍", "=", "增长1倍"),
    ("数据总量翻一番", 2, "倍", "=", "翻一番"),
    ("全国数据存储总量为1.73ZB", 1.73, "ZB", "=", "1.73ZB"),
])


def test_quantity_parsing(sentence: str, value: float, unit: str, comparator: str, value_text: str) -> None:
    """'打造300个以上…' -> 300, 个, >=, '300个以上' (and the other patterns likewise)."""
    (q,) = find_quantities(sentence)
    assert (q.value, q.unit, q.comparator, q.text) == (value, unit, comparator, value_text)


@pytest.mark.parametrize("sentence", [
    "发挥数据要素的放大、叠加、倍增作用", "培育一批数据商", "推进5G网络建设", "国数政策〔2023〕11号",
    "《知识产权强国建设纲要(2021-2035年)》", "落实“数据二十条”", "研究第三个方案",
])


def test_not_quantities(sentence: str) -> None:
    """Names, articles, codes and ordinals are not quantities: '培育一批数据商' -> []."""
    assert find_quantities(sentence) == []


@pytest.mark.parametrize("sentence", [
    "“数据要素×”三年行动计划（2024—2026年）", "国数政策〔2023〕11号", "《“十四五”数字经济发展规划》",
])


def test_titles_ranges_and_numbers_are_not_dates(sentence: str) -> None:
    """Years in a title, a range or a document number are not anchors: '（2024—2026年）' -> []."""
    assert find_anchors(sentence) == []


def test_comparator_words() -> None:
    """达到 is >=, 近 is <, 超/超过 is >, 约 is ~."""
    found = [(q.text, q.comparator) for q in find_quantities("达到300个，近50家，超1.3万份，超过20%，约8%")]
    assert found == [("达到300个", ">="), ("近50家", "<"), ("超1.3万份", ">"), ("超过20%", ">"), ("约8%", "~")]


@pytest.mark.parametrize("sentence", [
    "显现三种典型方式。", "国家数据局围绕八个方面做出部署。", "统筹“三个建设”。", "近两年来讨论十分火热。",
    "按照10年期国债收益率确定。", "少数达到了上千万元。",
])


def test_category_counts_time_frames_and_vague_numbers_are_not_quantities(sentence: str) -> None:
    """三种方式, 八个方面, 近两年来, 10年期, 上千万元 -> no quantity."""
    assert find_quantities(sentence) == []


@pytest.mark.parametrize(("text", "bounds"), [
    ("比例为10%-20%", [(10, 20, "%")]),
    ("给予1000元至1万元的奖励", [(1000, 10000, "元")]),
    ("罚款5至10万元", [(5, 10, "万元")]),
    ("由每个小组选举代表二至三人参加", [(2, 3, "人")]),
    ("处一千元以上一万元以下罚款", [(1000, 10000, "元")]),
    ("依照第3至5条规定", []),
])


def test_a_range_is_one_quantity_with_both_ends(text: str, bounds: list) -> None:
    """A range is one quantity, comparator between, with its low and high ends; 第3至5条 is an ordinal."""
    found = find_quantities(text)
    assert [(q.low, q.high, q.unit) for q in found] == bounds
    assert all(q.comparator == "between" and q.value is None for q in found)
