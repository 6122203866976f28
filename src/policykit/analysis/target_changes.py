"""Target changes: how each target of a draft fares in its final version, through the alignment.

- The `alignment` table's units say which draft provisions became which final provisions (renamed,
  merged, moved …); a target belongs to the unit holding its provision (or an ancestor of it), the most
  specific unit where several do. Provision ids are never compared across the two documents.
- Within a unit, draft and final targets are paired one-to-one, greedily by how alike their `metric`
  words are (difflib ratio ≥ 0.5); targets left unpaired are `dropped` (draft) or `added` (final).
- A pair is `unchanged` when kind, deadline, value, unit, comparator and wording (metric and the
  quantity as written) are equal; `tightened` when the final commits to more (a higher value for a floor,
  a lower one for a cap, a stricter comparator, an earlier deadline, a number where there was none),
  `loosened` for the reverse, and `reworded` when only the wording differs or the differences point both
  ways. `basis` says what differed. 增长1倍 and 倍增 both have value 2 (倍): a rewording.
"""

from __future__ import annotations

import difflib
import math

import pandas as pd

from policykit.errors import InputError
from policykit.schema import table

MIN_SIMILARITY = 0.5
# Comparators of a floor, from weakest to strictest; of a cap, from weakest to strictest.
FLOOR_ORDER = ("~", "=", ">=", ">")
CAP_ORDER = ("~", "=", "<=", "<")


def _text(value: object) -> str:
    """A cell as text ('' for null)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else str(value)


def _number(value: object) -> float | None:
    """A cell as a float (None for null)."""
    return None if value is None or pd.isna(value) else float(value)


def similarity(a: str, b: str) -> float:
    """How alike two metric descriptions are (0-1)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _unit_of(provision_id: str, unit_of_id: dict[str, int]) -> int | None:
    """The most specific alignment unit whose provisions hold provision_id (itself or an ancestor)."""
    pid = provision_id
    while True:
        if pid in unit_of_id:
            return unit_of_id[pid]
        if "." not in pid:
            return None
        pid = pid.rsplit(".", 1)[0]


def _units_by_id(of_unit: dict[int, list[str]]) -> dict[str, int]:
    """Provision id -> the first unit (in unit order) that names it."""
    out: dict[str, int] = {}
    for unit, ids in of_unit.items():
        for pid in ids:
            out.setdefault(pid, unit)
    return out


def _ids(cell: object) -> list[str]:
    """Provision ids of an alignment cell ('3.1;3.2' -> ['3.1', '3.2'])."""
    return [p for p in _text(cell).split(";") if p]


def pair_greedily(scores: list[tuple[float, int, int]], n_draft: int, n_final: int, minimum: float
                  ) -> list[tuple[int | None, int | None, float | None]]:
    """One-to-one pairs (i, j, score) taken best score first, scores at least minimum; then the unpaired.

    Pairs come in the final side's order, then the final rows left alone (None, j), then the draft rows
    (i, None). Ties go to the earlier draft row, then the earlier final row.
    """
    used_d: set[int] = set()
    used_f: set[int] = set()
    out: list[tuple[int | None, int | None, float | None]] = []
    for score, i, j in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if score >= minimum and i not in used_d and j not in used_f:
            used_d.add(i)
            used_f.add(j)
            out.append((i, j, round(score, 4)))
    out.sort(key=lambda x: x[1])
    out += [(None, j, None) for j in range(n_final) if j not in used_f]
    out += [(i, None, None) for i in range(n_draft) if i not in used_d]
    return out


def paired_items(draft: list[dict], final: list[dict], pairs: list[tuple[int | None, int | None, float | None]]
                 ) -> list[tuple[int, dict | None, dict | None, float | None]]:
    """(item number from 1, draft row or None, final row or None, similarity) of each pair of pair_greedily."""
    return [(n, draft[i] if i is not None else None, final[j] if j is not None else None, sim)
            for n, (i, j, sim) in enumerate(pairs, start=1)]


def _pairs(draft: list[dict], final: list[dict]) -> list[tuple[int | None, int | None, float | None]]:
    """Greedy one-to-one pairing of draft and final rows by metric similarity; unpaired rows alone."""
    scores = [(similarity(_text(d["metric"]), _text(f["metric"])), i, j)
              for i, d in enumerate(draft) for j, f in enumerate(final)]
    return pair_greedily(scores, len(draft), len(final), MIN_SIMILARITY)


def _stricter(order: tuple[str, ...], a: str, b: str) -> int:
    """+1 if comparator b is stricter than a in order, -1 if weaker, 0 if equal or not comparable."""
    if a == b or a not in order or b not in order:
        return 0
    return 1 if order.index(b) > order.index(a) else -1


def _value_change(d: dict, f: dict) -> tuple[list[int], list[str]]:
    """Directions (+1 stricter, -1 looser) and descriptions of what differs in value and comparator."""
    signs: list[int] = []
    basis: list[str] = []
    dv, fv = _number(d["value"]), _number(f["value"])
    d_cmp, f_cmp = _text(d["comparator"]), _text(f["comparator"])
    cap = f_cmp in ("<=", "<") or (not f_cmp and d_cmp in ("<=", "<"))
    if dv is None and fv is not None:
        signs.append(1)
        basis.append(f"quantified: {_text(f['value_text'])}")
    elif dv is not None and fv is None:
        signs.append(-1)
        basis.append(f"quantity removed: {_text(d['value_text'])}")
    elif dv is not None and fv is not None:
        if _text(d["unit"]) != _text(f["unit"]):
            basis.append(f"unit {_text(d['unit'])} -> {_text(f['unit'])}")
        elif dv != fv:
            signs.append((1 if fv > dv else -1) * (-1 if cap else 1))
            basis.append(f"value {dv:g} -> {fv:g}")
        step = _stricter(CAP_ORDER if cap else FLOOR_ORDER, d_cmp, f_cmp)
        if step:
            signs.append(step)
            basis.append(f"comparator {d_cmp} -> {f_cmp}")
    if _text(d["value_text"]) != _text(f["value_text"]) and (dv is not None or fv is not None):
        basis.append(f"written {_text(d['value_text']) or '-'} -> {_text(f['value_text']) or '-'}")
    return signs, basis


