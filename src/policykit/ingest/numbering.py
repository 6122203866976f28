"""Where the provisions of a text open: numbering conventions, their labels and values, and headings.

A provision opens at a numbered line (第X章, 一、, （一）, 1. …), at a dash item, at an unnumbered
heading line once the body has begun, or, in a 第X条 article, at the paragraph after its last item.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from policykit.ingest.sentences import SENTENCE_END, has_sentence_end, split_sentences, trim_span
from policykit.zh import CASE_FACTS_RE, NAV_REPEATS
from policykit.zh import NUMERALS as CN_DIGITS

HEADING_MAX = 60  # a whole numbered line up to this length, without sentence end, is a heading
LEAD_MAX = 40  # an in-line lead phrase (`（一）统筹推进政务数据共享。完善……`) is at most this long
BARE_MAX = 30  # an unnumbered heading line is at most this long
BULLETS = "·•●○■□◆◇▪►▶✓✔*-"

# Numbering conventions: (key, pattern at line start, usual rank, canonical label format).
# Ranks follow the usual hierarchy of Chinese official documents; the first convention a document
# uses is its top level whatever its usual rank (the draft plan numbers its parts 1、2、…).
CONVENTIONS: tuple[tuple[str, re.Pattern[str], float, str], ...] = (
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


@dataclass
class Opening:
    """A place where a provision begins, found on one line."""

    start: int
    kind: str  # numbered, bare or dash
    convention: str
    label: str
    heading: str | None
    heading_start: int = -1
    whole_line: bool = False  # the heading is the whole rest of the line (no body on the line)


@dataclass(frozen=True)
class LineSpan:
    """A non-blank line: its trimmed span."""

    start: int
    end: int


def line_spans(text: str) -> list[LineSpan]:
    """The non-blank lines of text, trimmed of surrounding whitespace."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        s, e = trim_span(text, pos, pos + len(raw))
        if e > s:
            out.append(LineSpan(s, e))
        pos += len(raw) + 1
    return out


def match_numbering(text: str, pos: int, end: int) -> tuple[str, str, int] | None:
    """(convention, canonical label, offset after the label) of numbering at pos, if any."""
    line = text[pos:end]
    for key, pattern, _rank, fmt in CONVENTIONS:
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
    if not has_sentence_end(rest):
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


def heading_shaped(line: str) -> bool:
    """Whether a line looks like an unnumbered heading: short, with no sentence-final mark."""
    return (
        2 <= len(line) <= BARE_MAX
        and not has_sentence_end(line)
        and not line.endswith(("：", ":", "，", ",", "、"))
        and not _is_table_or_bullet(line)
    )


def find_openings(text: str) -> list[Opening]:
    """Every line that opens a provision, in document order."""
    lines = line_spans(text)
    numbered = [match_numbering(text, ln.start, ln.end) for ln in lines]
    dashed = [_DASH.match(text, ln.start, ln.end) for ln in lines]
    has_numbering = any(numbered)
    case = bool(CASE_FACTS_RE.search(text))
    seen_body = False
    opened = False
    in_article = False  # inside a 第X条 article (until the next 编/章/节 heading)
    out: list[Opening] = []
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
            out.append(Opening(ln.start, "numbered", key, label, heading, h_start, whole))
            opened = True
            continue
        if in_article and _after_item(text, out, lines[i - 1]) and has_sentence_end(line):
            # the paragraph after an article's last item (（一）…（五）) is the article's again, not the item's
            out.append(Opening(ln.start, "continued", "continued", "", None, -1, False))
            continue
        if dashed[i] and opened:
            heading, h_start, whole = _heading_after(text, dashed[i].end(), ln.end)
            out.append(Opening(ln.start, "dash", "dash", "——", heading, h_start, whole))
            continue
        if has_sentence_end(line):
            seen_body = True
        nxt = i + 1
        followed_by_body = nxt < len(lines) and (not numbered[nxt] or case) and not heading_shaped(
            text[lines[nxt].start:lines[nxt].end])
        # before the first numbered line, a heading belongs to the preamble (the title, say);
        # a document without numbering is divided by its headings once its body has begun, a court case
        # by its section headings (基本案情, 裁判结果 …) from the first
        may_open = opened or case or (not has_numbering and seen_body)
        if may_open and heading_shaped(line) and followed_by_body:
            out.append(Opening(ln.start, "bare", "case_section" if case else "bare", "", line, ln.start, True))
    return _drop_navigation(out)


def _after_item(text: str, openings: list[Opening], prev: LineSpan) -> bool:
    """Whether the previous line is a whole item of an article (the last opening, ending its sentence)."""
    if not openings or openings[-1].start != prev.start or openings[-1].kind != "numbered":
        return False
    return openings[-1].convention not in ("chapter", "section", "article") and text[prev.end - 1] in SENTENCE_END


# a numbered heading repeated NAV_REPEATS times is slide navigation, not a provision


def _drop_navigation(openings: list[Opening]) -> list[Opening]:
    """Openings without repeated navigation headings (`1. 激活数据要素潜能` on every slide).

    In a text of 第X条 articles, a repeated 第X节 heading (`第一节 一般规定` in chapter after chapter) is no
    navigation: its articles follow it.
    """
    articles = any(op.convention == "article" for op in openings)
    counts = Counter(_nav_key(op) for op in openings if op.kind == "numbered" and op.whole_line)
    return [op for op in openings
            if not (op.kind == "numbered" and op.whole_line and counts[_nav_key(op)] >= NAV_REPEATS
                    and not (articles and op.convention in ("chapter", "section")))]


def _nav_key(op: Opening) -> tuple[str, str]:
    """Label and heading of an opening, whitespace ignored (slides break lines anywhere)."""
    return op.label, "".join((op.heading or "").split())


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
