"""Scoring targets in legal texts: time limits, fines and time-effect clauses against the law gold set."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from policykit import config
from policykit.evaluation import law_targets as ev


def _rows(*rows: dict) -> pd.DataFrame:
    """Target rows with the columns the scorer reads."""
    cols = ["doc_id", "kind", "sentence", "value", "value_low", "value_high", "unit", "comparator", "value_text"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def _gold(**kw: str) -> SimpleNamespace:
    """One gold row (every cell text, as read from the CSV)."""
    cells = {"value": "", "value_low": "", "value_high": "", "unit": "", "comparator": ""}
    return SimpleNamespace(**{**cells, **kw})


def test_a_fine_is_found_by_its_ends_in_base_units() -> None:
    """处三万元以下罚款 (3 万元, <=) matches a gold cap of 30000 元; a wrong end does not."""
    rows = _rows({"kind": "rule", "value": 3.0, "value_high": 3.0, "unit": "万元", "comparator": "<="})
    assert ev._fine_found(rows, _gold(value_high="30000", unit="元", comparator="≤"))
    assert not ev._fine_found(rows, _gold(value_high="50000", unit="元", comparator="≤"))
    ranged = _rows({"kind": "rule", "value_low": 1000.0, "value_high": 10000.0, "unit": "元", "comparator": "between"})
    assert ev._fine_found(ranged, _gold(value_low="1000", value_high="10000", unit="元", comparator="between"))
    assert not ev._fine_found(ranged, _gold(value_high="10000", unit="元", comparator="≤"))


def test_a_time_limit_needs_its_value_and_unit() -> None:
    """5个工作日内 is 5 工作日; a rule row or another value does not count."""
    rows = _rows({"kind": "time_limit", "value": 5.0, "unit": "工作日", "comparator": "<="})
    assert ev._time_limit_found(rows, _gold(value="5", unit="个工作日"))
    assert not ev._time_limit_found(rows, _gold(value="15", unit="日"))
    as_rule = _rows({"kind": "rule", "value": 5.0, "unit": "工作日"})
    assert not ev._time_limit_found(as_rule, _gold(value="5", unit="工作日"))


def test_rows_are_taken_from_the_gold_sentence() -> None:
    """Rows of other sentences or documents are not looked at (an article label before the sentence is fine)."""
    rows = _rows({"doc_id": "d", "kind": "rule", "sentence": "第五条 本规定施行后尚未审结的案件，适用本规定。"},
                 {"doc_id": "d", "kind": "goal", "sentence": "到2026年底，建成体系。"})
    picked = ev._rows_of(rows, "d", "本规定施行后尚未审结的案件，适用本规定。")
    assert list(picked["kind"]) == ["rule"] and ev._time_effect_found(picked)
    assert ev._rows_of(rows, None, "x").empty


@pytest.mark.slow
def test_law_targets_meet_the_goals_on_the_test_split() -> None:
    """Time limits with value and unit and fines with both ends >= .9 on the test split (law archives needed)."""
    from policykit.evaluation import gold_dir
    from policykit.evaluation.lawtexts import archive_dir

    if archive_dir() is None or not (gold_dir() / ev.GOLD_FILE).is_file():
        pytest.skip("the law archives (shared/external) or the gold set are not here")
    section = ev.evaluate(config.PROCESSED_DIR, gold_dir())
    assert section.failures() == []
    assert set(section.scores["scope"]) == {"dev", "test"}
