"""Align two versions of a document: comparison units, similarity measures and the alignment rules.

``units(provisions, doc_id)`` cuts a document into the provisions that carry text; ``align(draft, final)``
pairs the units of an older version with those of the next one and classifies every aligned unit
(policykit.analysis.compare runs it for every version pair; policykit.analysis.worddiff lists the word-level edits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from policykit.errors import InputError
from policykit.schema import table
from policykit.zh import NUMERALS

# --------------------------------------------------------------------------------------------------
# Draft -> final alignment
# --------------------------------------------------------------------------------------------------
#
# Units. Each side is cut into the provisions that carry text of their own (parts that only hold a
# heading drop out; a part's introductory paragraph is kept). Content, not heading or position, decides
# which units match: the similarity of two units is the normalised Indel similarity (rapidfuzz
# fuzz.ratio / 100) of their bodies with label and heading stripped, so a renamed sector heading
# (智能制造 -> 工业制造) does not hide a matching paragraph.
#
# Classification of aligned units (threshold = DEFAULT_THRESHOLD unless given):
#   1. One-to-one pairs come from an optimal assignment (Hungarian method, scipy's linear_sum_assignment)
#      on the similarity matrix; pairs below the threshold are dropped.
#   2. A draft unit left unpaired whose text is mostly contained in a paired final unit (coverage, the
#      share of its characters in the longest common subsequence, at least COVERAGE and at least the
#      threshold) joins that unit:
#      the unit becomes `merged` (n draft -> 1 final). Symmetrically, a final unit left unpaired whose
#      text is mostly covered by a paired draft unit makes that unit `split` (1 draft -> n final).
#      An unpaired unit covered by nothing is tested the same way against other unpaired units.
#   3. Last, an unpaired draft unit and an unpaired final unit with the same heading are paired when their
#      order-insensitive similarity (similarity_unordered: the words of both sides as bags) reaches the
#      threshold: the text under an unchanged title was re-ordered or rewritten (a low ordered similarity
#      says so). Headings never override content: they only pair what content left unpaired, and never
#      below the threshold.
#   Each aligned unit records its basis: content (rule 1), containment (rule 2) or same heading (rule 3).
#   4. Remaining one-to-one pairs: `moved` if the pair is out of sequence (not on the longest chain of
#      aligned units whose draft order increases with final order) — the position is the news then, and
#      the similarity tells how much the text changed too; else `unchanged` if heading and body are
#      identical (whitespace aside); else `modified` (a renamed heading alone counts as modified).
#   5. Units left unpaired: final only -> `added`, draft only -> `deleted`.

DEFAULT_THRESHOLD = 0.45
"""Minimum similarity (0-1) for a draft and a final unit to be paired one to one.

Pairing by content (rule 1) needs the ordered similarity (normalised Indel) to reach it; pairing under the
same heading (rule 3) needs the order-insensitive one to. Containment (rule 2: merges, splits, a part
paired with its whole) is judged by coverage, since a part is never similar to the whole: the share of the
part that recurs in the whole must reach both COVERAGE and the threshold. So no unit is paired with another
that matches it less than the threshold says, whatever the basis. Rewritten provisions on the same
subject in this kind of document score 0.5-0.9; unrelated provisions sharing only policy boilerplate score
0.2-0.35. 0.45 sits in the gap."""

COVERAGE = 0.6
"""Share of a unit's characters that must recur in its partner for a merge or split."""

CHANGE_CLASSES = table("alignment").values("change")

SIMILARITY_FLOOR = 0.3
"""Similarity below which an aligned group is no pair: its units are deleted and added. Unrelated articles
of two versions of a law score 0.1-0.3; an article and its rewrite, or the parts of a split, score above."""

ARTICLE_THRESHOLD = SIMILARITY_FLOOR
"""Pairing threshold for two versions of a law cut into articles (below DEFAULT_THRESHOLD): an article keeps
its subject through a rewrite, and renumbered articles are paired by content wherever they went."""

ARTICLE_COVERAGE = 0.7
"""Share of an article that must recur in another for a merge or split: short articles (本条例自…施行)
recur in many long ones at lower shares."""

ARTICLE_RE = re.compile(rf"^第[{NUMERALS}\d]+条$")


