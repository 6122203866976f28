"""Figures of any table: word clouds, annotated heat maps and small tables drawn as figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import wcwidth

from policykit.present.plots.output import cjk_font_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PIL.Image import Image


def wordcloud_image(frequencies: Mapping[str, float], seed: int = 0, *, width: int = 800,
                    height: int = 400, max_words: int = 200) -> Image:
    """Word cloud of term frequencies as a PIL image (draw with ax.imshow), same font, fixed seed."""
    from wordcloud import WordCloud

    if not frequencies:
        raise ValueError("wordcloud_image: no frequencies given")
    # wordcloud keeps input order among equal frequencies: sort so equal input gives equal images.
    ordered = dict(sorted(frequencies.items(), key=lambda kv: (-kv[1], kv[0])))
    cloud = WordCloud(font_path=str(cjk_font_path()), width=width, height=height, max_words=max_words,
                      background_color="white", random_state=seed, collocations=False)
    return cloud.generate_from_frequencies(ordered).to_image()


def annotated_heatmap(ax: Any, values: pd.DataFrame, fmt: Callable[[float], str], *, cmap: str,
                      norm: Any = None, vmin: float | None = None, vmax: float | None = None,
                      fontsize: float = 6) -> Any:
    """Draw a table as a heat map with each non-null value written in its cell (white on dark cells)."""
    data = values.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, aspect="auto", norm=norm, vmin=vmin, vmax=vmax)
    for (i, j), v in np.ndenumerate(data):
        if not np.isnan(v):
            # a scalar's colour is a 4-tuple, but an array when the norm masks it (one value on a log scale)
            r, g, b = np.ravel(image.cmap(image.norm(v)))[:3]
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, fmt(v), ha="center", va="center", fontsize=fontsize, color="white" if dark else "black")
    return image


def wrap_cjk(text: str, width: int) -> str:
    """Break text into lines of at most width display cells (a Chinese character takes two)."""
    # textwrap counts characters and breaks only at spaces, so Chinese lines come out twice too wide.
    lines, line, used = [], "", 0
    for token in re.findall(r"[!-~]+|.", text):  # a run of ASCII (a date, a number, a word) stays whole
        w = wcwidth.width(token)
        if used + w > width and line:
            lines.append(line.rstrip())
            line, used = "", 0
            if token == " ":
                continue
        line += token
        used += w
    lines.append(line.rstrip())
    return "\n".join(lines)


def table_figure(table: pd.DataFrame, title: str, *, row_colors: Iterable[str] | None = None,
                 col_widths: Iterable[float] | None = None, wrap: Iterable[int] | None = None) -> Figure:
    """Draw a small table as a figure (for papers and slides); long cells wrapped to wrap[i] display cells."""
    import matplotlib.pyplot as plt

    widths = list(wrap) if wrap is not None else [40] * len(table.columns)
    cells = [[wrap_cjk("" if pd.isna(v) else str(v), w) for v, w in zip(row, widths, strict=True)]
             for row in table.itertuples(index=False)]
    lines = [1] + [max(c.count("\n") + 1 for c in row) for row in cells]  # header first
    total = sum(lines) + 0.5 * len(lines)
    fig, ax = plt.subplots(figsize=(11, 0.19 * total + 0.7))
    ax.axis("off")
    drawn = ax.table(cellText=cells or [[""] * len(table.columns)], colLabels=list(table.columns), loc="upper center",
                     cellLoc="left", colLoc="left", colWidths=list(col_widths) if col_widths is not None else None)
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(7.5)
    colours = list(row_colors) if row_colors is not None else []
    for (r, _c), cell in drawn.get_celld().items():
        cell.set_height((lines[r] + 0.5) / total)
        if r == 0:
            cell.set_facecolor("#e0e0e0")
        elif r - 1 < len(colours):
            cell.set_facecolor(colours[r - 1])
    ax.set_title(title, fontsize=10)
    return fig
