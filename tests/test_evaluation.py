"""The evaluation framework: scores, thresholds and the quality report."""

from __future__ import annotations

import math

from policykit.evaluation import Section, Threshold, prf, score_row, score_table, to_markdown


def test_prf_counts() -> None:
    assert prf(8, 2, 2) == (0.8, 0.8, 0.8000000000000002) or math.isclose(prf(8, 2, 2)[2], 0.8)
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0)[0] == 0.0


def test_threshold_and_report() -> None:
    scores = score_table([score_row("policy", "all", 9, 0, 1), score_row("report", "all", 5, 1, 5)])
    section = Section("x", "X task", scores, thresholds=[Threshold("policy", "all", "recall", 0.9),
                                                         Threshold("report", "all", "recall", 0.85)])
    assert section.failures() == ["report/all recall 0.500 < 0.85"]
    md = to_markdown([section])
    assert "## X task" in md and "NOT met" in md and "| policy" in md
