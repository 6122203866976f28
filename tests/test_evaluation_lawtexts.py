"""Evaluation of the law texts: scoring on tiny tables, and the goals on the law archives' gold rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policykit import config
from policykit.evaluation import lawtexts


def _tables(texts: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Documents, witnesses and provisions of one document per flat file name (no alignment)."""
    from policykit.ingest.structure import build_provisions

    docs = pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(texts))], "text": list(texts.values()),
                         "kind": "policy", "title": None, "doc_number": None, "form": None})
    wit = pd.DataFrame({"doc_id": docs["doc_id"], "source_file": list(texts), "char_start": 0})
    return {"documents": docs, "witnesses": wit, "provisions": build_provisions(docs),
            "alignment": pd.DataFrame(columns=["draft_doc_id", "final_doc_id"])}


def test_items_score_own_text_and_swallowed_paragraphs() -> None:
    text = "第二条 有下列情形之一的，不予登记：\n\n（一）材料不齐全；\n\n（二）逾期的。\n\n前款以外的情形，依法处理。"
    t = _tables({"a__b.md": text})
    gold = pd.DataFrame([{"source_path": "a/b.md", "split": "dev", "row_type": "item", "article_label": "第二条",
                          "item_label": label, "item_text": item, "trailing_paragraph": "前款以外的情形，依法处理。",
                          "level": "", "chapter_label": "", "label": "", "heading_text": ""}
                         for label, item in (("(一)", "材料不齐全；"), ("（二）", "逾期的。"))])
    rows, details = lawtexts.score_items(gold, t)
    got = {r["label"]: (r["tp"], r["fn"]) for r in rows}
    assert got == {"item own text": (2, 0), "no swallowed paragraph": (2, 0)} and not details
    gold.loc[1, "item_text"] = "逾期的。前款以外的情形，依法处理。"
    rows, details = lawtexts.score_items(gold, t)
    assert {r["label"]: r["fn"] for r in rows}["item own text"] == 1 and len(details) == 1


def test_documents_score_one_per_file_and_kinds() -> None:
    t = _tables({"x__one.md": "第一条 为了管理，制定本办法。"})
    gold = pd.DataFrame([{"source_path": "x/one.md", "split": "test", "doc_index": "1", "kind": "case",
                          "title": "", "doc_number": "", "form": "", "case_name": "", "case_number": "",
                          "sections": ""}])
    rows, details = lawtexts.score_documents(gold, t)
    got = {r["label"]: (r["tp"], r["fn"]) for r in rows}
    assert got["one per file"] == (1, 0) and got["kind"] == (0, 1) and got["case"] == (0, 1)
    assert not details  # disagreements are listed for dev rows only


@pytest.mark.slow  # builds documents, provisions and alignment of the gold law files (more than the seed corpus)
@pytest.mark.skipif(lawtexts.archive_dir() is None, reason="law archives not available")
def test_goals_on_the_dev_rows_of_the_law_gold_sets() -> None:
    """One document per file, cases, items without a swallowed paragraph, paired units at similarity ≥ 0.3."""
    section = lawtexts.evaluate(Path("unused"), config.ROOT / "data" / "gold")
    dev = section.scores[section.scores["scope"] == "dev"].set_index("label")["recall"]
    for label, minimum in lawtexts.GOALS.items():
        assert dev[label] >= minimum, label
    assert dev["relation"] >= 0.9
    assert list(section.display.columns) == ["metric", "dev", "test"]