@dataclass(frozen=True)
class Unit:
    """One side of an aligned unit: a provision of a document."""

    provision_id: str
    ord: int
    heading: str  # the provision's own heading ('' if none)
    name: str  # its own heading, else the nearest heading up the tree
    section: str  # heading of its top-level part
    body: str  # text without label and heading
    label: str = ""  # its 第X条 label where the unit is a whole article (items and paragraphs included)

    @property
    def display(self) -> str:
        """Heading line (if any) and body: the text shown and diffed."""
        return f"{self.heading}\n{self.body}" if self.heading else self.body


@dataclass
class Aligned:
    """An aligned unit: draft and final units, change class, similarities and the basis of the pairing."""

    draft: list[Unit]
    final: list[Unit]
    change: str = ""
    similarity: float | None = None
    similarity_unordered: float | None = None
    basis: str | None = None  # content, containment or same heading; None for added and deleted units


def cell_text(value: object) -> str:
    """A table cell as text ('' for null)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _strip_heading(text: str, label: str, heading: str) -> str:
    """Provision text without its leading label and heading (compared by content, not by title)."""
    body = text.lstrip()
    for part in (label, heading):
        part = part.strip()
        if part and body.startswith(part):
            body = body[len(part):].lstrip()
    return body.strip()


def _is_article(label: str) -> bool:
    """Whether a provision label is a 第X条 article's."""
    return bool(ARTICLE_RE.match(label))


def _article_texts(rows: pd.DataFrame) -> dict[str, str]:
    """provision_id -> text of every provision inside an article (itself included), joined per article.

    An article's items （一）…（五） and its further paragraphs are one unit with it: a lawyer compares articles.
    """
    joined: dict[str, list[str]] = {}
    article_of: dict[str, str] = {}
    for pid, parent, label, text in zip(rows["provision_id"], rows["parent_id"], rows["label"], rows["text"],
                                        strict=True):
        pid, parent = cell_text(pid), cell_text(parent)
        if _is_article(cell_text(label)):
            article_of[pid] = pid
            joined[pid] = [cell_text(text)]
        elif parent in article_of:
            article_of[pid] = article_of[parent]
            joined[article_of[parent]].append(cell_text(text))
    return {pid: "\n".join(joined[a]) if pid == a else "" for pid, a in article_of.items()}


def units(provisions: pd.DataFrame, doc_id: str) -> list[Unit]:
    """The text-bearing provisions of one document, in document order, as comparison units.

    In a document of 第X条 articles each article is one unit, with its items and paragraphs.
    """
    rows = provisions[provisions["doc_id"] == doc_id].sort_values("ord", kind="mergesort")
    by_id = {cell_text(r["provision_id"]): r for _, r in rows.iterrows()}
    in_article = _article_texts(rows)
    out: list[Unit] = []
    for _, r in rows.iterrows():
        label, heading = cell_text(r["label"]), cell_text(r["heading"])
        pid = cell_text(r["provision_id"])
        text = in_article.get(pid, cell_text(r["text"]))
        body = _strip_heading(text, label, heading)
        if not "".join(body.split()):
            continue
        # The nearest heading up the tree names a unit that has none of its own; the top-level
        # ancestor's heading names its section.
        name, top, node = heading, heading, r
        while True:
            parent = cell_text(node["parent_id"])
            if not parent or parent not in by_id:
                break
            node = by_id[parent]
            top = cell_text(node["heading"]) or top
            name = name or cell_text(node["heading"])
        out.append(Unit(pid, int(r["ord"]), heading, name, top, body, label if _is_article(label) else ""))
    return out


def _dense_text(text: str) -> str:
    """Text without whitespace."""
    return "".join(text.split())


def similarity(a: str, b: str) -> float:
    """Normalised Indel similarity (0-1) of two texts, whitespace ignored."""
    return float(Indel.normalized_similarity(_dense_text(a), _dense_text(b)))


def _words(text: str) -> list[str]:
    """The words of text for the order-insensitive similarity: tokens without punctuation and whitespace."""
    # the jieba words the word diff uses (policykit.analysis.worddiff.tokenize), read from tokenise directly so
    # that alignment does not depend on the word diff; whitespace tokens hold no letter and drop out here too;
    # imported on first use: jieba's start-up cost only when needed
    from policykit.analysis.tokenise import tokenize_spans

    return [t for t, _, _ in tokenize_spans(text, filtered=False) if any(ch.isalnum() for ch in t)]


