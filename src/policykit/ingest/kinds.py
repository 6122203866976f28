"""Kinds and forms of documents: what a title's type word and the text itself show.

- form: the document type a title ends with (意见, 方案, 条例, 法 …), its variants named by the form;
- kind: interpretation, news, draft, report, notice or policy from the title and where the text stands;
  a court case or a judicial interpretation from the form of its text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from policykit.zh import CASE_FACTS_RE

if TYPE_CHECKING:
    from policykit.ingest.segment import Witness

# Document types a title ends with: policy documents, laws and rules. 法 only as a word of its own
# (…管理法), not the end of 方法/办法/做法/看法 …; 办法 is a type in its own right.
DOC_TYPES = ("意见|实施意见|指导意见|方案|计划|通知|决定|决议|办法|规定|规划|纲要|白皮书|报告|条例|细则|指引|通告|公告"
             "|规则|解释|批复|答复|章程|准则|修正案|法典|(?<![方办做想看说手用语写算])法")
# a form is also named by a few type words that open no document of their own (…规范, …解答, …安排)
FORM_RE = re.compile(rf"({DOC_TYPES}|规范|解答|安排)(?:（[^（）]{{1,20}}）)*(?:\d{{4}}年?)?$")
FORM_OF = {"实施意见": "意见", "指导意见": "意见", "法典": "法"}  # a form's variants name the form itself
# Judicial interpretations: a 法释 number, adoption by the courts' judicial or procuratorial committee, or a
# title of the Supreme People's Court or Procuratorate (or 关于审理…案件…的解释 without the issuer named)
JI_NUMBER_RE = re.compile(r"^(?:法释|高检发释字)〔\d{4}〕\d+号$")
JI_ADOPTED_RE = re.compile(r"最高人民法院审判委员会|最高人民检察院[^，。\n]{0,12}检察委员会")
JI_TITLE_RE = re.compile(r"^最高人民(?:法院|检察院)"
                         r"|^关于(?:审理|办理|适用|执行)[^。]*(?:解释|规定|批复)(?:（[^（）]{1,6}）)?$")
JI_FORMS = {"补充规定": "规定", "补充安排": "安排"}
AMENDS_RE = re.compile(r"对[^。]{0,160}作(?:如下|以下)(?:修改|补充安排)")  # a text that amends another: a 决定
HEADER_LINES = 8  # a document's number stands within its first lines
HEAD_CHARS = 3000  # the header block of a document lies within its first characters


def form_of(title: str | None) -> str | None:
    """The form of a document, from the document type its title ends with (意见, 方案, 条例, 法 …)."""
    m = FORM_RE.search(title or "")
    return FORM_OF.get(m.group(1), m.group(1)) if m else None


TRANSMITTAL_RE = re.compile(r"(?:印发|转发|颁布|发布)[^，。]{0,40}《[^《》]+》[^《》]{0,10}的(?:通知|公告|通告)")


def kind_of(title: str | None, is_wrapper: bool, is_explainer: bool, assigned: bool) -> str:
    """Document kind from what the text shows.

    A notice that transmits another document (印发…《…》的通知) or announces one (征求《…》意见的公告)
    is a `notice`; a 通知 stating rules of its own is a `policy` in the form of a notice.
    """
    title = title or ""
    if is_explainer:
        return "interpretation"
    if is_wrapper:
        return "news"
    if "征求意见稿" in title and "《" not in title:
        return "draft"
    if assigned or form_of(title) in ("白皮书", "报告") or re.search(r"研究(?:（[^（）]*）)*$", title):
        return "report"  # by the type the title ends with: 企业财务会计报告条例 is a regulation
    if TRANSMITTAL_RE.search(title) or (form_of(title) in ("通知", "公告", "通告") and "《" in title):
        return "notice"
    return "policy"


CASE_NAME_RE = re.compile(r"^[^，。；：:！？\s]{1,40}(?:诉|与)[^，。；：:！？]{2,80}案$")
CASE_NUMBER_RE = re.compile(r"[（(]\d{4}[）)][\u4e00-\u9fff]{1,12}\d+号")


def case_names(text: str, title: str | None) -> tuple[str | None, str | None]:
    """(case name, case numbers) of a court case: its X诉Y…案 line before the facts, its （YYYY）…号 numbers."""
    facts = CASE_FACTS_RE.search(text)
    head = text[:facts.start()] if facts else text[:HEAD_CHARS]
    name = next((ln.strip() for ln in head.split("\n") if CASE_NAME_RE.match(ln.strip())), None)
    if name is None and title and CASE_NAME_RE.match(title):
        name = title
    numbers = list(dict.fromkeys(CASE_NUMBER_RE.findall(text)))
    return name, "; ".join(numbers) or None


def law_kind(text: str, title: str | None, doc_number: str | None) -> str | None:
    """`case` or `judicial_interpretation` where the text has the form of one, else None."""
    if CASE_FACTS_RE.search(text):
        return "case"
    head = "\n".join(s.strip() for s in text[:HEAD_CHARS].split("\n")[:4 * HEADER_LINES] if s.strip())
    if (doc_number and JI_NUMBER_RE.match(doc_number)) or JI_TITLE_RE.search(title or "") \
            or any(JI_NUMBER_RE.match(s) for s in head.split("\n")[:HEADER_LINES]) or JI_ADOPTED_RE.search(head):
        return "judicial_interpretation"
    return None


def witness_form(w: Witness) -> str | None:
    """The form of a witness's document: its title's type word; an amending judicial interpretation is a 决定."""
    if w.kind in ("news", "interpretation", "case"):
        return None
    form = form_of(w.title)
    if w.kind != "judicial_interpretation":
        return form
    m = re.search(r"(补充规定|补充安排)(?:（[^（）]{1,20}）)*$", w.title or "")
    form = JI_FORMS[m.group(1)] if m else form
    if form != "安排" and AMENDS_RE.search(w.text[:1500]) and "修改" in w.text[:1500]:
        return "决定"
    return form
