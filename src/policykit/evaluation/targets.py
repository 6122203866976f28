"""The `targets` table scored against the hand-coded gold sets: a dev split and a frozen test split.

`data/gold/targets.csv` holds the items of the dev sentences (used while rules are written);
`data/gold/targets_test.csv` the items of the test sentences (docs/codebook.md §9), coded by reading and
never looked at while tuning. Both are scored the same way and reported side by side; the test figures
are the ones that count.

Items. A table row matches a gold item when the document and kind are equal and their sentences overlap
by offsets (or, should offsets have moved, one sentence contains the other). Matching is one-to-one and
greedy: pairs whose value agrees come first, then those whose dates agree, then by the characters their
sentences share, then by how alike their `metric` words are (several rows of one sentence), then by order.
Precision and recall of items are counted per split, per document kind (policy / report) and per kind.

Fields. Every field of every matched pair is scored, and a blank in the gold means the row must be blank
too (an invented date is an error): deadline, as_of, as_of_basis, since, value, unit, comparator,
value_low, value_high, value_base, unit_base and metric. Numbers agree to 1e-6 relative; comparators in one
notation (≥ and >=); a recurring deadline `--MM-DD` against the row's deadline_text (每年3月底前); metric
words agree when, punctuation and spaces removed, one contains the other or they are at least 0.8 alike
(difflib ratio).

Gold rows of kind `none` code numbers and dates that must NOT become rows; a table row matching none of
the items but overlapping such a row is listed as `false (coded none)`. Only the sentences of a split are
scored against that split: a table row counts for the split its sentence belongs to (the gold files
list the sentences they code; a row of a sentence neither codes is left out and counted in the notes).
"""

from __future__ import annotations

import calendar
import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from policykit.analysis.targets_parse import RECURRING_RE
from policykit.api import load

from . import Section, Threshold, agreement_row, read_gold_csv, score_row, score_table, side_by_side

GOLD_FILE = "targets.csv"
TEST_FILE = "targets_test.csv"
SPLITS = (("dev", GOLD_FILE), ("test", TEST_FILE))
GOLD_COLUMNS = ("gold_id", "doc_id", "sentence", "char_start", "char_end", "kind", "deadline", "as_of", "value",
                "unit", "comparator", "metric")
NEW_COLUMNS = ("value_low", "value_high", "value_base", "unit_base", "as_of_basis", "since")
NUMBER_FIELDS = ("value", "value_low", "value_high", "value_base")
FIELDS = ("deadline", "as_of", "as_of_basis", "since", "value", "unit", "comparator", "value_low", "value_high",
          "value_base", "unit_base", "metric")
NOT_A_TARGET = "none"
# The goals, on the test split (the tests hold them): items, as-of, value/unit/comparator, metric.
THRESHOLDS = [Threshold("test", "all", "precision", 0.95), Threshold("test", "all", "recall", 0.95),
              Threshold("test", "field:as_of", "agreement", 0.95),
              Threshold("test", "field:value", "agreement", 0.97), Threshold("test", "field:unit", "agreement", 0.97),
              Threshold("test", "field:comparator", "agreement", 0.97),
              Threshold("test", "field:metric", "agreement", 0.90)]
COMPARATORS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "≈": "~", "～": "~"}
DETAIL_COLUMNS = ["split", "doc_id", "disagreement", "kind", "deadline", "as_of", "value", "unit", "comparator",
                  "metric", "sentence", "id"]


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
    gold = read_gold_csv(path, GOLD_COLUMNS)
    for col in NEW_COLUMNS:
        if col not in gold.columns:
            gold[col] = ""
    for col in NUMBER_FIELDS:
        gold[col] = gold[col].map(_number)
    return gold


