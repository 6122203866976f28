"""Text reuse: passages of shared language between provisions of different documents.

Method, in four steps (all character offsets index into documents.text):

1. Matching alphabet. Each document is reduced to its *content characters*: everything except
   whitespace, punctuation and control/format characters (Unicode categories Z*, P*, C*). Han
   characters, letters, digits and symbols such as × and ¥ count (%, being punctuation, does not).
   Lengths (min_length, max_gap, the `length` column) are counted in content characters, so a
   punctuation difference (，vs 、) never breaks a passage and punctuation never pads a short
   phrase over the threshold.
2. Blocking. Every k-gram of content characters (k = min_run) is hashed; k-grams that occur in two
   documents are seeds. This is an exact inverted index, sorted once over the whole corpus
   (O(N log N) in the corpus size; work beyond that grows with the number of shared k-grams, i.e.
   with the amount of reuse, not with the number of provision pairs). MinHash/LSH is not used
   because it estimates the Jaccard similarity of whole provisions and so misses a 15-character
   passage quoted inside two long, otherwise different provisions; the k-gram index finds every
   shared run of at least k characters.
3. Extent. Seeds on one diagonal at consecutive positions are exactly a maximal exact match (a
   run). Runs are cut at provision boundaries on both sides, and runs of the same provision pair
   that follow each other within max_gap characters on both sides are merged into one passage.
   A passage is reported when it shares at least min_length characters. A phrase repeated in both
   documents is reported once per occurrence in the later document (not once per combination), and
   a passage lying inside a longer passage from the same source document is not repeated.
4. Labels. doc_frequency counts the documents whose matches cover every shared character of the
   passage. A family is a set of documents linked by related_doc_id (a draft, its final and news
   about them repeat one text and would otherwise make every quoted sentence look formulaic); a
   phrase is formulaic when it occurs in at least max(min_boilerplate_families,
   boilerplate_share x number of families) families. is_boilerplate is set when the passage itself
   is formulaic, or when at least boilerplate_cover of its characters lie in formulaic phrases of
   min_length characters or more (a long opening sentence strung together from stock phrases).
   Direction: the source is the earlier document by date; else by period (the month, where the
   catalog knows no day); else the smaller doc_id (direction_basis = date, month or order).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from math import ceil

import numpy as np
import pandas as pd

from .errors import InputError
from .tables import conform

DEFAULT_MIN_LENGTH = 15
DEFAULT_MIN_RUN = 8
DEFAULT_MAX_GAP = 3
DEFAULT_BOILERPLATE_SHARE = 0.2
DEFAULT_MIN_BOILERPLATE_FAMILIES = 3
DEFAULT_BOILERPLATE_COVER = 0.75

_DOC_COLUMNS = ("doc_id", "text", "date", "period", "related_doc_id")
_PROV_COLUMNS = ("doc_id", "provision_id", "char_start", "char_end")
_HASH_BASE = np.uint64(1_000_003)
MAX_REPEATS = 8  # occurrences of one k-gram per document that seed matches
_NO_HASH = np.uint64(np.iinfo(np.uint64).max)


@dataclass(frozen=True)
class _Corpus:
    """Documents reduced to content characters, with their provisions, in doc_id order."""

    doc_ids: list[str]
    texts: list[str]
    keys: np.ndarray  # uint32 code points of all content characters, documents concatenated
    key_doc: np.ndarray  # document index of each content character
    key_pos: np.ndarray  # offset of each content character in its document's text
    key_prov: np.ndarray  # global provision index of each content character, -1 if none
    prov_ids: list[str]  # provision_id of each global provision index


@dataclass
class _Passage:
    """Shared passage between provisions of two documents (a, b with a < b), in content-character indexes."""

    doc_a: int
    doc_b: int
    prov_a: int
    prov_b: int
    segments: list[tuple[int, int, int]]  # exact runs: (start in a, start in b, length)

    @property
    def shared(self) -> int:
        """Number of content characters matched exactly."""
        return sum(s[2] for s in self.segments)


@cache
def is_content_char(ch: str) -> bool:
    """Whether a character counts towards passage length (not whitespace, punctuation or control)."""
    return unicodedata.category(ch)[0] not in "ZPC"


def build_reuse(
    documents: pd.DataFrame,
    provisions: pd.DataFrame,
    min_length: int = DEFAULT_MIN_LENGTH,
    *,
    max_gap: int = DEFAULT_MAX_GAP,
    min_run: int = DEFAULT_MIN_RUN,
    boilerplate_share: float = DEFAULT_BOILERPLATE_SHARE,
    min_boilerplate_families: int = DEFAULT_MIN_BOILERPLATE_FAMILIES,
    boilerplate_cover: float = DEFAULT_BOILERPLATE_COVER,
    focus: set[str] | None = None,
) -> pd.DataFrame:
    """Return the reuse table: passages of at least min_length shared characters between different documents.

    Lengths and gaps count content characters (see is_content_char). max_gap: differing characters
    bridged on each side when merging two exact runs; min_run: shortest exact run used as a seed and
    merge piece; boilerplate_share, min_boilerplate_families, boilerplate_cover: see the module
    docstring; focus: doc_ids whose passages are wanted (None = all; doc_frequency stays corpus-wide).
    """
    _check_params(min_length, max_gap, min_run, boilerplate_share, boilerplate_cover)
    docs = _check_documents(documents)
    corpus = _make_corpus(docs, _check_provisions(provisions, docs))
    k = min(min_run, min_length)
    focus_idx = None if focus is None else {i for i, d in enumerate(corpus.doc_ids) if d in focus}
    run_a, run_b, run_len = _runs(corpus, k, focus_idx)
    passages = _passages(corpus, run_a, run_b, run_len, max_gap, min_length)
    coverage = _coverage(corpus, run_a, run_b, run_len)
    families = _families(docs)
    n_families = len(set(families.values()))
    threshold = max(min_boilerplate_families, ceil(boilerplate_share * n_families))
    formulaic = _family_counts(corpus, run_a, run_b, run_len, families, min_length) >= threshold
    order = _direction(docs, corpus.doc_ids)
    rows = [_row(corpus, p, order, coverage, families, threshold, formulaic, boilerplate_cover) for p in passages]
    return conform(_drop_repeats(pd.DataFrame(rows, columns=_COLUMNS)), "reuse")


def reuse_between(
    doc_a: str,
    doc_b: str,
    min_length: int = DEFAULT_MIN_LENGTH,
    *,
    documents: pd.DataFrame | None = None,
    provisions: pd.DataFrame | None = None,
    **kw,
) -> pd.DataFrame:
    """Return the reuse rows between two documents (either direction), loading published tables if not given."""
    from .tables import load

    documents = load("documents") if documents is None else documents
    provisions = load("provisions") if provisions is None else provisions
    known = set(documents["doc_id"].astype(str))
    for d in (doc_a, doc_b):
        if d not in known:
            raise InputError("table documents", f"no document {d!r}")
    if doc_a == doc_b:
        raise InputError("reuse_between", "the two documents must differ")
    # Matches of the pair with every other document are still needed for doc_frequency,
    # so the whole corpus is indexed but only seeds touching the two documents are followed.
    out = build_reuse(documents, provisions, min_length, focus={doc_a, doc_b}, **kw)
    pair = {doc_a, doc_b}
    keep = out["source_doc_id"].isin(pair) & out["target_doc_id"].isin(pair)
    return out[keep].reset_index(drop=True)


_COLUMNS = [
    "reuse_id", "source_doc_id", "source_provision_id", "target_doc_id", "target_provision_id",
    "shared_text", "length", "source_char_start", "source_char_end", "target_char_start",
    "target_char_end", "doc_frequency", "is_boilerplate", "direction_basis",
]


# --- input checks -----------------------------------------------------------------------------

def _check_params(min_length: int, max_gap: int, min_run: int, boilerplate_share: float, cover: float) -> None:
    """Reject parameters that make no sense."""
    if min_length < 1 or min_run < 1:
        raise InputError("reuse parameters", f"min_length ({min_length}) and min_run ({min_run}) must be at least 1")
    if max_gap < 0:
        raise InputError("reuse parameters", f"max_gap ({max_gap}) must not be negative")
    for name, value in (("boilerplate_share", boilerplate_share), ("boilerplate_cover", cover)):
        if not 0 < value <= 1:
            raise InputError("reuse parameters", f"{name} ({value}) must be in (0, 1]")


def _check_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Return the documents' needed columns, sorted by doc_id, after checking them."""
    missing = [c for c in ("doc_id", "text") if c not in documents.columns]
    if missing:
        raise InputError("table documents", f"missing columns {missing}")
    docs = pd.DataFrame({c: documents[c] if c in documents.columns else None for c in _DOC_COLUMNS})
    docs["doc_id"] = docs["doc_id"].astype(str)
    dup = docs["doc_id"][docs["doc_id"].duplicated()].unique().tolist()
    if dup:
        raise InputError("table documents", f"duplicate doc_id {dup[:3]}")
    if docs["text"].isna().any():
        raise InputError("table documents", "text is missing for some documents")
    return docs.sort_values("doc_id", kind="mergesort").reset_index(drop=True)


