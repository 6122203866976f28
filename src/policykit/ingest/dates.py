"""Dates a document states about itself: signed, published, effective, and a lower bound for undated texts.

- date lines at the head of a text (`2020年4月10日 …会议通过`, `2019年10月22日 国务院令第722号公布`,
  `2020年1月1日 施行`, `发布时间：2023/12/15`) and the signature at its end (落款: an issuer line and
  a date line) are read with the verb that says what happened on that date;
- 通过/修正/修订/批准/成文 or a bare 落款 date -> signed; 公布/发布/印发 -> published; 施行/生效 -> effective;
  where a text was amended several times, the latest date of each kind is the one of this version;
- a sentence `本…自2025年3月1日起施行` gives the effective date where no date line does
  (`自发布之日起施行`: the published date);
- `date` orders documents: the signed date, else the published date, else the effective date;
- an undated text gets `date_lower_bound`, the latest date it reports as past (截至2024年9月10日,
  …年…月…日…通过/发布/召开): it cannot be older than that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykit.zh import BOOK_TITLE_RE, DIGIT_VALUES, ONE_TO_TEN

YMD = r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))"
LINE_DATE_RE = re.compile(rf"^(?:[^\d，。]{{0,8}}[:：]\s*)?{YMD}")  # `2020年4月10日 …` or `发布时间：2023/12/15`
SIGNED_RE = re.compile(r"通过|修正|修订|批准|成文|签署")
PUBLISHED_RE = re.compile(r"公布|发布|印发|颁布|公告")
EFFECTIVE_RE = re.compile(r"施行|生效")
SELF_EFFECTIVE_RE = re.compile(rf"本\S{{1,8}}自(?:{YMD}|(发布|公布|印发)之日)起(?:施行|生效|执行)")
PAST_RE = re.compile(rf"(?:截至|截止到?|于){YMD}|{YMD}[^。；\n]{{0,30}}?(?:通过|发布|印发|公布|召开|举行|出台)")
HEAD_LINES, TAIL_LINES, DATE_LINE_MAX = 12, 6, 120
KINDS = ("signed", "published", "effective")


@dataclass
class Dated:
    """One date the text states: ISO date, what it is, and the line that says so."""

    date: str
    kind: str
    line: str


@dataclass
class TextDates:
    """The dates a text states about itself."""

    signed: Dated | None = None
    published: Dated | None = None
    effective: Dated | None = None
    lower_bound: Dated | None = None
    signed_all: tuple[str, ...] = ()  # every adoption/amendment date stated (通过, 修正, 修订 …), sorted

    def ordering(self) -> Dated | None:
        """The date that orders documents: signed, else published, else effective."""
        return self.signed or self.published or self.effective


def iso(groups: tuple[str | None, ...]) -> str | None:
    """ISO date from the groups of YMD, or None if it is no calendar date."""
    y, m1, d1, m2, d2 = groups[:5]
    m, d = (m1, d1) if m1 else (m2, d2)
    if not (m and d) or not (1 <= int(m) <= 12 and 1 <= int(d) <= 31) or not 1900 <= int(y) <= 2100:
        return None
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def line_date(line: str) -> Dated | None:
    """The date a date line states about its document, and what it is (None for another line)."""
    s = line.strip()
    if s[:1] in "（(" and s[-1:] in "）)":
        s = s[1:-1].strip()  # (2014年11月1日第十二届…会议通过)
    m = LINE_DATE_RE.match(s)
    if not m or len(s) > DATE_LINE_MAX:
        return None
    date = iso(m.groups())
    if date is None:
        return None
    rest = s[m.end():]
    rest = BOOK_TITLE_RE.sub("", rest)  # 《关于修改…的决定》 names another act: its verbs are not this line's
    label = s[:m.start(1)]
    if "。" in rest:
        return None  # a sentence that starts with a date (…，国家数据局发布…。) reports, it does not date
    if EFFECTIVE_RE.search(rest):
        kind = "effective"
    elif SIGNED_RE.search(rest):
        kind = "signed"
    elif PUBLISHED_RE.search(rest) or re.search("发布|公布|时间", label):
        kind = "published"
    elif re.search(r"[，。；]", rest):
        return None  # a sentence that starts with a date, not a date line
    else:
        kind = "signed" if not rest.strip() else "published"  # a bare 落款 date; `2024-01-15 来源…` on a page
    return Dated(date, kind, s)


def _latest(found: list[Dated], kind: str) -> Dated | None:
    """The latest date of one kind."""
    of_kind = [d for d in found if d.kind == kind]
    return max(of_kind, key=lambda d: d.date) if of_kind else None


# Zero is also written ○ (circle), Ｏ or O (letter) in dates: 二○○四年.
CN_DIGIT = DIGIT_VALUES | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
CN_DATE_RE = re.compile(rf"([{''.join(CN_DIGIT)}]{{4}})年([{ONE_TO_TEN}]{{1,3}})月([{ONE_TO_TEN}]{{1,4}})日")


def _cn_number(s: str) -> int:
    """一 … 三十一 as an integer."""
    if "十" not in s:
        return int("".join(str(CN_DIGIT[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (CN_DIGIT[tens] if tens else 1) * 10 + (CN_DIGIT[ones] if ones else 0)


def arabic_dates(text: str) -> str:
    """Dates written in Chinese numerals (二○○四年十月一日) rewritten in digits (2004年10月1日)."""
    def repl(m: re.Match) -> str:
        year = "".join(str(CN_DIGIT[c]) for c in m.group(1))
        return f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日"
    return CN_DATE_RE.sub(repl, text)


def text_dates(text: str) -> TextDates:
    """The signed, published and effective dates a text states, and a lower bound if it states none."""
    text = arabic_dates(text)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    head, tail = lines[:HEAD_LINES], lines[HEAD_LINES:][-TAIL_LINES:]
    found = [d for d in map(line_date, head) if d]
    # the signature: a date alone on one of the last lines (an issuer line usually above it)
    found += [Dated(d.date, "signed", d.line) for d in map(line_date, tail) if d and d.line == _bare(d.line)]
    out = TextDates(*(_latest(found, k) for k in KINDS))
    out.signed_all = tuple(sorted({d.date for d in found if d.kind == "signed"}))
    if out.effective is None:
        # the last such sentence is the document's own (earlier ones may quote others)
        m = next(reversed(list(SELF_EFFECTIVE_RE.finditer(text))), None)
        if m is not None:
            date = iso(m.groups()[:5])
            if date:
                out.effective = Dated(date, "effective", m.group(0))
            elif m.group(6) and out.published:
                out.effective = Dated(out.published.date, "effective", m.group(0))
    if out.ordering() is None:
        past = [(iso(m.groups()[:5]) or iso(m.groups()[5:10]), m.group(0)) for m in PAST_RE.finditer(text)]
        past = [(d, s) for d, s in past if d]
        if past:
            d, s = max(past)
            out.lower_bound = Dated(d, "lower_bound", s)
    return out


def _bare(line: str) -> str:
    """A date line reduced to its date: the signature's date stands alone."""
    m = LINE_DATE_RE.match(line)
    return m.group(0) if m else ""
