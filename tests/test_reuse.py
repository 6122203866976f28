"""Tests for the reuse stage: shared passages between documents."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit import config
from policykit.analysis.reuse import build_reuse, build_reuse_pairs, is_content_char, reuse_between
from policykit.analysis.reuse_labels import Direction, formula_mask, is_agency_list
from policykit.errors import InputError
from policykit.schema import DIRECTION_BASES, REUSE_TYPES, table

# Passages built from distinct Han characters, so that nothing is shared by accident.
P15 = "数据要素市场化配置改革深入推进"  # 15 characters
P14 = "公共资源开发利用授权运营机制"  # 14 characters
BOILER = "以习近平新时代中国特色社会主义思想为指导"  # 20 chars


RARE = "\U0002B5E8\U0002B5D0"  # two ideographs beyond U+FFFF (CJK extension E), as a law corpus holds


def filler(doc: int, part: int, n: int = 12) -> str:
    """N Han characters unique to (doc, part)."""
    base = 0x5000 + doc * 0x400 + part * 0x20
    return "".join(chr(base + i) for i in range(n))


def corpus(docs: dict[str, tuple[str | None, list[str]]], related: dict[str, str] | None = None, **columns):
    """Documents and provisions tables from {doc_id: (date, [provision texts])}; provisions joined by newlines.

    columns: extra documents columns as {column: {doc_id: value}} (title, period, date_lower_bound ...).
    """
    drows, prows = [], []
    for doc_id, (date, parts) in docs.items():
        text, pos = "", 0
        for i, part in enumerate(parts):
            prows.append({"doc_id": doc_id, "provision_id": str(i), "char_start": pos, "char_end": pos + len(part)})
            text += part + "\n"
            pos += len(part) + 1
        drows.append({"doc_id": doc_id, "text": text, "date": date, "related_doc_id": (related or {}).get(doc_id),
                      **{c: v.get(doc_id) for c, v in columns.items()}})
    return pd.DataFrame(drows), pd.DataFrame(prows)


def slices(docs: pd.DataFrame, out: pd.DataFrame) -> None:
    """Every row's source_text and target_text slice out of their documents exactly."""
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    for r in out.itertuples():
        assert texts[r.source_doc_id][r.source_char_start:r.source_char_end] == r.source_text
        assert texts[r.target_doc_id][r.target_char_start:r.target_char_end] == r.target_text
        assert (r.edit_distance == 0) == (r.source_text == r.target_text)
        assert bool(pd.isna(r.shared_text)) == (r.edit_distance > 0)


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


def test_formulaic_stretch_inside_a_passage_is_typed_formula():
    """BOILER (formulaic) + 6 own characters shared by a and b: found through the 6, typed formula (20/26)."""
    tail = P15[:6]
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + tail + filler(0, 1)]),
        "b": (None, [filler(1, 0) + BOILER + tail + filler(1, 1)]),
        "c": (None, [filler(2, 0) + BOILER + filler(2, 1)]),
        "d": (None, [filler(3, 0) + BOILER + filler(3, 1)]),
    })
    out = build_reuse(docs, prov)
    assert out["source_text"].tolist() == [BOILER + tail]
    assert out["type"].tolist() == ["formula"]


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


def test_citation_formula_quotation_types():
    """A cited title in 《》, a list of agencies and a quoted phrase are typed; the rest is substantive."""
    title = "关于构建数据基础制度更好发挥数据要素作用的意见"
    agencies = "国家发展改革委、国家数据局、财政部、自然资源部、住房城乡建设部"
    quote = "原始数据不出域、数据可用不可见"
    docs, prov = corpus(
        {
            "a": ("2022-12-02", [title, filler(0, 0) + agencies + filler(0, 1), filler(0, 2) + "“" + quote + "”"]),
            "b": ("2025-01-01", ["落实《" + title + "》" + filler(1, 0), filler(1, 1) + agencies + filler(1, 2),
                                 "按照“" + quote + "”的要求" + filler(1, 3)]),
        },
        title={"a": title},
    )
    out = build_reuse(docs, prov).set_index("target_char_start").sort_index()
    assert out["type"].tolist() == ["citation", "formula", "quotation"]
    assert is_agency_list(agencies) and not is_agency_list(P15 + P14)


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