def _check_provisions(provisions: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Return the provisions' needed columns, after checking ids and offsets against the documents."""
    missing = [c for c in _PROV_COLUMNS if c not in provisions.columns]
    if missing:
        raise InputError("table provisions", f"missing columns {missing}")
    prov = provisions[list(_PROV_COLUMNS)].copy()
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


# --- corpus -----------------------------------------------------------------------------------

def _make_corpus(docs: pd.DataFrame, prov: pd.DataFrame) -> _Corpus:
    """Reduce every document to its content characters and label each with its provision."""
    keys, key_doc, key_pos, key_prov, prov_ids = [], [], [], [], []
    by_doc = {d: g for d, g in prov.groupby("doc_id", sort=False)}
    for i, (doc_id, text) in enumerate(zip(docs["doc_id"], docs["text"], strict=True)):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        pos = np.flatnonzero(_content_mask(codes))
        at_char = np.full(len(text), -1, dtype=np.int64)
        g = by_doc.get(doc_id)
        if g is not None:
            starts, ends = g["char_start"].tolist(), g["char_end"].tolist()
            # Innermost provision wins, so that nested spans (a part enclosing its items) resolve to the item.
            for j in sorted(range(len(starts)), key=lambda j: starts[j] - ends[j]):
                at_char[starts[j]:ends[j]] = len(prov_ids) + j
            prov_ids.extend(g["provision_id"].tolist())
        keys.append(codes[pos])
        key_doc.append(np.full(len(pos), i, dtype=np.int64))
        key_pos.append(pos.astype(np.int64))
        key_prov.append(at_char[pos])
    cat = lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt)  # noqa: E731
    return _Corpus(
        docs["doc_id"].tolist(), docs["text"].tolist(),
        cat(keys, np.uint32), cat(key_doc, np.int64), cat(key_pos, np.int64), cat(key_prov, np.int64), prov_ids,
    )


