"""Statement figures: the instrument mix and the strength of commitments, and how strength changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from policykit.present.plots.charts import annotated_heatmap
from policykit.schema import table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# --- statements: instrument mix and strength ------------------------------------------------------

INSTRUMENT_COLORS: dict[str, str] = {"supply": "#4c72b0", "demand": "#dd8452", "environment": "#55a868",
                                     "none": "#c7c7c7"}
"""Colour of each statements.instrument."""

STRENGTH_COLORS: dict[str, str] = {"descriptive": "#d9d9d9", "exploratory": "#c6dbef", "encouraging": "#6baed6",
                                   "directive": "#2171b5", "mandatory": "#08306b"}
"""Colour of each statements.strength_name, light (descriptive) to dark (mandatory)."""

STATEMENT_CHANGE_COLORS: dict[str, str] = {"unchanged": "#f2f2f2", "strengthened": "#d9f0d3",
                                           "weakened": "#fde0dd", "added": "#fff2cc", "dropped": "#e7d4e8"}
"""Cell colour of each statement_changes.change in tables drawn as figures."""


def statement_mix(statements: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Per group: statements, the share of each instrument and of each strength, and the mean strength.

    Shares of instruments are among the statements that use one (strength ≥ 1); shares of strengths are among
    all statements. Columns: n, n_committing, mean_strength, instrument shares, strength shares, in code order.
    """
    keys = [by] if isinstance(by, str) else list(by)
    committing = statements[statements["strength"] >= 1]
    instruments = [i for i in table("statements").values("instrument") if i != "none"]
    strengths = list(table("statements").values("strength_name"))
    inst = (pd.crosstab([committing[k] for k in keys], committing["instrument"], normalize="index")
            .reindex(columns=instruments, fill_value=0.0))
    stren = (pd.crosstab([statements[k] for k in keys], statements["strength_name"], normalize="index")
             .reindex(columns=strengths, fill_value=0.0))
    counts = statements.groupby(keys).agg(n=("statement_id", "size"), mean_strength=("strength", "mean"))
    counts["n_committing"] = committing.groupby(keys).size().reindex(counts.index, fill_value=0)
    out = counts[["n", "n_committing", "mean_strength"]].join(inst).join(stren).fillna(0.0)
    return out.round(4)


def statement_mix_figure(mix: pd.DataFrame, labels: Iterable[str], title: str) -> Figure:
    """Two panels of horizontal stacked bars, one bar per row of mix: instrument shares and strength shares."""
    import matplotlib.pyplot as plt

    labels = list(labels)
    instruments = [c for c in INSTRUMENT_COLORS if c in mix.columns]
    strengths = [c for c in STRENGTH_COLORS if c in mix.columns]
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.42 * len(mix) + 1.8), sharey=True)
    y = np.arange(len(mix))
    for ax, columns, colors, name in ((axes[0], instruments, INSTRUMENT_COLORS, "instrument"),
                                      (axes[1], strengths, STRENGTH_COLORS, "strength_name")):
        left = np.zeros(len(mix))
        value_labels = table("statements").labels(name)
        for col in columns:
            values = mix[col].to_numpy(dtype=float)
            ax.barh(y, values, left=left, color=colors[col], label=value_labels[col], height=0.75)
            left += values
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of statements")
        # two rows at most, the instruments' in two columns: long document labels leave the left panel narrow,
        # and a wider legend would run into the right one
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(columns), 2 if ax is axes[0] else 3),
                  fontsize=8, frameon=False)
    axes[0].set_yticks(y, labels)
    axes[0].invert_yaxis()
    axes[0].set_title("政策工具 instrument (statements with a commitment)", fontsize=10, pad=40)
    axes[1].set_title("约束强度 strength (all statements)", fontsize=10, pad=40)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def strength_change_figure(changes: pd.DataFrame, title: str,
                           sides: tuple[str, str] = ("征求意见稿 draft", "正式稿 final")) -> Figure:
    """Statements of a version pair by their strength in each version (a grid of counts); sides: see pair_names."""
    import matplotlib.pyplot as plt

    paired = changes[changes["draft_strength"].notna() & changes["final_strength"].notna()]
    grid = (pd.crosstab(paired["draft_strength"].astype(int), paired["final_strength"].astype(int))
            .reindex(index=range(5), columns=range(5), fill_value=0))
    names = list(table("statements").values("strength_name"))
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    annotated_heatmap(ax, grid, lambda v: f"{v:.0f}" if v else "", cmap="Blues", fontsize=10)
    ax.set_xticks(range(5), [f"{i} {names[i]}" for i in range(5)], rotation=30, ha="right")
    ax.set_yticks(range(5), [f"{i} {names[i]}" for i in range(5)])
    ax.set_xlabel(sides[1])
    ax.set_ylabel(sides[0])
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
