"""How a stage batched by documents or by families is cut: consecutive documents, or whole version families."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import DisjointSet

from policykit.build.stages import Tables
from policykit.ingest.documents import version_pairs

DOCUMENT_BATCH_CHARS = 2_000_000  # characters of canonical text per batch of a per-document stage



def document_batches(documents: pd.DataFrame, provisions: pd.DataFrame | None,
                     max_chars: int = DOCUMENT_BATCH_CHARS) -> list[Tables]:
    """Documents (and their provisions) cut into consecutive batches of about max_chars characters."""
    tables = {"documents": documents} if provisions is None else {"documents": documents, "provisions": provisions}
    return [document_batch(tables, slice(a, b)) for a, b in batch_bounds(documents, max_chars)]


def _cut(sizes: list[int] | np.ndarray, max_chars: int) -> list[tuple[int, int]]:
    """Ranges [a, b) of consecutive items whose sizes add up to about max_chars (an item is never split)."""
    cuts, total = [0], 0
    for i, n in enumerate(sizes):
        if total and total + n > max_chars:
            cuts.append(i)
            total = 0
        total += n
    cuts.append(len(sizes))
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _text_sizes(documents: pd.DataFrame) -> np.ndarray:
    """Characters of each document's canonical text."""
    return documents["text"].str.len().fillna(0).to_numpy()


def batch_bounds(documents: pd.DataFrame, max_chars: int = DOCUMENT_BATCH_CHARS) -> list[tuple[int, int]]:
    """Row ranges [a, b) of documents that make consecutive batches of about max_chars characters."""
    return _cut(_text_sizes(documents), max_chars)


def family_batches(documents: pd.DataFrame, max_chars: int = DOCUMENT_BATCH_CHARS) -> list[list[int]]:
    """Row positions of the documents that have a version pair, whole families together, in batches.

    A family here is a connected set of version pairs (ingest.documents.version_pairs); families are taken
    in the order of their first row and cut into batches of about max_chars characters. There is always
    at least one batch (empty when no document has a version pair).
    """
    pairs = version_pairs(documents)
    position = {d: i for i, d in enumerate(documents["doc_id"].astype(str))}
    sets = DisjointSet(sorted({position[d] for pair in pairs for d in pair}))
    for a, b in pairs:
        sets.merge(position[a], position[b])
    families = sorted(sorted(f) for f in sets.subsets())
    sizes = _text_sizes(documents)
    ranges = _cut([int(sizes[f].sum()) for f in families], max_chars)
    return [[i for f in families[a:b] for i in f] for a, b in ranges]


def document_batch(tables: Tables, rows: slice | list[int]) -> Tables:
    """The documents at rows (a range, or a list of positions) and the rows of the other tables about them.

    A table with a doc_id column is cut to the batch's documents; one without is passed whole.
    """
    docs = tables["documents"].iloc[rows]
    batch = {"documents": docs}
    for name, df in tables.items():
        if name != "documents":
            batch[name] = df[df["doc_id"].isin(docs["doc_id"])] if "doc_id" in df.columns else df
    return batch


