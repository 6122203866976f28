"""Statements: units, strength, modal, instrument and actor by the codebook's rules; changes draft -> final."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.analysis.statement_changes import build_statement_changes, classify_change
from policykit.analysis.statements import build_statements, classify, statement_spans
from policykit.errors import InputError
from policykit.publish.tables import conform


@pytest.mark.parametrize(("sentence", "strength", "modal", "instrument", "actor"), [
    # S1: a deontic word anywhere makes it 4; 应 only as a modal; the actor before it
    ("企业应严格遵守反垄断法等相关法律规定，不得利用数据优势排除、限制竞争。", 4, "应", "environment", "企业"),
    ("政府部门履职可依法依规获取相关企业和机构数据，但须约定并严格遵守使用限制要求。", 4, "须", "environment",
     "政府部门"),
    ("依法依规予以保密的公共数据不予开放。", 4, "不予", "environment", None),  # a prohibition regulates (I6)
    ("申请人应当自收到补正通知之日起十日内提交补正材料。", 4, "应当", "environment", "申请人"),
    ("深化数据在应急管理中的应用。", 3, "深化", "demand", None),
    # S2: facts, significance, slogans, fragments, definitions
    ("近年来，我国数字经济快速发展，数字基础设施规模能级大幅跃升。", 0, None, "none", None),
    ("需求牵引，注重实效。", 0, None, "none", None),
    ("的大中小企业融通生态。", 0, None, "none", None),
    ("本法所称突发事件，是指突然发生的自然灾害、事故灾难。", 0, None, "none", None),
    # S3: a dated target
    ("到2027年底，数据流通安全治理体系基本构建，治理效能显著提升。", 3, "到2027年底", "environment", None),
    # S4: the head predicate after fronted adverbials, the actor before it
    ("鼓励企事业单位设立首席数据官，加强数据治理和数据开发利用。", 2, "鼓励", "environment", None),
    ("针对跨境电商、跨境支付等典型应用场景，探索安全规范的数据跨境流动方式。", 1, "探索", "environment", None),
    ("行业主管部门要聚焦重点行业数据开发利用需求，细化落实行动计划。", 3, "要", "environment", "行业主管部门"),
    ("各地区各部门可结合实际，统筹安排数据产品和标注服务采购经费。", 2, "可", "demand", "各地区各部门"),
    ("推动数据标注服务纳入政府采购范畴。", 3, "推动", "demand", None),
    ("利用中央预算内投资等相关资金，对符合条件的数据产业项目予以支持。", 3, "利用", "supply", None),
    ("开展基本养老服务综合平台试点，推动实现服务清单数字化。", 1, "试点", "demand", None),
    ("坚持党的全面领导。", 3, "坚持", "environment", None),
    ("促进数据产业发展，要以习近平新时代中国特色社会主义思想为指导。", 3, "要", "environment", None),
    # laws: 由X + verb, an actor and a prepositional phrase
    ("具体办法由省、自治区、直辖市人民政府制定。", 3, "制定", "environment", "省、自治区、直辖市人民政府"),
    ("县级人民政府对本行政区域内突发事件的应对工作负责；", 3, "负责", "environment", "县级人民政府"),
    # laws: a verbless topic before 由X or a modal; 应当由X; a body and its modal after a condition; entry into force
    ("破产企业在境外的财产，由清算组予以收回。", 3, "予以", "environment", "清算组"),
    ("询问证人，应当由检察人员负责进行。", 4, "应当", "environment", "检察人员"),
    ("除公告送达方式外，人民法院可以同时采取多种法定方式向受送达人送达。", 2, "可以", "environment", "人民法院"),
    ("最高人民法院根据实际情况，可以指定基层人民法院管辖第一审专利纠纷案件。", 2, "可以", "environment",
     "最高人民法院"),
    ("不立案的复议，由上一级人民检察院负责侦查的部门办理。", 3, "办理", "environment",
     "上一级人民检察院负责侦查的部门"),
    ("本规定自公布之日起施行。", 0, None, "none", None),
    # instruments: data shared to reach a sector's goal; technology developed and applied; a cautious head
    ("提升旅游服务水平，支持旅游经营主体共享气象、交通等数据。", 3, "提升", "demand", None),
    ("加强数据标注领域的关键技术攻关应用。", 3, "加强", "supply", None),
    ("审慎对待原始数据的流转交易行为。", 1, "审慎", "environment", None),
    # laws: a 由X clause after the case it answers; 由X对Y + verb; bodies joined by 或者; a sanction has no actor
    ("从事经营活动的单位，未按照规定处置的，由所在地县级以上地方人民政府环境保护主管部门责令改正。", 3, "责令",
     "environment", "所在地县级以上地方人民政府环境保护主管部门"),
    ("有下列行为之一的，由县级以上人民政府人民防空主管部门对当事人给予警告。", 3, "给予", "environment",
     "县级以上人民政府人民防空主管部门"),
    ("对评审意见有异议的，国务院电影主管部门或者省、自治区、直辖市人民政府电影主管部门可以另行组织评审。", 2,
     "可以", "environment", "国务院电影主管部门或者省、自治区、直辖市人民政府电影主管部门"),
    ("鉴定人员收受当事人财物的，给予警告。", 3, "给予", "environment", None),
    ("行政复议机关收到补正材料后，依照本法的规定处理。", 3, "处理", "environment", "行政复议机关"),
    ("拒不改正，情节严重的，处以一千元以上五千元以下罚款。", 3, "处以", "environment", None),
    ("未经原批准机关同意，不得擅自调整规划。", 4, "不得", "environment", None),
    ("区人民政府及其有关行政管理部门，依照法律、法规的规定负责本辖区内的监督管理工作。", 3, "负责", "environment",
     "区人民政府及其有关行政管理部门"),
    ("经审批机构批准，合营企业可以进口设备。", 2, "可以", "environment", "合营企业"),
    ("（四）省、自治区、直辖市的人民代表大会有权撤销不适当的法规；", 2, "有权", "environment",
     "省、自治区、直辖市的人民代表大会"),
    # instruments: a capacity to raise is a goal, the means after it decide; funding; prohibitions regulate
    ("提升农业生产抗风险能力，支持在粮食、生猪等领域强化数据融合应用。", 3, "提升", "demand", None),
    ("国家加大对农村电影放映的扶持力度，由政府出资建立农村电影公益放映服务网络。", 3, "加大", "supply", "国家"),
    ("鼓励各类金融机构创新产品和服务。", 2, "鼓励", "environment", None),
    ("各级人民政府应当加强粮食安全宣传教育。", 4, "应当", "environment", "各级人民政府"),
    ("合理化建议的内容是：", 0, None, "none", None),
])
def test_classify_follows_the_codebook(sentence: str, strength: int, modal: str | None, instrument: str,
                                       actor: str | None) -> None:
    code = classify(sentence)
    assert (code.strength, code.modal, code.instrument, code.actor) == (strength, modal, instrument, actor)
    assert code.modal is None or code.modal in sentence
    assert (code.strength == 0) == (code.instrument == "none")


def test_spans_drop_the_heading_line_and_an_article_label() -> None:
    text = "（一）指导思想\n以习近平新时代中国特色社会主义思想为指导。坚持党的领导；加强统筹。"
    spans = statement_spans(text, 100, "（一）", "指导思想")
    assert [text[s - 100:e - 100] for s, e in spans] == [
        "以习近平新时代中国特色社会主义思想为指导。", "坚持党的领导；", "加强统筹。"]
    law = "第十二条　县级人民政府对突发事件的应对工作负责。"
    spans = statement_spans(law, 0, "第十二条", None)
    assert [law[s:e] for s, e in spans] == ["县级人民政府对突发事件的应对工作负责。"]
    no_heading = "（二）总体要求。"
    assert [no_heading[s:e] for s, e in statement_spans(no_heading, 0, "（二）", None)] == ["（二）总体要求。"]


def _tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A document with a preamble and two provisions, one with a heading."""
    text = "前言。\n一、总体要求\n坚持党的领导。鼓励企业开放数据。\n二、各地区要加强组织领导。"
    documents = pd.DataFrame([{"doc_id": "d", "text": text}])
    a, b = text.index("一、"), text.index("二、")
    provisions = pd.DataFrame([
        {"doc_id": "d", "provision_id": "0", "level": 0, "label": "", "heading": None, "char_start": 0, "char_end": a},
        {"doc_id": "d", "provision_id": "1", "level": 1, "label": "一、", "heading": "总体要求", "char_start": a,
         "char_end": b},
        {"doc_id": "d", "provision_id": "2", "level": 1, "label": "二、", "heading": None, "char_start": b,
         "char_end": len(text)}])
    return documents, provisions


