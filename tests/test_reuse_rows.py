"""Tests of the reuse stage's passages as arrays and rows: repeats dropped, rows made in blocks."""

from __future__ import annotations

import pandas as pd
from reuse_corpora import P14, P15, corpus, filler, index_corpus

from policykit.analysis.reuse import build_reuse, rows
from policykit.analysis.reuse.passages import Passage, Passages


def test_repeats_dropped_before_the_rows_equal_the_rows_dropped_after(monkeypatch):
    """Rows made only for the passages kept equal every passage's row with the repeats dropped from the table."""
    docs, prov = index_corpus()
    # a phrase repeated in both documents of a pair, whose later document comes first in doc_id order (the
    # undated pairs of _index_corpus have their source first)
    q = filler(12, 5, 16)
    r_docs, r_prov = corpus({"r": ("2020-01-01", [q + filler(9, 0) + q + filler(9, 1) + q]),
                             "s": ("2019-01-01", [filler(10, 0) + q + filler(10, 1) + q])})
    docs, prov = pd.concat([docs, r_docs], ignore_index=True), pd.concat([prov, r_prov], ignore_index=True)
    fast = build_reuse(docs, prov)
    drop_repeats = rows.drop_repeats
    monkeypatch.setattr(rows, "drop_repeats", lambda df: df)  # every passage's row, in the passages' order
    every = build_reuse(docs, prov)
    assert every.index.tolist() == list(range(len(every)))
    slow = drop_repeats(every)
    assert len(every) > len(slow) == len(fast) > 0 and fast.index.tolist() == slow.index.tolist()
    assert fast.equals(slow) and (fast.dtypes == slow.dtypes).all()


def test_passages_as_arrays_give_back_the_passages():
    """Passages kept as arrays (in parts, joined) give back each passage with its runs, in order."""
    made = [Passage(0, 1, 2, 5, [(3, 40, 9), (13, 52, 8)]), Passage(0, 2, 2, 7, [(4, 70, 15)]),
            Passage(1, 2, 5, 7, [(41, 71, 6)], doc_frequency=3)]
    parts = [Passages.of(made[:2]), Passages.of([]), Passages.of(made[2:])]
    joined = Passages.concat(parts)
    assert len(joined) == 3 and [joined[i] for i in range(3)] == made


def test_rows_made_in_blocks_give_the_table_made_whole():
    """Rows made a block at a time: the same values, types and labels, with and without any verbatim row."""
    left, right = P15[:10], P14[:10]
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1), P15 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1), filler(1, 2) + P15]),
    })
    no_verbatim = corpus({  # two passages, each with a difference
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1), P15[:8] + "甲" + P14]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1), P15[:8] + "乙" + P14]),
    })
    for d, pv in ((docs, prov), no_verbatim):
        whole = build_reuse(d, pv)
        blocks = build_reuse(d, pv, row_block=1)
        assert len(whole) > 1 and blocks.equals(whole) and (blocks.dtypes == whole.dtypes).all()
        assert blocks.index.tolist() == whole.index.tolist()
    assert build_reuse(docs, prov)["shared_text"].isna().sum() == 1
    assert build_reuse(*no_verbatim)["shared_text"].tolist() == [None, None]
