"""Show a draft -> final comparison: a terminal summary and a self-contained HTML page (`policykit diff`)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2
import pandas as pd
import wcwidth

from policykit.analysis import align, compare, worddiff
from policykit.analysis.align import Aligned
from policykit.analysis.worddiff import Edit
from policykit.errors import InputError
from policykit.zh import shorten as _short

CHANGE_ORDER = align.CHANGE_CLASSES


@dataclass(frozen=True)
class Comparison:
    """A compared pair: document titles and its aligned units with their edits."""

    draft_id: str
    final_id: str
    draft_title: str
    final_title: str
    threshold: float
    units: list[tuple[Aligned, list[Edit]]]
    is_draft: bool = True  # a draft and its final text; else an older and a newer version (of a law, say)

    @property
    def sides(self) -> tuple[str, str]:
        """What the two sides are called: draft and final, or older and newer."""
        return ("draft", "final") if self.is_draft else ("older", "newer")

    @property
    def counts(self) -> Counter[str]:
        """Number of aligned units per change class."""
        return Counter(al.change for al, _ in self.units)

    @property
    def n_edits(self) -> int:
        """Word-level edits in all units."""
        return sum(len(e) for _, e in self.units)

    @property
    def n_number_edits(self) -> int:
        """Edits that change a number, quantity or deadline (not those restating the same value)."""
        return sum(changes_value(x) for _, e in self.units for x in e)


def changes_value(edit: Edit) -> bool:
    """Whether an edit really changes a number: it touches one and the value is not the same (true/unknown)."""
    return edit.touches_numbers and edit.value_changed != "false"


def comparison(documents: pd.DataFrame, provisions: pd.DataFrame, draft_id: str, final_id: str,
               threshold: float = align.DEFAULT_THRESHOLD) -> Comparison:
    """Compare two documents of the published tables."""
    titles = {}
    for doc in (draft_id, final_id):
        hit = documents[documents["doc_id"] == doc]
        if hit.empty:
            known = ", ".join(sorted(map(str, documents["doc_id"])))
            raise InputError("table documents", f"no document {doc!r}; documents: {known}")
        titles[doc] = align.cell_text(hit.iloc[0]["title"])
    kind = documents.loc[documents["doc_id"] == draft_id, "kind"].iloc[0] if "kind" in documents else "draft"
    units = compare.compare_units(provisions, draft_id, final_id, threshold)
    return Comparison(draft_id, final_id, titles[draft_id], titles[final_id], threshold, units, kind == "draft")


# --- terminal ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns text takes in a terminal (CJK characters take two), as wcwidth measures them."""
    return wcwidth.width(text)


def _fit(text: str, width: int) -> str:
    """Text cut (ending in …) or padded to exactly width terminal columns."""
    if _width(text) > width:
        # clip() puts a space where it splits a wide character: drop it before the ellipsis
        text = wcwidth.clip(text, 0, width - 1).rstrip(" ") + "…"
    return wcwidth.ljust(text, width)


def _heading(side: Sequence[align.Unit]) -> str:
    """Heading shown for one side of a unit."""
    if not side:
        return "—"
    if all(u.label for u in side):
        return "、".join(u.label for u in side)  # articles are cited by number: 第三条、第四条
    name = side[0].name or "（序言）"
    return name + (f" +{len(side) - 1}" if len(side) > 1 else "")


def summary_lines(cmp: Comparison) -> list[str]:
    """Counts by change class, one line."""
    counts = cmp.counts
    parts = [f"{k} {counts[k]}" for k in CHANGE_ORDER if counts[k]]
    return [f"{len(cmp.units)} aligned units: " + " · ".join(parts),
            f"{cmp.n_edits} word-level edits, {cmp.n_number_edits} changing numbers or deadlines"]


