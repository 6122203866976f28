"""Structure stage: the lossless tree of provisions of each document (and, re-exported, its sentences).

Where provisions open is found in numbering, a table of contents is followed in outline; here the
openings become a tree (by the rank of their numbering), with a closing provision for the signature
and the closing paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from policykit.errors import InputError
from policykit.ingest.numbering import CONVENTIONS, Opening, find_openings, line_spans, match_numbering
from policykit.ingest.outline import outline_placement
from policykit.ingest.sentences import has_sentence_end, split_sentences, trim_span
from policykit.schema import require, table
from policykit.zh import CJK

__all__ = ["Provision", "build_provisions", "count_provisions", "parse_provisions", "split_sentences"]

_HALF_DASH = 0.75  # dash items nest under the heading or provision they follow


@dataclass(frozen=True)
class Provision:
    """One provision of a document: its place in the tree and its own span of the text."""

    provision_id: str
    parent_id: str | None
    level: int
    ord: int
    label: str
    heading: str | None
    char_start: int
    char_end: int

    def text_of(self, text: str) -> str:
        """The provision's own text, cut from the document text."""
        return text[self.char_start:self.char_end]


def _ranks(openings: list[Opening]) -> dict[str, float]:
    """Rank of each numbering convention the document uses (lower = higher in the tree)."""
    ranks = {key: rank for key, _p, rank, _f in CONVENTIONS}
    used = [op.convention for op in openings if op.kind == "numbered"]
    if used:
        ranks[used[0]] = -1.0  # the document's first numbering is its top level
    # `1.` and `1、` share a rank; where a document uses both, the one it uses first is the higher
    both = [c for c in dict.fromkeys(used) if c in ("ar_dot", "ar_comma")]
    if len(both) == 2 and ranks[both[1]] == ranks[both[0]]:
        ranks[both[1]] += 0.5
    return ranks


def parse_provisions(text: str) -> list[Provision]:
    """Parse a document's canonical text into its provisions, in document order."""
    openings = find_openings(text)
    ranks = _ranks(openings)
    openings, placed = outline_placement(text, openings)
    openings = _with_closing(text, openings)
    first, _ = trim_span(text, 0, len(text))
    if first >= len(text):
        return []
    starts = [op.start for op in openings] + [len(text)]
    out: list[Provision] = []
    if not openings or openings[0].start > first:
        _s, e = trim_span(text, first, starts[0])
        out.append(Provision("0", None, 0, 1, "", None, first, e))
    # stack of (provision_id, effective rank, kind); children counted per parent id
    stack: list[tuple[str, float, str]] = []
    n_children: dict[str | None, int] = {}
    placed_ids: dict[int, tuple[str, int]] = {}  # opening index -> (provision_id, level)
    for k, op in enumerate(openings):
        if k in placed:
            # a heading of the body of a document with a table of contents: under its outline entry
            parent_k = placed[k]
            parent, level = (None, 1) if parent_k is None else (placed_ids[parent_k][0], placed_ids[parent_k][1] + 1)
            n_children[parent] = n_children.get(parent, 0) + 1
            pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
            s, e = trim_span(text, op.start, starts[k + 1])
            out.append(Provision(pid, parent, level, len(out) + 1, op.label, op.heading or None, s, e))
            placed_ids[k] = (pid, level)
            continue
        if op.kind == "numbered":
            rank = ranks[op.convention]
            while stack and stack[-1][1] >= rank:
                stack.pop()
        elif op.kind == "closing":
            rank = -2.0
            stack.clear()  # the closing provision stands at the top level, after every part
        elif op.convention == "case_section":
            rank = -3.0
            stack.clear()  # a court case's sections are its top level: numbered quotes nest under them
        elif op.kind == "continued":
            while stack and stack[-1][1] > ranks["article"]:
                stack.pop()  # back to the article: the paragraph is its own, a sibling of its items
            parent = stack[-1][0] if stack else None
            n_children[parent] = n_children.get(parent, 0) + 1
            pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
            s, e = trim_span(text, op.start, starts[k + 1])
            out.append(Provision(pid, parent, len(stack) + 1, len(out) + 1, "", None, s, e))
            placed_ids[k] = (pid, len(stack) + 1)
            continue
        else:
            pops = ("dash",) if op.kind == "dash" else ("dash", "bare")
            while stack and stack[-1][2] in pops:
                stack.pop()
            base = stack[-1][1] if stack else -2.0
            rank = base + (_HALF_DASH if op.kind == "dash" else 0.5)
        parent = stack[-1][0] if stack else None
        n_children[parent] = n_children.get(parent, 0) + 1
        pid = f"{parent}.{n_children[parent]}" if parent else str(n_children[parent])
        s, e = trim_span(text, op.start, starts[k + 1])
        out.append(Provision(pid, parent, len(stack) + 1, len(out) + 1, op.label, op.heading or None, s, e))
        placed_ids[k] = (pid, len(stack) + 1)
        stack.append((pid, rank, op.kind))
    return out


