"""Targets stage: dated and quantitative commitments, forecasts and reported facts, one row per metric.

How a sentence becomes rows
- Date expressions ("anchors") are found first, each with a role:
  `deadline` (到2026年底, 2025年底前, “十四五”时期末), `as_of` (截至2023年底), `effective`
  (自2025年3月1日起施行, 自印发之日起施行), `recurring` (每年3月底前) or a plain `date` (2023年).
  Years inside a book title 《…》, a year range (2024—2026年), a document number 〔2024〕 or a
  comparison base (较2022年) are not anchors; nor is a deadline used as an attribute (到2026年底的工作目标).
- Quantities are found next (300个以上, 超过20%, 5万亿元, 十余个, 百余家, 倍增, 增长1倍, 翻一番) and each is
  tied to the nearest anchor before it in the sentence (else the first after it). One row per quantity;
  an anchor with no quantity gives one row without a value.
- A sentence without an anchor borrows one in two cases, both within the same provision: a clause after
  one ending in ； (the deadline governs the whole 。-sentence), and the items after a line holding only a
  deadline (到2026年底 as a slide heading above its bullet points).

Kinds (the document's `kind` and `date` come from the documents table)
- `goal`: a deadline in a non-report document, not in the past, with no quantity: a qualitative commitment.
- `metric`: the same with a quantity: a quantitative target.
- `effective_date`: 自…起施行 in a non-report document (自印发之日起施行 takes the document's date).
- `reporting_deadline`: a recurring duty (每年3月底前…报送). Its deadline is left null: a recurring date has
  no single occurrence, and which year the first report falls due is not stated; deadline_text keeps it.
- `forecast`: in a report or news item, a sentence with a prediction cue (预计, 有望, 将达到 …), or in a
  report a date after the report's own date (in a policy text 将达到 is a commitment, not a forecast).
  A report without a date is dated by the latest 截至 date it quotes. News and explainers restating a
  plan's deadlines keep goal/metric (their related_doc_id names the plan); reports have no goal or metric.
- `reported_fact`: a dated statistic or event in the past: 截至…, a year before the document's date,
  anything dated in a report that is not a forecast. Past-dated sentences give rows only with a quantity
  (or an effective date), so narrative history does not flood the table.

Values: `value` is the number as written with its unit kept verbatim (5万亿元 -> 5, 万亿元; 十二个 -> 12, 个;
Chinese numerals through cn2an). The unit 倍 is a level relative to the base: 倍增, 翻一番 and 增长1倍 all
give 2, so the draft's 增长1倍 and the final 倍增 compare equal. The deadline of a reported fact or
forecast is the date it refers to. A bare year is 31 December; a month is its last day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import cn2an
import pandas as pd

from .errors import InputError
from .schema import table

Span = tuple[int, int]

D = "[0-9０-９]"
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"

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
CYCLE_RE = re.compile(rf"每(?P<n>[两二三四五六七八九十]|{D}{{1,2}})?年(?!度?(?:{D}|[一二三四五六七八九十]+月))")
BOOK_TITLE_RE = re.compile(r"《[^《》\n]*》")
_FULL_DATE = rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?"
YEAR_RANGE_RE = re.compile(rf"{_FULL_DATE}\s*[-—–~～至到]+\s*{_FULL_DATE}")
DOC_NUMBER_RE = re.compile(rf"〔{D}{{4}}〕{D}*号?")

PREFIX_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "最多": "<=", "至多": "<=",
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
# 倍增 as a figure of speech (倍增作用, 数据价值倍增) measures nothing.
DOUBLING_RE = re.compile(r"(?:(?<!价值)倍增(?!效应|作用|效果|器)|翻(?P<n>一|两|二|三|四|[1-4])番)")
# 半数 (half of them) is a share: 50%.
HALF_RE = re.compile(rf"(?P<pre>{'|'.join(('接近', '将近', '近', '超过', '超', '逾', '不足', '约'))})?半数")
FORECAST_CUES = re.compile(r"预计|预测|有望|将达到|将达|将超过|将突破|将增长|将增至|将是|将由")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# A numbered heading or item opens a new unit: a deadline heading above bullet points does not reach past it.
NUMBERED_RE = re.compile(
    r"^\s*(?:\d+\s*[.、．]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|第[一二三四五六七八九十百]+[章节条])"
)
FIRST_ITEM_RE = re.compile(r"^\s*(?:[1１]\s*[.、．]|一、|[（(][一1１][)）]|第一[章节条])")
TRAILING_LINKS = re.compile(r"(?:分别|为|是|达到|达|将|在|、)+$|(?<![参给涉])(?:和|及|与)$")
LEADING_LINKS = re.compile(r"^(?:的|和|及|与|、|但|而|其中)+")
# Metric words that name a measure without its subject (占…的比例, 较…增长, 同比增长 …).
# Where a clause's subject ends: its predicate (为, 占, 大幅跃升 …) or a preposition before the figure (以).
SUBJECT_END_RE = re.compile(r"[为是达占较以在于将]|大幅|显著|明显|基本|全面|进一步|不断|持续|更加|稳步|实现|跃升|提升|增长|形成|建成|取得")
SUBJECTLESS_RE = re.compile(r"^(?:占|较|比|同比|环比|分别|年均|增速|增幅|增长率|规模)")

NON_REPORT_KINDS = frozenset({"policy", "draft", "notice", "news", "interpretation"})
# Documents whose undated caps, thresholds and cycles are rules (news and explainers only restate them).
RULE_DOC_KINDS = frozenset({"policy", "draft", "notice"})
RULE_UNITS = frozenset({"%", "％", "‰", "个百分点", "百分点"}) | DURATION_UNITS
# A reported fact is dated by as_of (when it held); every other kind by deadline (when it falls due, takes
# effect, or, for a forecast, the date the prediction is about).
FACT_KINDS = frozenset({"reported_fact"})
# 为…提供坚强保障 states what the goals serve, not a goal of its own.
PURPOSE_RE = re.compile(r"^(?:为.{0,60}(?:提供|奠定|打下|创造|营造|贡献)|(?:有力)?(?:支撑|助力|服务于))")
GOAL_HEADINGS = frozenset({"总体目标", "主要目标", "工作目标", "发展目标", "目标"})
KINDS = NON_REPORT_KINDS | {"report"}


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
    comment = bool(COMMENT_CUE_RE.search(sentence))
    for m in DAY_RANGE_RE.finditer(sentence):
        year = _int(m.group("y")) if m.group("y") else _int(m.group(0)[:4])
        date = resolve_date(year, _int(m.group("m")), _int(m.group("d")))
        if date:  # a comment period, else a dated period whose figures run to its end
            add(m.start(), m.end(), "comment" if comment else "date", date, year, ranged=True)
    for m in MONTH_RANGE_RE.finditer(sentence):
        year, first, last = _int(m.group("y")), _int(m.group("m1")), _int(m.group("m2"))
        end_year = _int(m.group("y2")) if m.group("y2") else year
        if 1 <= first <= 12 and 1 <= last <= 12 and (end_year, last) > (year, first):
            add(m.start(), m.end(), "date", resolve_date(end_year, last), end_year, ranged=True)
    for m in YEAR_SPAN_RE.finditer(sentence):
        first, last = _int(m.group("y1")), _int(m.group("y2"))
        if first < last:
            role = "deadline" if sentence[m.start() - 1] in "到至" else "date"
            add(m.start(), m.end(), role, resolve_date(last), last, ranged=True)
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
            pre = m.group("pre")
            found.append(Quantity(m.start(), m.end(), m.group(0), 50.0, "%", PREFIX_COMPARATORS[pre] if pre else "="))
    for m in QUANTITY_RE.finditer(sentence):
        q = _quantity(sentence, m)
        taken = excluded + [(f.start, f.end) for f in found]
        if q and not _inside(q.start, q.end, taken):
            found.append(q)
    found.sort(key=lambda q: q.start)
    return [q for q in found if not _qualifies_another(sentence, q, found)]


def _qualifies_another(sentence: str, q: Quantity, found: list[Quantity]) -> bool:
    """Whether q only qualifies another quantity: a threshold inside its subject (注册资本金在1000万元以上的
    占67%) or the base it is a part of (在全部31个省中，25个…)."""
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
    comparator = PREFIX_COMPARATORS[pre] if pre else "="
    if m.group("approx"):
        comparator = ">"  # 百余, 3000多: more than the round number
    if m.group("post"):
        comparator = SUFFIX_COMPARATORS[m.group("post")]
    end = m.end()
    return Quantity(start, end, sentence[start:end], value, (mult + unit) or None, comparator)


def _clause(sentence: str, start: int, end: int) -> Span:
    """Span of the clause (between commas, semicolons, colons) holding [start, end)."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(sentence, end)), len(sentence))
    return left, right