def render_text(cmp: Comparison, width: int = 30, max_edit: int = 60) -> str:
    """The comparison as plain text: summary, a side-by-side table of units, then each unit's edits."""
    lines = [f"{cmp.draft_title} [{cmp.draft_id}]", f"  → {cmp.final_title} [{cmp.final_id}]",
             f"threshold {cmp.threshold:g}", *summary_lines(cmp), ""]
    older, newer = cmp.sides
    lines.append(f"{'#':>3}  {_fit(older, width)}  {_fit(newer, width)}  {'change':<9} {'sim':>5} {'bag':>5}"
                 "  edits")
    for n, (al, edits) in enumerate(cmp.units, start=1):
        sim = f"{al.similarity:.2f}" if al.similarity is not None else "  —"
        bag = f"{al.similarity_unordered:.2f}" if al.similarity_unordered is not None else "  —"
        num = " #" if any(changes_value(e) for e in edits) else ""
        lines.append(f"{n:>3}  {_fit(_heading(al.draft), width)}  {_fit(_heading(al.final), width)}  "
                     f"{al.change:<9} {sim:>5} {bag:>5}  {len(edits)}{num}")
    lines += ["", "(sim = similarity in order; bag = order-insensitive similarity, the words as a bag; "
              "# = an edit changes a number, quantity or deadline)", ""]
    for n, (al, edits) in enumerate(cmp.units, start=1):
        if al.change == "unchanged":
            continue
        sim = f" · {al.similarity:.2f}" if al.similarity is not None else ""
        lines.append(f"── {n}. {_heading(al.draft)} → {_heading(al.final)} · {al.change}{sim}")
        for e in edits:
            mark = {"insert": "+", "delete": "-", "replace": "~", "move": "↕"}[e.op]
            flag = "  [number]" if changes_value(e) else "  [same value]" if e.touches_numbers else ""
            flag += "  [trivial]" if e.trivial else ""
            if e.op == "replace":
                body = f"{_short(e.draft_text, max_edit)} → {_short(e.final_text, max_edit)}"
            else:
                body = _short(e.final_text or e.draft_text, max_edit)
            lines.append(f"   {mark} {body}{flag}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -------------------------------------------------------------------------------------
# The page is a Jinja2 template (templates/diff.html.j2, one side of a unit in diff_side.html.j2, the
# style sheet in diff.css) filled with the view built here; autoescaping escapes every text.


@functools.cache
def _templates() -> jinja2.Environment:
    """The Jinja2 environment of the package's templates (HTML autoescaped)."""
    return jinja2.Environment(loader=jinja2.PackageLoader("policykit", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "html.j2"], default=True),
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def _segments(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Text cut at the character spans: (piece, None) outside a span, (piece, classes) inside one."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, classes in sorted(spans):
        if end <= start or start < pos:
            continue
        out += [(text[pos:start], None), (text[start:end], classes)]
        pos = end
    out.append((text[pos:], None))
    return [(piece, classes) for piece, classes in out if piece or classes is not None]


def _classes(edit: Edit, moved: bool) -> str:
    """HTML classes of an edit: num (changes a number's value), moved (words reappear elsewhere), trivial."""
    flags = (("num", changes_value(edit)), ("moved", moved), ("trivial", edit.trivial))
    return " ".join(c for c, on in flags if on)


SIDE_LABELS = {(True, "draft"): "征求意见稿 draft", (True, "final"): "正式稿 final",
               (False, "draft"): "旧版 older", (False, "final"): "新版 newer"}


def _side_view(al: Aligned, edits: Sequence[Edit], side: str, is_draft: bool = True) -> dict[str, object]:
    """What the template shows of one side of a unit: label, provision ids, text cut at its edits."""
    units = al.draft if side == "draft" else al.final
    label = SIDE_LABELS[is_draft, side]
    if not units:
        return {"empty": True, "label": label}
    text = worddiff.side_text(units)
    moved = worddiff.moved_edits(edits)
    if al.change in ("added", "deleted"):
        spans = [(0, len(text), "num" if any(changes_value(e) for e in edits) else "")]
    elif side == "draft":
        spans = [(e.draft_start, e.draft_end, _classes(e, m)) for e, m in zip(edits, moved, strict=True)]
    else:
        spans = [(e.final_start, e.final_end, _classes(e, m)) for e, m in zip(edits, moved, strict=True)]
    return {"empty": False, "label": label, "ids": ", ".join(u.provision_id for u in units),
            "tag": "del" if side == "draft" else "ins", "segments": _segments(text, spans)}


def _side_html(al: Aligned, edits: Sequence[Edit], side: str) -> str:
    """One side of a unit as HTML, with its deletions (draft) or insertions (final) highlighted."""
    return _templates().get_template("diff_side.html.j2").render(side=_side_view(al, edits, side)).strip()


def _sections(cmp: Comparison) -> list[dict[str, object]]:
    """The aligned units grouped by the section of their first provision, in order, as the template shows them."""
    sections: dict[str, list[dict[str, object]]] = {}
    for n, (al, edits) in enumerate(cmp.units, start=1):
        first = (al.final or al.draft)[0]
        sections.setdefault(first.section or "序言 Preamble", []).append({
            "n": n, "change": al.change, "title": f"{_heading(al.draft)} → {_heading(al.final)}",
            "nav_heading": _heading(al.final if al.final else al.draft),
            "similarity": al.similarity, "similarity_unordered": al.similarity_unordered, "basis": al.basis or "",
            "numbers_changed": any(changes_value(e) for e in edits), "n_edits": len(edits),
            "sides": [_side_view(al, edits, "draft", cmp.is_draft), _side_view(al, edits, "final", cmp.is_draft)]})
    return [{"title": title, "units": units} for title, units in sections.items()]


def render_html(cmp: Comparison) -> str:
    """The comparison as one self-contained HTML page (inline CSS, no scripts, no network)."""
    counts = cmp.counts
    sims = [al.similarity for al, _ in cmp.units if al.similarity is not None]
    return _templates().get_template("diff.html.j2").render(
        cmp=cmp, counts=[(k, counts[k]) for k in CHANGE_ORDER if counts[k]], sections=_sections(cmp),
        mean_similarity=sum(sims) / len(sims) if sims else None)
