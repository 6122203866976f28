"""Scoring of the segmentation against a hand-segmented gold set."""

from __future__ import annotations

import pytest

from policykit.errors import InputError
from policykit.evaluation import segmentation

HEADER = "sent_id\tdoc_id\tchar_start\tchar_end\tsentence\tsegmented\n"


def _gold(tmp_path, *rows: tuple[str, str]):
    lines = [f"s{i}\td\t0\t{len(text)}\t{text}\t{seg}\n" for i, (text, seg) in enumerate(rows, 1)]
    (tmp_path / segmentation.GOLD_FILE).write_text(HEADER + "".join(lines), encoding="utf-8")
    return tmp_path


def test_perfect_agreement_scores_one(tmp_path):
    """A gold row equal to the tokenizer's output scores 1.0 everywhere; whitespace is not a token."""
    gold = _gold(tmp_path, ("推进 政务数据共享。", "推进 政务数据 共享 。"))
    scores = segmentation.evaluate(tmp_path, gold).scores.set_index(["scope", "label"])
    assert scores["f1"].eq(1.0).all()
    assert scores.loc[("domain terms", "words"), "n_gold"] == 1


def test_disagreements_are_counted_and_listed(tmp_path):
    """Gold 数据 / 要素 against predicted 数据要素: one domain false positive, two general misses."""
    gold = _gold(tmp_path, ("数据要素", "数据 要素"))
    section = segmentation.evaluate(tmp_path, gold)
    scores = section.scores.set_index(["scope", "label"])
    assert scores.loc[("domain terms", "words"), "fp"] == 1
    assert scores.loc[("general words", "words"), "fn"] == 2
    assert scores.loc[("overall", "boundaries"), "fn"] == 1
    assert section.failures()  # domain-term F1 below the threshold
    assert section.details.iloc[0]["predicted"] == "数据要素"


def test_gold_that_does_not_spell_its_sentence_is_rejected(tmp_path):
    """A row whose tokens do not spell the sentence names the gold file and the row."""
    gold = _gold(tmp_path, ("数据要素", "数据 元素"))
    with pytest.raises(InputError, match="segmentation.tsv.*s1"):
        segmentation.evaluate(tmp_path, gold)


def test_project_gold_sample_meets_the_domain_threshold():
    """The dictionary and matching keep domain-term F1 at or above the threshold on data/gold."""
    from policykit.evaluation import gold_dir

    if not (gold_dir() / segmentation.GOLD_FILE).is_file():
        pytest.skip("no segmentation gold set")
    section = segmentation.evaluate(gold_dir(), gold_dir())
    assert section.failures() == []
    assert len(section.scores) == 4
