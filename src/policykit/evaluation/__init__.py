"""Quality measured against hand-labelled gold sets in data/gold: precision, recall and F1 per task.

Each task is a module of this package with a function ``evaluate(data_dir, gold_dir) -> Section``;
``policykit evaluate`` runs every task whose gold set exists, prints the scores and writes
docs/quality.md. A gold set is written by reading the source text with the codebook (docs/codebook.md),
never by correcting the extractor's output.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from policykit import config
from policykit.api import data_source

# Tasks in the order they are reported; each is a module of this package.
TASKS: tuple[str, ...] = ("targets", "segmentation", "numbers", "reuse", "citations", "laws", "lawtexts",
                          "law_targets", "statements")
SCORE_COLUMNS = ["scope", "label", "n_gold", "n_found", "tp", "fp", "fn", "precision", "recall", "f1", "agreement"]


@dataclass
class Section:
    """The evaluation of one task: a score table, the disagreements and notes for the reader."""

    name: str
    title: str
    scores: pd.DataFrame  # SCORE_COLUMNS, one row per scope/label
    gold_file: str = ""
    details: pd.DataFrame | None = None  # misses and false rows, for reading
    notes: list[str] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    summary: pd.DataFrame | None = None  # the headline figures, dev and test side by side
    display: pd.DataFrame | None = None  # the scores as printed, where not the score table (splits side by side)

    def failures(self) -> list[str]:
        """Thresholds this section does not meet, as readable lines."""
        return [t.describe(self.scores) for t in self.thresholds if not t.met(self.scores)]


@dataclass(frozen=True)
class Threshold:
    """A minimum a score must reach: metric (precision/recall/f1) of the row scope/label."""

    scope: str
    label: str
    metric: str
    minimum: float

    def value(self, scores: pd.DataFrame) -> float:
        """The measured value (NaN if the row is missing)."""
        row = scores[(scores["scope"] == self.scope) & (scores["label"] == self.label)]
        return float(row[self.metric].iloc[0]) if len(row) else float("nan")

    def met(self, scores: pd.DataFrame) -> bool:
        """Whether the measured value reaches the minimum."""
        return self.value(scores) >= self.minimum

    def describe(self, scores: pd.DataFrame) -> str:
        """One line: which score, its value and the minimum."""
        return f"{self.scope}/{self.label} {self.metric} {self.value(scores):.3f} < {self.minimum:.2f}"


LAWS_DIR_ENV = config.LAWS_DIR_ENV  # a folder holding the external law archives (laws-dev.tar.xz …)


def law_archive(name: str) -> Path | None:
    """An external law archive by file name: in $POLICYKIT_LAWS_DIR, else in shared/external beside the project."""
    laws_dir = config.settings().laws_dir
    folders = [laws_dir] if laws_dir else []
    folders += [base / "shared" / "external" for base in (config.ROOT.parent, config.ROOT.parent.parent)]
    return next((f / name for f in folders if (f / name).is_file()), None)


def flat_name(path: str) -> str:
    """The raw file name of an archive path: its folders joined by `__`."""
    return "__".join(Path(path).parts)


def read_gold_csv(path: Path, columns: tuple[str, ...], integers: tuple[str, ...] = ("char_start", "char_end"),
                  key: str = "gold_id") -> pd.DataFrame:
    """A gold CSV as text cells, checked for its columns, with the integer columns as int.

    A missing file, a missing column or a cell that is not a whole number is an InputError naming the file
    (and the row, by its key column).
    """
    from policykit.errors import InputError

    if not path.is_file():
        raise InputError(str(path), "gold set not found")
    gold = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in gold.columns]
    if missing:
        raise InputError(str(path), f"missing columns {missing}")
    for col in integers:
        bad = ~gold[col].str.fullmatch(r"\d+")
        if bad.any():
            raise InputError(str(path), f"{col} is not a whole number in row {gold.loc[bad, key].iloc[0]}")
        gold[col] = gold[col].astype(int)
    return gold


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (1.0 where nothing was expected and nothing found)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_row(scope: str, label: str, tp: int, fp: int, fn: int) -> dict[str, object]:
    """One row of a score table."""
    precision, recall, f1 = prf(tp, fp, fn)
    return {"scope": scope, "label": label, "n_gold": tp + fn, "n_found": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def agreement_row(scope: str, label: str, agree: int, compared: int) -> dict[str, object]:
    """One row of a score table giving how often a field agrees (agreement; compared pairs in n_gold)."""
    return {"scope": scope, "label": label, "n_gold": compared, "n_found": compared, "tp": agree, "fp": None,
            "fn": compared - agree, "precision": None, "recall": None, "f1": None,
            "agreement": round(agree / compared, 4) if compared else None}


def score_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A score table from rows of score_row, in the given order."""
    return pd.DataFrame(rows, columns=SCORE_COLUMNS).dropna(axis=1, how="all")


