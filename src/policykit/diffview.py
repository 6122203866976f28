"""Show a draft -> final comparison: a terminal summary and a self-contained HTML page (`policykit diff`)."""

from __future__ import annotations

import argparse
import html
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import compare
from .compare import Aligned, Edit
from .errors import InputError
from .zh import shorten as _short

CHANGE_ORDER = compare.CHANGE_CLASSES


@dataclass(frozen=True)
class Comparison:
    """A compared pair: document titles and its aligned units with their edits."""

    draft_id: str
    final_id: str
    draft_title: str
    final_title: str
    threshold: float
    units: list[tuple[Aligned, list[Edit]]]

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
               threshold: float = compare.DEFAULT_THRESHOLD) -> Comparison:
    """Compare two documents of the published tables."""
    titles = {}
    for doc in (draft_id, final_id):
        hit = documents[documents["doc_id"] == doc]
        if hit.empty:
            known = ", ".join(sorted(map(str, documents["doc_id"])))
            raise InputError("table documents", f"no document {doc!r}; documents: {known}")
        titles[doc] = compare._clean(hit.iloc[0]["title"])
    units = compare.compare_units(provisions, draft_id, final_id, threshold)
    return Comparison(draft_id, final_id, titles[draft_id], titles[final_id], threshold, units)


# --- terminal ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Text cut or padded to exactly width terminal columns."""
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - (1 if _width(text) > width else 0):
            out += "…"
            used += 1
            break
        out += ch
        used += w
    return out + " " * (width - used)


