"""Targets in legal texts: time limits, fines and time-effect clauses against `lawtexts_targets.csv`.

The gold set (docs/codebook-lawtexts.md) was coded by reading articles of the two law archives; every row
has a `split` (dev or test) and a `measure` (time_limit, fine, time_effect, …). The files it names are read
from the archives by name, built into documents and provisions in process (as policykit.evaluation.lawtexts
does) and their targets extracted by the targets stage (policykit.analysis.targets.build_targets). Then:

* ``time limit / value and unit``: a gold time limit is found when a `time_limit` row of its document has a
  sentence holding the gold sentence's words, the same value and the same unit (个 dropped: 5个工作日 is 工作日);
* ``fine / both ends``: a gold fine is found when a `rule` row of its sentence has the same comparator and the
  same ends (in base units: 三万元 is 30000 元);
* ``time effect / rule, not goal``: a time-effect clause gives a `rule` row and no `goal` row.

A score is a share: ``tp`` the gold rows found, ``fn`` the others, ``recall`` the share.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "lawtexts_targets.csv"
SPLITS = ("dev", "test")
GOALS = {"time limit / value and unit": 0.9, "fine / both ends": 0.9}
THRESHOLDS = [Threshold("test", label, "recall", minimum) for label, minimum in GOALS.items()]
COMPARATORS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "="}


def _dense(text: object) -> str:
    """Text without whitespace or punctuation (sentences compared by their words)."""
    return "".join(c for c in str(text or "") if c.isalnum())


def _number(value: object) -> float | None:
    """A cell as a float (None if blank)."""
    try:
        out = float(str(value))
    except ValueError:
        return None
    return None if pd.isna(out) else out


def _base(value: object, unit: object) -> tuple[float | None, str]:
    """A number and its unit in base units (三万元 -> 30000 元), through the recogniser's rule."""
    from policykit.analysis.quantity_values import to_base

    number, base_unit = to_base(_number(value), str(unit or "") or None)
    return number, base_unit or ""


def _rows_of(targets: pd.DataFrame, doc_id: str | None, sentence: str) -> pd.DataFrame:
    """The target rows of a document whose sentence and the gold sentence hold one another."""
    if doc_id is None:
        return targets.iloc[0:0]
    rows = targets[targets["doc_id"] == doc_id]
    want = _dense(sentence)
    keep = [bool(want) and (want in _dense(s) or _dense(s) in want) and len(_dense(s)) > 4 for s in rows["sentence"]]
    return rows[keep]


def _time_limit_found(rows: pd.DataFrame, g: object) -> bool:
    """Whether a time_limit row carries the gold period (value and unit)."""
    unit = str(g.unit).removeprefix("个")
    return any(r.kind == "time_limit" and _number(r.value) == _number(g.value)
               and str(r.unit or "").removeprefix("个") == unit for r in rows.itertuples())


def _interval(comparator: str, value: object, low: object, high: object) -> tuple[object, object]:
    """The ends a comparator implies (between: low and high; <=: the cap; >=: the floor; =: the value twice)."""
    if comparator == "between":
        return low, high
    if comparator in ("<=", "<"):
        return None, high if _number(high) is not None else value
    if comparator in (">=", ">"):
        return low if _number(low) is not None else value, None
    return value, value


def _fine_found(rows: pd.DataFrame, g: object) -> bool:
    """Whether a rule row carries the gold fine: its comparator and the ends it implies, in base units."""
    comparator = COMPARATORS.get(g.comparator, g.comparator) or "="
    want = [_base(v, g.unit)[0] for v in _interval(comparator, g.value, g.value_low, g.value_high)]
    for r in rows.itertuples():
        if r.kind != "rule" or (r.comparator or "") != comparator:
            continue
        ends = [_base(v, r.unit)[0] for v in _interval(comparator, r.value, r.value_low, r.value_high)]
        if all((a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6 * max(1, abs(b)))
               for a, b in zip(ends, want, strict=True)):
            return True
    return False


def _time_effect_found(rows: pd.DataFrame) -> bool:
    """Whether a time-effect clause gives a rule and no goal."""
    kinds = set(rows["kind"])
    return "rule" in kinds and "goal" not in kinds


def score(gold: pd.DataFrame, documents_of: dict[str, str], targets: pd.DataFrame
          ) -> tuple[list[dict], list[dict]]:
    """Score rows and the dev disagreements of the gold rows (documents_of: source path -> doc_id)."""
    checks = {"time_limit": ("time limit / value and unit", _time_limit_found),
              "fine": ("fine / both ends", _fine_found),
              "time_effect": ("time effect / rule, not goal", lambda rows, g: _time_effect_found(rows))}
    counts: dict[tuple[str, str], list[int]] = {}
    details = []
    for g in gold.itertuples():
        if g.measure not in checks:
            continue
        label, check = checks[g.measure]
        rows = _rows_of(targets, documents_of.get(g.source_path), g.sentence)
        ok = check(rows, g)
        counts.setdefault((g.split, label), [0, 0])[0 if ok else 1] += 1
        if not ok and g.split == "dev":
            found = "; ".join(f"{r.kind} {r.value_text or ''} {r.unit or ''}" for r in rows.itertuples())
            details.append({"split": g.split, "label": label, "source_path": g.source_path,
                            "sentence": g.sentence, "gold": f"{g.value}{g.value_low}-{g.value_high} {g.unit}",
                            "found": found})
    return [score_row(split, label, c[0], 0, c[1]) for (split, label), c in sorted(counts.items())], details


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Time limits, fines and time-effect clauses of the law gold files, dev and test side by side."""
    from policykit.analysis.targets import build_targets

    from .lawtexts import archive_dir, build_tables, extract, file_documents, flat_name

    path = Path(gold_dir) / GOLD_FILE
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    archives = archive_dir()
    notes = [f"{len(gold)} rows of `data/gold/{GOLD_FILE}` coded by reading (docs/codebook-lawtexts.md)."]
    if archives is None:
        notes.append("The law archives (shared/external or $POLICYKIT_LAWS_DIR) were not found: not scored.")
        return Section("law_targets", "Targets in legal texts: time limits, fines, time-effect clauses",
                       score_table([]), gold_file=f"data/gold/{GOLD_FILE}", notes=notes)
    with tempfile.TemporaryDirectory(prefix="policykit-law-targets-") as tmp:
        extract(set(gold["source_path"]), Path(tmp), archives)
        tables = build_tables(Path(tmp))
    targets = build_targets(tables["documents"], tables["provisions"])
    by_file = file_documents(tables)
    documents_of = {p: str(by_file[flat_name(p)]["doc_id"].iloc[0]) for p in set(gold["source_path"])
                    if flat_name(p) in by_file and len(by_file[flat_name(p)])}
    rows, details = score(gold, documents_of, targets)
    from . import side_by_side

    scores = score_table(rows)
    return Section("law_targets", "Targets in legal texts: time limits, fines, time-effect clauses", scores,
                   summary=side_by_side(scores), gold_file=f"data/gold/{GOLD_FILE}",
                   details=pd.DataFrame(details), notes=notes, thresholds=list(THRESHOLDS))
