"""The figure runner's record of inputs: a notebook is re-run only when what it was made from changed."""

from __future__ import annotations

from pathlib import Path

from policykit.present import figures


def test_an_executed_notebook_is_current_until_its_inputs_change(tmp_path: Path) -> None:
    notebooks, out = tmp_path / "notebooks", tmp_path / "reports"
    notebooks.mkdir()
    (notebooks / "01_x.ipynb").write_text('{"cells": []}', encoding="utf-8")
    run = figures.Run("01_x")
    assert not figures.is_current(run, out, notebooks)  # never run
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / "01_x.ipynb").write_text("{}", encoding="utf-8")
    figures.inputs_file(run, out).write_text(figures.input_hash(run, notebooks) + "\n", encoding="utf-8")
    assert figures.is_current(run, out, notebooks)
    assert figures.input_hash(figures.Run("01_x", {"lang": "en"}), notebooks) != figures.input_hash(run, notebooks)
    (notebooks / "01_x.ipynb").write_text('{"cells": [1]}', encoding="utf-8")  # the notebook was edited
    assert not figures.is_current(run, out, notebooks)
