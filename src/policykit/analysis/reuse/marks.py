"""The matching alphabet (content characters) and the marks a passage may lie in: 《titles》 and “quotations”."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from policykit.zh import BOOK_TITLE_RE as _TITLE_MARKS

_QUOTE_MARKS = re.compile(r"“[^“”\n]{1,200}”|「[^「」\n]{1,200}」|『[^『』\n]{1,200}』")


@cache
def is_content_char(ch: str) -> bool:
    """Whether a character counts towards passage length (not whitespace, punctuation or control)."""
    return unicodedata.category(ch)[0] not in "ZPC"


def content_of(text: str) -> str:
    """The content characters of a text (no whitespace, punctuation or control characters)."""
    return "".join(filter(is_content_char, text))


def marked_mask(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans (start, end) of the insides of the marks matched by pattern in text."""
    return [(m.start() + 1, m.end() - 1) for m in pattern.finditer(text)]


def title_spans(text: str) -> list[tuple[int, int]]:
    """Insides of 《…》 in a text."""
    return marked_mask(text, _TITLE_MARKS)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Insides of “…”, 「…」 and 『…』 in a text."""
    return marked_mask(text, _QUOTE_MARKS)
