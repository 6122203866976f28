"""Structure stage: sentences and the lossless tree of provisions of each document."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from policykit.errors import InputError
from policykit.schema import require, table
from policykit.zh import CASE_FACTS_RE, CJK, NAV_REPEATS
from policykit.zh import NUMERALS as CN_DIGITS
from policykit.zh import content_key as _key

# Sentence-final marks (full- and half-width): a sentence ends after one of these outside brackets.
SENTENCE_END = frozenset("。！？；!?;")
OPENERS = "（(《“‘「『【〔["
CLOSERS = "）)》”’」』】〕]"
_CLOSE_OF = dict(zip(OPENERS, CLOSERS, strict=True))
_CLOSERS = frozenset(CLOSERS)
# The characters split_sentences acts on; it jumps from one to the next over everything else.
_MARKS_RE = re.compile("[" + re.escape("\n\r" + OPENERS + CLOSERS + "".join(sorted(SENTENCE_END))) + "]")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of text, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    stack: list[str] = []  # expected closing marks of the open brackets/quotes
    i, n = 0, len(text)

    def close(end: int) -> None:
        nonlocal start
        s, e = _trim(text, start, end)
        if e > s:
            spans.append((s, e))
        start = end

    while i < n:
        mark = _MARKS_RE.search(text, i)
        if mark is None:
            break
        i = mark.start()
        ch = text[i]
        if ch == "\n" or ch == "\r":
            # a line end closes the sentence and any bracket left open on that line
            close(i)
            stack.clear()
        elif ch in _CLOSE_OF:
            stack.append(_CLOSE_OF[ch])
        elif ch in _CLOSERS:
            if ch in stack:
                del stack[len(stack) - 1 - stack[::-1].index(ch):]
        elif ch in SENTENCE_END:
            j, depth = _absorb(text, i + 1, stack)
            if not depth:
                close(j)
                stack.clear()
                i = j
                continue
        i += 1
    close(n)
    return spans


def _absorb(text: str, j: int, stack: list[str]) -> tuple[int, list[str]]:
    """Where a sentence ending just before j ends, with the repeated end marks and closing marks after it.

    Returns that position and the closing marks still expected there (none: the sentence ends).
    """
    depth = list(stack)
    while j < len(text) and (text[j] in SENTENCE_END or (text[j] in _CLOSERS and text[j] in depth)):
        if text[j] in _CLOSERS:
            del depth[len(depth) - 1 - depth[::-1].index(text[j]):]
        j += 1
    return j, depth


# --- provisions ---------------------------------------------------------------------------------

HEADING_MAX = 60  # a whole numbered line up to this length, without sentence end, is a heading
LEAD_MAX = 40  # an in-line lead phrase (`（一）统筹推进政务数据共享。完善……`) is at most this long
BARE_MAX = 30  # an unnumbered heading line is at most this long
BULLETS = "·•●○■□◆◇▪►▶✓✔*-"

# Numbering conventions: (key, pattern at line start, usual rank, canonical label format).
# Ranks follow the usual hierarchy of Chinese official documents; the first convention a document
# uses is its top level whatever its usual rank (the draft plan numbers its parts 1、2、…).
_CONVENTIONS: tuple[tuple[str, re.Pattern[str], float, str], ...] = (
    ("chapter", re.compile(rf"第([{CN_DIGITS}]+|\d+)([编章])[ \t]*"), 0.0, "第{n}{k}"),
    ("section", re.compile(rf"第([{CN_DIGITS}]+|\d+)(节)[ \t]*"), 0.5, "第{n}{k}"),
    ("cn", re.compile(rf"([{CN_DIGITS}]+)([、．])[ \t]*"), 1.0, "{n}、"),
    ("article", re.compile(rf"第([{CN_DIGITS}]+|\d+)(条)[ \t]*"), 1.5, "第{n}{k}"),
    ("pcn", re.compile(rf"[（(]([{CN_DIGITS}]+)[）)][ \t]*"), 2.0, "（{n}）"),
    ("ar_dot", re.compile(r"(\d{1,3})([.．])(?![\d.．])[ \t]*"), 3.0, "{n}."),
    ("ar_comma", re.compile(r"(\d{1,3})(、)[ \t]*"), 3.0, "{n}、"),
    ("par", re.compile(r"[（(](\d{1,3})[）)][ \t]*"), 4.0, "（{n}）"),
    ("circled", re.compile(r"([①-⑳])[ \t]*"), 5.0, "{n}"),
)
_DASH = re.compile(r"(?:——|—{2,}|-{2,})[ \t]*")
_HALF_DASH = 0.75  # dash items nest under the heading or provision they follow


@dataclass(frozen=True)
class Provision:
    """One provision of a document: its place in the tree and its own span of the text."""

    provision_id: str
    parent_id: str | None
    level: int
    ord: int
    label: str
    heading: str | None
    char_start: int
    char_end: int

    def text_of(self, text: str) -> str:
        """The provision's own text, cut from the document text."""
        return text[self.char_start:self.char_end]


