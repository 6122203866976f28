"""The citations stage: titles, articles, numbers and short forms, the documents they name, and implementation."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit import config
from policykit.analysis.citations import build_citations, build_implementation, title_keys

LAW = "中华人民共和国档案法"


def docs(rows: list[tuple[str, str | None, str, str | None, str]]) -> pd.DataFrame:
    """A documents table from (doc_id, title, kind, date, text) rows."""
    return pd.DataFrame(rows, columns=["doc_id", "title", "kind", "date", "text"]).assign(doc_number=None)


def test_title_article_short_form_and_versions():
    """A title with its article, a short form defined after it, the version in force at the citing date."""
    d = docs([
        ("law-1987", LAW, "policy", "1987-09-05", LAW + "\n第一条 …"),
        ("law-2020", LAW, "policy", "2020-06-20", LAW + "\n第一条 …"),
        ("rule", "档案法实施办法", "policy", "1999-05-05",
         "第一条 根据《中华人民共和国档案法》（以下简称《档案法》）的规定，制定本办法。\n"
         "第二条 《档案法》第二十四条第二款、第三款规定的罚款。"),
    ])
    c = build_citations(d).set_index("char_start")
    assert list(c["cited_title"]) == [LAW, "档案法", "档案法"]
    assert list(c["cited_doc_id"]) == ["law-1987"] * 3  # 2020 is later than the citing text
    assert list(c["match_basis"]) == ["title", "short_form", "short_form"]
    assert c["cited_article"].iloc[2] == "第二十四条第二款、第三款" and pd.isna(c["cited_article"].iloc[0])
    impl = build_implementation(build_citations(d), d)
    assert impl[["doc_id", "implemented_doc_id", "basis", "lag_days"]].values.tolist() == [
        ["rule", "law-1987", "title", 4260]]


def test_issuers_drafts_and_similar_titles():
    """Issuers before 关于 dropped or joined by 、; a draft marker names the draft; a similar title is no match."""
    title = "中共中央 国务院关于构建数据基础制度更好发挥数据要素作用的意见"
    d = docs([
        ("twenty", title, "policy", "2022-12-02", title),
        ("plan", "某某三年行动计划", "policy", "2023-12-31",
         "落实《中共中央、国务院关于构建数据基础制度更好发挥数据要素作用的意见》，…"),
        ("draft", "某某三年行动计划（征求意见稿）", "draft", "2023-12-15", "…"),
        ("explainer", "图解", "interpretation", None,
         "国家数据局发布《某某三年行动计划（征）》，又见《关于构建更加完善的数据要素市场化配置体制机制的意见》。"),
        ("paper", "白皮书", "report", None, "《关于构建数据基础制度更好发挥数据要素作用的意见》《海洋环境保护法》"),
        ("env", "中华人民共和国环境保护法", "policy", "2014-04-24", "…"),
    ])
    c = build_citations(d)
    got = dict(zip(c["cited_title"], c["cited_doc_id"], strict=True))
    assert got["中共中央、国务院关于构建数据基础制度更好发挥数据要素作用的意见"] == "twenty"
    assert got["关于构建数据基础制度更好发挥数据要素作用的意见"] == "twenty"
    assert got["某某三年行动计划（征）"] == "draft"
    assert pd.isna(got["关于构建更加完善的数据要素市场化配置体制机制的意见"])
    assert pd.isna(got["海洋环境保护法"])
    impl = build_implementation(c, d)
    assert impl[["doc_id", "implemented_doc_id", "basis"]].values.tolist() == [["plan", "twenty", "carries_out"]]


def test_document_numbers_own_and_cited():
    """A document's own number is no citation; a number in brackets after a title names the title's document."""
    d = docs([
        ("plan", "某某计划", "policy", "2023-12-31", "某某计划\n国数政策〔2023〕11号\n…"),
        ("news", "新闻", "news", "2024-01-15",
         "印发《某某计划》（国数政策〔2023〕11号，以下简称《计划》）。《计划》提出…"),
    ])
    d.loc[0, "doc_number"] = "国数政策〔2023〕11号"
    c = build_citations(d)
    assert (c["doc_id"] == "news").all()
    assert c[["kind", "text", "cited_doc_id", "match_basis"]].values.tolist() == [
        ["title", "《某某计划》", "plan", "title"],
        ["doc_number", "国数政策〔2023〕11号", "plan", "after_title"],
        ["title", "《计划》", "plan", "short_form"],
        ["title", "《计划》", "plan", "short_form"],
    ]
    assert list(c["citation_id"]) == sorted(c["citation_id"], key=lambda x: int(x.split("#c")[1]))


def test_title_keys():
    """Keys: whole, without the issuers before 关于, without 中华人民共和国."""
    assert title_keys("国家发展改革委 国家数据局关于建立机制的通知") == [
        "国家发展改革委国家数据局关于建立机制的通知", "关于建立机制的通知"]
    assert title_keys(LAW) == [LAW, "档案法"]


def test_citation_scores_by_split():
    """A found citation at ±2 characters, a wrong cited document, a missed one."""
    from policykit.evaluation.citations import score

    gold = pd.DataFrame({"doc": ["a", "a", "a"], "char_start": [10, 50, 90], "text": ["《x》", "《y》", "《z》"],
                         "cited_article": [None, "第二条", None], "cited_doc": ["x", None, "z"]})
    found = pd.DataFrame({"doc": ["a", "a", "a"], "char_start": [11, 50, 300], "text": ["《x》", "《y》", "《w》"],
                          "cited_article": [None, "第二条", None], "cited_doc": ["x", "y", None]})
    scores, details = score(found, gold)
    s = scores.set_index("scope")
    assert (s.loc["found", "tp"], s.loc["found", "fp"], s.loc["found", "fn"]) == (2, 1, 1)
    assert (s.loc["resolved", "tp"], s.loc["resolved", "fp"], s.loc["resolved", "fn"]) == (1, 1, 1)
    assert s.loc["article", "tp"] == 2
    assert set(details["problem"]) == {"missed citation", "cited document", "false citation"}


def test_seed_citations_meet_the_thresholds():
    """The citations section on the published tables: the cited documents at P/R ≥ 0.95 on the test split."""
    from policykit.evaluation import gold_dir
    from policykit.evaluation.citations import evaluate

    if not (config.PROCESSED_DIR / "citations.parquet").is_file():
        pytest.skip("data/processed not built yet")
    section = evaluate(config.PROCESSED_DIR, gold_dir())
    assert section.failures() == [], section.failures()
