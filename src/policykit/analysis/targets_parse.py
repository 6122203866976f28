"""Date expressions and quantities in Chinese policy sentences: the parsers of the targets stage.

- `find_anchors` finds the dates of a sentence, each with a role: `deadline` (到2026年底, 2025年底前,
  “十四五”时期末), `as_of` (截至2023年底; 截至目前 and 自2015年…以来 at the document's own date),
  `effective` (自2025年3月1日起施行, 自印发之日起施行), `recurring` (每年3月底前), `comment` (征求意见的时间为…至…)
  or a plain `date` (2023年; 2023年1月至8月 -> its last month; 将于2030—2040年 -> the end of the span).
  Years inside a book title 《…》, a year range standing alone (（2024—2026年）), a document number
  〔2024〕 or a comparison base (较2022年) are not dates; nor is a deadline used as an attribute
  (到2026年底的工作目标).
- `find_quantities` finds the quantities (300个以上, 超过20%, 5万亿元, 十余个, 近五十家, 倍增, 增长1倍, 翻一番,
  接近半数, 不超过3年) with value, unit as written and comparator; category counts (三种方式, 八个方面),
  time frames (近三年, 10年期), vague magnitudes (上千万元, 数十倍) and a threshold inside another figure's
  subject (注册资本金在1000万元以上的占67%) are not quantities.

Values: the number as written with its unit kept verbatim (5万亿元 -> 5, 万亿元; Chinese numerals through
cn2an). 倍 is a level relative to the base: 倍增, 翻一番 and 增长1倍 all give 2. A bare year is
31 December; a month is its last day. JioNLP's parsers were measured against these on the gold set
(benchmarks/jionlp_parsers.py): they find fewer of the coded dates, more dates in titles and document
numbers, and give no role, so these stay.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass

import cn2an

from policykit.zh import ARABIC_DIGITS, BOOK_TITLE_RE, ONE_TO_TEN
from policykit.zh import NUMERALS_LARGE as CN_DIGITS

Span = tuple[int, int]

D = f"[{ARABIC_DIGITS}]"

_DATE_CORE = (
    rf"(?P<y>{D}{{4}})年(?:(?P<m>{D}{{1,2}})月(?:(?P<d>{D}{{1,2}})日)?)?"
    r"(?P<part>年底|年末|底|末|上半年|下半年|年中|第?[一二三四]季度|上旬|中旬|下旬)?"
)
ANCHOR_RE = re.compile(
    rf"(?P<pre>截至|截止到|截止|到|至|自|从|较|比|与|同比)?{_DATE_CORE}"
    r"(?P<post>以前|之前|前|起|以来)?"
)
RECURRING_RE = re.compile(rf"每年度?(?P<m>{D}{{1,2}})月(?:(?P<d>{D}{{1,2}})日|底|末)?(?:以前|之前|前)")
PLAN_END_RE = re.compile(
    r"(?:到|至)?[“\"]?(?P<n>十[一二三四五六七八九]?|[三四五六七八九])五[”\"]?"
    r"(?:规划)?(?:时期|期间)?(?:期末|末期|末)"
)
EFFECTIVE_REL_RE = re.compile(r"自(?:印发|发布|公布|颁布|签发)之日起(?:施行|实施|执行|生效)")
EFFECTIVE_VERB_RE = re.compile(r"\s*(?:正式|开始)?(?:施行|实施|执行|生效)")
# A month range inside one year (2023年1月至8月, 2023年1-8月): figures for the period, as of its last month.
MONTH_RANGE_RE = re.compile(
    rf"(?P<y>{D}{{4}})年(?P<m1>{D}{{1,2}})月?\s*[-—–~～至到]\s*(?:(?P<y2>{D}{{4}})年)?(?P<m2>{D}{{1,2}})月(?:份)?"
)
# A span of years a statement is about (将于2030—2040年耗尽): dated by its end. A range standing alone or in
# brackets is a plan's period in its title (（2024—2026年）) and is not a date.
YEAR_SPAN_RE = re.compile(rf"(?<=[于到在至])(?P<y1>{D}{{4}})\s*[-—–~～至到]\s*(?P<y2>{D}{{4}})年")
# A day range (征求意见的时间为2023年12月15日至2024年1月14日): the period ends on its second date.
DAY_RANGE_RE = re.compile(
    rf"{D}{{4}}年{D}{{1,2}}月{D}{{1,2}}日\s*[-—–~～至到]+\s*(?:(?P<y>{D}{{4}})年)?(?P<m>{D}{{1,2}})月(?P<d>{D}{{1,2}})日"
)
COMMENT_CUE_RE = re.compile(r"征求意见|意见反馈|反馈意见|提出意见|意见建议")
# The document's own moment: 截至目前 is as of the document's date (or its month where only that is known).
NOW_RE = re.compile(r"(?:截至|截止到|截止)?(?:目前|当前|迄今|至今)")
HALF_YEAR_REPORT_RE = re.compile(r"半年报|半年度报告|中报")
# 每年 / 每两年 without a calendar date: a cycle (每年3月底前 is a recurring deadline instead).
CYCLE_RE = re.compile(rf"每(?P<n>[两{ONE_TO_TEN[1:]}]|{D}{{1,2}})?年(?!度?(?:{D}|[{ONE_TO_TEN}]+月))")
_FULL_DATE = rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?"
YEAR_RANGE_RE = re.compile(rf"{_FULL_DATE}\s*[-—–~～至到]+\s*{_FULL_DATE}")
DOC_NUMBER_RE = re.compile(rf"〔{D}{{4}}〕{D}*号?")

PREFIX_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "至少": ">=", "不得少于": ">=", "不得低于": ">=", "不应低于": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "最多": "<=", "至多": "<=", "不得超过": "<=", "不得高于": "<=",
    "超过": ">", "高于": ">", "多于": ">", "大于": ">", "突破": ">",
    "低于": "<", "少于": "<", "小于": "<", "不足": "<", "不到": "<",
    "超": ">", "逾": ">", "达到": ">=", "达": ">=",
    # 近 (nearly) is a value just below the number; 约 (about) may fall on either side.
    "接近": "<", "将近": "<", "近": "<", "大约": "~", "约为": "~", "约": "~",
}
SUFFIX_COMPARATORS = {
    "及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "左右": "~", "上下": "~",
}
GROWTH_VERBS = ("增长", "增加", "提高", "提升", "扩大")
UNITS = (
    "个百分点", "百分点", "%", "％", "‰", "倍", "个", "家", "项", "种", "所", "座", "台", "套", "件", "份",
    "次", "人", "户", "元", "ZB", "EB", "PB", "TB", "GB", "吨", "千瓦", "公里",
    "张", "款", "位", "名", "篇", "部门", "部", "条", "类", "亩", "周年", "个月", "年", "天", "个工作日", "工作日",
)
# Durations: a number of years, months or days (a cycle, a term), never a calendar year.
DURATION_UNITS = frozenset({"年", "周年", "个月", "天", "个工作日", "工作日"})


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of words, longest first (so 不超过 wins over 超过)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# Units that follow a Chinese numeral in running text; others (条, 年, 批 …) are names or articles there.
CN_UNITS = frozenset("个 家 项 种 所 座 台 套 件 份 次 人 户 倍 元 张 款 周年 个月 天 个工作日 工作日 部门".split())
# A small Chinese numeral before one of these counts the parts of an argument, not the world: 三种类型,
# 八个方面, 三个“建设”, 四项内容 (the codebook's `none`).
CATEGORY_UNITS = frozenset({"种", "次", "类"})
CATEGORY_NOUNS = re.compile(r"[“\"]|方面|大|内容|类型|方式|模式|原则|任务|环节|层次|阶段|维度|路径|特征|举措|重点")
QUANTITY_RE = re.compile(
    rf"(?P<pre>{_alt(PREFIX_COMPARATORS)})?(?P<verb>{_alt(GROWTH_VERBS)})?(?P<pre2>{_alt(PREFIX_COMPARATORS)})?"
    rf"(?P<num>{D}+(?:\.{D}+)?|[{CN_DIGITS}]+)(?P<mult>万亿|亿|万)?(?P<approx>余|多)?"
    rf"(?P<unit>{_alt(UNITS)})?(?P<post>{_alt(SUFFIX_COMPARATORS)})?"
)
# A limit word, then the base of a share ending in 的, right before the number: 不得低于上一年总收入的70%.
LIMIT_WORDS = ("不得低于", "不低于", "不得少于", "不少于", "不应低于", "不得超过", "不超过", "不得高于", "不高于",
               "低于", "高于", "超过")
DETACHED_COMPARATOR_RE = re.compile(rf"({_alt(LIMIT_WORDS)})[^，,；;。{ARABIC_DIGITS}%]{{1,24}}的$")
# The lower bound of a range, right before its dash or 至: 10%-, 1000元至, 二至 (二至三人).
RANGE_LEFT_RE = re.compile(
    rf"(?P<num>{D}+(?:\.{D}+)?|[{CN_DIGITS}]+)(?P<mult>万亿|亿|万)?(?P<unit>{_alt(UNITS)})?\s*[至到\-—–~～]\s*$"
)
NOT_A_RANGE_RE = re.compile(rf"(?:{D}|[第.．A-Za-z])$")
# 倍增 as a figure of speech (倍增作用, 数据价值倍增) measures nothing.
DOUBLING_RE = re.compile(r"(?:(?<!价值)倍增(?!效应|作用|效果|器)|翻(?P<n>一|两|二|三|四|[1-4])番)")
# 半数 (half of them) is a share: 50%.
HALF_RE = re.compile(rf"(?P<pre>{'|'.join(('接近', '将近', '近', '超过', '超', '逾', '过', '不足', '约'))})?半数"
                     rf"(?P<post>{'|'.join(('及以上', '以上', '及以下', '以下'))})?")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
@dataclass(frozen=True)
class Anchor:
    """A date expression in a sentence."""

    start: int
    end: int
    text: str
    role: str  # deadline, as_of, effective, recurring, date
    date: str | None  # ISO date it denotes (null for a recurring date)
    year: int | None


@dataclass(frozen=True)
class Quantity:
    """A quantity in a sentence."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None
    comparator: str


