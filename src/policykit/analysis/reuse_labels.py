"""Labels of the reuse stage: what kind of language a shared passage is, and which document came first.

Passage types (``reuse.type``), decided in this order:

- ``citation``: the title or document number of a cited document, not borrowed wording: at least half of
  the passage's content characters lie inside 《》 in either document, or the passage is part of the title
  of a document of the corpus, or it holds a document number (…〔2024〕18号).
- ``formula``: a list of agencies or addressees (国家发展改革委、国家数据局、财政部 …; 各省、自治区、
  直辖市 …), or language three quarters of which is formulaic: k-grams found in many families of
  documents (see ``reuse``), or stock formulas of policy documents listed in
  ``resources/reuse_formulas.txt`` (以习近平新时代中国特色社会主义思想为指导, 统筹发展和安全 …), which
  documents repeat from central texts rather than from one another; or a passage made of stock wording
  only (shorter pieces found in several families of documents, see ``reuse``).
- ``quotation``: at least half of the passage lies inside quotation marks (“…” 「…」 『…』) in either
  document: a slogan or principle quoted as such (原始数据不出域、数据可用不可见).
- ``substantive``: the rest, wording one document shares with the other.

Direction: each document has an interval of dates it can have been issued in: its ``date``; else its
``period`` (a month); else from ``date_lower_bound`` (if the documents table has that column) onwards.
An undated document that cites others' titles in 《》 is no earlier than the latest of them (basis
``citation``). The source is the document whose interval ends before the other's begins (basis ``date``,
``month``, ``lower_bound`` or ``citation``, the weakest evidence used). Where dates do not tell, a
document that covers another (``related_doc_id``: news or an explainer about it) comes after it
(``related``); a document about an earlier version of a text (or that version itself) comes before a later
version of that text or a document about it (``version``: an explainer of a draft was written while the
draft was open for comment, before the final text); and a document that cites another's title in 《》
comes after it (``citation``). Otherwise ``unknown``: no source is claimed.

Within one policy (``policy_id``) a derived document (an explainer, news item or notice, whose policy is
not its own version family) is never the source of a version: it comes after the version it covers
(``related``), and against another version of the policy no direction is claimed; two derived documents
are ordered only when they cover the same version and both are dated (to the day or month).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from policykit import config
from policykit.schema import REUSE_TYPES
from policykit.zh import BOOK_TITLE_RE as _TITLE_MARKS
from policykit.zh import CJK

TYPES = REUSE_TYPES

_QUOTE_MARKS = re.compile(r"“[^“”\n]{1,200}”|「[^「」\n]{1,200}」|『[^『』\n]{1,200}』")
_DOC_NUMBER = re.compile(r"〔\s*\d{4}\s*〕\s*\d*|\[\s*\d{4}\s*\]\s*\d+\s*号")  # 〔2024〕18…号, cut or whole
# Separators of a list of agencies or addressees.
_LIST_SPLIT = re.compile(r"[、，,；;\s　]+")
# What the names of Chinese agencies and administrative areas end with: 国家发展改革委, 国家数据局, 财政部,
# 中央网信办, 国务院办公厅, 各省, 自治区, 直辖市, 新疆生产建设兵团, 数据管理部门, 财政厅（局）…
_AGENCY = re.compile(
    rf"^(?:各)?[{CJK}（）()]{{0,14}}"
    r"(?:部|委|局|办|院|署|行|会|厅|室|处|所|门|团|市|区|省|州|县|府|中心|（局）|\(局\))$"
)
_AGENCY_SHARE = 0.75  # share of content characters in agency names that makes a list of agencies
_MARKED_SHARE = 0.5  # share inside 《》 / quotation marks that makes a citation / a quotation
_MIN_TITLE = 10  # a passage holding a whole title this long is a citation


@cache
def formula_pattern() -> re.Pattern[str] | None:
    """Regular expression matching the stock formulas of resources/reuse_formulas.txt (content characters)."""
    path = config.RESOURCES_DIR / "reuse_formulas.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    phrases = sorted({content_of(x) for x in lines if x.strip() and not x.lstrip().startswith("#")}, key=len,
                     reverse=True)
    # a lookahead finds overlapping occurrences in one scan
    return re.compile("(?=(" + "|".join(map(re.escape, phrases)) + "))") if phrases else None


def formula_mask(content: str) -> np.ndarray:
    """Boolean mask of the content characters covered by a stock formula."""
    mask = np.zeros(len(content), dtype=bool)
    pattern = formula_pattern()
    if pattern is not None:
        for m in pattern.finditer(content):
            mask[m.start(1):m.end(1)] = True
    return mask


def marked_mask(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans (start, end) of the insides of the marks matched by pattern in text."""
    return [(m.start() + 1, m.end() - 1) for m in pattern.finditer(text)]


