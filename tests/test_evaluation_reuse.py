"""The reader's notes on the law corpus's is_borrowing samples, as printed by `policykit evaluate --task reuse`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd

from policykit.evaluation import gold_dir
from policykit.evaluation import reuse as ev

COLUMNS = ["n", "source_path", "target_path", "direction_basis", "n_substantive", "n_quotation", "rare_chars",
           "n_phrases", "accepted", "reading"]


def _write(path: Path, accepted: list[str]) -> None:
    """A sample file with one row per verdict."""
    rows = [{"n": i + 1, "source_path": f"a/{i}.md", "target_path": f"b/{i}.md", "direction_basis": "date",
             "n_substantive": 1, "n_quotation": 0, "rare_chars": 20.0, "n_phrases": 1, "accepted": a,
             "reading": f"reading {i + 1}"} for i, a in enumerate(accepted)]
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)


def test_heldout_note_counts_the_verdicts_and_lists_the_rejections(tmp_path: Path) -> None:
    """Two accepted of three: the note says 2 of 3 (0.67) and names the rejected row with its reading."""
    assert ev.law_heldout_notes(tmp_path) == []
    _write(tmp_path / ev.LAW_HELDOUT_FILE, ["true", "false", "TRUE"])
    (note,) = ev.law_heldout_notes(tmp_path)
    assert "accepted as borrowing 2 of 3 (0.67)" in note
    assert "Not accepted: 2: reading 2." in note
    assert "reading 1" not in note


def test_heldout_note_is_part_of_the_law_sample_notes(tmp_path: Path) -> None:
    """law_sample_notes (printed by the reuse evaluation) ends with the held-out note when both files exist."""
    _write(tmp_path / ev.LAW_SAMPLE_FILE, ["true", "false"])
    assert not any("Held-out draw" in n for n in ev.law_sample_notes(tmp_path))
    _write(tmp_path / ev.LAW_HELDOUT_FILE, ["true"] * 4)
    notes = ev.law_sample_notes(tmp_path)
    assert notes[-1] == ev.law_heldout_notes(tmp_path)[0]
    assert "4 of 4 (1.00)" in notes[-1] and "Not accepted: none." in notes[-1]


def test_the_project_heldout_sample_is_thirty_distinct_pairs_in_draw_order(tmp_path: Path) -> None:
    """The committed file: 30 rows, n 1..30, distinct pairs ordered by the draw's hash, and its note counts them."""
    path = gold_dir() / ev.LAW_HELDOUT_FILE
    sample = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(sample.columns) == COLUMNS
    assert len(sample) == 30 and sample["n"].astype(int).tolist() == list(range(1, 31))
    assert sample["accepted"].str.lower().isin(["true", "false"]).all() and sample["reading"].str.strip().ne("").all()
    keys = [hashlib.sha256(f"laws-heldout|{s}|{t}".encode()).hexdigest()
            for s, t in zip(sample["source_path"], sample["target_path"], strict=True)]
    assert keys == sorted(keys) and len(set(keys)) == 30
    shutil.copy(path, tmp_path / ev.LAW_HELDOUT_FILE)
    (note,) = ev.law_heldout_notes(tmp_path)
    n_ok = int(sample["accepted"].str.lower().eq("true").sum())
    assert f"accepted as borrowing {n_ok} of 30" in note