def _int(digits: str) -> int:
    """Integer from ASCII or full-width digits."""
    return int(digits)  # int() accepts any Unicode decimal digits


def _last_day(year: int, month: int) -> int:
    """Last day of a month."""
    return calendar.monthrange(year, month)[1]


def resolve_date(
    year: int, month: int | None = None, day: int | None = None, part: str | None = None
) -> str | None:
    """ISO date a written date denotes: a bare year is 31 December, a month its last day; None if invalid."""
    part = part or ""
    if month is None:
        quarter = re.fullmatch(r"第?([一二三四])季度", part)
        if quarter:
            month = 3 * "一二三四".index(quarter.group(1)) + 3
        elif part in ("上半年", "年中"):
            month = 6
        else:
            month = 12
    if not 1 <= month <= 12:
        return None
    if day is None:
        day = {"上旬": 10, "中旬": 20}.get(part, _last_day(year, month))
    if not 1 <= day <= _last_day(year, month):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _excluded_spans(sentence: str) -> list[Span]:
    """Spans whose years and numbers are names, not dates or quantities: titles, ranges, document numbers."""
    spans = []
    for pattern in (BOOK_TITLE_RE, YEAR_RANGE_RE, DOC_NUMBER_RE):
        spans.extend(m.span() for m in pattern.finditer(sentence))
    return spans


