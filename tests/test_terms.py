"""Tests of the terms stage: tokenising, term frequencies, keyness and KWIC."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from policykit import config
from policykit.analysis import terms
from policykit.errors import InputError
from policykit.ingest.documents import version_pairs
from policykit.schema import table


def _docs(*rows: tuple[str, str, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "kind", "related_doc_id", "text"])


def _provs(*rows: tuple[str, str, str | None, int, str, int, int]) -> pd.DataFrame:
    columns = ["doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end"]
    return pd.DataFrame(rows, columns=columns)


# --- resources and tokenising -----------------------------------------------------------------


def test_resources_load_and_are_curated():
    """Every domain term has a reason, there are enough of them, and none is a stopword."""
    assert len(terms.domain_terms()) >= 60
    expected = {"数据要素", "数据要素×", "公共数据", "授权运营", "数据二十条", "可信数据空间"}
    assert expected <= set(terms.domain_terms())
    assert not set(terms.domain_terms()) & terms.stopwords()
    assert {"我们", "以及", "进一步", "征求意见稿"} <= terms.stopwords()


def test_every_domain_term_stays_whole_in_context():
    """'在' + term + '的' -> [term] for every term of the dictionary."""
    broken = {t: got for t in terms.domain_terms() if (got := terms.tokenize(f"在{t}的")) != [t]}
    assert broken == {}


def test_tokenize_filters_punctuation_numbers_latin_and_stopwords():
    """'发挥数据要素乘数效应，到2026年底，30%的Data h2 AI 5G 95ZB 二十' -> domain terms, AI, 5G.

    2026年底, 30%, 95ZB are quantities (one token each, never content terms).
    """
    got = terms.tokenize("发挥数据要素乘数效应，到2026年底，30%的Data h2 AI 5G 95ZB 二十")
    assert got == ["发挥", "数据要素", "乘数效应", "AI", "5G"]
    spans = terms.tokenize_spans("到2026年底，培育300个以上", filtered=False)
    assert [t for t, _, _ in spans] == ["到", "2026年底", "，", "培育", "300个", "以上"]


@pytest.mark.parametrize(("text", "tokens"), [
    # a bound suffix does not glue to the longest match
    ("推进数据要素市场化配置改革", "推进 数据要素 市场化 配置 改革"),
    ("培育数据要素市场", "培育 数据要素市场"),
    ("政务数据共享", "政务数据 共享"),  # a general word (数据共享) does not hide a domain term
    ("公共数据标注", "公共数据 标注"),
    ("数据要素×工业制造", "数据要素× 工业制造"),  # renamed sectors stay whole
    ("数据要素×城市治理和智慧农业", "数据要素× 城市治理 和 智慧农业"),
    ("披露了数据资源入表金额", "披露 了 数据资源 入表 金额"),
    ("设立首席数据官", "设立 首席数据官"),
    ("促进数据有序跨境流动", "促进 数据 有序 跨境 流动"),  # no word-order dependent compound
    ("数据跨境有序流动", "数据 跨境 有序 流动"),
    ("数据要素型企业", "数据要素 型 企业"),
    ("大数据集中", "大数据 集中"),  # a short term is weighed against the words around it
])
def test_domain_segmentation_follows_the_codebook(text, tokens):
    """Worked examples of docs/codebook-terms.md 1.2-1.5 (unfiltered tokens)."""
    assert [t for t, _, _ in terms.tokenize_spans(text, filtered=False)] == tokens.split()


def test_every_domain_term_entry_has_a_reason_and_no_compositional_leftovers():
    """Entries removed as compositional stay out (their concepts are counted by the concepts stage)."""
    removed = {"跨境流动", "数据要素市场化", "数据价值", "数据要素价值", "公共数据资源", "数据资源入表"}
    assert not removed & set(terms.domain_terms())


def test_protected_term_with_times_sign():
    """'实施“数据要素×”行动' keeps 数据要素× whole although × is not a jieba word character."""
    assert terms.tokenize("实施“数据要素×”行动") == ["实施", "数据要素×", "行动"]


def test_tokenize_spans_offsets_are_lossless():
    """Unfiltered spans tile the text; filtered spans point at their terms."""
    text = "我们要进一步推进公共数据资源授权运营。\n到2025年，数据产业增长20%！"
    spans = terms.tokenize_spans(text, filtered=False)
    assert "".join(t for t, _, _ in spans) == text
    assert all(text[s:e] == t for t, s, e in spans)
    assert [e for _, _, e in spans[:-1]] == [s for _, s, _ in spans[1:]]
    filtered = terms.tokenize_spans(text)
    assert [t for t, _, _ in filtered] == terms.tokenize(text)
    assert ("公共数据", 8, 12) in filtered and ("资源", 12, 14) in filtered


def test_private_tokenizer_leaves_global_jieba_alone():
    """The global jieba dictionary does not learn the domain terms; the cache is in the project."""
    import jieba

    terms.tokenize("可信数据空间")
    assert "可信数据空间" not in jieba.dt.FREQ
    assert (config.CACHE_DIR / "jieba").is_dir()


def test_tokenize_is_deterministic():
    """Same input, same output."""
    text = "构建以数据为关键要素的数字经济，推动数据要素高水平应用。"
    assert terms.tokenize(text) == terms.tokenize(text)


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


def test_kwic_respects_word_boundaries_and_provisions():
    r"""'数据' in '数据要素' is not a hit; the hit in '数据很多' sits in provision 1.1.

    text: '数据要素很重要。\n数据很多' -> one line: left '数据要素很重要。 ' (newline shown as space),
    keyword 数据, right '很多', char_start 9.
    """
    text = "数据要素很重要。\n数据很多"
    docs = _docs(("a", "policy", None, text))
    provs = _provs(("a", "1", None, 1, "数据要素很重要。\n", 0, 9), ("a", "1.1", "1", 2, "数据很多", 9, 13))
    got = terms.kwic("数据", documents=docs, provisions=provs, window=20)
    assert got.to_dict("records") == [
        {"doc_id": "a", "provision_id": "1.1", "left": "数据要素很重要。 ",
         "keyword": "数据", "right": "很多", "char_start": 9},
    ]
    assert len(terms.kwic("数据要素", documents=docs, provisions=provs, window=2)) == 1
    assert terms.kwic("数据要素", documents=docs, provisions=provs, window=2).right[0] == "很重"


def test_kwic_phrase_of_several_words_and_doc_filter():
    """A phrase spanning two tokens matches; docs restricts the documents searched."""
    docs = _docs(("a", "policy", None, "推动数据要素高水平应用"), ("b", "policy", None, "数据要素高水平"))
    provs = _provs(("a", "0", None, 1, "推动数据要素高水平应用", 0, 11))
    got = terms.kwic("数据要素高水平", docs=["a"], documents=docs, provisions=provs)
    assert list(got.doc_id) == ["a"] and got.char_start[0] == 2 and got.left[0] == "推动"
    with pytest.raises(InputError, match="unknown doc_id"):
        terms.kwic("数据", docs=["zz"], documents=docs, provisions=provs)


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
    counts = Counter(terms.tokenize(str(doc.text)))
    hits = terms.kwic("数据要素", docs=[doc.doc_id], documents=documents, provisions=provisions)
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
    """policykit.kwic without documents/provisions reads data/processed; terms.kwic itself reads no file."""
    import policykit

    documents, provisions = published, policykit.load("provisions")
    drafts = sorted(documents.doc_id[documents.kind == "draft"])
    got = policykit.kwic("乘数效应", docs=drafts, window=5)
    assert got.equals(terms.kwic("乘数效应", drafts, 5, documents=documents, provisions=provisions))
    with pytest.raises(TypeError):
        terms.kwic("乘数效应", drafts, 5)  # type: ignore[call-arg]
    assert len(got) > 0 and (got.keyword == "乘数效应").all()
    assert got.equals(got.sort_values(["doc_id", "char_start"]).reset_index(drop=True))


def test_resource_line_without_reason_is_input_error(tmp_path):
    """'数据要素' with no reason column -> InputError naming the file and the line."""
    bad = tmp_path / "terms.tsv"
    bad.write_text("term\treason\n数据要素\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms.tsv: line 2"):
        terms._read_tsv_column(bad, "term")


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


def test_rjieba_cuts_exactly_like_jieba():
    """The fast segmenter reproduces jieba token for token on policy text with the domain dictionary."""
    text = ("为深入贯彻落实党的二十大精神，发挥数据要素乘数效应，推动数据跨境有序流动，支持工业制造类企业融合设计、"
            "仿真、实验验证数据，培育一批数据商和第三方专业服务机构。到2026年底，数据产业年均增速超过20%，"
            "大数据集中存储，入表企业超过18家，数据集和大模型的训练数据。")
    pieces = [p for p in terms._protected().split(text) if p]
    assert [list(terms._cutter().cut(p, False)) for p in pieces] == [terms.jieba_cut(p) for p in pieces]


def test_suffixed_words_answer_as_the_jieba_dictionary() -> None:
    terms._suffixed_words.cache_clear()
    words = terms._suffixed_words()  # built without keeping a tokenizer
    freq = terms._tokenizer().FREQ
    candidates = {t[c:] + s for t in terms.domain_terms() if terms._is_pinned(t) for c in range(len(t) - 1, 1, -1)
                  for s in terms.BOUND_SUFFIXES}
    assert words and words == {w for w in candidates if freq.get(w, 0) > 0}
