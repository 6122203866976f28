"""Allowed values of the registry's categorical columns, in their code order."""

from __future__ import annotations

# Allowed values of the categorical columns (also their codes in the Stata export, 1, 2, … in this order);
# where a mapping, with the bilingual label figures show for each value (Table.labels).
SCRIPTS = ("hans", "hant")
NEWLINES = ("lf", "crlf", "cr", "mixed")
SOURCE_FORMATS = ("text", "html", "docx", "pdf")
SOURCE_STATUSES = ("read", "skipped")
DOCUMENT_KINDS = {
    "policy": "政策文件 policy",
    "draft": "征求意见稿 draft",
    "notice": "通知 notice",
    "news": "新闻 news",
    "interpretation": "解读 interpretation",
    "report": "研究报告 report",
    "judicial_interpretation": "司法解释 judicial interpretation",
    "case": "案例 court case",
}
DATE_TYPES = ("signed", "published", "effective")
EVENT_KINDS = ("adopted", "amended", "revised", "approved", "promulgated", "effective")
AUDIT_CATEGORIES = {
    "provision": "条款正文 provision",
    "duplicate_witness": "重复副本 duplicate witness",
    "erratum": "勘误 erratum",
    "readings": "拼音注音 readings",
    "markup": "标记 markup",
    "navigation": "网页导航 navigation",
    "credit": "来源署名 credit line",
    "times_sign": "乘号写法 times sign",
    "punctuation": "标点 punctuation",
    "whitespace": "空白 whitespace",
    "unaccounted": "未归类 unaccounted",
}
DATE_BASES = ("text", "catalog")
ALIGNMENT_CHANGES = ("unchanged", "modified", "moved", "merged", "split", "added", "deleted")
PAIRING_BASES = ("content", "containment", "same heading")
EDIT_OPS = ("insert", "delete", "replace", "move")
TRUE_FALSE_UNKNOWN = ("true", "false", "unknown")
KEYNESS_DIRECTIONS = ("draft", "final")
CONCEPT_CATEGORIES = ("data_element", "data_category", "market", "institution", "programme", "technology",
                      "digital_economy")
TARGET_KINDS = {
    "goal": "目标 goal",
    "metric": "量化指标 metric",
    "rule": "量化规则 rule",
    "effective_date": "施行日期 effective date",
    "reporting_deadline": "报送时限 reporting deadline",
    "comment_period": "征求意见期 comment period",
    "forecast": "预测 forecast",
    "reported_fact": "已报告事实 reported fact",
    "time_limit": "时限 time limit",
}
AS_OF_BASES = {
    "stated": "文中载明 stated in the sentence",
    "document_date": "文件日期 the document's date",
    "document_lower_bound": "文件日期下限 the document's date lower bound",
}
COMPARATORS = (">=", ">", "<=", "<", "=", "~", "between")
TARGET_CHANGES = {
    "unchanged": "未变 unchanged",
    "tightened": "收紧 tightened",
    "loosened": "放宽 loosened",
    "reworded": "改写 reworded",
    "added": "新增 added",
    "dropped": "删除 dropped",
}
REUSE_TYPES = ("citation", "formula", "quotation", "substantive")
DIRECTION_BASES = ("date", "month", "lower_bound", "related", "version", "citation", "unknown")
REUSE_RELATIONS = ("version", "derived", "borrowing", "citation", "formula")
CITATION_KINDS = ("title", "doc_number")
MATCH_BASES = ("title", "fuzzy", "short_form", "after_title", "doc_number")
IMPLEMENTATION_BASES = {
    "title": "实施性名称 implementing title",
    "legal_basis": "立法依据 legal basis",
    "carries_out": "贯彻落实 carries out",
}
STRENGTHS = {
    "descriptive": "0 描述性 descriptive",
    "exploratory": "1 探索性 exploratory",
    "encouraging": "2 鼓励性 encouraging",
    "directive": "3 指令性 directive",
    "mandatory": "4 强制性 mandatory",
}
INSTRUMENTS = {
    "supply": "供给型 supply",
    "demand": "需求型 demand",
    "environment": "环境型 environment",
    "none": "无 none",
}
STATEMENT_CHANGES = {
    "unchanged": "未变 unchanged",
    "strengthened": "加强 strengthened",
    "weakened": "减弱 weakened",
    "added": "新增 added",
    "dropped": "删除 dropped",
}
