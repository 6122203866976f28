"""Text reuse: passages of shared language between provisions of different documents, quotable as they stand.

Method (all character offsets index into documents.text):

1. Matching alphabet. Each document is reduced to its *content characters*: everything except
   whitespace, punctuation and control/format characters (Unicode categories Z*, P*, C*). Lengths
   (min_length, max_gap, the `length` column) count content characters, so a punctuation difference
   (，vs 、) never breaks a passage and punctuation never pads a short phrase over the threshold.
2. Index with formula suppression. Every k-gram of content characters (k = min_run) is hashed into an
   inverted index over the corpus, built as a shuffle by key (partitions by hash, sorted one at a
   time). A k-gram found in many families of documents is *formulaic*
   (an ideology opening, an adoption line, a stock legal clause): at least max(min_formula_families,
   min(formula_share x families, max_formula_families)) families. Formulaic k-grams seed no match, as in
   legislative text-reuse tools that drop n-grams by document frequency: the work and the output grow
   with real borrowing, not with shared formulas; as the cap on families is fixed, one phrase yields a
   bounded number of pairs however large the corpus. A family is a set of versions of one text
   (`family_id` if the documents table has it, else documents linked by related_doc_id: a draft, its
   final and news about them).
3. Extent. Seeds on one diagonal at consecutive positions form a run, which is then extended
   character by character to the maximal exact match (through formulaic stretches too). Runs are cut
   at provision boundaries on both sides; runs of one provision pair that follow each other within
   max_gap characters on both sides are merged into one passage, kept when it shares at least
   min_length characters; a passage running into and out of a cited title (《…》) is cut there. A phrase
   of at least min_quote_length characters that one document quotes whole (“…”) and a document of
   another family repeats is kept below min_length (a quoted principle: 原始数据不出域、数据可用不可见).
4. Rows. source_text and target_text are the passage exactly as each document has it, with offsets;
   edit_distance is the edit distance between them (0: verbatim, and only then is shared_text set).
   `type` says what the passage is (reuse_labels: citation / formula / quotation / substantive) and
   the direction comes from the documents' dates (reuse_labels.Direction), never from id order.
   A phrase repeated in both documents is reported once per occurrence in the later document, and a
   passage inside a longer passage from the same source document is not repeated.
   A citation passage names the document whose title or number it is (`cited_doc_id`, from the citations
   of analysis.citations), and each passage has a `rarity`: the mean over its k-grams of 2 / the documents
   holding them, so that wording found across the corpus weighs little, times the share of its characters
   outside *stock wording*: shorter pieces (stock_run characters) found in at least
   max(min_stock_families, stock_share x families) families. A legal clause put together from common phrases
   (违反本条例规定 … 由…责令改正 … 构成犯罪的，依法追究刑事责任) may have k-grams held by two documents only;
   its shorter pieces are found across the corpus. A passage made of stock wording only is typed `formula`.
5. Pairs. reuse_pairs sums the passages of each pair of documents by type and states the pair's relation:
   `version` (the same family_id), `derived` (the same policy_id: an explainer, news item or notice and a
   document of its own policy), `borrowing` (two policies and evidence: a quoted phrase only the two hold,
   or a phrase of evidence, i.e. a substantive passage of MIN_RARE_CHARS rarity-weighted characters, and in
   all the rarity-weighted characters evidence_needed asks for, or twice those; the amount grows with the
   logarithm of the pairs of documents compared, as the pairs sharing some wording by chance do),
   `citation` (a citation passage naming a document of the corpus), else `formula`. is_borrowing is
   relation == borrowing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from math import ceil, log

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from policykit.analysis.locate import NONE, locate
from policykit.analysis.reuse_labels import (
    TYPES,
    Direction,
    PassageTyper,
    content_of,
    is_content_char,
    quote_spans,
    title_spans,
)
from policykit.errors import InputError
from policykit.memory import release_memory
from policykit.schema import require, table

DEFAULT_MIN_LENGTH = 15
DEFAULT_MIN_RUN = 8
DEFAULT_MAX_GAP = 3
DEFAULT_MIN_QUOTE_LENGTH = 6
DEFAULT_FORMULA_SHARE = 0.2
DEFAULT_MIN_FORMULA_FAMILIES = 3
DEFAULT_MAX_FORMULA_FAMILIES = 10
DEFAULT_FORMULA_COVER = 0.75
DEFAULT_STOCK_RUN = 6
DEFAULT_STOCK_SHARE = 0.002
DEFAULT_MIN_STOCK_FAMILIES = 5

_DOC_COLUMNS = ("doc_id", "text", "title", "kind", "doc_number", "date", "period", "date_lower_bound",
                "related_doc_id", "family_id", "version", "policy_id")
_PROV_COLUMNS = ("doc_id", "provision_id", "char_start", "char_end")
INPUT_COLUMNS = {"documents": _DOC_COLUMNS, "provisions": _PROV_COLUMNS}  # all the stage reads of its inputs
_CHAR_COLUMNS = ("source_char_start", "source_char_end", "target_char_start", "target_char_end")
_HASH_BASE = np.uint64(1_000_003)
MAX_REPEATS = 8  # occurrences of one k-gram per document that seed matches
_NO_HASH = np.uint64(np.iinfo(np.uint64).max)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it modulo 2**64 spreads a hash's top bits (_stock_mask)
_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")  # code points that do not fit in uint16
# Keys standing for characters beyond U+FFFF: the surrogates, which are never content characters (category Cs)
_SLOT, _N_SLOTS = 0xD800, 0x800
ROW_BLOCK = 1 << 16  # rows made at a time before they become a frame (about 64 K: ~50 MB of Python objects)
RUN_BLOCK = 1 << 20  # runs cut into passages at a time (about 1 M: ~100 MB of arrays)
INDEX_PARTITION = 1 << 21  # k-gram positions per partition of the index (about 2 M: ~200 MB of sort arrays)


@dataclass(frozen=True)
class Params:
    """The reuse stage's parameters (lengths in content characters); see the module docstring."""

    min_length: int = DEFAULT_MIN_LENGTH
    max_gap: int = DEFAULT_MAX_GAP
    min_run: int = DEFAULT_MIN_RUN
    min_quote_length: int = DEFAULT_MIN_QUOTE_LENGTH
    formula_share: float = DEFAULT_FORMULA_SHARE
    min_formula_families: int = DEFAULT_MIN_FORMULA_FAMILIES
    max_formula_families: int = DEFAULT_MAX_FORMULA_FAMILIES
    formula_cover: float = DEFAULT_FORMULA_COVER
    stock_run: int = DEFAULT_STOCK_RUN
    stock_share: float = DEFAULT_STOCK_SHARE
    min_stock_families: int = DEFAULT_MIN_STOCK_FAMILIES

    def check(self) -> None:
        """Reject parameters that make no sense."""
        if min(self.min_length, self.min_run, self.min_quote_length) < 1:
            raise InputError("reuse parameters", f"min_length ({self.min_length}), min_run ({self.min_run}) and "
                             f"min_quote_length ({self.min_quote_length}) must be at least 1")
        if self.max_gap < 0:
            raise InputError("reuse parameters", f"max_gap ({self.max_gap}) must not be negative")
        if self.stock_run < 1 or self.min_stock_families < 2:
            raise InputError("reuse parameters", f"stock_run ({self.stock_run}) must be at least 1 and "
                             f"min_stock_families ({self.min_stock_families}) at least 2")
        if not 2 <= self.min_formula_families <= self.max_formula_families:
            raise InputError("reuse parameters", f"need 2 <= min_formula_families ({self.min_formula_families}) "
                             f"<= max_formula_families ({self.max_formula_families})")
        for name in ("formula_share", "formula_cover", "stock_share"):
            if not 0 < getattr(self, name) <= 1:
                raise InputError("reuse parameters", f"{name} ({getattr(self, name)}) must be in (0, 1]")

    def formula_families(self, n_families: int) -> int:
        """Families a k-gram must occur in to be formulaic, for a corpus of n_families families."""
        return max(self.min_formula_families, min(ceil(self.formula_share * n_families), self.max_formula_families))

    def stock_families(self, n_families: int) -> int:
        """Families a stock_run-gram must occur in to be stock wording, for a corpus of n_families families."""
        return max(self.min_stock_families, ceil(self.stock_share * n_families))


