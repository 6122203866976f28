"""Terms stage: term frequencies per document and per top-level provision (tf-idf), and keyness.

Tokens come from policykit.analysis.tokenise (its docstring states the tokenising rules); keyword-in-context
lines from policykit.analysis.kwic.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping

import numpy as np
import pandas as pd

from policykit.analysis.locate import locate
from policykit.analysis.tokenise import tokenize, tokenize_spans
from policykit.errors import InputError
from policykit.schema import require, table

_DOC_COLUMNS = ("doc_id", "kind", "related_doc_id", "text")
_PROV_COLUMNS = ("doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end")


# --- term frequencies -------------------------------------------------------------------------


def top_level_ids(provisions: pd.DataFrame) -> pd.Series:
    """Return, for each provision row, the provision_id of its top-level ancestor (one without parent)."""
    keys = list(zip(provisions["doc_id"], provisions["provision_id"], strict=True))
    parents = provisions["parent_id"]
    parent = {k: (q if isinstance(q, str) and q else None) for k, q in zip(keys, parents, strict=True)}

    def root(doc: str, pid: str) -> str:
        seen = set()
        while parent.get((doc, pid)) is not None:
            if pid in seen:
                raise InputError("table provisions", f"{doc}: cycle in parent_id at {pid}")
            seen.add(pid)
            pid = parent[(doc, pid)]
        return pid

    return pd.Series(
        [root(d, p) for d, p in keys],
        index=provisions.index,
        dtype=object,
    )


def _ranked(doc_id: str, scope: str, counts: Counter[str]) -> list[tuple[str, str, str, int, int, float]]:
    """Rows of one scope (doc_id, scope, term, count, rank, rel_freq); ranks break ties by term.

    Tuples rather than dicts: a batch has hundreds of thousands of rows, and a tuple takes a third
    of a dict's memory.
    """
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(doc_id, scope, t, c, i, c / total) for i, (t, c) in enumerate(ordered, 1)]


def _scope_locator(provisions: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """Per document: its provisions and the top-level provision_id of each (for policykit.analysis.locate)."""
    prov = provisions.assign(_top=top_level_ids(provisions).astype(str))
    return {str(doc): (g, g["_top"].tolist()) for doc, g in prov.groupby("doc_id", sort=True)}


def build_term_frequencies(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Term counts per document (scope 'document') and per top-level provision, with tf-idf.

    Each document is tokenised once; a term counts towards the top-level provision (preamble
    included) that holds its first character (policykit.analysis.locate), so the provision scopes of a
    document add up to its document scope (less any terms outside every provision).
    Inputs: documents (doc_id, text), provisions (doc_id, provision_id, parent_id, level, text,
    char_start, char_end). Output: term_frequencies.
    """
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, _PROV_COLUMNS, "provisions")
    scopes = _scope_locator(provisions)
    doc_counts: dict[str, Counter[str]] = {}
    rows: list[tuple[str, str, str, int, int, float]] = []
    for doc_id, text in zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True):
        spans = tokenize_spans(text)
        terms = [t for t, _, _ in spans]
        doc_counts[doc_id] = Counter(terms)
        rows.extend(_ranked(doc_id, "document", doc_counts[doc_id]))
        scoped: dict[str, Counter[str]] = defaultdict(Counter)
        if doc_id in scopes:
            prov, tops = scopes[doc_id]
            held = locate(prov, None, [s for _, s, _ in spans]).tolist()
            for (i, term), k in Counter(zip(held, terms, strict=True)).items():  # counted in C, then by scope
                if i >= 0:
                    scoped[tops[i]][term] += k
        for top, counts in scoped.items():
            rows.extend(_ranked(doc_id, top, counts))
    df = pd.DataFrame(rows, columns=[c for c in table("term_frequencies").columns if c != "tfidf"])
    return with_tfidf(df, len(doc_counts))


