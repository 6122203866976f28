"""Compare versions: the alignment and changes tables of every draft -> final pair.

``build_comparison(documents, provisions)`` aligns the provisions of each older version with those of the
next version of its family (documents.version_pairs) by the rules of policykit.analysis.align, and lists the
word-level edits of every aligned unit (policykit.analysis.worddiff). (Two witnesses of the *same* document are
collated by policykit.ingest.collate.)
"""

from __future__ import annotations

import pandas as pd

from policykit.analysis.align import DEFAULT_THRESHOLD, Aligned, align, units
from policykit.analysis.worddiff import Edit, moved_edits, unit_edits
from policykit.errors import InputError
from policykit.schema import require, table

ALIGNMENT_COLUMNS = tuple(table("alignment").columns)
CHANGES_COLUMNS = tuple(table("changes").columns)
PROVISION_COLUMNS = ("doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading", "text")


def compare_units(provisions: pd.DataFrame, draft_id: str, final_id: str,
                  threshold: float = DEFAULT_THRESHOLD) -> list[tuple[Aligned, list[Edit]]]:
    """Aligned units of one draft -> final pair, in final-document order, each with its edits."""
    require(provisions, PROVISION_COLUMNS, "provisions")
    d_units, f_units = units(provisions, draft_id), units(provisions, final_id)
    for doc, us in ((draft_id, d_units), (final_id, f_units)):
        if not us:
            raise InputError("table provisions", f"document {doc} has no provisions with text to compare")
    return [(al, unit_edits(al)) for al in align(d_units, f_units, threshold)]


def compare_pair(provisions: pd.DataFrame, draft_id: str, final_id: str,
                 threshold: float = DEFAULT_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(alignment, changes) rows for one draft -> final pair."""
    pair_id = f"{draft_id}__{final_id}"
    a_rows, c_rows = [], []
    for n, (al, edits) in enumerate(compare_units(provisions, draft_id, final_id, threshold), start=1):
        first_d = al.draft[0] if al.draft else None
        first_f = al.final[0] if al.final else None
        a_rows.append({
            "pair_id": pair_id, "aligned_unit": n, "draft_doc_id": draft_id, "final_doc_id": final_id,
            "draft_provision_ids": ";".join(u.provision_id for u in al.draft),
            "final_provision_ids": ";".join(u.provision_id for u in al.final),
            "draft_heading": first_d.name if first_d else None,
            "final_heading": first_f.name if first_f else None,
            "section": (first_f or first_d).section or None,
            "change": al.change, "similarity": al.similarity, "similarity_unordered": al.similarity_unordered,
            "basis": al.basis, "n_changes": len(edits), "touches_numbers": any(e.touches_numbers for e in edits),
        })
        for k, (e, moved) in enumerate(zip(edits, moved_edits(edits), strict=True), start=1):
            c_rows.append({"pair_id": pair_id, "aligned_unit": n, "op_index": k, "op": e.op,
                           "draft_text": e.draft_text, "final_text": e.final_text,
                           "context": e.context, "touches_numbers": e.touches_numbers,
                           "value_changed": e.value_changed, "is_moved": moved, "trivial": e.trivial})
    return (pd.DataFrame(a_rows, columns=list(ALIGNMENT_COLUMNS)),
            pd.DataFrame(c_rows, columns=list(CHANGES_COLUMNS)))


def build_comparison(documents: pd.DataFrame, provisions: pd.DataFrame,
                     threshold: float = DEFAULT_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alignment and changes tables for every pair of consecutive versions in documents.

    Inputs: documents (doc_id, and family_id and version, else kind and related_doc_id) and provisions
    (PROVISION_COLUMNS). Outputs: the alignment and changes tables, rows in pair order; the build conforms
    them (types, sort order) where it writes them.
    """
    from policykit.ingest.documents import version_pairs

    results = [compare_pair(provisions, d, f, threshold) for d, f in version_pairs(documents)]
    alignment = pd.concat([r[0] for r in results], ignore_index=True) if results else \
        pd.DataFrame(columns=list(ALIGNMENT_COLUMNS))
    changes = pd.concat([r[1] for r in results], ignore_index=True) if results else \
        pd.DataFrame(columns=list(CHANGES_COLUMNS))
    return alignment, changes