def test_characters_beyond_the_bmp_match_as_any_other(monkeypatch):
    """Passages and quoted phrases holding characters beyond U+FFFF: the same rows with uint16 or uint32 keys."""
    from policykit.analysis import reuse

    phrase = "谁投入" + RARE + "贡献谁受益"
    docs, prov = corpus({
        "a": ("2022-12-02", [filler(0, 0) + "坚持“" + phrase + "”原则" + filler(0, 1), P15[:7] + RARE + P14]),
        "b": ("2023-09-01", [filler(1, 0) + phrase + filler(1, 1), filler(1, 2) + P15[:7] + RARE + P14]),
    })
    out = build_reuse(docs, prov)
    assert sorted(out["source_text"]) == sorted([phrase, P15[:7] + RARE + P14])
    slices(docs, out)
    monkeypatch.setattr(reuse, "_N_SLOTS", 1)  # two characters beyond U+FFFF: too many, uint32 code points
    assert reuse._alphabet(docs["text"]) is None and out.equals(build_reuse(docs, prov))


def test_direction_by_date_never_by_order():
    """Z (2022) -> a (2024) by date; with a date missing, or dates equal, no source is claimed (unknown)."""
    text = lambda d: [filler(d, 0) + P15 + filler(d, 1)]  # noqa: E731
    docs, prov = corpus({"a": ("2024-09-21", text(0)), "z": ("2022-12-02", text(1))})
    row = build_reuse(docs, prov).iloc[0]
    assert (row.source_doc_id, row.target_doc_id, row.direction_basis) == ("z", "a", "date")
    for dz in (None, "2024-09-21"):
        docs, prov = corpus({"a": ("2024-09-21", text(0)), "z": (dz, text(1))})
        assert build_reuse(docs, prov).iloc[0].direction_basis == "unknown"
        pairs = build_reuse_pairs(build_reuse(docs, prov), docs)
        assert pairs["direction_basis"].tolist() == ["unknown"]


def test_direction_by_month_lower_bound_related_and_citation():
    """Month where a day is unknown; date_lower_bound if present; related_doc_id; a title cited in 《》."""
    text = lambda d, extra="": [filler(d, 0) + P15 + filler(d, 1) + extra]  # noqa: E731
    for z_period, expected in (("2023-09", ("z", "a", "month")), ("2024-01", (None, None, "unknown"))):
        docs, prov = corpus({"a": ("2024-01-15", text(0)), "z": (None, text(1))},
                            period={"a": "2024-01", "z": z_period})
        row = build_reuse(docs, prov).iloc[0]
        if expected[0]:
            assert (row.source_doc_id, row.target_doc_id, row.direction_basis) == expected
        else:
            assert row.direction_basis == "unknown"
    docs, prov = corpus({"a": ("2024-01-15", text(0)), "z": (None, text(1))}, date_lower_bound={"z": "2024-06-01"})
    row = build_reuse(docs, prov).iloc[0]
    assert (row.source_doc_id, row.direction_basis) == ("a", "lower_bound")
    docs, prov = corpus({"a": (None, text(0)), "z": (None, text(1))}, related={"a": "z"})
    assert build_reuse(docs, prov).iloc[0].source_doc_id == "z"
    docs, prov = corpus({"a": (None, text(0, "见《数据要素白皮书》")), "z": (None, text(1))},
                        title={"z": "数据要素白皮书"})
    row = build_reuse(docs, prov).iloc[0]
    assert (row.source_doc_id, row.direction_basis) == ("z", "citation")
    # an undated document citing a dated one is no earlier than it
    d = Direction(pd.DataFrame({"doc_id": ["r", "p", "w"], "text": ["《甲乙丙丁戊己计划》", "", ""],
                                "title": [None, "甲乙丙丁戊己计划", "某白皮书"],
                                "date": [None, "2023-12-31", "2023-09-01"]}))
    assert d.source_of("r", "w") == ("w", "citation")