def _inside(start: int, end: int, spans: Iterable[Span]) -> bool:
    """Whether [start, end) overlaps one of spans."""
    return any(start < e and s < end for s, e in spans)


def plan_period_end(numeral: str) -> int | None:
    """Last year of the n-th five-year plan (“十四五” -> 2025); None before the 3rd plan."""
    n = int(cn2an.cn2an(numeral, "smart"))
    # The 3rd plan ran 1966-1970 after the 1963-65 adjustment years; every later plan is five years.
    return 1955 + 5 * n if n >= 3 else None


def find_anchors(sentence: str, doc_date: str | None = None, now: str | None = None) -> list[Anchor]:
    """Date expressions of a sentence with their roles, in order (now: the document's date or month end)."""
    excluded = _excluded_spans(sentence)
    anchors: list[Anchor] = []
    taken: list[Span] = []

    titles = [m.span() for m in BOOK_TITLE_RE.finditer(sentence)]

    def add(start: int, end: int, role: str, date: str | None, year: int | None, ranged: bool = False) -> None:
        if _inside(start, end, titles if ranged else excluded) or _inside(start, end, taken):
            return
        taken.append((start, end))
        anchors.append(Anchor(start, end, sentence[start:end], role, date, year))

    for m in EFFECTIVE_REL_RE.finditer(sentence):
        add(m.start(), m.end(), "effective", doc_date, int(doc_date[:4]) if doc_date else None)
    for start, end, role, date, year in _ranges(sentence):
        add(start, end, role, date, year, ranged=True)
    for m in RECURRING_RE.finditer(sentence):
        add(m.start(), m.end(), "recurring", None, None)
    for m in PLAN_END_RE.finditer(sentence):
        year = plan_period_end(m.group("n"))
        if year:
            add(m.start(), m.end(), "deadline", resolve_date(year), year)
    for m in ANCHOR_RE.finditer(sentence):
        anchor = _dated_anchor(sentence, m, now)
        if anchor:
            add(*anchor)
    for m in NOW_RE.finditer(sentence):
        add(m.start(), m.end(), "as_of", now, int(now[:4]) if now else None)
    return sorted(anchors, key=lambda a: a.start)