def with_tfidf(frequencies: pd.DataFrame, n_documents: int) -> pd.DataFrame:
    """Term frequencies with tfidf on the document-scope rows (count · ln(n_documents / documents with the term)).

    The document frequency of a term is its number of document-scope rows, so the same formula serves
    frequencies counted batch by batch (the build) and all at once; rows sorted by doc_id, scope, term.
    """
    df = frequencies
    is_doc = (df["scope"] == "document").to_numpy(dtype=bool)
    terms = df["term"].to_numpy(dtype=object)[is_doc]
    idf = {t: math.log(n_documents / k) for t, k in Counter(terms.tolist()).items()}
    values = np.zeros(len(df))
    values[is_doc] = df["count"].to_numpy(dtype=np.int64)[is_doc] * np.fromiter(map(idf.__getitem__, terms), float,
                                                                                 len(terms))
    df["tfidf"] = pd.arrays.FloatingArray(values, ~is_doc)  # null outside the document scope
    return df.sort_values(["doc_id", "scope", "term"], kind="mergesort").reset_index(drop=True)


# --- keyness ----------------------------------------------------------------------------------


def log_likelihood(a: int, b: int, total_a: int, total_b: int) -> float:
    """G2 of a term seen a times in corpus A (size total_a) and b times in B (Rayson & Garside 2000)."""
    expected_a = total_a * (a + b) / (total_a + total_b)
    expected_b = total_b * (a + b) / (total_a + total_b)
    g2 = sum(o * math.log(o / e) for o, e in ((a, expected_a), (b, expected_b)) if o > 0)
    return 2.0 * g2


def log_ratio(a: int, b: int, total_a: int, total_b: int) -> float:
    """Binary log of B's relative frequency over A's, 0.5 standing in for a zero count (Hardie 2014)."""
    return math.log2(((b or 0.5) / total_b) / ((a or 0.5) / total_a))


def _keyness_rows(counts_a: Mapping[str, int], counts_b: Mapping[str, int]) -> list[tuple[str, int, int, float, float]]:
    """(term, count_a, count_b, g2, log_ratio) of every term of two corpora, in the order keyness() gives."""
    total_a, total_b = sum(counts_a.values()), sum(counts_b.values())
    if total_a == 0 or total_b == 0:
        raise InputError("keyness", "both corpora need at least one counted term")
    rows = []
    for term in set(counts_a) | set(counts_b):
        a, b = int(counts_a.get(term, 0)), int(counts_b.get(term, 0))
        rows.append((term, a, b, log_likelihood(a, b, total_a, total_b), log_ratio(a, b, total_a, total_b)))
    # terms found in only one corpus first, then g2 descending, then term (unique: the order is total)
    rows.sort(key=lambda r: (r[1] != 0 and r[2] != 0, -r[3], r[0]))
    return rows


def keyness(counts_a: Mapping[str, int], counts_b: Mapping[str, int]) -> pd.DataFrame:
    """Keyness of every term of two corpora: term, count_a, count_b, g2, log_ratio (B over A), direction.

    direction is 'b' where the term is relatively more frequent in B, else 'a'. Rows come sorted with
    the terms found in only one corpus first, then by g2 descending, then by term.
    """
    rows = _keyness_rows(counts_a, counts_b)
    df = pd.DataFrame(rows, columns=["term", "count_a", "count_b", "g2", "log_ratio"])
    df["direction"] = ["b" if r[4] > 0 else "a" for r in rows]
    return df


def _document_counts(frequencies: pd.DataFrame, doc_ids: set[str]) -> dict[str, dict[str, int]]:
    """Term counts of each of doc_ids, from the document-scope rows of term_frequencies."""
    rows = frequencies[(frequencies["scope"] == "document") & frequencies["doc_id"].isin(doc_ids)]
    out: dict[str, dict[str, int]] = {d: {} for d in doc_ids}
    cells = (rows["doc_id"].tolist(), rows["term"].tolist(), rows["count"].astype(int).tolist())
    for doc_id, term, n in zip(*cells, strict=True):
        out[doc_id][term] = n
    return out


