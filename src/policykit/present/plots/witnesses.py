"""The witnesses figure: what normalisation removed from each witness and what still differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# --- witnesses: what normalisation removed, what still differs ----------------------------------------

WITNESS_ROWS = 30
"""Most witnesses drawn in the witnesses figure (those that lost most to normalisation beyond it are left out)."""


def _file_label(path: str, width: int = 36) -> str:
    """A raw file's path for a tick label: its name whole, and as many of its last folders as fit in width."""
    *folders, name = str(path).removesuffix(".txt").split("/")
    label = name
    for folder in reversed(folders):
        if len(folder) + 1 + len(label) > width:
            return "…/" + label
        label = f"{folder}/{label}"
    return label


def witness_rows(witnesses: pd.DataFrame, max_rows: int = WITNESS_ROWS) -> tuple[pd.DataFrame, int]:
    """The witnesses the figure draws, and how many more it leaves out.

    Every witness of a document found in several files, and every witness that lost material to normalisation
    or differs from its primary witness; beyond max_rows, the witnesses of several-file documents come first,
    then those that lost most.
    """
    several = witnesses["doc_id"].map(witnesses["doc_id"].value_counts()) > 1
    removed = witnesses["removed_readings"] + witnesses["removed_markup"]
    rows = witnesses.assign(_several=several, _removed=removed)
    rows = rows[rows["_several"] | (rows["_removed"] > 0) | (rows["n_differences"] > 0)]
    kept = rows.sort_values(["_several", "_removed", "doc_id", "source_file"], ascending=[False, False, True, True])
    kept = kept.head(max_rows).sort_values(["doc_id", "source_file"]).reset_index(drop=True)
    return kept.drop(columns=["_several", "_removed"]), len(rows) - len(kept)


def witnesses_figure(witnesses: pd.DataFrame, max_rows: int = WITNESS_ROWS) -> Figure | None:
    """What normalisation removed from each witness (left) and what still differs from the primary (right).

    The right panel is drawn only where a document is found in several files and some passage still differs;
    where every document is in one file, the figure says so and shows what normalisation removed. None when
    there is nothing to draw (no witness lost material, none differs).
    """
    import matplotlib.pyplot as plt

    rows, left_out = witness_rows(witnesses, max_rows)
    several = bool((witnesses["doc_id"].value_counts() > 1).any())
    lost = rows["removed_readings"] + rows["removed_markup"]
    panels = [name for name, has in (("removed", lost.sum() > 0), ("differing", rows["n_differences"].sum() > 0))
              if has]
    if not panels:
        return None
    labels = [f"{d}\n{_file_label(s)}{' (繁)' if script == 'hant' else ''}"
              for d, s, script in zip(rows["doc_id"], rows["source_file"], rows["script"], strict=True)]
    y = range(len(rows))
    fig, axes = plt.subplots(1, len(panels), figsize=(5 + 3 * len(panels), 0.5 * max(len(rows), 3) + 1.8),
                             sharey=True, squeeze=False,
                             gridspec_kw={"width_ratios": [3, 2][:len(panels)], "wspace": 0.08})
    axes = dict(zip(panels, axes[0], strict=True))
    if "removed" in axes:
        ax = axes["removed"]
        # a legend entry only for what some witness lost ("_nolegend_" is matplotlib's way to leave one out)
        ax.barh(y, rows["removed_readings"], color="#9467bd",
                label="注音 pinyin readings" if rows["removed_readings"].sum() else "_nolegend_")
        ax.barh(y, rows["removed_markup"], left=rows["removed_readings"], color="#8c564b",
                label="标记 HTML/markdown markup" if rows["removed_markup"].sum() else "_nolegend_")
        for i, total in enumerate(lost):
            ax.text(total, i, f" {total:,}", va="center", fontsize=7, color="0.3")
        ax.set_xlabel("规范化删除的字符 characters removed by normalisation")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        ax.set_xlim(0, max(int(lost.max()), 1) * 1.15)
    if "differing" in axes:
        ax = axes["differing"]
        is_primary = rows["is_primary"].fillna(False).astype(bool)
        ax.barh(y, rows["n_differences"], color="#d62728")
        for i, (primary_row, n, agreement) in enumerate(zip(is_primary, rows["n_differences"], rows["agreement"],
                                                            strict=True)):
            note = ("主见证本 primary witness" if primary_row
                    else f"差异 differing passages: {n} · 一致度 agreement: {agreement:.3f}")
            ax.text(0, i, f" {note}", va="center", fontsize=7, color="0.3")
        ax.set_xlim(0, max(int(rows["n_differences"].max()), 1) * 1.6 + 1)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_xlabel("剩余差异 passages still differing from the primary")
    first = axes[panels[0]]
    first.set_yticks(list(y), labels, fontsize=7)
    first.invert_yaxis()
    if several:
        title = "见证本差异 What differs between the witnesses of a document"
        note = ("" if "differing" in axes
                else "规范化后无剩余差异 no passage differs from its primary witness after normalisation")
    else:
        title = "规范化删除的字符 What normalisation removed from each file"
        note = "每份文件仅见于一个源文件 every document is in one raw file: no witnesses to compare"
    if left_out:
        more = f"另有{left_out}个见证本未列出 {left_out} more witnesses with less removed are not shown"
        note = f"{note}\n{more}" if note else more
    if note:
        first.set_title(note, fontsize=8, color="0.3")
    fig.suptitle(title, y=0.99)
    fig.subplots_adjust(top=1 - (0.75 + 0.15 * note.count("\n")) / fig.get_size_inches()[1])
    return fig
