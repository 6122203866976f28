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
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from policykit.analysis import quantities
from policykit.analysis.quantities import Quantity, parse_number  # noqa: F401 - the parsers of the targets stage
from policykit.zh import ARABIC_DIGITS, BOOK_TITLE_RE, ONE_TO_TEN

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
NOW_RE = re.compile(r"(?:截至|截止到|截止)?(?:目前|当前|迄今|至今)|今年以来")
THIS_YEAR_RE = re.compile(rf"今年(?:(?P<m>{D}{{1,2}})月(?:份)?)?(?:至今|以来|[^，,；;。]{{0,2}}至今)")
HALF_YEAR_REPORT_RE = re.compile(r"半年报|半年度报告|中报")
# 每年 / 每两年 without a calendar date: a cycle (每年3月底前 is a recurring deadline instead).
CYCLE_RE = re.compile(rf"每(?P<n>[两{ONE_TO_TEN[1:]}]|{D}{{1,2}})?年(?!度?(?:{D}|[{ONE_TO_TEN}]+月))")
_FULL_DATE = rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?"
YEAR_RANGE_RE = re.compile(rf"{_FULL_DATE}\s*[-—–~～至到]+\s*{_FULL_DATE}")
DOC_NUMBER_RE = re.compile(rf"〔{D}{{4}}〕{D}*号?")

# Durations: a number of years, months or days (a cycle, a term, a time limit), never a calendar year.
DURATION_UNITS = quantities.DURATION_UNITS
CLAUSE_BREAK = quantities.CLAUSE_BREAK


@dataclass(frozen=True)
class Anchor:
    """A date expression in a sentence."""

    start: int
    end: int
    text: str
    role: str  # deadline, as_of, effective, recurring, date
    date: str | None  # ISO date it denotes (null for a recurring date)
    year: int | None
    basis: str | None = None  # for the document's own time (目前, 自…以来): document_date or document_lower_bound
    since: str | None = None  # start of the counting period of 自…以来 / 今年…至今


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


_inside = quantities.inside


def plan_period_end(numeral: str) -> int | None:
    """Last year of the n-th five-year plan (“十四五” -> 2025); None before the 3rd plan."""
    n = int(cn2an.cn2an(numeral, "smart"))
    # The 3rd plan ran 1966-1970 after the 1963-65 adjustment years; every later plan is five years.
    return 1955 + 5 * n if n >= 3 else None


def find_anchors(sentence: str, doc_date: str | None = None, now: str | None = None,
                 now_basis: str | None = None) -> list[Anchor]:
    """Date expressions of a sentence with their roles, in order.

    now is the document's own time (its date, else its date lower bound: now_basis says which); 截至目前,
    至今 and 自…以来 stand at it. Cached: the targets stage looks at a sentence several times.
    """
    return list(_anchors(sentence, doc_date, now, now_basis))


@lru_cache(maxsize=4096)
def _anchors(sentence: str, doc_date: str | None, now: str | None, now_basis: str | None) -> tuple[Anchor, ...]:
    """find_anchors, as a tuple (cached)."""
    basis = now_basis if now else None
    excluded = _excluded_spans(sentence)
    anchors: list[Anchor] = []
    taken: list[Span] = []

    titles = [m.span() for m in BOOK_TITLE_RE.finditer(sentence)]

    def add(start: int, end: int, role: str, date: str | None, year: int | None, ranged: bool = False,
            basis: str | None = None, since: str | None = None) -> None:
        if _inside(start, end, titles if ranged else excluded) or _inside(start, end, taken):
            return
        taken.append((start, end))
        anchors.append(Anchor(start, end, sentence[start:end], role, date, year, basis, since))

    for m in EFFECTIVE_REL_RE.finditer(sentence):
        add(m.start(), m.end(), "effective", doc_date, int(doc_date[:4]) if doc_date else None)
    for start, end, role, date, year, *since in _ranges(sentence):
        add(start, end, role, date, year, ranged=True, since=since[0] if since else None)
    for m in RECURRING_RE.finditer(sentence):
        add(m.start(), m.end(), "recurring", None, None)
    for m in PLAN_END_RE.finditer(sentence):
        year = plan_period_end(m.group("n"))
        if year:
            add(m.start(), m.end(), "deadline", resolve_date(year), year)
    for m in ANCHOR_RE.finditer(sentence):
        anchor = _dated_anchor(sentence, m, now)
        if anchor:
            since = resolve_first_day(m) if anchor[2] == "as_of" and anchor[3] == now and _is_since(sentence, m) \
                else None
            add(*anchor, basis=basis if since else None, since=since)
    for m in NOW_RE.finditer(sentence):
        add(m.start(), m.end(), "as_of", now, int(now[:4]) if now else None, basis=basis,
            since=_this_year_since(sentence, m.start(), doc_date))
    return tuple(sorted(anchors, key=lambda a: a.start))


def resolve_first_day(m: re.Match) -> str | None:
    """ISO first day of a written date (自2015年 -> 2015-01-01, 自2023年12月 -> 2023-12-01)."""
    year = _int(m.group("y"))
    month = _int(m.group("m")) if m.group("m") else 1
    day = _int(m.group("d")) if m.group("d") else 1
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= _last_day(year, month) else None


def _is_since(sentence: str, m: re.Match) -> bool:
    """Whether a written date opens a counting period (自2015年…以来, 从1984年开始, 2015年以来)."""
    pre, post = m.group("pre") or "", m.group("post") or ""
    return post == "以来" or (pre in ("自", "从") and re.match(r"[^，,；;。]*?(?:以来|开始)", sentence[m.end():])
                                is not None)


def _this_year_since(sentence: str, at: int, doc_date: str | None) -> str | None:
    """Start of 今年N月至今 / 今年以来 before position at, in the document's year; None if the year is unknown."""
    m = THIS_YEAR_RE.search(sentence, max(0, at - 12), at + 4)
    if not m or not doc_date:
        return None
    month = _int(m.group("m")) if m.group("m") else 1
    return f"{int(doc_date[:4]):04d}-{month:02d}-01" if 1 <= month <= 12 else None


def _ranges(sentence: str) -> list[tuple]:
    """(start, end, role, date, year[, since]) of the date ranges that date a statement by their end.

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
            out.append((m.start(), m.end(), "date", date, end_year, f"{year:04d}-{first:02d}-01"))
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
    since = post == "以来" or (pre in ("自", "从") and post in ("", "起") and (
        re.match(r"[^，,；;。]*?以来", sentence[end:])
        or not EFFECTIVE_VERB_RE.match(sentence, end) and re.match(r"[^，,；;。]*?开始", sentence[end:])))
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


def find_quantities(sentence: str, anchors: list[Anchor] | None = None) -> list[Quantity]:
    """Quantities of a sentence (policykit.analysis.quantities.measured), its dates (anchors) left out."""
    anchors = find_anchors(sentence) if anchors is None else anchors
    return quantities.measured(sentence, [(a.start, a.end) for a in anchors])
