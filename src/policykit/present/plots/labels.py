"""What figures call things: bilingual labels and colours of the registry's values, titles, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from policykit import zh
from policykit.schema import table

KIND_LABELS: dict[str, str] = table("documents").labels("kind")
"""Bilingual label of each documents.kind (from the registry), in the order used in legends."""

KIND_COLORS: dict[str, str] = {
    "policy": "#1f77b4",
    "draft": "#ff7f0e",
    "notice": "#2ca02c",
    "news": "#9467bd",
    "interpretation": "#8c564b",
    "report": "#7f7f7f",
    "judicial_interpretation": "#d62728",
    "case": "#17becf",
}
"""One fixed colour per documents.kind, so that every notebook colours kinds alike."""

SECTOR_EN: dict[str, str] = {
    "工业制造": "manufacturing",
    "智能制造": "smart manufacturing",
    "现代农业": "modern agriculture",
    "智慧农业": "smart agriculture",
    "商贸流通": "commerce and trade",
    "交通运输": "transport",
    "金融服务": "financial services",
    "科技创新": "science and technology innovation",
    "文化旅游": "culture and tourism",
    "医疗健康": "healthcare",
    "应急管理": "emergency management",
    "气象服务": "meteorological services",
    "城市治理": "urban governance",
    "绿色低碳": "green and low-carbon",
    "智慧城市": "smart cities",
}
"""English names of the sectors of the 数据要素× action plan (final names and draft variants)."""

TERMS_EN: dict[str, str] = {
    "数据要素": "data elements",
    "公共数据": "public data",
    "数据要素×": "data elements x",
    "授权运营": "authorised operation",
    "数据产业": "data industry",
    "数据标注": "data labelling",
    "数字政府": "digital government",
    "智慧城市": "smart cities",
    "数据资产": "data assets",
    "大模型": "large models",
    "人工智能": "AI",
    "可信数据空间": "trusted data spaces",
    "数据流通": "data circulation",
    "数据交易": "data trading",
    "数据基础设施": "data infrastructure",
    "高质量数据集": "high-quality datasets",
    "乘数效应": "multiplier effect",
}
"""English renderings of recurring terms, for axis labels."""

PARTS_EN: dict[str, str] = {
    "序言": "preamble",
    "激活数据要素潜能": "unlocking the potential of data elements",
    "总体要求": "general requirements",
    "重点行动": "key actions (sectors)",
    "强化保障支撑": "supporting measures",
    "做好组织实施": "organisation and implementation",
}
"""English names of the parts of the 数据要素× action plan."""

TARGET_KIND_LABELS: dict[str, str] = table("targets").labels("kind")
"""Bilingual label of each targets.kind (from the registry)."""

TARGET_KIND_STYLE: dict[str, tuple[str, str]] = {
    "goal": ("#1f77b4", "o"),
    "metric": ("#d62728", "D"),
    "effective_date": ("#2ca02c", "s"),
    "reporting_deadline": ("#9467bd", "v"),
    "comment_period": ("#8c564b", "P"),
    "rule": ("#17becf", "*"),
    "forecast": ("#ff7f0e", "^"),
    "reported_fact": ("#7f7f7f", "x"),
    "time_limit": ("#bcbd22", "h"),
}
"""Colour and matplotlib marker of each targets.kind, shared by every figure."""

TARGET_CHANGE_COLORS: dict[str, str] = {
    "unchanged": "#f2f2f2",
    "reworded": "#dbe9f6",
    "tightened": "#d9f0d3",
    "loosened": "#fde0dd",
    "added": "#fff2cc",
    "dropped": "#e7d4e8",
}
"""Cell colour of each target_changes.change in tables drawn as figures."""

TARGET_CHANGE_LABELS: dict[str, str] = table("target_changes").labels("change")
"""Bilingual label of each target_changes.change (from the registry)."""


def kind_label(kind: str) -> str:
    """Bilingual label of a document kind (the kind itself if unknown)."""
    return KIND_LABELS.get(kind, kind)


def english_label(name: str, mapping: Mapping[str, str] | None = None, *, bilingual: bool = True) -> str:
    """Label a Chinese name in English: '工业制造 manufacturing' (or only the English with bilingual=False).

    The first known key found inside name is used, so headings such as '数据要素×工业制造' work too;
    names with no known key are returned unchanged.
    """
    mapping = SECTOR_EN if mapping is None else mapping
    for key in sorted(mapping, key=len, reverse=True):  # longest key first: 数据要素× before 数据要素
        if key in name:
            return f"{key} {mapping[key]}" if bilingual else mapping[key]
    return name


def sector_label(name: str, *, bilingual: bool = True) -> str:
    """Label a sector name or sector heading of the action plan in English where the sector is known."""
    return english_label(name, SECTOR_EN, bilingual=bilingual)


def shorten(text: str, width: int = 18) -> str:
    """Text cut to width characters with an ellipsis, for tick labels of long Chinese titles."""
    return zh.shorten(str(text), width)


def doc_titles(documents: pd.DataFrame) -> pd.Series:
    """Each document's title by doc_id; its assigned display_title where the text has no title line."""
    titles = documents.set_index("doc_id")["title"]
    if "display_title" in documents.columns:
        titles = titles.fillna(documents.set_index("doc_id")["display_title"])
    return titles.fillna(titles.index.to_series())


