"""Quantities in Chinese policy text: numbers with units, percentages, multiples, dates and deadlines.

``find(text)`` returns every quantity with its offsets and a comparable value. What counts
(docs/codebook-terms.md, part 2):

* digits forming a number, alone or with a magnitude and unit: 300个, 20%, 1.03亿元, 95ZB, 2026年底;
* a Chinese numeral followed by a unit or measure word (三年, 十二个, 两类), or forming a percentage or
  a multiple (百分之二十, 三成, 一倍, 翻一番);
* a multiple that states how a measured quantity changes: N倍, 翻番, and 倍增 after a measure noun
  (交易规模倍增);
* a deadline without digits: 年底前, 月底前.

What does not: idioms and names with numeral characters (千姿百态, 千行百业, 二十大: no unit follows the
numeral; 数据二十条, 一网通办: domain terms of the terms stage's dictionary are names), 一 as an article or
"single / whole" (一次, 一批, 一单到底, 一体化, 统一: a lone 一 before a measure word is an article),
ordinals (第三方: 第 before the numeral), codes (C2M, 5G, B2B: digits touching Latin letters that are
not a unit), and rhetorical multiplication (倍增作用, 价值倍增: 倍增 without a measure noun before it).

The rules are written out here rather than taken from a library: cn2an converts numerals to numbers
(used for the values) but does not say which numerals in running text are quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from policykit.zh import ARABIC_DIGITS as _DIGIT
from policykit.zh import NUMERALS_LARGE as _CN

_NUM = rf"[{_DIGIT}]+(?:[.,．][{_DIGIT}]+)*"
_MAGNITUDE = "(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百)"
# Units and measure words that make a numeral a quantity. Single-character measure words that are also
# common word-initial characters (行, 道, 点 ...) are left out: 千行百业 is an idiom, not 1000 rows.
_UNITS = (
    "个百分点|百分点|平方公里|平方米|公里|千米|小时|分钟|季度|周年|年度|年底|年末|年初|年中|月底|月末|上半年|下半年|"
    "亿元|万元|千元|元|美元|欧元|人次|余个|余家|余项|余种|多个|多家|多项|多种|"
    "ZB|EB|PB|TB|GB|MB|KB|kWh|千瓦时|千瓦|兆瓦|吨|米|"
    "个|家|项|种|类|批|座|所|条|户|件|台|名|位|人|次|份|部|款|篇|张|套|场|起|处|册|本|期|轮|级|层|"
    "年|月|日|天|周|岁|倍|番|成|%|％|‰"
)
_UNIT_RE = rf"(?:{_UNITS})"
_MEASURE_NOUNS = "规模|总量|数量|产值|收入|产量|增加值|营收|交易额|体量|效率|能力|水平|速度|收益|价值量"
_CHANGE_VERBS = "增长|提高|增加|提升|扩大|上升|翻"
_ARTICLE_UNITS = set("个家项种类批座所条户件台名位人次份部款篇张套场起处册本期轮级层周天")

QUANTITY_RE = re.compile(
    "|".join([
        rf"(?P<pct>百分之[{_CN}]+(?:点[{_CN}]+)?)",
        r"(?P<fan>翻(?:[一两二三四五六七八九十]|几)?番)",
        rf"(?P<bz>(?:{_MEASURE_NOUNS})倍增)",
        r"(?P<due>(?:年底|年末|月底|月末|年内)(?:之?前))",
        rf"(?P<arabic>{_NUM}\s*{_MAGNITUDE}?\s*(?:{_UNIT_RE}(?:[{_DIGIT}]+{_UNIT_RE})*)?)",
        rf"(?P<cn>[{_CN}]+(?:点[{_CN}]+)?{_UNIT_RE})",
    ])
)
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_LATIN_UNIT = re.compile(r"(?:ZB|EB|PB|TB|GB|MB|KB|kWh)$")


@dataclass(frozen=True)
class Quantity:
    """A quantity found in a text: its offsets, the text, and a comparable key (value and unit)."""

    start: int
    end: int
    text: str
    value: float | None  # the number (a multiple is the factor: 倍增 = 2); None where not convertible
    unit: str  # unit as written (个, %, 亿元 …; x for a multiple; date for a date or deadline)

    @property
    def key(self) -> tuple[object, str]:
        """What two quantities must share to state the same value."""
        return (self.value if self.value is not None else self.text, self.unit)


def _number(text: str) -> float | None:
    """The value of an Arabic or Chinese numeral (with magnitude), or None."""
    t = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789.")).replace(",", "").strip()
    try:
        return float(t)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _split_number(text: str) -> tuple[str, str]:
    """(numeral with magnitude, unit) of a quantity as written."""
    m = re.match(rf"(?:{_NUM}|[{_CN}]+(?:点[{_CN}]+)?)\s*{_MAGNITUDE}?", text)
    if not m or not m.group().strip():
        return "", text
    num, unit = m.group(), text[m.end():]
    if re.fullmatch(rf"[{_CN}]+", num) and unit == "" and num[-1] in "万亿":
        return num, unit
    return num.strip(), unit.strip()


def _value(kind: str, text: str, before: str) -> tuple[float | None, str]:
    """The comparable value and unit of a match of one kind, given the text before it."""
    if kind == "pct":
        return _number(text[3:]), "%"
    if kind == "fan":
        n = _number(text[1:-1]) if len(text) > 2 else 1.0
        return (2.0 ** n if n is not None else None), "x"
    if kind == "bz":
        return 2.0, "x"
    if kind == "due":
        return None, "date"
    num, unit = _split_number(text)
    value = _number(num) if num else None
    if unit == "倍":
        grows = re.search(rf"(?:{_CHANGE_VERBS})了?$", before) is not None
        return (value + 1 if grows and value is not None else value), "x"
    if unit == "成":
        return (value * 10 if value is not None else None), "%"
    if unit in ("％",):
        unit = "%"
    if re.match(r"(?:年|月|日|年底|年末|年初|年中|月底|月末|上半年|下半年|季度)", unit) and num and \
            re.fullmatch(rf"[{_DIGIT}]{{4}}", num):
        return None, "date:" + num + unit  # a calendar date: compared as written
    return value, unit


def _excluded(kind: str, text: str, m_start: int, m_end: int, full: str) -> bool:
    """Whether a match is not a quantity: a code, an ordinal, or 一 as an article."""
    prev = full[m_start - 1] if m_start > 0 else ""
    nxt = full[m_end] if m_end < len(full) else ""
    if kind == "arabic":
        if _LATIN.match(prev) or (_LATIN.match(nxt) and not _LATIN_UNIT.search(text)):
            return True  # a code or model name: C2M, B2B, 5G, GPT4
        return False
    if kind == "cn":
        if prev == "第":
            return True  # an ordinal: 第三方, 第一批
        num, unit = _split_number(text)
        if num == "一" and unit in _ARTICLE_UNITS:
            return True  # 一次, 一批, 一个: an article or "single", not a count
        if prev and prev in _CN:
            return True  # inside a longer numeral run the regex did not take whole
    return False


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str] | None:
    """Domain terms with numeral characters (数据二十条, 一网通办): names, whose numerals are no quantity."""
    from policykit.analysis.vocabulary import domain_terms

    named = sorted((t for t in domain_terms() if re.search(f"[{_CN}{_DIGIT}]", t)), key=lambda t: (-len(t), t))
    return re.compile("|".join(map(re.escape, named))) if named else None


def find(text: str) -> list[Quantity]:
    """Every quantity in text, in order (see the module docstring for what counts)."""
    names = _names()
    inside = [m.span() for m in names.finditer(text)] if names else []
    out = []
    for m in QUANTITY_RE.finditer(text):
        if any(a <= m.start() and m.end() <= b for a, b in inside):
            continue
        kind = m.lastgroup or ""
        start, end = m.span()
        q = m.group()
        if kind == "bz":  # the measure noun is context, the quantity is 倍增
            start = end - 2
            q = text[start:end]
        if _excluded(kind, q, start, end, text):
            continue
        value, unit = _value(kind, q, text[max(0, start - 4):start])
        out.append(Quantity(start, end, q, value, unit))
    return out


def has_quantity(text: str) -> bool:
    """Whether text states a quantity, a date or a deadline."""
    return bool(find(text))
