"""Which numerals of a text are quantities: the decisions on one scanner match (policykit.analysis.quantities).

A match of the scanner is a numeral with the words around it; these checks say whether it measures
something (a count, an amount, a share, a period) or names, orders or refers (第三方, 前两款, 三个“建设”,
数据二十条), and give its unit, comparator and value.
"""

from __future__ import annotations

import re
from functools import lru_cache

from policykit.analysis.quantity_patterns import (
    ARABIC_NUMBER_RE,
    ARTICLE_UNITS,
    BEFORE_CHARS,
    BIG_NOUN_RE,
    CATEGORY_NOUNS,
    CATEGORY_UNITS,
    CLAUSE_BREAK,
    CN_UNITS,
    DETACHED_COMPARATOR_RE,
    DOC_NUMBER_RE,
    DOUBLING_RE,
    DURATION_UNITS,
    FRACTION_RE,
    FREQUENCY_END_RE,
    HALF_RE,
    LABEL_BEFORE_RE,
    LATER_BOUND_RE,
    LATIN_RE,
    LATIN_UNIT_RE,
    NOT_NOUN_UNITS,
    NOUN_RUN_RE,
    NOUN_UNIT_RE,
    PREFIX_COMPARATORS,
    RANGE_LEFT_CHARS,
    RANGE_LINK,
    REFERENCE_BEFORE_RE,
    REFERENCE_UNITS,
    RELATIVE_UNITS,
    SPECIAL_CUE_RE,
    SUFFIX_COMPARATORS,
    TIERS_BEFORE_RE,
    YEAR_RANGE_RE,
    D,
    Span,
)
from policykit.analysis.quantity_values import Quantity, parse_number, quantity
from policykit.zh import ARABIC_DIGITS, BOOK_TITLE_RE
from policykit.zh import NUMERALS_LARGE as CN_DIGITS


@lru_cache(maxsize=1)
def names_pattern() -> re.Pattern[str] | None:
    """Domain terms with numeral characters (数据二十条, 一网通办): names, whose numerals are no quantity."""
    from policykit.analysis.vocabulary import domain_terms

    named = sorted((t for t in domain_terms() if re.search(f"[{CN_DIGITS}{ARABIC_DIGITS}]", t)),
                   key=lambda t: (-len(t), t))
    return re.compile("|".join(map(re.escape, named))) if named else None


def excluded_spans(text: str) -> list[Span]:
    """Spans whose numbers are names, not quantities: cited titles, year ranges, document numbers, names."""
    spans = []
    for pattern in (BOOK_TITLE_RE, YEAR_RANGE_RE, DOC_NUMBER_RE):
        spans.extend(m.span() for m in pattern.finditer(text))
    names = names_pattern()
    if names is not None:
        spans.extend(m.span() for m in names.finditer(text))
    return spans


def inside(start: int, end: int, spans: list[Span] | tuple[Span, ...]) -> bool:
    """Whether [start, end) overlaps one of spans."""
    return any(start < e and s < end for s, e in spans)


def _chinese_numeral(text: str, m: re.Match, loose: bool) -> tuple[str, str, str] | None:
    """(numeral, magnitude, unit) of a Chinese-numeral match, or None if it is not a quantity."""
    num, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit") or ""
    # the numeral run may have swallowed the magnitude: 五万亿元 -> 五 + 万亿 + 元
    for tail in ("万亿", "亿", "万"):
        if not mult and num.endswith(tail) and len(num) > len(tail):
            num, mult = num[: -len(tail)], tail
            break
    before = preceding(text, m.start("num"))
    if m.group("pct"):
        return num, "", "%"
    if before.endswith("第") or (before and before[-1] in CN_DIGITS):
        return None  # an ordinal (第三方), or inside a longer numeral run
    if unit == "" and mult == "" and BIG_NOUN_RE.match(text, m.end()) and not loose:
        # 十二大落地创新成果: the noun after 大 is the unit (see _noun_unit); 两大基础, 三大类型 count categories
        return (num, "", "") if (parse_number(num) or 0) >= 10 else None
    if not unit:
        return None
    if num == "一" and unit in ARTICLE_UNITS and not m.group("approx") \
            and not (unit == "次" and FREQUENCY_END_RE.match(text, m.end())):
        return None  # 一次 (at once), 一批, 一个: an article, not a count; 延长一次。 and 每年举行一次 count
    if _named_or_relative(before, num, unit) and not m.group("post"):
        return None
    if loose:
        return num, mult, unit
    compared = bool(m.group("pre") or m.group("pre2") or m.group("post")) or before.endswith("连续")
    if unit == "年" and compared and num not in ("零", "〇"):
        return num, mult, unit  # 不超过三年, 连续两年: a term; a bare 三年 (三年行动计划) names a period
    if unit not in CN_UNITS or num in ("零", "〇") or num == "两" and not (m.group("approx") or compared):
        return None  # 两个: an article (两个月内 is a period); 条, 年 … after a Chinese numeral name things
    return None if _vague_or_category(text, m, num, unit) else (num, mult, unit)


