"""The character audit: where every character of every raw file went.

Each character of a decoded raw file lands in exactly one category:
- `provision`: kept in the canonical text of a document, inside a provision (doc_id, provision_id);
- `duplicate_witness`: kept in a witness that is not the primary one (its document is counted once);
- `reading`, `markup`, `navigation`, `credit`, `times_sign`: removed by normalisation or segmentation;
- `erratum`: kept in a provision, but in a passage a curated erratum of the catalog corrected;
- `whitespace`: layout (line breaks, indentation, blank lines, spaces collapsed);
- `unaccounted`: anything else; the build's tests require there is none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .documents import Corpus
from .segment import primary_of

WHITESPACE_CATEGORIES = {"newline", "whitespace"}


def _file_labels(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty per-character label arrays (category, doc_id, provision_id) for a file of n characters."""
    return np.full(n, "", dtype=object), np.full(n, "", dtype=object), np.full(n, "", dtype=object)


def _provision_index(provisions: pd.DataFrame, doc_id: str, length: int) -> np.ndarray:
    """For each character of a document's text, the provision_id covering it ('' between provisions)."""
    out = np.full(length, "", dtype=object)
    for row in provisions[provisions.doc_id == doc_id].itertuples(index=False):
        out[int(row.char_start):int(row.char_end)] = row.provision_id
    return out


def build_audit(corpus: Corpus, provisions: pd.DataFrame) -> pd.DataFrame:
    """Count the characters of each raw file by category, document and provision."""
    labels = {s.name: _file_labels(len(s.text)) for s in corpus.sources_read}
    for name, doc in corpus.normalized.items():
        cat, _, _ = labels[name]
        for offsets, category in doc.dropped:
            cat[offsets] = "whitespace" if category in WHITESPACE_CATEGORIES else category
    for doc_id, group in corpus.groups.items():
        primary = primary_of(group)
        prov = _provision_index(provisions, doc_id, len(primary.text))
        for w in group:
            cat, docs, provs = labels[w.source.name]
            for offsets, category in w.dropped:
                cat[offsets] = category
            kept = w.origin
            docs[kept] = doc_id
            if w is primary:
                cat[kept] = np.where(prov == "", "whitespace", "provision")
                provs[kept] = prov
            else:
                cat[kept] = "duplicate_witness"
    for name, doc in corpus.normalized.items():
        cat, _, _ = labels[name]
        for offsets in doc.amended:
            cat[offsets[cat[offsets] == "provision"]] = "erratum"
    rows = []
    for src in corpus.sources_read:
        cat, docs, provs = labels[src.name]
        text = np.array(list(src.text), dtype=object)
        blank = np.vectorize(str.isspace, otypes=[bool])(text) if len(text) else np.zeros(0, bool)
        cat[(cat == "") & blank] = "whitespace"
        cat[(cat == "provision") & blank] = "whitespace"
        cat[cat == ""] = "unaccounted"
        frame = pd.DataFrame({"category": cat, "doc_id": docs, "provision_id": provs})
        frame.loc[frame.category == "whitespace", ["doc_id", "provision_id"]] = ""
        counts = frame.groupby(["category", "doc_id", "provision_id"], sort=True).size()
        for (category, doc_id, provision_id), n in counts.items():
            rows.append({"source_file": src.name, "category": category, "doc_id": doc_id,
                         "provision_id": provision_id, "n_chars": int(n)})
    return pd.DataFrame(rows, columns=["source_file", "category", "doc_id", "provision_id", "n_chars"])
