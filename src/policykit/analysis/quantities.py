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

The rules are written out rather than taken from a library: cn2an converts numerals to numbers
(used for the values), but no library says which numerals in running Chinese text are quantities, what
their comparator is, or where a range starts. They live in four modules: the words and patterns
(quantity_patterns), the value of a quantity (quantity_values), the decisions on one scanner match
(quantity_matches), and here the scan of a text, its ranges and lists.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from policykit.analysis.quantity_matches import (  # noqa: F401 - excluded_spans and inside re-exported
    excluded_spans,
    inside,
    match_quantity,
    names_pattern,
    preceding,
    special_quantities,
)
from policykit.analysis.quantity_patterns import (  # noqa: F401 - DURATION_UNITS re-exported
    BASE_END_RE,
    CLAUSE_BREAK,
    CORE_RE,
    DATE_RE,
    DUE_RE,
    DURATION_UNITS,
    IN_BASE_RE,
    LIST_LINK_RE,
    LOOSE_RE,
    NOT_A_RANGE_RE,
    RANGE_LEFT_CHARS,
    RANGE_LEFT_RE,
    STRICT_RE,
    Span,
)
from policykit.analysis.quantity_values import (  # noqa: F401 - Quantity, quantity and parse_number re-exported
    Quantity,
    parse_number,
    quantity,
    to_base,
)
from policykit.zh import BOOK_TITLE_RE


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
    found = special_quantities(text, excluded)
    taken = _Taken(list(excluded) + [(f.start, f.end) for f in found])
    for m in (LOOSE_RE if loose else STRICT_RE).finditer(text):
        q = match_quantity(text, m, loose)
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
    low_base, low_base_unit = to_base(low, low_unit)
    high_base, high_base_unit = to_base(upper.value, upper.unit)
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
    if IN_BASE_RE.search(preceding(text, q.start)) and BASE_END_RE.match(text, q.end):
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
    names = names_pattern()
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
