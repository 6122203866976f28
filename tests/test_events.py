"""The history a text states about itself: events, version date, effective date, enacting body."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.ingest.dates import header_events, text_dates, text_events
from policykit.ingest.documents import document_events, enacting_body

AMENDED = (
    "广东省某某条例\n\n"
    "2004年1月14日 广东省第十届人民代表大会常务委员会第八次会议通过\n\n"
    "2012年7月26日 广东省第十一届人民代表大会常务委员会第三十五次会议《关于修改〈广东省甲条例〉等二十三项法规的"
    "决定》第二次修正  2018年11月29日广东省第十三届人民代表大会常务委员会第七次会议修订  根据\n\n"
    "2022年11月30日 广东省第十三届人民代表大会常务委员会第四十七次会议《关于修改〈广东省乙条例〉\n\n"
    "〈广东省丙条例〉的决定》第三次修正）\n\n"
    "第一章 总则\n\n第一条 为了规范管理，制定本条例。\n\n"
    "第五十三条 本条例自2019年 3 月 1 日起施行。2001年1月1日通过的《广东省丁条例》同时废止。"
)


def test_every_event_of_a_header_however_its_lines_are_broken() -> None:
    """Two events on one line, a line broken in two, a line over 120 characters: every event is read."""
    events = text_events(AMENDED)
    assert [(e.event, e.date) for e in events] == [
        ("adopted", "2004-01-14"), ("amended", "2012-07-26"), ("revised", "2018-11-29"),
        ("amended", "2022-11-30"), ("effective", "2019-03-01")]
    assert {e.body for e in events[:4]} == {"广东省人民代表大会常务委员会"}
    for e in events:
        assert AMENDED[e.start:e.end] == e.text
    d = text_dates(AMENDED)
    assert (d.signed.date, d.effective.date) == ("2022-11-30", "2019-03-01")
    assert enacting_body(events, AMENDED) == "广东省人民代表大会常务委员会"


def test_promulgation_approval_and_effective_on_promulgation() -> None:
    """批准 is not a version; 自发布之日起施行 takes the first promulgation, or a later revision by decree."""
    text = ("某某办法\n\n1993年12月12日 国务院批准\n\n1993年12月23日 财政部令第6号发布\n\n"
            "2019年3月2日 《国务院关于修改部分行政法规的决定》第一次修订\n\n"
            "第一条 为了加强管理，制定本办法。\n\n第九条 本办法自发布之日起施行。")
    events = text_events(text)
    assert [(e.event, e.date, e.body) for e in events] == [
        ("approved", "1993-12-12", "国务院"), ("promulgated", "1993-12-23", "财政部"),
        ("revised", "2019-03-02", "国务院"), ("effective", "1993-12-23", None)]
    assert enacting_body(events, text) == "国务院"  # a ministry promulgated it after 国务院 approved it
    decree = text.replace("《国务院关于修改部分行政法规的决定》第一次修订", "中华人民共和国国务院令第700号修订")
    assert text_events(decree)[-1].date == "2019-03-02"  # a revision by decree promulgates the revised text
    assert text_dates(text.replace("2019年3月2日 《国务院关于修改部分行政法规的决定》第一次修订\n\n", "")
                      ).signed is None  # no adoption or revision: no version date, the promulgation orders it


def test_full_width_chinese_numerals_and_mixed_header_lines() -> None:
    """２０１２年, 二○○四年十月一日, a header 施行 line, and a header line with a promulgation and 施行."""
    text = ("某某规定\n\n２０１２年１２月３日 公安部部长办公会议通过\n\n２０１３年１月１日 施行\n\n"
            "1999年3月10日 海关总署发布 自1999年4月1日施行\n\n第一条 总则。\n\n第九条 本规定自二○○四年十月一日起施行。")
    events = text_events(text)
    assert [(e.event, e.date, e.body) for e in events] == [
        ("adopted", "2012-12-03", "公安部"), ("effective", "2013-01-01", None),
        ("promulgated", "1999-03-10", "海关总署"), ("effective", "1999-04-01", None),
        ("effective", "2004-10-01", None)]
    assert text_dates(text).effective.date == "2004-10-01"  # the text's own 施行 article comes first


def test_a_sentence_starting_with_a_date_is_no_event() -> None:
    """A news sentence (2023年12月15日，国家数据局发布…。) reports; dates in the body are not the header's."""
    assert header_events("标题\n\n2023年12月15日，国家数据局发布《计划》，旨在发挥作用。\n\n正文。") == []
    assert header_events("标题\n\n第一条 2020年1月1日通过的决定。") == []


def test_document_events_table_and_the_maker_sentence() -> None:
    """One row per event with stable ids; an empty header: the maker sentence names the issuer."""
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": [AMENDED, "某规定\n\n第一条 总则。"]})
    table = document_events(docs)
    assert list(table["event_id"]) == [f"a#{k}" for k in range(1, 6)]
    assert list(table["ord"]) == [1, 2, 3, 4, 5]
    text = ("某规定\n\n第九十三条 本规定自2022年5月1日起施行。本规定生效后，公安部以前制定的规定与本规定不一致的，"
            "以本规定为准。")
    assert enacting_body(text_events(text), text) == "公安部"


@pytest.fixture(scope="module")
def laws_section():
    """The laws evaluation (the gold files built from the archive), or a skip without the archive."""
    from policykit.evaluation import gold_dir, laws

    if laws.archive() is None:
        pytest.skip(f"the law corpus archive is not beside the repository ({laws.SKIPPED})")
    return laws.evaluate(None, gold_dir())


