"""Tests for the reuse stage: shared passages between documents."""

from __future__ import annotations

import pandas as pd
import pytest

from policykit import config
from policykit.errors import InputError
from policykit.reuse import build_reuse, is_content_char, reuse_between
from policykit.schema import table

# Passages built from distinct Han characters, so that nothing is shared by accident.
P15 = "数据要素市场化配置改革深入推进"  # 15 characters
P14 = "公共资源开发利用授权运营机制"  # 14 characters
BOILER = "以习近平新时代中国特色社会主义思想为指导"  # 20 chars


def filler(doc: int, part: int, n: int = 12) -> str:
    """N Han characters unique to (doc, part)."""
    base = 0x5000 + doc * 0x400 + part * 0x20
    return "".join(chr(base + i) for i in range(n))


def corpus(docs: dict[str, tuple[str | None, list[str]]], related: dict[str, str] | None = None):
    """Documents and provisions tables from {doc_id: (date, [provision texts])}; provisions joined by newlines."""
    drows, prows = [], []
    for doc_id, (date, parts) in docs.items():
        text, pos = "", 0
        for i, part in enumerate(parts):
            prows.append({"doc_id": doc_id, "provision_id": str(i), "char_start": pos, "char_end": pos + len(part)})
            text += part + "\n"
            pos += len(part) + 1
        drows.append({"doc_id": doc_id, "text": text, "date": date, "related_doc_id": (related or {}).get(doc_id)})
    return pd.DataFrame(drows), pd.DataFrame(prows)


def test_columns_and_types_are_registered():
    """Two documents sharing nothing -> empty table with exactly the registered columns."""
    docs, prov = corpus({"a": (None, [filler(0, 0)]), "b": (None, [filler(1, 0)])})
    out = build_reuse(docs, prov)
    assert list(out.columns) == table("reuse").columns
    assert out.empty


def test_minimum_length_just_over_and_under():
    """a: ..P15..P14..  b: ..P14..P15..  -> one row, the 15-character passage; the 14-character one is dropped."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + filler(0, 1) + P14 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + P14 + filler(1, 1) + P15 + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    assert out["shared_text"].tolist() == [P15]
    assert out["length"].tolist() == [15]
    assert build_reuse(docs, prov, min_length=14)["length"].tolist() == [14, 15]


def test_punctuation_does_not_count_or_break():
    """P14 with a comma is still 14 characters (dropped); a passage differing only in punctuation is one passage."""
    with_comma = P14[:7] + "，" + P14[7:]
    long_a, long_b = P15[:8] + "，" + P15[8:] + P14, P15[:8] + "、" + P15[8:] + P14
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + with_comma + filler(0, 1) + long_a + filler(0, 2)]),
        "b": (None, [filler(1, 0) + with_comma + filler(1, 1) + long_b + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    assert out["length"].tolist() == [29]
    assert out["shared_text"].tolist() == [long_b]  # as in the target (b: no dates, so b > a is the target)
    assert is_content_char("数") and is_content_char("×")
    assert not is_content_char("，") and not is_content_char("\u3000")


def test_gap_merge():
    """Runs of 10 with 甲 in a, 乙乙 in b between them -> one passage of 22 (max_gap=3); none with max_gap=0."""
    left, right = P15[:10], P14[:10]
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + left + "甲" + right + filler(0, 1)]),
        "b": (None, [filler(1, 0) + left + "乙乙" + right + filler(1, 1)]),
    })
    out = build_reuse(docs, prov)
    assert out["shared_text"].tolist() == [left + "乙乙" + right]
    assert out["length"].tolist() == [22]
    assert build_reuse(docs, prov, max_gap=0).empty


def test_offsets_point_into_the_texts():
    """source/target offsets slice the shared passage out of the two documents' texts."""
    docs, prov = corpus({
        "a": ("2022-01-01", [filler(0, 0), filler(0, 1) + P15 + "，" + P14 + filler(0, 2)]),
        "b": ("2023-01-01", [filler(1, 0) + "　" + P15 + "，" + P14]),
    })
    row = build_reuse(docs, prov).iloc[0]
    texts = dict(zip(docs["doc_id"], docs["text"]))
    assert texts["b"][row.target_char_start:row.target_char_end] == row.shared_text == P15 + "，" + P14
    assert texts["a"][row.source_char_start:row.source_char_end] == row.shared_text
    assert (row.source_provision_id, row.target_provision_id) == ("1", "0")
    assert row.reuse_id == f"b:0:a:1:{row.target_char_start:07d}:{row.source_char_start:07d}"


def test_passage_is_cut_at_provision_boundaries():
    """A 30-character match spanning two provisions of the target -> two rows, one per target provision."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + P14 + "达" + filler(0, 1)]),
        "b": (None, [filler(1, 0) + P15, P14 + "达" + filler(1, 1)]),
    })
    out = build_reuse(docs, prov)
    assert out["target_provision_id"].tolist() == ["0", "1"]
    assert out["length"].tolist() == [15, 15]


def test_repeated_phrase_gives_one_row_per_target_occurrence():
    """P15 twice in a and twice in b -> two rows (not four), each linked to a's first occurrence."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + P15 + filler(0, 1) + P15 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + P15 + filler(1, 1) + P15 + filler(1, 2)]),
    })
    out = build_reuse(docs, prov)
    assert len(out) == 2
    assert out["source_char_start"].nunique() == 1
    assert out["target_char_start"].nunique() == 2


