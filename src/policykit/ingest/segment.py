"""Stage 3, segment: canonical file texts to documents and their witnesses.

- a file that opens as an illustrated explainer (图解/解读 in its first lines) is one document;
- otherwise a document starts at each title line (a short unnumbered line ending in a document type,
  such as 意见, 方案, 计划, 通知, 白皮书, possibly over two lines and followed by a bracketed year range),
  and at a restart of the top-level 一、 numbering without a title line (an untitled document,
  whose title is assigned from its first heading);
- text before a file's first title is a news wrapper: its own `news` document;
- trailing credit lines (图片来源, 责任编辑) and web navigation (breadcrumbs, slide menus repeated on
  every page) are removed and counted;
- kinds and forms come from policykit.ingest.kinds; the witnesses of one document, found in several
  files or scripts, are grouped by policykit.ingest.grouping.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

import numpy as np

from policykit.ingest.dates import TextDates, line_date, text_dates
from policykit.ingest.kinds import DOC_TYPES, FORM_RE, HEADER_LINES, case_names, kind_of, law_kind, witness_form
from policykit.ingest.normalize import Normalized, script_of
from policykit.ingest.sources import Source
from policykit.zh import ARTICLE_LINE_RE, NAV_REPEATS, NUMERALS, ONE_TO_TEN, content_key
from policykit.zh import NUMBERED_LINE_RE as NUMBERED_RE
from policykit.zh import PART_LINE_RE as PART_RE

TITLE_RE = re.compile(rf"^[^，。；：:！？、]{{2,80}}(?:{DOC_TYPES})(?:（[^（）]{{1,20}}）)*(?:\d{{4}}年?)?$")
# The order number of a promulgation line in the header: `1988年8月6日 中华人民共和国国务院令第11号发布`
ORDER_LINE_RE = re.compile(rf"^\d{{4}}年\d{{1,2}}月\d{{1,2}}日\s*"
                           rf"(\S{{2,30}}令第[\d{ONE_TO_TEN}百零〇]+号)(?:公布|发布)$")
BRACKET_LINE_RE = re.compile(r"^（[^（）]{1,20}）$")
WEB_TAG_RE = re.compile(r"^【[^【】]{1,8}】")  # a web page's status tag before a title: 【进行中】
MD_LEVEL1_LINE_RE = re.compile(r"^[ \t\u3000\u00a0]*#[ \t]", re.M)  # a line that is a level-1 heading
EMBEDDED_MAX_LINES = 60  # a document embedded in an explainer ends at its signature within this many lines
ANNEX_RE = re.compile(rf"^附件\s*[0-9{ONE_TO_TEN}]*[:：]?$")
DOC_NUMBER_RE = re.compile(r"^[^\s，。]{1,16}〔\d{4}〕\d+号$")
EXPLAINER_RE = re.compile(r"图解|解读")
CREDIT_RE = re.compile(r"^[（(]?(?:文章|本文)?(?:图片|照片|图)?(?:来源|责任编辑|编辑|校对)[：:]")
BREADCRUMB_RE = re.compile(r"^[^|>\n]{1,12}(?:\s*[|>]\s*[^|>\n]{1,12}){2,}$")
DATE_LINE_RE = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\S{0,6}$")
DRAFT_RE = re.compile(r"[（(]?征求意见稿[）)]?")
NEWS_MIN_CHARS = 40  # shorter text before the first title is kept with the document that follows
BODY_START_RE = re.compile(rf"^[ \t\u3000]*第[{NUMERALS}\d]+[章条]", re.M)  # where a law's articles begin
NAV_RUN, NAV_LINE_CHARS = 3, 20  # slide menus: runs of NAV_RUN lines of at most NAV_LINE_CHARS


@dataclass
class Line:
    """A line of a canonical text with its offsets."""

    start: int
    end: int
    text: str

    @cached_property
    def stripped(self) -> str:
        """The line without surrounding whitespace."""
        return self.text.strip()


@dataclass
class Witness:
    """One occurrence of a document in a file: canonical text, raw offsets, what was removed."""

    source: Source
    kind: str
    title: str | None  # None for a text without a title line (see label)
    title_assigned: bool
    text: str
    origin: np.ndarray | None  # raw offset of each character of text (None once the corpus is built)
    raw_start: int
    raw_end: int
    script: str
    removed: Counter = field(default_factory=Counter)
    dropped: list[tuple[np.ndarray, str]] = field(default_factory=list)  # raw offsets of removed lines
    doc_number: str | None = None
    case_name: str | None = None
    case_number: str | None = None
    date: str | None = None
    label: str = ""  # the title, or a descriptive label for an untitled text
    form: str | None = None
    dates: TextDates = field(default_factory=TextDates)
    spans: list[tuple[int, int]] = field(default_factory=list)  # raw (start, end) of each part of the witness
    ordinal: int = 0  # position among the witnesses of its file
    normalized_removed: Counter = field(default_factory=Counter)  # removed by normalisation inside its spans

    @cached_property
    def key(self) -> str:
        """Content key of the text (letters, digits and ×)."""
        return content_key(self.text)

    @cached_property
    def body_key(self) -> str:
        """Content key of a text of 第X条 articles from its first article on ('' for a text without articles)."""
        m = BODY_START_RE.search(self.text)
        return content_key(self.text[m.start():]) if m else ""


def split_lines(text: str) -> list[Line]:
    """The lines of a text with offsets."""
    out, pos = [], 0
    for chunk in text.split("\n"):
        out.append(Line(pos, pos + len(chunk), chunk))
        pos += len(chunk) + 1
    return out


def is_title(line: str) -> bool:
    """True for a document title line: short, unnumbered, ending in a document type (never 第X章/节)."""
    s = WEB_TAG_RE.sub("", line.strip())
    return len(s) <= 80 and bool(TITLE_RE.match(s)) and not NUMBERED_RE.match(s)


def _blank_before(lines: list[Line], i: int) -> bool:
    return i == 0 or not lines[i - 1].stripped


def title_starts(lines: list[Line]) -> list[tuple[int, int]]:
    """(first line, last line) of every title in a list of lines, two-line titles merged."""
    found: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if not is_title(line.text):
            continue
        first = i
        prev = lines[i - 1].stripped if i >= 1 else ""
        if ANNEX_RE.match(prev):
            pass  # 附件1 right above a title labels it; the label stays with the text before
        # a title broken over two lines: 国家发展改革委 国家数据局关于建立 / …的通知
        elif (prev and _blank_before(lines, i - 1) and not NUMBERED_RE.match(prev) and len(prev) <= 40
                and not re.search("[，。；：！？]", prev)):
            first = i - 1
        elif prev:
            continue
        last = i + 1 if i + 1 < len(lines) and BRACKET_LINE_RE.match(lines[i + 1].stripped) else i
        if found and found[-1][1] >= first:
            continue
        found.append((first, last))
    return found


def part_restarts(lines: list[Line], begin: int, end: int) -> list[int]:
    """Lines in [begin, end) where the 一、 part numbering starts again: an untitled document begins."""
    seen_parts, out = 0, []
    if any(ARTICLE_LINE_RE.match(lines[i].stripped) for i in range(begin, end)):
        return []  # a text divided into 第X条 articles: 一、 numbers lists inside its articles
    for i in range(begin, end):
        m = PART_RE.match(lines[i].stripped)
        if not m:
            continue
        if m.group(1) == "一" and seen_parts >= 2:
            out.append(i)
            seen_parts = 1
        else:
            seen_parts += 1
    return out


def _title_text(lines: list[Line], first: int, last: int) -> str:
    return WEB_TAG_RE.sub("", "".join(lines[k].stripped for k in range(first, last + 1)))  # blank lines add nothing


def _trim(text: str, origin: np.ndarray) -> tuple[str, np.ndarray]:
    """Strip surrounding whitespace, keeping the offset map aligned."""
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    return text[left:right], origin[left:right]


def drop_lines(text: str, origin: np.ndarray, removed: Counter,
               dropped: list[tuple[np.ndarray, str]] | None = None) -> tuple[str, np.ndarray]:
    """Remove credit lines at the end, breadcrumbs, and slide menus repeated on every page."""
    lines = split_lines(text)
    drop: dict[int, str] = {}
    for i, ln in enumerate(lines):
        if BREADCRUMB_RE.match(ln.stripped):
            drop[i] = "navigation"
    tail = [i for i, ln in enumerate(lines) if ln.stripped]
    while tail and CREDIT_RE.match(lines[tail[-1]].stripped):
        drop[tail.pop()] = "credit"
    drop.update(dict.fromkeys(repeated_menus(lines), "navigation"))
    if not drop:
        return text, origin
    keep_text, keep_map = [], []
    for i, ln in enumerate(lines):
        if i in drop:
            removed[drop[i]] += len(ln.stripped)
            if dropped is not None:
                dropped.append((origin[ln.start:ln.end], drop[i]))
            continue
        keep_text.append(ln.text + "\n")
        keep_map.append(origin[ln.start:ln.end + 1] if ln.end < len(origin) else
                        np.append(origin[ln.start:ln.end], origin[-1] if len(origin) else 0))
    out = "".join(keep_text)
    return _trim(out, np.concatenate(keep_map)[:len(out)])


def repeated_menus(lines: list[Line]) -> list[int]:
    """Lines of slide menus: short lines, in runs of short lines, that recur page after page (all but the first)."""
    body = [i for i, ln in enumerate(lines) if ln.stripped]
    in_runs: list[int] = []
    k = 0
    while k < len(body):
        j = k
        while j < len(body) and len(lines[body[j]].stripped) <= NAV_LINE_CHARS:
            j += 1
        if j - k >= NAV_RUN:
            in_runs.extend(body[k:j])
        k = max(j, k + 1)
    seen: dict[str, list[int]] = {}
    for i in in_runs:
        seen.setdefault(lines[i].stripped, []).append(i)
    return sorted(i for occurrences in seen.values() if len(occurrences) >= NAV_REPEATS for i in occurrences[1:])


def find_metadata(w: Witness) -> None:
    """Fill doc_number and dates from the text itself."""
    lines = list(islice((s for raw in w.text.split("\n") if (s := raw.strip())), HEADER_LINES))
    w.doc_number = next((s for s in lines[:HEADER_LINES] if DOC_NUMBER_RE.match(s)), None)
    if w.doc_number is None:
        w.doc_number = next((m.group(1) for s in lines[:HEADER_LINES] if (m := ORDER_LINE_RE.match(s))), None)
    w.dates = text_dates(w.text)
    first = w.dates.ordering()
    w.date = first.date if first else None


Cut = tuple[int, str, str | None, bool]  # (line, kind hint, title, title_assigned)


APPENDED_RE = re.compile(r"^附[：:]$")
# a repost header before the title (转载：…, 来源：…) is the document's, never a news text of its own
REPOST_RE = re.compile(r"^(?:转载|转自|来源|文章来源|信息来源|原文链接|发布时间|发布日期)\s*[：:]")


def _appended(lines: list[Line], title: tuple[int, int]) -> tuple[int, int] | None:
    """The title (first, last line) of a document appended after a line `附：` and followed by body text.

    The title may be broken over lines with blank lines between (关于审理…法律 / 若干问题的解释). An annex's
    name after 附： (附：车船税税目税额表) ends in no document type and is never a title.
    """
    before = [k for k in range(title[0] - 1, max(-1, title[0] - 6), -1) if lines[k].stripped]
    first = title[0]
    for k in before:
        s = lines[k].stripped
        if APPENDED_RE.match(s):
            body = any(SENTENCE_MARKS_RE.search(ln.stripped) for ln in lines[title[1] + 1:title[1] + 12])
            return (first, title[1]) if body else None
        if len(s) > 40 or SENTENCE_MARKS_RE.search(s) or re.search("[，：]", s):
            return None
        first = k  # a first part of the title on a line of its own
    return None


def _titled_cuts(lines: list[Line], titles: list[tuple[int, int]], nonblank: list[str]) -> list[Cut]:
    """(line, kind hint, title, title_assigned) of every document of a file that has title lines."""
    cuts: list[Cut] = []
    first_line = titles[0][0]
    lead = "".join(ln.stripped for ln in lines[:first_line])
    repost = all(REPOST_RE.match(ln.stripped) for ln in lines[:first_line] if ln.stripped)
    title_lines = list(titles)
    if len(lead) >= NEWS_MIN_CHARS and not repost:
        cuts.append((0, "news", nonblank[0], False))
    elif lead:
        titles[0] = (0, titles[0][1])  # a few stray characters before the first title stay with it
        if repost:
            title_lines[0] = (first_line, titles[0][1])  # the repost header is no part of the title
    bounds = [t[0] for t in titles[1:]] + [len(lines)]
    for (first, _last), (t_first, last), nxt in zip(titles, title_lines, bounds, strict=True):
        cuts.append((first, "", _title_text(lines, t_first, last).strip(), False))
        for r in part_restarts(lines, last + 1, nxt):
            cuts.append((r, "report", None, True))
    return cuts


def _markdown_title(lines: list[Line], level1: set[int]) -> tuple[int, int] | None:
    """(first, last line) of the level-1 Markdown headings (`# title`) that open the file, if it opens so.

    Consecutive opening headings are one title (`# 中华人民共和国民法典` / `# 侵权责任编`).
    """
    first = next((i for i, ln in enumerate(lines) if ln.stripped), None)
    if first is None or first not in level1:
        return None
    last = first
    for k in range(first + 1, len(lines)):
        if not lines[k].stripped:
            continue
        if k not in level1:
            break
        last = k
    return first, last


def _markdown_level1(source: Source, doc: Normalized, lines: list[Line]) -> set[int]:
    """Lines that were level-1 Markdown headings in the raw text (their first character after the `# `)."""
    raw = source.text
    heads = [(m.end(), len(raw) if (e := raw.find("\n", m.end())) < 0 else e) for m in MD_LEVEL1_LINE_RE.finditer(raw)]
    if not heads:
        return set()
    index = [i for i, ln in enumerate(lines) if ln.stripped]
    firsts = np.array([lines[i].start + len(lines[i].text) - len(lines[i].text.lstrip()) for i in index],
                      dtype=np.int64)
    offsets = doc.origin[firsts] if len(firsts) else np.zeros(0, np.int64)
    after, line_end = np.array(heads, dtype=np.int64).T
    k = np.searchsorted(after, offsets, side="right") - 1  # the last heading whose text starts at or before
    level1 = (k >= 0) & (offsets <= line_end[np.maximum(k, 0)])
    return {i for i, yes in zip(index, level1.tolist(), strict=True) if yes}


SENTENCE_MARKS_RE = re.compile("[。；！？]")


def _with_body_between(lines: list[Line], titles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Titles that follow body text: before the previous document has a sentence, a title opens nothing.

    So the title repeated under a law's heading lines, or broken over lines, is no new document.
    """
    out: list[tuple[int, int]] = []
    for first, last in titles:
        if out and not any(SENTENCE_MARKS_RE.search(lines[k].stripped) for k in range(out[-1][1] + 1, first)):
            continue
        out.append((first, last))
    return out