@dataclass
class _Opening:
    """A place where a provision begins, found on one line."""

    start: int
    kind: str  # numbered, bare or dash
    convention: str
    label: str
    heading: str | None
    heading_start: int = -1
    whole_line: bool = False  # the heading is the whole rest of the line (no body on the line)


@dataclass(frozen=True)
class _Line:
    """A non-blank line: its trimmed span."""

    start: int
    end: int


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of text, trimmed of surrounding whitespace."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        s, e = _trim(text, pos, pos + len(raw))
        if e > s:
            out.append(_Line(s, e))
        pos += len(raw) + 1
    return out


def _has_sentence_end(s: str) -> bool:
    """Whether s contains a sentence-final mark."""
    return any(c in SENTENCE_END for c in s)


def _match_numbering(text: str, pos: int, end: int) -> tuple[str, str, int] | None:
    """(convention, canonical label, offset after the label) of numbering at pos, if any."""
    line = text[pos:end]
    for key, pattern, _rank, fmt in _CONVENTIONS:
        m = pattern.match(line)
        if not m:
            continue
        if "\t" in line and key not in ("chapter", "section"):
            return None  # a table row: its first cell may be numbered, the row is still body text
        rest = line[m.end():]
        if not rest.strip() and key not in ("pcn", "par", "circled"):
            continue  # `一、` or `1.` alone on a line is no numbering
        if key in ("ar_dot", "ar_comma", "cn") and rest[:1] in "%％年月日号个元倍亿万":
            continue
        kind = m.group(2) if m.lastindex and m.lastindex >= 2 else ""
        return key, fmt.format(n=m.group(1), k=kind), pos + m.end()
    return None


def _heading_after(text: str, start: int, end: int) -> tuple[str | None, int, bool]:
    """(heading, its start, whether it is the whole rest) of the text after a label on one line."""
    rest = text[start:end]
    if not rest:
        return None, -1, True
    if not _has_sentence_end(rest):
        if rest.endswith(("：", ":", "，", ",")):
            return None, -1, False  # a lead-in to a list (…下列事项：) is body, not a heading
        return (rest, start, True) if len(rest) <= HEADING_MAX else (None, -1, False)
    first = split_sentences(rest)[0]
    sentence = rest[first[0]:first[1]]
    if sentence.endswith(("。", "！")) and len(sentence) - 1 <= LEAD_MAX:
        return sentence[:-1].rstrip(), start + first[0], first[1] >= len(rest.rstrip())
    return None, -1, False


ARTICLE_GIST_RE = re.compile(r"【([^【】\n]{1,30})】")


def _article_heading(text: str, start: int, end: int) -> tuple[str | None, int, bool]:
    """(heading, its start, whole line) after a 第X条 label: only a bracketed gist (【立法目的】) is one.

    Articles carry no heading of their own otherwise; a one-sentence article is all body.
    """
    m = ARTICLE_GIST_RE.match(text, start, end)
    if not m:
        return None, -1, False
    return m.group(1), m.start(1), m.end() >= end


