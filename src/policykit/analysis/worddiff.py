"""Word-level edits between two texts: a jieba word diff with moved sentences, trivial edits and numbers.

``word_edits(draft, final)`` lists the edit operations turning one text into the other; ``unit_edits``
does so for an aligned unit of policykit.analysis.align; ``moved_edits`` marks re-sequenced words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Indel

from policykit.analysis.align import Aligned, Unit
from policykit.errors import InputError
from policykit.zh import is_han

# Value words that replace a stated quantity without giving one (增长1倍 -> 大幅提升): value_changed unknown.
_VAGUE_CHANGE = re.compile(r"大幅|显著|明显|较大|大大|成倍|稳步|持续|进一步")
VARIANTS_FILE = "variant_forms.tsv"
MOVE_MIN_CHARS = 4  # shorter pieces (的, 和, 推进) recur by chance
MOVE_SIMILARITY = 0.8


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


def _content(text: str) -> str:
    """Letters and digits of a text: punctuation and spacing do not decide a move."""
    return "".join(ch for ch in text if ch.isalnum())


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of the jieba words of text (the terms stage's domain dictionary), whitespace dropped."""
    # imported on first use: jieba's start-up cost only when words are needed
    from policykit.analysis.tokenise import tokenize_spans

    return [(tok, a, b) for tok, a, b in tokenize_spans(text, filtered=False) if tok.strip()]


def tokenize(text: str) -> list[str]:
    """Jieba words of text, whitespace dropped."""
    return [tok for tok, _, _ in token_spans(text)]


def touches_numbers(*texts_or_tokens: str | Sequence[str]) -> bool:
    """Whether any text (or run of tokens) states a quantity, date or deadline (policykit.analysis.quantities)."""
    from policykit.analysis.quantities import has_quantity

    return any(has_quantity(item if isinstance(item, str) else "".join(item)) for item in texts_or_tokens)


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Variant form -> standard form, from resources/variant_forms.tsv (form<TAB>standard<TAB>reason)."""
    from policykit import config

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

    from policykit.analysis.quantities import find

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


def flag_edit(op: str, draft_text: str, final_text: str, left: str = "", right: str = "") -> tuple[bool, str | None]:
    """(touches_numbers, value_changed) of one edit between the same context on both sides (left, right)."""
    draft, final = left + draft_text + right, left + final_text + right
    edit = Edit(op, draft_text, final_text, "", False, len(left), len(left) + len(draft_text), len(left),
                len(left) + len(final_text))
    (out,) = _number_flags([edit], draft, final)
    return out.touches_numbers, out.value_changed


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
