"""Quoted phrases: a phrase one document quotes whole (“…”) and a document of another family repeats.

Such a phrase is kept below min_length (a quoted principle: 原始数据不出域、数据可用不可见).
"""

from __future__ import annotations

import numpy as np

from policykit.analysis.reuse.corpus import Corpus, as_keys, content_index, doc_of, prov_of
from policykit.analysis.reuse.hashing import kgram_hashes
from policykit.analysis.reuse.marks import content_of, quote_spans
from policykit.analysis.reuse.passages import Passage


def quoted_passages(corpus: Corpus, min_quote: int, threshold: int, focus: set[int] | None,
                    chunk: int) -> list[Passage]:
    """Phrases of at least min_quote content characters quoted whole in one document and found in another.

    A phrase is kept when the documents holding it belong to 2 families or more, and fewer than threshold
    (more is a formula, left out as at the index): one passage per pair of a document quoting it and
    another document holding it, at the phrase's first occurrence in each. chunk: positions hashed at a time.
    """
    quoted = _quoted_phrases(corpus, min_quote)
    if not quoted:
        return []
    head_of = {phrase: kgram_hashes(corpus, min_quote, range(i, i + 1))[0]
               for phrase, q in quoted.items() for i in [next(iter(q.values()))]}
    # only positions starting like a quoted phrase are searched (no sort of the whole corpus), and the
    # corpus's hashes are computed a chunk at a time: they are never all held at once
    heads = np.unique(np.array(list(head_of.values()), dtype=np.uint64))
    found_at, found_h = [], []
    for start in range(0, len(corpus.keys), chunk):
        h = kgram_hashes(corpus, min_quote, range(start, start + chunk))
        at = np.minimum(np.searchsorted(heads, h), len(heads) - 1)
        hit = np.flatnonzero(heads[at] == h)
        found_at.append(hit + start)
        found_h.append(h[hit])
        del h, at, hit
    candidates, candidate_h = np.concatenate(found_at), np.concatenate(found_h)
    del found_at, found_h
    o = np.argsort(candidate_h, kind="stable")
    order, sorted_h = candidates[o], candidate_h[o]
    del candidates, candidate_h, o
    out = []
    for phrase, quoting in sorted(quoted.items()):
        found = _occurrences(corpus, phrase, head_of[phrase], sorted_h, order, min_quote)
        if not 2 <= len({int(corpus.family[d]) for d in found}) < threshold:
            continue
        for da in sorted(quoting):
            for db in sorted(found):
                if db == da or (db in quoting and db < da):  # each pair once
                    continue
                if focus is None or da in focus or db in focus:
                    out.extend(_quote_passage(corpus, da, found[da], db, found[db], len(phrase), len(found)))
    return out


def _quoted_phrases(corpus: Corpus, min_quote: int) -> dict[str, dict[int, int]]:
    """Content of every quoted span of min_quote characters or more -> {document: its first content index}."""
    quoted: dict[str, dict[int, int]] = {}
    for doc, text in enumerate(corpus.texts):
        for s, e in quote_spans(text):
            phrase = content_of(text[s:e])
            if len(phrase) >= min_quote:
                quoted.setdefault(phrase, {}).setdefault(doc, content_index(corpus, doc, s))
    return quoted


def _occurrences(corpus: Corpus, phrase: str, head: np.uint64, sorted_h: np.ndarray, order: np.ndarray,
                 min_quote: int) -> dict[int, int]:
    """Documents holding phrase -> content index of its first occurrence (head: hash of its first characters)."""
    codes = as_keys(corpus, np.frombuffer(phrase.encode("utf-32-le"), dtype=np.uint32))
    lo, hi = np.searchsorted(sorted_h, head, side="left"), np.searchsorted(sorted_h, head, side="right")
    at = order[lo:hi]  # positions starting with the phrase's first min_quote characters, ascending
    doc = doc_of(corpus, at)
    ok = at + len(codes) <= corpus.doc_bounds[doc + 1]  # the whole phrase within the same document
    at, doc = at[ok], doc[ok]
    ok = np.ones(len(at), dtype=bool)
    for j in range(min_quote, len(codes)):  # the rest of the phrase
        ok &= corpus.keys[at + j] == codes[j]
    at, doc = at[ok], doc[ok]
    docs, first = np.unique(doc, return_index=True)
    return dict(zip(docs.tolist(), at[first].tolist(), strict=True))


def _quote_passage(corpus: Corpus, da: int, ia: int, db: int, ib: int, n: int, n_docs: int) -> list[Passage]:
    """The passage of a quoted phrase between two documents (none if it leaves its provision)."""
    if da > db:
        da, ia, db, ib = db, ib, da, ia
    pa, pa_end, pb, pb_end = prov_of(corpus, np.array([ia, ia + n - 1, ib, ib + n - 1])).tolist()
    if pa < 0 or pb < 0 or pa_end != pa or pb_end != pb:
        return []  # outside any provision, or across a provision boundary
    return [Passage(da, db, pa, pb, [(ia, ib, n)], doc_frequency=n_docs)]
