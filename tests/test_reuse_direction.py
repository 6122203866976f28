"""Tests of the reuse stage's direction: which document of a pair is the source, and on what basis."""

from __future__ import annotations

import pandas as pd
from reuse_corpora import P15, corpus, filler

from policykit.analysis.reuse import Direction, build_reuse, build_reuse_pairs


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
