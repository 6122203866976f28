"""Target changes through the alignment: pairing, classification and the plan's known case."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.analysis import target_changes
from policykit.analysis.target_changes import build_target_changes, classify_change
from policykit.publish.tables import conform
from policykit.schema import table


def _target(doc: str, pid: str, n: int, kind: str, metric: str, value: float | None = None, unit: str | None = None,
            comparator: str | None = None, written: str | None = None, deadline: str = "2026-12-31") -> dict:
    """One targets row."""
    return {"target_id": f"{doc}:{pid}:{n}", "doc_id": doc, "provision_id": pid, "kind": kind, "metric": metric,
            "value": value, "unit": unit, "comparator": comparator, "value_text": written, "deadline": deadline,
            "sentence": f"{metric}{written or ''}", "char_start": n}


def _alignment(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Alignment units (aligned_unit, draft ids, final ids) of the pair d -> f."""
    return pd.DataFrame([{"pair_id": "d__f", "aligned_unit": u, "draft_doc_id": "d", "final_doc_id": "f",
                          "draft_provision_ids": di, "final_provision_ids": fi} for u, di, fi in rows])


def test_plan_goal_sentence_changes() -> None:
    """增长1倍 -> 倍增 is reworded (value 2 both); 场内交易规模大幅提升 dropped; 场内交易与场外交易协调发展 added."""
    draft = [_target("d", "2.3", 1, "goal", "数据要素应用场景广度和深度大幅拓展"),
             _target("d", "2.3", 2, "metric", "数据交易规模", 2, "倍", "=", "增长1倍"),
             _target("d", "2.3", 3, "goal", "场内交易规模大幅提升")]
    final = [_target("f", "2.3", 1, "goal", "数据要素应用广度和深度大幅拓展"),
             _target("f", "2.3", 2, "goal", "场内交易与场外交易协调发展"),
             _target("f", "2.3", 3, "metric", "数据交易规模", 2, "倍", "=", "倍增")]
    out = build_target_changes(_alignment([(1, "2.3", "2.3")]), pd.DataFrame(draft + final))
    got = {(r.change, r.draft_metric, r.final_metric) for r in out.astype(object).where(out.notna(), None).itertuples()}
    assert got == {("reworded", "数据要素应用场景广度和深度大幅拓展", "数据要素应用广度和深度大幅拓展"),
                   ("reworded", "数据交易规模", "数据交易规模"),
                   ("added", None, "场内交易与场外交易协调发展"),
                   ("dropped", "场内交易规模大幅提升", None)}
    doubled = out[out.final_value_text == "倍增"].iloc[0]
    assert doubled.draft_value == doubled.final_value == 2 and "增长1倍 -> 倍增" in doubled.basis
    assert list(out.item) == [1, 2, 3, 4] and list(out.change[-2:]) == ["added", "dropped"]
    conform(out, "target_changes")


def test_targets_follow_the_alignment_not_the_provision_ids() -> None:
    """A draft 3.1 aligned with final 4.2 (and its child 4.2.1): their targets pair; a deleted unit's are dropped."""
    draft = [_target("d", "3.1", 1, "metric", "试点城市", 10, "个"), _target("d", "5", 2, "goal", "体系建成")]
    final = [_target("f", "4.2.1", 1, "metric", "试点城市", 20, "个"), _target("f", "3.1", 2, "goal", "新目标")]
    align = _alignment([(1, "3.1", "4.2"), (2, "", "3.1"), (3, "5", "")])
    out = build_target_changes(align, pd.DataFrame(draft + final))
    assert [(r.aligned_unit, r.change) for r in out.itertuples()] == [(1, "tightened"), (2, "added"), (3, "dropped")]
    assert out.basis.iloc[0] == "value 10 -> 20"


@pytest.mark.parametrize(("draft", "final", "change"), [
    ((10, ">="), (20, ">="), "tightened"),
    ((20, ">="), (10, ">="), "loosened"),
    ((3, "<="), (2, "<="), "tightened"),   # a lower cap is stricter
    ((20, ">="), (20, ">"), "tightened"),
    ((20, ">"), (20, ">"), "unchanged"),
])
def test_classify_values_and_comparators(draft: tuple, final: tuple, change: str) -> None:
    """Floors tighten upwards, caps downwards; a stricter comparator tightens."""
    d = pd.Series(_target("d", "1", 1, "metric", "增速", draft[0], "%", draft[1], f"{draft[0]}%"))
    f = pd.Series(_target("f", "1", 1, "metric", "增速", final[0], "%", final[1], f"{final[0]}%"))
    assert classify_change(d, f)[0] == change


def test_classify_deadline_and_quantification() -> None:
    """An earlier deadline or a goal given a number tightens; a later deadline loosens."""
    goal = pd.Series(_target("d", "1", 1, "goal", "体系建成", deadline="2026-12-31"))
    assert classify_change(goal, goal.copy().replace({"2026-12-31": "2025-12-31"}))[0] == "tightened"
    assert classify_change(goal, goal.copy().replace({"2026-12-31": "2027-12-31"}))[0] == "loosened"
    metric = pd.Series(_target("f", "1", 1, "metric", "体系建成", 100, "个", ">=", "100个以上"))
    assert classify_change(goal, metric)[0] == "tightened"


def test_columns_are_registered() -> None:
    """The table has exactly the registered columns even when empty."""
    out = build_target_changes(_alignment([(1, "1", "1")]), pd.DataFrame([_target("d", "9", 1, "goal", "x")]))
    assert list(out.columns) == table("target_changes").columns and out.empty


def test_built_target_changes_pair_the_targets_of_aligned_versions(any_built) -> None:  # noqa: ANN001
    """In a built corpus, every target change belongs to an aligned version pair and quotes its targets.

    (The seed corpus's changes of the plan's goals, draft -> final, are facts in tests/snapshot.json.)
    """
    changes, targets = any_built.tables["target_changes"], any_built.tables["targets"]
    assert len(changes) > 0
    assert set(changes.pair_id) <= set(any_built.tables["alignment"].pair_id)
    by_id = targets.set_index("target_id")
    for side in ("draft", "final"):
        rows = changes[changes[f"{side}_target_id"].notna()]
        assert set(rows[f"{side}_target_id"]) <= set(by_id.index), side
        quoted = by_id.loc[rows[f"{side}_target_id"], ["metric", "value_text"]].to_numpy().tolist()
        assert rows[[f"{side}_metric", f"{side}_value_text"]].to_numpy().tolist() == quoted, side


def test_reading_table_and_its_figure() -> None:
    """for_reading gives change, draft and final as quoted; the figure wraps Chinese by display width."""
    from policykit.present import plots

    draft = [_target("d", "1", 1, "metric", "数据交易规模", 2, "倍", "=", "增长1倍")]
    final = [_target("f", "1", 1, "metric", "数据交易规模", 2, "倍", "=", "倍增")]
    out = build_target_changes(_alignment([(1, "1", "1")]), pd.DataFrame(draft + final))
    reading = target_changes.for_reading(out)
    assert reading.loc[0, ["change", "draft", "final"]].tolist() == [
        "reworded", "数据交易规模 增长1倍 (by 2026-12-31)", "数据交易规模 倍增 (by 2026-12-31)"]
    lines = plots.wrap_cjk("数据交易规模增长 (by 2026-12-31)", 12).split("\n")
    assert lines == ["数据交易规模", "增长 (by", "2026-12-31)"]  # a Chinese character is two cells; a date stays whole
    fig = plots.table_figure(reading, "t", row_colors=["#ffffff"])
    assert len(fig.axes[0].tables) == 1