def test_direction_by_version_of_the_text_covered():
    """An explainer of a draft precedes the final text and news about it; two versions alone: unknown."""
    d = Direction(pd.DataFrame({
        "doc_id": ["draft", "final", "explainer", "news", "other"], "text": [""] * 5,
        "title": [None] * 5, "date": [None] * 5,
        "related_doc_id": [None, None, "draft", "final", None],
        "family_id": ["f", "f", None, None, None], "version": [1, 2, None, None, None]}))
    assert d.source_of("final", "explainer") == ("explainer", "version")
    assert d.source_of("news", "explainer") == ("explainer", "version")
    assert d.source_of("draft", "final") == (None, "unknown")  # undated versions: nothing tells
    assert d.source_of("explainer", "other") == (None, "unknown")


def test_stock_formulas_are_covered():
    """The shipped list of stock formulas covers the guiding-ideology clause."""
    assert formula_mask(BOILER[1:-2]).sum() >= 16
    assert not formula_mask(P15).any()


def test_reuse_pairs_sums_by_type():
    """Two substantive passages and one cited title between a and b -> one pair row with the counts."""
    title = "关于构建数据基础制度更好发挥数据要素作用的意见"
    docs, prov = corpus(
        {
            "a": ("2022-12-02", [title, filler(0, 0) + P15 + filler(0, 1) + P14 + "达" + filler(0, 2)]),
            "b": ("2023-01-01", ["《" + title + "》", filler(1, 0) + P15 + filler(1, 1) + P14 + "达" + filler(1, 2)]),
        },
        title={"a": title},
    )
    reuse = build_reuse(docs, prov)
    pairs = build_reuse_pairs(reuse, docs)
    assert len(pairs) == 1
    p = pairs.iloc[0]
    assert (p.source_doc_id, p.target_doc_id, p.direction_basis) == ("a", "b", "date")
    assert (p.n_passages, p.n_substantive, p.n_citation, p.substantive_chars) == (3, 2, 1, 30)
    assert bool(p.is_borrowing) and not bool(p.same_family)


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


# --- built corpora (facts of the seed corpus's reuse are in tests/snapshot.json) -----------------

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


# --- evaluation against the gold set ------------------------------------------------------------

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


def _index_corpus():
    """A corpus with borrowed passages, a formula in many families and a refrain: every kind of k-gram group."""
    parts = {f"d{i}": (None, [filler(i, 0) + (P15 if i < 2 else "") + filler(i, 1), BOILER + filler(i, 2),
                              (P14 + filler(i, 3, 4)) * (3 if i % 2 else 1) if i in (2, 3) else filler(i, 3)])
             for i in range(8)}
    return corpus(parts)


def test_repeats_dropped_before_the_rows_equal_the_rows_dropped_after(monkeypatch):
    """Rows made only for the passages kept equal every passage's row with the repeats dropped from the table."""
    from policykit.analysis import reuse

    docs, prov = _index_corpus()
    # a phrase repeated in both documents of a pair, whose later document comes first in doc_id order (the
    # undated pairs of _index_corpus have their source first)
    q = filler(12, 5, 16)
    r_docs, r_prov = corpus({"r": ("2020-01-01", [q + filler(9, 0) + q + filler(9, 1) + q]),
                             "s": ("2019-01-01", [filler(10, 0) + q + filler(10, 1) + q])})
    docs, prov = pd.concat([docs, r_docs], ignore_index=True), pd.concat([prov, r_prov], ignore_index=True)
    fast = build_reuse(docs, prov)
    drop_repeats = reuse._drop_repeats
    monkeypatch.setattr(reuse, "_drop_repeats", lambda df: df)  # every passage's row, in the passages' order
    every = build_reuse(docs, prov)
    assert every.index.tolist() == list(range(len(every)))
    slow = drop_repeats(every)
    assert len(every) > len(slow) == len(fast) > 0 and fast.index.tolist() == slow.index.tolist()
    assert fast.equals(slow) and (fast.dtypes == slow.dtypes).all()