def _is_table_or_bullet(line: str) -> bool:
    """Whether a line is a table row (tab-separated cells) or a bulleted fragment."""
    return "\t" in line or line[:1] in BULLETS and not line.startswith(("--", "——"))


def _heading_shaped(line: str) -> bool:
    """Whether a line looks like an unnumbered heading: short, with no sentence-final mark."""
    return (
        2 <= len(line) <= BARE_MAX
        and not _has_sentence_end(line)
        and not line.endswith(("：", ":", "，", ",", "、"))
        and not _is_table_or_bullet(line)
    )


def _openings(text: str) -> list[_Opening]:
    """Every line that opens a provision, in document order."""
    lines = _lines(text)
    numbered = [_match_numbering(text, ln.start, ln.end) for ln in lines]
    dashed = [_DASH.match(text, ln.start, ln.end) for ln in lines]
    has_numbering = any(numbered)
    case = bool(CASE_FACTS_RE.search(text))
    seen_body = False
    opened = False
    in_article = False  # inside a 第X条 article (until the next 编/章/节 heading)
    out: list[_Opening] = []
    for i, ln in enumerate(lines):
        line = text[ln.start:ln.end]
        if numbered[i]:
            key, label, after = numbered[i]
            in_article = key == "article" or (in_article and key not in ("chapter", "section"))
            if key == "article":
                heading, h_start, whole = _article_heading(text, after, ln.end)
            elif in_article:
                heading, h_start, whole = None, -1, False  # an article's items are list entries: no headings
            else:
                heading, h_start, whole = _heading_after(text, after, ln.end)
            if heading and whole and text[ln.end - 1] in "。！" and (i + 1 == len(lines) or numbered[i + 1]):
                heading, h_start, whole = None, -1, False  # one sentence alone under its number: body
            out.append(_Opening(ln.start, "numbered", key, label, heading, h_start, whole))
            opened = True
            continue
        if in_article and _after_item(text, out, lines[i - 1]) and _has_sentence_end(line):
            # the paragraph after an article's last item (（一）…（五）) is the article's again, not the item's
            out.append(_Opening(ln.start, "continued", "continued", "", None, -1, False))
            continue
        if dashed[i] and opened:
            heading, h_start, whole = _heading_after(text, dashed[i].end(), ln.end)
            out.append(_Opening(ln.start, "dash", "dash", "——", heading, h_start, whole))
            continue
        if _has_sentence_end(line):
            seen_body = True
        nxt = i + 1
        followed_by_body = nxt < len(lines) and (not numbered[nxt] or case) and not _heading_shaped(
            text[lines[nxt].start:lines[nxt].end])
        # before the first numbered line, a heading belongs to the preamble (the title, say);
        # a document without numbering is divided by its headings once its body has begun, a court case
        # by its section headings (基本案情, 裁判结果 …) from the first
        may_open = opened or case or (not has_numbering and seen_body)
        if may_open and _heading_shaped(line) and followed_by_body:
            out.append(_Opening(ln.start, "bare", "case_section" if case else "bare", "", line, ln.start, True))
    return _drop_navigation(out)


def _after_item(text: str, openings: list[_Opening], prev: _Line) -> bool:
    """Whether the previous line is a whole item of an article (the last opening, ending its sentence)."""
    if not openings or openings[-1].start != prev.start or openings[-1].kind != "numbered":
        return False
    return openings[-1].convention not in ("chapter", "section", "article") and text[prev.end - 1] in SENTENCE_END


# a numbered heading repeated NAV_REPEATS times is slide navigation, not a provision


