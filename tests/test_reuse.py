"""Tests for the reuse stage: shared passages between documents."""

from __future__ import annotations

import pandas as pd
import pytest
from reuse_corpora import BOILER, P14, P15, corpus, filler, index_corpus, slices

from policykit import config
from policykit.analysis.reuse import ReuseParams, build_reuse, build_reuse_pairs, is_content_char, reuse_between
from policykit.errors import InputError
from policykit.schema import DIRECTION_BASES, REUSE_TYPES, table


def test_columns_and_types_are_registered():
    """Two documents sharing nothing -> empty tables with exactly the registered columns."""
    docs, prov = corpus({"a": (None, [filler(0, 0)]), "b": (None, [filler(1, 0)])})
    out = build_reuse(docs, prov)
    assert list(out.columns) == table("reuse").columns
    assert out.empty
    pairs = build_reuse_pairs(out, docs)
    assert list(pairs.columns) == table("reuse_pairs").columns and pairs.empty


def test_minimum_length_just_over_and_under():
    """a: ..P15..P14..  b: ..P14..P15..  -> one row, the 15-character passage; the 14-character one is dropped."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + filler(0, 1) + P14 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + P14 + filler(1, 1) + P15 + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    assert out["shared_text"].tolist() == [P15]
    assert out["length"].tolist() == [15] and out["edit_distance"].tolist() == [0]
    assert build_reuse(docs, prov, min_length=14)["length"].tolist() == [14, 15]


def test_punctuation_does_not_count_but_is_not_hidden():
    """A passage differing only in punctuation is one passage of 29, each side as written, not verbatim."""
    with_comma = P14[:7] + "，" + P14[7:]
    long_a, long_b = P15[:8] + "，" + P15[8:] + P14, P15[:8] + "、" + P15[8:] + P14
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + with_comma + filler(0, 1) + long_a + filler(0, 2)]),
        "b": (None, [filler(1, 0) + with_comma + filler(1, 1) + long_b + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    row = out.iloc[0]
    assert out["length"].tolist() == [29]
    assert (row.source_text, row.target_text, row.edit_distance) == (long_a, long_b, 1)
    assert pd.isna(row.shared_text)  # near-verbatim: never shown as one shared text
    slices(docs, out)
    assert is_content_char("数") and is_content_char("×")
    assert not is_content_char("，") and not is_content_char("\u3000")


def test_gap_merge_keeps_both_sides():
    """Runs of 10 with 甲 in a, 乙乙 in b between them -> one passage of 20 shared characters, 2 differences."""
    left, right = P15[:10], P14[:10]
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1)]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1)]),
    })
    row = build_reuse(docs, prov).iloc[0]
    assert (row.source_text, row.target_text) == (left + "甲" + right, left + "乙乙" + right)
    assert (row.length, row.edit_distance) == (20, 2) and pd.isna(row.shared_text)
    assert build_reuse(docs, prov, max_gap=0).empty


def test_offsets_point_into_the_texts():
    """source/target offsets slice each side out of its document's text."""
    docs, prov = corpus({
        "a": ("2022-01-01", [filler(0, 0), filler(0, 1) + P15 + "，" + P14 + filler(0, 2)]),
        "b": ("2023-01-01", [filler(1, 0) + "　" + P15 + "，" + P14]),
    })
    out = build_reuse(docs, prov)
    row = out.iloc[0]
    slices(docs, out)
    assert row.shared_text == P15 + "，" + P14
    assert (row.source_provision_id, row.target_provision_id) == ("1", "0")
    assert row.reuse_id == f"b:0:a:1:{row.target_char_start:07d}:{row.source_char_start:07d}"


