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
import unicodedata
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
NAMES_AN_ACT_RE = re.compile(r"会议|令第|《|〈")
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
    elif NAMES_AN_ACT_RE.search(rest):
        return None  # a meeting, decree or decision whose verb stands on another line (a joint adoption)
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
    """The signed, published and effective dates a text states, and a lower bound if it states none.

    Where the text states its history (text_events), the events decide: signed is the latest adoption,
    amendment or revision, published the first promulgation, effective the text's own 自…起施行 (else the
    header's 施行); the date lines and the 落款 decide the rest.
    """
    original, text = text, arabic_dates(text)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    head, tail = lines[:HEAD_LINES], lines[HEAD_LINES:][-TAIL_LINES:]
    found = [d for d in map(line_date, head) if d]
    # the signature: a date alone on one of the last lines (an issuer line usually above it)
    found += [Dated(d.date, "signed", d.line) for d in map(line_date, tail) if d and d.line == _bare(d.line)]
    out = TextDates(*(_latest(found, k) for k in KINDS))
    out.signed_all = tuple(sorted({d.date for d in found if d.kind == "signed"}))
    _from_events(out, text_events(original))
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


def _from_events(out: TextDates, events: list[Event]) -> None:
    """Signed, published and effective dates from a text's events, where it states them."""
    version = [e for e in events if e.event in VERSION_EVENTS and e.date]
    if version:
        last = max(version, key=lambda e: e.date)
        out.signed = Dated(last.date, "signed", _one_line(last.text))
        out.signed_all = tuple(sorted({e.date for e in version}))
    elif any(e.event in ("approved", "promulgated") for e in events) and out.signed is not None:
        if any(e.date == out.signed.date for e in events):
            out.signed = None  # 批准 is another body's consent, 公布 a promulgation: neither signs this version
            out.signed_all = ()
    promulgated = [e for e in events if e.event == "promulgated" and e.date]
    if promulgated:
        out.published = Dated(promulgated[0].date, "published", _one_line(promulgated[0].text))
    effective = [e for e in events if e.event == "effective" and e.date]
    if effective:
        own = [e for e in effective if e.text.startswith("本")]
        chosen = own[-1] if own else effective[0]
        out.effective = Dated(chosen.date, "effective", _one_line(chosen.text))


def _one_line(s: str) -> str:
    """A span with its line breaks and runs of spaces made single spaces."""
    return " ".join(s.split())


def _bare(line: str) -> str:
    """A date line reduced to its date: the signature's date stands alone."""
    m = LINE_DATE_RE.match(line)
    return m.group(0) if m else ""


# --- events: the history a text states (adopted, amended, revised, approved, promulgated, effective) ----------

EVENTS = ("adopted", "amended", "revised", "approved", "promulgated", "effective")
VERSION_EVENTS = ("adopted", "amended", "revised")  # the events that make a version of the text
_D = r"[0-9０-９〇○零ＯOlI一二三四五六七八九十]"  # l and I: the digit 1 mistyped (1995年8月l日)
# a date in Arabic, full-width or Chinese numerals, spaces allowed inside (2020年 1 月 1 日, 二○○四年十月一日)
EVENT_DATE_RE = re.compile(rf"({_D}{{4}})\s*年\s*({_D}{{1,3}})\s*月\s*({_D}{{1,4}})\s*日")
# event verbs, in the order a clause is read (修订发布: revised and promulgated; 修订通过: revised)
_VERBS = (("修订", "revised"), ("修正", "amended"), ("修改", "amended"), ("通过", "adopted"),
          ("批准", "approved"), ("公布", "promulgated"), ("发布", "promulgated"), ("颁布", "promulgated"),
          ("施行", "effective"), ("实施", "effective"))
VERB_RE = re.compile("|".join(v for v, _ in _VERBS))
# the line that opens the body of a text: a numbered article, chapter or part, or a sentence
BODY_LINE_RE = re.compile(rf"^\s*(?:第[{ONE_TO_TEN}百千零〇两\d]+[章节条编]|[{ONE_TO_TEN}]+、"
                          rf"|[（(][{ONE_TO_TEN}\d]+[)）])")