def test_passages_as_arrays_give_back_the_passages():
    """Passages kept as arrays (in parts, joined) give back each passage with its runs, in order."""
    from policykit.analysis import reuse

    made = [reuse._Passage(0, 1, 2, 5, [(3, 40, 9), (13, 52, 8)]), reuse._Passage(0, 2, 2, 7, [(4, 70, 15)]),
            reuse._Passage(1, 2, 5, 7, [(41, 71, 6)], doc_frequency=3)]
    parts = [reuse._Passages.of(made[:2]), reuse._Passages.of([]), reuse._Passages.of(made[2:])]
    joined = reuse._Passages.concat(parts)
    assert len(joined) == 3 and [joined[i] for i in range(3)] == made


def test_rows_made_in_blocks_give_the_table_made_whole(monkeypatch):
    """Rows made a block at a time: the same values, types and labels, with and without any verbatim row."""
    from policykit.analysis import reuse

    left, right = P15[:10], P14[:10]
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1), P15 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1), filler(1, 2) + P15]),
    })
    no_verbatim = corpus({  # two passages, each with a difference
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1), P15[:8] + "甲" + P14]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1), P15[:8] + "乙" + P14]),
    })
    for d, pv in ((docs, prov), no_verbatim):
        whole = build_reuse(d, pv)
        with monkeypatch.context() as m:
            m.setattr(reuse, "ROW_BLOCK", 1)
            blocks = build_reuse(d, pv)
        assert len(whole) > 1 and blocks.equals(whole) and (blocks.dtypes == whole.dtypes).all()
        assert blocks.index.tolist() == whole.index.tolist()
    assert build_reuse(docs, prov)["shared_text"].isna().sum() == 1
    assert build_reuse(*no_verbatim)["shared_text"].tolist() == [None, None]


def _key_doc(c) -> list[int]:
    """Document index of each content character of a reuse corpus, spelled out from its bounds."""
    return [d for d in range(len(c.doc_ids)) for _ in range(int(c.doc_bounds[d]), int(c.doc_bounds[d + 1]))]


@pytest.mark.parametrize("beyond_bmp", ["", RARE])
def test_kgram_hashes_stop_at_document_ends(beyond_bmp):
    """Hashes of the code points of k-grams inside one document, _NO_HASH for those leaving it.

    Empty and short documents too, and characters beyond U+FFFF, whose uint16 keys are not their code points.
    """
    import numpy as np

    from policykit.analysis import reuse

    docs, prov = corpus({"a": (None, [P15 + beyond_bmp]), "b": (None, ["，"]), "c": (None, ["数据"]),
                         "d": (None, [P14 + beyond_bmp[::-1], beyond_bmp + P15[:3] + beyond_bmp])})
    c = reuse._make_corpus(reuse._check_documents(docs), reuse._check_provisions(prov, reuse._check_documents(docs)))
    assert c.keys.dtype == np.uint16 and len(c.beyond) == len(beyond_bmp)
    key_doc = _key_doc(c)
    keys = [ord(c.texts[d][p]) for d, p in zip(key_doc, c.key_pos.tolist(), strict=True)]  # the code points
    assert reuse._doc_of(c, np.arange(len(keys))).tolist() == key_doc and c.doc_bounds[1] == c.doc_bounds[2]
    for k in (1, 3, 8):
        want = []
        for x in range(len(keys)):
            if x + k > len(keys) or key_doc[x] != key_doc[x + k - 1]:
                want.append(int(reuse._NO_HASH))
            else:
                v = 0
                for ch in keys[x:x + k]:
                    v = (v * int(reuse._HASH_BASE) + ch) % 2**64
                want.append(v)
        assert reuse._kgram_hashes(c, k).tolist() == want
        chunks = [reuse._kgram_hashes(c, k, s, s + 5).tolist() for s in range(0, len(keys), 5)]
        assert sum(chunks, []) == want
        assert reuse._hashes_at(c, k, np.arange(len(keys))).tolist() == want


