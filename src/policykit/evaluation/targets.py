"""The `targets` table scored against the hand-coded gold set data/gold/targets.csv.

Matching rule: a table row matches a gold row when
- doc_id is equal;
- their sentences overlap by offsets (char_start/char_end into documents.text), or, should offsets have
  moved, one sentence contains the other;
- kind is equal;
- the dates agree where the gold has them: the gold `deadline` equals the row's `deadline`, the gold
  `as_of` equals the row's `as_of` (a table without an `as_of` column is read with `deadline` as the
  date a fact or forecast refers to, which is what that column meant before `as_of` existed);
- the value agrees where the gold has one (equal to 1e-6 relative).
A recurring deadline is coded `--MM-DD` in the gold set; the table leaves `deadline` null for it (a date
column holds full dates only) and keeps it as written in `deadline_text` (每年3月底前), which is compared.
Comparators are compared in one notation (the gold set's ≥ and ≤ are the table's >= and <=).
Matching is one-to-one and greedy: candidate pairs are taken by the characters their sentences share,
then by how alike their `metric` words are (several clauses of one sentence share the sentence), then
by order in the text.

Gold rows of kind `none` code numbers and dates that must NOT become rows (forecasts quoted in a policy,
years inside cited titles, 文号 years …); they do not count as gold items, and a table row matching one
(same document, overlapping sentence, same value or date where the gold row has one) is listed as
`false (coded none)` among the disagreements. Every unmatched table row of a coded document is a false
row; documents the gold set does not code are left out and named in the notes.

Scopes: `all`; `policy` (every document that is not a report) and `report`; and one scope per document.
Labels: `all` and each kind. Matched rows are also compared on unit and comparator (notes).
"""

from __future__ import annotations

import calendar
import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from policykit.analysis.targets_parse import RECURRING_RE
from policykit.errors import InputError

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "targets.csv"
GOLD_COLUMNS = ("gold_id", "doc_id", "sentence", "char_start", "char_end", "kind", "deadline", "as_of", "value",
                "unit", "comparator", "metric")
NOT_A_TARGET = "none"
THRESHOLDS = [Threshold("policy", "all", "recall", 0.90), Threshold("policy", "all", "precision", 0.95),
              Threshold("report", "all", "recall", 0.85)]
COMPARATORS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "≈": "~", "～": "~"}
DETAIL_COLUMNS = ["doc_id", "disagreement", "kind", "deadline", "as_of", "value", "unit", "comparator", "metric",
                  "sentence", "id"]


@dataclass(frozen=True)
class Match:
    """A table row paired with a gold row."""

    row: int  # index into the table
    gold: int  # index into the gold set


def _text(value: object) -> str:
    """A cell as stripped text ('' for null)."""
    return "" if value is None or pd.isna(value) else str(value).strip()


def _number(value: object) -> float | None:
    """A cell as a float (None for null or unreadable)."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(out) else out


def read_gold(path: Path) -> pd.DataFrame:
    """The gold set, checked for its columns; dates as ISO text, values as floats."""
    if not path.is_file():
        raise InputError(str(path), "gold set not found")
    gold = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise InputError(str(path), f"missing columns {missing}")
    for col in ("char_start", "char_end"):
        bad = ~gold[col].str.fullmatch(r"\d+")
        if bad.any():
            raise InputError(str(path), f"{col} is not an offset in row {gold.loc[bad, 'gold_id'].iloc[0]}")
        gold[col] = gold[col].astype(int)
    gold["value"] = gold["value"].map(_number)
    return gold


def read_rows(data_dir: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The targets table (with an as_of column) and every document's kind, from a build folder."""
    paths = [data_dir / f"{name}.parquet" for name in ("targets", "documents")]
    for path in paths:
        if not path.is_file():
            raise InputError(str(path), "table not built; run `policykit build` first")
    rows = pd.read_parquet(paths[0])
    documents = pd.read_parquet(paths[1], columns=["doc_id", "kind"])
    if "as_of" not in rows.columns:  # tables built before as_of existed: the fact's date was in deadline
        rows = rows.assign(as_of=rows["deadline"].where(rows["kind"].isin(["reported_fact", "forecast"])))
    return rows.reset_index(drop=True), dict(zip(documents["doc_id"], documents["kind"], strict=True))


