"""Tests of the targets stage: extraction of rows from sentences, their dates, metric words, ids and provisions."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit import config
from policykit.analysis.targets import (
    build_targets,
    extract_targets,
    find_anchors,
    find_quantities,
    sentence_rows,
)
from policykit.errors import InputError
from policykit.publish.tables import conform
from policykit.schema import table

PLAN_GOAL = (
    "到2026年底，数据要素应用广度和深度大幅拓展，打造300个以上示范性强、显示度高、带动性广的典型应用场景，"
    "数据产业年均增速超过20%，场内交易与场外交易协调发展，数据交易规模倍增。"
)


def rows(sentence: str, kind: str = "policy", year: int | None = 2024, date: str | None = None) -> list[dict]:
    """Rows of one sentence in a document of the given kind and year."""
    return sentence_rows(sentence, kind, year, date)


def one_provision(text: str) -> pd.DataFrame:
    """Return a provisions table with the whole text as provision 1."""
    return pd.DataFrame({"doc_id": ["d"], "provision_id": ["1"], "level": [1],
                         "char_start": [0], "char_end": [len(text)]})


def test_policy_goal_sentence_gives_one_row_per_clause() -> None:
    """The plan's goal sentence -> a row per clause: metrics 300个以上, 超过20%, 倍增 and 2 goals, by 2026-12-31."""
    out = rows(PLAN_GOAL, "policy", 2023)
    assert [r["kind"] for r in out] == ["goal", "metric", "metric", "goal", "metric"]
    assert {r["deadline"] for r in out} == {"2026-12-31"}
    assert {r["as_of"] for r in out} == {None}
    assert {r["deadline_text"] for r in out} == {"到2026年底"}
    metrics = [r for r in out if r["kind"] == "metric"]
    assert [(r["value"], r["unit"], r["comparator"]) for r in metrics] == [
        (300, "个", ">="), (20, "%", ">"), (2, "倍", "=")]
    assert [r["metric"] for r in out] == [
        "数据要素应用广度和深度大幅拓展", "打造示范性强、显示度高、带动性广的典型应用场景", "数据产业年均增速",
        "场内交易与场外交易协调发展", "数据交易规模"]


def test_draft_sentence_matches_final_value() -> None:
    """Draft '数据交易规模增长1倍' and final '倍增' -> both 2 倍, kind metric."""
    draft = rows("到2026年底，数据产业年均增速超过20%，数据交易规模增长1倍。", "draft", 2023)
    assert [(r["kind"], r["metric"], r["value"], r["unit"]) for r in draft] == [
        ("metric", "数据产业年均增速", 20, "%"), ("metric", "数据交易规模", 2, "倍")]


def test_goal_without_quantity() -> None:
    """'到2027年底，A，B，为…提供坚强保障。' -> a goal row per clause; the purpose clause is none."""
    out = rows("到2027年底，数据流通安全治理体系基本构建，治理效能显著提升，为释放数据价值提供坚强保障。",
               "policy", 2024)
    assert [(r["kind"], r["deadline"], r["value"]) for r in out] == [("goal", "2027-12-31", None)] * 2
    assert [r["metric"] for r in out] == ["数据流通安全治理体系基本构建", "治理效能显著提升"]


@pytest.mark.parametrize(("sentence", "deadline", "text"), [
    ("2025年底前，完成数据资源目录编制。", "2025-12-31", "2025年底前"),
    ("到“十四五”时期末，建成全国一体化数据市场。", "2025-12-31", "到“十四五”时期末"),
    ("到2027年6月，平台全面上线。", "2027-06-30", "到2027年6月"),
])


def test_deadline_forms(sentence: str, deadline: str, text: str) -> None:
    """'2025年底前，…' -> goal due 2025-12-31, deadline_text kept as written."""
    (r,) = rows(sentence, "policy", 2024)
    assert (r["kind"], r["deadline"], r["deadline_text"]) == ("goal", deadline, text)