def _ranges(sentence: str) -> list[tuple[int, int, str, str, int]]:
    """(start, end, role, date, year) of the date ranges that date a statement by their end.

    征求意见的时间为…至… is a comment period; 2023年1月至8月 and 自2023年12月至2024年6月 date figures by their last
    month; 将于2030—2040年 dates a statement by the span's last year.
    """
    comment = bool(COMMENT_CUE_RE.search(sentence))
    out = []
    for m in DAY_RANGE_RE.finditer(sentence):
        year = _int(m.group("y")) if m.group("y") else _int(m.group(0)[:4])
        date = resolve_date(year, _int(m.group("m")), _int(m.group("d")))
        if date:
            out.append((m.start(), m.end(), "comment" if comment else "date", date, year))
    for m in MONTH_RANGE_RE.finditer(sentence):
        year, first, last = _int(m.group("y")), _int(m.group("m1")), _int(m.group("m2"))
        end_year = _int(m.group("y2")) if m.group("y2") else year
        date = resolve_date(end_year, last) if 1 <= first <= 12 else None
        if date and (end_year, last) > (year, first):
            out.append((m.start(), m.end(), "date", date, end_year))
    for m in YEAR_SPAN_RE.finditer(sentence):
        first, last = _int(m.group("y1")), _int(m.group("y2"))
        if first < last:
            role = "deadline" if sentence[m.start() - 1] in "到至" else "date"
            out.append((m.start(), m.end(), role, str(resolve_date(last)), last))
    return out


def _dated_anchor(
    sentence: str, m: re.Match, now: str | None = None
) -> tuple[int, int, str, str | None, int | None] | None:
    """(start, end, role, date, year) of a matched written date; None if it is not an anchor."""
    year = _int(m.group("y"))
    month = _int(m.group("m")) if m.group("m") else None
    day = _int(m.group("d")) if m.group("d") else None
    if month is None and not m.group("part") and HALF_YEAR_REPORT_RE.search(sentence):
        month = 6  # figures of a half-year report (2024年半年报) stand as of 30 June
    date = resolve_date(year, month, day, m.group("part"))
    pre, post = m.group("pre") or "", m.group("post") or ""
    start, end = m.span()
    if date is None or pre in ("较", "比", "与", "同比"):
        return None  # an impossible date, or the base of a comparison
    after = sentence[end:end + 4]
    if pre in ("截至", "截止到", "截止"):
        return start, end, "as_of", date, year
    since = post == "以来" or (pre in ("自", "从") and post in ("", "起") and not EFFECTIVE_VERB_RE.match(sentence, end)
                              and re.match(r"[^，,；;。]*?(?:以来|开始)", sentence[end:]))
    if since:  # 自2015年(…)以来: what has happened since, as it stands at the document's date
        return start, end, "as_of", now, int(now[:4]) if now else None
    if pre in ("自", "从") and post == "起" and EFFECTIVE_VERB_RE.match(sentence[end:end + 8]):
        return start, end, "effective", date, year
    if post in ("前", "以前", "之前") or (pre in ("到", "至") and not sentence[:start].endswith("达")):
        if after.startswith("的"):
            return None  # 到2026年底的工作目标: the deadline names something, it is not set here
        return start, end, "deadline", date, year
    if pre in ("到", "至", "自", "从"):  # keep the date, drop the preposition from the span
        start += len(pre)
    return start, end, "date", date, year