def metric_text(
    sentence: str, start: int, end: int, remove: Iterable[Span] = (), others: Iterable[Span] = ()
) -> str:
    """Words of the clause around [start, end), without the spans in remove (the values, the date)."""
    left, right = _clause(sentence, start, end)
    # In a list of quantities (增长60%、100个以上品类…) each item ends at the 、 before the next one.
    for s, e in others:
        if left <= s and e <= start:
            cut = sentence.find("、", e, start)
            left = max(left, cut + 1) if cut >= 0 else left
        elif end <= s and e <= right:
            cut = sentence.rfind("、", end, s)
            right = min(right, cut) if cut >= 0 else right
    # a removed value takes its attributive 的 with it (98.8%的中小企业 -> 中小企业)
    remove = list(remove) + [(e, e + 1) for _s, e in remove if sentence.startswith("的", e)]
    keep = [i for i in range(left, right) if not _inside(i, i + 1, remove)]
    words = NUMBERED_RE.sub("", "".join(sentence[i] for i in keep)).strip(" 　\t“”")
    while True:  # links may be stacked (…比例分别为和): strip until none is left
        stripped = LEADING_LINKS.sub("", TRAILING_LINKS.sub("", words)).strip()
        if stripped == words:
            return words
        words = stripped


def _quantity_metric(sentence: str, q: Quantity, remove: list[Span], others: list[Span]) -> str:
    """What a quantity measures: its clause's words, with the subject of the clause before where needed."""
    return _with_subject(sentence, q.start, metric_text(sentence, q.start, q.end, remove, others), remove)