def _test_score(section, scope: str, label: str) -> float:
    row = section.scores[(section.scores["scope"] == scope) & (section.scores["label"] == label)]
    return float(row["test"].iloc[0])


@pytest.mark.slow  # builds the documents of the gold law files (more than the seed corpus)
@pytest.mark.parametrize(("label", "goal"), [
    ("version_date", 0.98),
    ("effective_date", 0.98),
    ("issuer", 0.95),
])
def test_law_documents_meet_the_goals_on_the_test_split(laws_section, label: str, goal: float) -> None:
    """Version date, effective date and issuer of the gold law files, test split."""
    assert _test_score(laws_section, "documents", label) >= goal


@pytest.mark.slow  # builds the documents of the gold law files (more than the seed corpus)
def test_law_events_precision_and_recall(laws_section) -> None:
    """Events (file, event, date) of the gold law files, test split."""
    assert _test_score(laws_section, "events", "precision") >= 0.95
    assert _test_score(laws_section, "events", "recall") >= 0.95


def test_preamble_sentence_ends_the_header() -> None:
    """A preamble (为规范…通过网络…，制定本规定。) is no history line: its 通过 is no adoption."""
    text = ("某规定\n\n2013年8月26日 最高人民法院审判委员会第1587次会议通过\n\n2013年8月29日 最高人民法院公告公布\n\n"
            "2013年9月2日 施行\n\n为规范人民法院通过网络查询存款的行为，提高执行效率，制定本规定。\n\n第一条 某某。")
    events = text_events(text)
    assert [(e.event, e.date, e.body) for e in events] == [
        ("adopted", "2013-08-26", "最高人民法院"), ("promulgated", "2013-08-29", None),
        ("effective", "2013-09-02", None)]
    assert text_dates(text).signed.date == "2013-08-26"


def test_comma_joint_adoption_bare_decree_and_weak_effect_lines() -> None:
    """…修正，该修正自…施行; two bodies' meetings then one 通过; a decree without its verb; 起生效."""
    amended = ("某解释\n\n2015年5月11日 最高人民法院审判委员会第1651次会议通过\n\n2021年4月7日 最高人民法院"
               "审判委员会第1835次会议《关于修改〈某解释〉的决定》修正，该修正自2021年4月15日施行\n\n第一条 某。")
    assert [(e.event, e.date) for e in text_events(amended)] == [
        ("adopted", "2015-05-11"), ("amended", "2021-04-07"), ("effective", "2021-04-15")]
    joint = ("某解释\n\n2010年1月18日 最高人民法院审判委员会第1483次会议、2010年1月14日最高人民检察院第十一届检察委员会"
             "第28次会议通过\n\n2010年2月4日 起生效）\n\n第一条 某。")
    assert [(e.event, e.date, e.body) for e in text_events(joint)] == [
        ("adopted", "2010-01-18", "最高人民法院"), ("adopted", "2010-01-14", "最高人民检察院"),
        ("effective", "2010-02-04", None)]
    assert text_dates(joint).signed.date == "2010-01-18"
    decree = "某细则\n\n2017年11月22日 中华人民共和国国务院令第692号\n\n第一条 某。\n\n第九条 本细则自公布之日起施行。"
    assert [(e.event, e.date, e.body) for e in text_events(decree)] == [
        ("promulgated", "2017-11-22", "国务院"), ("effective", "2017-11-22", None)]
    meeting_only = "某解释\n\n2018年2月23日 最高人民法院审判委员会第1734次会议\n\n第一条 某。"
    assert text_dates(meeting_only).published is None  # a meeting named without its verb publishes nothing


def test_entry_into_force_wordings() -> None:
    """实行, 零时, 由…通过，自…, 批准之日, a mistyped l for 1: each is the text's own entry into force."""
    def effective(last: str, head: str = "1980年5月9日 国务院批准") -> str | None:
        return text_dates(f"某规定\n\n{head}\n\n第一条 某。\n\n{last}").effective.date
    assert effective("七、本规定自一九五七年六月一日起实行。") == "1957-06-01"
    assert effective("第一百二十四条 本规则自2001年8月1日零时起施行。") == "2001-08-01"
    assert effective("第七十四条 本法由全国人民代表大会通过，自1984年10月1日起施行。") == "1984-10-01"
    assert effective("七、本规定自国务院批准之日起施行。") == "1980-05-09"
    assert effective("第三十条 本办法自1995年8月l日起施行。") == "1995-08-01"


def test_bodies_of_courts_short_congress_names_and_office_meetings() -> None:
    """审判委员会 / 检察委员会 meetings, 人大常委会, a congress without 届, 室务会议 with a year."""
    from policykit.ingest.dates import clause_body

    assert clause_body("最高人民检察院第十三届检察委员会第十一次会议通过", "adopted") == "最高人民检察院"
    assert clause_body("（最高人民法院审判委员会第1237次会议、最高人民检察院第九届检察委员会第109次会议通过",
                       "adopted") == "最高人民法院、最高人民检察院"
    assert clause_body(" 北京市第九届人大常委会第三十一次会议通过", "adopted") == "北京市人民代表大会常务委员会"
    assert clause_body(" 全国人民代表大会常务委员会第九十一次会议通过", "adopted") == "全国人民代表大会常务委员会"
    assert clause_body(" 国家互联网信息办公室2021年第20次室务会议审议通过", "adopted") == "国家互联网信息办公室"
    assert clause_body(" 由最高人民法院审判委员会第1746次会议通过", "adopted") == "最高人民法院"