def parse_number(text: str) -> float | None:
    """Value of an Arabic or Chinese numeral (十二 -> 12, 百 -> 100); None if it is not one."""
    if re.fullmatch(rf"{D}+(?:\.{D}+)?", text):
        return float(text)
    if text[0] in "十百千万亿":
        text = ("一" + text) if text[0] != "十" else text
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def find_quantities(sentence: str) -> list[Quantity]:
    """Quantities of a sentence (value, unit, comparator), in order; dates, names and ordinals skipped."""
    excluded = _excluded_spans(sentence) + [(a.start, a.end) for a in find_anchors(sentence)]
    found: list[Quantity] = []
    for m in DOUBLING_RE.finditer(sentence):
        if not _inside(*m.span(), excluded):
            n = parse_number(m.group("n")) if m.group("n") else 1
            found.append(Quantity(m.start(), m.end(), m.group(0), 2.0 ** n, "倍", "="))
    for m in HALF_RE.finditer(sentence):
        if not _inside(*m.span(), excluded):
            pre, post = m.group("pre"), m.group("post")
            comparator = SUFFIX_COMPARATORS[post] if post else {**PREFIX_COMPARATORS, "过": ">"}.get(pre or "", "=")
            found.append(Quantity(m.start(), m.end(), m.group(0), 50.0, "%", comparator))
    for m in QUANTITY_RE.finditer(sentence):
        q = _quantity(sentence, m)
        taken = excluded + [(f.start, f.end) for f in found]
        if q and not _inside(q.start, q.end, taken):
            found.append(q)
    found.sort(key=lambda q: q.start)
    found = _ranges_of_quantities(sentence, found, excluded)
    return [q for q in found if not _qualifies_another(sentence, q, found)]


def _ranges_of_quantities(sentence: str, found: list[Quantity], excluded: list[Span]) -> list[Quantity]:
    """A range (10%-20%, 1000元至1万元, 二至三人, 5至10万元) as its two bounds: lower >=, upper <=."""
    out = list(found)
    for upper in found:
        if upper.comparator != "=" or upper.unit is None:
            continue
        m = RANGE_LEFT_RE.search(sentence, 0, upper.start)
        if m and sentence[:m.start()].endswith("第"):
            out.remove(upper)  # 第3至5条: articles 3 to 5, an ordinal range
            continue
        if not m or _inside(m.start(), m.end(), excluded) or NOT_A_RANGE_RE.search(sentence, 0, m.start()):
            continue  # no range of years or codes
        lower = next((q for q in out if q.start == m.start("num")), None)
        if lower is None:
            value = parse_number(m.group("num"))
            # 5至10万元: a bare lower bound shares the upper bound's magnitude and unit
            unit = (m.group("mult") or "") + (m.group("unit") or "") or upper.unit
            if value is None:
                continue
            lower = Quantity(m.start("num"), m.end("num"), m.group("num"), value, unit, "=")
            out.append(lower)
        if lower.comparator != "=":
            continue
        out[out.index(lower)] = Quantity(lower.start, lower.end, lower.text, lower.value, lower.unit, ">=")
        out[out.index(upper)] = Quantity(upper.start, upper.end, upper.text, upper.value, upper.unit, "<=")
    return sorted(out, key=lambda q: q.start)


