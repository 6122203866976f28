"""Compare versions: align and diff a draft against its final version.

``build_comparison(documents, provisions)`` aligns the provisions of each older version with those of the
next version of its family (documents.version_pairs), classifies every aligned unit, and lists word-level
edits. (Two witnesses of the *same* document are collated by policykit.collate.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from .errors import InputError
from .schema import require, table
from .zh import is_han

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

PROVISION_COLUMNS = ("doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading", "text")

# Value words that replace a stated quantity without giving one (增长1倍 -> 大幅提升): value_changed unknown.
_VAGUE_CHANGE = re.compile(r"大幅|显著|明显|较大|大大|成倍|稳步|持续|进一步")
VARIANTS_FILE = "variant_forms.tsv"


@dataclass(frozen=True)
class Unit:
    """One side of an aligned unit: a provision of a document."""

    provision_id: str
    ord: int
    heading: str  # the provision's own heading ('' if none)
    name: str  # its own heading, else the nearest heading up the tree
    section: str  # heading of its top-level part
    body: str  # text without label and heading

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


def _clean(value: object) -> str:
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


def units(provisions: pd.DataFrame, doc_id: str) -> list[Unit]:
    """The text-bearing provisions of one document, in document order, as comparison units."""
    rows = provisions[provisions["doc_id"] == doc_id].sort_values("ord", kind="mergesort")
    by_id = {_clean(r["provision_id"]): r for _, r in rows.iterrows()}
    out: list[Unit] = []
    for _, r in rows.iterrows():
        label, heading = _clean(r["label"]), _clean(r["heading"])
        body = _strip_heading(_clean(r["text"]), label, heading)
        if not "".join(body.split()):
            continue
        # The nearest heading up the tree names a unit that has none of its own; the top-level
        # ancestor's heading names its section.
        name, top, node = heading, heading, r
        while True:
            parent = _clean(node["parent_id"])
            if not parent or parent not in by_id:
                break
            node = by_id[parent]
            top = _clean(node["heading"]) or top
            name = name or _clean(node["heading"])
        out.append(Unit(_clean(r["provision_id"]), int(r["ord"]), heading, name, top, body))
    return out


def _dense_text(text: str) -> str:
    """Text without whitespace."""
    return "".join(text.split())


def similarity(a: str, b: str) -> float:
    """Normalised Indel similarity (0-1) of two texts, whitespace ignored."""
    return float(Indel.normalized_similarity(_dense_text(a), _dense_text(b)))


def _words(text: str) -> list[str]:
    """The words of text for the order-insensitive similarity: tokens without punctuation and whitespace."""
    return [t for t in tokenize(text) if any(ch.isalnum() for ch in t)]


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
    if not in_sequence:
        return "moved"
    if _dense_text(d_units[0].display) == _dense_text(f_units[0].display):
        return "unchanged"
    return "modified"


def align(draft: Sequence[Unit], final: Sequence[Unit], threshold: float = DEFAULT_THRESHOLD) -> list[Aligned]:
    """Align draft units with final units and classify each aligned unit (rules above)."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError("compare", f"threshold must lie between 0 and 1, got {threshold}")
    sim = _similarity_matrix(draft, final)
    p = _assigned(sim, len(draft), len(final), threshold)
    need = max(COVERAGE, threshold)  # containment never pairs below the threshold either
    _absorb(draft, final, p, need)
    _pair_leftovers(draft, final, sim, p, threshold)
    anchors = {rep: (min(ds), min(fs)) for rep, (ds, fs) in p.groups.items()}
    chain = _in_sequence(list(anchors.values()))
    out: list[Aligned] = []
    for rep, (ds, fs) in p.groups.items():
        d_units = [draft[i] for i in sorted(ds)]
        f_units = [final[j] for j in sorted(fs)]
        d_text, f_text = "".join(u.body for u in d_units), "".join(u.body for u in f_units)
        out.append(Aligned(d_units, f_units, _change(d_units, f_units, anchors[rep] in chain),
                           round(similarity(d_text, f_text), 4), round(similarity_unordered(d_text, f_text), 4),
                           p.basis[rep]))
    out += [Aligned([], [final[j]], "added") for j in p.lone_final]
    out += [Aligned([draft[i]], [], "deleted") for i in p.lone_draft]
    # Final-document order; deleted units last, in draft order (rule 5).
    out.sort(key=lambda a: (0, a.final[0].ord) if a.final else (1, a.draft[0].ord))
    return out