def title_spans(text: str) -> list[tuple[int, int]]:
    """Insides of 《…》 in a text."""
    return marked_mask(text, _TITLE_MARKS)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Insides of “…”, 「…」 and 『…』 in a text."""
    return marked_mask(text, _QUOTE_MARKS)


@cache
def is_content_char(ch: str) -> bool:
    """Whether a character counts towards passage length (not whitespace, punctuation or control)."""
    return unicodedata.category(ch)[0] not in "ZPC"


def content_of(text: str) -> str:
    """The content characters of a text (no whitespace, punctuation or control characters)."""
    return "".join(filter(is_content_char, text))


def is_agency_list(text: str) -> bool:
    """Whether a passage is mostly a list of agencies or addressees (two names or more)."""
    items = [content_of(x) for x in _LIST_SPLIT.split(text)]
    items = [x for x in items if x]
    total = sum(len(x) for x in items)
    named = [x for x in items if len(x) <= 16 and _AGENCY.match(x)]
    return len(named) >= 2 and sum(len(x) for x in named) >= _AGENCY_SHARE * total


def has_doc_number(text: str) -> bool:
    """Whether a passage holds a document number such as 发改数据〔2024〕18号."""
    return bool(_DOC_NUMBER.search(text))


@dataclass(frozen=True)
class PassageTyper:
    """Types passages; knows the titles of the corpus's documents."""

    titles: dict[str, str]  # doc_id -> content characters of its title
    all_titles: str  # every title's content characters, separated by newlines (one search for "inside a title")

    @classmethod
    def of(cls, docs: pd.DataFrame) -> PassageTyper:
        """The typer for a documents table (doc_id, title where present)."""
        titles = docs["title"] if "title" in docs.columns else pd.Series([None] * len(docs))
        own = {d: content_of(t) for d, t in zip(docs["doc_id"], titles, strict=True) if isinstance(t, str)}
        return cls(own, "\n".join(sorted({t for t in own.values() if t})))

    def type_of(self, src: str, tgt: str, t_text: str, cited: float, quoted: float, formulaic: np.ndarray,
                formula_cover: float) -> str:
        """The type of a passage: citation, formula, quotation or substantive (see the module docstring).

        cited / quoted: largest share of the passage's content characters inside 《》 / quotation marks, on
        either side; formulaic: mask of the target's content characters covered by formulaic k-grams.
        """
        t_content = content_of(t_text)
        # the passage lies inside a title of the corpus, or holds the title of one of its two documents
        in_title = t_content in self.all_titles or any(
            len(t) >= _MIN_TITLE and t in t_content for t in (self.titles.get(src, ""), self.titles.get(tgt, "")))
        if cited >= _MARKED_SHARE or has_doc_number(t_text) or in_title:
            return "citation"
        # the cheap tests first: most formulas of a large corpus are covered by formulaic k-grams throughout
        if len(t_content) and (formulaic.all() or np.count_nonzero(formulaic | formula_mask(t_content))
                               / len(t_content) >= formula_cover):
            return "formula"
        if is_agency_list(t_text):
            return "formula"
        return "quotation" if quoted >= _MARKED_SHARE else "substantive"


# --- direction ------------------------------------------------------------------------------

