"""Text reuse against data/gold/reuse_links.csv: which pairs of documents borrow language, and which way.

The gold set has one row per pair of documents, coded by reading (docs/codebook-reuse.md): whether the
later document borrows substantive or quoted language from the earlier one, the source where the
reading tells it, a passage that shows it (with offsets into documents.text), the pair's relation
(version, derived, borrowing, citation, formula, none) and its split (dev or test). A pair counts as a
link of the tables when it shares a substantive or quotation passage and its relation is version,
derived or borrowing. Every score is given for the dev and the test split side by side (scope
"links (dev)", "links (test)" …); the thresholds hold on test; disagreements are listed for dev only.

- links: precision and recall of the linked pairs (direction ignored);
- direction: a gold link with a known source is found when the tables link the pair and name the same
  source; a claimed source that the reading contradicts (or cannot support) is a false one;
- borrowing: reuse_pairs.is_borrowing against the pairs of relation borrowing;
- relation: agreement of reuse_pairs.relation with the gold's, formula and none taken as one class (a
  pair that shares only formulas, suppressed when the index is built, has no row in reuse_pairs).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from policykit.api import TableNotFoundError, load

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "reuse_links.csv"
SPLITS = ("dev", "test")
THRESHOLDS = [
    Threshold("links (test)", "link", "precision", 0.95),
    Threshold("links (test)", "link", "recall", 0.95),
    Threshold("direction (test)", "source", "precision", 0.97),
]


def read_gold(gold_dir: Path) -> pd.DataFrame:
    """The gold pairs, with is_link as a boolean and empty sources as None."""
    gold = pd.read_csv(gold_dir / GOLD_FILE, dtype=str, keep_default_na=False)
    gold["is_link"] = gold["is_link"].str.lower().eq("true")
    gold["source_doc_id"] = pd.Series([s or None for s in gold["source_doc_id"]], index=gold.index, dtype=object)
    return gold


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


LINK_RELATIONS = ("version", "derived", "borrowing")


def found_links(pairs: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    """Linked pairs of the reuse_pairs table -> the source it claims (None where the direction is unknown)."""
    out: dict[tuple[str, str], str | None] = {}
    if "relation" in pairs.columns:  # versions and derived documents that share wording link too
        shares = (pairs["n_substantive"] + pairs["n_quotation"]) > 0
        linked = pairs[shares & pairs["relation"].isin(LINK_RELATIONS)]
    else:  # a table made before relations: its borrowing pairs
        linked = pairs[pairs["is_borrowing"].astype(bool)]
    for r in linked.itertuples():
        out[_pair(r.source_doc_id, r.target_doc_id)] = None if r.direction_basis == "unknown" else r.source_doc_id
    return out


def _relations(pairs: pd.DataFrame) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
    """(relation of every pair of the table, the pairs it calls borrowing)."""
    rel = {_pair(s, t): r for s, t, r in zip(pairs["source_doc_id"], pairs["target_doc_id"],
                                             pairs.get("relation", pd.Series(["formula"] * len(pairs))),
                                             strict=True)}
    borrowing = {_pair(s, t) for s, t, b in zip(pairs["source_doc_id"], pairs["target_doc_id"],
                                                pairs["is_borrowing"].astype(bool), strict=True) if b}
    return rel, borrowing


def _coarse(relation: str) -> str:
    """Formula and none are one class: a pair sharing only suppressed formulas has no row in reuse_pairs."""
    return "formula/none" if relation in ("formula", "none") else relation


def score(pairs: pd.DataFrame, gold: pd.DataFrame, split: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and disagreements of the reuse_pairs table against the gold pairs (scopes suffixed by split)."""
    suffix = f" ({split})" if split else ""
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
    rows = [score_row("links" + suffix, "link", tp, len(found) - tp, len(gold_links) - tp),
            score_row("direction" + suffix, "source", d_tp, d_fp, d_fn)]
    if "relation" in gold.columns:
        rel, borrowing = _relations(pairs)
        gold_rel = {_pair(r.doc_id_a, r.doc_id_b): r.relation for r in gold.itertuples()}
        gold_b = {k for k, v in gold_rel.items() if v == "borrowing"}
        borrowing &= known
        rows.append(score_row("borrowing" + suffix, "is_borrowing", len(borrowing & gold_b),
                              len(borrowing - gold_b), len(gold_b - borrowing)))
        agree = sum(_coarse(rel.get(k, "none")) == _coarse(v) for k, v in gold_rel.items())
        rows.append(score_row("relation" + suffix, "relation", agree, len(gold_rel) - agree, len(gold_rel) - agree))
        for k, v in sorted(gold_rel.items()):
            if _coarse(rel.get(k, "none")) != _coarse(v):
                details.append({"scope": "relation", "doc_id_a": k[0], "doc_id_b": k[1],
                                "problem": f"relation {rel.get(k, 'none')}, gold {v}", "found_source": None,
                                "gold_source": None})
    columns = ["scope", "doc_id_a", "doc_id_b", "problem", "found_source", "gold_source"]
    return score_table(rows), pd.DataFrame(details, columns=columns)


