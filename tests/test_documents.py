"""The documents and witnesses tables on constructed inputs and on the corpus."""

from __future__ import annotations

from pathlib import Path

from policykit.catalog import Entry
from policykit.documents import build_corpus, issuer_from_title
from policykit.sources import Source

BODY = ("一、总体要求\n\n坚持问题导向，推动数据要素市场化配置改革。\n\n二、重点任务\n\n加强数据供给，提升数据质量。\n"
        + "各地区要结合实际制定具体措施，加强统筹协调，形成工作合力，确保取得实效。\n" * 3)


def _src(name: str, text: str) -> Source:
    return Source(Path(name), text, "0" * 64, len(text.encode()), "utf-8", "lf", None, False)


def _catalog(**kw) -> list[Entry]:
    base = dict(doc_id="plan-2024", match_title="数据产业行动计划", match_opening=None, title_en="Data industry plan",
                issuer=None, doc_number=None, doc_number_basis=None, date_published="2024-01-04",
                date_published_basis="gov.cn")
    base.update(kw)
    return [Entry(**base)]


def test_witnesses_merged_and_catalog_applied() -> None:
    """Two copies -> one document, two witnesses; catalog id and dated basis; draft linked to final."""
    final = "数据产业行动计划\n\n" + BODY
    draft = "数据产业行动计划（征求意见稿）\n\n" + BODY.replace("提升", "提高") + "新增一条措施。\n"
    corpus = build_corpus([_src("a.txt", final), _src("b.txt", draft + "\n" + final.replace("数据", "數據"))],
                          _catalog())
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["plan-2024", "n_witnesses"] == 2
    assert docs.loc["plan-2024", "date"] == "2024-01-04" and docs.loc["plan-2024", "date_basis"] == "catalog"
    drafts = docs[docs.kind == "draft"]
    assert len(drafts) == 1 and drafts.iloc[0]["related_doc_id"] == "plan-2024"
    assert drafts.index[0].startswith("doc-")
    w = corpus.witnesses[corpus.witnesses.doc_id == "plan-2024"]
    assert w.is_primary.sum() == 1
    assert (w.agreement >= 0.999).all()


def test_text_date_wins_over_catalog() -> None:
    """A date line in the text is used, with basis text."""
    text = "数据产业行动计划\n\n" + BODY + "\n国家数据局\n2023年12月31日\n"
    docs = build_corpus([_src("a.txt", text)], _catalog()).documents
    assert docs.loc[0, "date"] == "2023-12-31" and docs.loc[0, "date_basis"] == "text"


def test_catalog_period_without_a_day() -> None:
    """A catalog that knows only the month gives period, not date; a text date gives both."""
    text = "数据产业行动计划\n\n" + BODY
    docs = build_corpus([_src("a.txt", text)], _catalog(date_published=None, period="2023-09",
                                                        date_basis="published September 2023, day unverified")).documents
    assert docs.loc[0, "date"] is None and docs.loc[0, "period"] == "2023-09" and docs.loc[0, "date_basis"] == "catalog"
    dated = build_corpus([_src("a.txt", text + "\n2023年12月31日\n")], _catalog()).documents
    assert dated.loc[0, "period"] == "2023-12"


def test_issuer_from_title() -> None:
    """Issuers are the bodies named before 关于."""
    assert issuer_from_title("国家发展改革委 国家数据局关于建立机制的通知") == "国家发展改革委、国家数据局"
    assert issuer_from_title("数字经济促进共同富裕实施方案") is None


def test_corpus_documents(built) -> None:
    """The corpus: 18 documents, the final plan twice (simplified + traditional, agreement ≥ 0.999)."""
    docs = built.tables["documents"].set_index("doc_id")
    wit = built.tables["witnesses"]
    assert len(docs) == 18
    assert docs.kind.value_counts().to_dict() == {"policy": 10, "notice": 2, "news": 2, "report": 2,
                                                  "draft": 1, "interpretation": 1}
    plan = wit[wit.doc_id == "data-x-action-plan-2024"]
    assert sorted(plan.script) == ["hans", "hant"]
    assert plan.agreement.min() >= 0.999
    assert docs.loc["data-x-action-plan-draft-2023", "related_doc_id"] == "data-x-action-plan-2024"
    assert docs.loc["explainer-data-x-action-plan-draft-2023", "related_doc_id"] == "data-x-action-plan-draft-2023"
    assert set(docs[docs.n_witnesses == 2].index) == {
        "public-data-opinions-2024", "data-twenty-articles-2022", "data-circulation-security-plan-2025",
        "digital-government-opinions-2022", "data-x-action-plan-2024"}
    assert docs.loc["data-elements-report-untitled", "title_assigned"]
    # a date is either stated by the text or has a catalog basis; never invented
    dated = docs[docs.date.notna()]
    assert dated.date_basis.isin(["text", "catalog"]).all() and dated.date_note.notna().all()
    assert docs.loc["data-industry-opinions-2024", "date"] is None or \
        str(docs.loc["data-industry-opinions-2024", "date"]) in ("None", "<NA>", "nan")