def embedded_documents(lines: list[Line], begin: int) -> list[tuple[int, int]]:
    """(first line, line after the end) of documents quoted whole inside another one from line begin on.

    An embedded document opens with a title line and closes with its signature: a date alone on a
    line (落款) within EMBEDDED_MAX_LINES lines; the enclosing text resumes after it.
    """
    out: list[tuple[int, int]] = []
    for first, last in title_starts(lines):
        if first < begin or (out and first < out[-1][1]):
            continue
        for k in range(last + 1, min(len(lines), last + EMBEDDED_MAX_LINES)):
            d = line_date(lines[k].stripped)
            if d is not None and d.line == lines[k].stripped and is_bare_date(d.line):
                out.append((first, k + 1))
                break
    return out


def is_bare_date(line: str) -> bool:
    """Whether a line is a date and nothing else (a signature's date)."""
    return bool(DATE_LINE_RE.match(line)) and not re.search(r"[^\d年月日\s./-]", line)


def segment_file(source: Source, doc: Normalized) -> list[Witness]:
    """Every document witness in one canonical file text."""
    lines = split_lines(doc.text)
    nonblank = [ln.stripped for ln in lines if ln.stripped]
    if any(EXPLAINER_RE.search(s) for s in nonblank[:3]):
        return _explainer(source, doc, lines, nonblank)
    level1 = _markdown_level1(source, doc, lines)
    opening = _markdown_title(lines, level1)
    all_titles = title_starts(lines)
    titles = list(all_titles)
    if opening and (is_title(lines[opening[0]].text) or is_title(_title_text(lines, *opening)) or not titles
                    or FORM_RE.search(_title_text(lines, *opening))):
        # a file that opens with its `# title` marks its titles in Markdown: only a `# heading` opens
        # another document (a 第X章 heading, a title repeated or broken over lines below it never does),
        # or a complete document appended after 附： (an amending decision, then the text it re-publishes)
        titles = [opening] + [t for t in titles if t[0] > opening[1] and t[0] in level1]
        titles = sorted(titles + [a for t in all_titles if t[0] > opening[1] and (a := _appended(lines, t))])
    titles = _with_body_between(lines, titles)
    if not titles:
        # no title line at all: an untitled document, split again wherever the 一、 numbering restarts
        starts = [0, *part_restarts(lines, 0, len(lines))]
        cuts: list[Cut] = [(i, "", None, True) for i in starts]
    else:
        cuts = _titled_cuts(lines, titles, nonblank)
    cuts.sort(key=lambda c: c[0])
    out = []
    for (line_i, hint, title, assigned), nxt in zip(cuts, [c[0] for c in cuts[1:]] + [len(lines)], strict=True):
        start = lines[line_i].start
        end = lines[nxt].start if nxt < len(lines) else len(doc.text)
        kind = kind_of(title, hint == "news", False, assigned)
        out.append(_witness(source, doc, [(start, end)], kind, title, assigned))
    return [w for w in out if w.text]


