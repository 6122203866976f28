"""Stage 2, normalize: decoded text to canonical simplified text, with a map back to the raw offsets.

Steps, in order (each counted in `Normalized.removed` / `Normalized.changed`):
- line endings CRLF/CR -> LF;
- HTML remnants: comments and tags removed, entities unescaped; markdown heading marks, bold marks and link
  targets removed;
- pinyin readings a website inserted after characters removed: 中(zhōng)央 -> 中央, (二十一(yī)) -> (二十一);
- traditional -> simplified with OpenCC (t2s);
- non-breaking, ideographic and zero-width spaces -> plain spaces; runs collapsed; lines trimmed;
- half-width punctuation in Chinese context -> full-width: , ; : ? ! and (…) around Chinese;
- 数据要素x / 数据要素X -> 数据要素×.
Normalisation is idempotent: normalising canonical text returns it unchanged.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from policykit.zh import CJK
from policykit.zh import HAN_RE as _CJK_RE
from policykit.zh import content_key as content_key  # re-exported: callers compare witnesses by it

# A reading is one pinyin syllable with a tone mark, in brackets, right after a Chinese character.
# Requiring a tone-marked vowel keeps real bracketed Latin text (数据(AI), (app)) untouched.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
READING_RE = re.compile(rf"(?<=[{CJK}])(?:[(（][a-zü]*[{_TONED}][a-zü]*[)）])+")  # 我(wǒ)(wǒ) occurs
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)  # HTML/Markdown comments: <!-- INFO END -->
TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>")
ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")
MD_HEADING_RE = re.compile(r"(?m)^[ \t\u3000\u00a0]*(?:#{1,6}[ \t]+)+")
MD_LINK_RE = re.compile(r"\[([^\[\]\n]+)\]\((?:mailto:|https?://)[^()\s]*\)")
MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1")
ODD_SPACE_RE = re.compile("[\u00a0\u3000\u2000-\u200a\u202f\u205f]")
ZERO_WIDTH_RE = re.compile("[\u200b-\u200d\u2060\ufeff]")
TRIM_RE = re.compile(r"(?m)^ +| +$")
SPACE_RUN_RE = re.compile(r" {2,}")
BLANK_RUN_RE = re.compile(r"\n{3,}")
HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
PUNCT_RE = re.compile(rf"(?<=[{CJK}“”‘’）》」])[,;:?!]|[,;:?!](?=[{CJK}“‘（《「])")
PAREN_RE = re.compile(r"\(([^()\n]*)\)")
TIMES_RE = re.compile(r"数据要素 ?[xX]")


@dataclass
class Normalized:
    """Canonical text and, for each of its characters, the offset of the raw character it came from."""

    text: str
    origin: np.ndarray  # len(text) + 1 offsets into the decoded raw text; the last is the raw length
    removed: Counter = field(default_factory=Counter)  # characters removed, by category
    changed: Counter = field(default_factory=Counter)  # characters replaced in place, by category
    dropped: list[tuple[np.ndarray, str]] = field(default_factory=list)  # raw offsets removed, by category
    amended: list[np.ndarray] = field(default_factory=list)  # raw offsets of text a curated erratum corrected
    _index: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def removed_between(self, start: int, end: int) -> Counter:
        """Characters of raw[start:end] that normalisation removed, by category."""
        if self._index is None:
            positions = np.concatenate([p for p, _ in self.dropped] or [np.zeros(0, np.int64)])
            categories = np.concatenate([np.full(len(p), c, dtype=object) for p, c in self.dropped]
                                        or [np.zeros(0, object)])
            order = np.argsort(positions, kind="stable")
            self._index = positions[order], categories[order]
        positions, categories = self._index
        lo, hi = np.searchsorted(positions, [start, end])
        return Counter(categories[lo:hi].tolist())

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the canonical span [start, end)."""
        if end <= start:
            return int(self.origin[start]), int(self.origin[start])
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


Replacement = str | Callable[[re.Match], str]