def test_effective_date() -> None:
    """'本通知自2025年3月1日起施行。' -> effective_date 2025-03-01; 自印发之日起施行 -> document date."""
    (r,) = rows("本通知自2025年3月1日起施行。", "notice", 2025, "2025-01-20")
    assert (r["kind"], r["deadline"]) == ("effective_date", "2025-03-01")
    (r,) = rows("本意见自印发之日起施行。", "policy", 2024, "2024-09-21")
    assert (r["kind"], r["deadline"]) == ("effective_date", "2024-09-21")
    assert r["deadline_text"] == "自印发之日起施行"


def test_recurring_reporting_deadline() -> None:
    """'每年3月底前…报送…' -> reporting_deadline with a null deadline and the text kept."""
    (r,) = rows("每年3月底前，授权主体向数据管理部门报送上一年度经营情况报告。", "notice", 2025)
    assert (r["kind"], r["deadline"], r["deadline_text"]) == ("reporting_deadline", None, "每年3月底前")


def test_report_past_statistics_are_reported_facts() -> None:
    """Report '2022年我国数据产量达8.1ZB' -> reported_fact dated 2022-12-31; '截至2023年底…' too."""
    (r,) = rows("2022年我国数据产量达8.1ZB。", "report", 2023)
    assert (r["kind"], r["as_of"], r["deadline"]) == ("reported_fact", "2022-12-31", None)
    assert (r["value"], r["unit"]) == (8.1, "ZB")
    out = rows("截至2023年底，全国数据存储总量为1.73ZB，较2022年增长3.7个百分点。", "report", 2024)
    assert [(r["kind"], r["as_of"], r["unit"]) for r in out] == [
        ("reported_fact", "2023-12-31", "ZB"), ("reported_fact", "2023-12-31", "个百分点")]


def test_deadline_used_as_attribute_is_skipped() -> None:
    """News '明确了到2026年底的工作目标。' -> no rows."""
    assert rows("明确了到2026年底的工作目标。", "news", 2024) == []


def test_undated_caps_thresholds_and_cycles_are_rules() -> None:
    """'…加不超过6个百分点确定。' (no date) -> rule 6 个百分点 <=; a count without a comparator -> nothing."""
    (r,) = rows("准许利润率按照国债平均收益率加不超过6个百分点确定。", "notice", 2025)
    assert (r["kind"], r["value"], r["unit"], r["comparator"], r["deadline"]) == ("rule", 6, "个百分点", "<=", None)
    (r,) = rows("价格调整周期原则上不超过3年。", "notice", 2025)
    assert (r["kind"], r["value"], r["unit"], r["comparator"]) == ("rule", 3, "年", "<=")
    assert rows("遴选20个典型案例。", "policy", 2025) == []
    assert rows("价格调整周期原则上不超过3年。", "news", 2025) == []  # news restates, it does not rule


@pytest.mark.parametrize(("sentence", "as_of"), [
    ("截至2023年底，全国已有27个省级大数据管理机构。", "2023-12-31"),
    ("自2015年国务院印发《促进大数据发展行动纲要》以来，已有22个省出台条例。", "2024-10-01"),
    ("2024年，33家上市公司在半年报中披露了数据资源入表金额。", "2024-06-30"),
    ("截至目前，已有10家企业参与。", "2024-10-01"),
    ("2023年1月至8月，全国数据交易额达到100亿元。", "2023-08-31"),
    ("全国已有超过20个数据交易场所。", "2024-10-01"),
])


def test_as_of_dates_of_reported_facts(sentence: str, as_of: str) -> None:
    """A report dated 2024-10-01: 自…以来 and 截至目前 are as of that date, 半年报 30 June, 1月至8月 31 August."""
    (r,) = rows(sentence, "report", 2024, "2024-10-01")
    assert (r["kind"], r["as_of"], r["deadline"]) == ("reported_fact", as_of, None)


def test_comment_period_and_effective_forms() -> None:
    """征求意见的时间为…至… -> comment_period due on the last day; 本条例自…起正式施行 -> effective_date."""
    (r,) = rows("征求意见的时间为2023年12月16日至2023年12月22日。", "news", 2023, "2023-12-15")
    assert (r["kind"], r["deadline"]) == ("comment_period", "2023-12-22")
    for subject in ("本法", "本条例", "本办法", "本规定", "本通知"):
        (r,) = rows(f"{subject}自2025年1月1日起正式施行。", "policy", 2024)
        assert (r["kind"], r["deadline"]) == ("effective_date", "2025-01-01")


