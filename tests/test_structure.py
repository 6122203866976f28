"""Tests of the structure stage: sentences and provisions."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.errors import InputError
from policykit.ingest.structure import build_provisions, parse_provisions, split_sentences
from policykit.schema import table


def sentences(text: str) -> list[str]:
    """The sentences of text as strings."""
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentence_ends() -> None:
    """'甲。乙！丙？丁；戊' -> five sentences, the marks kept with their sentence."""
    assert sentences("甲。乙！丙？丁；戊") == ["甲。", "乙！", "丙？", "丁；", "戊"]


def test_closing_quote_stays_with_sentence() -> None:
    """'他说：“数据是要素……。”然后走了。' -> the quote closes the first sentence."""
    assert sentences("他说：“数据是要素……。”然后走了。") == ["他说：“数据是要素……。”", "然后走了。"]


def test_no_split_inside_brackets() -> None:
    """End marks inside 《…》 and （…） (not at their end) do not split."""
    got = sentences("印发《关于A。B的意见》。完善（含C；D）机制。")
    assert got == ["印发《关于A。B的意见》。", "完善（含C；D）机制。"]


def test_line_ends_split_and_whitespace_excluded() -> None:
    r"""'  指导思想\n\n以……为指导。 ' -> two spans without the surrounding whitespace."""
    text = "  指导思想\n\n以习近平新时代中国特色社会主义思想为指导。 "
    assert sentences(text) == ["指导思想", "以习近平新时代中国特色社会主义思想为指导。"]
    assert split_sentences(text)[0] == (2, 6)


def test_numbers_do_not_split() -> None:
    """'到2026年底，增长1.5倍。' is one sentence: the decimal point is no sentence end."""
    assert sentences("到2026年底，增长1.5倍。") == ["到2026年底，增长1.5倍。"]


def test_unclosed_bracket_is_closed_by_line_end() -> None:
    """An opening bracket left open does not swallow the next line."""
    assert sentences("甲（乙。丙\n丁。") == ["甲（乙。丙", "丁。"]


def test_empty_and_blank() -> None:
    """Empty or blank text has no sentences."""
    assert split_sentences("") == []
    assert split_sentences(" \u3000\n\t") == []


# --- provisions -----------------------------------------------------------------------------------

def outline(text: str) -> list[tuple[str, str, str | None]]:
    """(provision_id, label, heading) of each provision of text."""
    return [(p.provision_id, p.label, p.heading) for p in parse_provisions(text)]


def assert_lossless(text: str) -> None:
    """Spans are disjoint, in order, and cover every non-whitespace character exactly once."""
    covered = [False] * len(text)
    last = 0
    for p in parse_provisions(text):
        assert last <= p.char_start < p.char_end, (p, last)
        assert not text[p.char_start].isspace() and not text[p.char_end - 1].isspace()
        for i in range(p.char_start, p.char_end):
            covered[i] = True
        last = p.char_end
    assert all(covered[i] or c.isspace() for i, c in enumerate(text))


def test_parts_items_and_inline_lead_headings() -> None:
    """'标题 / 一、总则 / （一）统筹推进政务数据共享。完善…… / 二、保障' -> 0, 1, 1.1, 2."""
    text = ("关于某事的意见\n\n一、总则\n\n（一）统筹推进政务数据共享。完善政务数据目录。\n\n"
            "（二）有序开放。依法开放。\n\n二、保障\n\n加强领导。")
    assert outline(text) == [
        ("0", "", None), ("1", "一、", "总则"), ("1.1", "（一）", "统筹推进政务数据共享"),
        ("1.2", "（二）", "有序开放"), ("2", "二、", "保障"),
    ]
    provisions = parse_provisions(text)
    assert [p.level for p in provisions] == [0, 1, 2, 2, 1]
    assert [p.parent_id for p in provisions] == [None, None, "1", "1", None]
    assert provisions[4].text_of(text) == "二、保障\n\n加强领导。"
    assert_lossless(text)


def test_heading_on_own_line_and_continuous_item_numbers() -> None:
    """'（十二）数据要素×应急管理' alone on its line is a heading; items keep counting across parts."""
    text = "一、重点行动\n（十一）数据要素×医疗健康\n提升便捷度。\n二、保障\n（十二）数据要素×应急管理\n提升效率。"
    assert outline(text) == [
        ("1", "一、", "重点行动"), ("1.1", "（十一）", "数据要素×医疗健康"),
        ("2", "二、", "保障"), ("2.1", "（十二）", "数据要素×应急管理"),
    ]


def test_half_width_brackets_and_sub_items() -> None:
    """'(一)' is （一）; '1.' and '（1）' nest below it; '（一）发展现状。' alone gives heading 发展现状."""
    text = ("一、总体\n(一)发展现状。\n正文。\n1.指导思想。\n正文。\n"
            "（1）细则甲。正文。\n（2）细则乙\n2.基本原则。正文。")
    assert outline(text) == [
        ("1", "一、", "总体"), ("1.1", "（一）", "发展现状"), ("1.1.1", "1.", "指导思想"),
        ("1.1.1.1", "（1）", "细则甲"), ("1.1.1.2", "（2）", "细则乙"), ("1.1.2", "2.", "基本原则"),
    ]


def test_level_is_relative_to_the_document() -> None:
    """A document numbering its parts 1、2、 has them at level 1, bare headings at level 2."""
    text = ("计划\n\n1、激活潜能\n\n数据作用日益凸显。\n\n2、总体要求\n\n"
            "指导思想\n\n以思想为指导。\n\n基本原则\n\n需求牵引。")
    assert outline(text) == [
        ("0", "", None), ("1", "1、", "激活潜能"), ("2", "2、", "总体要求"),
        ("2.1", "", "指导思想"), ("2.2", "", "基本原则"),
    ]
    assert [p.level for p in parse_provisions(text)] == [0, 1, 1, 2, 2]


def test_heading_run_into_the_next_is_not_guessed() -> None:
    """'5、做好组织实施加强组织领导' stays one heading: where it splits is for a curated erratum to say."""
    text = ("4、强化保障\n\n提升数据供给\n\n完善体系。\n\n加强安全保障\n\n落实制度。\n\n"
            "5、做好组织实施加强组织领导\n\n发挥作用。\n\n开展试点示范\n\n支持试点。\n\n加强资金支持\n\n加大投入。")
    assert outline(text)[3:5] == [("2", "5、", "做好组织实施加强组织领导"), ("2.1", "", "开展试点示范")]
    assert_lossless(text)


def test_one_sentence_article_is_body_and_lead_in_is_no_heading() -> None:
    """第五条 本法自公布之日起施行。 is an article with a body; 下列事项： leads into items; 【gist】 is a heading."""
    text = ("第一条【立法目的】为了规范管理，制定本法。\n\n第二条 本法下列用语的含义：\n\n（一）数据，是指记录。\n\n"
            "第三条 本法自公布之日起施行。")
    got = outline(text)
    assert got == [("1", "第一条", "立法目的"), ("2", "第二条", None), ("2.1", "（一）", None), ("3", "第三条", None)]
    assert_lossless(text)


def test_closing_provision() -> None:
    """A signature and the sentences after the last item form a closing provision of their own."""
    text = ("一、总体要求\n\n坚持问题导向。\n\n二、重点任务\n\n（一）加强供给。提升质量。\n\n"
            "各地区各部门要结合实际抓好落实。\n\n本通知自2025年3月1日起施行。\n\n国家数据局\n2025年1月20日")
    ps = parse_provisions(text)
    assert [p.provision_id for p in ps] == ["1", "2", "2.1", "3"]
    assert ps[-1].text_of(text).startswith("各地区各部门") and ps[-1].text_of(text).endswith("2025年1月20日")
    assert ps[2].text_of(text) == "（一）加强供给。提升质量。"
    assert_lossless(text)

def test_dash_items_nest_under_their_item() -> None:
    """'——遵循发展规律，创新制度安排。充分认识……' is a dash item under （二）."""
    text = "一、总体要求\n（二）工作原则\n——遵循规律，创新安排。充分认识。\n——坚持共享，释放红利。合理降低。\n二、制度"
    assert outline(text) == [
        ("1", "一、", "总体要求"), ("1.1", "（二）", "工作原则"),
        ("1.1.1", "——", "遵循规律，创新安排"), ("1.1.2", "——", "坚持共享，释放红利"), ("2", "二、", "制度"),
    ]


def test_numbers_inside_sentences_are_not_numbering() -> None:
    """'2024年…', '1.5倍…' and '一、二产业' in running text open no provision."""
    text = "一、目标\n到2026年底，增长1.5倍。\n2024年起实施。\n1.5倍以上。\n数据在一、二产业中应用。"
    assert outline(text) == [("1", "一、", "目标")]


def test_report_chapters_and_bullets_and_table_rows() -> None:
    """'一、概况：……' is a chapter heading; bullets and tab-separated rows stay body text."""
    text = "一、概况：主要经济体抢抓机遇\n正文。\n· 要点一\n· 要点二\n1. 甲\t乙\t丙\n二、供给：强化供给\n正文。"
    assert outline(text) == [("1", "一、", "概况：主要经济体抢抓机遇"), ("2", "二、", "供给：强化供给")]


def test_repeated_navigation_is_not_a_provision() -> None:
    """A numbered heading repeated on every slide is navigation, not a provision."""
    nav = "1. 激活潜能\n2. 总体要求\n"
    text = "一、概览\n" + (nav + "要点\n正文。\n") * 3
    assert [h for _i, _l, h in outline(text)] == ["概览", "要点", "要点", "要点"]


def test_unnumbered_document_is_divided_by_its_headings() -> None:
    """Without numbering, headings after the first body paragraph open top-level provisions."""
    text = "新闻标题\n导语正文。\n小标题甲\n正文甲。\n小标题乙\n正文乙。"
    assert outline(text) == [("0", "", None), ("1", "", "小标题甲"), ("2", "", "小标题乙")]


def test_empty_text_has_no_provisions() -> None:
    """Blank text -> []."""
    assert parse_provisions(" \n\u3000\n") == []


_PIECES = st.sampled_from([
    "一、", "二、", "（一）", "(二)", "1.", "2、", "（1）", "①", "——", "· ", "\t", "\n", "\n\n", " ", "\u3000",
    "总体要求", "数据要素×工业制造", "完善政务数据目录。", "到2026年底，增长1.5倍", "；", "“共享”", "《意见》",
    "指导思想", "做好组织实施加强组织领导", "加强资金支持", "2024年", "：",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_lossless_property(text: str) -> None:
    """Any text: provisions cover every non-whitespace character exactly once, in order."""
    assert_lossless(text)
    ids = [p.provision_id for p in parse_provisions(text)]
    assert len(ids) == len(set(ids))


@settings(max_examples=100, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_sentences_property(text: str) -> None:
    """Sentence spans are disjoint, in order, trimmed, and cover every non-whitespace character."""
    covered = 0
    last = 0
    for a, b in split_sentences(text):
        assert last <= a < b and not text[a].isspace() and not text[b - 1].isspace()
        covered += sum(not c.isspace() for c in text[a:b])
        last = b
    assert covered == sum(not c.isspace() for c in text)


def test_build_provisions_columns_and_errors() -> None:
    """build_provisions returns exactly the registered columns; bad input raises InputError."""
    docs = pd.DataFrame({"doc_id": ["b", "a"], "kind": ["policy", "policy"],
                         "text": ["一、甲\n正文。", "标题\n一、乙\n正文。\n二、丙\n正文。"]})
    out = build_provisions(docs)
    assert list(out.columns) == table("provisions").columns
    keys = list(zip(out["doc_id"], out["provision_id"], strict=True))
    assert keys == [("a", "0"), ("a", "1"), ("a", "2"), ("b", "1")]
    assert out.equals(build_provisions(docs))
    with pytest.raises(InputError, match="table documents"):
        build_provisions(docs.drop(columns="text"))
    with pytest.raises(InputError, match="duplicate"):
        build_provisions(pd.concat([docs, docs]))


# --- built corpora (the seed corpus's parts, items and sectors are facts in tests/snapshot.json) -------

def test_corpus_lossless(any_built) -> None:
    """Every document of a built corpus is covered exactly once by its provisions."""
    for text in any_built.tables["documents"]["text"]:
        assert_lossless(text)


def test_outline_places_the_body_under_its_parts() -> None:
    """A table of contents and a body repeating its entries as headings: the body goes under the parts.

    A part name repeated as slide navigation moves nothing.
    """
    text = ("总览\n\n一、激活潜能\n\n1. 价值凸显\n\n二、重点行动\n\n2. 数据要素×智能制造\n\n3. 数据要素×智慧农业\n\n"
            "三、做好组织实施\n\n4. 加强组织领导\n\n"
            "价值凸显\n\n数据作为关键生产要素的价值日益凸显。\n\n"
            "数据要素×智能制造\n\n1. 创新研发模式\n\n支持企业融合数据。\n\n三、做好组织实施\n\n"
            "数据要素×智慧农业\n\n提升农业生产数智化水平。\n\n从制度发挥维度加强组织领导\n\n强化跟踪落实。")
    got = {p.heading: p.provision_id for p in parse_provisions(text)}
    assert got["价值凸显"] == "1.2" and got["数据要素×智能制造"] in ("2.3", "2.4")
    assert got["创新研发模式"].startswith(got["数据要素×智能制造"] + ".")
    assert got["数据要素×智慧农业"].startswith("2.") and got["从制度发挥维度加强组织领导"].startswith("3.")
    assert_lossless(text)


def test_count_provisions_fills_n_provisions_in_registry_order() -> None:
    """n_provisions counts each document's provisions (0 for none) and sits where the registry puts it."""
    from policykit.ingest.structure import count_provisions

    docs = pd.DataFrame({"doc_id": ["a", "b"], "text_sha256": ["x", "y"], "n_nonspace_chars": [3, 4]})
    prov = pd.DataFrame({"doc_id": ["a", "a", "a"]})
    out = count_provisions(docs, prov)
    assert out["n_provisions"].tolist() == [3, 0]
    assert list(out.columns) == ["doc_id", "n_nonspace_chars", "n_provisions", "text_sha256"]
    with pytest.raises(InputError, match=r"^table provisions: missing columns \['doc_id'\]$"):
        count_provisions(docs, pd.DataFrame({"x": [1]}))


