"""The Chinese-text lexicon on tiny strings: ranges, numerals, numbering labels, keys, titles, truncation."""

from __future__ import annotations

import re
import sys

import pytest

from policykit import zh


@pytest.mark.parametrize(("ch", "han"), [
    ("数", True), ("\u3400", True), ("\u4dbf", True), ("\u9fff", True), ("\uf900", True),  # blocks' ends
    ("\u4dc0", False), ("a", False), ("1", False), ("，", False), ("《", False), ("〇", False), ("×", False),
])
def test_is_han(ch: str, han: bool) -> None:
    assert zh.is_han(ch) is han


def test_cjk_is_one_character_class() -> None:
    """CJK is written once and spans the three blocks, in order, without the hexagram block between them."""
    assert zh.CJK == "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    assert re.fullmatch(f"[{zh.CJK}]+", "数据要素乘数效应")
    assert not re.search(f"[{zh.CJK}]", "\u4dc0")  # ䷀ a hexagram symbol, not a character


def test_numerals() -> None:
    assert zh.DIGIT_VALUES["〇"] == 0 and zh.DIGIT_VALUES["九"] == 9 and len(zh.DIGIT_VALUES) == 10
    assert set(zh.ONE_TO_TEN) < set(zh.NUMERALS) < set(zh.NUMERALS_LARGE)
    assert set(zh.NUMERALS_LARGE) - set(zh.NUMERALS) == {"万", "亿"}
    assert {"零", "两", "百", "千"} <= set(zh.NUMERALS)


@pytest.mark.parametrize("line", [
    "一、总体要求", "（十二）加强数据安全", "3. 数据要素×工业制造", "1、完善制度", "第二十一条 本条例自…",
    "第三章 数据安全", "第一编 总则", "第二款", "2024年工作要点",
])
def test_numbered_line(line: str) -> None:
    assert zh.NUMBERED_LINE_RE.match(line)


@pytest.mark.parametrize("line", [
    "总体要求", "数据要素×工业制造", "（征求意见稿）", "第十位", "一是加强", "2024-01-15",
])
def test_not_numbered_line(line: str) -> None:
    assert not zh.NUMBERED_LINE_RE.match(line)


def test_article_and_part_lines() -> None:
    assert zh.ARTICLE_LINE_RE.match("第一百零二条 违反本法")
    assert zh.ARTICLE_LINE_RE.match("第3节 附则")
    assert not zh.ARTICLE_LINE_RE.match("第二款")  # a paragraph does not divide a text into articles
    assert zh.PART_LINE_RE.match("十、保障措施").group(1) == "十"
    assert not zh.PART_LINE_RE.match("（一）主要目标")
    assert not zh.PART_LINE_RE.match("一百、太多")  # parts are numbered 一 to 十…: 百 is not a part number


def test_numbered_item_is_narrower() -> None:
    """The targets variant: leading spaces and ASCII brackets allowed; no 编/款 and no year."""
    assert zh.NUMBERED_ITEM_RE.match("  (3) 到2026年底")
    assert zh.NUMBERED_ITEM_RE.match("2 . 推动")
    assert not zh.NUMBERED_ITEM_RE.match("2024年工作要点")
    assert not zh.NUMBERED_ITEM_RE.match("第二款")
    assert not zh.NUMBERED_ITEM_RE.match("第12条")  # articles numbered in Chinese numerals only
    assert zh.NUMBERED_ITEM_RE.sub("", "（一）提升数据供给水平") == "提升数据供给水平"


@pytest.mark.parametrize(("line", "first"), [
    ("1. 数据", True), ("１、数据", True), ("一、数据", True), ("(1) 数据", True), ("（一）数据", True),
    ("第一章 总则", True), ("2. 数据", False), ("二、数据", False), ("第二章", False),
])
def test_first_item(line: str, first: bool) -> None:
    assert bool(zh.FIRST_ITEM_RE.match(line)) is first


def test_title_key() -> None:
    assert zh.title_key("“数据要素×”三年行动计划（2024—2026年）") == "数据要素三年行动计划20242026年"
    assert zh.title_key("关于 AI 的 意见") == "关于的意见"  # Latin letters and spacing do not count
    assert zh.title_key(None) == ""
    assert zh.title_key("\uf900") == "\uf900"  # a compatibility ideograph is a character


def test_content_key() -> None:
    """Letters of any script, digits and ×: wider than title_key."""
    assert zh.content_key("“数据要素×” 三年，2024！") == "数据要素×三年2024"
    assert zh.content_key("关于 AI 的 意见") == "关于AI的意见"
    assert zh.content_key(None) == ""


def test_quoted_titles() -> None:
    text = "印发《“数据要素×”三年行动计划（2024—2026年）》的通知，依据《法》和《数据安全法》"
    assert zh.QUOTED_TITLE_RE.findall(text) == ["“数据要素×”三年行动计划（2024—2026年）", "数据安全法"]
    assert [m.group() for m in zh.BOOK_TITLE_RE.finditer(text)][1] == "《法》"  # any length
    assert zh.BOOK_TITLE_RE.sub("", "《关于\n修改》") == "《关于\n修改》"  # never across a line
    # a nested title: the innermost one only
    assert zh.BOOK_TITLE_RE.findall("《关于修改〈实施《代表法》办法〉的决定》") == ["《代表法》"]


def test_truncate_and_shorten() -> None:
    assert zh.truncate("数据要素", 4) == "数据要素"
    assert zh.truncate("数据要素乘数", 4) == "数据要…"
    assert len(zh.truncate("数据要素乘数", 4)) == 4
    assert zh.one_line(" 数据\n  要素\t× ") == "数据 要素 ×"
    assert zh.shorten("数据\n\n要素乘数效应", 6) == "数据 要素…"
    assert zh.shorten("数据  要素", 8) == "数据 要素"


def test_nav_repeats() -> None:
    """Structure and segmentation read the one count of slide navigation."""
    from policykit.ingest import numbering, segment

    assert segment.NAV_REPEATS is numbering.NAV_REPEATS is zh.NAV_REPEATS


def test_content_key_keeps_exactly_what_isalnum_keeps() -> None:
    """The regular expression behind content_key keeps every code point str.isalnum keeps (and ×), no other."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert zh.content_key(every) == "".join(ch for ch in every if ch.isalnum() or ch == "×")