def _sub(doc: Normalized, regex: re.Pattern, repl: Replacement, category: str) -> Normalized:
    """Apply one substitution, keeping the offset map and counting what was removed or replaced.

    The raw offsets a substitution removes are recorded as one entry of doc.dropped (those of each match,
    in order).
    """
    text, origin = doc.text, doc.origin
    literal = repl if isinstance(repl, str) and "\\" not in repl else None  # no template to expand
    parts: list[str] = []
    maps: list[np.ndarray] = []
    gone: list[np.ndarray] = []
    pos = 0
    for m in regex.finditer(text):
        s, e = m.span()
        old = m.group(0)
        new = literal if literal is not None else repl(m) if callable(repl) else m.expand(repl)
        if new == old:
            continue
        parts.append(text[pos:s])
        maps.append(origin[pos:s])
        parts.append(new)
        if len(new) == e - s:
            maps.append(origin[s:e])
            doc.changed[category] += sum(a != b for a, b in zip(new, old, strict=True))
        else:
            k = old.find(new) if new else -1
            kept = origin[s + k:s + k + len(new)] if k >= 0 else np.full(len(new), origin[s], dtype=origin.dtype)
            maps.append(kept)
            doc.removed[category] += (e - s) - len(new)
            gone.append(_removed(origin[s:e], kept, k))
        pos = e
    if not parts:
        return doc
    if gone:
        doc.dropped.append((np.concatenate(gone), category))
    parts.append(text[pos:])
    maps.append(origin[pos:])
    return Normalized("".join(parts), np.concatenate(maps), doc.removed, doc.changed, doc.dropped)


def _removed(span: np.ndarray, kept: np.ndarray, k: int) -> np.ndarray:
    """The raw offsets of a match's span that its replacement does not keep: sorted, each once (setdiff1d).

    Offsets usually increase along the text; then they are the span less the kept slice, taken without
    sorting (np.setdiff1d costs 20 times as much, and a file has thousands of matches).
    """
    if len(span) < 2 or span[0] < span[-1] and np.all(span[1:] > span[:-1]):
        if not len(kept):
            return span
        if k >= 0:
            return np.concatenate([span[:k], span[k + len(kept):]])
    return np.setdiff1d(span, kept)