def _heading(side: Sequence[compare.Unit]) -> str:
    """Heading shown for one side of a unit."""
    if not side:
        return "—"
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
    lines.append(f"{'#':>3}  {_fit('draft', width)}  {_fit('final', width)}  {'change':<9} {'sim':>5} {'bag':>5}"
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

_CSS = """
:root { --ins: #d8f5d0; --ins-b: #2e7d32; --del: #fbd9d6; --del-b: #c62828; --num: #ffe08a; --ink: #1d1d1f; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fafafa; line-height: 1.75;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif; }
header { padding: 1.2rem 2rem; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.35rem; margin: 0 0 .3rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; }
.meta { color: #555; font-size: .9rem; }
.stats { display: flex; flex-wrap: wrap; gap: .6rem; margin-top: .8rem; }
.stat { background: #f1f1f4; border-radius: 6px; padding: .35rem .8rem; font-size: .9rem; }
.stat b { font-size: 1.1rem; margin-right: .3rem; }
.layout { display: grid; grid-template-columns: 15rem 1fr; }
nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; padding: 1rem;
  border-right: 1px solid #ddd; font-size: .85rem; background: #fff; }
nav a { color: #234; text-decoration: none; display: block; padding: .1rem 0; }
nav .sec { font-weight: bold; margin-top: .6rem; }
main { padding: 0 2rem 4rem; min-width: 0; }
.unit { background: #fff; border: 1px solid #ddd; border-radius: 8px; margin: 1rem 0; }
.unit > .head { display: flex; gap: .8rem; align-items: baseline; padding: .5rem 1rem; border-bottom: 1px solid #eee; }
.unit > .head .title { font-weight: bold; flex: 1; }
.sides { display: grid; grid-template-columns: 1fr 1fr; }
.side { padding: .6rem 1rem; white-space: pre-wrap; word-break: break-all; }
.side + .side { border-left: 1px solid #eee; }
.side .label { display: block; font-size: .75rem; color: #777; }
.side.empty { color: #999; font-style: italic; }
ins { background: var(--ins); text-decoration: none; border-bottom: 2px solid var(--ins-b); }
del { background: var(--del); text-decoration: line-through; text-decoration-color: var(--del-b); }
ins.num, del.num { outline: 2px solid #e0a800; background: var(--num); }
ins.moved, del.moved { background: #ede3f6; text-decoration: none; border-bottom: 2px dotted #6a1b9a; }
ins.trivial, del.trivial { background: #eeeeee; border-bottom-color: #999; text-decoration-color: #999; }
.badge { border-radius: 4px; padding: 0 .45rem; font-size: .8rem; color: #fff; background: #777; }
.badge.unchanged { background: #8a8a8a; } .badge.modified { background: #1565c0; } .badge.moved { background: #6a1b9a; }
.badge.merged { background: #00838f; } .badge.split { background: #00695c; }
.badge.added { background: var(--ins-b); } .badge.deleted { background: var(--del-b); }
.sim { color: #555; font-size: .85rem; } .numflag { color: #a66f00; font-size: .8rem; }
.legend { font-size: .85rem; color: #555; margin-top: .5rem; }
"""


def _marked(text: str, spans: Sequence[tuple[int, int, str]], tag: str) -> str:
    """Text as HTML with the character spans wrapped in tag, each with its classes (num, moved)."""
    out, pos = [], 0
    for start, end, classes in sorted(spans):
        if end <= start or start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        cls = f' class="{classes}"' if classes else ""
        out.append(f"<{tag}{cls}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _classes(edit: Edit, moved: bool) -> str:
    """HTML classes of an edit: num (changes a number's value), moved (words reappear elsewhere), trivial."""
    flags = (("num", changes_value(edit)), ("moved", moved), ("trivial", edit.trivial))
    return " ".join(c for c, on in flags if on)


def _side_html(al: Aligned, edits: Sequence[Edit], side: str) -> str:
    """One side of a unit, with its deletions (draft) or insertions (final) highlighted."""
    units = al.draft if side == "draft" else al.final
    label = "征求意见稿 draft" if side == "draft" else "正式稿 final"
    if not units:
        return f'<div class="side empty"><span class="label">{label}</span>（无对应条款 none）</div>'
    text = compare.side_text(units)
    ids = ", ".join(u.provision_id for u in units)
    tag = "del" if side == "draft" else "ins"
    moved = compare.moved_edits(edits)
    if al.change in ("added", "deleted"):
        spans = [(0, len(text), "num" if any(changes_value(e) for e in edits) else "")]
    elif side == "draft":
        spans = [(e.draft_start, e.draft_end, _classes(e, m)) for e, m in zip(edits, moved, strict=True)]
    else:
        spans = [(e.final_start, e.final_end, _classes(e, m)) for e, m in zip(edits, moved, strict=True)]
    return (f'<div class="side" lang="zh-CN"><span class="label">{label} · {html.escape(ids)}</span>'
            f"{_marked(text, spans, tag)}</div>")


def render_html(cmp: Comparison) -> str:
    """The comparison as one self-contained HTML page (inline CSS, no scripts, no network)."""
    counts = cmp.counts
    stats = [f'<span class="stat"><b>{len(cmp.units)}</b>aligned units 对齐单元</span>']
    stats += [f'<span class="stat"><b>{counts[k]}</b><span class="badge {k}">{k}</span></span>'
              for k in CHANGE_ORDER if counts[k]]
    stats += [f'<span class="stat"><b>{cmp.n_edits}</b>word-level edits 词级修改</span>',
              f'<span class="stat"><b>{cmp.n_number_edits}</b>change numbers or deadlines 数字/时限变化</span>']
    sims = [al.similarity for al, _ in cmp.units if al.similarity is not None]
    if sims:
        stats.append(f'<span class="stat"><b>{sum(sims) / len(sims):.2f}</b>mean similarity 平均相似度</span>')

    sections: dict[str, list[int]] = {}
    for n, (al, _) in enumerate(cmp.units, start=1):
        first = (al.final or al.draft)[0]
        sections.setdefault(first.section or "序言 Preamble", []).append(n)
    nav, body = [], []
    for s_no, (section, members) in enumerate(sections.items(), start=1):
        nav.append(f'<a class="sec" href="#s{s_no}">{html.escape(section)}</a>')
        body.append(f'<h2 id="s{s_no}">{html.escape(section)}</h2>')
        for n in members:
            al, edits = cmp.units[n - 1]
            title = f"{_heading(al.draft)} → {_heading(al.final)}"
            nav.append(f'<a href="#u{n}">{n}. {html.escape(_heading(al.final if al.final else al.draft))}'
                       f' <span class="badge {al.change}">{al.change}</span></a>')
            sim = (f'<span class="sim">similarity {al.similarity:.2f} · unordered {al.similarity_unordered:.2f}'
                   f' · paired by {html.escape(al.basis or "")}</span>') if al.similarity is not None else ""
            flag = ('<span class="numflag">数字/时限变化 numbers changed</span>'
                    if any(changes_value(e) for e in edits) else "")
            body.append(
                f'<section class="unit {al.change}" id="u{n}"><div class="head">'
                f'<span class="title">{n}. {html.escape(title)}</span>{flag}'
                f'<span class="badge {al.change}">{al.change}</span>{sim}'
                f'<span class="sim">{len(edits)} edits</span></div>'
                f'<div class="sides">{_side_html(al, edits, "draft")}{_side_html(al, edits, "final")}</div></section>')
    title = f"{cmp.draft_title} → {cmp.final_title}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(cmp.draft_title)} → {html.escape(cmp.final_title)}</h1>
<div class="meta">{html.escape(cmp.draft_id)} → {html.escape(cmp.final_id)} · similarity threshold {cmp.threshold:g}
 · aligned by content (policykit.compare)</div>
<div class="stats">{"".join(stats)}</div>
<div class="legend"><del>删除 deleted</del> <ins>新增 inserted</ins> <ins class="num">数字/时限 number</ins>
<ins class="moved">移动 moved (the same words removed here, inserted there)</ins>
<ins class="trivial">标点/异形词 punctuation or variant form only</ins></div>
</header>
<div class="layout">
<nav>{"".join(nav)}</nav>
<main>{"".join(body)}</main>
</div>
</body>
</html>
"""


# --- command line -----------------------------------------------------------------------------


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add the `diff` sub-command to an argparse subparsers object."""
    p = subparsers.add_parser(
        "diff", help="compare two versions of a document (a draft with its final text, say)",
        description="Align the provisions of an older version (a draft) with those of a newer one (the final "
                    "document) and show what changed. Pairs of consecutive versions: the documents table's "
                    "family_id and version columns.")
    p.add_argument("draft_id", metavar="DRAFT_ID", help="doc_id of the older version (see policykit.load('documents'))")
    p.add_argument("final_id", metavar="FINAL_ID", help="doc_id of the newer version")
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="folder of built tables to read (default: data/processed), "
                        "e.g. a `policykit build --out` folder")
    p.add_argument("--html", metavar="FILE", type=Path, help="write a self-contained HTML page to FILE")
    p.add_argument("--threshold", metavar="X", type=float, default=compare.DEFAULT_THRESHOLD,
                   help=f"similarity needed to pair two provisions, 0-1 (default {compare.DEFAULT_THRESHOLD})")
    p.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    """Run `policykit diff` with parsed arguments; return the exit status."""
    from .tables import load

    try:
        documents = load("documents", processed_dir=args.data)
        provisions = load("provisions", processed_dir=args.data)
        cmp = comparison(documents, provisions, args.draft_id, args.final_id, args.threshold)
    except (InputError, FileNotFoundError) as err:
        print(f"policykit diff: {err}", file=sys.stderr)
        return 2
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(cmp), encoding="utf-8")
        print("\n".join(summary_lines(cmp)))
        print(f"wrote {args.html}")
    else:
        sys.stdout.write(render_text(cmp))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: python -m policykit.diffview DRAFT_ID FINAL_ID."""
    parser = argparse.ArgumentParser(prog="policykit")
    register_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["diff", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
