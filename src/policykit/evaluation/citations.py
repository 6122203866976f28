"""Citations against data/gold/citations.csv: which citations the table finds, and which document they name.

The gold set (docs/codebook-citations.md) lists every citation of the seed corpus (corpus ``seed``, the
citing document by doc_id) and of a sample of the law corpus (corpus ``laws``, by source_path), coded by
reading. The seed rows are scored against the citations table of the data folder; the law rows against
a build of the law corpus when a data folder for it is given (``laws_dir``), else they are not scored.

- found: a gold citation is found when the table has a citation of the same document starting within
  two characters of it (precision over the table's citations of the documents the gold set covers);
- article: of the found citations, whether cited_article agrees (a blank must stay blank);
- resolved: the cited document; a table citation that names a document is a true one when the gold
  names the same, recall over the gold citations that name one.

Every score is given for the dev and the test split side by side; disagreements are listed for dev only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from policykit import config
from policykit.api import load

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "citations.csv"
SPLITS = ("dev", "test")
SLACK = 2  # characters a citation's start may differ by
THRESHOLDS = [
    Threshold("resolved (test)", "cited_doc", "precision", 0.95),
    Threshold("resolved (test)", "cited_doc", "recall", 0.95),
]


def read_gold(gold_dir: Path) -> pd.DataFrame:
    """The gold citations, offsets as integers and blanks as None."""
    gold = pd.read_csv(gold_dir / GOLD_FILE, dtype=str, keep_default_na=False)
    for c in ("char_start", "char_end"):
        gold[c] = gold[c].astype(int)
    for c in ("cited_title", "cited_article", "cited_doc"):
        gold[c] = [v or None for v in gold[c]]
    return gold


def _blank(v: object) -> object:
    """None for a missing value (None, NaN, pd.NA) or an empty string, else the value."""
    if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "":
        return None
    return v


def split_of(doc: str, char_start: int) -> str:
    """The split of a citation: test iff sha256(doc|char_start) % 3 == 0 (the gold set's rule)."""
    h = int(hashlib.sha256(f"{doc}|{int(char_start)}".encode()).hexdigest(), 16)
    return "test" if h % 3 == 0 else "dev"


def score(found: pd.DataFrame, gold: pd.DataFrame, split: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score rows and disagreements of citations (doc, char_start, cited_article, cited_doc) against gold rows."""
    suffix = f" ({split})" if split else ""
    docs = set(gold["doc"])
    found = found[found["doc"].isin(docs)]
    if split:  # a table citation belongs to the split of the gold row it matches, else by the same hash
        found = found[[split_of(d, c) == split or _near(gold, d, c)
                       for d, c in zip(found["doc"], found["char_start"], strict=True)]]
    by_doc: dict[str, list[dict]] = {}
    for r in found.to_dict("records"):
        by_doc.setdefault(r["doc"], []).append(r)
    details, used = [], set()
    f_tp = a_tp = a_n = r_tp = r_fp = r_fn = 0
    for g in gold.sort_values(["doc", "char_start"]).to_dict("records"):
        match = next((r for r in by_doc.get(g["doc"], []) if abs(int(r["char_start"]) - g["char_start"]) <= SLACK
                      and id(r) not in used), None)
        gold_doc, gold_article = _blank(g["cited_doc"]), _blank(g["cited_article"])
        if match is None:
            details.append({"doc": g["doc"], "char_start": g["char_start"], "problem": "missed citation",
                            "found": None, "gold": g["text"]})
            r_fn += gold_doc is not None
            continue
        used.add(id(match))
        f_tp += 1
        a_n += 1
        if _blank(match["cited_article"]) == gold_article:
            a_tp += 1
        else:
            details.append({"doc": g["doc"], "char_start": g["char_start"], "problem": "article",
                            "found": _blank(match["cited_article"]), "gold": gold_article})
        claimed = _blank(match["cited_doc"])
        if claimed is not None and claimed == gold_doc:
            r_tp += 1
            continue
        r_fp += claimed is not None
        r_fn += gold_doc is not None
        if claimed != gold_doc:
            details.append({"doc": g["doc"], "char_start": g["char_start"], "problem": "cited document",
                            "found": claimed, "gold": gold_doc})
    extra = [r for rs in by_doc.values() for r in rs if id(r) not in used]
    for r in extra:
        details.append({"doc": r["doc"], "char_start": int(r["char_start"]), "problem": "false citation",
                        "found": r.get("text"), "gold": None})
        r_fp += _blank(r["cited_doc"]) is not None
    rows = [score_row("found" + suffix, "citation", f_tp, len(extra), len(gold) - f_tp),
            score_row("article" + suffix, "cited_article", a_tp, a_n - a_tp, a_n - a_tp),
            score_row("resolved" + suffix, "cited_doc", r_tp, r_fp, r_fn)]
    return score_table(rows), pd.DataFrame(details, columns=["doc", "char_start", "problem", "found", "gold"])


def _near(gold: pd.DataFrame, doc: str, char_start: int) -> bool:
    """Whether a gold row of the document starts within SLACK characters."""
    g = gold[gold["doc"] == doc]
    return bool((abs(g["char_start"] - int(char_start)) <= SLACK).any())


def table_rows(data_dir: Path, by_path: bool) -> pd.DataFrame:
    """The citations of a data folder as (doc, char_start, text, cited_article, cited_doc): doc_ids or source paths."""
    c = load("citations", data=data_dir)
    out = pd.DataFrame({"doc": c["doc_id"], "char_start": c["char_start"], "text": c["text"],
                        "cited_article": c["cited_article"], "cited_doc": c["cited_doc_id"]})
    if by_path:
        w = load("witnesses", data=data_dir, columns=["source_file", "doc_id", "is_primary"])
        w = w[w["is_primary"].astype(bool)]
        path = {d: _archive_path(f) for f, d in zip(w["source_file"], w["doc_id"], strict=True)}
        out["doc"] = out["doc"].map(path)
        out["cited_doc"] = out["cited_doc"].map(lambda d: path.get(d) if isinstance(d, str) else None)
    return out


def _archive_path(source_file: str) -> str:
    """A raw file's path inside the law archive: its relative path, a flat name's `__` being its folders."""
    return str(source_file).replace("__", "/")


def evaluate(data_dir: Path, gold_dir: Path, laws_dir: Path | None = None) -> Section:
    """Precision and recall of the citations and of the documents they name, seed (and laws where built)."""
    gold = read_gold(gold_dir)
    laws_dir = laws_dir or config.settings().laws_build
    parts, notes = [], []
    seed = gold[gold["corpus"] == "seed"]
    found = table_rows(data_dir, by_path=False)
    if laws_dir is not None and (Path(laws_dir) / "citations.parquet").is_file():
        found = pd.concat([found, table_rows(laws_dir, by_path=True)], ignore_index=True)
        scored = gold
        notes.append(f"Seed and law corpus ({laws_dir}) scored together.")
    else:
        scored = seed
        notes.append(f"Seed corpus only ({len(seed)} of {len(gold)} gold citations); the law rows are scored when "
                     "POLICYKIT_LAWS_BUILD names a build of the law corpus.")
    for sp in SPLITS:
        parts.append(score(found, scored[scored["split"] == sp], sp))
    scores = pd.concat([p[0] for p in parts], ignore_index=True)
    order = {s: i for i, s in enumerate(("found", "article", "resolved"))}
    scores = scores.iloc[scores["scope"].str.split(" ").str[0].map(order).argsort(kind="stable")]
    return Section("citations", "Citations: titles and numbers, and the documents they name", scores,
                   f"data/gold/{GOLD_FILE}", parts[0][1], notes, THRESHOLDS)