def read_rows(data_dir: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The targets table (with an as_of column) and every document's kind, from a build folder."""
    rows = load("targets", data=data_dir)
    documents = load("documents", data=data_dir, columns=["doc_id", "kind"])
    if "as_of" not in rows.columns:  # tables built before as_of existed: the fact's date was in deadline
        rows = rows.assign(as_of=rows["deadline"].where(rows["kind"].isin(["reported_fact", "forecast"])))
    for col in FIELDS:
        if col not in rows.columns:  # tables built before a field existed: it is blank
            rows[col] = None
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


def _same_number(got: object, want: object) -> bool:
    """Whether two numbers agree to 1e-6 relative (both blank agrees)."""
    g, w = _number(got), _number(want)
    if g is None or w is None:
        return g is None and w is None
    return abs(g - w) <= 1e-6 * max(1.0, abs(w))


def _norm_words(value: object) -> str:
    """Metric words without punctuation and spaces."""
    return "".join(c for c in _text(value) if c.isalnum())


def metric_agrees(got: object, want: object) -> bool:
    """Whether two metric descriptions name the same measure: the same words, or the same concept.

    The same words: punctuation and spaces removed, one contains the other or they are at least 0.8 alike
    (difflib ratio). The same concept: their content terms (policykit.analysis.tokenise) overlap with an F1
    of at least 0.5, so that 上线数据开放平台的省级和城市地方政府 and 我国已有省级和城市的地方政府上线数据开放平台 agree
    and a clause about another subject does not.
    """
    a, b = _norm_words(got), _norm_words(want)
    if not a or not b:
        return a == b
    if a in b or b in a or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8:
        return True
    from policykit.analysis.tokenise import tokenize

    ta, tb = set(tokenize(a)), set(tokenize(b))
    shared = len(ta & tb)
    return bool(shared) and 2 * shared / (len(ta) + len(tb)) >= 0.5


def field_agrees(field: str, row: pd.Series, gold: pd.Series) -> bool:
    """Whether a row agrees with a gold item on one field; a blank gold field wants a blank row field."""
    want, got = gold.get(field), row.get(field)
    if field in NUMBER_FIELDS:
        return _same_number(got, want)
    if field == "comparator":
        return _comparator(got) == _comparator(want)
    if field == "deadline" and _text(want).startswith("--"):
        return recurring_month_day(_text(row.get("deadline_text"))) == _text(want)
    if field in ("deadline", "as_of", "since"):
        return _text(got)[:10] == _text(want)[:10]
    if field == "metric":
        return metric_agrees(got, want)
    return _text(got) == _text(want)


def _agrees(row: pd.Series, gold: pd.Series, check_kind: bool = True) -> bool:
    """Whether a row can stand for a gold item: same kind (when checked)."""
    return not check_kind or _text(row["kind"]) == _text(gold["kind"])


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
                    value = field_agrees("value", r, g) and field_agrees("value_low", r, g)
                    dates = field_agrees("deadline", r, g) and field_agrees("as_of", r, g)
                    candidates.append((not value, not dates, -shared, -_similarity(r["metric"], g["metric"]),
                                       ri, gi))
    used_rows: set[int] = set()
    used_gold: set[int] = set()
    out = []
    for *_, ri, gi in sorted(candidates):
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


def split_of(doc_id: str, sentence: str) -> str:
    """The split a sentence belongs to (docs/codebook.md §9): test iff sha256(doc_id|sentence) % 3 == 0."""
    digest = hashlib.sha256(f"{doc_id}|{sentence}".encode()).hexdigest()
    return "test" if int(digest, 16) % 3 == 0 else "dev"


def score(rows: pd.DataFrame, gold: pd.DataFrame, doc_kinds: dict[str, str], split: str = "all"
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score table and disagreements of table rows against the gold rows of one split (its scopes: split, …)."""
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
    for scope, which in [(split, None), (f"{split}/policy", "policy"), (f"{split}/report", "report")]:
        r = rows if which is None else rows[rows["scope"] == which]
        g = items if which is None else items[items["scope"] == which]
        m = matched if which is None else matched[matched["scope"] == which]
        for label in labels:
            tp, fp, fn = _counts(r["kind"], g["kind"], m["kind"], label)
            if tp + fp + fn or label == "all":
                scored.append(score_row(scope, label, tp, fp, fn))
    for field in FIELDS:
        agree = [field_agrees(field, rows.loc[mt.row], items.loc[mt.gold]) for mt in matches]
        scored.append(agreement_row(split, f"field:{field}", sum(agree), len(agree)))
    for doc_id in sorted(coded):
        r, g, m = rows[rows["doc_id"] == doc_id], items[items["doc_id"] == doc_id], matched[matched["doc_id"] == doc_id]
        scored.append(score_row(f"{split}/{doc_id}", "all", *_counts(r["kind"], g["kind"], m["kind"], "all")))
    details = _details(rows, items, negatives, matched_rows, matched_gold)
    fields = _field_details(rows, items, matches)
    details = pd.concat([d for d in (details, fields) if len(d)], ignore_index=True) if len(details) or len(
        fields) else details
    return score_table(scored), details.assign(split=split)[DETAIL_COLUMNS]


def _field_details(rows: pd.DataFrame, items: pd.DataFrame, matches: list[Match]) -> pd.DataFrame:
    """Matched items whose fields disagree: one line per item, naming the fields."""
    out = []
    for mt in matches:
        r, g = rows.loc[mt.row], items.loc[mt.gold]
        wrong = [f for f in FIELDS if not field_agrees(f, r, g)]
        if wrong:
            out.append({**{c: r.get(c) for c in DETAIL_COLUMNS}, "id": g["gold_id"],
                        "disagreement": "fields: " + ", ".join(f"{f} {_text(r.get(f)) or '∅'} (gold "
                                                               f"{_text(g.get(f)) or '∅'})" for f in wrong)})
    return pd.DataFrame(out, columns=DETAIL_COLUMNS) if out else pd.DataFrame(columns=DETAIL_COLUMNS)


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


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Items (precision, recall, F1) and every field's agreement, dev and test side by side."""
    rows, doc_kinds = read_rows(Path(data_dir))
    has_test = (Path(gold_dir) / TEST_FILE).is_file()  # without a test split, every row is scored as dev
    rows = rows.assign(_split=[split_of(d, t) if has_test else "dev"
                               for d, t in zip(rows["doc_id"], rows["sentence"], strict=True)])
    scores, details, notes = [], [], []
    for split, name in SPLITS:
        path = Path(gold_dir) / name
        if split == "test" and not path.is_file():
            continue
        gold = read_gold(path)
        part = rows[rows["_split"] == split].reset_index(drop=True)
        table, detail = score(part, gold, doc_kinds, split)
        scores.append(table)
        details.append(detail)
        n_items = int((gold["kind"] != NOT_A_TARGET).sum())
        notes.append(f"{split}: {n_items} gold items in {gold['doc_id'].nunique()} documents "
                     f"(`data/gold/{name}`), plus {len(gold) - n_items} coded `none`.")
    notes += ["Scopes: `dev`, `test` (the frozen test split: the figures that count), each also by document "
              "kind and document. Labels: `all` and each kind (precision/recall of items); `field:…` rows give "
              "the agreement of that field over the matched items (`agreement`, n in `n_gold`), a blank gold "
              "field counting as a value the row must match (see policykit.evaluation.targets)."]
    joined = pd.concat(details, ignore_index=True)
    scores = pd.concat(scores, ignore_index=True)
    return Section("targets", "Targets: dated and quantitative items", scores, summary=side_by_side(scores),
                   gold_file=f"data/gold/{GOLD_FILE} (dev), data/gold/{TEST_FILE} (test)",
                   details=joined.sort_values(["split", "doc_id"], kind="mergesort").reset_index(drop=True),
                   notes=notes, thresholds=list(THRESHOLDS))