def _shared(a: pd.Series, b: pd.Series) -> int:
    """Characters two rows' sentences share: their offset overlap, else the shorter if one holds the other."""
    overlap = min(int(a["char_end"]), int(b["char_end"])) - max(int(a["char_start"]), int(b["char_start"]))
    if overlap > 0:
        return overlap
    sa, sb = _text(a["sentence"]), _text(b["sentence"])
    if sa and sb and (sa in sb or sb in sa):
        return min(len(sa), len(sb))
    return 0


def _agrees(row: pd.Series, gold: pd.Series, check_kind: bool = True) -> bool:
    """Whether a table row agrees with a gold row on kind, dates and value where the gold has them."""
    if check_kind and _text(row["kind"]) != _text(gold["kind"]):
        return False
    for col in ("deadline", "as_of"):
        want = _text(gold[col])
        if want.startswith("--"):
            if recurring_month_day(_text(row.get("deadline_text"))) != want:
                return False
        elif want and _text(row[col])[:10] != want[:10]:
            return False
    want = gold["value"]
    if want is not None and not pd.isna(want):
        got = _number(row["value"])
        if got is None or abs(got - want) > 1e-6 * max(1.0, abs(want)):
            return False
    return True


def recurring_month_day(text: str) -> str | None:
    """--MM-DD of a recurring date as written (每年3月底前 -> --03-31)."""
    m = RECURRING_RE.search(text)
    if not m:
        return None
    month = int(m.group("m"))
    day = int(m.group("d")) if m.group("d") else calendar.monthrange(2023, month)[1]  # 2023: a common year
    return f"--{month:02d}-{day:02d}"


def _comparator(value: object) -> str:
    """A comparator in the table's notation."""
    return COMPARATORS.get(_text(value), _text(value))


def _similarity(a: object, b: object) -> float:
    """How alike two metric descriptions are (0-1)."""
    return difflib.SequenceMatcher(None, _text(a), _text(b), autojunk=False).ratio()


def match(rows: pd.DataFrame, gold: pd.DataFrame) -> list[Match]:
    """One-to-one matches of table rows to gold rows (see the module docstring for the rule)."""
    candidates = []
    for doc_id, doc_gold in gold.groupby("doc_id", sort=True):
        doc_rows = rows[rows["doc_id"] == doc_id]
        for gi, g in doc_gold.iterrows():
            for ri, r in doc_rows.iterrows():
                shared = _shared(r, g)
                if shared and _agrees(r, g):
                    candidates.append((-shared, -_similarity(r["metric"], g["metric"]), ri, gi))
    used_rows: set[int] = set()
    used_gold: set[int] = set()
    out = []
    for _, _, ri, gi in sorted(candidates):
        if ri not in used_rows and gi not in used_gold:
            used_rows.add(ri)
            used_gold.add(gi)
            out.append(Match(ri, gi))
    return out