@lru_cache(maxsize=1)
def _t2s():
    """The OpenCC traditional-to-simplified converter (built once)."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(doc: Normalized) -> Normalized:
    """Convert traditional characters to simplified with OpenCC, keeping the offset map."""
    converter = _t2s()
    converted = converter.convert(doc.text)
    if len(converted) == len(doc.text):
        doc.changed["t2s"] += count_changed(converted, doc.text)
        return Normalized(converted, doc.origin, doc.removed, doc.changed, doc.dropped)
    # A phrase conversion changed the length somewhere: convert line by line, and map a line whose
    # length changed onto the start of its source line.
    lines, maps, pos = [], [], 0
    for line in doc.text.split("\n"):
        new = converter.convert(line)
        src = doc.origin[pos:pos + len(line)]
        maps.append(src if len(new) == len(line) else np.full(len(new), doc.origin[pos], dtype=doc.origin.dtype))
        lines.append(new)
        pos += len(line) + 1
        maps.append(doc.origin[pos - 1:pos])  # the newline
    text = "\n".join(lines)
    origin = np.concatenate([*maps[:-1], doc.origin[-1:]])
    doc.changed["t2s"] += count_changed(text[:len(doc.text)], doc.text[:len(text)])
    return Normalized(text, origin, doc.removed, doc.changed, doc.dropped)


def count_changed(a: str, b: str) -> int:
    """Positions at which two strings of equal length differ (vectorised: texts run to tens of MB)."""
    return int(np.count_nonzero(np.frombuffer(a.encode("utf-32-le"), np.uint32)
                                != np.frombuffer(b.encode("utf-32-le"), np.uint32)))


def _paren(m: re.Match) -> str:
    """Full-width brackets around bracketed text that contains Chinese."""
    return f"（{m.group(1)}）" if _CJK_RE.search(m.group(1)) else m.group(0)


def _line_endings(doc: Normalized) -> Normalized:
    return _sub(_sub(doc, re.compile(r"\r\n"), "\n", "newline"), re.compile(r"\r"), "\n", "newline")


def _markup(doc: Normalized) -> Normalized:
    # Removing one tag or entity can reveal another (<<b>p>, &amp;lt;): repeat until nothing changes.
    for _ in range(8):
        before = doc.text
        doc = _sub(doc, COMMENT_RE, "", "markup")
        doc = _sub(doc, TAG_RE, "", "markup")
        doc = _sub(doc, ENTITY_RE, lambda m: html.unescape(m.group(0)), "markup")
        doc = _sub(doc, MD_HEADING_RE, "", "markup")
        doc = _sub(doc, MD_LINK_RE, lambda m: m.group(1), "markup")
        doc = _sub(doc, MD_EMPHASIS_RE, lambda m: m.group(2), "markup")
        if doc.text == before:
            break
    return doc


def _spaces(doc: Normalized) -> Normalized:
    doc = _sub(doc, ZERO_WIDTH_RE, "", "whitespace")
    doc = _sub(doc, ODD_SPACE_RE, " ", "whitespace")
    doc = _sub(doc, TRIM_RE, "", "whitespace")
    doc = _sub(doc, SPACE_RUN_RE, " ", "whitespace")
    return _sub(doc, BLANK_RUN_RE, "\n\n", "whitespace")


def _punctuation(doc: Normalized) -> Normalized:
    # brackets first: a comma next to (数据) is in Chinese context only once the brackets are full-width;
    # innermost pairs first, then the pairs around them: ((数据)) → （（数据））
    while True:
        inner = _sub(doc, PAREN_RE, _paren, "punctuation")
        if inner.text == doc.text:
            break
        doc = inner
    return _sub(doc, PUNCT_RE, lambda m: HALF_PUNCT[m.group(0)], "punctuation")


def offset_dtype(length: int) -> type[np.signedinteger]:
    """The compact dtype of offsets into a text of length characters: int32 (half of int64) where it fits."""
    return np.int32 if length < np.iinfo(np.int32).max else np.int64


def normalize(raw: str) -> Normalized:
    """Return the canonical simplified text of a decoded raw text, with its offset map."""
    doc = Normalized(raw, np.arange(len(raw) + 1, dtype=offset_dtype(len(raw))))
    doc = _line_endings(doc)
    doc = _markup(doc)
    doc = _sub(doc, READING_RE, "", "readings")
    doc = to_simplified(doc)
    doc = _spaces(doc)
    doc = _punctuation(doc)
    return _sub(doc, TIMES_RE, "数据要素×", "times_sign")


def insert_line_break(doc: Normalized, at: int) -> Normalized:
    """The text with a line break inserted at canonical offset at (a curated erratum; counted)."""
    origin = np.concatenate([doc.origin[:at], doc.origin[at:at + 1], doc.origin[at:]])
    doc.changed["erratum"] += 1
    return Normalized(doc.text[:at] + "\n" + doc.text[at:], origin, doc.removed, doc.changed, doc.dropped,
                      amended=doc.amended)


def normalize_text(raw: str) -> str:
    """Canonical simplified text of a string (no offset map)."""
    return normalize(raw).text


_NON_CJK_RE = re.compile(f"[^{CJK}]+")


def script_of(text: str) -> str:
    """Hant when OpenCC changes a noticeable share of the Chinese characters, else hans."""
    sample = _NON_CJK_RE.sub("", text)[:20000]  # its first 20,000 Chinese characters
    if not sample:
        return "hans"
    converted = _t2s().convert(sample)
    changed = count_changed(converted[:len(sample)], sample[:len(converted)])
    return "hant" if changed / len(sample) > 0.03 else "hans"
