"""Direction: which of two documents sharing a passage is its source, and on what basis.

Each document has an interval of dates it can have been issued in: its ``date``; else its
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

import pandas as pd

from policykit.analysis.reuse.marks import content_of, title_spans


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