def test_boilerplate_marked_not_dropped():
    """BOILER in four unrelated documents -> doc_frequency 4, boilerplate; P15 only in a and b -> 2, substantive."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + filler(0, 1) + P15 + filler(0, 2)]),
        "b": (None, [filler(1, 0) + BOILER + filler(1, 1) + P15 + filler(1, 2)]),
        "c": (None, [filler(2, 0) + BOILER + filler(2, 1)]),
        "d": (None, [filler(3, 0) + BOILER + filler(3, 1)]),
    })
    out = build_reuse(docs, prov)
    boiler = out[out["shared_text"] == BOILER]
    assert len(boiler) == 6  # every pair of the four documents
    assert boiler["is_boilerplate"].all() and (boiler["doc_frequency"] == 4).all()
    own = out[out["shared_text"] == P15]
    assert own["doc_frequency"].tolist() == [2] and not own["is_boilerplate"].any()


def test_versions_of_one_document_do_not_make_boilerplate():
    """BOILER in a final, its draft and news about it (one family) plus one other document -> not boilerplate."""
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
    assert (out["doc_frequency"] == 4).all()
    assert not out["is_boilerplate"].any()
    assert out["is_boilerplate"].dtype == "boolean"


def test_direction_by_date_else_by_order():
    """Z (2022) -> a (2024) by date; with a date missing, or dates equal, the smaller doc_id is the source."""
    text = lambda d: [filler(d, 0) + P15 + filler(d, 1)]  # noqa: E731
    docs, prov = corpus({"a": ("2024-09-21", text(0)), "z": ("2022-12-02", text(1))})
    row = build_reuse(docs, prov).iloc[0]
    assert (row.source_doc_id, row.target_doc_id, row.direction_basis) == ("z", "a", "date")
    for dz in (None, "2024-09-21"):
        docs, prov = corpus({"a": ("2024-09-21", text(0)), "z": (dz, text(1))})
        row = build_reuse(docs, prov).iloc[0]
        assert (row.source_doc_id, row.target_doc_id, row.direction_basis) == ("a", "z", "order")


def test_direction_by_month_when_a_day_is_unknown():
    """z dated only to 2023-09 (period) -> a dated 2024-01-15: ordered by month; same month -> order."""
    text = lambda d: [filler(d, 0) + P15 + filler(d, 1)]  # noqa: E731
    for z_period, expected in (("2023-09", ("z", "a", "month")), ("2024-01", ("a", "z", "order"))):
        docs, prov = corpus({"a": ("2024-01-15", text(0)), "z": (None, text(1))})
        docs["period"] = ["2024-01", z_period]
        row = build_reuse(docs, prov).iloc[0]
        assert (row.source_doc_id, row.target_doc_id, row.direction_basis) == expected


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
    """reuse_between(a, c) -> only rows between a and c, doc_frequency still counted over the corpus."""
    docs, prov = corpus({
        "a": (None, [filler(0, 0) + BOILER + filler(0, 1) + P15]),
        "b": (None, [filler(1, 0) + BOILER + filler(1, 1)]),
        "c": (None, [filler(2, 0) + BOILER + filler(2, 1) + P15]),
    })
    out = reuse_between("c", "a", documents=docs, provisions=prov)
    assert set(out["source_doc_id"]) | set(out["target_doc_id"]) == {"a", "c"}
    assert sorted(out["doc_frequency"].tolist()) == [2, 3]
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


# --- the real corpus ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    """The reuse table built from the published documents and provisions."""
    if not (config.PROCESSED_DIR / "provisions.parquet").is_file():
        pytest.skip("data/processed not built yet")
    from policykit import load

    docs, prov = load("documents"), load("provisions")
    return docs, build_reuse(docs, prov)


def test_real_corpus_invariants(real):
    """Every row slices its passage out of the target text, is at least 15 long, links different documents."""
    docs, out = real
    assert len(out) > 0 and out["reuse_id"].is_unique
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for r in out.itertuples():
        assert texts[r.target_doc_id][r.target_char_start:r.target_char_end] == r.shared_text
        assert r.source_doc_id != r.target_doc_id
    assert (out["length"] >= 15).all()
    assert set(out["direction_basis"]) <= {"date", "month", "order"}


def test_real_corpus_guiding_ideology_is_boilerplate(real):
    """The standard guiding-ideology clause, wherever it is a passage of its own, is marked formulaic."""
    _, out = real
    clause = out[out["shared_text"] == BOILER]
    if clause.empty:
        pytest.skip("clause not found as a passage of its own")
    assert clause["is_boilerplate"].all()
    assert (~out["is_boilerplate"]).any()
