"""Collate two witnesses of one document: how far they agree, and every passage where they differ.

``collate(a, b)`` measures how far two witnesses of the *same* document agree (e.g. the simplified and the
traditional witness of one plan after normalisation) and lists every residual differing passage. The
documents stage uses it for the witnesses table (agreement, differences).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Indel, Levenshtein

from policykit.errors import InputError


@dataclass(frozen=True)
class Difference:
    """One differing passage between two texts, with offsets into each (end exclusive)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str
    context: str = ""  # text of a around the passage, the passage in [brackets]


@dataclass(frozen=True)
class Collation:
    """Agreement of two texts (0-1, non-whitespace characters) and their residual differences."""

    agreement: float
    differences: list[Difference] = field(default_factory=list)

    def summary(self, limit: int | None = None, sep: str = " | ") -> str:
        """Differences as 'a→b' pairs joined by sep (at most limit of them)."""
        diffs = self.differences if limit is None else self.differences[:limit]
        return sep.join(f"{d.a_text}→{d.b_text}" for d in diffs)


def _dense(text: str) -> tuple[str, list[int]]:
    """The non-whitespace characters of text and the offset of each in text."""
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in positions), positions


def _span(positions: list[int], start: int, end: int, n: int) -> tuple[int, int]:
    """Offsets in text of dense characters start..end (an empty range sits after the previous character)."""
    if end > start:
        return positions[start], positions[end - 1] + 1
    at = positions[start - 1] + 1 if start > 0 else (positions[0] if positions else 0)
    return min(at, n), min(at, n)


def collate(a: str, b: str, context: int = 8) -> Collation:
    """Agreement of a and b on non-whitespace characters and every passage where they differ."""
    if not isinstance(a, str) or not isinstance(b, str):
        raise InputError("collate", "both texts must be strings")
    da, pa = _dense(a)
    db, pb = _dense(b)
    # Indel (insertions + deletions only) is the distance behind rapidfuzz's fuzz.ratio; 1.0 for two empty texts.
    agreement = float(Indel.normalized_similarity(da, db))
    differences: list[Difference] = []
    # Levenshtein opcodes pair a substitution as one replace, which reads better than delete + insert.
    for op in Levenshtein.opcodes(da, db):
        if op.tag == "equal":
            continue
        a_start, a_end = _span(pa, op.src_start, op.src_end, len(a))
        b_start, b_end = _span(pb, op.dest_start, op.dest_end, len(b))
        prev = differences[-1] if differences else None
        if prev and prev.a_end == a_start and prev.b_end == b_start:
            # Adjacent operations (e.g. replace followed by insert) form one passage.
            a_start, b_start = prev.a_start, prev.b_start
            differences.pop()
        ctx = f"{a[max(0, a_start - context):a_start]}[{a[a_start:a_end]}→{b[b_start:b_end]}]{a[a_end:a_end + context]}"
        differences.append(Difference(a_start, a_end, b_start, b_end, a[a_start:a_end], b[b_start:b_end], ctx))
    return Collation(agreement, differences)
