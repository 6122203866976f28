"""Tests of the concepts stage: the curated list, mention matching and the concepts tables."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit.analysis import concepts
from policykit.errors import InputError
from policykit.schema import table


def _docs(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "text"])


def _provs(*rows: tuple[str, str, str | None, int, str, int, int]) -> pd.DataFrame:
    columns = ["doc_id", "provision_id", "parent_id", "level", "text", "char_start", "char_end"]
    return pd.DataFrame(rows, columns=columns)


def test_curated_list_has_reasons_and_the_core_concepts():
    """Every concept has a label, a known category and a reason; the five headline concepts are there."""
    listed = {c.concept: c for c in concepts.concepts()}
    assert {"数据要素", "公共数据", "授权运营", "数据资产", "政务数据", "数据要素市场", "入表"} <= set(listed)
    for c in listed.values():
        assert c.label_en and c.reason and c.category in concepts.CATEGORIES


def test_a_mention_counts_for_every_concept_it_expresses():
    """'培育数据要素市场' -> one mention of 数据要素 and one of 数据要素市场, at their offsets."""
    found = concepts.mentions("培育数据要素市场")
    assert ("数据要素", 2, 6) in found
    assert ("数据要素市场", 2, 8) in found


def test_compounds_and_variants_are_counted():
    """数据要素 inside 数据要素×/数据要素型企业 counts; variants (数据确权, 数据有序跨境) map to their concept."""
    text = "实施“数据要素×”行动，培育数据要素型企业，推进数据确权，促进数据有序跨境流动和数据跨境流动。"
    assert concepts.count(text, "数据要素") == 2
    assert concepts.count(text, "数据产权") == 1
    assert concepts.count(text, "数据跨境") == 2


def test_latin_acronym_only_as_a_word():
    """AI and AIGC are mentions of 人工智能; the AI inside OpenAI is not."""
    assert concepts.count("发展AI和AIGC，OpenAI发布", "人工智能") == 2


def test_unknown_concept_is_a_clear_error():
    """count() of a concept not in the list names the list."""
    with pytest.raises(InputError, match="concepts.tsv"):
        concepts.count("数据", "不存在的概念")


@pytest.mark.parametrize(("line", "reason"), [
    ("数据要素\t数据要素\tdata elements\tdata_element", "5 non-empty"),
    ("数据要素\t数据(要素\tdata elements\tdata_element\tr", "bad pattern"),
    ("数据要素\ta?\tdata elements\tdata_element\tr", "empty string"),
    ("数据要素\t数据要素\tdata elements\tnonsense\tr", "unknown category"),
])
def test_bad_concepts_file_names_file_and_line(tmp_path, line, reason):
    """A malformed line gives a one-line InputError with the file and the line number."""
    path = tmp_path / "concepts.tsv"
    path.write_text("concept\tpatterns\tlabel_en\tcategory\treason\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"concepts.tsv.*line 2.*{reason}"):
        concepts.read_concepts(path)


def test_tables_count_per_document_and_top_level_provision():
    """Mentions land in the top-level provision holding them; scopes add up to the document; rates per 10k."""
    text = "序言数据要素。\n一、公共数据授权运营\n（一）数据要素市场和公共数据"
    docs = _docs(("a", text))
    provs = _provs(("a", "0", None, 0, "序言数据要素。", 0, 7),
                   ("a", "1", None, 1, "一、公共数据授权运营", 8, 18),
                   ("a", "1.1", "1", 2, "（一）数据要素市场和公共数据", 19, 33))
    out = concepts.build_tables(docs, provs)
    counts, rows = out["concepts"], out["concept_mentions"]
    assert list(counts.columns) == table("concepts").columns
    assert list(rows.columns) == table("concept_mentions").columns
    got = counts.set_index(["scope", "concept"])["count"]
    assert got[("document", "数据要素")] == 2
    assert got[("0", "数据要素")] == 1 and got[("1", "数据要素")] == 1
    assert got[("1", "公共数据")] == 2 and got[("1", "授权运营")] == 1
    assert ("document", "数据资产") not in got.index and (got > 0).all()  # a row per mentioned concept only
    doc = counts[counts["scope"] == "document"].set_index("concept")
    assert doc.loc["数据要素", "n_nonspace_chars"] == len("".join(text.split()))
    assert doc.loc["数据要素", "per_10k"] == pytest.approx(2 / doc.loc["数据要素", "n_nonspace_chars"] * 10_000)
    for _, r in rows.iterrows():
        assert r["text"] == text[r["char_start"]:r["char_end"]]
    assert counts.equals(concepts.build_tables(docs, provs)["concepts"])


def test_missing_columns_are_a_clear_error():
    """Tables without the needed columns give an InputError naming the table."""
    with pytest.raises(InputError, match="provisions"):
        concepts.build_tables(_docs(("a", "数据要素")), pd.DataFrame({"doc_id": ["a"]}))


def test_built_counts_equal_string_counts(any_built):
    """In a built corpus every literal concept's document count equals str.count on the text.

    (The seed corpus's count of 数据要素 in the final plan is a fact in tests/snapshot.json.)
    """
    documents = any_built.tables["documents"]
    counts = any_built.tables["concepts"]
    doc = counts[counts["scope"] == "document"].set_index(["doc_id", "concept"])["count"]
    assert sum(t.count("数据要素") for t in documents["text"]) > 0
    for name in ("数据要素", "公共数据", "授权运营", "数据资产", "政务数据"):
        got = sum(int(doc.get((d, name), 0)) for d in documents["doc_id"])  # a mentioned concept has a row
        assert got == sum(t.count(name) for t in documents["text"]), name


def test_versus_tokens_measures_what_token_counts_miss():
    """数据要素 inside 数据要素× is a mention but not a 数据要素 token: half of two mentions missed."""
    from policykit.analysis import terms

    text = "实施数据要素×行动，发挥数据要素作用。"
    docs = pd.DataFrame({"doc_id": ["a"], "kind": ["policy"], "related_doc_id": [None], "text": [text]})
    provs = _provs(("a", "0", None, 0, text, 0, len(text)))
    out = concepts.versus_tokens(concepts.build_tables(docs, provs)["concepts"],
                                 terms.build_term_frequencies(docs, provs), ["数据要素"])
    row = out.iloc[0]
    assert (row["mentions"], row["tokens"], row["missed_pct"]) == (2, 1, 50.0)


def test_kwic_within_words_finds_every_mention_the_concepts_table_counts():
    """kwic(..., whole_words=False) lists as many lines as concept mentions; whole words only, fewer."""
    from policykit.analysis.kwic import kwic

    text = "实施数据要素×行动，培育数据要素市场，发挥数据要素作用。"
    docs = pd.DataFrame({"doc_id": ["a"], "text": [text]})
    provs = pd.DataFrame({"doc_id": ["a"], "provision_id": ["0"], "level": [0], "char_start": [0],
                          "char_end": [len(text)]})
    every = kwic("数据要素", documents=docs, provisions=provs, whole_words=False)
    assert len(every) == concepts.count(text, "数据要素") == 3
    assert len(kwic("数据要素", documents=docs, provisions=provs)) == 1


def test_dense_length_counts_what_isspace_does_not() -> None:
    """The scope sizes count every code point that is not str.isspace (the regular expression agrees on all)."""
    import sys

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert concepts._dense_len(every) == sum(1 for ch in every if not ch.isspace())
    assert concepts._dense_len(" 数据\u3000要素\n") == 4


def test_dense_counts_have_every_scope_and_concept() -> None:
    """The dense view: every scope times every concept, the table's counts where it has a row, else 0."""
    text = "序言数据要素。\n一、公共数据授权运营\n（一）数据要素市场和公共数据\n二、附则"
    docs = _docs(("a", text), ("b", "无关的文字"))
    provs = _provs(("a", "0", None, 0, "序言数据要素。", 0, 7),
                   ("a", "1", None, 1, "一、公共数据授权运营", 8, 18),
                   ("a", "1.1", "1", 2, "（一）数据要素市场和公共数据", 19, 33),
                   ("a", "2", None, 1, "二、附则", 34, 38))
    lean = concepts.build_tables(docs, provs)["concepts"]
    dense = concepts.dense_counts(lean, docs, provs)
    n = len(concepts.concepts())
    assert len(dense) == 5 * n  # a: document, 0, 1, 2; b: document
    assert list(dense.columns) == list(lean.columns) and (dense.dtypes == lean.dtypes).all()
    mentioned = dense[dense["count"] > 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(mentioned, lean)
    zero = dense.set_index(["doc_id", "scope", "concept"])
    assert zero.loc[("a", "2", "数据要素"), "count"] == 0 and zero.loc[("a", "2", "数据要素"), "per_10k"] == 0
    assert zero.loc[("a", "2", "数据要素"), "n_nonspace_chars"] == len("二、附则")
    assert zero.loc[("b", "document", "公共数据"), "n_nonspace_chars"] == len("无关的文字")
    assert sorted(set(lean["doc_id"])) == ["a"]  # b mentions nothing: no row in the published table


def test_built_dense_counts_equal_string_counts(any_built) -> None:
    """On a built corpus the dense view has a document row for every document and concept, counts as str.count."""
    t = any_built.tables
    dense = concepts.dense_counts(t["concepts"], t["documents"], t["provisions"])
    doc = dense[dense["scope"] == "document"].set_index(["doc_id", "concept"])["count"]
    assert len(doc) == len(t["documents"]) * len(concepts.concepts())
    for name in ("数据要素", "公共数据", "数据资产"):
        for d, text in zip(t["documents"]["doc_id"], t["documents"]["text"], strict=True):
            assert doc[(d, name)] == text.count(name), (d, name)