def test_an_explanation_and_its_parts_are_descriptive() -> None:
    text = ("前言。\n一、重要意义\n实施行动，就是要发挥数据作用；加快多元数据融合，培育新动能；促进数据应用。"
            "二、加强组织领导。")
    documents = pd.DataFrame([{"doc_id": "d", "text": text}])
    a, b = text.index("一、"), text.index("二、")
    provisions = pd.DataFrame([
        {"doc_id": "d", "provision_id": "1", "level": 1, "label": "一、", "heading": "重要意义", "char_start": a,
         "char_end": b},
        {"doc_id": "d", "provision_id": "2", "level": 1, "label": "二、", "heading": None, "char_start": b,
         "char_end": len(text)}])
    out = build_statements(documents, provisions)
    assert list(out.strength) == [0, 0, 0, 3]  # the ；-parts continue the explanation; 。 ends it
    assert classify("加快多元数据融合，培育新动能；").strength == 3  # on its own it commits


def test_build_statements_rows_and_offsets() -> None:
    documents, provisions = _tiny()
    out = build_statements(documents, provisions)
    text = documents.text.iloc[0]
    assert list(out.statement_id) == ["d:1:1", "d:1:2", "d:2:1"]
    assert all(text[r.char_start:r.char_end] == r.sentence for r in out.itertuples())
    assert list(out.strength) == [3, 2, 3] and list(out.strength_name) == ["directive", "encouraging", "directive"]
    assert out.actor.iloc[2] is None or pd.isna(out.actor.iloc[2])  # 二、各地区要…: the label is no actor's part
    conform(out, "statements")
    with pytest.raises(InputError, match="missing columns"):
        build_statements(documents, provisions.drop(columns="heading"))