def _with_subject(sentence: str, start: int, words: str, remove: Iterable[Span]) -> str:
    """The metric words, with the subject supplied from the preceding clause when the clause leaves it
    implicit (…新增数据存储量为0.95ZB，占生产总量的比例为2.9% -> 新增数据存储量占生产总量的比例)."""
    if words and not SUBJECTLESS_RE.match(words):
        return words
    left = _clause(sentence, start, start)[0]
    if left == 0:
        return words
    before, end = _clause(sentence, left - 1, left - 1)
    end = min([end, *(s for s, _e in remove if before <= s < end)])  # the subject comes before the figure
    subject = SUBJECT_END_RE.split(sentence[before:end], maxsplit=1)[0]
    previous = LEADING_LINKS.sub("", NUMBERED_RE.sub("", subject)).strip(" 　\t“”")
    return f"{previous}{words}" if previous else words


def _goal_text(sentence: str, anchor: Anchor) -> str:
    """Return what a deadline commits to: the rest of its clause, else the next clause."""
    rest = metric_text(sentence, anchor.start, anchor.end, [(anchor.start, anchor.end)])
    if rest or anchor.end >= len(sentence):
        return rest
    nxt = CLAUSE_BREAK.search(sentence, anchor.end)
    return metric_text(sentence, nxt.end(), nxt.end()) if nxt and nxt.end() < len(sentence) else ""


def classify(
    role: str, year: int | None, doc_kind: str, ref_year: int | None, cue: bool, has_value: bool
) -> str | None:
    """Kind of a row from the anchor's role and year, the document's kind and year; None: no row."""
    report = doc_kind == "report"
    known = ref_year is not None and year is not None
    # A deadline in its own document's year is still ahead; a plain date in a report or news item's own
    # year is usually a statistic already known when it was written.
    past_deadline = known and (year <= ref_year if report else year < ref_year)
    past_date = known and (year <= ref_year if doc_kind in ("report", "news") else year < ref_year)
    # Only reports and news predict; in a policy text 将达到 states a commitment.
    cue = cue and doc_kind in ("report", "news")
    if role == "recurring":
        return None if report else "reporting_deadline"
    if role == "comment":
        return "comment_period"
    if role == "effective":  # a report citing another text's entry into force (该文件自…起施行) states no item
        return None if report else "effective_date"
    if role == "as_of":
        return "reported_fact" if has_value else None
    if role == "deadline":
        if past_deadline:
            return "reported_fact" if has_value else None
        if report or cue:
            return "forecast"
        return "metric" if has_value else "goal"
    if past_date:  # a past date is a fact, never a forecast, whatever the verb
        return "reported_fact" if has_value else None
    if cue:
        return "forecast"
    if report and has_value:  # a report's figure is a forecast only when dated after the report itself
        return "forecast" if known else "reported_fact"
    return None


