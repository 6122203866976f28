"""Number flags: changes.touches_numbers (and value_changed) against edits labelled by reading.

Gold set ``number_flags.csv`` (docs/codebook-terms.md, part 2): edits of the changes table labelled
``numeric`` true/false and ``value_changed`` true/false/unknown. Gold rows are matched to rows of the
changes table on (pair_id, draft_text, final_text), since unit numbers and op indices move when the
alignment changes. A gold edit the table no longer has (the diff now cuts the words differently) is scored
by the recogniser on the gold texts themselves (policykit.analysis.worddiff.touches_numbers), and counted in the
notes, so that no gold row silently drops out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policykit.api import load

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "number_flags.csv"
LAWS_FILE = "number_flags_laws.csv"  # edits of the law corpus's version pairs, with a dev and a test split
GOLD_COLUMNS = ("pair_id", "draft_text", "final_text", "numeric", "value_changed")
MINIMUM = 0.95
_TRUE = {"true", "1", "yes"}


def read_gold(path: Path) -> pd.DataFrame:
    """The labelled edits; InputError for a missing file or column."""
    from policykit.errors import InputError

    try:
        gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(path, f"cannot read gold set ({exc.strerror})") from None
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise InputError(path, f"missing columns {missing}")
    gold["numeric"] = gold["numeric"].str.strip().str.lower().isin(_TRUE)
    return gold


def _flags(changes: pd.DataFrame) -> dict[tuple[str, str, str], tuple[bool, str]]:
    """(pair_id, draft_text, final_text) -> (touches_numbers, value_changed) of the changes table."""
    out: dict[tuple[str, str, str], tuple[bool, str]] = {}
    for r in changes.itertuples():
        key = (str(r.pair_id), "" if pd.isna(r.draft_text) else str(r.draft_text),
               "" if pd.isna(r.final_text) else str(r.final_text))
        vc = getattr(r, "value_changed", None)
        flag = (bool(r.touches_numbers), "" if vc is None or pd.isna(vc) else str(vc))
        # a key that occurs twice counts as numeric if either occurrence is
        out[key] = max(out.get(key, (False, "")), flag)
    return out


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Precision and recall of touches_numbers on the labelled edits; agreement of value_changed."""
    from policykit.analysis.worddiff import touches_numbers

    gold = read_gold(Path(gold_dir) / GOLD_FILE)
    changes = load("changes", data=data_dir)
    flags = _flags(changes)
    tp = fp = fn = 0
    vc_agree = vc_total = n_text = 0
    details = []
    for g in gold.itertuples():
        key = (g.pair_id, g.draft_text, g.final_text)
        if key in flags:
            found, vc = flags[key]
        else:
            n_text += 1
            found, vc = touches_numbers(g.draft_text, g.final_text), ""
        tp += found and g.numeric
        fp += found and not g.numeric
        fn += g.numeric and not found
        if found != g.numeric:
            details.append({"pair_id": g.pair_id, "draft_text": g.draft_text, "final_text": g.final_text,
                            "gold_numeric": g.numeric, "found": found, "in_table": key in flags})
        if g.numeric and found and key in flags:
            vc_total += 1
            vc_agree += vc == g.value_changed.strip().lower()
    rows = [score_row("edits", "numeric", tp, fp, fn)]
    laws_notes: list[str] = []
    if (Path(gold_dir) / LAWS_FILE).is_file():
        law_rows, law_details, laws_notes = _laws(read_gold(Path(gold_dir) / LAWS_FILE))
        rows += law_rows
        details += law_details
    scores = score_table(rows)
    notes = [f"{len(gold)} edits labelled by reading ({int(gold['numeric'].sum())} numeric); "
             f"{len(gold) - n_text} matched in the changes table, {n_text} no longer there and scored on their "
             "own text with the same recogniser.",
             f"value_changed agrees with the gold label on {vc_agree} of {vc_total} numeric edits found in the table.",
             *laws_notes]
    return Section("numbers", "Number flags (changes.touches_numbers)", scores, gold_file=f"data/gold/{GOLD_FILE}",
                   details=pd.DataFrame(details, columns=["pair_id", "draft_text", "final_text", "gold_numeric",
                                                          "found", "in_table"]),
                   notes=notes,
                   thresholds=[Threshold("edits", "numeric", "precision", MINIMUM),
                               Threshold("edits", "numeric", "recall", MINIMUM),
                               Threshold("laws/test", "numeric", "precision", MINIMUM),
                               Threshold("laws/test", "numeric", "recall", MINIMUM)])


def _in_context(g: object) -> tuple[bool, str | None]:
    """Flags of a law edit, read in the context the gold row quotes (left[old→new]right), else on its texts."""
    marked = f"[{g.draft_text}→{g.final_text}]"
    context = str(getattr(g, "context", "") or "")
    if marked in context:
        left, right = context.split(marked, 1)
    else:
        left = right = ""
    from policykit.analysis.worddiff import flag_edit

    return flag_edit(str(g.op or "replace"), g.draft_text, g.final_text, left, right)


def _laws(gold: pd.DataFrame) -> tuple[list[dict], list[dict], list[str]]:
    """Score rows, disagreements and notes of the law edits, per split (dev, test).

    The law corpus is not part of the published tables, so each labelled edit is flagged by the same
    function the changes stage uses (policykit.analysis.worddiff.flag_edit), on its texts in the context the
    gold row quotes.
    """
    rows, details, notes = [], [], []
    for split in ("dev", "test"):
        part = gold[gold["split"] == split]
        tp = fp = fn = agree = compared = 0
        for g in part.itertuples():
            found, vc = _in_context(g)
            tp += found and g.numeric
            fp += found and not g.numeric
            fn += g.numeric and not found
            if found and g.numeric:
                compared += 1
                agree += (vc or "") == g.value_changed.strip().lower()
            if found != g.numeric:
                details.append({"pair_id": f"{split}: {g.pair_id}", "draft_text": g.draft_text,
                                "final_text": g.final_text, "gold_numeric": g.numeric, "found": found,
                                "in_table": False})
        rows.append(score_row(f"laws/{split}", "numeric", tp, fp, fn))
        notes.append(f"Law version pairs, {split}: {len(part)} edits labelled by reading "
                     f"({int(part['numeric'].sum())} numeric; data/gold/{LAWS_FILE}); value_changed agrees on "
                     f"{agree} of {compared} numeric edits found.")
    return rows, details, notes
