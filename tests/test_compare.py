"""Tests for policykit.analysis.compare: the alignment and changes tables of every draft -> final pair."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.analysis import compare
from policykit.errors import InputError
from policykit.ingest.documents import version_pairs
from policykit.schema import table

P1 = "支持工业制造类企业融合设计、仿真、实验验证数据，培育数据驱动型产品研发新模式，提升企业创新能力。"
P2 = "推动科学数据有序开放共享，促进重大科技基础设施产生的各类科学数据互联互通，支持科研机构开展数据汇交。"
P3 = "开展数据要素应用典型案例评选，遴选一批典型应用，依托数字中国建设峰会发布典型案例，促进经验分享。"
P4 = "加强数据安全保障，落实数据安全法规制度，完善数据分类分级保护制度，落实网络安全等级保护制度。"


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = pd.DataFrame({
        "doc_id": ["plan", "plan-draft"], "kind": ["policy", "draft"], "related_doc_id": [None, "plan"],
        "title": ["计划", "计划（征求意见稿）"],
    })
    rows = [
        ("plan-draft", "1", None, 1, 1, "一、", "重点行动", "重点行动"),
        ("plan-draft", "1.1", "1", 2, 2, "（一）", "数据要素×智能制造", "数据要素×智能制造\n" + P1),
        ("plan-draft", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2),
        ("plan-draft", "1.3", "1", 2, 4, "（三）", "加强宣传推广", P3),
        ("plan", "1", None, 1, 1, "一、", "重点行动", "重点行动"),
        ("plan", "1.1", "1", 2, 2, "（一）", "数据要素×工业制造", P1.replace("2025", "2026")),
        ("plan", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2.replace("数据汇交", "数据汇交和3个试点")),
        ("plan", "1.3", "1", 2, 4, "（三）", "加强安全保障", P4),
    ]
    prov = pd.DataFrame(rows, columns=["doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading",
                                       "text"])
    return docs, prov


def test_build_comparison_columns_and_rows() -> None:
    """A two-document corpus -> alignment and changes with exactly the registered columns."""
    docs, prov = _tables()
    alignment, changes = compare.build_comparison(docs, prov)
    assert list(alignment.columns) == table("alignment").columns
    assert list(changes.columns) == table("changes").columns
    assert set(alignment["pair_id"]) == {"plan-draft__plan"}
    assert list(alignment["change"]) == ["modified", "modified", "added", "deleted"]
    assert list(alignment["final_heading"][:2]) == ["数据要素×工业制造", "数据要素×科技创新"]
    assert alignment["section"].iloc[0] == "重点行动"
    n = alignment.set_index("aligned_unit")["n_changes"]
    assert changes.groupby("aligned_unit").size().to_dict() == {k: v for k, v in n.items() if v}
    unit2 = changes[changes["aligned_unit"] == 2]
    assert unit2["touches_numbers"].tolist() == [True]
    assert bool(alignment.set_index("aligned_unit").loc[2, "touches_numbers"])


def test_build_comparison_is_deterministic() -> None:
    """Same input -> identical tables."""
    docs, prov = _tables()
    a1, c1 = compare.build_comparison(docs, prov)
    a2, c2 = compare.build_comparison(docs.iloc[::-1], prov.iloc[::-1])
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(c1, c2)


def test_build_comparison_bad_input() -> None:
    """Missing columns or a dangling related_doc_id raise InputError naming the table."""
    docs, prov = _tables()
    with pytest.raises(InputError, match="provisions"):
        compare.build_comparison(docs, prov.drop(columns=["text"]))
    bad = docs.assign(related_doc_id=[None, "nowhere"])
    with pytest.raises(InputError, match="documents"):
        compare.build_comparison(bad, prov)


# --- the real corpus --------------------------------------------------------------------------


def test_real_corpus_draft_aligns_with_final(any_built) -> None:
    """Every draft -> final pair of a built corpus aligns most of its provisions, with word and number changes."""
    t = any_built.tables
    assert version_pairs(t["documents"])
    alignment, changes = t["alignment"], t["changes"]
    assert set(alignment.pair_id) == {f"{a}__{b}" for a, b in version_pairs(t["documents"])}
    for pair_id, rows in alignment.groupby("pair_id"):
        paired = rows["change"].isin(["unchanged", "modified", "moved", "merged", "split"])
        assert paired.mean() > 0.6, pair_id
    assert changes["touches_numbers"].any()


def test_imports_go_one_way_compare_worddiff_align() -> None:
    """The stage imports both; the word diff imports the alignment; the alignment imports neither."""
    import ast
    import importlib
    from pathlib import Path

    def imported(module: str) -> set[str]:
        path = importlib.import_module(f"policykit.analysis.{module}").__file__
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        return {node.module.rsplit(".", 1)[-1] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("policykit.analysis.")}

    assert {"align", "worddiff"} <= imported("compare")
    assert "align" in imported("worddiff") and "compare" not in imported("worddiff")
    assert not {"worddiff", "compare"} & imported("align")
