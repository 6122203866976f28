"""Quantities in Chinese policy and legal text: the one recogniser every stage uses.

`measured(text)` finds the quantities a target row can carry; `find(text)` finds everything that makes an
edit touch a number (the number flags of `changes`, the quantity tokens of the terms stage). Both read
text with one scanner, so a quantity has one value and one unit wherever it is found:

* Arabic and Chinese numerals with a unit, magnitude word or measure word: 300个, 1.03亿元, 十二个, 5个工作日;
  a noun that stands as the unit where no measure word is written: 12领域 (unit 领域), 十二大…成果;
* percentages: 20%, 百分之二十, 三成 (30 %), 半数 and 过半 (50 %); multiples: N倍, 倍增 and 翻一番 (2 倍),
  增长1倍 (2 倍: the level becomes twice the base), 翻两番 (4 倍);
* comparators from the wording next to the number: 以上/不少于/达到/至少 >=, 超过/逾/余/多 >, 不超过/以内/以下/
  最多/至多 <=, 近/不足/低于 <, 约/左右 ~, otherwise =; a comparator of a 分别 list applies to each value;
* ranges, as one quantity with both ends (comparator `between`): 10%-20%, 1000元至1万元, 处一千元以上一万元以下;
* the value as written (3500 of 3500万元) and in base units (35000000 元): magnitude words multiplied
  out, 成 as percent.

`measured` leaves out what is not a measured quantity: category counts (三种方式, 八个方面), time frames
(近三年, 10年期), vague magnitudes (上千万元, 数十倍), a bare calendar year, 一/两 as an article (一批, 两个),
ordinals (第三方), codes (5G, C2M), names with numerals (数据二十条) and rhetorical multiplication (倍增作用).
`find` also counts category counts, time frames and dates (2026年底, 年底前): an edit that changes them
touches a number.

The rules are written out here rather than taken from a library: cn2an converts numerals to numbers
(used for the values), but no library says which numerals in running Chinese text are quantities, what
their comparator is, or where a range starts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import cn2an

from policykit.zh import ARABIC_DIGITS, BOOK_TITLE_RE
from policykit.zh import NUMERALS_LARGE as CN_DIGITS

D = f"[{ARABIC_DIGITS}]"
Span = tuple[int, int]

PREFIX_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "至少": ">=", "不得少于": ">=", "不得低于": ">=", "不应低于": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "最多": "<=", "至多": "<=", "不得超过": "<=", "不得高于": "<=",
    "最高": "<=", "最长": "<=",
    "超过": ">", "高于": ">", "多于": ">", "大于": ">", "突破": ">",
    "低于": "<", "少于": "<", "小于": "<", "不足": "<", "不到": "<",
    "超": ">", "逾": ">", "达到": ">=", "达": ">=",
    # 近 (nearly) is a value just below the number; 约 (about) may fall on either side.
    "接近": "<", "将近": "<", "近": "<", "大约": "~", "约为": "~", "约": "~",
}
SUFFIX_COMPARATORS = {
    "及其以上": ">=", "及以上": ">=", "以上": ">=", "及其以下": "<=", "及以下": "<=", "以下": "<=", "以内": "<=",
    "内": "<=", "左右": "~", "上下": "~",
}
GROWTH_VERBS = ("增长", "增加", "提高", "提升", "扩大")
# Units a measured quantity carries (a number followed by another word has none, unless that word is a noun
# standing as the unit, see NOUN_UNIT_RE).
UNITS = (
    "个百分点", "百分点", "%", "％", "‰", "倍", "个", "家", "项", "种", "所", "座", "台", "套", "件", "份",
    "次", "人次", "人", "户", "元", "美元", "欧元", "ZB", "EB", "PB", "TB", "GB", "吨", "千瓦时", "千瓦", "公里",
    "张", "款", "位", "名", "篇", "部门", "部", "条", "类", "亩", "周年", "个月", "年", "天", "个工作日", "工作日",
    "日", "小时", "平方米", "平方公里", "批", "成",
)
# find() also counts these (a date or a measure word in an edit touches a number).
LOOSE_UNITS = (
    "季度", "年度", "年底", "年末", "年初", "年中", "月底", "月末", "上半年", "下半年", "分钟", "千米", "米",
    "MB", "KB", "kWh", "兆瓦", "余个", "余家", "余项", "余种", "多个", "多家", "多项", "多种",
    "场", "起", "处", "册", "本", "期", "轮", "级", "层", "月", "周", "岁", "番",
)
DURATION_UNITS = frozenset({"年", "周年", "个月", "天", "日", "个工作日", "工作日", "小时"})
# Units that follow a Chinese numeral in measured text; others (条, 年, 批 …) are names or articles there.
CN_UNITS = frozenset("个 家 项 种 所 座 台 套 件 份 次 人 户 倍 元 张 款 周年 个月 天 日 个工作日 工作日 部门 成 小时 "
                     "个百分点 百分点".split())
# A small Chinese numeral before one of these counts the parts of an argument, not the world: 三种类型,
# 八个方面, 三个“建设”, 四项内容.
CATEGORY_UNITS = frozenset({"种", "次", "类"})
CATEGORY_NOUNS = re.compile(r"[“\"]|方面|大(?![型量])|内容|类型|方式|模式|原则|任务|环节|层次|阶段|维度|路径|特征"
                            r"|举措|重点")
RELATIVE_UNITS = frozenset({"年", "年度", "月", "季度", "周", "届", "期", "轮"})
ARTICLE_UNITS = frozenset("个家项种类批座所条户件台名位人次份部款篇张套场起处册本期轮级层周天")
MAGNITUDES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8, "千万": 1e7, "百万": 1e6,
              "十万": 1e5, "万": 1e4}
NUMBER = rf"{D}+(?:[.．]{D}+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?"
# A noun standing as the unit of an Arabic number or a Chinese numeral with 大 (12领域, 十二大…成果): kept
# short (two to four Han characters), and never a word that makes the number a date, an ordinal or a code.
NOUN_UNIT_RE = re.compile(r"大?(?P<noun>[\u4e00-\u9fff]{2,4})")
NOT_NOUN_UNITS = re.compile(r"^(?:年|月|日|号|时|点|分|秒|级|期|代|届|版|章|节|条|款|项|至|到|及|和|与|或|余|多|以"
                            r"|万|亿|的|之|世纪)")
NOUN_RUN_RE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?=[，,。；;：:、\s（(“”]|和|及|与|的|等|在|中|向|为"
                         r"|是|$|[^\u4e00-\u9fff])|[\u4e00-\u9fff]{1,6}")
COMPARED_LINK = "(?:有|为|是)?"


def _alt(words: tuple[str, ...] | list[str] | set[str]) -> str:
    """Regex alternation of words, longest first (so 不超过 wins over 超过)."""
    return "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w))))


# A cheap look-ahead first: a match needs a numeral within its first few characters (the comparator words
# before it are at most 4 characters), so the scanner skips the rest of the text without trying them.
QUICK = rf"(?=[^\n]{{0,6}}?[{ARABIC_DIGITS}{CN_DIGITS}])"


def _scanner(units: tuple[str, ...]) -> re.Pattern[str]:
    """The scanning regex for a list of units."""
    return re.compile(
        QUICK + rf"(?P<pre>{_alt(list(PREFIX_COMPARATORS))})?(?P<verb>{_alt(GROWTH_VERBS)})?"
        rf"(?P<pre2>{_alt(list(PREFIX_COMPARATORS))})?(?P<link>{COMPARED_LINK})"
        rf"(?P<pct>百分之)?(?P<num>{NUMBER})(?P<mult>万亿|亿|万)?(?P<approx>余|多)?"
        rf"(?P<unit>{_alt(units)})?(?P<post>{_alt(list(SUFFIX_COMPARATORS))})?"
    )


STRICT_RE = _scanner(UNITS)
CORE_RE = re.compile(rf"(?P<lead>(?:{_alt(list(PREFIX_COMPARATORS))}|{_alt(GROWTH_VERBS)})*(?:有|为|是)?)(?P<core>.+?)"
                     rf"(?P<trail>(?:{_alt(list(SUFFIX_COMPARATORS))})?)")
LOOSE_RE = _scanner(UNITS + LOOSE_UNITS)
# The lower end of a range, right before its dash or 至: 10%-, 1000元至, 二至 (二至三人).
RANGE_LEFT_RE = re.compile(
    rf"(?P<pct>百分之)?(?P<num>{NUMBER})(?P<mult>万亿|亿|万)?(?P<unit>{_alt(UNITS)})?(?P<post>及?以上)?\s*"
    rf"[至到\-—–~～]?\s*$"
)
RANGE_LEFT_CHARS = 40  # a range's lower end stands within this many characters before its upper end
NOT_A_RANGE_RE = re.compile(rf"(?:{D}|[第.．A-Za-z])$")
# 倍增 as a figure of speech (倍增作用, 数据价值倍增) measures nothing.
DOUBLING_RE = re.compile(r"(?:(?<!价值)倍增(?!效应|作用|效果|器)|翻(?P<n>一|两|二|三|四|[1-4])番)")
HALF_RE = re.compile(r"(?P<pre>接近|将近|近|超过|超|逾|过|不足|约)?半数(?P<post>及以上|以上|及以下|以下)?"
                     r"|(?P<over>过半)(?!数)")
LIST_LINK_RE = re.compile(r"\s*(?:和|及|与|、|，|,)\s*")
# A fraction (三分之二以上, 1/3 is not one: a slash is a date or a code): a share, in %.
FRACTION_RE = re.compile(QUICK + rf"(?P<pre>{_alt(list(PREFIX_COMPARATORS))})?(?P<den>[{CN_DIGITS}]+|{D}+)分之"
                         rf"(?P<num>[{CN_DIGITS}]+|{D}+)(?P<post>{_alt(list(SUFFIX_COMPARATORS))})?")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
SPECIAL_CUE_RE = re.compile(r"倍|番|半|分之")
# A limit word, then the base of a share ending in 的, right before the number: 不得低于上一年总收入的70%.
LIMIT_WORDS = ("不得低于", "不低于", "不得少于", "不少于", "不应低于", "不得超过", "不超过", "不得高于", "不高于",
               "低于", "高于", "超过")
DETACHED_COMPARATOR_RE = re.compile(rf"({_alt(LIMIT_WORDS)})[^，,；;。{ARABIC_DIGITS}%]{{1,24}}的$")
YEAR_RANGE_RE = re.compile(rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?\s*[-—–~～至到]+\s*"
                           rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?")
DOC_NUMBER_RE = re.compile(rf"〔{D}{{4}}〕{D}*号?")
# find(): a date (2026年底, 2024年7月) or a deadline word (年底前) touches a number.
DATE_RE = re.compile(rf"{D}{{4}}年(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?(?:底|末|初|中|上半年|下半年|第?[一二三四]季度)?"
                     rf"|{D}{{1,2}}月{D}{{1,2}}日")
DUE_RE = re.compile(r"(?:年底|年末|月底|月末|年内)(?:之?前)")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
BIG_NOUN_RE = re.compile(r"大[\u4e00-\u9fff]")
ARABIC_NUMBER_RE = re.compile(rf"{D}+(?:[.．]{D}+)?")
IN_BASE_RE = re.compile(r"在(?:全部|全国|所有)?$")
BASE_END_RE = re.compile(r"[^，,；;。]*中")
BEFORE_CHARS = 16  # the checks before a number look back at most this far (第, 连续, 上一, “, 近, 附件 …)
# A reference to other articles, paragraphs or items, not a count of them: 前两款, 第二、三条, 一、二、五、六项.
REFERENCE_UNITS = frozenset("条款项章节编")
REFERENCE_BEFORE_RE = re.compile(r"(?:前|后|第[^，,。；;：:\s]{0,10}、|[一二三四五六七八九十百零〇\d]、)$")
LABEL_BEFORE_RE = re.compile(r"(?:附件|附表|附录|附图)$")  # 附件二所列: the annex's label
RANGE_LINK = "至到-—–~～"
FREQUENCY_END_RE = re.compile(r"[，,。；;、：:）)\n]|为限")  # 一次 closing its clause: how often (延长一次。)
TIERS_BEFORE_RE = re.compile(r"[省市县区乡镇村央地司处厅局]、?$")  # 省市县乡村五级: a count of tiers
LATER_BOUND_RE = re.compile(r"(?:[（(][^（）()]{0,12}[）)])?\s*(?:及其?)?以[上下]")  # 三级（“稳健级”）及以上
_LATIN_UNIT = re.compile(r"(?:ZB|EB|PB|TB|GB|MB|KB|kWh)$")


@dataclass(frozen=True)
class Quantity:
    """A quantity: offsets, text as written, value and unit as written, comparator, interval and base value."""

    start: int
    end: int
    text: str
    value: float | None  # the number as written (3500 of 3500万元); None for a range
    unit: str | None  # as written, magnitude word included (万元, %, 倍, 领域); 'date' for a date or deadline
    comparator: str = "="  # >=, >, <=, <, =, ~ or between (a range)
    low: float | None = None  # lower end of the interval the wording implies, in `unit`
    high: float | None = None  # upper end
    value_base: float | None = None  # the value in base units (35000000 for 3500万元); None for a range
    unit_base: str | None = None  # the base unit (元 for 万元; % for 成)

    @property
    def key(self) -> tuple[object, ...]:
        """What two quantities must share to state the same value (in base units)."""
        if self.comparator == "between":
            return (_base(self.low, self.unit)[0], _base(self.high, self.unit)[0], _base(1.0, self.unit)[1])
        if self.value_base is not None:
            return (self.value_base, self.unit_base)
        return (self.text, self.unit)


def _base(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """A value and unit in base units: magnitude words multiplied out, 成 as percent, ％ as %."""
    if unit is None:
        return value, None
    if unit == "成":
        return (None if value is None else round(value * 10, 10)), "%"
    if unit == "％":
        return value, "%"
    for word, factor in MAGNITUDES.items():
        if unit.startswith(word) and len(unit) >= len(word):
            rest = unit[len(word):] or None
            return (None if value is None else round(value * factor, 6)), rest
    return value, unit


def quantity(start: int, end: int, text: str, value: float | None, unit: str | None, comparator: str = "=",
             low: float | None = None, high: float | None = None) -> Quantity:
    """A Quantity with its interval (from the comparator) and its base value filled in."""
    if comparator == "between":  # a range: its ends stand in low and high, in `unit`
        value_base = unit_base = None
    else:
        low = value if comparator in (">=", ">", "=") else None
        high = value if comparator in ("<=", "<", "=") else None
        value_base, unit_base = _base(value, unit)
    return Quantity(start, end, text, value, unit, comparator, low, high, value_base, unit_base)


@lru_cache(maxsize=8192)  # numerals repeat (一万元, 十五日): cn2an is the costly part of a scan
def parse_number(text: str) -> float | None:
    """Value of an Arabic or Chinese numeral (十二 -> 12, 百 -> 100, 三点五 -> 3.5); None if it is not one."""
    t = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789.")).replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    if not t:
        return None
    if t[0] in "十百千万亿":
        t = ("一" + t) if t[0] != "十" else t
    try:
        return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str] | None:
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
    names = _names()
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
    before = _before(text, m.start("num"))
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
    before = _before(text, m.start("num"))
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
    if _LATIN.match(prev) or (_LATIN.match(text[end:end + 1]) and not _LATIN_UNIT.search(unit)):
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
    after, before = text[m.end():m.end() + 1], _before(text, m.start("num"))
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


def _before(text: str, pos: int) -> str:
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
    before = _before(text, m.start("num"))
    if unit in REFERENCE_UNITS and REFERENCE_BEFORE_RE.search(before):
        return True
    if LABEL_BEFORE_RE.search(before) or num in ("零", "〇", "○") and not m.group("pct"):
        return True
    if unit == "级" and not _level_counted(text, m, num, before, end):
        return True
    return text.startswith("一体", end)


def _match(text: str, m: re.Match, loose: bool) -> Quantity | None:
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


def _special(text: str, excluded: list[Span]) -> list[Quantity]:
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


class _Taken:
    """Spans already taken, for overlap checks in O(log n) (a long text holds thousands of quantities)."""

    def __init__(self, spans: list[Span]) -> None:
        """Start from spans (merged where they overlap)."""
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(spans):
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        """Take [start, end)."""
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        # keep ends non-decreasing along starts, so that the span before an offset holds the farthest end
        for k in range(i, len(self.ends)):
            if k and self.ends[k] < self.ends[k - 1]:
                self.ends[k] = self.ends[k - 1]
            elif k > i:
                break

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a taken span."""
        i = bisect.bisect_left(self.starts, end)  # spans starting before end
        return i > 0 and self.ends[i - 1] > start