def _drop_navigation(openings: list[_Opening]) -> list[_Opening]:
    """Openings without repeated navigation headings (`1. 激活数据要素潜能` on every slide).

    In a text of 第X条 articles, a repeated 第X节 heading (`第一节 一般规定` in chapter after chapter) is no
    navigation: its articles follow it.
    """
    articles = any(op.convention == "article" for op in openings)
    counts = Counter(_nav_key(op) for op in openings if op.kind == "numbered" and op.whole_line)
    return [op for op in openings
            if not (op.kind == "numbered" and op.whole_line and counts[_nav_key(op)] >= NAV_REPEATS
                    and not (articles and op.convention in ("chapter", "section")))]


def _ranks(openings: list[_Opening]) -> dict[str, float]:
    """Rank of each numbering convention the document uses (lower = higher in the tree)."""
    ranks = {key: rank for key, _p, rank, _f in _CONVENTIONS}
    used = [op.convention for op in openings if op.kind == "numbered"]
    if used:
        ranks[used[0]] = -1.0  # the document's first numbering is its top level
    # `1.` and `1、` share a rank; where a document uses both, the one it uses first is the higher
    both = [c for c in dict.fromkeys(used) if c in ("ar_dot", "ar_comma")]
    if len(both) == 2 and ranks[both[1]] == ranks[both[0]]:
        ranks[both[1]] += 0.5
    return ranks


def parse_provisions(text: str) -> list[Provision]:
    """Parse a document's canonical text into its provisions, in document order."""
    openings = _openings(text)
    ranks = _ranks(openings)
    openings, placed = _outline_placement(text, openings)
    openings = _with_closing(text, openings)
    first, _ = _trim(text, 0, len(text))
    if first >= len(text):
        return []
    starts = [op.start for op in openings] + [len(text)]
    out: list[Provision] = []
    if not openings or openings[0].start > first:
        _s, e = _trim(text, first, starts[0])
        out.append(Provision("0", None, 0, 1, "", None, first, e))
    # stack of (provision_id, effective rank, kind); children counted per parent id
    stack: list[tuple[str, float, str]] = []
    n_children: dict[str | None, int] = {}
    placed_ids: dict[int, tuple[str, int]] = {}  # opening index -> (provision_id, level)
    for k, op in enumerate(openings):
        if k in placed:
            # a heading of the body of a document with a table of contents: under its outline entry
            parent_k = placed[k]
            parent, level = (None, 1) if parent_k is None else (placed_ids[parent_k][0], placed_ids[parent_k][1] + 1)
            n_children[parent] = n_children.get(parent, 0) + 1
            pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
            s, e = _trim(text, op.start, starts[k + 1])
            out.append(Provision(pid, parent, level, len(out) + 1, op.label, op.heading or None, s, e))
            placed_ids[k] = (pid, level)
            continue
        if op.kind == "numbered":
            rank = ranks[op.convention]
            while stack and stack[-1][1] >= rank:
                stack.pop()
        elif op.kind == "closing":
            rank = -2.0
            stack.clear()  # the closing provision stands at the top level, after every part
        elif op.convention == "case_section":
            rank = -3.0
            stack.clear()  # a court case's sections are its top level: numbered quotes nest under them
        elif op.kind == "continued":
            while stack and stack[-1][1] > ranks["article"]:
                stack.pop()  # back to the article: the paragraph is its own, a sibling of its items
            parent = stack[-1][0] if stack else None
            n_children[parent] = n_children.get(parent, 0) + 1
            pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
            s, e = _trim(text, op.start, starts[k + 1])
            out.append(Provision(pid, parent, len(stack) + 1, len(out) + 1, "", None, s, e))
            placed_ids[k] = (pid, len(stack) + 1)
            continue
        else:
            pops = ("dash",) if op.kind == "dash" else ("dash", "bare")
            while stack and stack[-1][2] in pops:
                stack.pop()
            base = stack[-1][1] if stack else -2.0
            rank = base + (_HALF_DASH if op.kind == "dash" else 0.5)
        parent = stack[-1][0] if stack else None
        n_children[parent] = n_children.get(parent, 0) + 1
        pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
        s, e = _trim(text, op.start, starts[k + 1])
        out.append(Provision(pid, parent, len(stack) + 1, len(out) + 1, op.label, op.heading or None, s, e))
        placed_ids[k] = (pid, len(stack) + 1)
        stack.append((pid, rank, op.kind))
    return out


