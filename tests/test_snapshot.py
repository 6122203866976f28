"""Golden facts of the seed corpus, in one place: tests/snapshot.json holds each fact's value and meaning.

Each fact is computed here from the tables of one fresh build of data/raw (the session's `built` fixture)
and compared with its recorded value. A change to the corpus or to a rule that moves a fact shows up as one
failing key; update snapshot.json deliberately, never to make the test pass blindly. Tests of the rules
themselves live beside their modules and use tiny inputs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest

SNAPSHOT = Path(__file__).with_name("snapshot.json")
PLAN, DRAFT = "data-x-action-plan-2024", "data-x-action-plan-draft-2023"
EXPLAINER, NOTICE = "explainer-data-x-action-plan-draft-2023", "data-x-action-plan-consultation-notice-2023"
REPORT = "data-elements-report-untitled"

Tables = Mapping[str, pd.DataFrame]


def _doc(t: Tables, doc_id: str) -> pd.Series:
    """One document row."""
    return t["documents"].set_index("doc_id").loc[doc_id]


def _witness(t: Tables, doc_id: str) -> pd.Series:
    """The (first) witness row of a document."""
    return t["witnesses"].set_index("doc_id").loc[doc_id]


def _null(value: object) -> bool:
    """True for None, NaN and pd.NA."""
    return value is None or bool(pd.isna(value))


def _provisions(t: Tables, doc_id: str) -> list:
    """The provisions of a document, parsed from its text (as the structure stage does)."""
    from policykit.ingest.structure import parse_provisions

    return parse_provisions(_doc(t, doc_id)["text"])


def _sectors(t: Tables, doc_id: str) -> list[str]:
    """Headings of a document's provisions that name a 数据要素× sector, in order."""
    return [p.heading for p in _provisions(t, doc_id) if (p.heading or "").startswith("数据要素×")]


def _plan_items(t: Tables) -> list[str]:
    """Labels of the final plan's （n） items, in order."""
    return [p.label for p in _provisions(t, PLAN) if p.label.startswith("（")]


def _explainer_largest_part_share(t: Tables) -> float:
    """Share of the explainer's non-whitespace text held by its largest top-level part (preamble excluded)."""
    text = _doc(t, EXPLAINER)["text"]
    size: Counter = Counter()
    for p in _provisions(t, EXPLAINER):
        size[p.provision_id.split(".")[0]] += len("".join(p.text_of(text).split()))
    return max(v for k, v in size.items() if k != "0") / sum(size.values())


def _plan_metrics(t: Tables, doc_id: str) -> list[list]:
    """(value, unit) of a document's metric targets, sorted."""
    targets = t["targets"]
    rows = targets[(targets.doc_id == doc_id) & (targets.kind == "metric")]
    return sorted([float(v), u] for v, u in zip(rows.value, rows.unit, strict=True))


def _plan_target_changes(t: Tables) -> pd.DataFrame:
    """The target changes of the draft -> final pair of the plan."""
    changes = t["target_changes"]
    return changes[changes.pair_id == f"{DRAFT}__{PLAN}"]


def _concept_count(t: Tables, doc_id: str, concept: str) -> int:
    """Document-scope count of a concept."""
    c = t["concepts"]
    return int(c[(c["scope"] == "document") & (c.doc_id == doc_id) & (c.concept == concept)]["count"].sum())


