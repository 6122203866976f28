"""Stage 3, segment: canonical file texts to documents and their witnesses.

- a file that opens as an illustrated explainer (图解/解读 in its first lines) is one document;
- otherwise a document starts at each title line (a short unnumbered line ending in a document type,
  such as 意见, 方案, 计划, 通知, 白皮书, possibly over two lines and followed by a bracketed year range),
  and at a restart of the top-level 一、 numbering without a title line (an untitled document,
  whose title is assigned from its first heading);
- text before a file's first title is a news wrapper: its own `news` document;
- trailing credit lines (图片来源, 责任编辑) and web navigation (breadcrumbs, slide menus repeated on
  every page) are removed and counted;
- the same document found in several files or scripts (by its normalised text, blocked with MinHash LSH
  and confirmed by Indel similarity) becomes one document with several witnesses.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz.distance import Indel
from scipy.cluster.hierarchy import DisjointSet

from .normalize import CJK, Normalized, content_key, script_of
from .sources import Source

DOC_TYPES = "意见|实施意见|指导意见|方案|计划|通知|决定|办法|规定|规划|纲要|白皮书|报告|条例|细则|指引|通告|公告"
TITLE_RE = re.compile(rf"^[^，。；：:！？、]{{2,80}}(?:{DOC_TYPES})(?:（[^（）]{{1,20}}）)*(?:\d{{4}}年?)?$")
BRACKET_LINE_RE = re.compile(r"^（[^（）]{1,20}）$")
NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）|\d+[.、．])")
PART_RE = re.compile(r"^([一二三四五六七八九十]+)、")
ANNEX_RE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*[:：]?$")
DOC_NUMBER_RE = re.compile(r"^[^\s，。]{1,16}〔\d{4}〕\d+号$")
EXPLAINER_RE = re.compile(r"图解|解读")
CREDIT_RE = re.compile(r"^[（(]?(?:文章|本文)?(?:图片|照片|图)?(?:来源|责任编辑|编辑|校对)[：:]")
BREADCRUMB_RE = re.compile(r"^[^|>\n]{1,12}(?:\s*[|>]\s*[^|>\n]{1,12}){2,}$")
DATE_LINE_RE = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\S{0,6}$")
QUOTED_RE = re.compile(r"《([^《》]{4,80})》")
DRAFT_RE = re.compile(r"[（(]?征求意见稿[）)]?")
NEWS_MIN_CHARS = 40  # shorter text before the first title is kept with the document that follows
SAME_DOC_SIMILARITY = 0.9  # Indel similarity of content keys above which two witnesses are one document
NAV_RUN, NAV_REPEATS, NAV_LINE_CHARS = 3, 3, 20


@dataclass
class Line:
    """A line of a canonical text with its offsets."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        """The line without surrounding whitespace."""
        return self.text.strip()


@dataclass
class Witness:
    """One occurrence of a document in a file: canonical text, raw offsets, what was removed."""

    source: Source
    kind: str
    title: str
    title_assigned: bool
    text: str
    origin: np.ndarray  # raw offset of each character of text
    raw_start: int
    raw_end: int
    script: str
    removed: Counter = field(default_factory=Counter)
    dropped: list[tuple[np.ndarray, str]] = field(default_factory=list)  # raw offsets of removed lines
    doc_number: str | None = None
    date: str | None = None
    date_line: str | None = None
    related_title: str | None = None

    @cached_property
    def key(self) -> str:
        """Content key of the text (letters, digits and ×)."""
        return content_key(self.text)


def split_lines(text: str) -> list[Line]:
    """The lines of a text with offsets."""
    out, pos = [], 0
    for chunk in text.split("\n"):
        out.append(Line(pos, pos + len(chunk), chunk))
        pos += len(chunk) + 1
    return out


def is_title(line: str) -> bool:
    """True for a document title line: short, unnumbered, ending in a document type."""
    s = line.strip()
    return bool(TITLE_RE.match(s)) and not NUMBERED_RE.match(s) and len(s) <= 80


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
    return "".join(lines[k].stripped for k in range(first, last + 1))


def _span_text(doc: Normalized, start: int, end: int) -> tuple[str, np.ndarray]:
    return doc.text[start:end], doc.origin[start:end]


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
    """Fill doc_number, date and the quoted title a wrapper refers to, from the text itself."""
    lines = [ln.stripped for ln in split_lines(w.text) if ln.stripped]
    head = lines[:8]
    w.doc_number = next((s for s in head if DOC_NUMBER_RE.match(s)), None)
    dates = [(k, s) for k, s in enumerate(lines) if DATE_LINE_RE.match(s)]
    pick = next(((k, s) for k, s in dates if k < 5), dates[-1] if dates else None)
    if pick:
        y, m, d = DATE_LINE_RE.match(pick[1]).groups()[:3]
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            w.date, w.date_line = f"{int(y):04d}-{int(m):02d}-{int(d):02d}", pick[1]
    quoted = QUOTED_RE.findall(w.text)
    w.related_title = quoted[0] if quoted else None


def kind_of(title: str, is_wrapper: bool, is_explainer: bool, assigned: bool) -> str:
    """Document kind from what the text shows."""
    if is_explainer:
        return "interpretation"
    if is_wrapper:
        return "news"
    if "征求意见稿" in title:
        return "draft"
    if assigned or re.search("白皮书|报告|研究", title):
        return "report"
    if re.search(r"通知(?:（[^（）]*）)*$", title):
        return "notice"
    return "policy"


Cut = tuple[int, str, str, bool]  # (line, kind hint, title, title_assigned)


def _titled_cuts(lines: list[Line], titles: list[tuple[int, int]], nonblank: list[str]) -> list[Cut]:
    """(line, kind hint, title, title_assigned) of every document of a file that has title lines."""
    cuts: list[Cut] = []
    first_line = titles[0][0]
    lead = "".join(ln.stripped for ln in lines[:first_line])
    if len(lead) >= NEWS_MIN_CHARS:
        cuts.append((0, "news", nonblank[0], False))
    elif lead:
        titles[0] = (0, titles[0][1])  # a few stray characters before the first title stay with it
    bounds = [t[0] for t in titles[1:]] + [len(lines)]
    for (first, last), nxt in zip(titles, bounds, strict=True):
        cuts.append((first, "", _title_text(lines, first, last).strip(), False))
        for r in part_restarts(lines, last + 1, nxt):
            cuts.append((r, "report", "（无题）" + lines[r].stripped, True))
    return cuts


def segment_file(source: Source, doc: Normalized) -> list[Witness]:
    """Every document witness in one canonical file text."""
    lines = split_lines(doc.text)
    nonblank = [ln.stripped for ln in lines if ln.stripped]
    if any(EXPLAINER_RE.search(s) for s in nonblank[:3]):
        title = " ".join(nonblank[:2])
        return [_witness(source, doc, 0, len(doc.text), "interpretation", title, False)]
    titles = title_starts(lines)
    if not titles:
        # no title line at all: an untitled document, split again wherever the 一、 numbering restarts
        starts = [0, *part_restarts(lines, 0, len(lines))]
        cuts = [(i, "", "（无题）" + (lines[i].stripped or nonblank[0]), True) for i in starts]
    else:
        cuts = _titled_cuts(lines, titles, nonblank)
    cuts.sort()
    out = []
    for (line_i, hint, title, assigned), nxt in zip(cuts, [c[0] for c in cuts[1:]] + [len(lines)], strict=True):
        start = lines[line_i].start
        end = lines[nxt].start if nxt < len(lines) else len(doc.text)
        kind = kind_of(title, hint == "news", False, assigned)
        out.append(_witness(source, doc, start, end, kind, title, assigned))
    return [w for w in out if w.text]


def _witness(source: Source, doc: Normalized, start: int, end: int, kind: str, title: str,
             assigned: bool) -> Witness:
    """Cut one witness out of a canonical file text."""
    text, origin = _trim(*_span_text(doc, start, end))
    removed: Counter = Counter()
    dropped: list[tuple[np.ndarray, str]] = []
    text, origin = drop_lines(text, origin, removed, dropped)
    raw_start = int(origin[0]) if len(origin) else int(doc.origin[start])
    raw_end = int(origin[-1]) + 1 if len(origin) else raw_start
    w = Witness(source, kind, title, assigned, text, origin, raw_start, raw_end,
                script_of(source.text[raw_start:raw_end]), removed, dropped)
    find_metadata(w)
    return w


def _minhash(key: str, k: int = 5, num_perm: int = 64) -> MinHash:
    """MinHash of the character k-grams of a content key."""
    m = MinHash(num_perm=num_perm, seed=1)
    grams = {key[i:i + k] for i in range(max(1, len(key) - k + 1))}
    m.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return m


def group_witnesses(witnesses: list[Witness]) -> list[list[Witness]]:
    """Group witnesses of the same document: LSH candidates confirmed by Indel similarity ≥ 0.9."""
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    hashes = []
    for i, w in enumerate(witnesses):
        mh = _minhash(w.key)
        hashes.append(mh)
        lsh.insert(str(i), mh)
    same = DisjointSet(range(len(witnesses)))
    for i, w in enumerate(witnesses):
        for j in sorted(int(c) for c in lsh.query(hashes[i])):
            if j <= i or same.connected(i, j) or w.kind != witnesses[j].kind:
                continue
            a, b = w.key, witnesses[j].key
            # Indel similarity is at most 2·min/(la+lb): skip pairs whose lengths alone rule them out
            if 2 * min(len(a), len(b)) < SAME_DOC_SIMILARITY * (len(a) + len(b)):
                continue
            if Indel.normalized_similarity(a, b, score_cutoff=SAME_DOC_SIMILARITY):
                same.merge(i, j)
    groups: dict[int, list[Witness]] = {}
    for i, w in enumerate(witnesses):
        groups.setdefault(same[i], []).append(w)
    return list(groups.values())


def primary_of(group: list[Witness]) -> Witness:
    """The witness that supplies the canonical text: simplified original first, then the fullest."""
    return min(group, key=lambda w: (w.script != "hans", -len(w.key), w.source.name, w.raw_start))


def fallback_doc_id(title: str) -> str:
    """A stable ASCII id for a document the catalog does not know: doc- and a hash of its title."""
    return "doc-" + hashlib.sha1(content_key(title).encode("utf-8")).hexdigest()[:10]


def title_key(title: str) -> str:
    """Title reduced for matching: Chinese characters and digits only."""
    return re.sub(f"[^{CJK}0-9]", "", title)