def chronological(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents in time order: by date, else by period (month, when only that is known), undated last."""
    when = pd.to_datetime(documents["date"]).fillna(pd.to_datetime(documents["period"], format="%Y-%m"))
    return documents.assign(when=when).sort_values(["when", "doc_id"], na_position="last").reset_index(drop=True)


def date_label(row: Mapping[str, Any]) -> str:
    """A document's date as a label: the date, else its month, else 'undated 不详'."""
    for key in ("date", "period"):
        value = row.get(key)
        if isinstance(value, (str, dt.date)) and value:
            return value if isinstance(value, str) else value.isoformat()  # a date column holds datetime.date
    return "undated 不详"


# --- short titles ---------------------------------------------------------------------------------------

SHORT_TITLE_WIDTH = 22
"""Characters of a short title (a document label on an axis or over a panel)."""
_ISSUER_PREFIX = re.compile(r"^.{0,40}?关于(?=.{4})")  # 国务院办公厅关于… -> …
# a bracketed version marker at the end of a title: （征求意见稿）, （2019年修正）, （试行）, (草案)
_TITLE_SUFFIX = re.compile(r"([（(][^（）()]{0,12}(?:征求意见稿|草案|送审稿|讨论稿|试行|暂行|修正|修订)"
                           r"[^（）()]{0,6}[）)])$")


def short_title(title: str, width: int = SHORT_TITLE_WIDTH) -> str:
    """The short-title rule: no issuer before 关于, no 《》 or 中华人民共和国, a bracketed version marker kept whole.

    A title longer than width keeps its start and its version marker (（征求意见稿）, （2019年修正） …) and
    loses the middle, so that a draft and its final version stay apart.
    """
    text = re.sub(r"[《》]", "", str(title)).strip()
    text = _ISSUER_PREFIX.sub("", text)
    text = re.sub(r"中华人民共和国(?=\S{2})", "", text)  # the state's name, in every national law's title
    if len(text) <= width:
        return text
    suffix = _TITLE_SUFFIX.search(text)
    tail = suffix.group(1) if suffix and len(suffix.group(1)) < width - 4 else ""
    head = text[: len(text) - len(tail)]
    return head[: width - len(tail) - 1].rstrip("（(—-·、，,：: ") + "…" + tail


def short_titles(documents: pd.DataFrame, width: int = SHORT_TITLE_WIDTH) -> pd.Series:
    """Short title of each document by doc_id: its short_title where given, else the rule; made unique by date.

    Documents whose short titles are the same (versions of one law) get their date appended, then their doc_id.
    """
    titles = doc_titles(documents)
    short = titles.map(lambda t: short_title(t, width))
    if "short_title" in documents.columns:
        given = documents.set_index("doc_id")["short_title"]
        short = given.where(given.notna() & (given.astype(str) != ""), short).astype(str)
    dates = documents.set_index("doc_id").apply(lambda r: date_label(r.to_dict()), axis=1) if len(documents) else short
    clash = short.duplicated(keep=False)
    short = short.where(~clash, short + " · " + dates.reindex(short.index).astype(str))
    clash = short.duplicated(keep=False)
    return short.where(~clash, short + " · " + short.index.to_series())


def pair_names(documents: pd.DataFrame, earlier: str, later: str) -> tuple[str, str]:
    """Names of the sides of a version pair: 征求意见稿/正式稿 for a draft -> final pair, else short title and date."""
    by_id = documents.set_index("doc_id")
    short = short_titles(documents)
    if by_id.loc[earlier, "kind"] == "draft" and by_id.loc[later, "kind"] != "draft":
        return ("征求意见稿 draft", "正式稿 final")
    names = []
    for doc_id in (earlier, later):
        when = date_label(by_id.loc[doc_id].to_dict())
        names.append(short[doc_id] if when in short[doc_id] else f"{short[doc_id]} ({when})")
    return names[0], names[1]