def test_provision_of_each_content_character():
    """The corpus's stretches of one provision give every content character the provision locate() finds."""
    import numpy as np

    from policykit.analysis import reuse
    from policykit.analysis.locate import provision_ids

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [P15 + "，" + P14 + "。" + P15, P14, "数据。" + P15]})
    prov = pd.DataFrame({"doc_id": ["a", "a", "c", "c"], "provision_id": ["1", "2", "1", "2"],
                         "char_start": [0, 16, 0, 3], "char_end": [16, 30, 3, 18]})  # a's last P15: no provision
    d = reuse._check_documents(docs)
    c = reuse._make_corpus(d, reuse._check_provisions(prov, d))
    labels = reuse._prov_of(c, np.arange(len(c.keys))).tolist()
    got = [None if x < 0 else (c.doc_ids[doc], c.prov_ids[x]) for x, doc in zip(labels, _key_doc(c), strict=True)]
    want = []
    for doc, doc_id in enumerate(c.doc_ids):
        lo, hi = int(c.doc_bounds[doc]), int(c.doc_bounds[doc + 1])
        found = provision_ids(prov[prov["doc_id"] == doc_id], None, c.key_pos[lo:hi])
        want += [None if p is None else (doc_id, p) for p in found]
    assert got == want and None in got and len(set(got)) == 5
    assert len(c.prov_starts) == 5  # a: 1, 2, none; b: none (joins a's last stretch); c: 1, 2


@pytest.mark.parametrize("partition_size", [1, 7, 64])
def test_partitioned_index_equals_the_whole_index(partition_size):
    """Splitting the k-gram index by hash into partitions gives the same counts, cover and seed pairs."""
    from policykit.analysis import reuse

    docs, prov = _index_corpus()
    c = reuse._make_corpus(reuse._check_documents(docs), reuse._check_provisions(prov, reuse._check_documents(docs)))
    assert reuse._partition_bits(len(c.keys), partition_size) > 0
    whole, (wi, wj) = reuse._index(c, 8, 3, None, partition_size=10**9)
    parted, (pi, pj) = reuse._index(c, 8, 3, None, partition_size=partition_size)
    assert (whole.n_docs == parted.n_docs).all() and (whole.formulaic == parted.formulaic).all()
    assert whole.formulaic.any() and len(wi) > 0  # the corpus has formulas and seeds
    assert sorted(zip(wi.tolist(), wj.tolist(), strict=True)) == sorted(zip(pi.tolist(), pj.tolist(), strict=True))


def test_partitioned_index_gives_the_same_reuse_table(monkeypatch):
    """build_reuse with a tiny index partition and run block writes the same rows as with one of each."""
    from policykit.analysis import reuse

    docs, prov = _index_corpus()
    whole = build_reuse(docs, prov)
    monkeypatch.setattr(reuse, "INDEX_PARTITION", 5)
    assert not whole.empty and whole.equals(build_reuse(docs, prov))
    monkeypatch.setattr(reuse, "RUN_BLOCK", 1)  # runs cut into passages a document at a time
    assert whole.equals(build_reuse(docs, prov))


def test_formulaic_marks_characters_under_a_formulaic_kgram():
    """_Index.formulaic marks the characters inside at least one formulaic k-gram."""
    from policykit.analysis import reuse

    docs, prov = _index_corpus()
    c = reuse._make_corpus(reuse._check_documents(docs), reuse._check_provisions(prov, reuse._check_documents(docs)))
    index, _ = reuse._index(c, 8, 3, None)
    covered = [False] * len(c.keys)
    h, key_doc = reuse._kgram_hashes(c, 8), _key_doc(c)
    families = {}
    for x, v in enumerate(h.tolist()):
        families.setdefault(v, set()).add(int(c.family[key_doc[x]]))
    for x, v in enumerate(h.tolist()):
        if v != reuse._NO_HASH and len(families[v]) >= 3:
            covered[x:x + 8] = [True] * 8
    assert index.formulaic.tolist() == covered
    at = __import__("numpy").arange(len(c.keys))
    assert (reuse._hashes_at(c, 8, at) == h).all()  # the hashes at positions are those of the whole corpus


