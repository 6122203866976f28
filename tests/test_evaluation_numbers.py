"""Scoring of the number flags against edits labelled by reading."""

from __future__ import annotations

import pandas as pd

from policykit.evaluation import numbers


def _setup(tmp_path, gold_rows, change_rows):
    gold = pd.DataFrame(gold_rows, columns=["pair_id", "draft_text", "final_text", "numeric", "value_changed"])
    gold.to_csv(tmp_path / numbers.GOLD_FILE, index=False)
    changes = pd.DataFrame(change_rows, columns=["pair_id", "draft_text", "final_text", "touches_numbers",
                                                 "value_changed"])
    changes.to_parquet(tmp_path / "changes.parquet")
    return tmp_path


def test_flags_scored_by_matching_edit_texts(tmp_path):
    """One numeric edit found, one idiom wrongly flagged -> precision 0.5, recall 1, one disagreement listed."""
    d = _setup(tmp_path,
               [("p", "增长1倍", "倍增", "true", "false"), ("p", "千姿百态", "", "false", "false")],
               [("p", "增长1倍", "倍增", True, "false"), ("p", "千姿百态", "", True, None)])
    section = numbers.evaluate(d, d)
    row = section.scores.iloc[0]
    assert (row["tp"], row["fp"], row["fn"]) == (1, 1, 0)
    assert section.failures() and len(section.details) == 1
    assert "1 of 1" in section.notes[1]


def test_gold_edit_missing_from_the_table_is_scored_on_its_text(tmp_path):
    """A gold edit the diff no longer produces is scored by the recogniser on its own texts, not dropped."""
    d = _setup(tmp_path, [("p", "到2025年底", "到2026年底", "true", "true")], [("p", "其他", "其它", False, None)])
    row = numbers.evaluate(d, d).scores.iloc[0]
    assert (row["tp"], row["fn"]) == (1, 0)


def test_project_gold_meets_thresholds_on_built_tables():
    """touches_numbers reaches the precision and recall thresholds on data/gold (tables built)."""
    import pytest

    from policykit import config
    from policykit.evaluation import gold_dir

    if not (gold_dir() / numbers.GOLD_FILE).is_file() or not (config.PROCESSED_DIR / "changes.parquet").is_file():
        pytest.skip("no number-flag gold set or no built tables")
    columns = pd.read_parquet(config.PROCESSED_DIR / "changes.parquet").columns
    if "value_changed" not in columns:
        pytest.skip("tables built before value_changed existed")
    assert numbers.evaluate(config.PROCESSED_DIR, gold_dir()).failures() == []