def test_extract_targets_ids_provisions_and_carry_over() -> None:
    """A deadline line over bullet items -> rows on the items; ids doc:provision:n; innermost provision."""
    text = ("总体目标\n到2026年底\n数据要素应用大幅拓展\n8\n打造300个以上典型场景\n"
            "数据产业年均增速超过20%\n二、任务\n推进试点。")
    cut = text.index("二、")
    provisions = pd.DataFrame({
        "doc_id": ["d"] * 3, "provision_id": ["1", "1.1", "2"], "level": [1, 2, 1],
        "char_start": [0, text.index("到"), cut], "char_end": [cut, cut, len(text)],
    })
    out = extract_targets("d", "interpretation", "2023-12-15", text, provisions)
    assert [(r["target_id"], r["kind"], r["value"]) for r in out] == [
        ("d:1.1:1", "goal", None), ("d:1.1:2", "metric", 300), ("d:1.1:3", "metric", 20)]
    assert all(text[r["char_start"]:r["char_end"]] == r["sentence"] for r in out)
    assert {r["deadline"] for r in out} == {"2026-12-31"}


def test_semicolon_clauses_share_the_deadline() -> None:
    """'到2025年，A；培育100家企业。' -> the second clause's quantity is due 2025-12-31."""
    text = "到2025年，数据制度基本建立；培育100家数据企业。"
    out = extract_targets("d", "policy", "2024-01-01", text, one_provision(text))
    assert [(r["kind"], r["deadline"], r["value"]) for r in out] == [
        ("goal", "2025-12-31", None), ("metric", "2025-12-31", 100)]


def test_bad_input() -> None:
    """An unknown document kind or a missing column -> InputError naming the table."""
    with pytest.raises(InputError, match="table documents"):
        extract_targets("d", "memo", None, "甲。", one_provision("甲。"))
    with pytest.raises(InputError, match="table provisions"):
        build_targets(pd.DataFrame({"doc_id": ["d"], "kind": ["policy"], "date": [None], "text": ["甲。"]}),
                      pd.DataFrame({"doc_id": ["d"]}))


def test_build_targets_columns_and_determinism() -> None:
    """Two inline documents -> exactly the registered columns, sorted by target_id, same output twice."""
    docs = pd.DataFrame({"doc_id": ["b", "a"], "kind": ["policy", "report"], "date": ["2024-01-01", None],
                         "text": [PLAN_GOAL, "截至2023年底，全国数据存储总量为1.73ZB。"]})
    pairs = zip(docs.doc_id, docs.text, strict=True)
    provisions = pd.concat([one_provision(text).assign(doc_id=doc_id) for doc_id, text in pairs])
    first = build_targets(docs, provisions)
    assert list(first.columns) == table("targets").columns
    assert list(first.target_id) == ["a:1:1", "b:1:1", "b:1:2", "b:1:3", "b:1:4", "b:1:5"]
    pd.testing.assert_frame_equal(first, build_targets(docs, provisions))
    conform(first, "targets")


@pytest.mark.slow


def test_corpus_reports_have_no_goals(built) -> None:  # noqa: ANN001 - BuildResult fixture
    """In the built corpus, report documents have forecasts and reported facts only.

    (The metric targets of the final plan and its draft are facts in tests/snapshot.json.)
    """
    documents = built.tables["documents"]
    targets = built.tables["targets"].merge(documents[["doc_id", "kind"]], on="doc_id", suffixes=("", "_doc"))
    reports = targets[targets.kind_doc == "report"]
    assert len(reports) > 0
    assert set(reports.kind) <= {"forecast", "reported_fact"}


def test_cycles_and_issuer_counts() -> None:
    """每年…调整 in a notice -> rule 1 年; 17部门联合印发 -> a reported fact, undated without a present word."""
    (r,) = rows("授权主体每年指导其合理调整收费标准。", "notice", 2025)
    assert (r["kind"], r["value"], r["unit"]) == ("rule", 1, "年")
    (r,) = rows("17部门联合印发行动计划。", "news", 2024, "2024-01-15")
    # no present word: undated (codebook 8.4)
    assert (r["kind"], r["value"], r["unit"], r["as_of"]) == ("reported_fact", 17, "部门", None)