def test_first_seeds_of_runs_give_the_runs_of_all_seeds():
    """Runs grown from the index's seeds (the first of each diagonal run) equal runs grown from every seed."""
    import numpy as np

    from policykit.analysis import reuse

    docs, prov = _index_corpus()
    c = reuse._make_corpus(reuse._check_documents(docs), reuse._check_provisions(prov, reuse._check_documents(docs)))
    _, seeds = reuse._index(c, 8, 3, None, partition_size=7)
    h, key_doc = reuse._kgram_hashes(c, 8), _key_doc(c)
    families: dict[int, set[int]] = {}
    for x, v in enumerate(h.tolist()):
        families.setdefault(v, set()).add(int(c.family[key_doc[x]]))
    ok = [x for x, v in enumerate(h.tolist()) if v != reuse._NO_HASH and len(families[v]) < 3]
    every = [(i, j) for i in ok for j in ok if i < j and h[i] == h[j] and key_doc[i] != key_doc[j]]
    assert len(seeds[0]) < len(every)  # the index returned fewer seeds
    full = reuse._runs(c, 8, [np.array([i for i, _ in every], np.int32), np.array([j for _, j in every], np.int32)])
    first = reuse._runs(c, 8, seeds)
    assert all((a == b).all() for a, b in zip(full, first, strict=True)) and len(full[0]) > 0


def test_derived_documents_are_never_sources_of_their_policys_versions():
    """With policies, a derived document is never the source of a version of its own policy.

    An explainer of the draft is no source of the final; a notice issuing the final is later than the final, and
    against the draft no direction is claimed; two documents about the final are ordered by their dates.
    """
    d = Direction(pd.DataFrame({
        "doc_id": ["draft", "final", "explainer", "notice", "news", "other"], "text": [""] * 6,
        "title": [None] * 6, "date": ["2023-12-15", "2023-12-31", None, "2023-12-31", "2024-01-15", "2023-01-01"],
        "date_lower_bound": [None, None, "2023-12-15", None, None, None],
        "related_doc_id": [None, None, "draft", "final", "final", None],
        "family_id": ["f", "f", "e", "n", "w", "o"], "version": [1, 2, 1, 1, 1, 1],
        "policy_id": ["policy-f", "policy-f", "policy-f", "policy-f", "policy-f", "policy-o"]}))
    assert d.source_of("final", "explainer") == (None, "unknown")
    assert d.source_of("draft", "explainer") == ("draft", "related")
    assert d.source_of("draft", "notice") == (None, "unknown")  # dated earlier, but the notice quotes the final
    assert d.source_of("notice", "final") == ("final", "related")
    assert d.source_of("news", "notice") == ("notice", "date")  # both cover the final, both dated
    assert d.source_of("explainer", "news") == (None, "unknown")  # about different versions
    assert d.source_of("draft", "final") == ("draft", "date")  # two versions: their dates
    assert d.source_of("other", "news") == ("other", "date")  # another policy: dates as before


