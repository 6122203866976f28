"""Tests of the terms stage: tokenising, term frequencies, keyness and KWIC."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest
from tiny_tables import doc_rows as _docs
from tiny_tables import provision_rows as _provs

from policykit import config
from policykit.analysis import terms, tokenise
from policykit.analysis.kwic import kwic
from policykit.errors import InputError
from policykit.ingest.documents import version_pairs
from policykit.schema import table

# --- term frequencies -------------------------------------------------------------------------


def test_build_term_frequencies_counts_ranks_and_tfidf():
    """Two documents; provision 1 of a has a child 1.1 whose text counts towards scope 1.

    a: '数据要素 数据要素 数字经济' (preamble 0 = '数据要素', part 1 = '数据要素' + child '数字经济')
    b: '数字经济 数字政府'
    document a: 数据要素 2 (rank 1), 数字经济 1 (rank 2); rel_freq 2/3, 1/3.
    tfidf, N = 2: 数据要素 in 1 doc -> 2 * ln 2; 数字经济 in both -> 0.
    """
    docs = _docs(
        ("a", "policy", None, "数据要素。数据要素，数字经济。"),
        ("b", "policy", None, "数字经济与数字政府"),
    )
    provs = _provs(
        ("a", "0", None, 1, "数据要素。", 0, 5),
        ("a", "1", None, 1, "数据要素，", 5, 10),
        ("a", "1.1", "1", 2, "数字经济。", 10, 15),
        ("b", "0", None, 1, "数字经济与数字政府", 0, 9),
    )
    tf = terms.build_term_frequencies(docs, provs)
    assert list(tf.columns) == table("term_frequencies").columns
    a_doc = tf[(tf.doc_id == "a") & (tf.scope == "document")].set_index("term")
    assert a_doc["count"].to_dict() == {"数字经济": 1, "数据要素": 2}
    assert a_doc["rank"].to_dict() == {"数据要素": 1, "数字经济": 2}
    assert a_doc.loc["数据要素", "rel_freq"] == pytest.approx(2 / 3)
    assert a_doc.loc["数据要素", "tfidf"] == pytest.approx(2 * math.log(2))
    assert a_doc.loc["数字经济", "tfidf"] == 0
    part1 = tf[(tf.doc_id == "a") & (tf.scope == "1")].set_index("term")["count"].to_dict()
    assert part1 == {"数据要素": 1, "数字经济": 1}
    assert sorted(tf[tf.doc_id == "a"].scope.unique()) == ["0", "1", "document"]
    assert tf.loc[tf.scope != "document", "tfidf"].isna().all()
    assert tf.equals(terms.build_term_frequencies(docs, provs))


def test_rank_ties_are_broken_by_term():
    """'数字政府 数字经济' -> both count 1; 数字政府 < 数字经济 in code-point order gets rank 1."""
    docs = _docs(("a", "policy", None, "数字经济，数字政府"))
    tf = terms.build_term_frequencies(docs, _provs(("a", "0", None, 1, "数字经济，数字政府", 0, 9)))
    got = tf[tf.scope == "document"].set_index("term")["rank"].to_dict()
    assert got == {t: i for i, t in enumerate(sorted(["数字经济", "数字政府"]), 1)}


def test_missing_columns_raise_input_error():
    """A provisions table without parent_id is bad input."""
    docs = _docs(("a", "policy", None, "数据要素"))
    with pytest.raises(InputError, match="table provisions.*parent_id"):
        terms.build_term_frequencies(docs, pd.DataFrame({"doc_id": ["a"], "text": ["x"]}))


# --- keyness ----------------------------------------------------------------------------------


def test_keyness_hand_computed():
    """Corpus A: t 10, w 90 (100 terms); corpus B: t 5, u 4, w 191 (200 terms).

    t: E_a = 100*15/300 = 5, E_b = 200*15/300 = 10;
       G2 = 2 (10 ln(10/5) + 5 ln(5/10)) = 10 ln 2 = 6.9315;
       log ratio = log2((5/200) / (10/100)) = log2(0.25) = -2 -> direction a.
    u: a = 0 -> 0.5; E_a = 4/3, E_b = 8/3; G2 = 2 (4 ln(4 / (8/3))) = 8 ln 1.5 = 3.2437;
       log ratio = log2((4/200) / (0.5/100)) = log2 4 = 2 -> direction b.
    w: G2 = 2 (90 ln(90/93.667) + 191 ln(191/187.333)) = 2 (-3.5940 + 3.7023) = 0.2167.
    Order: u (only in B) first, then t and w by G2 descending.
    """
    k = terms.keyness({"t": 10, "w": 90}, {"t": 5, "u": 4, "w": 191})
    assert list(k.term) == ["u", "t", "w"]
    row = k.set_index("term")
    assert row.loc["t", "g2"] == pytest.approx(10 * math.log(2))
    assert row.loc["t", "log_ratio"] == pytest.approx(-2)
    assert row.loc["t", "direction"] == "a"
    assert row.loc["u", "g2"] == pytest.approx(8 * math.log(1.5))
    assert row.loc["u", "log_ratio"] == pytest.approx(2)
    assert row.loc["u", "direction"] == "b"
    assert (row.loc["u", "count_a"], row.loc["u", "count_b"]) == (0, 4)
    assert row.loc["w", "g2"] == pytest.approx(0.2167, abs=1e-4)


def test_keyness_rejects_empty_corpus():
    """An empty corpus has no relative frequencies."""
    with pytest.raises(InputError):
        terms.keyness({}, {"t": 1})


def test_build_keyness_pairs_drafts_with_finals():
    """Draft d -> final f; a news item relating to f is not a pair; columns as registered."""
    docs = _docs(
        ("d", "draft", "f", "数据要素，数据要素，数字经济"),
        ("f", "policy", None, "数据要素，数字政府，数字政府"),
        ("n", "news", "f", "数字政府"),
    )
    k = terms.build_keyness(docs, None)
    assert list(k.columns) == table("keyness").columns
    assert set(k.pair_id) == {"d__f"}
    row = k.set_index("term")
    assert row.loc["数字政府", "direction"] == "final"
    assert row.loc["数字经济", "direction"] == "draft"
    assert (row.loc["数据要素", "count_draft"], row.loc["数据要素", "count_final"]) == (2, 1)
    assert list(k.term[:2]) == ["数字政府", "数字经济"]  # only-in-one-version first, by G2


def test_build_keyness_unknown_final_is_input_error():
    """A draft pointing at a missing document is bad input."""
    with pytest.raises(InputError, match="unknown document"):
        terms.build_keyness(_docs(("d", "draft", "zz", "数据要素")))


# --- KWIC -------------------------------------------------------------------------------------


# --- the real corpus --------------------------------------------------------------------------


@pytest.fixture()
def corpus(any_built):
    """Return the documents and provisions of a built corpus (the tiny one, and the seed corpus when slow)."""
    return any_built.tables["documents"], any_built.tables["provisions"]


@pytest.fixture(scope="module")
def published():
    """Return the published documents, or skip when they are not built."""
    if not (config.PROCESSED_DIR / "provisions.parquet").is_file():
        pytest.skip("data/processed not built yet")
    from policykit import load

    return load("documents")


def test_real_keyness_has_a_draft_final_pair(corpus):
    """The action plan's draft and final are paired; 数据要素× is counted on both sides."""
    documents, _ = corpus
    k = terms.build_keyness(documents)
    assert k.pair_id.nunique() >= 1
    assert set(k.direction) == {"draft", "final"}
    assert k.groupby("pair_id").term.apply(lambda s: s.is_unique).all()


