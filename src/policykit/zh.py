"""The Chinese-text lexicon: the character classes, patterns and small helpers every stage shares.

What belongs here: facts about written Chinese that hold for any document of the corpus, not rules of
one stage:
- CJK ranges: which code points count as Chinese characters (`CJK`, `HAN_RE`);
- numerals: the characters of Chinese numbers (`NUMERALS`, `NUMERALS_LARGE`, `ONE_TO_TEN`) and the
  values of the digits (`DIGIT_VALUES`);
- numbering: how documents number their parts (第X编/章/节/条/款, 一、, （一）, 1.) — the label regexes;
- keys: a title reduced for matching (`title_key`) and text reduced to its content (`content_key`);
- quoted titles: a title in book-title marks 《…》 (`QUOTED_TITLE_RE`, `BOOK_TITLE_RE`);
- navigation: how often a line recurs before it is slide navigation (`NAV_REPEATS`);
- truncation: text cut to a length with an ellipsis (`truncate`).

A stage's own decisions (which headings are targets, which lines are credits, units of a quantity …) stay in
that stage's module. Where two stages need a deliberately different variant of one rule, both variants live
here under their own names with a comment saying why they differ: one rule, one place.
"""

from __future__ import annotations

import re

# --- CJK ranges -------------------------------------------------------------------------------

CJK_UNIFIED = "\u4e00-\u9fff"  # CJK Unified Ideographs: every common simplified and traditional character
CJK_EXT_A = "\u3400-\u4dbf"  # Extension A: rare characters (old names, variants)
CJK_COMPAT = "\uf900-\ufaff"  # Compatibility Ideographs: duplicates some encodings (Big5, KS X 1001) carry
CJK = CJK_EXT_A + CJK_UNIFIED + CJK_COMPAT  # a Chinese character, for character classes: f"[{CJK}]"
HAN_RE = re.compile(f"[{CJK}]")


def is_han(ch: str) -> bool:
    """Whether a single character is a Chinese character (any of the CJK ranges)."""
    return bool(HAN_RE.fullmatch(ch))


# --- Numerals ---------------------------------------------------------------------------------

ARABIC_DIGITS = "0-9０-９"  # for character classes: half- and full-width digits (full width in some web texts)
DIGITS = "〇一二三四五六七八九"  # 0–9 in order: DIGITS[n] is n
DIGIT_VALUES: dict[str, int] = {c: i for i, c in enumerate(DIGITS)}
ONE_TO_TEN = "一二三四五六七八九十"  # the numerals of part numbers (一、 … 十、) and simple counts
# Numerals of numbering labels (第十二条, 二十一、, （一百）): digits with their variants (零, 两) and 十 百 千.
NUMERALS = "〇零一二两三四五六七八九十百千"
# Numerals of quantities: numbering numerals and the large units (三万, 十亿).
NUMERALS_LARGE = NUMERALS + "万亿"


# --- Numbering --------------------------------------------------------------------------------
# Labels as documents write them: 第X编/章/节/条/款, 一、, （一）, 1. / 1、 / 1．

ARTICLE_LABEL = rf"第[{NUMERALS}\d]+[编章节条款]"  # 第三章, 第12条, 第二款
CN_ITEM_LABEL = rf"[{NUMERALS}]+、"  # 一、
PAREN_ITEM_LABEL = rf"（[{NUMERALS}]+）"  # （一） in full-width brackets (normalised text)
ARABIC_ITEM_LABEL = r"\d+[.、．]"  # 1. 1、 1．

# A line that opens with a numbering label, or with a year (2024年…): not a title or a heading's tail.
NUMBERED_LINE_RE = re.compile(rf"^(?:{CN_ITEM_LABEL}|{PAREN_ITEM_LABEL}|{ARABIC_ITEM_LABEL}|{ARTICLE_LABEL}"
                              r"|\d{4}\s*年)")
# A line that opens a chapter, section or article: the text is divided into 第X条 articles.
ARTICLE_LINE_RE = re.compile(rf"^第[{NUMERALS}\d]+[章节条]")
# A part of a policy document: 一、 … 十、 at the start of a line (group 1: the numeral).
PART_LINE_RE = re.compile(rf"^([{ONE_TO_TEN}]+)、")
# A numbered item or heading at the start of a sentence, after optional spaces. Narrower than
# NUMBERED_LINE_RE on purpose (targets: only the labels that open a unit of a plan; ASCII brackets too, no
# 编/款, no year), kept as it was written so that the targets table does not move.
NUMBERED_ITEM_RE = re.compile(
    rf"^\s*(?:\d+\s*[.、．]|[{ONE_TO_TEN}]+、|[（(][{ONE_TO_TEN}\d]+[)）]"
    rf"|第[{ONE_TO_TEN}百]+[章节条])"
)
# The first item of a list: 1. / 一、 / （一） / 第一章 (full-width digits too).
FIRST_ITEM_RE = re.compile(r"^\s*(?:[1１]\s*[.、．]|一、|[（(][一1１][)）]|第一[章节条])")


# --- Keys -------------------------------------------------------------------------------------


def title_key(title: str | None) -> str:
    """Title reduced for matching: Chinese characters and digits only (punctuation, spacing, Latin dropped)."""
    return re.sub(f"[^{CJK}0-9]", "", title or "")


def content_key(text: str | None) -> str:
    """Text reduced to letters and digits of any script (and ×): for comparing witnesses and headings.

    Wider than title_key on purpose: Latin letters count (数据要素×, AI), so two texts that differ only
    in English words do not compare equal; document ids are hashed from this key.
    """
    return "".join(_CONTENT_RUN.findall(text or ""))


_CONTENT_RUN = re.compile(r"[^\W_]+|×+")  # [^\W_] in a str pattern is exactly str.isalnum (tests/test_zh.py)


# --- Quoted titles ----------------------------------------------------------------------------

# A document's title quoted in book-title marks: 《…》 of 4 to 80 characters (group 1: the title).
QUOTED_TITLE_RE = re.compile(r"《([^《》]{4,80})》")
# Any span in book-title marks within a line, of any length: years and numbers inside it belong to a name.
BOOK_TITLE_RE = re.compile(r"《[^《》\n]*》")


# --- Navigation -------------------------------------------------------------------------------

# A short line or numbered heading that recurs this many times is slide navigation (a menu repeated on
# every page of an explainer converted from slides), not content.
NAV_REPEATS = 3


# --- Truncation -------------------------------------------------------------------------------

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Text cut to at most limit characters, its last one an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def one_line(text: str) -> str:
    """Text on one line: every run of whitespace (newlines too) one space, none at the ends."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Text on one line, cut to at most limit characters with an ellipsis (labels, table cells)."""
    return truncate(one_line(text), limit)


# A court case: a heading of its facts (基本案情, 案情回顾 …) on a line of its own
CASE_FACTS_RE = re.compile(r"^[ \t\u3000]*(?:基本案情|简要案情|案情回顾|案情简介|案情概要)[ \t\u3000]*$", re.M)