def reference_year(doc_date: str | None, text: str) -> int | None:
    """Year the document speaks from: its date, else the latest 截至 date it reports."""
    if doc_date:
        return int(str(doc_date)[:4])
    as_of = ("截至", "截止到", "截止")
    years = [_int(m.group("y")) for m in ANCHOR_RE.finditer(text) if m.group("pre") in as_of]
    return max(years, default=None)


def _row(kind: str, anchor: Anchor | None, metric: str | None, q: Quantity | None) -> dict:
    """One row: a reported fact is dated by as_of, everything else by deadline."""
    fact = kind in FACT_KINDS
    date = anchor.date if anchor else None
    return {"kind": kind, "deadline": None if fact else date, "as_of": date if fact else None,
            "deadline_text": (anchor.text or None) if anchor else None, "metric": metric or None,
            "value": q.value if q else None, "unit": q.unit if q else None,
            "comparator": q.comparator if q else None, "value_text": q.text if q else None}


def _clause_spans(sentence: str, start: int, end: int) -> list[Span]:
    """Clauses of sentence[start:end] (split at commas, semicolons, colons), empty ones dropped."""
    spans, left = [], start
    for m in CLAUSE_BREAK.finditer(sentence, start, end):
        spans.append((left, m.start()))
        left = m.end()
    spans.append((left, end))
    return [(s, e) for s, e in spans if sentence[s:e].strip()]


def _regions(sentence: str, anchors: list[Anchor]) -> list[Span]:
    """The part of the sentence each anchor governs: from its clause to the clause of the next anchor."""
    starts = [_clause(sentence, a.start, a.end)[0] for a in anchors]
    regions = []
    for i, anchor in enumerate(anchors):
        if i + 1 == len(anchors):
            end = len(sentence)
        else:
            end = starts[i + 1] if starts[i + 1] > starts[i] else anchors[i + 1].start
        regions.append((starts[i], max(end, anchor.end)))
    return regions


def _clause_goal(sentence: str, start: int, remove: list[Span]) -> str:
    """What a clause commits to, in its words, without dates, numbering label or purpose clause."""
    words = metric_text(sentence, start, start, remove)
    words = NUMBERED_RE.sub("", words).strip()
    if not CJK_RE.search(words) or PURPOSE_RE.match(words) or words in GOAL_HEADINGS:
        return ""
    return words


def _commitment_rows(sentence: str, anchor: Anchor, region: Span, lead_in: int, quantities: list[Quantity],
                     remove: list[Span], kinds: tuple[str | None, str | None]) -> list[dict]:
    """One row per clause of a commitment: a metric per quantity, else a goal in the clause's words."""
    goal_kind, value_kind = kinds
    spans = [(q.start, q.end) for q in quantities]
    rows = []
    for cs, ce in _clause_spans(sentence, lead_in, region[1]):
        in_clause = [q for q in quantities if cs <= q.start < ce]
        for q in in_clause:
            others = [span for span in spans if span != (q.start, q.end)]
            rows.append(_row(str(value_kind), anchor, _quantity_metric(sentence, q, remove + spans, others), q))
        if not in_clause and goal_kind == "goal" and ce > region[0]:
            words = _clause_goal(sentence, cs, remove)
            if words:
                rows.append(_row("goal", anchor, words, None))
    return rows


def _context_anchor(sentence: str, context: Anchor | None, now: str | None) -> Anchor:
    """The date an undated figure of a report stands at: the paragraph's last date (a half-year report's
    figures at 30 June of its year), else the report's own date (截至目前), else none."""
    if context is None or context.year is None:
        return Anchor(0, 0, "", "as_of", now, None)
    if HALF_YEAR_REPORT_RE.search(sentence):
        return Anchor(0, 0, context.text, "as_of", resolve_date(context.year, 6), context.year)
    return Anchor(0, 0, context.text, "as_of", context.date, context.year)


