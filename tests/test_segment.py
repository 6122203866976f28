"""Segmentation: titles, news wrappers, untitled documents, explainers, navigation, de-duplication."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.ingest.grouping import group_witnesses
from policykit.ingest.kinds import form_of, kind_of
from policykit.ingest.normalize import normalize
from policykit.ingest.segment import is_title, repeated_menus, segment_file, split_lines
from policykit.ingest.sources import Source


def _source(text: str, name: str = "f.txt") -> Source:
    return Source(Path(name), text, "0" * 64, len(text.encode()), "utf-8", "lf", None, False)


def _segment(text: str, name: str = "f.txt"):
    src = _source(text, name)
    return segment_file(src, normalize(text))


BODY = ("为贯彻落实党中央决策部署，推动数据要素市场化配置改革，现提出如下意见。\n\n"
        "一、总体要求\n\n坚持问题导向。\n\n二、重点任务\n\n加强数据供给。\n")


def test_title_lines() -> None:
    """Document-type endings make a title; numbered, quoted or sentence lines do not."""
    assert is_title("国务院关于加强数字政府建设的指导意见")
    assert is_title("“数据要素×”三年行动计划（2024—2026年）（征求意见稿）")
    assert is_title("数据要素白皮书2023")
    assert not is_title("（三）制定实施方案")
    assert not is_title("各部门要按照本方案，认真落实。")
    assert not is_title("以数据要素乘数效应赋能经济社会发展——17部门联合印发《行动计划》")
    assert not is_title("第二章 一般规定") and not is_title("2020年4月10日 会议通过《关于修改部分法律的决定》")
    assert is_title("中华人民共和国行政复议法") and is_title("企业财务会计报告条例")
    assert not is_title("研究方法")


def test_kind_and_form_from_the_title() -> None:
    """The type word the title ends with gives the form; a law naming a report is not a report."""
    assert (kind_of("企业财务会计报告条例", False, False, False), form_of("企业财务会计报告条例")) == ("policy", "条例")
    assert kind_of("数据要素白皮书2023", False, False, False) == "report"
    assert kind_of("国家数据局等部门关于印发《“数据要素×”三年行动计划》的通知", False, False, False) == "notice"
    assert kind_of("关于建立公共数据资源授权运营价格形成机制的通知", False, False, False) == "policy"
    assert form_of("国务院关于加强数字政府建设的指导意见") == "意见" and form_of("中华人民共和国民法典") == "法"


def test_compilation_two_line_title_and_doc_number() -> None:
    """A compilation splits at each title; a title over two lines is one title; the 文号 is read."""
    text = (f"关于推进数据基础设施建设的指导意见\n\n{BODY}\n"
            f"国家发展改革委 国家数据局关于建立\n公共数据价格形成机制的通知\n\n发改价格〔2025〕65号\n\n{BODY}")
    ws = _segment(text)
    assert [w.title for w in ws] == ["关于推进数据基础设施建设的指导意见",
                                     "国家发展改革委 国家数据局关于建立公共数据价格形成机制的通知"]
    assert [w.kind for w in ws] == ["policy", "policy"]  # a 通知 stating rules of its own
    assert [w.form for w in ws] == ["意见", "通知"]
    assert ws[1].doc_number == "发改价格〔2025〕65号"
    assert ws[0].doc_number is None


def test_annex_label_is_not_part_of_the_title() -> None:
    """附件1 above a title stays text; the title is the title line alone."""
    text = f"关于推进数据基础设施建设的指导意见\n\n{BODY}\n附件1\n数据基础设施建设实施方案\n\n{BODY}"
    assert [w.title for w in _segment(text)] == ["关于推进数据基础设施建设的指导意见", "数据基础设施建设实施方案"]


def test_news_wrapper_and_untitled_report() -> None:
    """Text before the first title is news; a restart of 一、 without a title is an untitled report."""
    news = ("国家数据局发布新规 推动数据产业发展\n\n2024-01-15新闻资讯\n\n"
            "近日，国家数据局印发《数据产业发展行动计划》，明确了到2026年底的工作目标和主要任务。\n\n")
    text = (news + "数据产业发展行动计划\n\n" + BODY
            + "\n一、概况：数据市场加快发展\n\n我国数据产量快速增长。\n\n二、趋势与展望\n\n前景广阔。\n")
    ws = _segment(text)
    assert [w.kind for w in ws] == ["news", "policy", "report"]
    assert ws[0].date == "2024-01-15"
    assert ws[2].title_assigned and ws[2].title is None and ws[2].label == "（无题）一、概况：数据市场加快发展"


def test_explainer_is_one_document_and_menus_are_removed() -> None:
    """A 图解 file is one interpretation; a slide menu repeated on every page is dropped and counted."""
    menu = "1. 激活潜能\n2. 总体要求\n3. 重点行动\n"
    pages = "".join(f"{menu}第{i}页的内容，介绍行动计划的主要任务和具体措施安排。\n" for i in range(4))
    ws = _segment("图解 国家数据局\n行动计划（征求意见稿）\n" + pages)
    assert len(ws) == 1 and ws[0].kind == "interpretation"
    assert ws[0].text.count("2. 总体要求") == 1
    assert ws[0].removed["navigation"] == 3 * len(menu.replace("\n", ""))


def test_repeated_menus_keeps_single_runs() -> None:
    """Runs of short lines that occur once or twice are content, not navigation."""
    outline = "一、总体要求\n（一）指导思想\n（二）工作原则\n正文很长的一段话，超过二十个字的内容在这里。\n"
    lines = split_lines(outline * 2)
    assert repeated_menus(lines) == []


def test_credit_line_removed_and_offsets_traceable() -> None:
    """A trailing photo credit is dropped; witness offsets point at the raw text."""
    raw = "關於推進數據產業發展的指導意見\n\n" + BODY + "\n文章圖片來源:經濟觀察報\n"
    ws = _segment(raw)
    assert len(ws) == 1 and ws[0].removed["credit"] > 0
    assert ws[0].script == "hant"
    assert raw[ws[0].raw_start:ws[0].raw_end].startswith("關於")
    assert "來源" not in raw[ws[0].raw_start:ws[0].raw_end]
    assert np.all(np.diff(ws[0].origin) > 0)


def test_same_document_across_files_and_scripts_is_grouped() -> None:
    """A traditional copy with readings and the simplified original are one document; a different one is not."""
    more = "各地区要结合实际制定具体措施，加强统筹协调，形成工作合力，确保取得实效。\n" * 3
    simp = "关于推进数据产业发展的指导意见\n\n" + BODY + more
    trad = "關於推進數據產業發展的指導意見\n\n" + (BODY + more).replace("数据", "數(shù)據")
    other = "关于加强数字政府建设的指导意见\n\n" + "各地区各部门要提高认识，加强组织领导，确保各项任务落实到位。\n" * 5
    ws = _segment(simp, "a.txt") + _segment(trad, "b.txt") + _segment(other, "c.txt")
    groups = group_witnesses(ws)
    sizes = sorted(len(g) for g in groups)
    assert sizes == [1, 2]


JI_REPEATED = (
    "# 最高人民法院、最高人民检察院关于办理某类刑事案件适用法律若干问题的解释（二）\n\n"
    "2022年9月19日 最高人民法院审判委员会第1875次会议通过\n\n<!-- INFO END -->\n\n"
    "最高人民法院 最高人民检察院\n\n关于办理某类刑事案件适用法律若干问题的解释（二）\n\n法释〔2022〕19号\n\n"
    "为依法惩治犯罪，现就办理某类刑事案件适用法律的若干问题解释如下：\n\n"
    "第一条 有下列情形之一的，依法处理。\n\n第二条 本解释自2022年12月19日起施行。\n"
)


def test_judicial_interpretation_repeating_its_title_is_one_document() -> None:
    """The title repeated before the 法释 line opens no second document; its number and form are read."""
    (w,) = _segment(JI_REPEATED, "ji.md")
    assert (w.kind, w.doc_number, w.form) == ("judicial_interpretation", "法释〔2022〕19号", "解释")
    assert w.title.startswith("最高人民法院、最高人民检察院关于")


def test_amending_decision_and_the_text_it_republishes_after_fu() -> None:
    """附： followed by a complete interpretation (title over two lines) is a second document; a 决定 amends."""
    text = ("# 关于审理某类案件具体应用法律若干问题的解释\n\n<!-- INFO END -->\n\n"
            "现决定对最高人民法院《关于审理某类案件具体应用法律若干问题的解释》作如下修改：\n\n"
            "一、删除《解释》第一条第二项。\n\n根据本决定，对《解释》作相应修改后，重新公布。\n\n附：\n\n"
            "关于审理某类案件具体应用法律\n\n若干问题的解释\n\n为依法惩处犯罪，现解释如下：\n\n"
            "第一条 具有下列情形之一的，依法认定。\n")
    first, second = _segment(text, "amend.md")
    assert (first.kind, first.form) == ("judicial_interpretation", "决定")
    assert (second.kind, second.form) == ("judicial_interpretation", "解释")
    assert second.title == "关于审理某类案件具体应用法律若干问题的解释"


def test_an_annex_after_fu_is_no_document() -> None:
    text = ("# 中华人民共和国某税暂行条例\n\n<!-- INFO END -->\n\n第一条 纳税人应当缴纳某税。\n\n"
            "附：\n\n某税税目税额表\n\n税目\t税额\n")
    assert len(_segment(text, "tax.md")) == 1


def test_court_case_and_promulgation_order_number() -> None:
    case = ("# 某案的裁判要旨\n\n<!-- INFO END -->\n\n## 甲诉乙合同纠纷案\n\n## 基本案情\n\n甲与乙签订合同。\n\n"
            "## 裁判结果\n\n驳回。\n")
    (w,) = _segment(case, "case.md")
    assert (w.kind, w.form) == ("case", None)
    rule = ("# 某某管理办法\n\n2004年7月8日 国家某某管理局令第9号公布\n\n<!-- INFO END -->\n\n"
            "第一条 为了管理，制定本办法。\n")
    (r,) = _segment(rule, "rule.md")
    assert (r.kind, r.doc_number, r.form) == ("policy", "国家某某管理局令第9号", "办法")


def test_repost_header_is_no_document_of_its_own() -> None:
    text = ("转载：某某人民政府网站 https://www.example.gov.cn/zwgk/2023/content_123456.html\n\n来源：某某日报\n\n"
            "某某市数据条例\n\n第一条 为了规范数据处理活动，制定本条例。\n\n第二条 本条例自公布之日起施行。\n")
    (w,) = _segment(text)
    assert (w.kind, w.title) == ("policy", "某某市数据条例")


def test_same_articles_under_headers_that_set_out_dates_differently_are_one_document() -> None:
    """Two files of one title with word-for-word the same articles are witnesses of one document."""
    body = "".join(f"第{n}条 某某事项应当依照本条例第{n}项规定办理，有关部门应当加强监督管理，依法查处违法行为。\n\n"
                   for n in "一二三四五六七八九十")
    a = "# 某某市某某条例\n\n1998年5月29日 某某市人民代表大会常务委员会通过\n\n<!-- INFO END -->\n\n" + body
    b = ("# 某某市某某条例\n\n（1998年5月29日某某市人民代表大会常务委员会通过 2012年9月27日修订）\n\n"
         "<!-- INFO END -->\n\n" + body)
    (wa,), (wb,) = _segment(a, "a.md"), _segment(b, "b.md")
    assert len(group_witnesses([wa, wb])) == 1
    changed = _segment(b.replace("依法查处违法行为。", "依法查处。", 1), "c.md")
    assert len(group_witnesses([wa, *changed])) == 2 or wa.dates.signed_all == changed[0].dates.signed_all


def test_case_name_and_numbers() -> None:
    text = ("# 为家庭生活消费需要购买汽车的，可以按照消费者权益保护法处理\n\n<!-- INFO END -->\n\n"
            "## 张某诉某汽车服务有限公司买卖合同纠纷案\n\n## 基本案情\n\n原告张某购买汽车。\n\n## 裁判结果\n\n"
            "一审法院于2007年作出（2007）朝民初字第18230号民事判决；二审（2008）二中民终字第00453号判决驳回，"
            "维持（2007）朝民初字第18230号判决。\n")
    (w,) = _segment(text, "case.md")
    assert w.case_name == "张某诉某汽车服务有限公司买卖合同纠纷案"
    assert w.case_number == "（2007）朝民初字第18230号; （2008）二中民终字第00453号"
    (news,) = _segment(text.replace("## 张某诉某汽车服务有限公司买卖合同纠纷案\n\n", ""), "news.md")
    assert (news.kind, news.case_name) == ("case", None)


def _level1_by_line(source: Source, doc, lines) -> set[int]:
    """Reference: each non-blank line whose first character lies after `# ` on a raw `# heading` line."""
    import re

    out = set()
    for i, ln in enumerate(lines):
        if ln.stripped:
            offset = int(doc.origin[ln.start + len(ln.text) - len(ln.text.lstrip())])
            line_start = source.text.rfind("\n", 0, offset) + 1
            m = re.compile(r"[ \t\u3000\u00a0]*(#{1,6})[ \t]").match(source.text, line_start)
            if m and len(m.group(1)) == 1 and m.end() <= offset:
                out.add(i)
    return out


@pytest.mark.parametrize("raw", [
    "# 中华人民共和国民法典\n\n# 侵权责任编\n\n## 第一章 一般规定\n\n第一条 为了保护民事主体。\n",
    "前言\n  # 标题甲\n#不是标题\n## 二级\n\t# 标题乙\n正文。\n# \n#",
    "没有标题的文本。\n第二行。",
    "# <b>加粗</b>标题\n\n正文 # 不是标题\n\n　# 全角空格后的标题\n",
    "",
])
def test_markdown_level1_lines(raw: str) -> None:
    """The lines that were `# heading`s in the raw text: those whose text starts after a raw `# ` (not `##`)."""
    from policykit.ingest.segment import _markdown_level1

    src, doc = _source(raw, "f.md"), normalize(raw)
    lines = split_lines(doc.text)
    assert _markdown_level1(src, doc, lines) == _level1_by_line(src, doc, lines)
    if raw.startswith("# 中华"):
        assert {lines[i].stripped for i in _markdown_level1(src, doc, lines)} == {"中华人民共和国民法典", "侵权责任编"}


@given(st.lists(st.sampled_from(["# ", "## ", " # ", "#", "标题", "正文。", "\n", "\n\n", "\t", "<i>", "</i>", "　"]),
                max_size=30))
@settings(max_examples=200, deadline=None)
def test_markdown_level1_property(parts: list[str]) -> None:
    """Any mix of headings, markup and text: the same lines as the per-line reading."""
    from policykit.ingest.segment import _markdown_level1

    raw = "".join(parts)
    src, doc = _source(raw, "f.md"), normalize(raw)
    lines = split_lines(doc.text)
    assert _markdown_level1(src, doc, lines) == _level1_by_line(src, doc, lines)


@pytest.mark.parametrize("key", ["", "数据", "数据要素乘数效应", "数据要素×三年行动计划（2024—2026年）" * 40])
def test_minhash_is_datasketchs_default_hashing(key: str) -> None:
    """The k-gram MinHash equals datasketch's with its default hash (sha1_hash32), value for value."""
    from datasketch import MinHash

    from policykit.ingest.grouping import _minhash

    reference = MinHash(num_perm=64, seed=1)
    reference.update_batch([g.encode("utf-8") for g in sorted({key[i:i + 5] for i in range(max(1, len(key) - 4))})])
    assert (_minhash(key).hashvalues == reference.hashvalues).all()