LAW_WITH_ITEMS = (
    "第一章\t总　　则\n\n第一条 为了规范管理，制定本条例。\n\n第二章 管理\n\n第一节 一般规定\n\n"
    "第二条 有下列情形之一的，不予登记：\n\n（一）申请材料不齐全；\n\n（二）当事人故意造成事故的。\n\n"
    "前款规定以外的情形，依照有关规定处理。\n\n第二节 一般规定\n\n第三条 本条例自公布之日起施行。\n\n"
    "第三章 附则\n\n第一节 一般规定\n\n第四条 其他事项另行规定。"
)


def _tree(text: str) -> dict[str, tuple[str | None, str, str | None, str]]:
    """provision_id -> (parent_id, label, heading, text) of a parsed text."""
    return {p.provision_id: (p.parent_id, p.label, p.heading, p.text_of(text)) for p in parse_provisions(text)}


def test_paragraph_after_an_articles_last_item_is_the_articles() -> None:
    tree = _tree(LAW_WITH_ITEMS)
    items = {v[1]: (k, v) for k, v in tree.items() if v[1].startswith("（")}
    article_id = next(k for k, v in tree.items() if v[1] == "第二条")
    assert items["（二）"][1][3] == "（二）当事人故意造成事故的。"  # its own line only
    assert items["（二）"][1][2] is None  # an article's item takes no heading from its one sentence
    after = [v for v in tree.values() if v[0] == article_id and v[1] == ""]
    assert [v[3] for v in after] == ["前款规定以外的情形，依照有关规定处理。"]