def _undated_rows(sentence: str, quantities: list[Quantity], doc_kind: str, now: str | None, cue: bool,
                  context: Anchor | None = None) -> list[dict]:
    """Rows of a sentence without any date: facts in a report, rules and cycles in a policy text."""
    rows = []
    spans = [(q.start, q.end) for q in quantities]
    for q in quantities:
        others = [span for span in spans if span != (q.start, q.end)]
        words = _quantity_metric(sentence, q, spans, others)
        if doc_kind == "report":
            if cue:
                rows.append(_row("forecast", None, words, q))
            else:
                rows.append(_row("reported_fact", _context_anchor(sentence, context, now), words, q))
        elif q.unit == "部门":  # 17部门联合印发: how many bodies issued a text is a fact, as of the document's date
            rows.append(_row("reported_fact", Anchor(0, 0, "", "as_of", now, None), words, q))
        elif doc_kind in RULE_DOC_KINDS and (q.unit in RULE_UNITS or q.comparator in ("<=", "<")):
            rows.append(_row("rule", None, words, q))
    if doc_kind in RULE_DOC_KINDS:
        for m in CYCLE_RE.finditer(sentence):
            n = parse_number(m.group("n")) if m.group("n") else 1.0
            cycle = Quantity(m.start(), m.end(), m.group(0), n or 1.0, "年", "=")
            rows.append(_row("rule", None, metric_text(sentence, m.start(), m.end(), [m.span()]), cycle))
    return rows


def sentence_rows(sentence: str, doc_kind: str, ref_year: int | None, doc_date: str | None = None,
                  inherited: Anchor | None = None, lead: bool = False, now: str | None = None,
                  context: Anchor | None = None) -> list[dict]:
    """Rows (kind, deadline, as_of, metric, value …) of one sentence; inherited anchors apply when it has none."""
    now = now or doc_date
    anchors = find_anchors(sentence, doc_date, now)
    if context is not None and context.date:  # 当前 in an undated report's dated passage: the passage's date
        anchors = [replace(a, date=context.date, year=context.year) if a.role == "as_of" and a.date is None else a
                   for a in anchors]
    quantities = find_quantities(sentence)
    cue = bool(FORECAST_CUES.search(sentence))
    own = bool(anchors)
    if not own:
        if inherited is None or not CJK_RE.search(sentence):
            return _undated_rows(sentence, quantities, doc_kind, now, cue, context)
        anchors = [inherited]
    comment = bool(COMMENT_CUE_RE.search(sentence))
    regions = _regions(sentence, anchors) if own else [(0, len(sentence))]
    remove = [(a.start, a.end) for a in anchors] if own else []
    rows = []
    for i, (anchor, region) in enumerate(zip(anchors, regions, strict=True)):
        lead_in = 0 if i == 0 else region[0]  # quantities before the first date belong to it
        qs = [q for q in quantities if lead_in <= q.start < region[1]]
        role = "comment" if comment and anchor.role == "deadline" else anchor.role
        kinds = (classify(role, anchor.year, doc_kind, ref_year, cue, False),
                 classify(role, anchor.year, doc_kind, ref_year, cue, True))
        if kinds[0] == "goal" or kinds[1] == "metric":
            rows.extend(_commitment_rows(sentence, anchor, region, lead_in, qs, remove, kinds))
            continue
        if not qs and kinds[0] and (own or lead):
            words = _goal_text(sentence, anchor) if own else metric_text(sentence, 0, 0) or sentence
            rows.append(_row(kinds[0], anchor, words, None))
        spans = [(q.start, q.end) for q in quantities]
        for q in qs if kinds[1] else []:
            others = [span for span in spans if span != (q.start, q.end)]
            rows.append(_row(str(kinds[1]), anchor, _quantity_metric(sentence, q, remove + spans, others), q))
    return rows


def _is_lead(sentence: str, anchors: list[Anchor]) -> bool:
    """Whether a sentence holds a single deadline and nothing else (a heading over bullet points)."""
    if len(anchors) != 1 or anchors[0].role != "deadline":
        return False
    rest = sentence[: anchors[0].start] + sentence[anchors[0].end:]
    return not CJK_RE.search(rest)


def _provision_finder(provisions: pd.DataFrame, doc_id: str) -> Callable[[int], str]:
    """Return a function from a text offset to the id of the innermost provision containing it."""
    spans = sorted(
        zip(provisions["char_start"].astype(int), provisions["char_end"].astype(int),
            provisions["level"].astype(int), provisions["provision_id"].astype(str), strict=True),
        key=lambda r: (r[0], r[2]),
    )
    if not spans:
        raise InputError("table provisions", f"document {doc_id} has no provisions")

    def find(offset: int) -> str:
        inside = [s for s in spans if s[0] <= offset < s[1]]
        if inside:
            return max(inside, key=lambda s: (s[2], s[0]))[3]
        before = [s for s in spans if s[0] <= offset]
        return (before[-1] if before else spans[0])[3]  # whitespace between provisions

    return find