# Each function computes the fact of the same key in snapshot.json from the built tables.
FACTS: dict[str, Callable[[Tables], object]] = {
    # --- raw files -----------------------------------------------------------------------------
    "sources.n_files": lambda t: len(t["sources"]),
    "sources.all_in_manifest_and_utf8": lambda t: bool(
        t["sources"].in_manifest.all() and (t["sources"].encoding == "utf-8").all()),
    # --- documents -----------------------------------------------------------------------------
    "documents.n": lambda t: len(t["documents"]),
    "documents.kinds": lambda t: {k: int(n) for k, n in t["documents"].kind.value_counts().sort_index().items()},
    "documents.with_two_witnesses": lambda t: sorted(t["documents"].doc_id[t["documents"].n_witnesses == 2]),
    "documents.draft_related_to": lambda t: _doc(t, DRAFT).related_doc_id,
    "documents.explainer_related_to": lambda t: _doc(t, EXPLAINER).related_doc_id,
    "documents.untitled_report_title_assigned": lambda t: bool(_doc(t, REPORT).title_assigned),
    "documents.untitled_report_title_is_null": lambda t: _null(_doc(t, REPORT).title),
    "documents.untitled_report_display_title_prefix": lambda t: _doc(t, REPORT).display_title[:len("（无题）一、概况")],
    "documents.untitled_report_date_is_null": lambda t: _null(_doc(t, REPORT).date),
    "documents.untitled_report_date_lower_bound": lambda t: _doc(t, REPORT).date_lower_bound,
    "documents.untitled_report_lower_bound_cites_截至2024年9月10日":
        lambda t: "截至2024年9月10日" in _doc(t, REPORT).date_lower_bound_basis,
    "documents.industry_opinions_date_is_null": lambda t: _null(_doc(t, "data-industry-opinions-2024").date),
    "documents.plan_family_versions": lambda t: [int(_doc(t, DRAFT).version), int(_doc(t, PLAN).version)],
    "documents.plan_family_is_shared_and_has_two_members": lambda t: bool(
        _doc(t, DRAFT).family_id == _doc(t, PLAN).family_id
        and (t["documents"].family_id == _doc(t, PLAN).family_id).sum() == 2),
    "documents.notice": lambda t: {k: _doc(t, NOTICE)[k] for k in (
        "kind", "form", "related_doc_id", "date_published", "date_signed", "date_basis")},
    "documents.notice_published_basis_is_its_发布时间_line":
        lambda t: _doc(t, NOTICE).date_published_basis.startswith("text: 发布时间"),
    "documents.notice_title_is_clean": lambda t: bool(
        _doc(t, NOTICE).title.startswith("关于向社会公开征求") and "【" not in _doc(t, NOTICE).title),
    "documents.explainer_text_excludes_the_notice": lambda t: "征求意见的公告" not in _doc(t, EXPLAINER).text,
    "documents.pricing_notice": lambda t: {k: _doc(t, "public-data-pricing-notice-2025")[k] for k in (
        "kind", "form", "date_effective")},
    "documents.issuing_notice_kind": lambda t: _doc(t, "notice-issuing-data-x-action-plan-2023").kind,
    # --- witnesses -----------------------------------------------------------------------------
    "witnesses.plan_scripts": lambda t: sorted(t["witnesses"].script[t["witnesses"].doc_id == PLAN]),
    "witnesses.plan_agreement_at_least_0.999":
        lambda t: bool(t["witnesses"].agreement[t["witnesses"].doc_id == PLAN].min() >= 0.999),
    "witnesses.draft_news_start_and_markup": lambda t: [
        int(_witness(t, "news-data-x-action-plan-draft-2023").char_start),
        int(_witness(t, "news-data-x-action-plan-draft-2023").removed_markup)],  # `# ` before 2 headline lines
    "witnesses.notice_has_its_own_markup": lambda t: bool(_witness(t, NOTICE).removed_markup > 0),
    # --- structure -----------------------------------------------------------------------------
    "structure.plan_parts": lambda t: len([p for p in _provisions(t, PLAN) if p.level == 1]),
    "structure.plan_items_n_first_last": lambda t: [len(_plan_items(t)), _plan_items(t)[0], _plan_items(t)[-1]],
    "structure.plan_sectors_n_first_last":
        lambda t: [len(_sectors(t, PLAN)), _sectors(t, PLAN)[0], _sectors(t, PLAN)[-1]],
    "structure.draft_parts_n_last_heading": lambda t: [
        len(parts := [p for p in _provisions(t, DRAFT) if p.level == 1]), parts[-1].heading],
    "structure.draft_sectors_n_first": lambda t: [len(_sectors(t, DRAFT)), _sectors(t, DRAFT)[0]],
    "structure.draft_has_sector_智慧城市": lambda t: "数据要素×智慧城市" in _sectors(t, DRAFT),
    "structure.explainer_top_labels": lambda t: [p.label for p in _provisions(t, EXPLAINER) if p.level == 1],
    "structure.explainer_at_least_24_sector_slides_all_under_part_3": lambda t: bool(
        len(s := [p for p in _provisions(t, EXPLAINER) if (p.heading or "").startswith("数据要素×") and p.level == 2])
        >= 24 and all(p.parent_id == "3" for p in s)),
    "structure.explainer_largest_part_below_0.7_of_text": lambda t: _explainer_largest_part_share(t) < 0.7,
    # --- concepts ------------------------------------------------------------------------------
    "concepts.plan_数据要素": lambda t: _concept_count(t, PLAN, "数据要素"),
    # --- targets -------------------------------------------------------------------------------
    "targets.draft_metrics": lambda t: _plan_metrics(t, DRAFT),
    "targets.plan_metrics": lambda t: _plan_metrics(t, PLAN),
    "targets.plan_and_draft_metric_deadlines": lambda t: sorted(set(
        t["targets"].deadline[t["targets"].doc_id.isin([DRAFT, PLAN]) & (t["targets"].kind == "metric")])),
    "target_changes.exchange_scale_goal_dropped": lambda t: int(
        ((_plan_target_changes(t).change == "dropped")
         & (_plan_target_changes(t).draft_metric == "场内交易规模大幅提升")).sum()),
    "target_changes.exchange_coordination_goal_added": lambda t: int(
        ((_plan_target_changes(t).change == "added")
         & (_plan_target_changes(t).final_metric == "场内交易与场外交易协调发展")).sum()),
    "target_changes.doubling_reworded": lambda t: [
        [c, float(v)] for c, v in _plan_target_changes(t).query(
            "draft_value_text == '增长1倍' and final_value_text == '倍增'")[["change", "final_value"]].itertuples(
                index=False)],
    # --- alignment and reuse -------------------------------------------------------------------
    "alignment.pair_ids": lambda t: sorted(set(t["alignment"].pair_id)),
    "reuse.quotation_原始数据不出域_found": lambda t: bool(
        ((t["reuse"]["type"] == "quotation") & (t["reuse"]["target_text"] == "原始数据不出域、数据可用不可见")).any()),
    "reuse_pairs.has_borrowing_and_not": lambda t: bool(
        t["reuse_pairs"]["is_borrowing"].any() and (~t["reuse_pairs"]["is_borrowing"]).any()),
    "documents.action_plan_policy": lambda t: sorted(
        t["documents"].loc[t["documents"]["policy_id"] == _doc(t, PLAN)["policy_id"], "doc_id"]),
    "reuse_pairs.explainer_final_direction": lambda t: [
        [r.source_doc_id, r.direction_basis, r.relation] for r in t["reuse_pairs"].itertuples()
        if {r.source_doc_id, r.target_doc_id} == {EXPLAINER, PLAN}],
    "citations.data_twenty_cited_by": lambda t: sorted(set(
        t["citations"].loc[t["citations"]["cited_doc_id"] == "data-twenty-articles-2022", "doc_id"])),
    "implementation.data_twenty_lags": lambda t: sorted(
        [r.doc_id, int(r.lag_days)] for r in t["implementation"].itertuples()
        if r.implemented_doc_id == "data-twenty-articles-2022"),
}


def _recorded() -> dict[str, dict]:
    """The facts recorded in snapshot.json (key -> {"about": ..., "value": ...})."""
    return {k: v for k, v in json.loads(SNAPSHOT.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def _plain(value: object) -> object:
    """A value as JSON gives it back (numpy scalars to Python, tuples to lists, NaN/NA to None)."""
    def default(o: object) -> object:
        if _null(o):
            return None
        return o.item() if hasattr(o, "item") else str(o)

    return json.loads(json.dumps(value, default=default, ensure_ascii=False))


def test_every_fact_is_recorded_and_described() -> None:
    """snapshot.json and FACTS name the same facts, and every recorded fact says what it is."""
    recorded = _recorded()
    assert sorted(recorded) == sorted(FACTS)
    assert all(isinstance(v, dict) and v.get("about") and "value" in v for v in recorded.values())


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(FACTS))
def test_fact(key: str, built) -> None:  # noqa: ANN001 - BuildResult fixture
    """A fact of the seed corpus equals its recorded value."""
    expected = _recorded()[key]["value"]
    assert _plain(FACTS[key](built.tables)) == expected, _recorded()[key]["about"]
