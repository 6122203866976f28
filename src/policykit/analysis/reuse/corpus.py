"""The corpus as the reuse stage matches it: documents reduced to content characters, labelled by provision.

Memory: one uint16 key per content character where the corpus's characters beyond U+FFFF are few enough to
stand in for the surrogates (else uint32 code points); provisions held as stretches of one label, not as one
label per character; no per-character document array (doc_of derives it from the documents' bounds).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from policykit.analysis.locate import NONE, locate
from policykit.analysis.reuse.inputs import families_by_id
from policykit.analysis.reuse.marks import is_content_char, quote_spans, title_spans

_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")  # code points that do not fit in uint16
# Keys standing for characters beyond U+FFFF: the surrogates, which are never content characters (category Cs)
SLOT, N_SLOTS = 0xD800, 0x800


@dataclass(frozen=True)
class Corpus:
    """Documents reduced to content characters, with their provisions, in doc_id order."""

    doc_ids: list[str]
    texts: list[str]
    family: np.ndarray  # family index of each document
    keys: np.ndarray  # code point of each content character, documents concatenated: uint16 (with beyond) or uint32
    key_pos: np.ndarray  # offset of each content character in its document's text
    # The provision of each content character, as stretches of one label (a provision's characters follow one
    # another, so a few per provision instead of one int32 per character; prov_of reads them):
    prov_starts: np.ndarray  # first content character of each stretch (the first is 0), ascending
    prov_labels: np.ndarray  # global provision index of each stretch's characters, -1 if none
    prov_ids: list[str]  # provision_id of each global provision index
    doc_bounds: np.ndarray  # content characters of document i are [doc_bounds[i], doc_bounds[i + 1])
    # Characters beyond U+FFFF, where keys are uint16: key SLOT + i stands for code point beyond[i]
    beyond: np.ndarray  # their code points, ascending (empty: every key is its code point)
    beyond_at: np.ndarray  # the content characters whose key stands for one of them, ascending

    @property
    def n_families(self) -> int:
        """Number of families of documents."""
        return len(set(self.family.tolist()))

    def indexes_of(self, doc_ids: set[str] | None) -> set[int] | None:
        """Document indexes of doc_ids (None: None)."""
        return None if doc_ids is None else {i for i, d in enumerate(self.doc_ids) if d in doc_ids}

    def without_characters(self) -> Corpus:
        """The corpus without its per-character arrays (the rows need the texts and offsets only)."""
        return replace(self, keys=None, key_pos=None)


def make_corpus(docs: pd.DataFrame, prov: pd.DataFrame) -> Corpus:
    """Reduce every document to its content characters and label each with its provision."""
    prov_ids, sizes = [], []
    by_doc = {d: g for d, g in prov.groupby("doc_id", sort=False)}
    # The arrays are allocated once at the corpus's length in characters (an upper bound) and filled in
    # place, then shrunk: concatenating per-document pieces would hold the corpus twice, and the pieces,
    # freed, would stay in the heap.
    bound = int(docs["text"].str.len().sum()) if len(docs) else 0
    beyond = alphabet(docs["text"])
    keys, key_pos = (np.empty(bound, dt) for dt in (np.uint32 if beyond is None else np.uint16, np.int32))
    beyond_at = [np.zeros(0, np.int64)]
    filled, last = 0, -2  # last: the provision label of the previous content character (-2: none yet)
    prov_starts, prov_labels = [np.zeros(0, np.int64)], [np.zeros(0, np.int32)]
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        pos = np.flatnonzero(content_mask(codes)).astype(np.int32)
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
            codes[big] = SLOT + np.searchsorted(beyond, codes[big])
            beyond_at.append(big + filled)
        keys[filled:end] = codes
        key_pos[filled:end] = pos
        sizes.append(len(pos))
        filled = end
    for a in (keys, key_pos):
        a.resize(filled, refcheck=False)  # in place: no reference to the arrays has been handed out
    sizes_a = np.array(sizes, dtype=np.int64)
    _, fam_keys = families_by_id(docs)
    family = np.unique(np.array(fam_keys, dtype=object).astype(str), return_inverse=True)[1].astype(np.int32)
    return Corpus(
        docs["doc_id"].tolist(), docs["text"].tolist(), family,
        keys, key_pos, np.concatenate(prov_starts), np.concatenate(prov_labels), prov_ids,
        np.r_[0, np.cumsum(sizes_a)], np.zeros(0, np.uint32) if beyond is None else beyond,
        np.concatenate(beyond_at),
    )


def alphabet(texts: Iterable[str]) -> np.ndarray | None:
    """The characters beyond U+FFFF in the texts (code points, ascending), or None if too many for uint16 keys.

    Keys are uint16 (half of uint32) when the texts' characters beyond U+FFFF are few enough to stand in
    for the surrogates (a Chinese corpus holds a few rare ideographs there), else uint32 code points.
    """
    found: set[str] = set()
    for t in texts:
        found.update(_BEYOND_BMP.findall(t))
    return np.array(sorted(map(ord, found)), dtype=np.uint32) if len(found) <= N_SLOTS else None


def as_keys(corpus: Corpus, codes: np.ndarray) -> np.ndarray:
    """Keys of code points (uint32) of characters found in the corpus."""
    if not len(corpus.beyond):
        return codes
    return np.where(codes > 0xFFFF, SLOT + np.searchsorted(corpus.beyond, codes), codes)


def content_mask(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the content characters among code points."""
    uniq, inverse = np.unique(codes, return_inverse=True)
    keep = np.fromiter((is_content_char(chr(c)) for c in uniq), dtype=bool, count=len(uniq))
    return keep[inverse].reshape(codes.shape)


def doc_of(corpus: Corpus, pos: np.ndarray | int) -> np.ndarray:
    """Document index of the content characters at pos (int32), from the documents' bounds."""
    return (np.searchsorted(corpus.doc_bounds, pos, side="right") - 1).astype(np.int32)


def prov_of(corpus: Corpus, pos: np.ndarray | int) -> np.ndarray:
    """Global provision index (int32, -1 if none) of the content characters at pos."""
    return corpus.prov_labels[np.searchsorted(corpus.prov_starts, pos, side="right") - 1]


def content_index(corpus: Corpus, doc: int, char: int) -> int:
    """Index of the first content character of document doc at or after character offset char."""
    lo, hi = corpus.doc_bounds[doc], corpus.doc_bounds[doc + 1]
    return int(lo + np.searchsorted(corpus.key_pos[lo:hi], char))


def in_marks(corpus: Corpus, spans: Callable[[str], list[tuple[int, int]]]) -> np.ndarray:
    """Mask of the content characters that lie inside the marks found by spans (title_spans, quote_spans)."""
    mask = np.zeros(len(corpus.keys), dtype=bool)
    for doc, text in enumerate(corpus.texts):
        for s, e in spans(text):
            mask[content_index(corpus, doc, s):content_index(corpus, doc, e)] = True
    return mask


@dataclass(frozen=True)
class Marks:
    """Masks of the content characters inside 《》 and inside quotation marks (bool: a quarter of int32 sums)."""

    titles: np.ndarray
    quotes: np.ndarray

    @classmethod
    def of(cls, corpus: Corpus) -> Marks:
        """The marks of a corpus's texts."""
        return cls(in_marks(corpus, title_spans), in_marks(corpus, quote_spans))

    def share(self, which: np.ndarray, start: int, end: int) -> float:
        """Share of the content characters [start, end) inside the marks."""
        return int(np.count_nonzero(which[start:end])) / (end - start) if end > start else 0.0