def gold_dir() -> Path:
    """The project's gold sets."""
    return config.ROOT / "data" / "gold"


def run(data_dir: Path | None = None, gold: Path | None = None, tasks: tuple[str, ...] | None = None) -> list[Section]:
    """Evaluate every task (or the named ones) whose module exists, against the tables in data_dir."""
    data_dir = data_source(data_dir)  # --data, else $POLICYKIT_DATA, else data/processed (as load() reads)
    gold = Path(gold or gold_dir())
    sections = []
    for name in tasks or TASKS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        sections.append(module.evaluate(data_dir, gold))
    return sections


def _fmt(df: pd.DataFrame) -> str:
    """A score or detail table as Markdown (blank cells for missing values)."""
    if not len(df):
        return "(none)"
    shown = df.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    return shown.to_markdown(index=False)


def side_by_side(scores: pd.DataFrame, splits: tuple[str, ...] = ("dev", "test")) -> pd.DataFrame:
    """The labels of the split-level scopes as rows, each split's n and precision/recall/agreement as columns."""
    out = None
    for split in splits:
        part = scores[scores["scope"] == split].set_index("label")
        cols = {"n_gold": f"{split} n", "precision": f"{split} precision", "recall": f"{split} recall"}
        if "agreement" in part.columns:
            cols["agreement"] = f"{split} agreement"
        part = part[list(cols)].rename(columns=cols).astype({f"{split} n": "Int64"})
        out = part if out is None else out.join(part, how="outer")
    return out.reset_index() if out is not None else pd.DataFrame()


def to_markdown(sections: list[Section], max_details: int = 60) -> str:
    """docs/quality.md: every section's scores, thresholds and disagreements."""
    out = ["# Quality: the published tables measured against hand-labelled gold sets", "",
           "Generated by `policykit evaluate` (`make evaluate`) from data/processed and data/gold; do not edit.",
           "How the gold sets were coded: [codebook.md](codebook.md). How the documents, titles, dates, articles "
           "and versions hold on a corpus of laws and regulations the library was not written for: "
           "`benchmarks/external.py`, figures in [benchmarks/README.md](../benchmarks/README.md).", ""]
    for s in sections:
        out += [f"## {s.title}", ""]
        if s.gold_file:
            out += [f"Gold set: `{s.gold_file}`.", ""]
        out += [*s.notes, ""] if s.notes else []
        side = s.summary if s.summary is not None else s.display
        if side is not None:
            out += ["Dev and test side by side (the test split is the one that counts):", "", _fmt(side), "",
                    "All scores:", ""]
        out += [_fmt(s.scores), ""]
        if s.thresholds:
            out += ["Thresholds held by the tests:", ""]
            out += [f"- {t.scope}/{t.label} {t.metric} ≥ {t.minimum:.2f}: measured {t.value(s.scores):.3f}"
                    f" ({'met' if t.met(s.scores) else 'NOT met'})" for t in s.thresholds]
            out.append("")
        if s.details is not None and len(s.details):
            shown = s.details.head(max_details)
            out += [f"Disagreements ({len(s.details)}; first {len(shown)} shown):", "", _fmt(shown), ""]
    return "\n".join(out).rstrip() + "\n"
