"""Passage types (``reuse.type``): what kind of language a shared passage is.

The types, decided in this order:

- ``citation``: the title or document number of a cited document, not borrowed wording: at least half of
  the passage's content characters lie inside 《》 in either document, or the passage is part of the title
  of a document of the corpus, or it holds a document number (…〔2024〕18号).
- ``formula``: a list of agencies or addressees (国家发展改革委、国家数据局、财政部 …; 各省、自治区、
  直辖市 …), or language three quarters of which is formulaic: k-grams found in many families of
  documents (see ``reuse.index``), or stock formulas of policy documents listed in
  ``resources/reuse_formulas.txt`` (以习近平新时代中国特色社会主义思想为指导, 统筹发展和安全 …), which
  documents repeat from central texts rather than from one another; or a passage made of stock wording
  only (shorter pieces found in several families of documents, see ``reuse.stock``).
- ``quotation``: at least half of the passage lies inside quotation marks (“…” 「…」 『…』) in either
  document: a slogan or principle quoted as such (原始数据不出域、数据可用不可见).
- ``substantive``: the rest, wording one document shares with the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from policykit import config
from policykit.analysis.reuse.marks import content_of
from policykit.schema import REUSE_TYPES
from policykit.zh import CJK

TYPES = REUSE_TYPES

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