def _content_mask(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the content characters among code points."""
    uniq, inverse = np.unique(codes, return_inverse=True)
    keep = np.fromiter((is_content_char(chr(c)) for c in uniq), dtype=bool, count=len(uniq))
    return keep[inverse].reshape(codes.shape)


# --- exact runs -------------------------------------------------------------------------------

def _kgram_hashes(corpus: _Corpus, k: int) -> np.ndarray:
    """Polynomial hash of the k-gram starting at each content character (_NO_HASH if it leaves the document)."""
    n = len(corpus.keys)
    h = np.full(n, _NO_HASH, dtype=np.uint64)
    m = n - k + 1
    if m <= 0:
        return h
    acc = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is intended
        for j in range(k):
            acc = acc * _HASH_BASE + corpus.keys[j:j + m].astype(np.uint64)
    inside = corpus.key_doc[:m] == corpus.key_doc[k - 1:]
    h[:m] = np.where(inside, acc, _NO_HASH)
    return h


def _seed_pairs(corpus: _Corpus, k: int, focus: set[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, of positions in different documents that start the same k-gram."""
    h = _kgram_hashes(corpus, k)
    idx = np.flatnonzero(h != _NO_HASH)
    order = np.argsort(h[idx], kind="stable")
    pos, hs = idx[order], h[idx][order]
    if len(pos) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # A k-gram repeated over and over inside one document (a refrain, a table of identical cells) would make
    # the pairs below quadratic in its count: keep its first MAX_REPEATS occurrences per document. Positions
    # of one document are contiguous within a hash group, because the sort is stable over ascending positions.
    doc_of = corpus.key_doc[pos].astype(np.int64)
    run_first = np.r_[True, (hs[1:] != hs[:-1]) | (doc_of[1:] != doc_of[:-1])]
    at = np.arange(len(pos))
    rank_in_doc = at - np.maximum.accumulate(np.where(run_first, at, 0))
    keep_pos = rank_in_doc < MAX_REPEATS
    pos, hs = pos[keep_pos], hs[keep_pos]
    if len(pos) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.r_[True, hs[1:] != hs[:-1]]
    group = np.cumsum(first) - 1
    g_start = np.flatnonzero(first)
    g_end = np.r_[g_start[1:], len(hs)]
    # positions sharing their k-gram with at least one other position
    shared = (g_end - g_start)[group] > 1
    pos, group = pos[shared], group[shared]
    end = g_end[group] - g_start[group]  # group size
    rank = np.arange(len(pos)) - np.searchsorted(group, group)  # rank within group
    end = end - rank  # elements remaining in group from here
    in_focus = np.zeros(len(corpus.doc_ids), dtype=bool)
    in_focus[list(focus) if focus is not None else slice(None)] = True
    out_i, out_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    active = np.flatnonzero(end > 1)
    t = 1
    while len(active):
        i, j = pos[active], pos[active + t]
        di, dj = corpus.key_doc[i], corpus.key_doc[j]
        keep = (di != dj) & (in_focus[di] | in_focus[dj])
        out_i.append(i[keep])
        out_j.append(j[keep])
        t += 1
        active = active[end[active] > t]
    return np.concatenate(out_i), np.concatenate(out_j)


def _runs(corpus: _Corpus, k: int, focus: set[int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal exact matches of at least k content characters between documents: (start a, start b, length)."""
    gi, gj = _seed_pairs(corpus, k, focus)
    if len(gi) == 0:
        return gi, gj, np.zeros(0, np.int64)
    d = gj - gi
    o = np.lexsort((gi, d))
    gi, gj, d = gi[o], gj[o], d[o]
    brk = np.r_[True, (d[1:] != d[:-1]) | (gi[1:] != gi[:-1] + 1)]
    starts = np.flatnonzero(brk)
    last = np.r_[starts[1:], len(gi)] - 1
    run_a, run_b, run_len = gi[starts], gj[starts], gi[last] - gi[starts] + k
    ok = _verified(corpus.keys, run_a, run_b, run_len)
    o = np.lexsort((run_b, run_a))
    o = o[ok[o]]
    return run_a[o], run_b[o], run_len[o]


def _verified(keys: np.ndarray, a: np.ndarray, b: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Mask of runs whose two sides are really identical (guards against hash collisions)."""
    buf = keys.tobytes()
    return np.fromiter(
        (buf[4 * x:4 * (x + n)] == buf[4 * y:4 * (y + n)]
         for x, y, n in zip(a.tolist(), b.tolist(), length.tolist(), strict=True)),
        dtype=bool, count=len(a),
    )


# --- passages ---------------------------------------------------------------------------------

def _pieces(corpus: _Corpus, run_a, run_b, run_len) -> tuple[np.ndarray, ...]:
    """Runs cut at provision boundaries on both sides: arrays (prov a, prov b, start a, start b, length)."""
    change = np.flatnonzero(np.r_[True, corpus.key_prov[1:] != corpus.key_prov[:-1]])

    def n_inner(start: np.ndarray) -> np.ndarray:
        return np.searchsorted(change, start + run_len) - np.searchsorted(change, start + 1)

    cross = (n_inner(run_a) + n_inner(run_b)) > 0
    a, b, n = [run_a[~cross]], [run_b[~cross]], [run_len[~cross]]
    # Few runs cross a boundary (most reuse is within one provision), so a loop over them is cheap.
    for x, y, m in zip(run_a[cross].tolist(), run_b[cross].tolist(), run_len[cross].tolist(), strict=True):
        cuts = {0, m}
        for side in (x, y):
            inner = change[np.searchsorted(change, side + 1):np.searchsorted(change, side + m)]
            cuts.update((inner - side).tolist())
        cuts = sorted(cuts)
        a.append(np.array([x + c for c in cuts[:-1]], dtype=np.int64))
        b.append(np.array([y + c for c in cuts[:-1]], dtype=np.int64))
        n.append(np.diff(np.array(cuts, dtype=np.int64)))
    a, b, n = np.concatenate(a), np.concatenate(b), np.concatenate(n)
    pa, pb = corpus.key_prov[a], corpus.key_prov[b]
    ok = (pa >= 0) & (pb >= 0)
    o = np.lexsort((b[ok], a[ok], pb[ok], pa[ok]))
    return pa[ok][o], pb[ok][o], a[ok][o], b[ok][o], n[ok][o]


def _passages(corpus: _Corpus, run_a, run_b, run_len, max_gap: int, min_length: int) -> list[_Passage]:
    """Cut runs at provision boundaries, merge across small gaps, keep those sharing min_length characters."""
    pa, pb, a, b, n = _pieces(corpus, run_a, run_b, run_len)
    keep = _mergeable(pa, pb, a, n, max_gap) | (n >= min_length)
    pa, pb, a, b, n = pa[keep], pb[keep], a[keep], b[keep], n[keep]
    out = []
    bounds = np.flatnonzero(np.r_[True, (pa[1:] != pa[:-1]) | (pb[1:] != pb[:-1]), True])
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        segs = list(zip(a[lo:hi].tolist(), b[lo:hi].tolist(), n[lo:hi].tolist(), strict=True))
        for chain in _merge_gaps(segs, max_gap):
            doc_a, doc_b = int(corpus.key_doc[chain[0][0]]), int(corpus.key_doc[chain[0][1]])
            p = _Passage(doc_a, doc_b, int(pa[lo]), int(pb[lo]), chain)
            if p.shared >= min_length:
                out.append(p)
    return out


def _mergeable(pa, pb, a, n, max_gap: int) -> np.ndarray:
    """Pieces followed or preceded, within max_gap, by another piece of the same provision pair."""
    group = np.cumsum(np.r_[True, (pa[1:] != pa[:-1]) | (pb[1:] != pb[:-1])]) - 1 if len(pa) else pa
    span = int(a.max()) + int(n.max()) + max_gap + 2 if len(a) else 1
    key = group * span + a  # sorted, since pieces are sorted by (pair, a)
    end = key + n
    lo = np.searchsorted(key, end, side="left")
    hi = np.searchsorted(key, end + max_gap, side="right")
    has_next = hi > lo
    starts = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(starts, lo[has_next], 1)
    np.add.at(starts, hi[has_next], -1)
    has_prev = np.cumsum(starts)[:-1] > 0
    return has_next | has_prev


def _merge_gaps(segs: list[tuple[int, int, int]], max_gap: int) -> list[list[tuple[int, int, int]]]:
    """Chain exact runs (sorted by start) that follow each other within max_gap characters on both sides."""
    chains: list[list[tuple[int, int, int]]] = []
    open_: list[list[tuple[int, int, int]]] = []
    for seg in segs:
        a, b, _ = seg
        open_ = [c for c in open_ if a - (c[-1][0] + c[-1][2]) <= max_gap]
        for c in open_:
            ga, gb = a - (c[-1][0] + c[-1][2]), b - (c[-1][1] + c[-1][2])
            if 0 <= ga <= max_gap and 0 <= gb <= max_gap:
                c.append(seg)
                break
        else:
            chain = [seg]
            chains.append(chain)
            open_.append(chain)
    return chains


# --- coverage, families, direction ------------------------------------------------------------

@dataclass(frozen=True)
class _Coverage:
    """Per document, the merged intervals of its content characters found in each other document."""

    start: np.ndarray  # sorted by (doc, start)
    end: np.ndarray
    partner: np.ndarray
    doc_bounds: np.ndarray  # intervals of document i are [doc_bounds[i], doc_bounds[i + 1])
    max_len: np.ndarray  # longest interval per document

    def docs_containing(self, doc: int, segs: list[tuple[int, int]]) -> set[int]:
        """Other documents in which every segment (content-character interval of doc) occurs."""
        lo, hi = self.doc_bounds[doc], self.doc_bounds[doc + 1]
        found: set[int] | None = None
        for s, e in segs:
            # only intervals starting within the longest interval's reach can cover s
            i0 = lo + np.searchsorted(self.start[lo:hi], s - self.max_len[doc], side="left")
            i1 = lo + np.searchsorted(self.start[lo:hi], s, side="right")
            cover = set(self.partner[i0:i1][self.end[i0:i1] >= e].tolist())
            found = cover if found is None else found & cover
            if not found:
                return set()
        return found or set()


def _coverage(corpus: _Corpus, run_a, run_b, run_len) -> _Coverage:
    """Index the exact runs by document: where each document's text occurs in each other one."""
    doc, partner, start, end = _merged_intervals(
        np.r_[corpus.key_doc[run_a], corpus.key_doc[run_b]],
        np.r_[corpus.key_doc[run_b], corpus.key_doc[run_a]],
        np.r_[run_a, run_b], np.r_[run_a + run_len, run_b + run_len],
    )
    o = np.lexsort((start, doc))
    doc, partner, start, end = doc[o], partner[o], start[o], end[o]
    n_docs = len(corpus.doc_ids)
    bounds = np.searchsorted(doc, np.arange(n_docs + 1))
    max_len = np.zeros(n_docs, dtype=np.int64)
    np.maximum.at(max_len, doc, end - start)
    return _Coverage(start, end, partner, bounds, max_len)


def _merged_intervals(doc, other, start, end) -> tuple[np.ndarray, ...]:
    """Union of intervals per (doc, other): arrays (doc, other, start, end) sorted by doc, other, start."""
    o = np.lexsort((start, other, doc))
    doc, other, start, end = doc[o], other[o], start[o], end[o]
    if len(doc) == 0:
        return doc, other, start, end
    group = np.cumsum(np.r_[True, (doc[1:] != doc[:-1]) | (other[1:] != other[:-1])]) - 1
    # a running maximum offset by the group number restarts at every group
    span = int(end.max()) + 1
    reach = np.maximum.accumulate(group * span + end) - group * span
    first = np.flatnonzero(np.r_[True, (group[1:] != group[:-1]) | (start[1:] > reach[:-1])])
    last = np.r_[first[1:], len(doc)] - 1
    return doc[first], other[first], start[first], reach[last]


def _family_counts(corpus: _Corpus, run_a, run_b, run_len, families: dict[int, int], min_length: int) -> np.ndarray:
    """For each content character, the number of document families in which it occurs inside a passage of min_length."""
    long_ = run_len >= min_length
    a, b, n = run_a[long_], run_b[long_], run_len[long_]
    fam = np.array([families[i] for i in range(len(corpus.doc_ids))], dtype=np.int64)
    da, db = corpus.key_doc[a], corpus.key_doc[b]
    doc = np.r_[da, db]
    other = np.r_[fam[db], fam[da]]
    keep = other != fam[doc]
    _, _, start, end = _merged_intervals(doc[keep], other[keep], np.r_[a, b][keep], np.r_[a + n, b + n][keep])
    delta = np.zeros(len(corpus.keys) + 1, dtype=np.int64)
    np.add.at(delta, start, 1)
    np.add.at(delta, end, -1)
    return np.cumsum(delta)[:-1] + 1


def _families(docs: pd.DataFrame) -> dict[int, int]:
    """Family of each document index: connected components of related_doc_id links."""
    from scipy.cluster.hierarchy import DisjointSet

    index = {d: i for i, d in enumerate(docs["doc_id"])}
    families = DisjointSet(range(len(index)))
    for d, rel in zip(docs["doc_id"], docs["related_doc_id"], strict=True):
        if isinstance(rel, str) and rel in index:
            families.merge(index[d], index[rel])
    return {i: min(families.subset(i)) for i in range(len(index))}  # the smallest member names the family


def _iso_date(value) -> str | None:
    """ISO yyyy-mm-dd text of a date value, or None if missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text[:10] or None


def _direction(docs: pd.DataFrame, doc_ids: list[str]) -> dict[tuple[int, int], tuple[bool, str]]:
    """Lazily filled map (a, b) -> (b is the source, basis); a < b in doc_id order."""
    dates = [_iso_date(v) for v in docs["date"]]
    months = [(_iso_date(v) or "")[:7] or None for v in docs["period"]]

    class _Order(dict):
        def __missing__(self, key: tuple[int, int]) -> tuple[bool, str]:
            a, b = key
            if dates[a] and dates[b] and dates[a] != dates[b]:
                value = (dates[b] < dates[a], "date")
            elif months[a] and months[b] and months[a] != months[b]:
                value = (months[b] < months[a], "month")  # the day of one of them is unknown
            else:
                value = (False, "order")
            self[key] = value
            return value

    return _Order()


def _drop_repeats(df: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per target span and source document, dropping spans inside another row's span.

    A phrase repeated m times in the source and n times in the target would otherwise give m x n
    rows; each target occurrence keeps the source occurrence that comes first.
    """
    if df.empty:
        return df
    keys = ["target_doc_id", "source_doc_id"]
    df = df.sort_values(
        keys + ["target_char_start", "target_char_end", "source_char_start"],
        ascending=[True, True, True, False, True], kind="mergesort",
    )
    reach = df.groupby(keys, sort=False)["target_char_end"].cummax()
    before = reach.groupby([df[k] for k in keys], sort=False).shift(fill_value=-1)
    return df[df["target_char_end"] > before]


# --- rows -------------------------------------------------------------------------------------

def _row(
    corpus: _Corpus, p: _Passage, order, coverage: _Coverage, families: dict[int, int], threshold: int,
    formulaic: np.ndarray, cover: float,
) -> dict:
    """One reuse row for a passage."""
    b_is_source, basis = order[(p.doc_a, p.doc_b)]
    if b_is_source:
        src, tgt, sp, tp, si, ti = p.doc_b, p.doc_a, p.prov_b, p.prov_a, 1, 0
    else:
        src, tgt, sp, tp, si, ti = p.doc_a, p.doc_b, p.prov_a, p.prov_b, 0, 1
    s0, s1 = p.segments[0][si], p.segments[-1][si] + p.segments[-1][2]
    t0, t1 = p.segments[0][ti], p.segments[-1][ti] + p.segments[-1][2]
    sc0, sc1 = int(corpus.key_pos[s0]), int(corpus.key_pos[s1 - 1]) + 1
    tc0, tc1 = int(corpus.key_pos[t0]), int(corpus.key_pos[t1 - 1]) + 1
    in_docs = {tgt} | coverage.docs_containing(tgt, [(seg[ti], seg[ti] + seg[2]) for seg in p.segments])
    s_id, t_id = corpus.doc_ids[src], corpus.doc_ids[tgt]
    s_prov, t_prov = corpus.prov_ids[sp], corpus.prov_ids[tp]
    return {
        "reuse_id": f"{t_id}:{t_prov}:{s_id}:{s_prov}:{tc0:07d}:{sc0:07d}",
        "source_doc_id": s_id,
        "source_provision_id": s_prov,
        "target_doc_id": t_id,
        "target_provision_id": t_prov,
        "shared_text": corpus.texts[tgt][tc0:tc1],
        "length": t1 - t0,
        "source_char_start": sc0,
        "source_char_end": sc1,
        "target_char_start": tc0,
        "target_char_end": tc1,
        "doc_frequency": len(in_docs),
        "is_boilerplate": len({families[d] for d in in_docs}) >= threshold
        or sum(int(formulaic[x:x + n].sum()) for x, n in ((seg[ti], seg[2]) for seg in p.segments)) >= cover * p.shared,
        "direction_basis": basis,
    }