# A table of contents: a document (an explainer converted from slides, say) that opens with an outline
# of its parts and items (一、… with 1. 2. … under them, no text between the entries) and then repeats
# those entries as the headings of its body. The body is placed under the outline: a body heading that
# is, or contains, an outline entry goes under that entry's part, the headings after it go under it.
# A part's name repeated on every slide as navigation moves nothing (only its first, lone occurrence).
OUTLINE_MIN_ENTRIES, OUTLINE_MIN_KEY = 6, 4


_LABEL_NUMBER_RE = re.compile(rf"[\d{CN_DIGITS}]+|[①-⑳]")


def label_number(label: str) -> int | None:
    """The value of a label's number (一、 -> 1, （十二） -> 12, 第一百一十八条 -> 118, 3. -> 3, ② -> 2), if any.

    The numeral is read by cn2an (smart mode: Chinese, Arabic or mixed, 两, 〇 and 零 included), a circled
    number by its Unicode value; a numeral cn2an cannot read (百 alone) has no value.
    """
    m = _LABEL_NUMBER_RE.search(label)
    if m is None:
        return None
    numeral = m.group()
    if "①" <= numeral <= "⑳":
        return int(unicodedata.numeric(numeral))
    if numeral.isdigit():
        return int(numeral)  # Arabic digits, half- or full-width
    import cn2an  # imported on first use: it takes longer to import than most documents take to parse

    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except ValueError:
        return None


def _outline_run(text: str, openings: list[_Opening]) -> list[int]:
    """Indices of the openings that form a table of contents at the head of the text, if any."""
    first = next((i for i, op in enumerate(openings) if op.kind == "numbered"), None)
    if first is None:
        return []
    run, last_value, top = [first], {}, openings[first].convention
    last_value[top] = label_number(openings[first].label)
    for k in range(first + 1, len(openings)):
        op, prev = openings[k], openings[k - 1]
        if op.kind != "numbered" or _has_sentence_end(text[prev.start:op.start]):
            break
        value = label_number(op.label)
        if op.convention != top and value is not None and last_value.get(op.convention, 0) >= value \
                and openings[k - 1].convention != top:
            break  # the numbering starts again: the body has begun
        if op.convention == top and value is not None and last_value.get(top, 0) >= value:
            break
        last_value[op.convention] = value
        run.append(k)
    conventions = {openings[k].convention for k in run}
    n_top = sum(openings[k].convention == top for k in run)
    if len(run) < OUTLINE_MIN_ENTRIES or len(conventions) < 2 or n_top < 2 or run[-1] + 1 >= len(openings):
        return []
    return run


def _in_navigation(text: str, openings: list[_Opening], body: list[int], pos: int, match, part_names: set[str]) -> bool:
    """Whether the body opening at pos stands in a run of part names with no text between them."""
    for other in (pos - 1, pos + 1):
        if 0 <= other < len(body):
            a, b = sorted((openings[body[pos]].start, openings[body[other]].start))
            if match(openings[body[other]].heading or "") in part_names and not _has_sentence_end(text[a:b]):
                return True
    return False