def extract_targets(doc_id: str, kind: str, doc_date: str | None, text: str, provisions: pd.DataFrame,
                    split: Callable[[str], list[Span]] | None = None) -> list[dict]:
    """Target rows of one document, with target_id doc_id:provision_id:n (n in order within the provision)."""
    if kind not in KINDS:
        raise InputError("table documents", f"document {doc_id} has unknown kind {kind!r}")
    if split is None:
        from .structure import split_sentences as split
    doc_date = None if doc_date is None or pd.isna(doc_date) else str(doc_date)[:10]
    # 截至目前 and 自…以来 stand at the document's own date; a month known only from the catalog is too
    # coarse to date a figure by, so an undated document leaves such figures without as_of.
    now = doc_date
    ref_year = reference_year(doc_date, text)
    provision_of = _provision_finder(provisions, doc_id)
    labels = dict(zip(provisions["provision_id"].astype(str), provisions["label"].fillna("").astype(str),
                      strict=True)) if "label" in provisions.columns else {}
    found: list[tuple[str, int, int, list[dict]]] = []
    carry: Anchor | None = None
    carry_lead = False
    lead_index: int | None = None  # the lead's own row is dropped once an item below it gives rows
    context: Anchor | None = None  # a report's last date in the provision: its undated figures stand then
    previous_provision = None
    spans = split(text)
    for i, (start, end) in enumerate(spans):
        sentence = text[start:end]
        provision_id = provision_of(start)
        if provision_id != previous_provision:
            # bullet lines under a deadline heading may be parsed as unnumbered headings of their own
            keep_lead = carry_lead and not labels.get(provision_id, "x")
            if not keep_lead:
                carry, carry_lead = None, False
            context, previous_provision = None, provision_id
        following = text[spans[i + 1][0]:spans[i + 1][1]] if i + 1 < len(spans) else ""
        if carry_lead and (NUMBERED_RE.match(sentence) or FIRST_ITEM_RE.match(following)):
            carry, carry_lead = None, False  # a numbered item, or the heading of a new numbered list, ends the lead
        anchors = find_anchors(sentence, doc_date, now)
        rows = sentence_rows(sentence, kind, ref_year, doc_date, carry, carry_lead, now, context)
        if kind == "report":
            dated = [a for a in anchors if a.date and a.role != "effective" and (ref_year is None or (a.year or 0) <= ref_year)]
            context = dated[-1] if dated else context
        if rows and carry_lead and not anchors and lead_index is not None:
            found[lead_index] = (*found[lead_index][:3], [])
            lead_index = None
        found.append((provision_id, start, end, rows))
        if _is_lead(sentence, anchors):
            carry, carry_lead, lead_index = anchors[0], True, len(found) - 1
        elif anchors:
            ends_clause = sentence.rstrip().endswith(("；", ";"))
            carry, carry_lead = (anchors[-1] if ends_clause else None), False
        elif not carry_lead and not sentence.rstrip().endswith(("；", ";")):
            carry = None
    out: list[dict] = []
    counters: dict[str, int] = {}
    for provision_id, start, end, rows in found:
        for row in rows:
            counters[provision_id] = counters.get(provision_id, 0) + 1
            out.append({"target_id": f"{doc_id}:{provision_id}:{counters[provision_id]}", "doc_id": doc_id,
                        "provision_id": provision_id, **row, "sentence": text[start:end],
                        "char_start": start, "char_end": end})
    return out


def _require(df: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Raise InputError if df lacks one of columns."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"table {name}", f"missing columns {missing}")


def build_targets(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Return the targets table of all documents: registered columns, sorted by target_id."""
    _require(documents, "documents", ("doc_id", "kind", "date", "text"))
    _require(provisions, "provisions", ("doc_id", "provision_id", "level", "char_start", "char_end"))
    by_doc = {doc_id: group for doc_id, group in provisions.groupby("doc_id", sort=True)}
    rows: list[dict] = []
    for doc in documents.sort_values("doc_id").itertuples(index=False):
        doc_provisions = by_doc.get(doc.doc_id)
        if doc_provisions is None:
            raise InputError("table provisions", f"document {doc.doc_id} has no provisions")
        rows.extend(extract_targets(doc.doc_id, doc.kind, doc.date, doc.text, doc_provisions))
    columns = table("targets").columns
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values("target_id", kind="mergesort").reset_index(drop=True)