def test_forecast_over_a_span_of_years() -> None:
    """'将于2030—2040年耗尽' in a report -> forecast due at the end of the span; a plan's (2024—2026年) is no date."""
    (r,) = rows("据专家预测，语言数据将于2030—2040年耗尽。", "report", 2023)
    assert (r["kind"], r["deadline"]) == ("forecast", "2040-12-31")
    assert find_anchors("三年行动计划（2024—2026年）") == []


def test_a_date_of_another_sentence_never_dates_a_fact() -> None:
    """'2024年，33家…半年报…。从半年报看，北京公司达13家。' -> 33 as of 2024-06-30; 13 undated (codebook 8.4)."""
    text = "2024年，33家上市公司在半年报中披露了入表金额。从半年报看，北京公司数量达13家。"
    out = extract_targets("d", "report", None, text, one_provision(text))
    assert [(r["value"], r["as_of"], r["as_of_basis"]) for r in out] == [(33, "2024-06-30", "stated"), (13, None, None)]
    (r,) = extract_targets("d", "report", None, "北京公司数量达13家。", one_provision("北京公司数量达13家。"))
    assert r["as_of"] is None  # an undated report: the year is never guessed


def test_present_words_take_the_document_time_with_their_basis() -> None:
    """目前/已有 -> the document's date, else its lower bound; 自2015年…以来 -> since 2015-01-01, never as-of 2015."""
    text = "自2015年实施国家大数据战略以来，我国已有22个省级行政区出台条例。目前，全国共有8家交易所。"
    dated = extract_targets("d", "report", "2024-05-01", text, one_provision(text))
    assert [(r["as_of"], r["as_of_basis"], r["since"]) for r in dated] == [
        ("2024-05-01", "document_date", "2015-01-01"), ("2024-05-01", "document_date", None)]
    bounded = extract_targets("d", "report", None, text, one_provision(text), lower_bound="2024-09-10")
    assert [(r["as_of"], r["as_of_basis"]) for r in bounded] == [("2024-09-10", "document_lower_bound")] * 2
    bare = extract_targets("d", "report", None, text, one_provision(text))
    assert [(r["as_of"], r["as_of_basis"], r["since"]) for r in bare] == [
        (None, None, "2015-01-01"), (None, None, None)]


def test_time_limits_and_fines_in_a_regulation() -> None:
    """十五日内作出决定 -> time_limit 15 日 <=; 处一千元以上一万元以下罚款 -> rule between 1000 and 10000 元."""
    text = "行政机关应当自受理之日起十五日内作出决定。违反本条例规定的，处一千元以上一万元以下罚款。"
    out = extract_targets("d", "policy", None, text, one_provision(text))
    assert [(r["kind"], r["value"], r["unit"], r["comparator"], r["value_low"], r["value_high"], r["metric"])
            for r in out] == [("time_limit", 15, "日", "<=", None, 15, "作出决定"),
                              ("rule", None, "元", "between", 1000, 10000, "处罚款")]


def test_deadline_heading_reaches_unnumbered_lines_until_a_new_list() -> None:
    """A deadline line, goal lines parsed as unnumbered provisions, a heading over '1. …' -> goals above it only."""
    text = "到2026年底\n数据产业繁荣\n涌现出一批示范地区\n数据要素×智能制造\n1. 创新研发模式\n支持企业融合数据。"
    cuts = [text.index(s) for s in ("涌现", "1.")]
    provisions = pd.DataFrame({"doc_id": ["d"] * 3, "provision_id": ["1", "2", "3"], "level": [1, 1, 1],
                               "label": ["", "", "1."], "char_start": [0, *cuts],
                               "char_end": [cuts[0], cuts[1], len(text)]})
    out = extract_targets("d", "interpretation", "2023-12-15", text, provisions)
    assert [(r["kind"], r["metric"]) for r in out] == [("goal", "数据产业繁荣"), ("goal", "涌现出一批示范地区")]