@dataclass(frozen=True)
class _Corpus:
    """Documents reduced to content characters, with their provisions, in doc_id order."""

    doc_ids: list[str]
    texts: list[str]
    family: np.ndarray  # family index of each document
    keys: np.ndarray  # code point of each content character, documents concatenated: uint16 (with beyond) or uint32
    key_pos: np.ndarray  # offset of each content character in its document's text
    # The provision of each content character, as stretches of one label (a provision's characters follow one
    # another, so a few per provision instead of one int32 per character; _prov_of reads them):
    prov_starts: np.ndarray  # first content character of each stretch (the first is 0), ascending
    prov_labels: np.ndarray  # global provision index of each stretch's characters, -1 if none
    prov_ids: list[str]  # provision_id of each global provision index
    doc_bounds: np.ndarray  # content characters of document i are [doc_bounds[i], doc_bounds[i + 1])
    # (no per-character document array: _doc_of derives it from doc_bounds where it is needed)
    # Characters beyond U+FFFF, where keys are uint16: key _SLOT + i stands for code point beyond[i]
    beyond: np.ndarray  # their code points, ascending (empty: every key is its code point)
    beyond_at: np.ndarray  # the content characters whose key stands for one of them, ascending


@dataclass(frozen=True)
class _Index:
    """Per content character: in how many documents and families its k-gram occurs, and whether formulaic."""

    n_docs: np.ndarray  # uint16 below 65536 documents (the counts never exceed it), else int32; 1 where the
    # k-gram leaves the document
    formulaic: np.ndarray  # bool: the character lies inside a formulaic k-gram (a quarter of int32 prefix sums)


@dataclass(frozen=True)
class _Marks:
    """Masks of the content characters inside 《》 and inside quotation marks (bool: a quarter of int32 sums)."""

    titles: np.ndarray
    quotes: np.ndarray

    def share(self, which: np.ndarray, start: int, end: int) -> float:
        """Share of the content characters [start, end) inside the marks."""
        return int(np.count_nonzero(which[start:end])) / (end - start) if end > start else 0.0


@dataclass(slots=True)  # no __dict__ per passage: there are millions of them on a large corpus
class _Passage:
    """Shared passage between provisions of two documents (a, b with a < b), in content-character indexes."""

    doc_a: int
    doc_b: int
    prov_a: int
    prov_b: int
    segments: list[tuple[int, int, int]]  # exact runs: (start in a, start in b, length)
    doc_frequency: int = 0  # set for quoted phrases, whose k-grams may be shorter than the index's

    @property
    def shared(self) -> int:
        """Number of content characters matched exactly."""
        return sum(s[2] for s in self.segments)


@dataclass(frozen=True)
class _Passages:
    """Passages held as arrays, a field per array: passage i has the exact runs first[i]:first[i + 1].

    A _Passage object with its list of runs holds about 300 bytes; there are millions of passages on a
    large corpus, so they are made as objects a block at a time and kept as arrays (about 50 bytes).
    """

    doc_a: np.ndarray
    doc_b: np.ndarray
    prov_a: np.ndarray
    prov_b: np.ndarray
    doc_frequency: np.ndarray
    first: np.ndarray  # int64, one more than the passages
    seg_a: np.ndarray  # exact runs: start in a, start in b, length
    seg_b: np.ndarray
    seg_n: np.ndarray

    @staticmethod
    def of(passages: list[_Passage]) -> _Passages:
        """The passages of a list, in its order."""
        n = len(passages)

        def column(value: Callable[[_Passage], int]) -> np.ndarray:
            return np.fromiter(map(value, passages), np.int64, n)

        segs = np.fromiter((x for p in passages for s in p.segments for x in s), np.int64).reshape(-1, 3)
        return _Passages(
            column(lambda p: p.doc_a), column(lambda p: p.doc_b), column(lambda p: p.prov_a),
            column(lambda p: p.prov_b), column(lambda p: p.doc_frequency),
            np.r_[0, np.cumsum(column(lambda p: len(p.segments)))], *(segs[:, j].copy() for j in range(3)),
        )

    @staticmethod
    def concat(parts: list[_Passages]) -> _Passages:
        """The passages of the parts, one after another."""
        starts = np.cumsum([0] + [len(p.seg_a) for p in parts[:-1]])
        first = np.concatenate([[0]] + [p.first[1:] + s for p, s in zip(parts, starts, strict=True)])
        fields = ("doc_a", "doc_b", "prov_a", "prov_b", "doc_frequency")
        return _Passages(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields), first,
                         *(np.concatenate([getattr(p, f) for p in parts]) for f in ("seg_a", "seg_b", "seg_n")))

    def __len__(self) -> int:
        return len(self.doc_a)

    def __getitem__(self, i: int) -> _Passage:
        lo, hi = int(self.first[i]), int(self.first[i + 1])
        segs = list(zip(self.seg_a[lo:hi].tolist(), self.seg_b[lo:hi].tolist(), self.seg_n[lo:hi].tolist(),
                        strict=True))
        return _Passage(int(self.doc_a[i]), int(self.doc_b[i]), int(self.prov_a[i]), int(self.prov_b[i]), segs,
                        int(self.doc_frequency[i]))


def build_reuse(
    documents: pd.DataFrame,
    provisions: pd.DataFrame,
    min_length: int = DEFAULT_MIN_LENGTH,
    *,
    focus: set[str] | None = None,
    **params: int | float,
) -> pd.DataFrame:
    """Return the reuse table: passages shared by provisions of different documents, typed and directed.

    - min_length: shortest passage, in content characters (quoted phrases: min_quote_length);
    - params: the other fields of Params (max_gap, min_run, formula_share, ...);
    - focus: doc_ids whose passages are wanted (None = all; the index stays corpus-wide).
    """
    p = Params(min_length=min_length, **params)
    p.check()
    docs = _check_documents(documents)
    corpus = _make_corpus(docs, _check_provisions(provisions, docs))
    typer, direction = PassageTyper.of(docs), Direction(docs)
    cited = _cited_spans(docs)
    del docs  # the corpus holds the texts: the checked copy of the table is freed
    release_memory()  # the per-document pieces freed: heap handed back before the index's arrays
    k = min(p.min_run, p.min_length)
    n_families = len(set(corpus.family.tolist()))
    threshold = p.formula_families(n_families)
    focus_idx = None if focus is None else {i for i, d in enumerate(corpus.doc_ids) if d in focus}
    index, seeds = _index(corpus, k, threshold, focus_idx)
    run_a, run_b, run_len = _runs(corpus, k, seeds)  # consumes the seeds, the largest arrays
    titles = _in_marks(corpus, title_spans)
    passages = _passages(corpus, run_a, run_b, run_len, p.max_gap, p.min_length, titles)
    del run_a, run_b, run_len
    passages = _Passages.concat([passages, _Passages.of(_quotations(corpus, p.min_quote_length, threshold,
                                                                    focus_idx))])
    release_memory()
    marks = _Marks(titles, _in_marks(corpus, quote_spans))
    del titles
    # The repeats are dropped before the rows are made, from the passages' documents and offsets: the rows
    # of the passages left out are never built, and the table is built once, in its order.
    offsets = _row_offsets(corpus, passages, direction)
    kept = _drop_repeats(offsets).index.to_numpy()
    chars = offsets[list(_CHAR_COLUMNS)].to_numpy()[kept]  # the kept rows' offsets, from here on
    del offsets
    stocked = _stock_chars(passages, kept, _stock_mask(corpus, passages, kept, p.stock_run,
                                                       p.stock_families(n_families)))
    corpus = replace(corpus, keys=None, key_pos=None)  # the rows need the texts and offsets, not characters
    release_memory()
    columns = table("reuse").columns
    # The rows are made a block at a time into column lists (no tuple per row, no 2-D object array), each
    # block made a frame (texts as Arrow strings) before the next: the Python objects of all rows are
    # never held at once.
    blocks: list[pd.DataFrame] = []
    for lo in range(0, len(kept), ROW_BLOCK):
        values: dict[str, list] = {c: [] for c in columns}
        cells = [(c, values[c].append) for c in columns]
        for r in range(lo, min(lo + ROW_BLOCK, len(kept))):
            row = _row(corpus, passages[int(kept[r])], chars[r].tolist(), k, index, marks, typer, direction,
                       p.formula_cover, int(stocked[r]))
            row["cited_doc_id"] = _cited_by(cited, row) if row["type"] == "citation" else None
            for c, add in cells:
                add(row[c])
        block = pd.DataFrame(values, columns=columns)
        # shared_text typed as the other text columns in every block, even one where it is missing throughout
        block["shared_text"] = pd.array(values["shared_text"], dtype=block["reuse_id"].dtype)
        blocks.append(block)
        del values, cells, block
    del passages, corpus, index, marks, cited, stocked
    frame = _joined(blocks, columns, kept)
    del blocks
    release_memory()
    return frame