def _qualifies_another(sentence: str, q: Quantity, found: list[Quantity]) -> bool:
    """Whether q only qualifies another quantity: a threshold inside its subject or the base it is part of.

    注册资本金在1000万元以上的占67% (1000万元 qualifies 67%); 在全部31个省中，25个… (31 is the base of 25).
    """
    if re.search(r"在(?:全部|全国|所有)?$", sentence[:q.start]) and re.match(r"[^，,；;。]*中", sentence[q.end:]):
        return True  # 在全部31个省中，25个…: the base restates a total, the count after it is the figure
    if not sentence.startswith("的", q.end):
        return False
    return any(o.start > q.end and not CLAUSE_BREAK.search(sentence, q.end, o.start) for o in found)


def _chinese_numeral(sentence: str, m: re.Match) -> tuple[str, str] | None:
    """Return (numeral, multiplier) of a Chinese-numeral match, or None if it is not a quantity."""
    num, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit") or ""
    # the Chinese-numeral run may have swallowed the multiplier: 五万亿元 -> 五 + 万亿 + 元
    for tail in ("万亿", "亿", "万"):
        if not mult and num.endswith(tail) and len(num) > len(tail):
            num, mult = num[: -len(tail)], tail
            break
    compared = bool(m.group("pre") or m.group("pre2")) or sentence[:m.start()].endswith("连续")
    if unit == "年" and compared and num not in ("零", "〇"):
        return num, mult  # 不超过三年, 连续两年: a term; a bare 三年 (三年行动计划) names a period
    if unit not in CN_UNITS or num in ("一", "两", "零", "〇") and not m.group("approx"):
        return None  # 一批, 一个, 两个: articles, not quantities
    if sentence[: m.start("num")].endswith(("数", "几", "第", "上")):
        return None  # 数十倍 and 上千万元 are vague, 第三 an ordinal
    value = parse_number(num)
    if value is not None and value < 10 and not m.group("approx") and (
            unit in CATEGORY_UNITS or CATEGORY_NOUNS.match(sentence, m.end())
            or sentence[:m.start()].endswith(("“", '"'))):
        return None
    return num, mult


def _detached_comparator(sentence: str, start: int) -> str:
    """The comparator of a share whose base stands between it and the number (不得低于上一年总收入的70%: >=)."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    m = DETACHED_COMPARATOR_RE.search(sentence, left, start)
    return PREFIX_COMPARATORS[m.group(1)] if m else "="


def _quantity(sentence: str, m: re.Match) -> Quantity | None:
    """Return the Quantity of a regex match, or None when the number is not a measured quantity."""
    num, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit") or ""
    arabic = bool(re.fullmatch(rf"{D}+(?:\.{D}+)?", num))
    if not arabic:
        split = _chinese_numeral(sentence, m)
        if split is None:
            return None
        num, mult = split
    elif not unit and not mult:
        return None  # a bare number (list item, code, year) has no measure
    elif unit == "年" and (len(num) > 2 or re.match("[月底末度级代初中]", sentence[m.end():])):
        return None  # a calendar year (2023年, 2023年底) or 90年代, not a number of years
    if unit in DURATION_UNITS and (sentence.startswith("期", m.end()) or sentence[:m.start("num")].endswith("近")):
        return None  # 10年期国债 is a maturity, 近三年 a time frame: neither is a measured quantity
    pre = m.group("pre") or m.group("pre2")
    if m.group("verb") and unit == "倍":
        start = m.start("pre") if m.group("pre") else m.start("verb")  # 增长1倍 is one quantity
    else:
        start = m.start("pre") if m.group("pre") else m.start("pre2") if m.group("pre2") else m.start("num")
    if start > 0 and re.match(r"[A-Za-z0-9.．第]", sentence[start - 1]):
        return None  # GPT4, 5G, version numbers, ordinals
    value = parse_number(num)
    if value is None:
        return None
    if m.group("verb") and unit == "倍":
        value += 1  # 增长1倍: the level becomes twice the base
    comparator = PREFIX_COMPARATORS[pre] if pre else _detached_comparator(sentence, start)
    if m.group("approx"):
        comparator = ">"  # 百余, 3000多: more than the round number
    if m.group("post"):
        comparator = SUFFIX_COMPARATORS[m.group("post")]
    end = m.end()
    return Quantity(start, end, sentence[start:end], value, (mult + unit) or None, comparator)
