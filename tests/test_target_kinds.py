"""Tests of the target-kind decision tables: one tiny sentence per rule, asserting the rule that fires."""

from __future__ import annotations

import pytest

from policykit import config
from policykit.analysis.target_kinds import (
    CYCLE_RULES,
    DATED_RULES,
    UNDATED_RULES,
    Case,
    Rule,
    classify,
    decide,
    describe,
)
from policykit.analysis.targets import (
    COMMENT_CUE_RE,
    CYCLE_RE,
    FORECAST_CUES,
    find_anchors,
    find_quantities,
    sentence_rows,
    undated_case,
)
from policykit.schema import table


def _rules(sentence: str, doc_kind: str, ref_year: int | None, doc_date: str | None) -> list[Rule]:
    """The rules that fire for a sentence: per date (with a number if it has one), else per figure and cycle."""
    anchors = find_anchors(sentence, doc_date, doc_date)
    quantities = find_quantities(sentence)
    cue = bool(FORECAST_CUES.search(sentence))
    if anchors:
        comment = bool(COMMENT_CUE_RE.search(sentence))
        return [decide(DATED_RULES, Case(doc_kind, a.role, a.year, ref_year, cue, bool(quantities),
                                         consultation=comment))
                for a in anchors]
    fired = [decide(UNDATED_RULES, undated_case(sentence, q, doc_kind, cue)) for q in quantities]
    return fired + [decide(CYCLE_RULES, Case(doc_kind)) for _m in CYCLE_RE.finditer(sentence)]


CASES = [  # (rule, sentence, document kind, document year, document date)
    ("case_narrative", "尚未竣工的一套房屋限于2020年10月31日前履行。", "case", 2022, None),
    ("recurring_in_report", "每年3月底前报送上一年度经营情况报告。", "report", 2024, None),
    ("recurring", "每年3月底前，授权主体向数据管理部门报送上一年度经营情况报告。", "notice", 2025, None),
    ("comment", "征求意见的时间为2023年12月16日至2023年12月22日。", "news", 2023, "2023-12-15"),
    ("consultation_deadline", "请于2023年12月22日前反馈意见。", "news", 2023, "2023-12-15"),
    ("effective_in_report", "该办法自2024年1月1日起施行。", "report", 2024, None),
    ("effective", "本办法自2025年1月1日起施行。", "policy", 2024, None),
    ("as_of_figure", "截至2023年底，数据企业超过19万家。", "report", 2024, None),
    ("as_of_words", "截至2023年底，各项工作进展顺利。", "report", 2024, None),
    ("past_deadline_figure", "到2020年，数据产业规模达到1万亿元。", "policy", 2024, None),
    ("past_deadline_words", "到2020年，基本建成数据市场体系。", "policy", 2024, None),
    ("deadline_predicted", "到2026年，数据产业规模达到2万亿元。", "report", 2024, None),
    ("deadline_figure", "到2026年底，数据产业年均增速超过20%。", "policy", 2024, None),
    ("deadline_words", "到2026年底，数据要素应用广度和深度大幅拓展。", "policy", 2024, None),
    ("past_date_figure", "2023年数据产业规模为2万亿元。", "news", 2024, None),
    ("past_date_words", "2023年数据工作稳步推进。", "news", 2024, None),
    ("date_predicted", "2025年数据产业规模预计为3万亿元。", "news", 2024, None),
    ("report_later_figure", "2025年数据产业规模为3万亿元。", "report", 2024, None),
    ("report_figure", "2025年数据产业规模为3万亿元。", "report", None, None),
    ("other_date", "2025年数据产业规模为3万亿元。", "policy", 2024, None),
    ("report_prediction", "数据产业规模预计增长20%。", "report", 2024, None),
    ("report_passage_figure", "数据企业超过19万家。", "report", 2024, None),
    ("issuer_count", "17部门联合印发行动计划。", "news", 2024, "2024-01-15"),
    ("time_limit", "行政机关应当自受理之日起十五日内作出决定。", "policy", 2024, None),
    ("range_or_fine", "违反本条例规定的，处一千元以上一万元以下罚款。", "policy", 2024, None),
    ("quantitative_rule", "上浮幅度不超过10%。", "policy", 2024, None),
    ("other_figure", "打造300个典型应用场景。", "news", 2024, None),
    ("cycle", "授权主体每两年开展一次评估。", "notice", 2025, None),
    ("other_cycle", "授权主体每两年开展一次评估。", "news", 2025, None),
]