HEADER_MAX_LINES = 60
# the text's own entry into force: 本条例自2021年3月1日起施行, 本法自公布之日起施行, 本法（原称《…》）自…,
# 本规定从…起施行, 本条例于…起施行, 自修订发布之日起施行 (group 1: the date, 2-4: its parts, 5: the act)
SELF_EFFECT_RE = re.compile(rf"本(?:[^\s，。；自从于（）]|（[^（）。]*）|通过，){{1,40}}?(?:自|从|于)\s*"
                            rf"(?:(({_D}{{4}})\s*年\s*({_D}{{1,3}})\s*月\s*({_D}{{1,4}})\s*日)(?:零时|零点|{_D}{{1,2}}时)?"
                            r"|(?:修订)?(?:国务院)?(发布|公布|颁布|印发|通过|批准)之日)\s*起?\s*"
                            r"(?:施行|实施|生效|执行|实行)")
_ORG_END = r"(?:部|委员会|局|署|院|总局|厅|办公室|银行|会|总署|委|社)"
DECREE_RE = re.compile(r"([^\s，。；《》\d０-９]{2,60}?)令第")
MEETING_RE = re.compile(r"([^\s，。；《》\d０-９]{2,30}?)(?:\d{4}年)?(?:第[^\s，。；]{1,6}次)?"
                        r"(?:部务|局务|署务|委务|室务|常务|部长办公|主任办公|行务|全体)会议")
# a court's or procuratorate's adjudication / procuratorial committee: the court or procuratorate acts
COURT_MEETING_RE = re.compile(r"([^\s，。；、《》（(\d０-９]{0,30}?人民(?:法院|检察院))(?:第[^\s，。；]{1,6}届)?"
                              r"(?:审判|检察)委员会")
_CONGRESS = r"(人民代表大会(?:常务委员会)?|人大常委会)"  # 人大常委会: the standing committee's short name
CONGRESS_RE = re.compile(rf"(?:([^\s，。；《》\d]{{0,16}}?)第[一二三四五六七八九十百\d]+届"
                         rf"|第[一二三四五六七八九十百\d]+届)(全国)?{_CONGRESS}"
                         rf"|(全国)(人民代表大会(?:常务委员会)?)第[一二三四五六七八九十百零\d]+次会议")
DECISION_MAKER_RE = re.compile(r"《([^《》〈〉]{2,30}?)关于")
PRC = "中华人民共和国"
ON_PROMULGATION_RE = re.compile(r"自?(?:公布|发布|颁布)之日起?(?:施行|生效)")


LATIN_ONE = str.maketrans("lI", "11")


@dataclass
class Event:
    """One event of a text's history: what, when, by whom, and where the text says so."""

    event: str
    date: str | None
    body: str | None
    text: str
    start: int
    end: int
    by_decree: bool = False  # a revision made by the body's own decree (令第N号修订): it promulgates the text


def cn_date(groups: tuple[str, str, str]) -> str | None:
    """ISO date from year, month and day written in any numerals (None if no calendar date)."""
    import cn2an  # cn2an reads 十二, 三十一; the year is digit by digit (二○○四)

    y, m, d = (unicodedata.normalize("NFKC", g).translate(LATIN_ONE) for g in groups)
    try:
        year = int("".join(str(CN_DIGIT.get(c, c)) for c in y))
        month, day = (int(x) if x.isdigit() else int(cn2an.cn2an(x.replace("〇", "零"), "smart")) for x in (m, d))
    except (ValueError, KeyError):
        return None
    return iso((str(year), str(month), str(day), None, None))


def normal_body(name: str) -> str | None:
    """A body's name without 中华人民共和国, 经, spaces; joint bodies joined by 、 (None if empty)."""
    parts = [re.sub(r"^由", "", p.replace(PRC, "").strip("经 \u3000")) for p in re.split(r"[、\s]+", name)]
    parts = [p for p in parts if p]
    return "、".join(parts) or None


