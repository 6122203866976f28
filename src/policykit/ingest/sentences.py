"""Sentences: the spans of the sentences of a text (char offsets, surrounding whitespace excluded)."""

from __future__ import annotations

import re

# Sentence-final marks (full- and half-width): a sentence ends after one of these outside brackets.
SENTENCE_END = frozenset("。！？；!?;")
OPENERS = "（(《“‘「『【〔["
CLOSERS = "）)》”’」』】〕]"
_CLOSE_OF = dict(zip(OPENERS, CLOSERS, strict=True))
_CLOSERS = frozenset(CLOSERS)
# The characters split_sentences acts on; it jumps from one to the next over everything else.
_MARKS_RE = re.compile("[" + re.escape("\n\r" + OPENERS + CLOSERS + "".join(sorted(SENTENCE_END))) + "]")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
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
        s, e = trim_span(text, start, end)
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


def has_sentence_end(s: str) -> bool:
    """Whether s contains a sentence-final mark."""
    return any(c in SENTENCE_END for c in s)
