"""Tests of the reuse stage's passage types: citation, formula, quotation, substantive."""

from __future__ import annotations

from reuse_corpora import BOILER, P14, P15, corpus, filler

from policykit.analysis.reuse import build_reuse, build_reuse_pairs, formula_mask, is_agency_list


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


def test_stock_formulas_are_covered():
    """The shipped list of stock formulas covers the guiding-ideology clause."""
    assert formula_mask(BOILER[1:-2]).sum() >= 16
    assert not formula_mask(P15).any()


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