def _scan(text: str, loose: bool, excluded: list[Span]) -> list[Quantity]:
    """Every quantity of text outside excluded spans, in order (one scanner for both modes)."""
    found = _special(text, excluded)
    taken = _Taken(list(excluded) + [(f.start, f.end) for f in found])
    for m in (LOOSE_RE if loose else STRICT_RE).finditer(text):
        q = _match(text, m, loose)
        if q and not taken.overlaps(q.start, q.end):
            found.append(q)
            taken.add(q.start, q.end)
    found.sort(key=lambda q: q.start)
    return found


def _range_start(text: str, upper: Quantity, excluded: list[Span]) -> re.Match | None:
    """The lower end written before an upper end, where the two make a range (else None)."""
    m = RANGE_LEFT_RE.search(text, max(0, upper.start - RANGE_LEFT_CHARS), upper.start)
    if m is None or not (m.group("post") or re.search(r"[至到\-—–~～]\s*$", m.group())):
        return None
    if inside(m.start(), m.end(), excluded) or NOT_A_RANGE_RE.search(text, max(0, m.start() - 1), m.start()):
        return None  # a range of years or codes
    # 一千元以上一万元以下 (以上 then 以下), or 10%-20% and 5至10万元 (a dash or 至 then a bare upper end)
    return m if upper.comparator == ("<=" if m.group("post") else "=") else None


