"""The words and patterns of the quantity recogniser (policykit.analysis.quantities): units, comparators, scanners."""

from __future__ import annotations

import re

from policykit.zh import ARABIC_DIGITS
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


def alternation(words: tuple[str, ...] | list[str] | set[str]) -> str:
    """Regex alternation of words, longest first (so 不超过 wins over 超过)."""
    return "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w))))


# A cheap look-ahead first: a match needs a numeral within its first few characters (the comparator words
# before it are at most 4 characters), so the scanner skips the rest of the text without trying them.
QUICK = rf"(?=[^\n]{{0,6}}?[{ARABIC_DIGITS}{CN_DIGITS}])"


def _scanner(units: tuple[str, ...]) -> re.Pattern[str]:
    """The scanning regex for a list of units."""
    return re.compile(
        QUICK + rf"(?P<pre>{alternation(list(PREFIX_COMPARATORS))})?(?P<verb>{alternation(GROWTH_VERBS)})?"
        rf"(?P<pre2>{alternation(list(PREFIX_COMPARATORS))})?(?P<link>{COMPARED_LINK})"
        rf"(?P<pct>百分之)?(?P<num>{NUMBER})(?P<mult>万亿|亿|万)?(?P<approx>余|多)?"
        rf"(?P<unit>{alternation(units)})?(?P<post>{alternation(list(SUFFIX_COMPARATORS))})?"
    )


STRICT_RE = _scanner(UNITS)
CORE_RE = re.compile(rf"(?P<lead>(?:{alternation(list(PREFIX_COMPARATORS))}|{alternation(GROWTH_VERBS)})*(?:有|为|是)?)"
                     rf"(?P<core>.+?)"
                     rf"(?P<trail>(?:{alternation(list(SUFFIX_COMPARATORS))})?)")
LOOSE_RE = _scanner(UNITS + LOOSE_UNITS)
# The lower end of a range, right before its dash or 至: 10%-, 1000元至, 二至 (二至三人).
RANGE_LEFT_RE = re.compile(
    rf"(?P<pct>百分之)?(?P<num>{NUMBER})(?P<mult>万亿|亿|万)?(?P<unit>{alternation(UNITS)})?(?P<post>及?以上)?\s*"
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
FRACTION_RE = re.compile(QUICK + rf"(?P<pre>{alternation(list(PREFIX_COMPARATORS))})?(?P<den>[{CN_DIGITS}]+|{D}+)分之"
                         rf"(?P<num>[{CN_DIGITS}]+|{D}+)(?P<post>{alternation(list(SUFFIX_COMPARATORS))})?")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
SPECIAL_CUE_RE = re.compile(r"倍|番|半|分之")
# A limit word, then the base of a share ending in 的, right before the number: 不得低于上一年总收入的70%.
LIMIT_WORDS = ("不得低于", "不低于", "不得少于", "不少于", "不应低于", "不得超过", "不超过", "不得高于", "不高于",
               "低于", "高于", "超过")
DETACHED_COMPARATOR_RE = re.compile(rf"({alternation(LIMIT_WORDS)})[^，,；;。{ARABIC_DIGITS}%]{{1,24}}的$")
YEAR_RANGE_RE = re.compile(rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?\s*[-—–~～至到]+\s*"
                           rf"{D}{{4}}年?(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?")
DOC_NUMBER_RE = re.compile(rf"〔{D}{{4}}〕{D}*号?")
# find(): a date (2026年底, 2024年7月) or a deadline word (年底前) touches a number.
DATE_RE = re.compile(rf"{D}{{4}}年(?:{D}{{1,2}}月(?:{D}{{1,2}}日)?)?(?:底|末|初|中|上半年|下半年|第?[一二三四]季度)?"
                     rf"|{D}{{1,2}}月{D}{{1,2}}日")
DUE_RE = re.compile(r"(?:年底|年末|月底|月末|年内)(?:之?前)")
LATIN_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
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
LATIN_UNIT_RE = re.compile(r"(?:ZB|EB|PB|TB|GB|MB|KB|kWh)$")