def test_every_rule_has_a_sentence() -> None:
    """Each rule of the three tables is exercised below, and rule names are unique within a table."""
    for rules in (DATED_RULES, UNDATED_RULES, CYCLE_RULES):
        names = [r.name for r in rules]
        assert len(names) == len(set(names))
    assert {name for name, *_ in CASES} == {r.name for t in (DATED_RULES, UNDATED_RULES, CYCLE_RULES) for r in t}


@pytest.mark.parametrize(("name", "sentence", "doc_kind", "ref_year", "doc_date"), CASES, ids=[c[0] for c in CASES])
def test_rule_that_fires(name: str, sentence: str, doc_kind: str, ref_year: int | None, doc_date: str | None) -> None:
    """The sentence fires the named rule, and the extracted rows are of that rule's kind (none if None)."""
    (rule,) = _rules(sentence, doc_kind, ref_year, doc_date)
    assert rule.name == name
    kinds = {r["kind"] for r in sentence_rows(sentence, doc_kind, ref_year, doc_date)}
    assert kinds == ({rule.kind} if rule.kind else set())


def test_kinds_come_from_the_registry() -> None:
    """Every kind a rule gives is a registered target kind, and every registered kind is given by some rule."""
    given = {r.kind for t in (DATED_RULES, UNDATED_RULES, CYCLE_RULES) for r in t if r.kind}
    assert given == set(table("targets").values("kind"))


def test_tables_end_with_a_catch_all() -> None:
    """Every table ends with an unconditional rule giving no row, so decide never falls through."""
    for rules in (DATED_RULES, UNDATED_RULES, CYCLE_RULES):
        assert rules[-1].condition == () and rules[-1].kind is None


def test_first_match_order_matters() -> None:
    """A past deadline with a number in a report is a fact, not a forecast: the earlier rule wins."""
    assert classify("deadline", 2023, "report", 2024, True, True) == "reported_fact"
    assert classify("deadline", 2025, "report", 2024, True, True) == "forecast"
    assert classify("deadline", 2025, "policy", 2024, True, True) == "metric"  # a policy does not predict


PLAN_GOAL = (
    "到2026年底，数据要素应用广度和深度大幅拓展，打造300个以上示范性强、显示度高、带动性广的典型应用场景，"
    "数据产业年均增速超过20%，场内交易与场外交易协调发展，数据交易规模倍增。"
)


def rows(sentence: str, kind: str = "policy", year: int | None = 2024, date: str | None = None) -> list[dict]:
    """Rows of one sentence in a document of the given kind and year."""
    return sentence_rows(sentence, kind, year, date)


def test_report_forecast_is_not_a_goal() -> None:
    """Report '预计到2025年，我国数据产量将达到…' -> forecast, never goal or metric."""
    (r,) = rows("预计到2025年，我国数据产量将达到5万亿元。", "report", 2023)
    assert (r["kind"], r["value"], r["unit"], r["metric"]) == ("forecast", 5, "万亿元", "我国数据产量")
    (r,) = rows("到2030年大模型使用的绝大部分数据都将由人工智能合成。", "report", 2023)
    assert r["kind"] == "forecast"


def test_report_never_has_goals() -> None:
    """A report restating '到2026年底，…300个以上…' -> no goal or metric rows."""
    assert {r["kind"] for r in rows(PLAN_GOAL, "report", 2024)} <= {"forecast", "reported_fact"}


def test_past_dates_in_policy() -> None:
    """Policy of 2024: '到2022年，已建成…' gives nothing; '2022年…达到12个' -> reported_fact."""
    assert rows("到2022年，已建成数据平台。", "policy", 2024) == []
    (r,) = rows("2022年，全国数据交易机构达到12家。", "policy", 2024)
    assert r["kind"] == "reported_fact"


def test_past_dates_are_never_forecasts() -> None:
    """A news item of 2024: '2022年预计增长…' is a fact of 2022, not a forecast."""
    (r,) = rows("2022年，数据交易规模预计增长20%。", "news", 2024)
    assert r["kind"] == "reported_fact"


def test_codebook_shows_the_decision_tables() -> None:
    """docs/codebook.md's appendix holds the tables exactly as describe() renders them from the code."""
    codebook = (config.ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    shown = codebook.split("<!-- decision tables: begin -->\n", 1)[1].split("<!-- decision tables: end -->", 1)[0]
    assert shown == describe()