def similarity_unordered(a: str, b: str) -> float:
    """Order-insensitive similarity (0-1): Dice coefficient of the two texts' word multisets.

    A unit whose sentences were re-ordered scores close to 1 here and low on similarity().
    """
    from collections import Counter

    wa, wb = Counter(_words(a)), Counter(_words(b))
    total = sum(wa.values()) + sum(wb.values())
    return 2 * sum((wa & wb).values()) / total if total else 1.0


def coverage(part: str, whole: str) -> float:
    """Share of part's characters that recur, in order, in whole (longest common subsequence / len(part))."""
    a, b = _dense_text(part), _dense_text(whole)
    if not a:
        return 0.0
    lcs = (len(a) + len(b) - Indel.distance(a, b)) // 2
    return lcs / len(a)


def _similarity_matrix(draft: Sequence[Unit], final: Sequence[Unit]) -> np.ndarray:
    """Pairwise similarity of draft (rows) and final (columns) units."""
    from rapidfuzz.process import cdist

    if not draft or not final:
        return np.zeros((len(draft), len(final)))
    return cdist([_dense_text(u.body) for u in draft], [_dense_text(u.body) for u in final],
                 scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)


def _in_sequence(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs on a longest chain whose draft order increases with final order."""
    # Patience-sorting LIS; O(n log n), ties resolved deterministically by final order.
    import bisect

    ordered = sorted(pairs, key=lambda p: (p[1], p[0]))
    tails: list[int] = []
    tails_idx: list[int] = []
    prev: list[int] = [-1] * len(ordered)
    for k, (d, _f) in enumerate(ordered):
        pos = bisect.bisect_left(tails, d)
        if pos == len(tails):
            tails.append(d)
            tails_idx.append(k)
        else:
            tails[pos] = d
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos else -1
    chain: set[tuple[int, int]] = set()
    k = tails_idx[-1] if tails_idx else -1
    while k >= 0:
        chain.add(ordered[k])
        k = prev[k]
    return chain


@dataclass
class _Pairing:
    """Alignment in progress: groups keyed by a representative draft index, and what is still unpaired."""

    pairs: dict[int, int]
    groups: dict[int, tuple[set[int], set[int]]]
    lone_draft: list[int]
    lone_final: list[int]
    basis: dict[int, str] = field(default_factory=dict)

    def pair(self, i: int, j: int, basis: str) -> None:
        """Pair a lone draft unit with a lone final unit."""
        self.groups[i] = ({i}, {j})
        self.basis[i] = basis
        self.pairs[i] = j
        self.lone_draft.remove(i)
        self.lone_final.remove(j)


def _assigned(sim: np.ndarray, n_draft: int, n_final: int, threshold: float) -> _Pairing:
    """Rule 1: one-to-one pairs from an optimal assignment, pairs below the threshold dropped."""
    from scipy.optimize import linear_sum_assignment

    pairs: dict[int, int] = {}
    if sim.size:
        rows, cols = linear_sum_assignment(sim, maximize=True)
        pairs = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if sim[i, j] >= threshold}
    paired_final = set(pairs.values())
    return _Pairing(pairs, {i: ({i}, {j}) for i, j in pairs.items()},
                    [i for i in range(n_draft) if i not in pairs], [j for j in range(n_final) if j not in paired_final],
                    {i: "content" for i in pairs})


def _absorb(draft: Sequence[Unit], final: Sequence[Unit], p: _Pairing, need: float) -> None:
    """Rule 2: merges (a lone draft unit inside a paired final unit) and splits (the reverse)."""
    final_group = {j: i for i, j in p.pairs.items()}
    for i in p.lone_draft[:]:
        best = max(p.pairs.values(), key=lambda j: (coverage(draft[i].body, final[j].body), -j), default=None)
        if best is not None and coverage(draft[i].body, final[best].body) >= need:
            p.groups[final_group[best]][0].add(i)
            p.basis[final_group[best]] = "containment"
            p.lone_draft.remove(i)
    for j in p.lone_final[:]:
        best = max(p.pairs, key=lambda i: (coverage(final[j].body, draft[i].body), -i), default=None)
        if best is not None and coverage(final[j].body, draft[best].body) >= need:
            p.groups[best][1].add(j)
            p.basis[best] = "containment"
            p.lone_final.remove(j)


def _pair_leftovers(draft: Sequence[Unit], final: Sequence[Unit], sim: np.ndarray, p: _Pairing,
                    threshold: float) -> None:
    """Rules 2 and 3 for what is unpaired on both sides: containment first, then an unchanged heading."""
    need = max(COVERAGE, threshold)
    for i in p.lone_draft[:]:
        cands = [j for j in p.lone_final if max(coverage(draft[i].body, final[j].body),
                                                coverage(final[j].body, draft[i].body)) >= need]
        if cands:
            p.pair(i, max(cands, key=lambda j: (sim[i, j], -j)), "containment")
    # re-ordered or rewritten under the same heading: the title is unchanged and the words largely are
    for i in p.lone_draft[:]:
        same = [j for j in p.lone_final if draft[i].heading and final[j].heading == draft[i].heading
                and similarity_unordered(draft[i].body, final[j].body) >= threshold]
        if same:
            p.pair(i, same[0], "same heading")


def _change(d_units: list[Unit], f_units: list[Unit], in_sequence: bool) -> str:
    """Rule 4: the change class of a group of aligned units."""
    if len(d_units) > 1 and len(f_units) > 1:
        return "merged" if len(d_units) >= len(f_units) else "split"
    if len(d_units) > 1:
        return "merged"
    if len(f_units) > 1:
        return "split"
    if d_units[0].label and f_units[0].label:
        # articles: a lawyer cites them by number, so an article under another number has moved
        if d_units[0].label != f_units[0].label:
            return "moved"
    elif not in_sequence:
        return "moved"
    if _dense_text(d_units[0].display) == _dense_text(f_units[0].display):
        return "unchanged"
    return "modified"


def align(draft: Sequence[Unit], final: Sequence[Unit], threshold: float = DEFAULT_THRESHOLD) -> list[Aligned]:
    """Align draft units with final units and classify each aligned unit (rules above)."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError("compare", f"threshold must lie between 0 and 1, got {threshold}")
    articles = any(u.label for u in draft) and any(u.label for u in final)
    if articles:
        threshold = min(threshold, ARTICLE_THRESHOLD)  # a law's article keeps its subject through a rewrite
    sim = _similarity_matrix(draft, final)
    p = _assigned(sim, len(draft), len(final), threshold)
    need = max(ARTICLE_COVERAGE if articles else COVERAGE, threshold)  # containment: never below the threshold
    _absorb(draft, final, p, need)
    _pair_leftovers(draft, final, sim, p, threshold)
    anchors = {rep: (min(ds), min(fs)) for rep, (ds, fs) in p.groups.items()}
    chain = _in_sequence(list(anchors.values()))
    out: list[Aligned] = []
    lone_final, lone_draft = list(p.lone_final), list(p.lone_draft)
    for rep, (ds, fs) in p.groups.items():
        d_units = [draft[i] for i in sorted(ds)]
        f_units = [final[j] for j in sorted(fs)]
        d_text, f_text = "".join(u.body for u in d_units), "".join(u.body for u in f_units)
        sim_ordered = round(similarity(d_text, f_text), 4)
        if sim_ordered < SIMILARITY_FLOOR:
            lone_draft += sorted(ds)  # too unlike to be one provision: one deleted, the other added
            lone_final += sorted(fs)
            continue
        out.append(Aligned(d_units, f_units, _change(d_units, f_units, anchors[rep] in chain),
                           sim_ordered, round(similarity_unordered(d_text, f_text), 4), p.basis[rep]))
    out += [Aligned([], [final[j]], "added") for j in sorted(lone_final)]
    out += [Aligned([draft[i]], [], "deleted") for i in sorted(lone_draft)]
    # Final-document order; deleted units last, in draft order (rule 5).
    out.sort(key=lambda a: (0, a.final[0].ord) if a.final else (1, a.draft[0].ord))
    return out