def _outline_entries(text: str, openings: list[_Opening], run: list[int]) -> tuple[dict[str, int], set[str]]:
    """Key of every outline entry (and unnumbered sub-entry line) -> index of its part; the part names."""
    top = openings[run[0]].convention
    part_of: dict[str, int] = {}
    part_names: set[str] = set()
    part = run[0]
    for k in run:
        if openings[k].convention == top:
            part = k
            part_names.add(_key(openings[k].heading))
        # an entry's own lines (sub-entries without numbering); the last entry's heading only, as the
        # body begins somewhere after it
        nxt = openings[k + 1].start if k != run[-1] else text.find("\n", openings[k].start) % (len(text) + 1)
        for ln in _lines(text[openings[k].start:nxt]):
            key = _key(text[openings[k].start + ln.start:openings[k].start + ln.end])
            part_of.setdefault(_key(openings[k].heading) if ln.start == 0 else key, part)
    return part_of, part_names


def _outline_matcher(keys: list[str], numbered: set[str]):
    """A function from a heading to the outline entry it names (None if it names none).

    A heading names an entry it contains (longest first); else, since a slide title may reword its entry
    (加强资金支持 -> 五种资金支持方式…), a run of at least OUTLINE_MIN_KEY characters that only one
    numbered entry has (资金支持, not 数据要素).
    """
    owners: dict[str, set[str]] = {}
    for k in numbered:
        for n in range(OUTLINE_MIN_KEY, len(k) + 1):
            for i in range(len(k) - n + 1):
                owners.setdefault(k[i:i + n], set()).add(k)
    distinctive = {sub: next(iter(ks)) for sub, ks in owners.items() if len(ks) == 1}

    def match(line: str | None) -> str | None:
        key = _key(line)
        whole = next((k for k in keys if k == key or k in key), None)
        if whole is not None or not key:
            return whole
        for n in range(len(key), OUTLINE_MIN_KEY - 1, -1):
            for i in range(len(key) - n + 1):
                if key[i:i + n] in distinctive:
                    return distinctive[key[i:i + n]]
        return None

    return match


def _outline_placement(text: str, openings: list[_Opening]) -> tuple[list[_Opening], dict[int, int | None]]:
    """Openings (body headings repeating an outline entry added) and the opening each body opening goes under.

    Only for a document with a table of contents; otherwise the openings unchanged and no placement.
    """
    run = _outline_run(text, openings)
    if not run:
        return openings, {}
    top = openings[run[0]].convention
    if any(op.convention == top and label_number(op.label) == 1 for op in openings[run[-1] + 1:]):
        return openings, {}  # the body numbers its parts again from the first (a 目录 before a law): its own tree
    part_of, part_names = _outline_entries(text, openings, run)
    keys = sorted((k for k in part_of if len(k) >= OUTLINE_MIN_KEY), key=len, reverse=True)
    match = _outline_matcher(keys, {_key(openings[i].heading) for i in run} & set(keys))
    end_of_outline = openings[run[-1] + 1].start
    # headings of the body that repeat an outline entry open a provision even without text under them
    starts = {op.start for op in openings}
    extra = [
        _Opening(ln.start, "bare", "bare", "", text[ln.start:ln.end], ln.start, True)
        for ln in _lines(text) if ln.start >= end_of_outline and ln.start not in starts
        and _heading_shaped(text[ln.start:ln.end]) and match(text[ln.start:ln.end])
    ]
    openings = sorted([*openings, *extra], key=lambda op: op.start)
    body = [k for k, op in enumerate(openings) if op.start >= end_of_outline]
    last_part = max(part_of.values())
    placed: dict[int, int | None] = {}
    anchor: int | None = None
    anchor_entry: str | None = None
    seen_parts: set[str] = set()
    for pos, k in enumerate(body):
        m = match(openings[k].heading) if openings[k].heading else None
        if m in part_names:
            if m in seen_parts or _in_navigation(text, openings, body, pos, match, part_names):
                seen_parts.add(m)
                m = None  # navigation: a part's name repeated on a slide
            seen_parts.add(m or "")
        if m is not None and m != anchor_entry:  # (a sub-heading naming its slide's entry stays under it)
            anchor, anchor_entry, placed[k] = k, m, part_of[m]
        else:
            placed[k] = anchor if anchor is not None else last_part
    return openings, placed


