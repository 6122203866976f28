"""The reuse stage's inputs: the columns it reads, checked, and the families of versions of one text."""

from __future__ import annotations

import pandas as pd

from policykit.errors import InputError
from policykit.schema import require

DOC_COLUMNS = ("doc_id", "text", "title", "kind", "doc_number", "date", "period", "date_lower_bound",
               "related_doc_id", "family_id", "version", "policy_id")
PROV_COLUMNS = ("doc_id", "provision_id", "char_start", "char_end")
INPUT_COLUMNS = {"documents": DOC_COLUMNS, "provisions": PROV_COLUMNS}  # all the stage reads of its inputs


def check_documents(documents: pd.DataFrame, columns: tuple[str, ...] = DOC_COLUMNS) -> pd.DataFrame:
    """Return the documents' needed columns (columns, with doc_id), sorted by doc_id, after checking them."""
    require(documents, ("doc_id", "text"), "documents")
    docs = pd.DataFrame({c: documents[c] if c in documents.columns else None for c in columns})
    docs["doc_id"] = docs["doc_id"].astype(str)
    dup = docs["doc_id"][docs["doc_id"].duplicated()].unique().tolist()
    if dup:
        raise InputError("table documents", f"duplicate doc_id {dup[:3]}")
    if documents["text"].isna().any():
        raise InputError("table documents", "text is missing for some documents")
    return docs.sort_values("doc_id", kind="mergesort").reset_index(drop=True)


def check_provisions(provisions: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Return the provisions' needed columns, after checking ids and offsets against the documents."""
    require(provisions, PROV_COLUMNS, "provisions")
    prov = provisions[list(PROV_COLUMNS)].copy()
    prov["doc_id"] = prov["doc_id"].astype(str)
    prov["provision_id"] = prov["provision_id"].astype(str)
    if prov[["char_start", "char_end"]].isna().any().any():
        raise InputError("table provisions", "char_start/char_end missing")
    prov["char_start"] = prov["char_start"].astype("int64")
    prov["char_end"] = prov["char_end"].astype("int64")
    lengths = dict(zip(docs["doc_id"], docs["text"].str.len(), strict=True))
    unknown = sorted(set(prov["doc_id"]) - set(lengths))
    if unknown:
        raise InputError("table provisions", f"doc_id not in documents: {unknown[:3]}")
    doc_len = prov["doc_id"].map(lengths)
    bad = (prov["char_start"] < 0) | (prov["char_end"] < prov["char_start"]) | (prov["char_end"] > doc_len)
    if bad.any():
        r = prov[bad].iloc[0]
        raise InputError("table provisions", f"offsets {r.char_start}-{r.char_end} outside document {r.doc_id}")
    if prov.duplicated(["doc_id", "provision_id"]).any():
        raise InputError("table provisions", "duplicate (doc_id, provision_id)")
    return prov.sort_values(["doc_id", "char_start", "provision_id"], kind="mergesort").reset_index(drop=True)


def families_by_id(docs: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(doc_ids, family key of each): documents joined by family_id or by related_doc_id, as one group.

    Versions of one text share a family_id; news, explainers and issuing notices name the document they
    cover in related_doc_id. Both kinds of link join one group, so that a draft, its final text and the
    news about them count once when a phrase's spread across the corpus is measured.
    """
    from scipy.cluster.hierarchy import DisjointSet  # here: scipy takes a second to import

    ids = docs["doc_id"].tolist()
    sets = DisjointSet(ids)
    if "family_id" in docs.columns:
        first: dict[str, str] = {}
        for d, f in zip(ids, docs["family_id"], strict=True):
            if isinstance(f, str) and f:
                sets.merge(first.setdefault(f, d), d)
    for d, rel in zip(ids, docs["related_doc_id"], strict=True):
        if isinstance(rel, str) and rel in sets:
            sets.merge(d, rel)
    return ids, [min(sets.subset(d)) for d in ids]  # the smallest member names the family