def _iso(value) -> str | None:  # noqa: ANN001 - a date, a string or a missing value
    """ISO yyyy-mm-dd (or yyyy-mm) text of a value, None if missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()[:10]
    return text or None


def _interval(date, period, lower) -> tuple[str, str, str]:  # noqa: ANN001
    """(earliest, latest, basis) of the dates a document can have; ISO strings compare in time order."""
    d = _iso(date)
    if d and len(d) == 10:
        return d, d, "date"
    m = (_iso(period) or "")[:7]
    if len(m) == 7:
        return f"{m}-01", f"{m}-31", "month"
    lo = _iso(lower)
    if lo:
        return lo, "9999-12-31", "lower_bound"
    return "0000-01-01", "9999-12-31", "unknown"


_STRENGTH = {"date": 0, "month": 1, "lower_bound": 2, "citation": 3, "unknown": 4}


class Direction:
    """Which of two documents is the source of a shared passage, and on what basis."""

    def __init__(self, docs: pd.DataFrame) -> None:
        """Read dates, periods, date_lower_bound (if present), related_doc_id and cited titles."""
        n = len(docs)
        col = lambda c: docs[c].tolist() if c in docs.columns else [None] * n  # noqa: E731
        self.ids = docs["doc_id"].tolist()
        self.intervals = {d: _interval(a, b, c) for d, a, b, c in
                          zip(self.ids, col("date"), col("period"), col("date_lower_bound"), strict=True)}
        self.related = {d: r for d, r in zip(self.ids, col("related_doc_id"), strict=True) if isinstance(r, str)}
        families = {d: f for d, f in zip(self.ids, col("family_id"), strict=True) if isinstance(f, str) and f}
        self.policy = {d: p for d, p in zip(self.ids, col("policy_id"), strict=True) if isinstance(p, str) and p}
        # a derived document (explainer, news, notice) covers a policy it is not a version of
        self.derived = {d for d, p in self.policy.items()
                        if d in families and p.removeprefix("policy-") != families[d].removeprefix("family-")}
        # (family, version) of each document that is a version of a text (family_id and version columns).
        self.version = {d: (f, int(v)) for d, f, v in zip(self.ids, col("family_id"), col("version"), strict=True)
                        if isinstance(f, str) and f and v is not None and not pd.isna(v)}
        titles = {d: content_of(t) for d, t in zip(self.ids, col("title"), strict=True) if isinstance(t, str)}
        by_title: dict[str, list[str]] = {}
        for d, t in titles.items():
            if len(t) >= 6:
                by_title.setdefault(t, []).append(d)
        # (citing, cited) pairs: a document names another's exact title in 《》.
        self.cites: set[tuple[str, str]] = set()
        for d, text in zip(self.ids, docs["text"], strict=True):
            for s, e in title_spans(text):
                for cited in by_title.get(content_of(text[s:e]), ()):
                    if cited != d:
                        self.cites.add((d, cited))
        self._cited_bounds()

    def _cited_bounds(self) -> None:
        """Raise the earliest date of undated documents to the latest date of the documents they cite."""
        for citing, cited in sorted(self.cites):
            lo, hi, basis = self.intervals[citing]
            c_lo, c_hi, c_basis = self.intervals[cited]
            if hi == "9999-12-31" and c_basis in ("date", "month") and c_lo > lo:
                self.intervals[citing] = (c_lo, hi, "citation")

    def _covered(self, doc: str) -> tuple[str, int] | None:
        """(family, version) of the text a document covers: its own, else that of its related document."""
        rel = self.related.get(doc)
        return self.version.get(rel) if rel is not None and rel in self.version else None

    def _earlier_version(self, a: str, b: str) -> str | None:
        """Of two documents about different versions of one text (one of them a derivative), the earlier."""
        va = self._covered(a) or self.version.get(a)
        vb = self._covered(b) or self.version.get(b)
        if va is None or vb is None or va[0] != vb[0] or va[1] == vb[1]:
            return None
        if self._covered(a) is None and self._covered(b) is None:
            return None  # two versions themselves: their dates decide, or nothing does
        return a if va[1] < vb[1] else b

    def _within_policy(self, a: str, b: str) -> tuple[str | None, str]:
        """Source of two documents about one policy, at least one of them derived (see the module docstring)."""
        if (a in self.derived) != (b in self.derived):
            derived, version = (a, b) if a in self.derived else (b, a)
            return (version, "related") if self.related.get(derived) == version else (None, "unknown")
        if self.related.get(a) is None or self.related.get(a) != self.related.get(b):
            return None, "unknown"  # about different versions: each took its wording from its own
        (a_lo, a_hi, a_basis), (b_lo, b_hi, b_basis) = self.intervals[a], self.intervals[b]
        if {a_basis, b_basis} <= {"date", "month"}:
            if a_hi < b_lo:
                return a, max(a_basis, b_basis, key=_STRENGTH.__getitem__)
            if b_hi < a_lo:
                return b, max(a_basis, b_basis, key=_STRENGTH.__getitem__)
        return None, "unknown"

    def source_of(self, a: str, b: str) -> tuple[str | None, str]:
        """(source doc_id or None, basis) for the documents a and b."""
        if self.policy.get(a) is not None and self.policy.get(a) == self.policy.get(b) and (
                a in self.derived or b in self.derived):
            return self._within_policy(a, b)
        (a_lo, a_hi, a_basis), (b_lo, b_hi, b_basis) = self.intervals[a], self.intervals[b]
        basis = max(a_basis, b_basis, key=_STRENGTH.__getitem__)
        if a_hi < b_lo:
            return a, basis
        if b_hi < a_lo:
            return b, basis
        if self.related.get(b) == a and self.related.get(a) != b:
            return a, "related"
        if self.related.get(a) == b and self.related.get(b) != a:
            return b, "related"
        earlier = self._earlier_version(a, b)
        if earlier is not None:
            return earlier, "version"
        a_cites_b, b_cites_a = (a, b) in self.cites, (b, a) in self.cites
        if a_cites_b != b_cites_a:
            return (b if a_cites_b else a), "citation"
        return None, "unknown"