def _cited_spans(docs: pd.DataFrame) -> dict[str, list[tuple[int, int, str]]]:
    """Per document, the (start, end, cited doc_id) of its citations that name a document of the corpus."""
    from policykit.analysis.citations import build_citations

    c = build_citations(docs)
    c = c[c["cited_doc_id"].notna()]
    out: dict[str, list[tuple[int, int, str]]] = {}
    for d, a, b, x in zip(c["doc_id"], c["char_start"], c["char_end"], c["cited_doc_id"], strict=True):
        out.setdefault(d, []).append((int(a), int(b), str(x)))
    return out


def _cited_by(cited: dict[str, list[tuple[int, int, str]]], row: dict) -> str | None:
    """The document a citation passage names: the citation it overlaps in the target, else in the source."""
    for side in ("target", "source"):
        start, end = row[f"{side}_char_start"], row[f"{side}_char_end"]
        for a, b, x in cited.get(row[f"{side}_doc_id"], ()):
            if a < end and start < b:
                return x
    return None


MIN_RARE_CHARS = 15.0  # rarity-weighted characters of one substantive passage that make it evidence of borrowing
# Pairs of documents up to which one phrase of MIN_RARE_CHARS is evidence enough. The more pairs a corpus has, the
# more of them share some wording by chance (two statutes repeating a common clause): the rarity-weighted
# characters a pair needs grow with the logarithm of the pairs compared (evidence_needed).
EVIDENCE_BASE_PAIRS = 1000


def evidence_needed(n_documents: int) -> float:
    """Rarity-weighted characters a pair of documents needs to be borrowing, in a corpus of n_documents."""
    pairs = n_documents * (n_documents - 1) / 2
    return MIN_RARE_CHARS * max(1.0, log(max(pairs, 1.0)) / log(EVIDENCE_BASE_PAIRS))