def classify_change(d: dict, f: dict) -> tuple[str, str]:
    """(change, basis) of a draft target d and its final counterpart f."""
    signs, basis = _value_change(d, f)
    d_due, f_due = _text(d["deadline"])[:10], _text(f["deadline"])[:10]
    if d_due != f_due:
        if d_due and f_due:
            signs.append(1 if f_due < d_due else -1)
        basis.append(f"deadline {d_due or '-'} -> {f_due or '-'}")
    if _text(d["kind"]) != _text(f["kind"]):
        basis.append(f"kind {_text(d['kind'])} -> {_text(f['kind'])}")
    if _text(d["metric"]) != _text(f["metric"]):
        basis.append("wording")
    if any(s > 0 for s in signs) and not any(s < 0 for s in signs):
        return "tightened", "; ".join(basis)
    if any(s < 0 for s in signs) and not any(s > 0 for s in signs):
        return "loosened", "; ".join(basis)
    if basis:
        return "reworded", "; ".join(basis)
    return "unchanged", ""


def _side(row: dict | None, prefix: str) -> dict[str, object]:
    """The columns of one side of a change."""
    cols = ("target_id", "kind", "deadline", "metric", "value", "unit", "comparator", "value_text", "sentence")
    names = {"unit": "value_unit", "target_id": "target_id"}
    return {f"{prefix}_{names.get(c, c)}": (None if row is None else row[c]) for c in cols}


def build_target_changes(alignment: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Return the target_changes table: each target of each aligned unit, classified, with both sentences."""
    for name, df, cols in (("alignment", alignment, ("pair_id", "aligned_unit", "draft_doc_id", "final_doc_id",
                                                     "draft_provision_ids", "final_provision_ids")),
                           ("targets", targets, ("target_id", "doc_id", "provision_id", "kind", "metric", "value",
                                                 "unit", "comparator", "value_text", "deadline", "sentence",
                                                 "char_start"))):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise InputError(f"table {name}", f"missing columns {missing}")
    rows: list[dict[str, object]] = []
    by_doc = dict(tuple(targets.groupby("doc_id", sort=False)))
    empty = targets.iloc[0:0]
    for pair_id, units in alignment.groupby("pair_id", sort=True):
        draft_doc, final_doc = units["draft_doc_id"].iloc[0], units["final_doc_id"].iloc[0]
        sides: dict[str, dict[int, list[dict]]] = {}
        for side, doc_id in (("draft", draft_doc), ("final", final_doc)):
            of_unit = {int(u.aligned_unit): _ids(getattr(u, f"{side}_provision_ids")) for u in units.itertuples()}
            unit_of_id = _units_by_id(of_unit)
            doc_targets = by_doc.get(doc_id, empty).copy()
            doc_targets["_unit"] = [_unit_of(str(p), unit_of_id) for p in doc_targets["provision_id"]]
            # text order: by sentence, then by the row's number within its provision (…:2 before …:10)
            order = doc_targets["target_id"].astype(str).str.rsplit(":", n=1).str[-1].astype(int)
            ordered = doc_targets.assign(_n=order).sort_values(["char_start", "_n"], kind="mergesort")
            grouped: dict[int, list[dict]] = {}
            for row in ordered.to_dict("records"):
                if row["_unit"] is not None and not pd.isna(row["_unit"]):
                    grouped.setdefault(int(row["_unit"]), []).append(row)
            sides[side] = grouped
        for unit in sorted(int(u) for u in units["aligned_unit"]):
            draft, final = sides["draft"].get(unit, []), sides["final"].get(unit, [])
            for item, d, f, sim in paired_items(draft, final, _pairs(draft, final)):
                if d is not None and f is not None:
                    change, basis = classify_change(d, f)
                else:
                    change, basis = ("added", "") if d is None else ("dropped", "")
                rows.append({"pair_id": pair_id, "aligned_unit": unit, "item": item, "change": change, "basis": basis,
                             "similarity": sim, **_side(d, "draft"), **_side(f, "final")})
    df = pd.DataFrame(rows, columns=table("target_changes").columns)
    return df.sort_values(["pair_id", "aligned_unit", "item"], kind="mergesort").reset_index(drop=True)


def _describe(metric: object, written: object, deadline: object) -> str:
    """One side of a change as a reader quotes it: metric, the quantity as written, the deadline."""
    parts = [_text(metric), _text(written)]
    words = " ".join(p for p in parts if p)
    due = _text(deadline)[:10]
    return f"{words} (by {due})" if words and due else words


def for_reading(changes: pd.DataFrame) -> pd.DataFrame:
    """The target_changes rows as a reader's table: change, basis, then the draft and the final target."""
    return pd.DataFrame({
        "pair_id": changes["pair_id"],
        "aligned_unit": changes["aligned_unit"],
        "change": changes["change"],
        "draft": [_describe(m, w, d) for m, w, d in
                  zip(changes["draft_metric"], changes["draft_value_text"], changes["draft_deadline"], strict=True)],
        "final": [_describe(m, w, d) for m, w, d in
                  zip(changes["final_metric"], changes["final_value_text"], changes["final_deadline"], strict=True)],
        "basis": changes["basis"].fillna(""),
    }).reset_index(drop=True)