def build_keyness(documents: pd.DataFrame, provisions: pd.DataFrame | None = None,
                  frequencies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keyness of every draft -> final pair, one row per (pair_id, term), whole-document counts.

    Rows are sorted by pair_id, then terms found in only one version first, then g2 descending, then
    term. provisions is accepted (and unused) so that both builders take the same arguments. frequencies,
    when given, is the term_frequencies table of (at least) the paired documents: their document-scope
    counts are used rather than tokenising the documents again (they are the same counts).
    """
    from policykit.ingest.documents import version_pairs

    require(documents, ("doc_id", "text"), "documents")
    pairs = version_pairs(documents)
    columns = table("keyness").columns
    if not pairs:
        return pd.DataFrame(columns=columns)
    paired = {d for pair in pairs for d in pair}
    if frequencies is None:
        text = dict(zip(documents["doc_id"].astype(str), documents["text"].astype(str), strict=True))
        counts: Mapping[str, Mapping[str, int]] = {d: Counter(tokenize(text[d])) for d in paired}
    else:
        require(frequencies, ("doc_id", "scope", "term", "count"), "term_frequencies")
        counts = _document_counts(frequencies, paired)
    rows = []
    for draft, final in pairs:
        pair_id = f"{draft}__{final}"
        rows += [(pair_id, *r, "final" if r[4] > 0 else "draft") for r in _keyness_rows(counts[draft], counts[final])]
    return pd.DataFrame(rows, columns=columns)


def build_tables(documents: pd.DataFrame, provisions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return the terms stage's published tables: term_frequencies and keyness."""
    frequencies = build_term_frequencies(documents, provisions)
    return {"term_frequencies": frequencies, "keyness": build_keyness(documents, provisions, frequencies)}


def top_terms(frequencies: pd.DataFrame, doc_id: str, n: int = 20, *, by: str = "tfidf",
              scope: str = "document") -> pd.DataFrame:
    """The n terms that characterise a document: by tf-idf, by keyness against the rest of the corpus, or by count.

    Raw counts rank the words every policy text uses (数据, 发展, 建设) first; tf-idf (document scope) and
    keyness (G2 of the document against all other documents, terms relatively more frequent in the document
    only) rank what sets the document apart. Returns term, count, score (the ranking value) and rel_freq.
    """
    require(frequencies, ("doc_id", "scope", "term", "count", "rel_freq", "tfidf"), "term_frequencies")
    if by not in ("tfidf", "keyness", "count"):
        raise InputError("top_terms", f"by must be tfidf, keyness or count, got {by!r}")
    if by == "tfidf" and scope != "document":
        raise InputError("top_terms", "tf-idf is computed for the document scope only; use by='keyness' or 'count'")
    rows = frequencies[(frequencies["doc_id"] == doc_id) & (frequencies["scope"] == scope)]
    out = rows[["term", "count", "rel_freq"]].copy()
    if by == "count":
        out["score"] = out["count"].astype(float)
    elif by == "tfidf":
        out["score"] = rows["tfidf"].astype(float).to_numpy()
    else:
        whole = frequencies[(frequencies["scope"] == "document") & (frequencies["doc_id"] != doc_id)]
        rest = whole.groupby("term")["count"].sum()
        k = keyness(rest.astype(int).to_dict(), dict(zip(out["term"], out["count"].astype(int), strict=True)))
        k = k[k["direction"] == "b"].set_index("term")["g2"]
        out = out[out["term"].isin(k.index)]
        out["score"] = out["term"].map(k).astype(float)
    out = out.sort_values(["score", "count", "term"], ascending=[False, False, True], kind="mergesort")
    return out.head(n)[["term", "count", "score", "rel_freq"]].reset_index(drop=True)