def test_passage_is_cut_at_provision_boundaries():
    """A 30-character match spanning two provisions of the target -> two rows, one per target provision."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + P14 + "达" + filler(0, 1)]),
        "b": (None, [filler(1, 0) + P15, P14 + "达" + filler(1, 1)]),
    })
    out = build_reuse(docs, prov)
    assert sorted(out["target_provision_id"].tolist()) == ["0", "1"]
    assert out["length"].tolist() == [15, 15]


def test_repeated_phrase_gives_one_row_per_target_occurrence():
    """P15 twice in a and twice in b -> two rows (not four), each linked to one occurrence in the other."""
    docs, prov = corpus({
        "a": ("2022-01-01", [filler(0, 0) + P15 + filler(0, 1) + P15 + filler(0, 2)]),
        "b": ("2023-01-01", [filler(1, 0) + P15 + filler(1, 1) + P15 + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    assert len(out) == 2
    assert out["source_char_start"].nunique() == 1
    assert out["target_char_start"].nunique() == 2


def test_formula_suppressed_at_index_time():
    """BOILER in four unrelated documents seeds nothing (formulaic k-grams); P15 only in a and b is substantive."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + filler(0, 1) + P15 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + BOILER + filler(1, 1) + P15 + filler(1, 2)]),
        "c": (None, [filler(2, 0) + BOILER + filler(2, 1)]),
        "d": (None, [filler(3, 0) + BOILER + filler(3, 1)]),
    })
    out = build_reuse(docs, prov)
    assert out["source_text"].tolist() == [P15]
    assert out["type"].tolist() == ["substantive"] and out["doc_frequency"].tolist() == [2]
    # with a higher family threshold the clause is found again, in every pair
    more = build_reuse(docs, prov, min_formula_families=5, max_formula_families=5)
    assert (more["source_text"] == BOILER).sum() == 6


def test_versions_of_one_document_do_not_make_a_formula():
    """BOILER in a final, its draft and news about it (one family) plus one other document -> kept, substantive."""
    docs, prov = corpus(
        {
            "final": (None, [filler(0, 0) + BOILER + filler(0, 1)]),
            "draft": (None, [filler(1, 0) + BOILER + filler(1, 1)]),
            "news": (None, [filler(2, 0) + BOILER + filler(2, 1)]),
            "other": (None, [filler(3, 0) + BOILER + filler(3, 1)]),
            "x": (None, [filler(4, 0)]),
        },
        related={"draft": "final", "news": "final"},
    )
    out = build_reuse(docs, prov)
    assert len(out) == 6 and (out["doc_frequency"] == 4).all()
    assert (out["type"] == "formula").sum() == 0 or set(out["type"]) == {"formula"}  # BOILER is a stock formula
    # family_id and related_doc_id both join documents: distinct family ids do not split related ones
    docs["family_id"] = ["f1", "f2", "f3", "f4", "f5"]
    assert len(build_reuse(docs, prov)) == 6
    # four unrelated families share BOILER: formulaic, it seeds nothing
    assert build_reuse(docs.assign(related_doc_id=None), prov).empty


