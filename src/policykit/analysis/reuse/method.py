"""Text reuse: passages of shared language between provisions of different documents, quotable as they stand.

The method, a step a module (all character offsets index into documents.text; the knobs are ReuseParams):

1. Corpus (``corpus``). Each document is reduced to its *content characters*: everything except
   whitespace, punctuation and control/format characters (Unicode categories Z*, P*, C*). Lengths
   (min_length, max_gap, the `length` column) count content characters, so a punctuation difference
   (，vs 、) never breaks a passage and punctuation never pads a short phrase over the threshold.
2. Index (``index``, ``hashing``). Every k-gram of content characters (k = min_run) is hashed into an
   inverted index over the corpus. A k-gram found in many families of documents is *formulaic* (an
   ideology opening, an adoption line, a stock legal clause): at least max(min_formula_families,
   min(formula_share x families, max_formula_families)) families. Formulaic k-grams seed no match, as in
   legislative text-reuse tools that drop n-grams by document frequency: the work and the output grow
   with real borrowing, not with shared formulas; as the cap on families is fixed, one phrase yields a
   bounded number of pairs however large the corpus. A family is a set of versions of one text
   (`family_id` if the documents table has it, else documents linked by related_doc_id: a draft, its
   final and news about them).
3. Passages (``runs``, ``passages``, ``quotations``). Seeds on one diagonal at consecutive positions form
   a run, extended character by character to the maximal exact match (through formulaic stretches too).
   Runs are cut at provision boundaries on both sides; runs of one provision pair that follow each other
   within max_gap characters on both sides are merged into one passage, kept when it shares at least
   min_length characters; a passage running into and out of a cited title (《…》) is cut there. A phrase
   of at least min_quote_length characters that one document quotes whole (“…”) and a document of
   another family repeats is kept below min_length (a quoted principle: 原始数据不出域、数据可用不可见).
4. Direction (``direction``). The source is told by the documents' dates (never by id order). A phrase
   repeated in both documents is reported once per occurrence in the later document, and a passage inside
   a longer passage from the same source document is not repeated.
5. Types and rows (``passage_types``, ``stock``, ``rows``). source_text and target_text are the passage
   exactly as each document has it, with offsets; edit_distance is the edit distance between them (0:
   verbatim, and only then is shared_text set). `type` says what the passage is (citation / formula /
   quotation / substantive). A citation passage names the document whose title or number it is
   (`cited_doc_id`, from the citations of analysis.citations), and each passage has a `rarity`: the mean
   over its k-grams of 2 / the documents holding them, times the share of its characters outside *stock
   wording*: shorter pieces (stock_run characters) found in at least max(min_stock_families,
   stock_share x families) families. A passage made of stock wording only is typed `formula`.
6. Pairs (``pairs``). reuse_pairs sums the passages of each pair of documents by type and states the
   pair's relation (version, derived, borrowing, citation or formula).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from policykit.analysis.reuse.corpus import Corpus, Marks, make_corpus
from policykit.analysis.reuse.index import index_kgrams
from policykit.analysis.reuse.inputs import check_documents, check_provisions
from policykit.analysis.reuse.params import ReuseParams
from policykit.analysis.reuse.passages import Passages, cut_passages
from policykit.analysis.reuse.quotations import quoted_passages
from policykit.analysis.reuse.rows import Labels, RowMaker, joined, orient
from policykit.analysis.reuse.runs import exact_runs
from policykit.analysis.reuse.stock import stock_chars
from policykit.errors import InputError
from policykit.memory import release_memory


def build_reuse(documents: pd.DataFrame, provisions: pd.DataFrame, params: ReuseParams | None = None, *,
                focus: set[str] | None = None, **knobs: int | float) -> pd.DataFrame:
    """Return the reuse table: passages shared by provisions of different documents, typed and directed.

    - params: the knobs (default: ReuseParams()); knobs: fields of ReuseParams to replace (min_length=20, ...);
    - focus: doc_ids whose passages are wanted (None = all; the index stays corpus-wide).
    """
    blocks, kept = _rows(documents, provisions, focus, ReuseParams.of(params, **knobs))
    frame = joined(blocks, kept)
    del blocks
    release_memory()
    return frame


def _rows(documents: pd.DataFrame, provisions: pd.DataFrame, focus: set[str] | None,
          p: ReuseParams) -> tuple[list[pd.DataFrame], np.ndarray]:
    """The method: the reuse rows, in blocks, and the positions of their passages (the table's labels)."""
    docs = check_documents(documents)
    corpus = make_corpus(docs, check_provisions(provisions, docs))  # 1. content characters, by provision
    labels = Labels.of(docs)  # what the documents tell of types, direction and cited documents
    del docs  # the corpus holds the texts
    release_memory()
    n_families, in_focus = corpus.n_families, corpus.indexes_of(focus)
    threshold = p.formula_families(n_families)
    index, seeds = index_kgrams(corpus, p.k, threshold, in_focus, p)  # 2. the index and its seeds
    marks = Marks.of(corpus)
    passages = _passages(corpus, seeds, marks, threshold, in_focus, p)  # 3. passages
    kept, chars = orient(corpus, passages, labels.direction)  # 4. direction: source first, repeats dropped
    stocked = stock_chars(corpus, passages, kept, p.stock_run, p.stock_families(n_families), p.index_partition)
    rows = RowMaker(corpus.without_characters(), index, marks, labels, p.k, p.formula_cover)
    del corpus  # the rows need the texts and offsets, not the characters
    release_memory()
    return rows.rows(passages, kept, chars, stocked, p.row_block), kept  # 5. types and rows


def _passages(corpus: Corpus, seeds: list[np.ndarray], marks: Marks, threshold: int, focus: set[int] | None,
              p: ReuseParams) -> Passages:
    """The passages: exact runs grown from the seeds (consumed), cut and merged; then the quoted phrases."""
    found = cut_passages(corpus, exact_runs(corpus, p.k, seeds, p.run_block), marks.titles, p)
    quoted = quoted_passages(corpus, p.min_quote_length, threshold, focus, p.index_partition)
    release_memory()
    return Passages.concat([found, Passages.of(quoted)])


def reuse_between(doc_a: str, doc_b: str, params: ReuseParams | None = None, *, documents: pd.DataFrame,
                  provisions: pd.DataFrame, **knobs: int | float) -> pd.DataFrame:
    """Return the reuse rows between two documents (either direction); policykit.reuse_between loads the tables."""
    known = set(documents["doc_id"].astype(str))
    for d in (doc_a, doc_b):
        if d not in known:
            raise InputError("table documents", f"no document {d!r}")
    if doc_a == doc_b:
        raise InputError("reuse_between", "the two documents must differ")
    # The index (formulaic k-grams) is corpus-wide, so the whole corpus is indexed but only seeds
    # touching the two documents are followed.
    out = build_reuse(documents, provisions, params, focus={doc_a, doc_b}, **knobs)
    pair = {doc_a, doc_b}
    keep = out["source_doc_id"].isin(pair) & out["target_doc_id"].isin(pair)
    return out[keep].reset_index(drop=True)