def _counts(labels_found: pd.Series, labels_gold: pd.Series, matched_labels: pd.Series,
            label: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one label ('all' for every kind)."""
    if label == "all":
        tp = len(matched_labels)
        return tp, len(labels_found) - tp, len(labels_gold) - tp
    tp = int((matched_labels == label).sum())
    return tp, int((labels_found == label).sum()) - tp, int((labels_gold == label).sum()) - tp


def score(rows: pd.DataFrame, gold: pd.DataFrame, doc_kinds: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and disagreements of table rows against gold rows of the documents the gold set codes."""
    coded = set(gold["doc_id"])
    rows = rows[rows["doc_id"].isin(coded)].reset_index(drop=True)
    items = gold[gold["kind"] != NOT_A_TARGET].reset_index(drop=True)
    negatives = gold[gold["kind"] == NOT_A_TARGET].reset_index(drop=True)
    matches = match(rows, items)
    matched_rows = {m.row for m in matches}
    matched_gold = {m.gold for m in matches}
    scope_of = {d: ("report" if doc_kinds.get(d, "") == "report" else "policy") for d in coded}
    rows = rows.assign(scope=rows["doc_id"].map(scope_of))
    items = items.assign(scope=items["doc_id"].map(scope_of))
    matched = items.loc[sorted(matched_gold)]
    labels = ["all", *sorted(set(items["kind"]) | set(rows["kind"]))]
    scored = []
    scopes = [("all", None), ("policy", "policy"), ("report", "report")]
    for scope, which in scopes:
        r = rows if which is None else rows[rows["scope"] == which]
        g = items if which is None else items[items["scope"] == which]
        m = matched if which is None else matched[matched["scope"] == which]
        for label in labels:
            tp, fp, fn = _counts(r["kind"], g["kind"], m["kind"], label)
            if tp + fp + fn or label == "all":
                scored.append(score_row(scope, label, tp, fp, fn))
    for doc_id in sorted(coded):
        r, g, m = rows[rows["doc_id"] == doc_id], items[items["doc_id"] == doc_id], matched[matched["doc_id"] == doc_id]
        scored.append(score_row(doc_id, "all", *_counts(r["kind"], g["kind"], m["kind"], "all")))
    details = _details(rows, items, negatives, matched_rows, matched_gold)
    return score_table(scored), details


def _details(rows: pd.DataFrame, items: pd.DataFrame, negatives: pd.DataFrame, matched_rows: set[int],
             matched_gold: set[int]) -> pd.DataFrame:
    """Misses (gold rows not found) and false rows (table rows matching no gold row), in text order."""
    out = []
    for gi, g in items.iterrows():
        if gi not in matched_gold:
            out.append({**{c: g.get(c) for c in DETAIL_COLUMNS}, "disagreement": "missed", "id": g["gold_id"],
                        "_start": int(g["char_start"])})
    for ri, r in rows.iterrows():
        if ri in matched_rows:
            continue
        neg = negatives[negatives["doc_id"] == r["doc_id"]]
        coded_none = any(_shared(r, n) and _agrees(r, n, check_kind=False) for _, n in neg.iterrows())
        out.append({**{c: r.get(c) for c in DETAIL_COLUMNS}, "id": r["target_id"], "_start": int(r["char_start"]),
                    "disagreement": "false (coded none)" if coded_none else "false"})
    if not out:
        return pd.DataFrame(columns=DETAIL_COLUMNS)
    df = pd.DataFrame(out).sort_values(["doc_id", "_start", "disagreement", "id"], kind="mergesort")
    return df[DETAIL_COLUMNS].reset_index(drop=True)


def field_agreement(rows: pd.DataFrame, gold: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """For unit and comparator: (agreeing, compared) over matched pairs where the gold codes the field."""
    items = gold[gold["kind"] != NOT_A_TARGET].reset_index(drop=True)
    rows = rows[rows["doc_id"].isin(set(gold["doc_id"]))].reset_index(drop=True)
    out = {}
    for col in ("unit", "comparator"):
        pairs = [(rows.at[m.row, col], items.at[m.gold, col]) for m in match(rows, items)]
        norm = _comparator if col == "comparator" else _text
        pairs = [(norm(r), norm(g)) for r, g in pairs if _text(g)]
        out[col] = (sum(r == g for r, g in pairs), len(pairs))
    return out


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Precision, recall and F1 of the targets table per kind, per document kind and per document."""
    gold_path = Path(gold_dir) / GOLD_FILE
    gold = read_gold(gold_path)
    rows, doc_kinds = read_rows(Path(data_dir))
    scores, details = score(rows, gold, doc_kinds)
    n_items = int((gold["kind"] != NOT_A_TARGET).sum())
    uncoded = rows[~rows["doc_id"].isin(set(gold["doc_id"]))].groupby("doc_id").size()
    notes = [f"{n_items} gold items in {gold['doc_id'].nunique()} documents, plus "
             f"{len(gold) - n_items} coded `none` (numbers and dates that must not become rows).",
             "A row matches a gold item when the document and kind are equal, the sentences overlap and the "
             "dates and value agree where the gold item has them (one-to-one; see policykit.evaluation.targets)."]
    agreement = field_agreement(rows, gold)
    notes.append("Among matched items, " + "; ".join(
        f"{col} agrees in {ok} of {n}" for col, (ok, n) in agreement.items()) + ".")
    if len(uncoded):
        notes.append("Documents with rows but no gold items (left out): "
                     + ", ".join(f"{d} ({n})" for d, n in uncoded.items()) + ".")
    return Section("targets", "Targets: dated and quantitative items", scores,
                   gold_file=f"data/gold/{GOLD_FILE}", details=details, notes=notes, thresholds=list(THRESHOLDS))