def test_chapter_headings_in_every_spacing_and_repeated_sections() -> None:
    tree = _tree(LAW_WITH_ITEMS)
    headings = [(v[1], v[2]) for v in tree.values() if v[1][-1:] and v[1][-1] in "章节"]
    assert headings == [("第一章", "总　　则"), ("第二章", "管理"), ("第一节", "一般规定"), ("第二节", "一般规定"),
                        ("第三章", "附则"), ("第一节", "一般规定")]
    chapter3 = next(k for k, v in tree.items() if v[1] == "第三章")
    assert [v[0] for v in tree.values() if v[1] == "第一节"][-1] == chapter3


def test_policy_items_keep_their_lead_headings() -> None:
    text = "一、总体要求\n\n（一）统筹推进。完善制度。\n\n（二）加强保障。落实责任。\n\n各地要抓好落实。"
    heads = [v[2] for v in _tree(text).values() if v[1].startswith("（")]
    assert heads == ["统筹推进", "加强保障"]


def test_court_case_sections_are_its_top_level() -> None:
    text = ("某案的裁判要旨\n\n甲诉乙合同纠纷案\n\n基本案情\n\n甲与乙签订合同。\n\n裁判要点\n\n一、合同有效。\n\n"
            "二、应当履行。\n\n司法解释相关条文\n\n第六条 经营者应当履行义务。\n")
    tops = [(p.label, p.heading) for p in parse_provisions(text) if p.parent_id is None and p.provision_id != "0"]
    assert tops == [("", "基本案情"), ("", "裁判要点"), ("", "司法解释相关条文")]