def test_output_grows_with_borrowing_not_with_shared_formulas():
    """With n documents sharing one clause and pairwise one passage each -> n/2 rows, for n = 8 and 16."""
    def make(n: int):
        docs = {}
        for i in range(n):
            own = "".join(chr(0x6000 + (i // 2) * 20 + j) for j in range(16))  # shared by documents 2k, 2k+1
            docs[f"d{i:02d}"] = (None, [filler(i % 30, i // 30) + P15 + P14 + filler(i % 30, 1 + i // 30) + own])
        return corpus(docs)
    for n in (8, 16):
        out = build_reuse(*make(n))
        assert len(out) == n // 2


def test_short_quoted_phrase_below_the_minimum():
    """A 9-character phrase quoted in a and found in b of another family -> reported; same family -> not."""
    phrase = "谁投入谁贡献谁受益"
    docs, prov = corpus({
        "a": ("2022-12-02", [filler(0, 0) + "坚持“" + phrase + "”原则" + filler(0, 1)]),
        "b": ("2023-09-01", [filler(1, 0) + phrase + filler(1, 1)]),
    })
    out = build_reuse(docs, prov)
    assert out["source_text"].tolist() == [phrase] and out["type"].tolist() == ["quotation"]
    assert out["length"].tolist() == [9]
    slices(docs, out)
    assert build_reuse(docs.assign(related_doc_id=[None, "a"]), prov).empty
    assert build_reuse(docs, prov, min_quote_length=10).empty


def test_deterministic_and_sorted():
    """Same input -> identical output, sorted by reuse_id, ids unique."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + P15 + filler(0, 1)]),
        "b": (None, [filler(1, 0) + P15 + filler(1, 1) + BOILER]),
        "c": (None, [filler(2, 0) + BOILER + P15]),
    })
    one, two = build_reuse(docs, prov), build_reuse(docs.iloc[::-1], prov.iloc[::-1])
    pd.testing.assert_frame_equal(one, two)
    assert one["reuse_id"].is_unique and one["reuse_id"].is_monotonic_increasing


def test_reuse_between_filters_the_pair():
    """reuse_between(a, c) -> only rows between a and c."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + filler(0, 1) + P15]),
        "b": (None, [filler(1, 0) + BOILER + filler(1, 1) + P14 + "达"]),
        "c": (None, [filler(2, 0) + P14 + "达" + filler(2, 1) + P15]),
    })
    out = reuse_between("c", "a", documents=docs, provisions=prov)
    assert set(out["source_doc_id"]) | set(out["target_doc_id"]) == {"a", "c"}
    assert out["source_text"].tolist() == [P15]
    with pytest.raises(InputError):
        reuse_between("a", "nope", documents=docs, provisions=prov)


def test_bad_input_raises_input_error():
    """Missing column, unknown document, offsets out of range, nonsense parameter -> InputError naming the table."""
    docs, prov = corpus({"a": (None, [filler(0, 0)]), "b": (None, [filler(1, 0)])})
    with pytest.raises(InputError, match="table documents"):
        build_reuse(docs.drop(columns="text"), prov)
    with pytest.raises(InputError, match="table provisions"):
        build_reuse(docs, prov.assign(doc_id="zz"))
    with pytest.raises(InputError, match="table provisions"):
        build_reuse(docs, prov.assign(char_end=10_000))
    with pytest.raises(InputError, match="reuse parameters"):
        build_reuse(docs, prov, min_length=0)
    with pytest.raises(InputError, match="reuse parameters"):
        build_reuse(docs, prov, min_formula_families=1)


@pytest.fixture()
def real(any_built):
    """The documents and the reuse tables of a built corpus."""
    return any_built.tables["documents"], any_built.tables["reuse"], any_built.tables["reuse_pairs"]


def test_real_corpus_every_row_slices_out_of_its_documents(real):
    """Over a whole corpus, every row's source_text and target_text are exactly their documents' slices."""
    docs, out, _ = real
    assert len(out) > 0 and out["reuse_id"].is_unique
    slices(docs, out)
    assert (out["source_doc_id"] != out["target_doc_id"]).all()
    quoted = out["type"] == "quotation"
    assert (out.loc[~quoted, "length"] >= 15).all() and (out.loc[quoted, "length"] >= 6).all()
    assert set(out["direction_basis"]) <= set(DIRECTION_BASES)
    assert set(out["type"]) <= set(REUSE_TYPES)


@pytest.mark.slow
def test_real_corpus_types(built):
    """The guiding-ideology clause is substantive only as a small part of a long passage."""
    out = built.tables["reuse"]
    with_clause = out[(out["type"] == "substantive") & out["target_text"].str.contains(BOILER)]
    assert len(out[out["target_text"].str.contains(BOILER)]) > 0
    assert (with_clause["length"] >= 4 * len(BOILER)).all()


def test_link_scores_count_links_and_direction():
    """Gold: a->b linked, c-d linked with no known direction, a-c not. Found: a->b, b->a reversed elsewhere."""
    from policykit.evaluation.reuse import score

    gold = pd.DataFrame({"doc_id_a": ["a", "c", "a"], "doc_id_b": ["b", "d", "c"], "is_link": [True, True, False],
                         "source_doc_id": ["a", None, None]})
    pairs = pd.DataFrame({"source_doc_id": ["b", "a", "c"], "target_doc_id": ["a", "c", "d"],
                          "direction_basis": ["date", "date", "unknown"], "is_borrowing": [True, True, True]})
    scores, details = score(pairs, gold)
    links = scores.set_index("scope").loc["links"]
    direction = scores.set_index("scope").loc["direction"]
    assert (links.tp, links.fp, links.fn) == (2, 1, 0)
    assert (direction.tp, direction.fp, direction.fn) == (0, 1, 1)  # b claimed as the source of a->b
    assert set(details["problem"]) == {"false link", "wrong source"}


def test_gold_passages_slice_out_of_the_documents():
    """Every linked gold pair's passage slices out of the published documents at its offsets."""
    from policykit.evaluation import gold_dir
    from policykit.evaluation.reuse import check_spans, read_gold

    if not (config.PROCESSED_DIR / "documents.parquet").is_file():
        pytest.skip("data/processed not built yet")
    from policykit import load

    gold = read_gold(gold_dir())
    assert gold["is_link"].sum() >= 20 and len(gold) == len(gold[["doc_id_a", "doc_id_b"]].drop_duplicates())
    assert check_spans(gold, load("documents")) == []


@pytest.mark.slow
def test_reuse_links_meet_the_thresholds(built):
    """The reuse section of policykit evaluate: precision and recall of links and of direction at least 0.9."""
    from policykit.evaluation import gold_dir
    from policykit.evaluation.reuse import evaluate

    out_dir = built.files[0].parent
    section = evaluate(out_dir, gold_dir())
    assert section.failures() == [], section.failures()


def test_memory_knobs_leave_the_table_as_it_is():
    """build_reuse with a tiny index partition, run block and row block writes the same rows as with the defaults."""
    docs, prov = index_corpus()
    whole = build_reuse(docs, prov)
    assert not whole.empty and whole.equals(build_reuse(docs, prov, index_partition=5))
    # runs cut into passages a document at a time, rows made one at a time
    assert whole.equals(build_reuse(docs, prov, ReuseParams(index_partition=5, run_block=1, row_block=1)))


def test_a_higher_minimum_length_gives_fewer_passages():
    """ReuseParams.min_length: the 14- and 15-character passages at 14, the 15-character one at 15, none at 16."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + filler(0, 1) + P14 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + P14 + filler(1, 1) + P15 + filler(1, 2)]),
    })
    lengths = [build_reuse(docs, prov, ReuseParams(min_length=n))["length"].tolist() for n in (14, 15, 16)]
    assert lengths == [[14, 15], [15], []]
    assert build_reuse(docs, prov, ReuseParams(min_length=14), min_length=16).empty  # a knob by name wins
    with pytest.raises(InputError, match="unknown parameter"):
        build_reuse(docs, prov, min_lenght=14)


def test_relation_scores_take_formula_and_none_as_one_class():
    """A gold formula pair absent from reuse_pairs agrees; a gold citation pair absent does not."""
    from policykit.evaluation.reuse import score

    gold = pd.DataFrame({"doc_id_a": ["a", "a"], "doc_id_b": ["b", "c"], "is_link": [False, False],
                         "source_doc_id": [None, None], "relation": ["formula", "citation"]})
    pairs = pd.DataFrame({"source_doc_id": ["x"], "target_doc_id": ["y"], "direction_basis": ["date"],
                          "is_borrowing": [False], "relation": ["formula"], "n_substantive": [0],
                          "n_quotation": [0]})
    scores, _ = score(pairs, gold, "dev")
    rel = scores.set_index("scope").loc["relation (dev)"]
    assert (rel.tp, rel.fp) == (1, 1)


def test_published_reuse_links_meet_the_thresholds():
    """The reuse section on the published tables: links P/R ≥ 0.95 and direction P ≥ 0.97 on the test split."""
    from policykit.evaluation import gold_dir
    from policykit.evaluation.reuse import evaluate

    if not (config.PROCESSED_DIR / "reuse_pairs.parquet").is_file():
        pytest.skip("data/processed not built yet")
    section = evaluate(config.PROCESSED_DIR, gold_dir())
    assert section.failures() == [], section.failures()
    assert {"links (dev)", "links (test)", "direction (test)"} <= set(section.scores["scope"])