def _named_or_relative(before: str, num: str, unit: str) -> bool:
    """Whether a numeral names something (“三个代表”) or a relative time (上一年度, 下一年), not a count."""
    if before.endswith(("“", '"')):
        return True
    return num == "一" and unit in RELATIVE_UNITS and re.search(r"(?<!以)[上下]$|[前后同]$", before) is not None


def _vague_or_category(text: str, m: re.Match, num: str, unit: str) -> bool:
    """Whether a Chinese numeral is vague (数十倍, 上千万元) or counts the parts of an argument (三种方式)."""
    before = preceding(text, m.start("num"))
    if before.endswith(("数", "几")) or re.search(r"(?<!以)上$", before) and num[0] in "十百千万亿":
        return True
    value = parse_number(num)
    return value is not None and value < 10 and not m.group("approx") and (
        unit in CATEGORY_UNITS or CATEGORY_NOUNS.match(text, m.end()) is not None or before.endswith(("“", '"')))


def _noun_unit(text: str, end: int) -> tuple[str, int] | None:
    """The noun standing as the unit after a number without a measure word, and its end.

    12领域 -> 领域; 十二大落地创新成果 -> 成果 (the head noun: the last word of a short noun run).
    """
    m = NOUN_UNIT_RE.match(text, end)
    if not m or NOT_NOUN_UNITS.match(m.group("noun")):
        return None
    run = NOUN_RUN_RE.match(text, m.start("noun")).group()
    from policykit.analysis.tokenise import all_spans

    words = [w for w, _, _ in all_spans(run)]
    if not words or len(words) > 3 or len(words[-1]) < 2:
        return None
    return words[-1], m.start("noun") + len(run)


def _numeral_unit(text: str, m: re.Match, loose: bool) -> tuple[str, str, str, int] | None:
    """(numeral, magnitude, unit, end) of a scanner match, or None when the number carries no measure."""
    num, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit") or ""
    end = m.end()
    if not ARABIC_NUMBER_RE.fullmatch(num):
        split = _chinese_numeral(text, m, loose)
        if split is None:
            return None
        num, mult, unit = split
        if m.group("pct"):
            return num, mult, "%", end
        if not unit and not mult:
            noun = None if loose else _noun_unit(text, m.end())
            return None if noun is None else (num, mult, noun[0], noun[1])
        return num, mult, unit, end
    prev = text[m.start("num") - 1] if m.start("num") > 0 else ""
    if LATIN_RE.match(prev) or (LATIN_RE.match(text[end:end + 1]) and not LATIN_UNIT_RE.search(unit)):
        return None  # a code or model name: C2M, B2B, 5G, GPT4
    if not unit and not mult:
        if loose or (len(num) == 4 and 1800 <= int(parse_number(num) or 0) <= 2100):
            return None  # a bare number (list item, code, year) has no measure
        noun = _noun_unit(text, m.end())
        return None if noun is None else (num, mult, noun[0], noun[1])
    if unit in ("年", "月", "日") and (loose and len(num) == 4 or not loose and _calendar(text, m, num, unit)):
        return None  # a calendar year or date (2023年, 2023年底, 3月1日: DATE_RE's) or 90年代, not a duration
    return num, mult, unit, end


def _calendar(text: str, m: re.Match, num: str, unit: str) -> bool:
    """Whether an Arabic number with 年, 月 or 日 is part of a calendar date (2023年, 3月1日, 90年代), not a period."""
    after, before = text[m.end():m.end() + 1], preceding(text, m.start("num"))
    if unit == "年":
        return len(num) > 2 or re.match("[月底末度级代初中号]", after) is not None
    if unit == "月":
        return before.endswith("年") or re.match(rf"{D}|[底末初中份]", after) is not None
    return before.endswith("月")  # 日: 3月1日


def _not_measured(text: str, m: re.Match, num: str, unit: str, loose: bool) -> bool:
    """Whether a number with a unit still measures nothing: a maturity, a time frame, 成 in a word."""
    if not loose and unit in DURATION_UNITS and (text.startswith("期", m.end())
                                                 or text.endswith("近", 0, m.start("num"))):
        return True  # 10年期国债 is a maturity, 近三年 a time frame
    return unit == "成" and (not re.fullmatch(f"[{CN_DIGITS}]+", num)
                            or text.startswith(("为", "员", "效", "本", "果"), m.end()))  # 成员, 成效, 成本


def _start(m: re.Match, grows: bool) -> int:
    """Where a quantity starts: its comparator or growth verb, else its number."""
    if grows:
        return m.start("pre") if m.group("pre") else m.start("verb")  # 增长1倍 is one quantity
    for group in ("pre", "pre2", "pct"):
        if m.group(group):
            return m.start(group)
    return m.start("num")


def preceding(text: str, pos: int) -> str:
    """The few characters before pos (the checks on what precedes a number look no further)."""
    return text[max(0, pos - BEFORE_CHARS):pos]