def test_real_kwic_count_matches_term_frequency(corpus):
    """KWIC finds 数据要素 exactly as often as the document-scope count says."""
    documents, provisions = corpus
    doc = documents.sort_values("doc_id").iloc[0]
    counts = Counter(tokenise.tokenize(str(doc.text)))
    hits = kwic("数据要素", docs=[doc.doc_id], documents=documents, provisions=provisions)
    assert len(hits) == counts["数据要素"] > 0
    assert hits.provision_id.notna().all()


def test_real_provision_scopes_add_up_to_documents(corpus):
    """For the paired documents, the top-level provision scopes sum to (almost all of) the document scope."""
    documents, provisions = corpus
    paired = {d for pair in version_pairs(documents) for d in pair}
    tf = terms.build_term_frequencies(documents[documents.doc_id.isin(paired)], provisions)
    by_doc = tf[tf.scope == "document"].groupby("doc_id")["count"].sum()
    by_scope = tf[tf.scope != "document"].groupby("doc_id")["count"].sum()
    assert (by_scope.reindex(by_doc.index, fill_value=0) <= by_doc).all()
    assert (by_scope / by_doc.loc[by_scope.index]).min() > 0.95
    top = set(zip(provisions.doc_id, provisions.provision_id, strict=True))
    assert {(d, s) for d, s in zip(tf.doc_id, tf.scope, strict=True) if s != "document"} <= top


def test_real_kwic_loads_published_tables(published):
    """policykit.kwic without documents/provisions reads data/processed; kwic itself reads no file."""
    import policykit

    documents, provisions = published, policykit.load("provisions")
    drafts = sorted(documents.doc_id[documents.kind == "draft"])
    got = policykit.kwic("乘数效应", docs=drafts, window=5)
    assert got.equals(kwic("乘数效应", drafts, 5, documents=documents, provisions=provisions))
    with pytest.raises(TypeError):
        kwic("乘数效应", drafts, 5)  # type: ignore[call-arg]
    assert len(got) > 0 and (got.keyword == "乘数效应").all()
    assert got.equals(got.sort_values(["doc_id", "char_start"]).reset_index(drop=True))


def test_top_terms_rank_by_tfidf_keyness_or_count():
    """A word every document uses ranks first by count but not by tf-idf or keyness."""
    docs = _docs(("a", "policy", None, "数据要素数据要素数据要素。支持支持支持支持支持。航运。"),
                 ("b", "policy", None, "支持支持支持。数字经济。"))
    provs = _provs(("a", "0", None, 0, "x", 0, 1), ("b", "0", None, 0, "x", 0, 1))
    tf = terms.build_term_frequencies(docs, provs)
    assert terms.top_terms(tf, "a", 1, by="count")["term"].tolist() == ["支持"]
    assert terms.top_terms(tf, "a", 1, by="tfidf")["term"].tolist() == ["数据要素"]
    assert "支持" not in terms.top_terms(tf, "a", 5, by="tfidf")["term"].head(2).tolist()
    assert terms.top_terms(tf, "a", 1, by="keyness")["term"].tolist() == ["数据要素"]
    with pytest.raises(InputError):
        terms.top_terms(tf, "a", by="tfidf", scope="0")


