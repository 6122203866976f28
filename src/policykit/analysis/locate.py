"""Which provision holds an offset of a document's text: the one rule every stage uses.

Rule: provision p of document d holds offset o of d's canonical text when
``p.char_start <= o < p.char_end``. The structure stage cuts each document into provisions that do not
overlap and together cover all of its non-blank text, so at most one provision holds an offset, and an
offset in the whitespace between two provisions (or before the first, or after the last) is held by
none. Hand-made provisions may nest (a part spanning its items): then the innermost provision holding
the offset wins (the latest start, then the deepest level).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from policykit.schema import require

NONE = -1
"""What locate() returns for an offset no provision holds."""


def locate(provisions: pd.DataFrame, doc_ids: str | Sequence[str] | np.ndarray | None,
           offsets: Sequence[int] | np.ndarray) -> np.ndarray:
    """Row position in provisions (``provisions.iloc``) of the provision holding each offset; NONE where none.

    provisions: doc_id, char_start, char_end (and level, where spans may nest). doc_ids: one doc_id for
    all offsets, one per offset, or None when provisions are those of one document (doc_id not read).
    Vectorised: one np.searchsorted per document.
    """
    require(provisions, ("char_start", "char_end") if doc_ids is None else ("doc_id", "char_start", "char_end"),
            "provisions")
    offsets = np.asarray(offsets, dtype=np.int64)
    out = np.full(len(offsets), NONE, dtype=np.int64)
    if not len(offsets) or provisions.empty:
        return out
    level = provisions["level"].to_numpy(np.int64) if "level" in provisions.columns else np.zeros(len(provisions),
                                                                                                    np.int64)
    prov_docs = np.zeros(len(provisions), dtype=object) if doc_ids is None else \
        provisions["doc_id"].astype(str).to_numpy()
    starts_all = provisions["char_start"].to_numpy(np.int64)
    ends_all = provisions["char_end"].to_numpy(np.int64)
    if doc_ids is None:
        groups = [(0, np.arange(len(offsets)))]
    elif isinstance(doc_ids, str):
        groups = [(doc_ids, np.arange(len(offsets)))]
    else:
        docs = np.asarray(doc_ids, dtype=object).astype(str)
        groups = [(d, np.flatnonzero(docs == d)) for d in np.unique(docs)]
    for doc, at in groups:
        rows = np.flatnonzero(prov_docs == doc)
        if not len(rows):
            continue
        rows = rows[np.lexsort((level[rows], starts_all[rows]))]  # by start, deeper provisions last
        out[at] = rows_holding(starts_all[rows], ends_all[rows], rows, offsets[at])
    return out


def rows_holding(starts: np.ndarray, ends: np.ndarray, rows: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """For spans sorted by start (rows: their labels), the label of the innermost span holding each offset."""
    i = np.searchsorted(starts, offsets, side="right") - 1
    found = np.where(i >= 0, rows[np.maximum(i, 0)], NONE)
    miss = np.flatnonzero((i >= 0) & (ends[np.maximum(i, 0)] <= offsets))
    if not len(miss):
        return found
    enclosing = _enclosing(starts, ends)
    for k in miss:  # past the end of the span starting last: an enclosing span may still hold the offset
        j = enclosing[i[k]]
        while j >= 0 and ends[j] <= offsets[k]:
            j = enclosing[j]
        found[k] = rows[j] if j >= 0 else NONE
    return found


def _enclosing(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For spans sorted by start, the index of the nearest earlier span that encloses each (-1 if none)."""
    # A plain stack walk: spans nest or follow one another, and only misses (gaps) come here.
    out = np.full(len(starts), -1, dtype=np.int64)
    stack: list[int] = []
    for j in range(len(starts)):
        while stack and ends[stack[-1]] <= starts[j]:
            stack.pop()
        out[j] = stack[-1] if stack else -1
        stack.append(j)
    return out


def provision_ids(provisions: pd.DataFrame, doc_ids: str | Sequence[str] | np.ndarray | None,
                  offsets: Sequence[int] | np.ndarray) -> list[str | None]:
    """provision_id of the provision holding each offset (locate's rule); None where none holds it."""
    rows = locate(provisions, doc_ids, offsets)
    ids = provisions["provision_id"].astype(str).to_numpy()
    return [None if r == NONE else str(ids[r]) for r in rows]
