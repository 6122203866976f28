"""reuse_pairs: the reuse table summed by pair of documents, and the pair's relation.

The relation is ``version`` (the same family_id), ``derived`` (the same policy_id: an explainer, news item
or notice and a document of its own policy), ``borrowing`` (two policies and evidence: a quoted phrase only
the two hold, or a phrase of evidence, i.e. a substantive passage of min_rare_chars rarity-weighted
characters, and in all the rarity-weighted characters evidence_needed asks for, or twice those),
``citation`` (a citation passage naming a document of the corpus), else ``formula``. is_borrowing is
relation == borrowing.
"""

from __future__ import annotations

from math import log

import numpy as np
import pandas as pd

from policykit.analysis.reuse.inputs import check_documents, families_by_id
from policykit.analysis.reuse.params import ReuseParams
from policykit.analysis.reuse.passage_types import TYPES
from policykit.schema import table


def evidence_needed(n_documents: int, params: ReuseParams | None = None) -> float:
    """Rarity-weighted characters a pair of documents needs to be borrowing, in a corpus of n_documents.

    The more pairs a corpus has, the more of them share some wording by chance (two statutes repeating a
    common clause): up to params.evidence_base_pairs pairs, one passage of params.min_rare_chars is enough;
    beyond, the characters needed grow with the logarithm of the pairs compared.
    """
    p = params or ReuseParams()
    pairs = n_documents * (n_documents - 1) / 2
    return p.min_rare_chars * max(1.0, log(max(pairs, 1.0)) / log(p.evidence_base_pairs))


def build_reuse_pairs(reuse: pd.DataFrame, documents: pd.DataFrame | None = None,
                      params: ReuseParams | None = None) -> pd.DataFrame:
    """Return reuse_pairs: per pair of documents, passages and content characters by type, and the direction."""
    p = params or ReuseParams()
    cols = table("reuse_pairs").columns
    if reuse.empty:
        return pd.DataFrame(columns=cols)
    keys = ["source_doc_id", "target_doc_id"]
    # the columns counted only: filtering the whole table would copy its texts
    df = reuse[[*keys, "type", "direction_basis"]].assign(length=reuse["length"].astype("int64"),
                                                           verbatim=(reuse["edit_distance"] == 0).astype("int64"))
    counts = pd.crosstab([df[k] for k in keys], df["type"]).reindex(columns=list(TYPES), fill_value=0)
    chars = df.pivot_table(index=keys, columns="type", values="length", aggfunc="sum", fill_value=0)
    chars = chars.reindex(columns=list(TYPES), fill_value=0)
    g = df.groupby(keys)
    out = pd.DataFrame({
        "direction_basis": g["direction_basis"].first(),
        "n_passages": g.size(),
        **{f"n_{t}": counts[t] for t in TYPES},
        "substantive_chars": chars["substantive"],
        "quotation_chars": chars["quotation"],
        "longest_substantive": df[df["type"] == "substantive"].groupby(keys)["length"].max(),
        "n_verbatim": g["verbatim"].sum(),
    }).reset_index()
    out["longest_substantive"] = out["longest_substantive"].fillna(0)
    # evidence: each substantive or quoted passage weighted by its rarity (2 / documents holding it, at most 1)
    evid = reuse["type"].isin(("substantive", "quotation"))
    rarity = reuse["rarity"] if "rarity" in reuse.columns else 2.0 / reuse["doc_frequency"].clip(lower=2)
    weight = rarity.astype("float64").where(evid, 0.0)
    # a phrase of evidence: a substantive passage of min_rare_chars rarity-weighted characters (wording held by few
    # documents besides the two), or a quoted phrase held by the two documents only
    long = (reuse["type"].eq("substantive") & (reuse["length"] * weight >= p.min_rare_chars)) | (
        reuse["type"].eq("quotation") & (weight >= 1.0))
    quoted = reuse["type"].eq("quotation") & (weight >= 1.0)
    ev = pd.DataFrame({k: reuse[k] for k in keys}).assign(rare=reuse["length"].astype("float64") * weight,
                                                          phrases=long.astype("int64"), quoted=quoted.astype("int64"))
    ev = ev.groupby(keys)[["rare", "phrases", "quoted"]].sum()
    out = out.merge(ev, left_on=keys, right_index=True, how="left")
    out["rare_chars"] = out.pop("rare").fillna(0.0).round(1)
    out["n_phrases"] = out.pop("phrases").fillna(0).astype("int64")
    n_quoted = out.pop("quoted").fillna(0)
    cit = reuse[reuse["type"].eq("citation") & reuse["cited_doc_id"].notna()] if "cited_doc_id" in reuse else None
    first_cited = (cit.groupby(keys)["cited_doc_id"].min() if cit is not None and len(cit)
                   else pd.Series(dtype=object))
    out["cited_doc_id"] = [first_cited.get((s, t)) for s, t in zip(out["source_doc_id"], out["target_doc_id"],
                                                                    strict=True)]
    out["same_family"] = False
    out["same_policy"] = False
    if documents is not None and len(documents):
        fam = _column_of(documents, "family_id")
        pol = _column_of(documents, "policy_id")
        if not pol:  # a table without policies: families joined by related_doc_id, as the index groups them
            pol = dict(zip(*families_by_id(check_documents(documents, ("doc_id", "family_id", "related_doc_id"))),
                           strict=True))
        pairs = list(zip(out["source_doc_id"], out["target_doc_id"], strict=True))
        out["same_family"] = [s in fam and fam.get(s) == fam.get(t) for s, t in pairs]
        out["same_policy"] = [s in pol and pol.get(s) == pol.get(t) for s, t in pairs]
    # Evidence: a quoted phrase only the two hold; or a phrase of evidence and, in all, the rarity-weighted
    # characters the corpus's size calls for; or twice those, spread over shorter passages.
    n_docs = (len(documents) if documents is not None and len(documents)
              else len(set(out["source_doc_id"]) | set(out["target_doc_id"])))
    need = evidence_needed(n_docs, p)
    evidence = (n_quoted > 0) | ((out["n_phrases"] > 0) & (out["rare_chars"] >= need)) | (out["rare_chars"] >= 2 * need)
    out["is_borrowing"] = evidence & ~out["same_policy"] & ~out["same_family"]
    out["relation"] = np.select(
        [out["same_family"], out["same_policy"], out["is_borrowing"], out["cited_doc_id"].notna()],
        ["version", "derived", "borrowing", "citation"], "formula")
    return out[cols]


def _column_of(documents: pd.DataFrame, column: str) -> dict[str, str]:
    """doc_id -> a string column's value, where the table has the column and the value is set."""
    if column not in documents.columns:
        return {}
    return {str(d): v for d, v in zip(documents["doc_id"], documents[column], strict=True) if isinstance(v, str) and v}
