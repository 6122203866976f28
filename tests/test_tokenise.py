"""Tokenising: the domain dictionary, stopwords, content terms and jieba/rjieba agreement."""

from __future__ import annotations

import pytest

from policykit import config
from policykit.analysis import tokenise, vocabulary
from policykit.errors import InputError


def test_resources_load_and_are_curated():
    """Every domain term has a reason, there are enough of them, and none is a stopword."""
    assert len(vocabulary.domain_terms()) >= 60
    expected = {"数据要素", "数据要素×", "公共数据", "授权运营", "数据二十条", "可信数据空间"}
    assert expected <= set(vocabulary.domain_terms())
    assert not set(vocabulary.domain_terms()) & vocabulary.stopwords()
    assert {"我们", "以及", "进一步", "征求意见稿"} <= vocabulary.stopwords()


def test_every_domain_term_stays_whole_in_context():
    """'在' + term + '的' -> [term] for every term of the dictionary."""
    broken = {t: got for t in vocabulary.domain_terms() if (got := tokenise.tokenize(f"在{t}的")) != [t]}
    assert broken == {}


def test_tokenize_filters_punctuation_numbers_latin_and_stopwords():
    """'发挥数据要素乘数效应，到2026年底，30%的Data h2 AI 5G 95ZB 二十' -> domain terms, AI, 5G.

    2026年底, 30%, 95ZB are quantities (one token each, never content terms).
    """
    got = tokenise.tokenize("发挥数据要素乘数效应，到2026年底，30%的Data h2 AI 5G 95ZB 二十")
    assert got == ["发挥", "数据要素", "乘数效应", "AI", "5G"]
    spans = tokenise.tokenize_spans("到2026年底，培育300个以上", filtered=False)
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
    assert [t for t, _, _ in tokenise.tokenize_spans(text, filtered=False)] == tokens.split()


def test_every_domain_term_entry_has_a_reason_and_no_compositional_leftovers():
    """Entries removed as compositional stay out (their concepts are counted by the concepts stage)."""
    removed = {"跨境流动", "数据要素市场化", "数据价值", "数据要素价值", "公共数据资源", "数据资源入表"}
    assert not removed & set(vocabulary.domain_terms())


def test_protected_term_with_times_sign():
    """'实施“数据要素×”行动' keeps 数据要素× whole although × is not a jieba word character."""
    assert tokenise.tokenize("实施“数据要素×”行动") == ["实施", "数据要素×", "行动"]


def test_tokenize_spans_offsets_are_lossless():
    """Unfiltered spans tile the text; filtered spans point at their terms."""
    text = "我们要进一步推进公共数据资源授权运营。\n到2025年，数据产业增长20%！"
    spans = tokenise.tokenize_spans(text, filtered=False)
    assert "".join(t for t, _, _ in spans) == text
    assert all(text[s:e] == t for t, s, e in spans)
    assert [e for _, _, e in spans[:-1]] == [s for _, s, _ in spans[1:]]
    filtered = tokenise.tokenize_spans(text)
    assert [t for t, _, _ in filtered] == tokenise.tokenize(text)
    assert ("公共数据", 8, 12) in filtered and ("资源", 12, 14) in filtered


def test_private_tokenizer_leaves_global_jieba_alone():
    """The global jieba dictionary does not learn the domain terms; the cache is in the project."""
    import jieba

    tokenise.tokenize("可信数据空间")
    tokenise.jieba_cut("可信数据空间")  # tokenize cuts with rjieba; jieba's own tokenizer is the reference
    assert "可信数据空间" not in jieba.dt.FREQ
    assert (config.CACHE_DIR / "jieba").is_dir()


def test_tokenize_is_deterministic():
    """Same input, same output."""
    text = "构建以数据为关键要素的数字经济，推动数据要素高水平应用。"
    assert tokenise.tokenize(text) == tokenise.tokenize(text)


def test_resource_line_without_reason_is_input_error(tmp_path):
    """'数据要素' with no reason column -> InputError naming the file and the line."""
    bad = tmp_path / "terms.tsv"
    bad.write_text("term\treason\n数据要素\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms.tsv: line 2"):
        vocabulary._read_tsv_column(bad, "term")


def test_rjieba_cuts_exactly_like_jieba():
    """The fast segmenter reproduces jieba token for token on policy text with the domain dictionary."""
    text = ("为深入贯彻落实党的二十大精神，发挥数据要素乘数效应，推动数据跨境有序流动，支持工业制造类企业融合设计、"
            "仿真、实验验证数据，培育一批数据商和第三方专业服务机构。到2026年底，数据产业年均增速超过20%，"
            "大数据集中存储，入表企业超过18家，数据集和大模型的训练数据。")
    pieces = [p for p in tokenise._protected().split(text) if p]
    assert [list(tokenise._cutter().cut(p, False)) for p in pieces] == [tokenise.jieba_cut(p) for p in pieces]


def test_suffixed_words_answer_as_the_jieba_dictionary() -> None:
    tokenise._suffixed_words.cache_clear()
    words = tokenise._suffixed_words()  # built without keeping a tokenizer
    freq = tokenise._tokenizer().FREQ
    pinned = [t for t in vocabulary.domain_terms() if tokenise._is_pinned(t)]
    candidates = {t[c:] + s for t in pinned for c in range(len(t) - 1, 1, -1) for s in tokenise.BOUND_SUFFIXES}
    assert words and words == {w for w in candidates if freq.get(w, 0) > 0}


def test_article_numbers_are_not_terms():
    from policykit.analysis.tokenise import is_content_term

    for label in ("第五十八条", "第三章", "第二节", "第一款", "第四项", "第12条"):
        assert not is_content_term(label), label
    assert is_content_term("数据要素") and is_content_term("第三方")


def test_jieba_dictionary_is_the_file_jieba_reads() -> None:
    """The dictionary file found without importing jieba is the one jieba's tokenizer opens."""
    import jieba

    with jieba.Tokenizer().get_dict_file() as fh:
        assert tokenise.jieba_dictionary().read_bytes() == fh.read()
