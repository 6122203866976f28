"""Statement changes: how the strength of each statement of a draft fares in its final version.

- The `alignment` table's units say which draft provisions became which final provisions; a statement
  belongs to the unit holding its provision (or an ancestor of it), as in target_changes. Provision ids
  are never compared across the two documents.
- Within a unit, draft and final statements are paired one to one, greedily by how alike their
  sentences are (rapidfuzz's normalised Indel similarity ≥ 0.5); statements left unpaired are `dropped`
  (draft) or `added` (final).
- A pair is `strengthened` when the final strength is higher, `weakened` when lower, else `unchanged`.
"""

from __future__ import annotations

import pandas as pd
from rapidfuzz.distance import Indel

from policykit.analysis.target_changes import _ids, _unit_of, _units_by_id, pair_greedily, paired_items
from policykit.schema import require, table

MIN_SIMILARITY = 0.5
SIDE_COLUMNS = ("statement_id", "strength", "modal", "instrument", "sentence")


def _pairs(draft: list[dict], final: list[dict]) -> list[tuple[int | None, int | None, float | None]]:
    """Greedy one-to-one pairing of draft and final statements by sentence similarity; unpaired alone."""
    scores = [(Indel.normalized_similarity(d["sentence"], f["sentence"]), i, j)
              for i, d in enumerate(draft) for j, f in enumerate(final)]
    return pair_greedily(scores, len(draft), len(final), MIN_SIMILARITY)


def classify_change(draft_strength: int, final_strength: int) -> str:
    """strengthened, weakened or unchanged, from the two strengths."""
    if final_strength > draft_strength:
        return "strengthened"
    return "weakened" if final_strength < draft_strength else "unchanged"


def _side(row: dict | None, prefix: str) -> dict[str, object]:
    """The columns of one side of a change."""
    return {f"{prefix}_{c}": (None if row is None else row[c]) for c in SIDE_COLUMNS}


def _by_unit(statements: pd.DataFrame, units: pd.DataFrame, side: str) -> dict[int, list[dict]]:
    """A document's statements grouped by the alignment unit holding their provision, in text order."""
    of_unit = {int(u.aligned_unit): _ids(getattr(u, f"{side}_provision_ids")) for u in units.itertuples()}
    unit_of_id = _units_by_id(of_unit)
    grouped: dict[int, list[dict]] = {}
    for row in statements.sort_values("char_start", kind="mergesort").to_dict("records"):
        unit = _unit_of(str(row["provision_id"]), unit_of_id)
        if unit is not None:
            grouped.setdefault(unit, []).append(row)
    return grouped


def build_statement_changes(alignment: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Return the statement_changes table: each statement of each aligned unit, compared, with both sentences."""
    require(alignment, ("pair_id", "aligned_unit", "draft_doc_id", "final_doc_id", "draft_provision_ids",
                        "final_provision_ids"), "alignment")
    require(statements, ("statement_id", "doc_id", "provision_id", "char_start", *SIDE_COLUMNS[1:]), "statements")
    rows: list[dict[str, object]] = []
    by_doc = dict(tuple(statements.groupby("doc_id", sort=False)))
    empty = statements.iloc[0:0]
    for pair_id, units in alignment.groupby("pair_id", sort=True):
        sides = {side: _by_unit(by_doc.get(units[f"{side}_doc_id"].iloc[0], empty), units, side)
                 for side in ("draft", "final")}
        for unit in sorted(int(u) for u in units["aligned_unit"]):
            draft, final = sides["draft"].get(unit, []), sides["final"].get(unit, [])
            for item, d, f, sim in paired_items(draft, final, _pairs(draft, final)):
                if d is not None and f is not None:
                    change = classify_change(int(d["strength"]), int(f["strength"]))
                else:
                    change = "added" if d is None else "dropped"
                rows.append({"pair_id": pair_id, "aligned_unit": unit, "item": item, "change": change,
                             "similarity": sim, **_side(d, "draft"), **_side(f, "final")})
    df = pd.DataFrame(rows, columns=table("statement_changes").columns)
    return df.sort_values(["pair_id", "aligned_unit", "item"], kind="mergesort").reset_index(drop=True)


def strength_shifts(changes: pd.DataFrame) -> pd.DataFrame:
    """The strengthened and weakened statements as a reader's table: unit, change, strengths and sentences."""
    moved = changes[changes["change"].isin(["strengthened", "weakened"])]
    return pd.DataFrame({
        "pair_id": moved["pair_id"], "aligned_unit": moved["aligned_unit"], "change": moved["change"],
        "draft_strength": moved["draft_strength"], "final_strength": moved["final_strength"],
        "draft_modal": moved["draft_modal"], "final_modal": moved["final_modal"],
        "draft_sentence": moved["draft_sentence"], "final_sentence": moved["final_sentence"],
    }).reset_index(drop=True)