def test_thresholds_and_bases_inside_another_figure() -> None:
    """'注册资本金在1000万元以上的占67%' -> only 67%; '在全部31个省中，25个…' -> only 25; 接近半数 -> < 50 %."""
    assert [q.value for q in find_quantities("其中注册资本金在1000万元以上的占67%")] == [67]
    assert [q.value for q in find_quantities("在全部31个省（区、市）中，25个机构是新设的")] == [25]
    (q,) = find_quantities("成立时间不超过10年的接近半数")
    assert (q.value, q.unit, q.comparator) == (50, "%", "<")
    assert find_quantities("实现数据价值倍增") == [] and find_quantities("近三年年均") == []


def test_metric_keeps_its_subject_and_drops_the_label() -> None:
    """'…产业规模大幅跃升，年均复合增长率超过20%' -> 数据标注产业规模年均复合增长率; labels stay out of metrics."""
    out = rows("到2027年，数据标注产业规模大幅跃升，年均复合增长率超过20%。", "policy", 2025)
    assert [r["metric"] for r in out] == ["数据标注产业规模大幅跃升", "数据标注产业规模年均复合增长率"]
    (r,) = rows("2023年，我国新增数据存储量为0.95ZB，占生产总量的比例为2.9%。", "report", 2024)[1:]
    assert r["metric"] == "我国新增数据存储量占生产总量的比例"
    (r,) = rows("（三）到2026年底，培育100家数据企业。", "policy", 2024)
    assert r["metric"] == "培育数据企业"


def _external_law(name: str) -> str:
    """Text of one file of the external law corpus (shared/external/laws-dev.tar.xz), or skip."""
    import tarfile

    candidates = [config.ROOT.parent / "shared", config.ROOT.parent.parent / "shared"]
    archive = next((c / "external" / "laws-dev.tar.xz" for c in candidates
                    if (c / "external" / "laws-dev.tar.xz").is_file()), None)
    if archive is None:
        pytest.skip("external law corpus not available")
    with tarfile.open(archive, "r:xz") as tar:
        member = tar.extractfile(f"./{name}")
        assert member is not None
        return member.read().decode("utf-8")


def test_a_regulation_it_was_not_written_for() -> None:
    """基金会管理条例 (2004), a text the rules were not written on: dates, shares and terms come out right.

    Its effective date, its recurring report, its spending floors and cap and its majority as rules, its
    terms of office, and no goal, metric or forecast in a text that sets no dated target.
    """
    text = _external_law("行政法规/基金会管理条例(2004-03-08).md")
    out = pd.DataFrame(extract_targets("law", "policy", "2004-03-08", text, one_provision(text)))
    effective = out[out.kind == "effective_date"]
    assert list(effective.deadline) == ["2004-06-01"] and effective.sentence.str.contains("本条例").all()
    assert list(out[out.kind == "reporting_deadline"].deadline_text) == ["每年3月31日前"]
    floors = out[(out.kind == "rule") & (out.unit == "%")]
    assert sorted(zip(floors.value, floors.comparator, strict=True)) == [(8, ">="), (10, "<="), (50, ">"), (70, ">=")]
    assert ("不得超过5年", "<=") in set(zip(out.value_text, out.comparator, strict=True))
    assert not set(out.kind) & {"goal", "metric", "forecast"}


def test_time_effect_clauses_are_rules_not_goals() -> None:
    """2015年5月1日前尚未审结…适用修改前的… and 本解释施行后…适用本解释 -> one rule each, no goal; 自…起施行 stays."""
    text = ("2015年5月1日前尚未审结案件的审理期限，适用修改前的行政诉讼法关于审理期限的规定。"
            "本解释施行后尚未审结的案件，适用本解释。本解释自2015年5月1日起施行，原解释同时废止。")
    out = extract_targets("d", "policy", "2015-04-20", text, one_provision(text))
    assert [r["kind"] for r in out] == ["rule", "rule", "effective_date"]
    assert out[0]["deadline"] is None and out[2]["deadline"] == "2015-05-01"