# --------------------------------------------------------------------------------------------------
# Word-level changes inside an aligned unit
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One word-level edit operation: draft words replaced by final words (either may be empty)."""

    op: str  # insert, delete, replace or move
    draft_text: str
    final_text: str
    context: str
    touches_numbers: bool
    draft_start: int = 0  # character offsets into the two compared texts, for rendering
    draft_end: int = 0
    final_start: int = 0
    final_end: int = 0
    trivial: bool = False  # punctuation, spacing or variant characters only (制订 -> 制定)
    value_changed: str | None = None  # true, false or unknown where the edit touches numbers, else None


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of the jieba words of text (domain dictionary of policykit.terms), whitespace dropped."""
    from .terms import tokenize_spans  # imported on first use: jieba's start-up cost only when words are needed

    return [(tok, a, b) for tok, a, b in tokenize_spans(text, filtered=False) if tok.strip()]


def tokenize(text: str) -> list[str]:
    """Jieba words of text, whitespace dropped."""
    return [tok for tok, _, _ in token_spans(text)]


def touches_numbers(*texts_or_tokens: str | Sequence[str]) -> bool:
    """Whether any text (or run of tokens) states a quantity, date or deadline (policykit.quantities)."""
    from .quantities import has_quantity

    return any(has_quantity(item if isinstance(item, str) else "".join(item)) for item in texts_or_tokens)


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Variant form -> standard form, from resources/variant_forms.tsv (form<TAB>standard<TAB>reason)."""
    from . import config

    path = config.RESOURCES_DIR / VARIANTS_FILE
    out: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("form\t"):
            continue
        cells = line.split("\t")
        if len(cells) != 3 or not all(c.strip() for c in cells):
            raise InputError(path, f"line {n}: expected 'form<TAB>standard<TAB>reason', got {line!r}")
        out[cells[0].strip()] = cells[1].strip()
    return out


def _standard(text: str) -> str:
    """Letters and digits of text with variant forms replaced by their standard form."""
    dense = _content(text)
    for form in sorted(_variants(), key=lambda f: (-len(f), f)):
        dense = dense.replace(form, _variants()[form])
    return dense


def is_trivial(draft_text: str, final_text: str) -> bool:
    """Whether an edit changes only punctuation, spacing or variant forms of a word (制订 -> 制定)."""
    return _standard(draft_text) == _standard(final_text)


def _is_glue(tokens: Sequence[str]) -> bool:
    """A single one-character word between two edits (的, 和, 等): reads better inside one edit."""
    return len(tokens) == 1 and len(tokens[0]) == 1 and is_han(tokens[0])


def _char_span(spans: Sequence[tuple[str, int, int]], k1: int, k2: int, n: int) -> tuple[int, int]:
    """Character offsets of tokens k1..k2 (an empty range sits at the start of token k1)."""
    if k2 > k1:
        return spans[k1][1], spans[k2 - 1][2]
    at = spans[k1][1] if k1 < len(spans) else (spans[-1][2] if spans else 0)
    return min(at, n), min(at, n)


# A sentence ends after 。；！？ (closing quotes and brackets kept with it) or at a line break.
_SENTENCE = re.compile(r"[^。；！？!?;\n]+(?:[。；！？!?;]+[”’）」』》)]*)?|[。；！？!?;]+")
MOVE_MIN_SENTENCE = 8
"""Letters and digits a sentence needs to be recognised as moved (shorter ones recur by chance)."""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of text, surrounding whitespace excluded."""
    out = []
    for m in _SENTENCE.finditer(text):
        piece = m.group()
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if piece.strip():
            out.append((m.start() + lead, m.end() - trail))
    return out


