"""Scoring the statements table against the gold set: matching, measures, coverage and the thresholds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from policykit import config
from policykit.errors import InputError
from policykit.evaluation import statements as ev

HEADER = ("gold_id,source,doc_id,source_path,provision_id,provision_label,sentence,char_start,char_end,strength,"
          "strength_name,modal,instrument,actor")
# The goals of the issue on the test split (ev.GOALS). Where the measured test figure fell short of a goal,
# the floor is the figure measured when the rules were last changed, so that it cannot regress; the goal
# stays in ev.GOALS and docs/quality.md reports whether it is met.
# Measured on the test split (240 statements: the first 172 and the extension sample's 68) when the rules
# were last changed: strength exact 0.958 (goal 0.90, met), within one 0.971 (goal 0.98), instrument macro
# F1 0.737 (goal 0.80), actor precision 0.833 (goal 0.85) and recall 0.854 (goal 0.85, met), coverage 1.000
# (goal 0.98, met).
FLOORS = {("strength", "exact"): 0.90, ("strength", "within_one"): 0.97, ("instrument", "macro_f1"): 0.73,
          ("actor", "precision"): 0.83, ("actor", "recall"): 0.85, ("coverage", "characters"): 0.98}


def _gold(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _table(rows: list[tuple[str, int, int, int, str | None, str, str | None, str]]) -> pd.DataFrame:
    """Statements rows: (doc_id, start, end, strength, modal, instrument, actor, sentence)."""
    return pd.DataFrame([{"statement_id": f"{d}:1:{i}", "doc_id": d, "provision_id": "1", "char_start": s,
                          "char_end": e, "strength": k, "modal": m, "instrument": ins, "actor": a, "sentence": t}
                         for i, (d, s, e, k, m, ins, a, t) in enumerate(rows, 1)])


def test_measures_on_a_tiny_gold_set(tmp_path: Path) -> None:
    gold = ev.read_gold(_gold(tmp_path / "g.csv", [
        "d@0,seed,d,,1,一、,鼓励企业开放数据。,0,9,2,encouraging,鼓励,supply,",
        "d@9,seed,d,,1,一、,各地区要加强领导。,9,18,3,directive,要,environment,各地区",
        "d@18,seed,d,,1,一、,近年来发展很快。,18,26,0,descriptive,,none,",
        "d@26,seed,d,,1,一、,探索新模式。,26,32,1,exploratory,探索,environment,",
    ]))
    table = _table([("d", 0, 9, 2, "鼓励", "supply", None, "鼓励企业开放数据。"),
                    ("d", 9, 18, 3, "要", "environment", "各地区", "各地区要加强领导。"),
                    ("d", 18, 26, 2, "可", "demand", "企业", "近年来发展很快。")])  # the 4th: missing
    found = ev.code_seed(gold, table)
    m = ev.measures(gold, found)
    assert m[("strength", "exact")] == 0.5 and m[("strength", "within_one")] == 0.5
    assert m[("actor", "precision")] == 0.5 and m[("actor", "recall")] == 1.0
    assert m[("instrument", "f1_supply")] == 1.0 and m[("instrument", "f1_none")] == 0.0
    assert m[("modal", "exact")] == 0.5
    moved = _table([("d", 100, 109, 2, "鼓励", "supply", None, "鼓励企业开放数据。")])  # offsets moved: by sentence
    assert ev.code_seed(gold, moved)["d@0"].strength == 2


def test_coverage_leaves_heading_lines_aside() -> None:
    text = "前言\n一、总体要求\n坚持党的领导。加强统筹。"
    a = text.index("一、")
    documents = pd.DataFrame([{"doc_id": "d", "kind": "policy", "text": text}])
    provisions = pd.DataFrame([{"doc_id": "d", "provision_id": "1", "level": 1, "heading": "总体要求",
                                "char_start": a, "char_end": len(text)}])
    first = text.index("坚持")
    rows = _table([("d", first, first + 7, 3, "坚持", "environment", None, "坚持党的领导。")])
    share, with_headings = ev.coverage(documents, provisions, rows)
    assert share == pytest.approx(7 / 12) and with_headings == pytest.approx(7 / 18)


def test_bad_gold_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("gold_id\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing columns"):
        ev.read_gold(bad)
    with pytest.raises(InputError, match="gold set not found"):
        ev.read_gold(tmp_path / "nothing.csv")


@pytest.mark.slow
def test_corpus_against_the_gold_set(built) -> None:  # noqa: ANN001 - BuildResult fixture
    """The built corpus against data/gold/statements_*.csv: no test figure below its floor (the goals: ev.GOALS)."""
    gold = config.ROOT / "data" / "gold"
    if not all((gold / f).is_file() for f in ev.GOLD_FILES.values()):
        pytest.skip("no gold set for statements")
    section = ev.evaluate(built.files[0].parent, gold)
    scores = section.scores.set_index(["scope", "label"])
    below = {k: float(scores.loc[k, "test"]) for k, floor in FLOORS.items() if float(scores.loc[k, "test"]) < floor}
    assert below == {}
    assert set(FLOORS) == set(ev.GOALS) and all(FLOORS[k] <= ev.GOALS[k] for k in FLOORS)