def _range_ends(m: re.Match, upper: Quantity) -> tuple[str | None, float, float] | None:
    """(unit, low, high) of a range in one unit, or None when its ends are not in comparable units."""
    low = parse_number(m.group("num"))
    # 5至10万元: a bare lower end shares the upper end's magnitude and unit
    low_unit = "%" if m.group("pct") else (m.group("mult") or "") + (m.group("unit") or "") or upper.unit
    low_base, low_base_unit = _base(low, low_unit)
    high_base, high_base_unit = _base(upper.value, upper.unit)
    if low_base_unit == "%" and high_base_unit == "倍" and low is not None and low_base is not None:
        low, low_base, low_base_unit, low_unit = low / 100, low_base / 100, "倍", "倍"  # 30%以上3倍以下: 0.3 to 3
    if low is None or low_base is None or high_base is None or low_base_unit != high_base_unit:
        return None
    if low_unit != upper.unit:  # 1000元至1万元: both ends in the base unit
        return high_base_unit, low_base, high_base
    return upper.unit, low, upper.value


def _ranges(text: str, found: list[Quantity], excluded: list[Span]) -> list[Quantity]:
    """A range (10%-20%, 1000元至1万元, 二至三人, 5至10万元, 一千元以上一万元以下) as one quantity with both ends."""
    out: list[Quantity | None] = list(found)  # None: merged into a range, or an ordinal range dropped
    at = {q.start: i for i, q in enumerate(found)}
    for i, upper in enumerate(found):
        if out[i] is None or upper.comparator not in ("=", "<=") or upper.unit is None:
            continue
        left = RANGE_LEFT_RE.search(text, max(0, upper.start - RANGE_LEFT_CHARS), upper.start)
        if left and text.endswith("第", 0, left.start()):
            out[i] = None  # 第3至5条: articles 3 to 5, an ordinal range
            continue
        m = _range_start(text, upper, excluded)
        j = None if m is None else at.get(m.start(), at.get(m.start("num")))
        lower = out[j] if j is not None else None
        ends = _range_ends(m, upper) if m else None
        if m is None or ends is None or lower is not None and lower.comparator not in ("=", ">="):
            continue
        if lower is not None:
            out[j] = None
        out[i] = quantity(m.start(), upper.end, text[m.start():upper.end], None, ends[0], "between", ends[1],
                          ends[2])
    return sorted((q for q in out if q is not None), key=lambda q: q.start)