def build_reuse_pairs(reuse: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return reuse_pairs: per pair of documents, passages and content characters by type, and the direction."""
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
    # a phrase of evidence: a substantive passage of MIN_RARE_CHARS rarity-weighted characters (wording held by few
    # documents besides the two), or a quoted phrase held by the two documents only
    long = (reuse["type"].eq("substantive") & (reuse["length"] * weight >= MIN_RARE_CHARS)) | (
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
            pol = dict(zip(*_families_by_id(_check_documents(documents, ("doc_id", "family_id", "related_doc_id"))),
                           strict=True))
        pairs = list(zip(out["source_doc_id"], out["target_doc_id"], strict=True))
        out["same_family"] = [s in fam and fam.get(s) == fam.get(t) for s, t in pairs]
        out["same_policy"] = [s in pol and pol.get(s) == pol.get(t) for s, t in pairs]
    # Evidence: a quoted phrase only the two hold; or a phrase of evidence and, in all, the rarity-weighted
    # characters the corpus's size calls for; or twice those, spread over shorter passages.
    n_docs = (len(documents) if documents is not None and len(documents)
              else len(set(out["source_doc_id"]) | set(out["target_doc_id"])))
    need = evidence_needed(n_docs)
    evidence = (n_quoted > 0) | ((out["n_phrases"] > 0) & (out["rare_chars"] >= need)) | (out["rare_chars"] >= 2 * need)
    out["is_borrowing"] = evidence & ~out["same_policy"] & ~out["same_family"]
    out["relation"] = np.select(
        [out["same_family"], out["same_policy"], out["is_borrowing"], out["cited_doc_id"].notna()],
        ["version", "derived", "borrowing", "citation"], "formula")
    return out[cols]


def reuse_between(
    doc_a: str,
    doc_b: str,
    min_length: int = DEFAULT_MIN_LENGTH,
    *,
    documents: pd.DataFrame,
    provisions: pd.DataFrame,
    **kw: int | float,
) -> pd.DataFrame:
    """Return the reuse rows between two documents (either direction); policykit.reuse_between loads the tables."""
    known = set(documents["doc_id"].astype(str))
    for d in (doc_a, doc_b):
        if d not in known:
            raise InputError("table documents", f"no document {d!r}")
    if doc_a == doc_b:
        raise InputError("reuse_between", "the two documents must differ")
    # The index (formulaic k-grams) is corpus-wide, so the whole corpus is indexed but only seeds
    # touching the two documents are followed.
    out = build_reuse(documents, provisions, min_length, focus={doc_a, doc_b}, **kw)
    pair = {doc_a, doc_b}
    keep = out["source_doc_id"].isin(pair) & out["target_doc_id"].isin(pair)
    return out[keep].reset_index(drop=True)


def _column_of(documents: pd.DataFrame, column: str) -> dict[str, str]:
    """doc_id -> a string column's value, where the table has the column and the value is set."""
    if column not in documents.columns:
        return {}
    return {str(d): v for d, v in zip(documents["doc_id"], documents[column], strict=True) if isinstance(v, str) and v}


# --- input checks -----------------------------------------------------------------------------

def _check_documents(documents: pd.DataFrame, columns: tuple[str, ...] = _DOC_COLUMNS) -> pd.DataFrame:
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


def _check_provisions(provisions: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Return the provisions' needed columns, after checking ids and offsets against the documents."""
    require(provisions, _PROV_COLUMNS, "provisions")
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

def _families_by_id(docs: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(doc_ids, family key of each): documents joined by family_id or by related_doc_id, as one group.

    Versions of one text share a family_id; news, explainers and issuing notices name the document they
    cover in related_doc_id. Both kinds of link join one group, so that a draft, its final text and the
    news about them count once when a phrase's spread across the corpus is measured.
    """
    from scipy.cluster.hierarchy import DisjointSet

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


def _make_corpus(docs: pd.DataFrame, prov: pd.DataFrame) -> _Corpus:
    """Reduce every document to its content characters and label each with its provision."""
    prov_ids, sizes = [], []
    by_doc = {d: g for d, g in prov.groupby("doc_id", sort=False)}
    # The arrays are allocated once at the corpus's length in characters (an upper bound) and filled in
    # place, then shrunk: concatenating per-document pieces would hold the corpus twice, and the pieces,
    # freed, would stay in the heap.
    bound = int(docs["text"].str.len().sum()) if len(docs) else 0
    beyond = _alphabet(docs["text"])
    keys, key_pos = (np.empty(bound, dt) for dt in (np.uint32 if beyond is None else np.uint16, np.int32))
    beyond_at = [np.zeros(0, np.int64)]
    filled, last = 0, -2  # last: the provision label of the previous content character (-2: none yet)
    prov_starts, prov_labels = [np.zeros(0, np.int64)], [np.zeros(0, np.int32)]
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        pos = np.flatnonzero(_content_mask(codes)).astype(np.int32)
        end = filled + len(pos)
        g = by_doc.get(doc_id)
        if g is not None:
            held = locate(g, None, pos)  # the provision holding each content character (NONE: none)
            label = np.where(held == NONE, -1, len(prov_ids) + held).astype(np.int32)
            prov_ids.extend(g["provision_id"].tolist())
        else:
            label = np.full(len(pos), -1, np.int32)
        if len(label):
            new = np.flatnonzero(np.r_[label[0] != last, label[1:] != label[:-1]])
            prov_starts.append(new + filled)
            prov_labels.append(label[new])
            last = int(label[-1])
        codes = codes[pos]
        big = np.flatnonzero(codes > 0xFFFF) if beyond is not None and len(beyond) else ()
        if len(big):
            codes[big] = _SLOT + np.searchsorted(beyond, codes[big])
            beyond_at.append(big + filled)
        keys[filled:end] = codes
        key_pos[filled:end] = pos
        sizes.append(len(pos))
        filled = end
    for a in (keys, key_pos):
        a.resize(filled, refcheck=False)  # in place: no reference to the arrays has been handed out
    sizes_a = np.array(sizes, dtype=np.int64)
    _, fam_keys = _families_by_id(docs)
    family = np.unique(np.array(fam_keys, dtype=object).astype(str), return_inverse=True)[1].astype(np.int32)
    return _Corpus(
        docs["doc_id"].tolist(), docs["text"].tolist(), family,
        keys, key_pos, np.concatenate(prov_starts), np.concatenate(prov_labels), prov_ids,
        np.r_[0, np.cumsum(sizes_a)], np.zeros(0, np.uint32) if beyond is None else beyond,
        np.concatenate(beyond_at),
    )


def _alphabet(texts: Iterable[str]) -> np.ndarray | None:
    """The characters beyond U+FFFF in the texts (code points, ascending), or None if too many for uint16 keys.

    Keys are uint16 (half of uint32) when the texts' characters beyond U+FFFF are few enough to stand in
    for the surrogates (a Chinese corpus holds a few rare ideographs there), else uint32 code points.
    """
    found: set[str] = set()
    for t in texts:
        found.update(_BEYOND_BMP.findall(t))
    return np.array(sorted(map(ord, found)), dtype=np.uint32) if len(found) <= _N_SLOTS else None


def _as_keys(corpus: _Corpus, codes: np.ndarray) -> np.ndarray:
    """Keys of code points (uint32) of characters found in the corpus."""
    if not len(corpus.beyond):
        return codes
    return np.where(codes > 0xFFFF, _SLOT + np.searchsorted(corpus.beyond, codes), codes)


def _add_beyond_bmp(corpus: _Corpus, k: int, acc: np.ndarray, first: int, at: np.ndarray | None = None) -> None:
    """Complete the hashes of k-grams holding a character beyond U+FFFF, whose key is not its code point.

    acc: hashes of the k-grams starting at at (ascending), or at first, first + 1, ... when at is None.
    Each such key adds (code point - key) x BASE**(k - 1 - j) at offset j of a k-gram, modulo 2**64.
    """
    x = corpus.beyond_at
    if not len(x) or not len(acc):
        return
    key = corpus.keys[x].astype(np.uint64)
    missing = corpus.beyond[corpus.keys[x] - _SLOT].astype(np.uint64) - key
    with np.errstate(over="ignore"):
        for j in range(k):
            y = x - j  # the k-grams holding x at offset j
            if at is None:
                i = y - first
                ok = (i >= 0) & (i < len(acc))
            else:
                i = np.minimum(np.searchsorted(at, y), len(at) - 1)
                ok = at[i] == y
            acc[i[ok]] += missing[ok] * np.uint64(pow(int(_HASH_BASE), k - 1 - j, 1 << 64))


def _doc_of(corpus: _Corpus, pos: np.ndarray | int) -> np.ndarray:
    """Document index of the content characters at pos (int32), from the documents' bounds."""
    return (np.searchsorted(corpus.doc_bounds, pos, side="right") - 1).astype(np.int32)


def _prov_of(corpus: _Corpus, pos: np.ndarray | int) -> np.ndarray:
    """Global provision index (int32, -1 if none) of the content characters at pos."""
    return corpus.prov_labels[np.searchsorted(corpus.prov_starts, pos, side="right") - 1]


def _content_index(corpus: _Corpus, doc: int, char: int) -> int:
    """Index of the first content character of document doc at or after character offset char."""
    lo, hi = corpus.doc_bounds[doc], corpus.doc_bounds[doc + 1]
    return int(lo + np.searchsorted(corpus.key_pos[lo:hi], char))


def _content_mask(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the content characters among code points."""
    uniq, inverse = np.unique(codes, return_inverse=True)
    keep = np.fromiter((is_content_char(chr(c)) for c in uniq), dtype=bool, count=len(uniq))
    return keep[inverse].reshape(codes.shape)


# --- index and exact runs ------------------------------------------------------------------

def _kgram_hashes(corpus: _Corpus, k: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Polynomial hash of the k-gram starting at each content character in [start, stop) (default: all).

    _NO_HASH where the k-gram leaves the document.
    """
    n = len(corpus.keys)
    stop = n if stop is None else min(stop, n)
    h = np.full(max(stop - start, 0), _NO_HASH, dtype=np.uint64)
    m = min(stop, n - k + 1) - start  # positions with k characters after them
    if m <= 0:
        return h
    acc = h[:m]  # computed in place, to hold one array of the range's size
    acc[:] = 0
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is intended
        for j in range(k):
            np.multiply(acc, _HASH_BASE, out=acc)
            np.add(acc, corpus.keys[start + j:start + j + m], out=acc, casting="unsafe")
    _add_beyond_bmp(corpus, k, acc, start)
    # k-grams leaving their document: those starting at b - k + 1 .. b - 1 for each document end b
    ends = corpus.doc_bounds[(corpus.doc_bounds > start) & (corpus.doc_bounds < start + m + k - 1)] - start
    for back in range(1, k):
        at = ends - back
        acc[at[(at >= 0) & (at < m)]] = _NO_HASH
    return h


def _index(corpus: _Corpus, k: int, threshold: int, focus: set[int] | None,
           partition_size: int | None = None) -> tuple[_Index, list[np.ndarray]]:
    """The k-gram index: per-character document counts and formulaic cover, and the seed pairs (i, j), i < j.

    Seeds are pairs of positions in different documents starting the same k-gram, for k-grams that are
    not formulaic (found in fewer than threshold families). Only the first seed of each run of seeds on a
    diagonal is returned: (i, j) is left out when (i - 1, j - 1) is a seed too, which _runs would have
    merged into the run before it; _extend grows every run to the same maximal match either way.

    The index is a shuffle by key: the k-grams are split by the top bits of their hash into partitions
    of about partition_size positions (a polynomial hash spreads them evenly enough), and each partition
    (all occurrences of its k-grams) is sorted and counted on its own. Every group of equal k-grams lies
    in one partition, so the counts, the formulaic marks and the seed pairs are those of one whole-corpus
    index (the seeds' order differs, and _runs sorts them); only one partition's sort is held at a time.
    A first pass marks the positions that may seed; a second pairs them, knowing for every seed whether
    the seed before it on its diagonal exists (it may lie in another partition).
    """
    n = len(corpus.keys)
    bits = _partition_bits(n, partition_size or INDEX_PARTITION)
    top = _hash_top_bits(corpus, k, bits)  # one byte per position: which partition its k-gram falls in
    n_docs = np.ones(n, dtype=np.uint16 if len(corpus.doc_ids) < 1 << 16 else np.int32)
    formulaic_start = np.zeros(n, dtype=bool)
    seedable = np.zeros(n, dtype=bool)
    dtype = np.int32 if n < 2**31 - k else np.int64
    for part in range(1 << bits):
        # positions of the partition's k-grams, ascending: the order a stable sort keeps within a group
        pos = np.flatnonzero(top == part).astype(dtype)
        hs = _hashes_at(corpus, k, pos)  # recomputed here: the corpus's hashes are never all held
        inside = hs != _NO_HASH
        pos, hs = pos[inside], hs[inside]
        del inside
        if len(pos):
            _count_partition(corpus, threshold, pos, hs, n_docs, formulaic_start, seedable)
        del pos, hs
    seeds_i: list[np.ndarray] = [np.zeros(0, dtype)]
    seeds_j: list[np.ndarray] = [np.zeros(0, dtype)]
    for part in range(1 << bits):
        pos = np.flatnonzero((top == part) & seedable).astype(dtype)
        hs = _hashes_at(corpus, k, pos)
        doc = _doc_of(corpus, pos)  # looked up while the positions ascend: the fast order for a binary search
        order = np.argsort(hs, kind="stable")
        pos, hs, doc = pos[order], hs[order], doc[order]
        del order
        group = np.cumsum(np.r_[True, hs[1:] != hs[:-1]], dtype=np.int32) if len(hs) else hs.astype(np.int32)
        del hs
        pi, pj = _pairs_in_groups(corpus, pos, group, focus, seedable, doc)
        seeds_i.append(pi)
        seeds_j.append(pj)
        del pos, group, doc
    del top, seedable
    # characters covered by a formulaic k-gram: x is covered when a formulaic k-gram starts in (x - k, x];
    # each start is spread over the k - 1 characters after it (bool arrays only, no per-character counts)
    covered = formulaic_start.copy()
    for shift in range(1, k):
        covered[shift:] |= formulaic_start[:-shift]
    del formulaic_start
    return _Index(n_docs, covered), [np.concatenate(seeds_i), np.concatenate(seeds_j)]


def _partition_bits(n: int, partition_size: int) -> int:
    """Bits of the hash that pick a k-gram's partition: 2**bits partitions of about partition_size (at most 256)."""
    bits = 0
    while (n >> bits) > partition_size and bits < 8:
        bits += 1
    return bits


def _hash_top_bits(corpus: _Corpus, k: int, bits: int) -> np.ndarray:
    """The top bits of each position's k-gram hash (uint8), computed a chunk of the corpus at a time."""
    n = len(corpus.keys)
    top = np.zeros(n, dtype=np.uint8)
    if bits:
        step = INDEX_PARTITION
        for start in range(0, n, step):
            top[start:start + step] = _kgram_hashes(corpus, k, start, start + step) >> np.uint64(64 - bits)
    return top


def _hashes_at(corpus: _Corpus, k: int, pos: np.ndarray) -> np.ndarray:
    """_kgram_hashes at the given positions (ascending) only (the same values)."""
    n = len(corpus.keys)
    h = np.full(len(pos), _NO_HASH, dtype=np.uint64)
    full = np.flatnonzero(pos <= n - k)
    at = pos[full]
    acc = np.zeros(len(at), dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is intended, as in _kgram_hashes
        for j in range(k):
            np.multiply(acc, _HASH_BASE, out=acc)
            np.add(acc, corpus.keys[at + j], out=acc, casting="unsafe")
    _add_beyond_bmp(corpus, k, acc, 0, at)
    # k-grams leaving their document: those starting at b - k + 1 .. b - 1 for each document end b (found among
    # the positions, ascending, by a binary search per such start: far fewer than the positions)
    if len(at):
        leaving = (corpus.doc_bounds[1:-1, None] - np.arange(1, k)).ravel()
        i = np.minimum(np.searchsorted(at, leaving), len(at) - 1)
        acc[i[at[i] == leaving]] = _NO_HASH
    h[full] = acc
    return h


def _count_partition(corpus: _Corpus, threshold: int, pos: np.ndarray, hs: np.ndarray, n_docs: np.ndarray,
                     formulaic_start: np.ndarray, seedable: np.ndarray) -> None:
    """Count the k-grams at pos (ascending; hashes hs, whole groups of equal hashes) into n_docs and the masks."""
    doc = _doc_of(corpus, pos)  # looked up while the positions ascend: the fast order for a binary search
    order = np.argsort(hs, kind="stable")
    pos, hs, doc = pos[order], hs[order], doc[order]
    del order
    first = np.r_[True, hs[1:] != hs[:-1]]
    del hs
    group = np.cumsum(first, dtype=np.int32) - 1
    g_start = np.flatnonzero(first)
    # positions of one document are contiguous and ascending within a group (stable sort over positions)
    new_doc = first | np.r_[True, doc[1:] != doc[:-1]]
    docs_in_group = np.add.reduceat(new_doc.astype(np.int32), g_start)
    # families only need counting where there are enough documents to reach the threshold
    fams_in_group = docs_in_group.copy()
    many = np.flatnonzero(docs_in_group[group] >= threshold)
    if len(many):
        g2, f2 = group[many], corpus.family[doc[many]]
        o = np.lexsort((f2, g2))
        g2, f2 = g2[o], f2[o]
        new_fam = np.r_[True, (g2[1:] != g2[:-1]) | (f2[1:] != f2[:-1])]
        starts = np.flatnonzero(np.r_[True, g2[1:] != g2[:-1]])
        fams_in_group[g2[starts]] = np.add.reduceat(new_fam.astype(np.int32), starts)
        del g2, f2, o, new_fam, starts
    del many
    n_docs[pos] = docs_in_group[group]
    formulaic = fams_in_group[group] >= threshold
    formulaic_start[pos[formulaic]] = True
    # A k-gram repeated over and over inside one document (a refrain, a table of identical cells) would make
    # the pairs below quadratic in its count: keep its first MAX_REPEATS occurrences per document.
    at = np.arange(len(pos), dtype=np.int32)
    rank_in_doc = at - np.maximum.accumulate(np.where(new_doc, at, 0))
    keep = (rank_in_doc < MAX_REPEATS) & (docs_in_group[group] > 1) & ~formulaic
    seedable[pos[keep]] = True


def _pairs_in_groups(corpus: _Corpus, pos: np.ndarray, group: np.ndarray, focus: set[int] | None,
                     seedable: np.ndarray | None = None, doc: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """All pairs (i, j), i < j, of positions of different documents within each group of equal k-grams.

    doc: the document of each position (_doc_of, if not given).

    With seedable (the positions that may seed), a pair continuing the seed (i - 1, j - 1) is left out.
    """
    if len(pos) < 2:
        return np.zeros(0, pos.dtype), np.zeros(0, pos.dtype)
    first = np.r_[True, group[1:] != group[:-1]]
    g_start = np.flatnonzero(first)
    size = np.diff(np.r_[g_start, len(pos)])
    gid = np.cumsum(first) - 1
    remaining = size[gid] - (np.arange(len(pos)) - g_start[gid])  # elements of the group from here on
    doc = _doc_of(corpus, pos) if doc is None else doc
    in_focus = np.zeros(len(corpus.doc_ids), dtype=bool)
    in_focus[list(focus) if focus is not None else slice(None)] = True
    # the seed pairs keep the positions' dtype (int32 below 2**31 content characters): half the memory
    out_i, out_j = [np.zeros(0, pos.dtype)], [np.zeros(0, pos.dtype)]
    active = np.flatnonzero(remaining > 1)
    t = 1
    while len(active):
        i, j = pos[active], pos[active + t]
        di, dj = doc[active], doc[active + t]
        keep = (di != dj) & (in_focus[di] | in_focus[dj])
        if seedable is not None:
            keep &= ~_continues(corpus, seedable, i, j, di, dj)
        out_i.append(i[keep])
        out_j.append(j[keep])
        t += 1
        active = active[remaining[active] > t]
    return np.concatenate(out_i), np.concatenate(out_j)


def _continues(corpus: _Corpus, seedable: np.ndarray, i: np.ndarray, j: np.ndarray, di: np.ndarray,
               dj: np.ndarray) -> np.ndarray:
    """Pairs (i, j) whose preceding positions (i - 1, j - 1) form a seed.

    Both may seed, lie in the same documents as i and j, and hold the same character: if the k-grams
    at i and j are equal, so are those before them.
    """
    im, jm = i - 1, j - 1  # i = 0 wraps to the end: masked by i > 0
    starts = corpus.doc_bounds
    return ((im >= starts[di]) & (jm >= starts[dj]) & seedable[im] & seedable[jm]
            & (corpus.keys[im] == corpus.keys[jm]))


def _runs(corpus: _Corpus, k: int, seeds: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal exact matches between documents around the seeds: (start a, start b, length), a < b.

    seeds: [i, j], the seed pairs; the list is emptied, so that the seeds are freed as soon as sorted.
    """
    gi, gj = seeds.pop(0), seeds.pop(0)
    if len(gi) == 0:
        return gi, gj, np.zeros(0, np.int64)
    ok = np.ones(len(gi), dtype=bool)
    for j in range(k):  # the hashes of the seeds' k-grams were equal: check their characters
        ok &= corpus.keys[gi + j] == corpus.keys[gj + j]
    gi, gj = gi[ok], gj[ok]
    del ok
    if len(gi) == 0:
        return gi, gj, np.zeros(0, np.int64)
    # Sorted by diagonal, then start: one int64 key per seed (diagonal x corpus size + start; the pairs are
    # distinct, so the order is total) sorted in place holds a third of what lexsort and its gathers hold.
    n, dt = len(corpus.keys), gi.dtype
    key = gj.astype(np.int64)
    del gj
    key -= gi
    key *= n
    key += gi
    del gi
    key.sort()
    gi, d = (key % n).astype(dt), (key // n).astype(dt)
    del key
    gj = gi + d
    brk = np.r_[True, (d[1:] != d[:-1]) | (gi[1:] != gi[:-1] + 1)]
    starts = np.flatnonzero(brk)
    last = np.r_[starts[1:], len(gi)] - 1
    del brk, d
    # runs grow independently of one another: in chunks, so the growing loop's temporaries stay small
    grown = [_extend(corpus, gi[starts[c:c + RUN_BLOCK]], gj[starts[c:c + RUN_BLOCK]],
                     gi[last[c:c + RUN_BLOCK]] - gi[starts[c:c + RUN_BLOCK]] + k)
             for c in range(0, len(starts), RUN_BLOCK)]
    del gi, gj, starts, last
    run_a, run_b, run_len = (np.concatenate([g[i] for g in grown]) for i in range(3))
    del grown
    # runs on one diagonal split by a formulaic stretch grow into the same maximal match: keep one
    o = np.lexsort((run_len, run_b, run_a))
    run_a, run_b, run_len = run_a[o], run_b[o], run_len[o]
    new = np.r_[True, (run_a[1:] != run_a[:-1]) | (run_b[1:] != run_b[:-1]) | (run_len[1:] != run_len[:-1])]
    return run_a[new], run_b[new], run_len[new]


def _extend(corpus: _Corpus, a: np.ndarray, b: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """Grow each exact run to the left and right while the two documents' content characters agree."""
    keys, bounds = corpus.keys, corpus.doc_bounds
    a, b, n = a.copy(), b.copy(), n.copy()
    doc_a, doc_b = _doc_of(corpus, a), _doc_of(corpus, b)  # a run stays inside its two documents
    lo_a, lo_b = bounds[doc_a], bounds[doc_b]
    active = np.flatnonzero((a > lo_a) & (b > lo_b))
    while len(active):
        x, y = a[active] - 1, b[active] - 1
        active = active[keys[x] == keys[y]]
        a[active] -= 1
        b[active] -= 1
        n[active] += 1
        active = active[(a[active] > lo_a[active]) & (b[active] > lo_b[active])]
    del lo_a, lo_b
    hi_a, hi_b = bounds[doc_a + 1], bounds[doc_b + 1]
    del doc_a, doc_b
    active = np.flatnonzero((a + n < hi_a) & (b + n < hi_b))
    while len(active):
        x, y = a[active] + n[active], b[active] + n[active]
        active = active[keys[x] == keys[y]]
        n[active] += 1
        active = active[(a[active] + n[active] < hi_a[active]) & (b[active] + n[active] < hi_b[active])]
    return a, b, n


# --- passages ---------------------------------------------------------------------------------

def _pieces(corpus: _Corpus, run_a, run_b, run_len) -> tuple[np.ndarray, ...]:
    """Runs cut at provision boundaries on both sides: arrays (prov a, prov b, start a, start b, length)."""
    change = corpus.prov_starts  # where the provision changes

    def n_inner(start: np.ndarray) -> np.ndarray:
        return np.searchsorted(change, start + run_len) - np.searchsorted(change, start + 1)

    cross = (n_inner(run_a) + n_inner(run_b)) > 0
    x, y, m = run_a[cross].astype(np.int64), run_b[cross].astype(np.int64), run_len[cross].astype(np.int64)
    # cut points of each crossing run, relative to its start: 0, its length, and every provision change inside
    runs, rel = [np.arange(len(x)), np.arange(len(x))], [np.zeros(len(x), np.int64), m]
    for side in (x, y):
        lo, hi = np.searchsorted(change, side + 1), np.searchsorted(change, side + m)
        count = hi - lo
        which = np.repeat(np.arange(len(side)), count)
        first = np.repeat(lo - np.r_[0, np.cumsum(count)[:-1]], count)
        runs.append(which)
        rel.append(change[first + np.arange(len(which))] - side[which])
    runs_c, rel_c = np.concatenate(runs), np.concatenate(rel)
    o = np.lexsort((rel_c, runs_c))
    runs_c, rel_c = runs_c[o], rel_c[o]
    new = np.ones(len(runs_c), dtype=bool)
    new[1:] = (runs_c[1:] != runs_c[:-1]) | (rel_c[1:] != rel_c[:-1])
    runs_c, rel_c = runs_c[new], rel_c[new]
    piece = np.flatnonzero(runs_c[1:] == runs_c[:-1])  # a cut followed by another cut of the same run
    r, start, length = runs_c[piece], rel_c[piece], rel_c[piece + 1] - rel_c[piece]
    a = [run_a[~cross], x[r] + start]
    b = [run_b[~cross], y[r] + start]
    n = [run_len[~cross], length]
    a, b, n = np.concatenate(a), np.concatenate(b), np.concatenate(n)
    pa, pb = _prov_of(corpus, a), _prov_of(corpus, b)
    ok = (pa >= 0) & (pb >= 0)
    o = np.lexsort((b[ok], a[ok], pb[ok], pa[ok]))
    return pa[ok][o], pb[ok][o], a[ok][o], b[ok][o], n[ok][o]


def _passages(corpus: _Corpus, run_a, run_b, run_len, max_gap: int, min_length: int,
              titles: np.ndarray) -> _Passages:
    """Cut runs at provision boundaries, merge across small gaps, keep those sharing min_length characters.

    The passages are then cut at cited titles (titles: the mask of the characters inside 《》, see
    _split_at_titles). The runs come sorted by their start in a (so by document): they are taken in
    blocks of whole documents of about RUN_BLOCK runs, whose passages follow one another in the order
    of one pass over all runs (a passage joins runs of one provision pair, so of one document on side a).
    """
    doc = _doc_of(corpus, run_a)
    out: list[_Passages] = [_Passages.of([])]
    lo = 0
    while lo < len(doc):
        hi = len(doc) if lo + RUN_BLOCK >= len(doc) else int(np.searchsorted(doc, doc[lo + RUN_BLOCK], side="right"))
        block = _block_passages(corpus, run_a[lo:hi], run_b[lo:hi], run_len[lo:hi], max_gap, min_length)
        out.append(_Passages.of(_split_at_titles(titles, block, min_length)))
        del block  # objects of one block at a time
        lo = hi
    return _Passages.concat(out)


def _block_passages(corpus: _Corpus, run_a, run_b, run_len, max_gap: int, min_length: int) -> list[_Passage]:
    """_passages of a block of runs."""
    pa, pb, a, b, n = _pieces(corpus, run_a, run_b, run_len)
    keep = _mergeable(pa, pb, a, n, max_gap) | (n >= min_length)
    pa, pb, a, b, n = pa[keep], pb[keep], a[keep], b[keep], n[keep]
    out: list[_Passage] = []
    if not len(pa):
        return out
    bounds = np.flatnonzero(np.r_[True, (pa[1:] != pa[:-1]) | (pb[1:] != pb[:-1]), True])
    # a provision lies in one document: the documents of a pair of provisions are those of its first piece
    docs_a, docs_b = (_doc_of(corpus, side[bounds[:-1]]).tolist() for side in (a, b))
    for g, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)):
        segs = list(zip(a[lo:hi].tolist(), b[lo:hi].tolist(), n[lo:hi].tolist(), strict=True))
        for chain in _merge_gaps(segs, max_gap):
            p = _Passage(docs_a[g], docs_b[g], int(pa[lo]), int(pb[lo]), chain)
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


def _in_marks(corpus: _Corpus, spans: Callable[[str], list[tuple[int, int]]]) -> np.ndarray:
    """Mask of the content characters that lie inside the marks found by spans (title_spans, quote_spans)."""
    mask = np.zeros(len(corpus.keys), dtype=bool)
    for doc, text in enumerate(corpus.texts):
        for s, e in spans(text):
            mask[_content_index(corpus, doc, s):_content_index(corpus, doc, e)] = True
    return mask


def _split_at_titles(inside: np.ndarray, passages: list[_Passage], min_length: int) -> list[_Passage]:
    """Cut passages where a cited title (《…》 on either side) begins or ends; keep parts of min_length.

    inside: the mask of the content characters inside cited titles (_in_marks with title_spans).
    A passage running from borrowed wording into a cited title and out again (落实《…意见》，充分发挥…)
    becomes a citation between two passages typed on their own.
    """
    out = []
    for p in passages:
        parts: list[tuple[bool, list[tuple[int, int, int]]]] = []
        for x, y, n in p.segments:
            flag = inside[x:x + n] | inside[y:y + n]
            cuts = [0, *(np.flatnonzero(flag[1:] != flag[:-1]) + 1).tolist(), n]
            for c0, c1 in zip(cuts[:-1], cuts[1:], strict=True):
                piece, f = (x + c0, y + c0, c1 - c0), bool(flag[c0])
                if parts and parts[-1][0] == f:
                    parts[-1][1].append(piece)
                else:
                    parts.append((f, [piece]))
        if len(parts) == 1:
            out.append(p)
            continue
        for _, segs in parts:
            q = _Passage(p.doc_a, p.doc_b, p.prov_a, p.prov_b, segs)
            if q.shared >= min_length:
                out.append(q)
    return out


def _stock_mask(corpus: _Corpus, passages: _Passages, kept: np.ndarray, m: int, threshold: int) -> np.ndarray:
    """Mask of the kept passages' characters covered by stock wording: m-grams found in threshold families or more.

    Stock wording is measured on shorter pieces than the index's k-grams: a legal clause put together from
    common phrases (依照本条例规定 …, 责令改正，给予警告 …) has k-grams found in two documents only, but its
    m-grams are found across the corpus. Only the m-grams inside the passages' exact runs are counted (on the
    side of the first document: the runs are the same text on both), by one scan of the corpus's m-gram hashes
    a chunk at a time: no index of every m-gram is built. The mask is set on that side only.
    """
    n = len(corpus.keys)
    stock = np.zeros(n, dtype=bool)
    if not len(kept) or n < m:
        return stock
    n_runs = len(passages.seg_n) + 1  # the runs of the kept passages:
    take = np.cumsum((np.bincount(passages.first[kept], minlength=n_runs)
                      - np.bincount(passages.first[kept + 1], minlength=n_runs))[:-1]) > 0
    size, start = passages.seg_n[take], passages.seg_a[take]  # a run's characters are the same on both sides
    start, size = start[size >= m], size[size >= m]
    # positions starting an m-gram inside a run: the union of the runs' ranges [start, start + size - m], ascending
    o = np.argsort(start, kind="stable")
    lo, hi = start[o], (start + size - m + 1)[o]
    new = np.r_[True, lo[1:] > np.maximum.accumulate(hi)[:-1]]
    firsts = np.flatnonzero(new)
    lo, hi = lo[firsts], np.maximum.reduceat(hi, firsts)
    lens = hi - lo
    cand = np.repeat(lo - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(int(lens.sum()))
    del take, start, size, o, lo, hi, new, firsts, lens
    # hashes multiplied by an odd constant (a bijection modulo 2**64: equal m-grams stay equal, others apart),
    # whose top bits are spread evenly: the polynomial hash's own top bits cluster for short pieces
    cand_h = _hashes_at(corpus, m, cand) * _MIX
    order = np.argsort(cand_h)
    sorted_h = cand_h[order]
    new = np.r_[True, sorted_h[1:] != sorted_h[:-1]]
    uniq = sorted_h[new]  # the m-grams to count, ascending
    which = np.empty(len(cand), dtype=np.int64)  # the m-gram of each position
    which[order] = np.cumsum(new) - 1
    del cand_h, order, sorted_h, new
    n_fam = int(corpus.family.max()) + 1
    # The m-grams are looked up by the top bits of their hash: uniq ascends, so does its top bits' value, and
    # bucket t holds uniq[bounds[t]:bounds[t + 1]] (about one m-gram in four buckets): a lookup is a gather or
    # two, where a binary search over uniq would take twenty.
    bits = int(min(26, max(16, np.ceil(np.log2(4 * len(uniq))))))
    shift = np.uint64(64 - bits)
    bounds = np.r_[0, np.cumsum(np.bincount((uniq >> shift).astype(np.intp), minlength=1 << bits))].astype(np.int32)
    depth = int(np.diff(bounds).max())
    codes = []  # (m-gram, family) pairs found in the corpus, as m-gram index x families + family
    for lo in range(0, n, INDEX_PARTITION):
        h = _kgram_hashes(corpus, m, lo, lo + INDEX_PARTITION)
        h *= _MIX
        t = (h >> shift).astype(np.intp)
        first, last = bounds[t], bounds[t + 1]
        del t
        live = np.flatnonzero(last > first)
        at, pos = [], []
        for r in range(depth):
            idx = first[live] + r
            ok = idx < last[live]
            live, idx = live[ok], idx[ok]
            eq = uniq[idx] == h[live]
            at.append(idx[eq])
            pos.append(live[eq])
            live = live[~eq]
        pos_a = np.concatenate(pos)
        fam = corpus.family[_doc_of(corpus, pos_a + lo)]
        codes.append(_distinct(np.concatenate(at).astype(np.int64) * n_fam + fam))
        del h, first, last, live, at, pos, pos_a, fam
    found = _distinct(np.concatenate(codes))
    del codes, bounds
    families = np.bincount(found // n_fam, minlength=len(uniq))
    starts = cand[families[which] >= threshold]
    for j in range(m):  # x is covered when a stock m-gram starts in (x - m, x]
        stock[starts + j] = True
    return stock


def _stock_chars(passages: _Passages, kept: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Per kept passage, its exactly matched characters inside stock wording (_stock_mask, on the first side)."""
    held = np.r_[0, np.cumsum(stock, dtype=np.int32 if len(stock) < 2**31 else np.int64)]  # stock characters before x
    per_run = held[passages.seg_a + passages.seg_n] - held[passages.seg_a]
    if not len(per_run):
        return np.zeros(len(kept), dtype=np.int64)
    per_passage = np.add.reduceat(np.r_[per_run, 0], passages.first[:-1])
    return np.where(np.diff(passages.first) > 0, per_passage, 0)[kept]


def _distinct(a: np.ndarray) -> np.ndarray:
    """The distinct values of an array, ascending (by a sort: np.unique hashes, slower on millions of int64)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


# --- quoted phrases ---------------------------------------------------------------------------

def _quotations(corpus: _Corpus, min_quote: int, threshold: int, focus: set[int] | None) -> list[_Passage]:
    """Phrases of at least min_quote content characters quoted whole in one document and found in another.

    A phrase is kept when the documents holding it belong to 2 families or more, and fewer than threshold
    (more is a formula, left out as at the index): one passage per pair of a document quoting it and
    another document holding it, at the phrase's first occurrence in each.
    """
    quoted = _quoted_phrases(corpus, min_quote)
    if not quoted:
        return []
    head_of = {phrase: _kgram_hashes(corpus, min_quote, i, i + 1)[0]
               for phrase, q in quoted.items() for i in [next(iter(q.values()))]}
    # only positions starting like a quoted phrase are searched (no sort of the whole corpus), and the
    # corpus's hashes are computed a chunk at a time: they are never all held at once
    heads = np.unique(np.array(list(head_of.values()), dtype=np.uint64))
    found_at, found_h = [], []
    for start in range(0, len(corpus.keys), INDEX_PARTITION):
        h = _kgram_hashes(corpus, min_quote, start, start + INDEX_PARTITION)
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


def _quoted_phrases(corpus: _Corpus, min_quote: int) -> dict[str, dict[int, int]]:
    """Content of every quoted span of min_quote characters or more -> {document: its first content index}."""
    quoted: dict[str, dict[int, int]] = {}
    for doc, text in enumerate(corpus.texts):
        for s, e in quote_spans(text):
            phrase = content_of(text[s:e])
            if len(phrase) >= min_quote:
                quoted.setdefault(phrase, {}).setdefault(doc, _content_index(corpus, doc, s))
    return quoted


def _occurrences(corpus: _Corpus, phrase: str, head: np.uint64, sorted_h: np.ndarray, order: np.ndarray,
                 min_quote: int) -> dict[int, int]:
    """Documents holding phrase -> content index of its first occurrence (head: hash of its first characters)."""
    codes = _as_keys(corpus, np.frombuffer(phrase.encode("utf-32-le"), dtype=np.uint32))
    lo, hi = np.searchsorted(sorted_h, head, side="left"), np.searchsorted(sorted_h, head, side="right")
    at = order[lo:hi]  # positions starting with the phrase's first min_quote characters, ascending
    doc = _doc_of(corpus, at)
    ok = at + len(codes) <= corpus.doc_bounds[doc + 1]  # the whole phrase within the same document
    at, doc = at[ok], doc[ok]
    ok = np.ones(len(at), dtype=bool)
    for j in range(min_quote, len(codes)):  # the rest of the phrase
        ok &= corpus.keys[at + j] == codes[j]
    at, doc = at[ok], doc[ok]
    docs, first = np.unique(doc, return_index=True)
    return dict(zip(docs.tolist(), at[first].tolist(), strict=True))


def _quote_passage(corpus: _Corpus, da: int, ia: int, db: int, ib: int, n: int, n_docs: int) -> list[_Passage]:
    """The passage of a quoted phrase between two documents (none if it leaves its provision)."""
    if da > db:
        da, ia, db, ib = db, ib, da, ia
    pa, pa_end, pb, pb_end = _prov_of(corpus, np.array([ia, ia + n - 1, ib, ib + n - 1])).tolist()
    if pa < 0 or pb < 0 or pa_end != pa or pb_end != pb:
        return []  # outside any provision, or across a provision boundary
    return [_Passage(da, db, pa, pb, [(ia, ib, n)], doc_frequency=n_docs)]


# --- rows -------------------------------------------------------------------------------------

def _row(corpus: _Corpus, p: _Passage, chars: list[int], k: int, index: _Index, marks: _Marks,
         typer: PassageTyper, direction: Direction, formula_cover: float, stocked: int) -> dict:
    """One reuse row for a passage (chars: its offsets in the texts, as _row_offsets gives them).

    stocked: its exactly matched characters inside stock wording (_stock_chars).
    """
    ida, idb = corpus.doc_ids[p.doc_a], corpus.doc_ids[p.doc_b]
    source, basis = direction.source_of(ida, idb)
    # Where no date tells the direction, the sides are named in doc_id order and no source is claimed.
    b_is_source = source == idb
    if b_is_source:
        src, tgt, sp, tp, si, ti = p.doc_b, p.doc_a, p.prov_b, p.prov_a, 1, 0
    else:
        src, tgt, sp, tp, si, ti = p.doc_a, p.doc_b, p.prov_a, p.prov_b, 0, 1
    s0, s1 = p.segments[0][si], p.segments[-1][si] + p.segments[-1][2]
    t0, t1 = p.segments[0][ti], p.segments[-1][ti] + p.segments[-1][2]
    sc0, sc1, tc0, tc1 = chars
    s_id, t_id = corpus.doc_ids[src], corpus.doc_ids[tgt]
    s_prov, t_prov = corpus.prov_ids[sp], corpus.prov_ids[tp]
    s_text, t_text = corpus.texts[src][sc0:sc1], corpus.texts[tgt][tc0:tc1]
    n_diff = 0 if s_text == t_text else Levenshtein.distance(s_text, t_text)
    segs = [(seg[ti], seg[2]) for seg in p.segments]
    formulaic = index.formulaic[t0:t1]
    if stocked >= p.shared:  # made of stock wording only: a formula
        formulaic = np.ones_like(formulaic)
    if p.doc_frequency:
        doc_frequency = p.doc_frequency
        rarity = min(1.0, 2.0 / max(doc_frequency, 2))
    else:  # documents holding the passage's rarest k-gram: all of them hold the passage, or more
        counts = [index.n_docs[x:x + n - k + 1] for x, n in segs if n >= k]
        doc_frequency = min(int(c.min()) for c in counts)
        # each k-gram weighs 2 / the documents holding it: a passage made of phrases common across the corpus
        # (a stock legal clause whose rarest k-gram happens to be shared by two documents) weighs little
        every = np.concatenate(counts).astype(np.float64)
        rarity = float(np.minimum(1.0, 2.0 / np.maximum(every, 2.0)).sum()) / len(every)  # the mean, with less overhead
        # and only its wording outside stock phrases counts: a clause assembled from the corpus's legal formulas
        # (由…责令改正 …；构成犯罪的，依法追究刑事责任) weighs little even where its whole is found twice only
        rarity *= (p.shared - stocked) / p.shared
    return {
        "reuse_id": f"{t_id}:{t_prov}:{s_id}:{s_prov}:{tc0:07d}:{sc0:07d}",
        "source_doc_id": s_id,
        "source_provision_id": s_prov,
        "target_doc_id": t_id,
        "target_provision_id": t_prov,
        "type": typer.type_of(s_id, t_id, t_text,
                              max(marks.share(marks.titles, s0, s1), marks.share(marks.titles, t0, t1)),
                              max(marks.share(marks.quotes, s0, s1), marks.share(marks.quotes, t0, t1)),
                              formulaic, formula_cover),
        "length": p.shared,
        "edit_distance": n_diff,
        "source_text": s_text,
        "target_text": t_text,
        "shared_text": t_text if n_diff == 0 else None,
        "source_char_start": sc0,
        "source_char_end": sc1,
        "target_char_start": tc0,
        "target_char_end": tc1,
        "doc_frequency": doc_frequency,
        "rarity": round(rarity, 3),
        "direction_basis": basis,
    }


def _row_offsets(corpus: _Corpus, passages: _Passages, direction: Direction) -> pd.DataFrame:
    """Per passage, the source and target document indexes and the row's offsets (_CHAR_COLUMNS), as _row sides them."""
    n_docs = len(corpus.doc_ids)
    doc_a, doc_b = passages.doc_a, passages.doc_b
    pairs, pair_of = np.unique(doc_a * n_docs + doc_b, return_inverse=True)
    ids = corpus.doc_ids
    b_is_source = np.array([direction.source_of(ids[x // n_docs], ids[x % n_docs])[0] == ids[x % n_docs]
                            for x in pairs.tolist()], dtype=bool)[pair_of]
    del pairs, pair_of
    first, last = passages.first[:-1], passages.first[1:] - 1
    start_a, start_b = passages.seg_a[first], passages.seg_b[first]
    end_a, end_b = (side[last] + passages.seg_n[last] for side in (passages.seg_a, passages.seg_b))
    s0, s1 = np.where(b_is_source, start_b, start_a), np.where(b_is_source, end_b, end_a)
    t0, t1 = np.where(b_is_source, start_a, start_b), np.where(b_is_source, end_a, end_b)
    del start_a, start_b, end_a, end_b
    kp = corpus.key_pos
    # the doc indexes follow doc_id order, so they sort and group as the doc_ids do (for _drop_repeats)
    return pd.DataFrame({
        "target_doc_id": np.where(b_is_source, doc_a, doc_b),
        "source_doc_id": np.where(b_is_source, doc_b, doc_a),
        **dict(zip(_CHAR_COLUMNS, (kp[s0].astype(np.int64), kp[s1 - 1] + np.int64(1), kp[t0].astype(np.int64),
                                   kp[t1 - 1] + np.int64(1)), strict=True)),
    })


def _joined(blocks: list[pd.DataFrame], columns: list[str], kept: np.ndarray) -> pd.DataFrame:
    """The blocks of rows as one table, typed and labelled as the table made whole from column lists was.

    The rows are labelled by the passages' positions (kept), as when the repeats were dropped from every
    passage's row; a text column keeps a chunk per block (joining them does not copy the texts).
    """
    if not blocks:
        return pd.DataFrame({c: [] for c in columns}, columns=columns)
    frame = pd.concat(blocks, ignore_index=True)
    if frame["shared_text"].isna().all():  # no verbatim row: a column of None, as made from a list of None
        frame["shared_text"] = pd.Series([None] * len(frame), dtype=object)
    frame.index = pd.Index(kept, dtype="int64")
    return frame


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


