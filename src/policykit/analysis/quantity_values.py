"""The value of a quantity: the Quantity record, its base units and the numbers as written (cn2an)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from policykit.analysis.quantity_patterns import MAGNITUDES


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
            return (to_base(self.low, self.unit)[0], to_base(self.high, self.unit)[0], to_base(1.0, self.unit)[1])
        if self.value_base is not None:
            return (self.value_base, self.unit_base)
        return (self.text, self.unit)


def to_base(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
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
        value_base, unit_base = to_base(value, unit)
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