def _respectively(text: str, found: list[Quantity]) -> list[Quantity]:
    """Values of a 分别 list share the comparator of its first value (分别达到3500万元和1亿元: both >=)."""
    out = list(found)
    for i, q in enumerate(out):
        if q.comparator in ("=", "between") or "分别" not in text[max(0, q.start - 8):q.start]:
            continue
        for j in range(i + 1, len(out)):
            if not LIST_LINK_RE.fullmatch(text, out[j - 1].end, out[j].start):
                break
            if out[j].comparator == "=":
                n = out[j]
                out[j] = quantity(n.start, n.end, n.text, n.value, n.unit, q.comparator)
    return out


def _qualifies_another(text: str, q: Quantity, found: list[Quantity]) -> bool:
    """Whether q only qualifies another quantity: a threshold inside its subject or the base it is part of.

    注册资本金在1000万元以上的占67% (1000万元 qualifies 67%); 在全部31个省中，25个… (31 is the base of 25).
    """
    if IN_BASE_RE.search(_before(text, q.start)) and BASE_END_RE.match(text, q.end):
        return True
    if not text.startswith("的", q.end):
        return False
    return any(o.start > q.end and not CLAUSE_BREAK.search(text, q.end, o.start) for o in found)


def measured(text: str, excluded: list[Span] | tuple[Span, ...] = ()) -> list[Quantity]:
    """The measured quantities of a text (value, unit, comparator, interval, base value), in order."""
    skip = excluded_spans(text) + list(excluded)
    found = _ranges(text, _scan(text, False, skip), skip)
    found = _respectively(text, found)
    return [q for q in found if not _qualifies_another(text, q, found)]