LAW_SAMPLE_FILE = "reuse_laws_sample.csv"
LAW_DEV_SAMPLE_FILE = "reuse_laws_dev_sample.csv"
LAW_HELDOUT_FILE = "reuse_laws_heldout.csv"


def _read_sample(gold_dir: Path, name: str) -> pd.DataFrame | None:
    """A read sample of is_borrowing pairs (gold_dir/name) with a boolean column ok, or None if absent."""
    path = Path(gold_dir) / name
    if not path.is_file():
        return None
    sample = pd.read_csv(path, dtype=str, keep_default_na=False)
    return sample.assign(ok=sample["accepted"].str.lower().eq("true"))


def _verdict(sample: pd.DataFrame) -> str:
    """'accepted N of M (share). Not accepted: n: reading; …' for a read sample."""
    rejected = "; ".join(f"{r.n}: {r.reading}" for r in sample[~sample["ok"]].itertuples()) or "none"
    return (f"accepted as borrowing {int(sample['ok'].sum())} of {len(sample)} ({sample['ok'].mean():.2f}). "
            f"Not accepted: {rejected}.")


def law_sample_notes(gold_dir: Path) -> list[str]:
    """A reader's verdict on the read samples of the law corpus's is_borrowing pairs, those present."""
    notes = []
    if (sample := _read_sample(gold_dir, LAW_SAMPLE_FILE)) is not None:
        notes.append(f"Law corpus (laws-dev, 1,449 files): a sample of {len(sample)} pairs with is_borrowing true "
                     f"under the previous rules (the first by sha256 of the two source paths; held out while the "
                     f"current rules were written; data/gold/{LAW_SAMPLE_FILE}, one line of reading each): "
                     f"{_verdict(sample)}")
    return notes + law_dev_sample_notes(gold_dir) + law_heldout_notes(gold_dir)


def law_dev_sample_notes(gold_dir: Path) -> list[str]:
    """A reader's verdict on the dev draws of is_borrowing pairs (reuse_laws_dev_sample.csv), if present."""
    if (sample := _read_sample(gold_dir, LAW_DEV_SAMPLE_FILE)) is None:
        return []
    parts = [f"{rules} rules: {int(g['ok'].sum())} of {len(g)} ({g['ok'].mean():.2f})"
             for rules, g in sample.groupby("rules", sort=False)]
    return [f"Dev draws for writing the borrowing rules (data/gold/{LAW_DEV_SAMPLE_FILE}: the first 30 is_borrowing "
            f"pairs by sha256 of 'laws-dev|source path|target path', drawn from the law corpus's tables under the "
            f"previous and the current rules), accepted by a reader as borrowing: {'; '.join(parts)}."]


def law_heldout_notes(gold_dir: Path) -> list[str]:
    """A reader's verdict on the held-out draw under the current rules (reuse_laws_heldout.csv), if present."""
    if (sample := _read_sample(gold_dir, LAW_HELDOUT_FILE)) is None:
        return []
    return [f"Held-out draw under the current rules (data/gold/{LAW_HELDOUT_FILE}: the first {len(sample)} "
            f"is_borrowing pairs by sha256 of 'laws-heldout|source path|target path', drawn after the rules were fixed "
            f"and read by a reader who did not write them): {_verdict(sample)}"]


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
    pairs = load("reuse_pairs", data=data_dir)
    if "split" in gold.columns:
        parts = [score(pairs, gold[gold["split"] == sp], sp) for sp in SPLITS]
        scores = pd.concat([p[0] for p in parts], ignore_index=True)
        scores = scores.iloc[scores["scope"].str.replace(r" \((dev|test)\)$", "", regex=True).map(
            {s: i for i, s in enumerate(("links", "direction", "borrowing", "relation"))}).argsort(kind="stable")]
        details = parts[0][1]  # the test split's disagreements are not listed: rules are written on dev only
    else:
        scores, details = score(pairs, gold)
    notes = [f"{int(gold['is_link'].sum())} linked pairs among {len(gold)} pairs of documents coded by reading; "
             f"{int((gold['is_link'] & gold['source_doc_id'].isna()).sum())} of them with no known direction. "
             "Scores for the dev and the test split side by side; disagreements listed for dev only."]
    notes += law_sample_notes(gold_dir)
    with contextlib.suppress(TableNotFoundError):
        moved = check_spans(gold, load("documents", data=data_dir, columns=["doc_id", "text"]))
        notes += [f"Gold passage out of step with documents.text: {m}" for m in moved]
    return Section("reuse", "Text reuse: links between documents and their direction", scores, f"data/gold/{GOLD_FILE}",
                   details, notes, THRESHOLDS)