def _statement(doc: str, pid: str, n: int, strength: int, sentence: str) -> dict:
    """One statements row."""
    return {"statement_id": f"{doc}:{pid}:{n}", "doc_id": doc, "provision_id": pid, "char_start": n,
            "strength": strength, "modal": "x", "instrument": "environment", "sentence": sentence}


def test_statement_changes_through_the_alignment() -> None:
    draft = [_statement("d", "3.1", 1, 2, "鼓励企业开放公共数据资源目录。"),
             _statement("d", "3.1", 2, 3, "加强数据安全保障体系建设。"),
             _statement("d", "5", 3, 3, "完全删去的一句话。")]
    final = [_statement("f", "4.2", 1, 3, "推动企业开放公共数据资源目录。"),
             _statement("f", "4.2", 2, 3, "加强数据安全保障体系建设。"),
             _statement("f", "4.2", 3, 1, "探索全新的机制。")]
    align = pd.DataFrame([{"pair_id": "d__f", "aligned_unit": u, "draft_doc_id": "d", "final_doc_id": "f",
                           "draft_provision_ids": di, "final_provision_ids": fi}
                          for u, di, fi in [(1, "3.1", "4.2"), (2, "5", "")]])
    out = build_statement_changes(align, pd.DataFrame(draft + final))
    assert [(r.aligned_unit, r.change) for r in out.itertuples()] == [
        (1, "strengthened"), (1, "unchanged"), (1, "added"), (2, "dropped")]
    assert out.draft_sentence.iloc[0] == "鼓励企业开放公共数据资源目录。" and out.final_strength.iloc[0] == 3
    conform(out, "statement_changes")


def test_classify_change() -> None:
    assert classify_change(2, 3) == "strengthened"
    assert classify_change(4, 3) == "weakened"
    assert classify_change(3, 3) == "unchanged"
