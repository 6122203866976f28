"""Keyword in context: every occurrence of a term in the documents, with its provision and offset."""

from __future__ import annotations

import pandas as pd

from policykit.analysis.locate import provision_ids
from policykit.analysis.tokenise import all_spans
from policykit.errors import InputError
from policykit.schema import require

_KWIC_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})
_PROV_COLUMNS = ("doc_id", "provision_id", "char_start", "char_end")


def _occurrences(term: str, text: str, whole_words: bool = True) -> list[tuple[int, int]]:
    """Return (start, end) of each occurrence of term in text (on token boundaries if whole_words)."""
    bounds = {0, len(text)}
    if whole_words:
        for _, s, e in all_spans(text):
            bounds.update((s, e))
    out, pos = [], text.find(term)
    while pos >= 0:
        if not whole_words or (pos in bounds and pos + len(term) in bounds):
            out.append((pos, pos + len(term)))
        pos = text.find(term, pos + 1)
    return out


def kwic(
    term: str,
    docs: list[str] | None = None,
    window: int = 20,
    *,
    documents: pd.DataFrame,
    provisions: pd.DataFrame | None = None,
    whole_words: bool = True,
) -> pd.DataFrame:
    """Keyword-in-context lines of term (a word or a run of whole words) in the documents.

    Inputs: documents (doc_id, text) and provisions (doc_id, provision_id, char_start, char_end; None:
    provision_id stays null); policykit.kwic loads them from the published tables.
    Columns: doc_id, provision_id (policykit.analysis.locate's rule), left, keyword, right, char_start (offset into
    documents.text). Matches start and end on token boundaries, so 数据 does not match inside 数据要素 (a
    token count); with whole_words=False every occurrence matches, inside longer words too (a mention
    count, as in the concepts table). Line breaks and tabs in the context show as spaces.
    """
    if not term:
        raise InputError("kwic", "empty search term")
    if window < 0:
        raise InputError("kwic", f"window must be >= 0, got {window}")
    if provisions is None:
        provisions = pd.DataFrame(columns=list(_PROV_COLUMNS))
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, ("doc_id", "provision_id", "char_start", "char_end"), "provisions")
    chosen = documents if docs is None else documents[documents["doc_id"].isin(docs)]
    if docs is not None:
        unknown = sorted(set(docs) - set(documents["doc_id"].astype(str)))
        if unknown:
            raise InputError("kwic", f"unknown doc_id {unknown}")
    rows = []
    by_doc = {str(d): g for d, g in provisions.groupby(provisions["doc_id"].astype(str), sort=False)}
    for doc_id, text in zip(chosen["doc_id"].astype(str), chosen["text"].astype(str), strict=True):
        found = _occurrences(term, text, whole_words)
        held = provision_ids(by_doc.get(doc_id, provisions.iloc[:0]), None, [s for s, _ in found])
        for (s, e), provision_id in zip(found, held, strict=True):
            rows.append({
                "doc_id": doc_id,
                "provision_id": provision_id,
                "left": text[max(0, s - window):s].translate(_KWIC_BLANKS),
                "keyword": text[s:e],
                "right": text[e:e + window].translate(_KWIC_BLANKS),
                "char_start": s,
            })
    df = pd.DataFrame(rows, columns=["doc_id", "provision_id", "left", "keyword", "right", "char_start"])
    return df.sort_values(["doc_id", "char_start"], kind="mergesort").reset_index(drop=True)