def test_reuse_pairs_relation_and_borrowing_between_policies_only():
    """One passage between two versions is a version pair, never borrowing; between two policies, borrowing.

    A passage that three documents hold weighs 2/3 of its length: 15 characters shared by a, b and c are not
    enough evidence of borrowing between b and c; 15 more that only b and c share are.
    """
    q = filler(9, 5, 15)
    docs, prov = corpus({
        "a": ("2022-01-01", [filler(0, 0) + P15 + filler(0, 1)]),
        "b": ("2023-01-01", [filler(1, 0) + P15 + filler(1, 1), filler(1, 2) + q + filler(1, 3)]),
        "c": ("2024-01-01", [filler(2, 0) + P15 + filler(2, 1), filler(2, 2) + q + filler(2, 3)]),
    })
    docs["family_id"] = ["family-x", "family-x", "family-y"]
    docs["policy_id"] = ["policy-x", "policy-x", "policy-y"]
    pairs = build_reuse_pairs(build_reuse(docs, prov), docs).set_index(["source_doc_id", "target_doc_id"])
    ab, bc = pairs.loc[("a", "b")], pairs.loc[("b", "c")]
    assert (ab.relation, bool(ab.is_borrowing), bool(ab.same_family), bool(ab.same_policy)) == (
        "version", False, True, True)
    assert (bc.relation, bool(bc.is_borrowing), bool(bc.same_policy)) == ("borrowing", True, False)
    assert (bc.rare_chars, bc.n_phrases) == (25.0, 1)  # q: 15 x 1; P15, held by three documents: 15 x 2/3
    docs.loc[docs["doc_id"] == "b", "text"] = docs.loc[docs["doc_id"] == "b", "text"].str.replace(q, filler(1, 4, 15))
    alone = build_reuse_pairs(build_reuse(docs, prov), docs).set_index(["source_doc_id", "target_doc_id"])
    assert (alone.loc[("b", "c")].relation, bool(alone.loc[("b", "c")].is_borrowing)) == ("formula", False)


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


def test_clause_put_together_from_stock_pieces_is_a_formula():
    """A clause a and b share whole, made of three pieces that five other documents hold apart: stock, formula.

    Its 8-character pieces are held by a and b only (the clause seeds a passage), but every 6-character piece
    lies inside a piece found in 7 families: the passage weighs nothing and is no evidence of borrowing. With
    a higher threshold for stock wording it is substantive and the pair borrows.
    """
    pieces = [filler(20, i, 7) for i in range(3)]
    clause = "".join(pieces)
    docs = {"a": ("2020-01-01", [filler(0, 0) + clause + filler(0, 1)]),
            "b": ("2021-01-01", [filler(1, 0) + clause + filler(1, 1)])}
    for d in range(2, 7):
        docs[f"o{d}"] = (None, [filler(d, 0) + pieces[0] + filler(d, 1) + pieces[1] + filler(d, 2) + pieces[2]])
    docs, prov = corpus(docs)
    out = build_reuse(docs, prov)
    assert out["source_text"].tolist() == [clause]
    assert out["type"].tolist() == ["formula"] and out["rarity"].tolist() == [0.0]
    pair = build_reuse_pairs(out, docs).iloc[0]
    assert (pair.relation, bool(pair.is_borrowing), pair.rare_chars) == ("formula", False, 0.0)
    loose = build_reuse(docs, prov, min_stock_families=8)
    assert loose["type"].tolist() == ["substantive"] and loose["rarity"].tolist() == [1.0]
    assert bool(build_reuse_pairs(loose, docs).iloc[0].is_borrowing)


def test_evidence_needed_grows_with_the_pairs_compared():
    """One phrase of 15 characters is evidence in a corpus of up to 45 documents; about 30 are needed for 1,400."""
    from policykit.analysis.reuse import MIN_RARE_CHARS, evidence_needed

    assert evidence_needed(2) == evidence_needed(45) == MIN_RARE_CHARS
    assert evidence_needed(46) > MIN_RARE_CHARS
    assert 29.5 < evidence_needed(1400) < 30.5 and evidence_needed(14000) > evidence_needed(1400)
    q = filler(9, 5, 20)
    docs, prov = corpus({"a": ("2020-01-01", [filler(0, 0) + q + filler(0, 1)]),
                         "b": ("2021-01-01", [filler(1, 0) + q + filler(1, 1)])})
    reuse = build_reuse(docs, prov)
    assert bool(build_reuse_pairs(reuse, docs).iloc[0].is_borrowing)
    # the same pair among 1,400 documents: one phrase of 20 rare characters is not enough
    many = pd.concat([docs, pd.DataFrame({"doc_id": [f"x{i}" for i in range(1398)], "text": "x"})], ignore_index=True)
    pair = build_reuse_pairs(reuse, many).iloc[0]
    assert (pair.n_phrases, bool(pair.is_borrowing), pair.relation) == (1, False, "formula")