# Closing paragraphs: the signature (落款: issuer lines over a date line), and after the last numbered
# provision the sentences that close a document rather than its last item: when it takes effect or who
# interprets it (本通知自…起施行, 本办法由…负责解释) and the charge to those who implement it (各地区各部门要…).
BARE_DATE_RE = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$")
CLOSING_RE = re.compile(rf"^(?:本[{CJK}]{{1,6}}(?:自|由)[^。\n]{{0,40}}(?:施行|执行|生效|解释)"
                        r"|各(?:地|级|有关|部门|省|市|区))")
SIGNATURE_LINE_MAX = 25


def _with_closing(text: str, openings: list[Opening]) -> list[Opening]:
    """Openings and, where the document ends with closing paragraphs, a closing provision."""
    lines = line_spans(text)
    last = max((k for k, ln in enumerate(lines) if openings and ln.start <= openings[-1].start), default=-1)
    article = bool(openings) and openings[-1].convention == "article"
    k, start = len(lines) - 1, None
    if k > last and BARE_DATE_RE.match(text[lines[k].start:lines[k].end]):
        k -= 1
        while k > last and _signature_line(text[lines[k].start:lines[k].end]):
            k -= 1
        start = k + 1
    # an article's further paragraphs belong to it: only a signature closes a text of 第X条 articles
    while not article and k > last and openings and CLOSING_RE.match(text[lines[k].start:lines[k].end]) \
            and match_numbering(text, lines[k].start, lines[k].end) is None:
        start, k = k, k - 1
    if start is None or start >= len(lines):
        return openings
    return [*openings, Opening(lines[start].start, "closing", "closing", "", None, -1, False)]


def _signature_line(line: str) -> bool:
    """Whether a line can be part of a signature: a short name, no sentence."""
    return len(line) <= SIGNATURE_LINE_MAX and not has_sentence_end(line) and not line.endswith(("：", ":"))


_NEEDED = ("doc_id", "text")


def build_provisions(documents: pd.DataFrame) -> pd.DataFrame:
    """The provisions table of every document (columns of schema.py, in document order).

    Input: documents (doc_id, text). Output: provisions (count_provisions then fills documents.n_provisions).
    """
    require(documents, _NEEDED, "documents")
    if documents["doc_id"].duplicated().any():
        dup = documents.loc[documents["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise InputError("table documents", f"duplicate doc_id {dup!r}")
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True):
        if not isinstance(text, str):
            raise InputError("table documents", f"document {doc_id!r} has no text")
        for p in parse_provisions(text):
            rows.append({
                "doc_id": doc_id, "provision_id": p.provision_id, "parent_id": p.parent_id,
                "level": p.level, "ord": p.ord, "label": p.label, "heading": p.heading,
                "text": p.text_of(text), "char_start": p.char_start, "char_end": p.char_end,
            })
    columns = table("provisions").columns
    df = pd.DataFrame(rows, columns=columns)
    # document order within a document; it is also the natural order of the hierarchical ids
    df = df.sort_values(["doc_id", "ord"], kind="mergesort").reset_index(drop=True)
    return df.astype({"level": "int64", "ord": "int64", "char_start": "int64", "char_end": "int64"})


def count_provisions(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """The documents table with n_provisions, the number of provisions of each (0 for none), columns in order.

    Inputs: documents (doc_id), provisions (doc_id). Output: the documents table, n_provisions filled.
    """
    require(documents, ("doc_id",), "documents")
    require(provisions, ("doc_id",), "provisions")
    counts = provisions.groupby("doc_id").size()
    out = documents.assign(n_provisions=documents["doc_id"].map(counts).fillna(0).astype(int))
    order = table("documents").columns
    return out[[c for c in order if c in out.columns] + [c for c in out.columns if c not in order]]