def _explainer(source: Source, doc: Normalized, lines: list[Line], nonblank: list[str]) -> list[Witness]:
    """An explainer file: one interpretation, and the documents it quotes whole (a notice, say) apart."""
    title = " ".join(nonblank[:2])
    begin = next(i for i, ln in enumerate(lines) if ln.stripped) + 3
    embedded = embedded_documents(lines, begin)
    out, parts, pos = [], [], 0
    for first, after in embedded:
        start, end = lines[first].start, lines[after].start if after < len(lines) else len(doc.text)
        parts.append((pos, start))
        pos = end
        t = _title_text(lines, first, first)
        out.append(_witness(source, doc, [(start, end)], kind_of(t, False, False, False), t, False))
    parts.append((pos, len(doc.text)))
    return [_witness(source, doc, parts, "interpretation", title, False), *out]


def _line_bounds(raw: str, start: int, end: int) -> tuple[int, int]:
    """Raw span widened to whole lines: markup or spaces removed around the text belong to it."""
    s = raw.rfind("\n", 0, start) + 1
    e = raw.find("\n", end)
    return s, len(raw) if e < 0 else e


def _witness(source: Source, doc: Normalized, parts: list[tuple[int, int]], kind: str, title: str | None,
             assigned: bool) -> Witness:
    """Cut one witness out of a canonical file text: the parts [(start, end)], joined."""
    text = "".join(doc.text[s:e] for s, e in parts)
    origin = np.concatenate([doc.origin[s:e] for s, e in parts]) if parts else doc.origin[:0]
    text, origin = _trim(text, origin)
    removed: Counter = Counter()
    dropped: list[tuple[np.ndarray, str]] = []
    text, origin = drop_lines(text, origin, removed, dropped)
    spans = []
    for s, e in parts:
        kept = origin[(origin >= doc.origin[s]) & (origin < doc.origin[min(e, len(doc.origin) - 1)])]
        if len(kept):
            spans.append(_line_bounds(source.text, int(kept.min()), int(kept.max()) + 1))
    raw_start = spans[0][0] if spans else int(doc.origin[parts[0][0]])
    raw_end = spans[-1][1] if spans else raw_start
    w = Witness(source, kind, title, assigned, text, origin, raw_start, raw_end,
                script_of(source.text[raw_start:raw_end]), removed, dropped, spans=spans)
    find_metadata(w)
    if kind not in ("news", "interpretation"):
        w.kind = law_kind(w.text, title, w.doc_number) or kind
    w.form = witness_form(w)
    if w.kind == "case":
        w.case_name, w.case_number = case_names(w.text, title)
    w.label = title or untitled_label(w.text)
    return w


def untitled_label(text: str) -> str:
    """A descriptive label for a text without a title line: （无题） and its first line."""
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    return "（无题）" + first[:40]


