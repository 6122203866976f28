"""The character audit: where every character of every raw file went.

Each character of a decoded raw file lands in exactly one category:
- `provision`: kept in the canonical text of a document, inside a provision (doc_id, provision_id);
- `duplicate_witness`: kept in a witness that is not the primary one (its document is counted once);
- `readings`, `markup`, `navigation`, `credit`, `times_sign`: removed by normalisation or segmentation;
- `erratum`: kept in a provision, but in a passage a curated erratum of the catalog corrected;
- `whitespace`: layout (line breaks, indentation, blank lines, spaces collapsed);
- `unaccounted`: anything else; the build's tests require there is none.

Memory: one raw file at a time, with two small integer labels per character (a category code and the
index of a (doc_id, provision_id) pair) in numpy arrays; no Python object per character.
"""

from __future__ import annotations

import re
import sys
from functools import cache

import numpy as np
import pandas as pd

from policykit.analysis.locate import locate
from policykit.ingest.documents import Corpus
from policykit.ingest.segment import Witness

WHITESPACE_CATEGORIES = {"newline", "whitespace"}
COLUMNS = ["source_file", "category", "doc_id", "provision_id", "n_chars"]
UNSET, WHITESPACE, PROVISION, DUPLICATE, UNACCOUNTED = 0, 1, 2, 3, 4
FIXED = {"whitespace": WHITESPACE, "provision": PROVISION, "duplicate_witness": DUPLICATE,
         "unaccounted": UNACCOUNTED}
BLANK_CHUNK = 4_000_000  # characters turned into code points at a time when finding blanks


@cache
def _space_codes() -> np.ndarray:
    """The code points Python's str.isspace calls blank (found by the regular expression of blanks: the same set)."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    return np.array([m.start() for m in re.finditer(r"\s", every)], dtype=np.uint32)


def blank_mask(text: str) -> np.ndarray:
    """For each character of text, True where it is blank (str.isspace), computed chunk by chunk."""
    out = np.zeros(len(text), dtype=bool)
    for start in range(0, len(text), BLANK_CHUNK):
        codes = np.frombuffer(text[start:start + BLANK_CHUNK].encode("utf-32-le"), dtype="<u4")
        out[start:start + len(codes)] = np.isin(codes, _space_codes())
    return out


class _Labels:
    """Category codes and (doc_id, provision_id) pairs, numbered as they are first met."""

    def __init__(self) -> None:
        self.categories = ["", "whitespace", "provision", "duplicate_witness", "unaccounted"]
        self.pairs: list[tuple[str, str]] = [("", "")]
        self._pair_ids: dict[tuple[str, str], int] = {("", ""): 0}

    def category(self, name: str) -> int:
        """Code of a category."""
        if name in FIXED:
            return FIXED[name]
        if name not in self.categories:
            self.categories.append(name)
        return self.categories.index(name)

    def pair(self, doc_id: str, provision_id: str) -> int:
        """Index of a (doc_id, provision_id) pair."""
        key = (doc_id, provision_id)
        if key not in self._pair_ids:
            self._pair_ids[key] = len(self.pairs)
            self.pairs.append(key)
        return self._pair_ids[key]


def _provision_labels(spans: pd.DataFrame | None, doc_id: str, length: int, labels: _Labels) -> np.ndarray:
    """For each character of a document's text, the pair index of the provision holding it (0 between).

    Which provision holds a character: policykit.analysis.locate's rule.
    """
    if spans is None:
        return np.zeros(length, dtype=np.int32)
    pair_of = np.array([0] + [labels.pair(doc_id, pid) for pid in spans["provision_id"]], dtype=np.int32)
    return pair_of[locate(spans, doc_id, np.arange(length)) + 1]  # NONE (-1) -> 0


def _file_counts(text: str, normalized_dropped, witnesses: list[tuple[str, Witness, bool]],
                 provisions: dict[str, pd.DataFrame], amended=()) -> list[tuple[str, str, str, int]]:
    """(category, doc_id, provision_id, n_chars) of one raw file, sorted."""
    labels = _Labels()
    n = len(text)
    cat = np.zeros(n, dtype=np.uint8)
    pair = np.zeros(n, dtype=np.int32)
    for offsets, category in normalized_dropped:
        cat[offsets] = labels.category("whitespace" if category in WHITESPACE_CATEGORIES else category)
    for doc_id, w, is_primary in witnesses:
        for offsets, category in w.dropped:
            cat[offsets] = labels.category(category)
        kept = w.origin
        if is_primary:
            prov = _provision_labels(provisions.get(doc_id), doc_id, len(w.text), labels)
            outside = prov == 0
            cat[kept] = np.where(outside, WHITESPACE, PROVISION)
            prov[outside] = labels.pair(doc_id, "")
            pair[kept] = prov
        else:
            cat[kept] = DUPLICATE
            pair[kept] = labels.pair(doc_id, "")
    for offsets in amended:  # kept text that a curated erratum corrected
        cat[offsets[cat[offsets] == PROVISION]] = labels.category("erratum")
    blank = blank_mask(text)
    cat[((cat == UNSET) | (cat == PROVISION)) & blank] = WHITESPACE
    cat[cat == UNSET] = UNACCOUNTED
    pair[cat == WHITESPACE] = 0
    k = len(labels.categories)
    if len(labels.pairs) * k < 2**31:  # the combined key fits the pair array itself: no new per-character array
        pair *= k
        pair += cat
        counts = np.bincount(pair, minlength=len(labels.pairs) * k)
    else:  # pragma: no cover - more than 2^31 / categories provisions in one file
        counts = np.bincount(pair.astype(np.int64) * k + cat)
    rows = []
    for key in np.flatnonzero(counts):
        doc_id, provision_id = labels.pairs[key // k]
        rows.append((labels.categories[key % k], doc_id, provision_id, int(counts[key])))
    return sorted(rows)


def build_audit(corpus: Corpus, provisions: pd.DataFrame) -> pd.DataFrame:
    """Count the characters of each raw file by category, document and provision.

    Inputs: the corpus of the segment stage (its raw files and witnesses) and the provisions table
    (doc_id, provision_id, char_start, char_end). Output: the audit table.
    """
    spans = provisions[["doc_id", "provision_id", "char_start", "char_end"]]
    by_doc = {doc_id: g for doc_id, g in spans.groupby("doc_id", sort=False)}
    rows = []
    for raw in corpus.raw_files():
        for category, doc_id, provision_id, n in _file_counts(raw.source.text, raw.dropped, raw.witnesses, by_doc,
                                                              raw.amended):
            rows.append((raw.source.name, category, doc_id, provision_id, n))
    return pd.DataFrame(rows, columns=COLUMNS)