def clause_body(clause: str, event: str) -> str | None:
    """The acting body a clause of a history line names (the meeting, the decree, the congress)."""
    plain = re.sub(r"\s+", "", clause)
    outside = BOOK_TITLE_RE.sub("", plain)
    m = CONGRESS_RE.search(outside)
    if m:
        name = (m.group(1) or "") + (m.group(2) or m.group(4) or "") + (m.group(3) or m.group(5))
        return normal_body(name.replace("人大常委会", "人民代表大会常务委员会"))
    courts = list(dict.fromkeys(COURT_MEETING_RE.findall(outside)))  # 最高人民法院…会议、最高人民检察院…会议通过
    if courts:
        return normal_body("、".join(courts))
    m = MEETING_RE.search(outside)
    if m:
        return normal_body(m.group(1))
    m = DECREE_RE.search(outside)
    if m:
        return normal_body(m.group(1))
    m = DECISION_MAKER_RE.search(plain)  # 《国务院关于修改…的决定》: the maker of the decision
    if m and event in ("amended", "revised"):
        return normal_body(m.group(1))
    m = re.match(rf"^([^\d０-９，。；《》]{{2,80}}?{_ORG_END})(?:{VERB_RE.pattern})", re.sub(r"^\s*[经]", "", clause)
                 .strip())
    if m:
        return normal_body(m.group(1))
    return None


def header_span(text: str) -> tuple[int, int]:
    """Offsets of a text's header: the lines after its title, up to the first article, part or sentence."""
    pos, start, end, n = 0, None, 0, 0
    for line in text.split("\n"):
        s = line.strip()
        if s:
            if start is None:
                start = pos + len(line)  # the title line is not the header
            else:
                n += 1
                inner = re.sub(r"。\s*(?:根据)?\s*[）)]?$", "", s)  # …修订发布。根据: the next line goes on
                # a sentence without a date (为规范…，…制定本规定。) is the preamble, not the history
                sentence = s.endswith("。") and "，" in s and not EVENT_DATE_RE.search(s)
                if BODY_LINE_RE.match(s) or "。" in inner or sentence or s.endswith("：") or n > HEADER_MAX_LINES:
                    break
                end = pos + len(line)
        pos += len(line) + 1
    return (start or 0), max(end, start or 0)


# the clause of a meeting whose verb follows the next date: an act adopted by two bodies on two days
JOINT_RE = re.compile(r"会议\s*[、，,和及]?\s*$")
# a header's entry into force stated without 施行 (2008年8月1日 起生效, 1995年1月1日 执行)
WEAK_EFFECT_RE = re.compile(r"\s*起?(?:生效|执行|实行)")
# a decree stated without its verb (2017年11月22日 中华人民共和国国务院令第692号): its promulgation
BARE_DECREE_RE = re.compile(r"[^\s，。；《》]{2,60}令第[\d０-９一二三四五六七八九十百零〇]+号\s*[）)]?\s*$")


def _clause(head: str, m: re.Match, stop: int) -> tuple[re.Match, str, str, list[tuple[int, str]]]:
    """A date's clause of the header: its text, the text outside cited titles, and its verbs (offset, verb).

    The verbs are those before the clause's first comma (…修正，该修正自…施行: the rest is another statement);
    none where the comma comes first (…，国家数据局发布…: a sentence that starts with a date reports).
    """
    clause = head[m.start():stop]
    blank = lambda t: "　" * len(t.group(0))  # noqa: E731
    outside = BOOK_TITLE_RE.sub(blank, clause)  # another act's verbs are not this one's
    outside = ON_PROMULGATION_RE.sub(blank, outside)  # 发布之日施行: its own event, below
    after = m.end() - m.start()
    comma = re.compile(r"[，,]").search(outside, after)
    limit = comma.start() if comma else len(outside)
    verbs = [(v.start(), v.group(0)) for v in VERB_RE.finditer(outside, after, limit)]
    if not verbs:
        weak = WEAK_EFFECT_RE.match(outside, after)
        rest = outside[after:limit].strip()
        if weak:
            verbs = [(weak.end() - 2, "施行")]  # read as 施行; the span ends with the word as written
        elif BARE_DECREE_RE.match(rest) and "\n" not in rest:
            verbs = [(len(outside[:limit].rstrip(" \n\u3000）)")) - 2, "公布")]  # read as 公布
    return m, clause, outside, verbs