# Closing paragraphs: the signature (落款: issuer lines over a date line), and after the last numbered
# provision the sentences that close a document rather than its last item: when it takes effect or who
# interprets it (本通知自…起施行, 本办法由…负责解释) and the charge to those who implement it (各地区各部门要…).
BARE_DATE_RE = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$")
CLOSING_RE = re.compile(rf"^(?:本[{CJK}]{{1,6}}(?:自|由)[^。\n]{{0,40}}(?:施行|执行|生效|解释)"
                        r"|各(?:地|级|有关|部门|省|市|区))")
SIGNATURE_LINE_MAX = 25


def _with_closing(text: str, openings: list[_Opening]) -> list[_Opening]:
    """Openings and, where the document ends with closing paragraphs, a closing provision."""
    lines = _lines(text)
    last = max((k for k, ln in enumerate(lines) if openings and ln.start <= openings[-1].start), default=-1)
    article = bool(openings) and openings[-1].convention == "article"
    k, start = len(lines) - 1, None
    if k > last and BARE_DATE_RE.match(text[lines[k].start:lines[k].end]):
        k -= 1
        while k > last and _signature_line(text[lines[k].start:lines[k].end]):
            k -= 1
        start = k + 1
    # an article's further paragraphs belong to it: only a signature closes a text of 第X条 articles
    while not article and k > last and openings and CLOSING_RE.match(text[lines[k].start:lines[k].end]) \
            and _match_numbering(text, lines[k].start, lines[k].end) is None:
        start, k = k, k - 1
    if start is None or start >= len(lines):
        return openings
    return [*openings, _Opening(lines[start].start, "closing", "closing", "", None, -1, False)]


def _signature_line(line: str) -> bool:
    """Whether a line can be part of a signature: a short name, no sentence."""
    return len(line) <= SIGNATURE_LINE_MAX and not _has_sentence_end(line) and not line.endswith(("：", ":"))


_NEEDED = ("doc_id", "text")


def build_provisions(documents: pd.DataFrame) -> pd.DataFrame:
    """The provisions table of every document (columns of schema.py, in document order).

    Input: documents (doc_id, text). Output: provisions (count_provisions then fills documents.n_provisions).
    """
    require(documents, _NEEDED, "documents")
    if documents["doc_id"].duplicated().any():
        dup = documents.loc[documents["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise InputError("table documents", f"duplicate doc_id {dup!r}")
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        if not isinstance(text, str):
            raise InputError("table documents", f"document {doc_id!r} has no text")
        for p in parse_provisions(text):
            rows.append({
                "doc_id": doc_id, "provision_id": p.provision_id, "parent_id": p.parent_id,
                "level": p.level, "ord": p.ord, "label": p.label, "heading": p.heading,
                "text": p.text_of(text), "char_start": p.char_start, "char_end": p.char_end,
            })
    columns = table("provisions").columns
    df = pd.DataFrame(rows, columns=columns)
    # document order within a document; it is also the natural order of the hierarchical ids
    df = df.sort_values(["doc_id", "ord"], kind="mergesort").reset_index(drop=True)
    return df.astype({"level": "int64", "ord": "int64", "char_start": "int64", "char_end": "int64"})


def count_provisions(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """The documents table with n_provisions, the number of provisions of each (0 for none), columns in order.

    Inputs: documents (doc_id), provisions (doc_id). Output: the documents table, n_provisions filled.
    """
    require(documents, ("doc_id",), "documents")
    require(provisions, ("doc_id",), "provisions")
    counts = provisions.groupby("doc_id").size()
    out = documents.assign(n_provisions=documents["doc_id"].map(counts).fillna(0).astype(int))
    order = table("documents").columns
    return out[[c for c in order if c in out.columns] + [c for c in out.columns if c not in order]]


def _nav_key(op: _Opening) -> tuple[str, str]:
    """Label and heading of an opening, whitespace ignored (slides break lines anywhere)."""
    return op.label, "".join((op.heading or "").split())