def _level_counted(text: str, m: re.Match, num: str, before: str, end: int) -> bool:
    """Whether N级 is a bound or a count of tiers (三级及以上, 达到三级（“稳健级”）及以上, 五级至六级, 省市两级)."""
    if m.group("post") or m.group("pre") or m.group("pre2") or num == "两" or end == len(text):
        return True  # at the end of a text (a token on its own) no named rank follows: kept as counted
    if before.endswith(tuple(RANGE_LINK)) or text.startswith(tuple(RANGE_LINK), end):
        return True
    return TIERS_BEFORE_RE.search(before) is not None or LATER_BOUND_RE.match(text, end) is not None


def _named_not_counted(text: str, m: re.Match, num: str, unit: str, end: int) -> bool:
    """Whether a numeral with a unit names or refers rather than counts.

    A reference to articles or items (前两款, 第二、三条), an annex's label (附件二所列), a level or
    rank named by its ordinal outside a range, bound or list of tiers (二级保护, 七级文员; 二级以上, 五级至六级 and
    省市县乡村五级 count),
    零 of 零部件, and a set phrase with 一体 (三位一体).
    """
    before = preceding(text, m.start("num"))
    if unit in REFERENCE_UNITS and REFERENCE_BEFORE_RE.search(before):
        return True
    if LABEL_BEFORE_RE.search(before) or num in ("零", "〇", "○") and not m.group("pct"):
        return True
    if unit == "级" and not _level_counted(text, m, num, before, end):
        return True
    return text.startswith("一体", end)


def match_quantity(text: str, m: re.Match, loose: bool) -> Quantity | None:
    """The Quantity of a scanner match, or None when the number is not a quantity of this mode."""
    found = _numeral_unit(text, m, loose)
    if found is None:
        return None
    num, mult, unit, end = found
    if _named_not_counted(text, m, num, unit, end):
        return None
    if _not_measured(text, m, num, unit, loose):
        return None
    grows = bool(m.group("verb")) and unit == "倍"
    start = _start(m, grows)
    value = parse_number(num)
    if value is None or start > 0 and re.match(r"[A-Za-z0-9.．第]", text[start - 1]):
        return None  # GPT4, 5G, version numbers, ordinals
    if grows:
        value += 1  # 增长1倍: the level becomes twice the base
    pre = m.group("pre") or m.group("pre2")
    comparator = PREFIX_COMPARATORS[pre] if pre else _detached_comparator(text, start)
    if m.group("approx"):
        comparator = ">"  # 百余, 3000多: more than the round number
    if m.group("post") and end == m.end():
        if m.group("post") == "内" and unit not in DURATION_UNITS:
            end -= 1  # 内 closes a time limit only (十五日内); elsewhere it starts the next word
        else:
            comparator = SUFFIX_COMPARATORS[m.group("post")]
    unit = {"％": "%"}.get(mult + unit, mult + unit) or None
    return quantity(start, end, text[start:end], value, unit, comparator)


def _detached_comparator(text: str, start: int) -> str:
    """The comparator of a share whose base stands between it and the number (不得低于上一年总收入的70%: >=)."""
    low = max(0, start - RANGE_LEFT_CHARS)  # the limit word stands within the same clause, close by
    left = max((m.end() for m in CLAUSE_BREAK.finditer(text, low, start)), default=low)
    m = DETACHED_COMPARATOR_RE.search(text, left, start)
    return PREFIX_COMPARATORS[m.group(1)] if m else "="


def special_quantities(text: str, excluded: list[Span]) -> list[Quantity]:
    """Multiples without digits (倍增, 翻一番), shares in words (半数, 过半) and fractions (三分之二 as %)."""
    found: list[Quantity] = []
    if not SPECIAL_CUE_RE.search(text):
        return found  # no 倍, 番, 半 or 分之: nothing to look for (most sentences)
    for m in FRACTION_RE.finditer(text):
        den, num = parse_number(m.group("den")), parse_number(m.group("num"))
        if not inside(*m.span(), excluded) and den and num is not None:
            pre, post = m.group("pre"), m.group("post")
            comparator = SUFFIX_COMPARATORS[post] if post else PREFIX_COMPARATORS.get(pre or "", "=")
            found.append(quantity(m.start(), m.end(), m.group(0), round(100 * num / den, 4), "%", comparator))
    for m in DOUBLING_RE.finditer(text):
        if not inside(*m.span(), excluded):
            n = parse_number(m.group("n")) if m.group("n") else 1
            found.append(quantity(m.start(), m.end(), m.group(0), 2.0 ** (n or 1), "倍", "="))
    for m in HALF_RE.finditer(text):
        if not inside(*m.span(), excluded):
            if m.group("over"):
                comparator = ">"
            else:
                pre, post = m.group("pre"), m.group("post")
                comparator = SUFFIX_COMPARATORS[post] if post else {**PREFIX_COMPARATORS, "过": ">"}.get(pre or "", "=")
            found.append(quantity(m.start(), m.end(), m.group(0), 50.0, "%", comparator))
    return found

