"""Tests for policykit.analysis.locate: which provision holds an offset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policykit.analysis.locate import NONE, locate, provision_ids
from policykit.errors import InputError


def _prov(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "provision_id", "level", "char_start", "char_end"])


FLAT = _prov([("a", "0", 0, 0, 4), ("a", "1", 1, 6, 10), ("b", "1", 1, 2, 5)])


def test_start_inclusive_end_exclusive_and_gaps_hold_nothing() -> None:
    """char_start <= offset < char_end; the whitespace between provisions and past the last is held by none."""
    got = locate(FLAT, "a", [0, 3, 4, 5, 6, 9, 10, 99])
    assert got.tolist() == [0, 0, NONE, NONE, 1, 1, NONE, NONE]


def test_one_doc_id_per_offset_and_row_positions() -> None:
    """Offsets of several documents at once; the answer indexes provisions.iloc, whatever its order."""
    shuffled = FLAT.iloc[[2, 1, 0]].reset_index(drop=True)
    got = locate(shuffled, ["b", "a", "b", "a", "zz"], [2, 7, 1, 0, 0])
    assert got.tolist() == [0, 1, NONE, 2, NONE]
    assert provision_ids(shuffled, ["b", "a", "zz"], [4, 0, 1]) == ["1", "0", None]


def test_nested_spans_resolve_to_the_innermost() -> None:
    """A part spanning its items: an item's offset goes to the item, the part's own text to the part."""
    nested = _prov([("a", "1", 1, 0, 20), ("a", "1.1", 2, 0, 5), ("a", "1.2", 2, 8, 12), ("a", "2", 1, 20, 25)])
    got = provision_ids(nested, "a", [0, 4, 5, 8, 12, 19, 20, 25])
    assert got == ["1.1", "1.1", "1", "1.2", "1", "1", "2", None]


def test_without_doc_ids_the_provisions_are_one_document() -> None:
    """doc_ids=None: the provisions given are those of one document, whatever their doc_id says."""
    assert locate(FLAT[FLAT.doc_id == "a"].assign(doc_id="x"), None, np.array([1, 7])).tolist() == [0, 1]


def test_empty_inputs_and_missing_columns() -> None:
    """No offsets or no provisions: an empty or all-NONE answer; a missing column: a one-line InputError."""
    assert locate(FLAT, "a", []).tolist() == []
    assert locate(FLAT.iloc[:0], "a", [1, 2]).tolist() == [NONE, NONE]
    with pytest.raises(InputError, match=r"table provisions: missing columns \['char_end'\]"):
        locate(FLAT.drop(columns="char_end"), "a", [1])
