"""Text reuse against data/gold/reuse_links.csv: which pairs of documents borrow language, and which way.

The gold set has one row per pair of documents, coded by reading (docs/codebook-reuse.md): whether the
later document borrows substantive or quoted language from the earlier one, the source where the
reading tells it, and a passage that shows it (with offsets into documents.text). A pair counts as a
link of the tables when reuse_pairs.is_borrowing is true (a substantive or quotation passage).

- links: precision and recall of the linked pairs (direction ignored);
- direction: a gold link with a known source is found when the tables link the pair and name the same
  source; a claimed source that the reading contradicts (or cannot support) is a false one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policykit.errors import InputError

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "reuse_links.csv"
THRESHOLDS = [
    Threshold("links", "borrowing", "precision", 0.9),
    Threshold("links", "borrowing", "recall", 0.9),
    Threshold("direction", "source", "precision", 0.9),
    Threshold("direction", "source", "recall", 0.9),
]


def read_gold(gold_dir: Path) -> pd.DataFrame:
    """The gold pairs, with is_link as a boolean and empty sources as None."""
    gold = pd.read_csv(gold_dir / GOLD_FILE, dtype=str, keep_default_na=False)
    gold["is_link"] = gold["is_link"].str.lower().eq("true")
    gold["source_doc_id"] = pd.Series([s or None for s in gold["source_doc_id"]], index=gold.index, dtype=object)
    return gold


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def found_links(pairs: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    """Linked pairs of the reuse_pairs table -> the source it claims (None where the direction is unknown)."""
    out: dict[tuple[str, str], str | None] = {}
    for r in pairs[pairs["is_borrowing"].astype(bool)].itertuples():
        out[_pair(r.source_doc_id, r.target_doc_id)] = None if r.direction_basis == "unknown" else r.source_doc_id
    return out


def score(pairs: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and disagreements of the reuse_pairs table against the gold pairs."""
    found = found_links(pairs)
    gold_links = {_pair(r.doc_id_a, r.doc_id_b): r.source_doc_id if isinstance(r.source_doc_id, str) else None
                  for r in gold[gold["is_link"]].itertuples()}
    known = {_pair(r.doc_id_a, r.doc_id_b) for r in gold.itertuples()}
    found = {k: v for k, v in found.items() if k in known}  # pairs of documents the gold set covers
    details = []

    def note(scope: str, k: tuple[str, str], problem: str, found_source: str | None, gold_source: str | None) -> None:
        details.append({"scope": scope, "doc_id_a": k[0], "doc_id_b": k[1], "problem": problem,
                        "found_source": found_source, "gold_source": gold_source})

    tp = len(found.keys() & gold_links.keys())
    for k in sorted(found.keys() - gold_links.keys()):
        note("links", k, "false link", found[k], None)
    for k in sorted(gold_links.keys() - found.keys()):
        note("links", k, "missed link", None, gold_links[k])
    d_tp = d_fp = d_fn = 0
    for k, gold_source in sorted(gold_links.items()):
        claimed = found.get(k)
        if claimed is not None and claimed == gold_source:
            d_tp += 1
            continue
        if claimed is not None:  # wrong, or a direction the reading cannot support
            d_fp += 1
        if gold_source is not None:
            d_fn += 1
        if claimed is not None or gold_source is not None:
            note("direction", k, "wrong source" if claimed else "no source claimed", claimed, gold_source)
    scores = score_table([score_row("links", "borrowing", tp, len(found) - tp, len(gold_links) - tp),
                          score_row("direction", "source", d_tp, d_fp, d_fn)])
    columns = ["scope", "doc_id_a", "doc_id_b", "problem", "found_source", "gold_source"]
    return scores, pd.DataFrame(details, columns=columns)


def check_spans(gold: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    """Gold passages whose offsets no longer slice their text out of documents.text (one line each)."""
    texts = dict(zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True))
    bad = []
    for r in gold[gold["is_link"]].itertuples():
        for side, doc in (("a", r.doc_id_a), ("b", r.doc_id_b)):
            text = getattr(r, f"text_{side}")
            start, end = getattr(r, f"{side}_char_start"), getattr(r, f"{side}_char_end")
            if doc not in texts or texts[doc][int(start):int(end)] != text:
                bad.append(f"{doc} [{start}:{end}] is not {text!r}")
    return bad


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Precision and recall of the reuse links and of their direction."""
    gold = read_gold(gold_dir)
    pairs_file = Path(data_dir) / "reuse_pairs.parquet"
    if not pairs_file.is_file():
        raise InputError(pairs_file, "no reuse_pairs table: run `policykit build` first")
    pairs = pd.read_parquet(pairs_file)
    scores, details = score(pairs, gold)
    notes = [f"{int(gold['is_link'].sum())} linked pairs among {len(gold)} pairs of documents coded by reading; "
             f"{int((gold['is_link'] & gold['source_doc_id'].isna()).sum())} of them with no known direction."]
    documents_file = Path(data_dir) / "documents.parquet"
    if documents_file.is_file():
        moved = check_spans(gold, pd.read_parquet(documents_file, columns=["doc_id", "text"]))
        notes += [f"Gold passage out of step with documents.text: {m}" for m in moved]
    return Section("reuse", "Text reuse: links between documents and their direction", scores, f"data/gold/{GOLD_FILE}",
                   details, notes, THRESHOLDS)