def shared_sentences(draft: str, final: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Sentences of either side found verbatim in the other side, as (draft span, final span) pairs.

    A sentence may sit inside a longer sentence of the other side (a clause split off or joined). Longer
    sentences are matched first; spans never overlap on either side.
    """
    cands = []
    for here, there, is_draft in ((draft, final, True), (final, draft, False)):
        for a, b in sentence_spans(here):
            piece = here[a:b]
            if len(_content(piece)) < MOVE_MIN_SENTENCE:
                continue
            at = there.find(piece)
            while at >= 0:
                span, other = (a, b), (at, at + len(piece))
                cands.append((span, other) if is_draft else (other, span))
                at = there.find(piece, at + 1)
    used_d: list[tuple[int, int]] = []
    used_f: list[tuple[int, int]] = []
    out = []
    for d, f in sorted(set(cands), key=lambda c: (-(c[0][1] - c[0][0]), c[0], c[1])):
        if any(d[0] < e and s < d[1] for s, e in used_d) or any(f[0] < e and s < f[1] for s, e in used_f):
            continue
        used_d.append(d)
        used_f.append(f)
        out.append((d, f))
    return sorted(out)


def _inside(span: tuple[str, int, int], ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether a token lies inside one of the character ranges."""
    return any(a <= span[1] and span[2] <= b for a, b in ranges)


def _context(text: str, start: int, end: int, old: str, new: str, context: int) -> str:
    """The edit in [old→new] with context characters of text on either side (whitespace dropped)."""
    left = "".join(text[:start].split())[-context:]
    right = "".join(text[end:].split())[:context]
    return f"{left}[{old}→{new}]{right}"


def _diff(sa: list[tuple[str, int, int]], sb: list[tuple[str, int, int]], draft: str, final: str,
          context: int) -> list[Edit]:
    """Word-level edits turning tokens sa (of draft) into tokens sb (of final)."""
    from difflib import SequenceMatcher

    a, b = [t[0] for t in sa], [t[0] for t in sb]
    ops = [list(op) for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    merged: list[list] = []
    for op in ops:
        if (op[0] != "equal" and len(merged) >= 2 and merged[-1][0] == "equal"
                and merged[-2][0] != "equal" and _is_glue(a[merged[-1][1]:merged[-1][2]])):
            merged.pop()
            prev = merged[-1]
            prev[0], prev[2], prev[4] = "replace", op[2], op[4]
            continue
        if op[0] != "equal" and merged and merged[-1][0] != "equal":
            prev = merged[-1]
            prev[0], prev[2], prev[4] = "replace", op[2], op[4]
            continue
        merged.append(op)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            continue
        tag = "insert" if i1 == i2 else "delete" if j1 == j2 else "replace"
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        ds, de = _char_span(sa, i1, i2, len(draft))
        fs, fe = _char_span(sb, j1, j2, len(final))
        ctx = _context(final, fs, fe, old, new, context) if sb else _context(draft, ds, de, old, new, context)
        edits.append(Edit(tag, old, new, ctx, False, ds, de, fs, fe, is_trivial(old, new)))
    return edits


def _number_flags(edits: list[Edit], draft: str, final: str) -> list[Edit]:
    """Edits with touches_numbers (a quantity overlaps the edit's words) and value_changed set."""
    from collections import Counter

    from .quantities import find

    dq, fq = find(draft), find(final)
    all_d, all_f = Counter(q.key for q in dq), Counter(q.key for q in fq)

    def hits(qs: list, start: int, end: int) -> list:
        return [q for q in qs if q.start < end and start < q.end]

    out = []
    for e in edits:
        d_hits, f_hits = hits(dq, e.draft_start, e.draft_end), hits(fq, e.final_start, e.final_end)
        if not d_hits and not f_hits:
            out.append(e)
            continue
        out.append(replace(e, touches_numbers=True,
                           value_changed=_value_changed(e, d_hits, f_hits, all_d, all_f)))
    return out


def _value_changed(e: Edit, d_hits: list, f_hits: list, all_d, all_f) -> str:  # noqa: ANN001 - Counters
    """true, false or unknown: whether the quantities an edit touches change value (codebook 2.2)."""
    from collections import Counter

    if e.op == "move":
        return "false"
    dk, fk = Counter(q.key for q in d_hits), Counter(q.key for q in f_hits)
    if dk == fk:
        return "false"  # reworded, same value (增长1倍 -> 倍增)
    removed, added = dk - fk, fk - dk
    # a quantity that leaves here but stands elsewhere on the other side was moved, not changed
    if all(all_f[k] >= n for k, n in removed.items()) and all(all_d[k] >= n for k, n in added.items()):
        return "false"
    if (removed and not added and _VAGUE_CHANGE.search(e.final_text)) or \
            (added and not removed and _VAGUE_CHANGE.search(e.draft_text)):
        return "unknown"  # a stated quantity replaced by a vague one (增长1倍 -> 大幅提升)
    return "true"


def _matched(sa: list[tuple[str, int, int]], sb: list[tuple[str, int, int]]) -> dict[int, int]:
    """Draft token index -> final token index for the tokens the word diff keeps unchanged."""
    from difflib import SequenceMatcher

    sm = SequenceMatcher(None, [t[0] for t in sa], [t[0] for t in sb], autojunk=False)
    return {i + k: j + k for i, j, n in sm.get_matching_blocks() for k in range(n)}


def word_edits(draft: str, final: str, context: int = 12) -> list[Edit]:
    """Word-level edit operations turning draft into final, with context from final (else draft).

    A sentence found verbatim on both sides is never a deletion plus an insertion: where the word diff
    does not keep it in place, it is one `move` (draft_text = final_text = the sentence), taken out of the
    texts before the remaining words are diffed.
    """
    sa, sb = token_spans(draft), token_spans(final)
    matched = _matched(sa, sb)
    moved = []
    for d, f in shared_sentences(draft, final):
        d_idx = [k for k, t in enumerate(sa) if _inside(t, [d])]
        f_idx = {k for k, t in enumerate(sb) if _inside(t, [f])}
        if not d_idx or any(matched.get(k) not in f_idx for k in d_idx):
            moved.append((d, f))
    if moved:
        sa = [t for t in sa if not _inside(t, [m[0] for m in moved])]
        sb = [t for t in sb if not _inside(t, [m[1] for m in moved])]
    edits = _diff(sa, sb, draft, final, context)
    for (ds, de), (fs, fe) in moved:
        text = final[fs:fe]
        edits.append(Edit("move", draft[ds:de], text, _context(final, fs, fe, "↕", text, context), False,
                          ds, de, fs, fe, False))
    edits.sort(key=lambda e: (e.final_start, e.draft_start, e.op != "move"))
    return _number_flags(edits, draft, final)


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------

ALIGNMENT_COLUMNS = tuple(table("alignment").columns)
CHANGES_COLUMNS = tuple(table("changes").columns)
MOVE_MIN_CHARS = 4  # shorter pieces (的, 和, 推进) recur by chance
MOVE_SIMILARITY = 0.8


def _content(text: str) -> str:
    """Letters and digits of a text: punctuation and spacing do not decide a move."""
    return "".join(ch for ch in text if ch.isalnum())


def moved_edits(edits: Sequence[Edit]) -> list[bool]:
    """For each edit, whether its removed words reappear inserted by another edit of the unit (or the reverse).

    The word diff reports a re-sequenced clause (安全有序，开放融合 -> 开放融合，安全有序) as a deletion here
    and an insertion there; both are marked so that a reader can tell reordering from rewriting.
    """
    removed = [_content(e.draft_text) for e in edits]
    added = [_content(e.final_text) for e in edits]
    moved = [e.op == "move" for e in edits]  # whole sentences found on both sides (word_edits)
    for i, old in enumerate(removed):
        if len(old) < MOVE_MIN_CHARS or edits[i].op == "move":
            continue
        for j, new in enumerate(added):
            if i == j or len(new) < MOVE_MIN_CHARS or edits[j].op == "move":
                continue
            if old in new or new in old or Indel.normalized_similarity(old, new) >= MOVE_SIMILARITY:
                moved[i] = moved[j] = True
    return moved


def side_text(side: Sequence[Unit]) -> str:
    """The text of one side of an aligned unit (headings and bodies, in document order)."""
    return "\n".join(u.display for u in side)


def unit_edits(aligned: Aligned) -> list[Edit]:
    """Edits inside an aligned unit; an added or deleted unit is one insert or delete of its text."""
    draft, final = side_text(aligned.draft), side_text(aligned.final)
    if aligned.change in ("added", "deleted"):
        tag = "insert" if final else "delete"
        whole = Edit(tag, draft, final, f"[{draft}→{final}]", False, 0, len(draft), 0, len(final),
                     is_trivial(draft, final))
        return _number_flags([whole], draft, final)
    return word_edits(draft, final)


def compare_units(provisions: pd.DataFrame, draft_id: str, final_id: str,
                  threshold: float = DEFAULT_THRESHOLD) -> list[tuple[Aligned, list[Edit]]]:
    """Aligned units of one draft -> final pair, in final-document order, each with its edits."""
    require(provisions, PROVISION_COLUMNS, "provisions")
    d_units, f_units = units(provisions, draft_id), units(provisions, final_id)
    for doc, us in ((draft_id, d_units), (final_id, f_units)):
        if not us:
            raise InputError("table provisions", f"document {doc} has no provisions with text to compare")
    return [(al, unit_edits(al)) for al in align(d_units, f_units, threshold)]


def compare_pair(provisions: pd.DataFrame, draft_id: str, final_id: str,
                 threshold: float = DEFAULT_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(alignment, changes) rows for one draft -> final pair."""
    pair_id = f"{draft_id}__{final_id}"
    a_rows, c_rows = [], []
    for n, (al, edits) in enumerate(compare_units(provisions, draft_id, final_id, threshold), start=1):
        first_d = al.draft[0] if al.draft else None
        first_f = al.final[0] if al.final else None
        a_rows.append({
            "pair_id": pair_id, "unit": n, "draft_doc_id": draft_id, "final_doc_id": final_id,
            "draft_provision_ids": ";".join(u.provision_id for u in al.draft),
            "final_provision_ids": ";".join(u.provision_id for u in al.final),
            "draft_heading": first_d.name if first_d else None,
            "final_heading": first_f.name if first_f else None,
            "section": (first_f or first_d).section or None,
            "change": al.change, "similarity": al.similarity, "similarity_unordered": al.similarity_unordered,
            "basis": al.basis, "n_changes": len(edits), "touches_numbers": any(e.touches_numbers for e in edits),
        })
        for k, (e, moved) in enumerate(zip(edits, moved_edits(edits), strict=True), start=1):
            c_rows.append({"pair_id": pair_id, "unit": n, "op_index": k, "op": e.op,
                           "draft_text": e.draft_text, "final_text": e.final_text,
                           "context": e.context, "touches_numbers": e.touches_numbers,
                           "value_changed": e.value_changed, "is_moved": moved, "trivial": e.trivial})
    return (pd.DataFrame(a_rows, columns=list(ALIGNMENT_COLUMNS)),
            pd.DataFrame(c_rows, columns=list(CHANGES_COLUMNS)))


def build_comparison(documents: pd.DataFrame, provisions: pd.DataFrame,
                     threshold: float = DEFAULT_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alignment and changes tables for every pair of consecutive versions in documents.

    Inputs: documents (doc_id, and family_id and version, else kind and related_doc_id) and provisions
    (PROVISION_COLUMNS). Outputs: the alignment and changes tables, rows in pair order; the build conforms
    them (types, sort order) where it writes them.
    """
    from .documents import version_pairs

    results = [compare_pair(provisions, d, f, threshold) for d, f in version_pairs(documents)]
    alignment = pd.concat([r[0] for r in results], ignore_index=True) if results else \
        pd.DataFrame(columns=list(ALIGNMENT_COLUMNS))
    changes = pd.concat([r[1] for r in results], ignore_index=True) if results else \
        pd.DataFrame(columns=list(CHANGES_COLUMNS))
    return alignment, changes
