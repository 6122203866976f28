"""The documents and witnesses tables on constructed inputs and on the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykit.ingest.catalog import Entry
from policykit.ingest.documents import build_corpus, issuer_from_title
from policykit.ingest.sources import Source

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
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", drafts.index[0]) and "xingdongjihua" in drafts.index[0]  # readable
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
    catalog = _catalog(date_published=None, period="2023-09", date_basis="published September 2023, day unverified")
    docs = build_corpus([_src("a.txt", text)], catalog).documents
    assert docs.loc[0, "date"] is None and docs.loc[0, "period"] == "2023-09" and docs.loc[0, "date_basis"] == "catalog"
    dated = build_corpus([_src("a.txt", text + "\n2023年12月31日\n")], _catalog()).documents
    assert dated.loc[0, "period"] == "2023-12"


def test_issuer_from_title() -> None:
    """Issuers are the bodies named before 关于."""
    assert issuer_from_title("国家发展改革委 国家数据局关于建立机制的通知") == "国家发展改革委、国家数据局"
    assert issuer_from_title("数字经济促进共同富裕实施方案") is None


def test_every_date_has_its_basis(any_built) -> None:
    """A date is either stated by the text or has a catalog basis, never invented.

    `date` is the signed, else published, else effective date. (Facts about the seed corpus's documents,
    families and dates are in tests/snapshot.json.)
    """
    docs = any_built.tables["documents"]
    dated = docs[docs.date.notna()]
    assert len(dated) > 0
    assert dated.date_basis.isin(["text", "catalog"]).all() and dated.date_note.notna().all()
    for kind in ("signed", "published", "effective"):
        stated = docs[docs[f"date_{kind}"].notna()]
        assert stated[f"date_{kind}_basis"].str.match(r"^(text|catalog): ").all()
    assert all(r.date == r[f"date_{r.date_type}"] for _, r in dated.iterrows())


def test_removed_markup_is_counted_on_the_witness_own_lines(any_built) -> None:
    """Removed markup per raw file: the witnesses' counts add up to the audit's markup characters."""
    wit, audit = any_built.tables["witnesses"], any_built.tables["audit"]
    markup = audit[audit.category == "markup"].groupby("source_file").n_chars.sum()
    assert markup.sum() > 0
    by_file = wit.groupby("source_file").removed_markup.sum()
    assert by_file[by_file > 0].to_dict() == markup[markup > 0].to_dict()


def test_versions_not_merged_and_ids_from_content() -> None:
    """Two versions of one title, dated apart: two documents of one family, ordered by date.

    Their ids do not depend on the order of the files.
    """
    old = "数据产业促进条例\n\n2020年4月10日 市人民代表大会常务委员会会议通过\n\n" + BODY
    new = ("数据产业促进条例\n\n2020年4月10日 市人民代表大会常务委员会会议通过\n\n"
           "2024年9月27日 市人民代表大会常务委员会会议修正\n\n" + BODY.replace("提升", "提高"))
    docs = build_corpus([_src("a.txt", new), _src("b.txt", old)], []).documents.set_index("doc_id")
    swapped = build_corpus([_src("a.txt", old), _src("b.txt", new)], []).documents.set_index("doc_id")
    assert len(docs) == 2 and sorted(docs.index) == sorted(swapped.index)
    assert docs.family_id.nunique() == 1
    by_date = docs.sort_values("date")
    assert list(by_date.version) == [1, 2] and list(by_date.date) == ["2020-04-10", "2024-09-27"]
    assert list(by_date.form) == ["条例", "条例"] and set(by_date.kind) == {"policy"}


def test_raw_files_list_each_file_with_its_witnesses() -> None:
    """Corpus.raw_files: every file read, in order, with (doc_id, witness, is_primary) and what was dropped."""
    final = "数据产业行动计划\n\n" + BODY
    corpus = build_corpus([_src("a.txt", final), _src("b.txt", final.replace("数据", "數據"))], _catalog())
    files = list(corpus.raw_files())
    assert [f.source.name for f in files] == ["a.txt", "b.txt"]
    assert [(d, primary) for f in files for d, _, primary in f.witnesses] == [("plan-2024", True),
                                                                             ("plan-2024", False)]
    assert all(w.source is f.source for f in files for _, w, _ in f.witnesses)


def test_corpus_witnesses_keep_no_offset_maps_and_raw_files_restores_them() -> None:
    """Witnesses of a built corpus hold no per-character offsets; raw_files segments each file again to get them."""
    final = "数据产业行动计划\n\n" + BODY
    corpus = build_corpus([_src("a.txt", final), _src("b.txt", final.replace("数据", "數據"))], _catalog())
    kept = [w for group in corpus.groups.values() for w in group]
    assert kept and all(w.origin is None and not w.dropped for w in kept)
    again = [w for f in corpus.raw_files() for _, w, _ in f.witnesses]
    assert [(w.text, w.raw_start, w.raw_end) for w in again] == [(w.text, w.raw_start, w.raw_end) for w in kept]
    assert all(len(w.origin) == len(w.text) for w in again)
    kept[0].text += "。"  # a witness that segmenting its file again no longer gives
    with pytest.raises(RuntimeError, match="another witness"):
        list(corpus.raw_files())


def test_policies_join_derived_documents_to_the_family_they_cover():
    """A notice of the final and an explainer of the draft share the policy of the draft and final; others their own."""
    import pandas as pd

    from policykit.ingest.documents import policies

    d = pd.DataFrame({"doc_id": ["draft", "final", "notice", "explainer", "other"],
                      "family_id": ["family-a", "family-a", "family-n", "family-e", "family-o"],
                      "related_doc_id": ["final", None, "final", "draft", None]})
    assert policies(d) == ["policy-a", "policy-a", "policy-a", "policy-a", "policy-o"]