def find(text: str) -> list[Quantity]:
    """Every quantity, count, date or deadline of a text, in order: what makes an edit touch a number."""
    skip = [m.span() for m in BOOK_TITLE_RE.finditer(text)]  # cited titles and names hold no quantities
    names = _names()
    if names is not None:
        skip += [m.span() for m in names.finditer(text)]
    # a calendar date is compared as written (unit date:2025年底); a deadline word (年底前) is unit date
    dates = [quantity(m.start(), m.end(), m.group(), None, "date" if p is DUE_RE else f"date:{m.group()}")
             for p in (DATE_RE, DUE_RE) for m in p.finditer(text) if not inside(*m.span(), skip)]
    found = _ranges(text, _scan(text, True, skip + [(q.start, q.end) for q in dates]), skip)
    # the number and its unit, without the comparator words around them (约95ZB -> 95ZB)
    found = [replace(q, start=q.start + len(c), end=q.end - len(t), text=q.text[len(c):len(q.text) - len(t)])
             for q in found for c, t in [_comparator_words(q)]]
    return sorted(found + dates, key=lambda q: q.start)


def _comparator_words(q: Quantity) -> tuple[str, str]:
    """The comparator words before and after a quantity's number and unit, as written."""
    m = CORE_RE.fullmatch(q.text)
    return (m.group("lead"), m.group("trail")) if m else ("", "")


def has_quantity(text: str) -> bool:
    """Whether text states a quantity, a date or a deadline."""
    return bool(find(text))
