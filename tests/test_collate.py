"""Tests for policykit.ingest.collate: agreement and residual differences of two witnesses of one document."""

from __future__ import annotations

import pytest

from policykit.errors import InputError
from policykit.ingest.collate import collate

# --- collate ----------------------------------------------------------------------------------


def test_collate_identical_texts_agree_fully() -> None:
    """'数据要素' vs '数据 要素' -> agreement 1.0, no differences (whitespace is ignored)."""
    c = collate("数据要素", "数据 要素")
    assert c.agreement == 1.0
    assert c.differences == []


def test_collate_reports_substitution_with_offsets_in_both_texts() -> None:
    """'数据要素x 计划' vs '数据要素×计划' -> one difference x→× at [4, 5) in both."""
    a, b = "数据要素x 计划", "数据要素×计划"
    c = collate(a, b)
    assert len(c.differences) == 1
    d = c.differences[0]
    assert (d.a_start, d.a_end, d.b_start, d.b_end) == (4, 5, 4, 5)
    assert (a[d.a_start:d.a_end], b[d.b_start:d.b_end]) == ("x", "×")
    assert c.agreement == pytest.approx(1 - 2 / 14)


def test_collate_offsets_skip_whitespace_and_cover_insertions() -> None:
    r"""'甲 乙\n丙' vs '甲乙丁丙' -> insertion of 丁 after 乙: empty a-range at offset 3, b-range [2, 3)."""
    a, b = "甲 乙\n丙", "甲乙丁丙"
    d, = collate(a, b).differences
    assert (d.a_start, d.a_end, d.a_text) == (3, 3, "")
    assert (d.b_start, d.b_end, d.b_text) == (2, 3, "丁")
    assert "丁" in d.context


def test_collate_empty_texts() -> None:
    """'' vs '' -> agreement 1.0; '' vs '甲' -> 0.0 with one difference."""
    assert collate("", "").agreement == 1.0
    c = collate("", "甲")
    assert c.agreement == 0.0 and c.differences[0].b_text == "甲"


def test_collate_summary() -> None:
    """Differences summarised as 'a→b' pairs."""
    assert collate("甲乙丙", "甲丁丙").summary() == "乙→丁"


def test_collate_rejects_non_text() -> None:
    with pytest.raises(InputError):
        collate(None, "甲")  # type: ignore[arg-type]