def header_events(text: str) -> list[Event]:
    """Every event the header states, however its lines are broken: one per date, its verb ending the span."""
    a, b = header_span(text)
    head = text[a:b]
    dates = list(EVENT_DATE_RE.finditer(head))
    out: list[Event] = []
    clauses = [_clause(head, m, dates[k + 1].start() if k + 1 < len(dates) else len(head))
               for k, m in enumerate(dates)]
    for k, (m, clause, outside, verbs) in enumerate(clauses):
        date = cn_date(m.groups())
        if not verbs:
            if not JOINT_RE.search(outside) or k + 1 == len(clauses) or not clauses[k + 1][3]:
                continue
            # 2018年9月3日 最高人民法院审判委员会第1747次会议、2018年12月12日…会议通过: one act of two bodies
            said = {v for _, v in clauses[k + 1][3]}
            end = len(clause.rstrip("、，, \n"))
        else:
            end = max(p + len(v) for p, v in verbs)
            said = {v for _, v in verbs}
        kinds = [e for v, e in _VERBS if v in said]
        if "revised" in kinds or "amended" in kinds:
            kinds = [e for e in kinds if e not in ("adopted", "effective")]  # 修订通过; 修正…施行 is the amendment
        kinds = list(dict.fromkeys(kinds))
        if "effective" in kinds and len(kinds) > 1:
            kinds.remove("effective")
        span = clause[:end]
        if not kinds:
            continue
        for kind in kinds:
            body = None if kind == "effective" else clause_body(span[m.end() - m.start():], kind)
            decree = kind == "revised" and "令第" in span and not BOOK_TITLE_RE.search(span)
            out.append(Event(kind, date, body, span, a + m.start(), a + m.start() + end, decree))
    for m in ON_PROMULGATION_RE.finditer(head):  # a header 发布之日施行 line
        if not EVENT_DATE_RE.search(head[max(0, m.start() - 20):m.start()]):
            out.append(Event("effective", None, None, m.group(0), a + m.start(), a + m.end()))
    return sorted(out, key=lambda e: (e.start, EVENTS.index(e.event)))


def own_effect(text: str) -> Event | None:
    """The text's own statement of entry into force (its last 本…自…起施行 sentence), date unresolved if 自公布之日."""
    m = next(reversed(list(SELF_EFFECT_RE.finditer(text))), None)
    if m is None:
        return None
    date = cn_date(m.groups()[1:4]) if m.group(1) else None
    return Event("effective", date, None, m.group(0), m.start(), m.end())


def promulgation_date(events: list[Event]) -> str | None:
    """The date a text was promulgated: its last revision by the body's own decree, else its first 公布/发布."""
    decreed = [e.date for e in events if e.by_decree and e.date]
    if decreed:
        return max(decreed)
    published = [e.date for e in events if e.event == "promulgated" and e.date]
    return published[0] if published else None


def text_events(text: str) -> list[Event]:
    """The header's events and the text's own entry into force, dates of 自公布之日起施行 resolved."""
    events = header_events(text)
    own = own_effect(text)
    if own is not None and not any(e.start <= own.start < e.end for e in events):
        events.append(own)
    promulgated = promulgation_date(events)
    adopted = next((e.date for e in events if e.event == "adopted" and e.date), None)
    approved = next((e.date for e in events if e.event == "approved" and e.date), None)
    for e in events:
        if e.event == "effective" and e.date is None:
            e.date = adopted if "通过之日" in e.text else approved if "批准之日" in e.text else promulgated
    return sorted(events, key=lambda e: (e.start, EVENTS.index(e.event)))
