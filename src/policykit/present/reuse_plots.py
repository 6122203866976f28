"""Figures of notebook 05: borrowed language between documents, who draws on whom, who implements whom.

Each function takes published tables (or the links notebook 05 selects from ``reuse_pairs``) and returns a
figure; the notebook adds the source line and saves it with ``plots.save_figure`` / ``plots.save_plotly``.
Documents are named by their short titles (``plots.short_titles``, docs/figures.md) and labels are written
'中文 English', so that the ``lang`` parameter applies to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from policykit.present import plots
from policykit.schema import table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ARC_STYLE = {"date": "-", "unknown": ":"}
"""Line style of an arc by direction_basis: solid by dates, dotted with no direction, dashed otherwise."""

IMPLEMENTATION_COLORS = {"title": "#1f77b4", "legal_basis": "#2ca02c", "carries_out": "#d62728"}
"""Colour of each implementation.basis."""


def doc_labels(documents: pd.DataFrame, doc_ids: list[str], sep: str = " · ") -> list[str]:
    """Tick label of each document: its short title, sep and its date (unless the short title holds it)."""
    short = plots.short_titles(documents)
    by_id = documents.set_index("doc_id")
    out = []
    for d in doc_ids:
        when = plots.date_label(by_id.loc[d].to_dict())
        out.append(short[d] if when in short[d] else f"{short[d]}{sep}{when}")
    return out


def shared_characters_figure(links: pd.DataFrame, documents: pd.DataFrame, order: list[str]) -> Figure:
    """Heat map of borrowed characters, earlier (rows) to later (columns) document, both in date order."""
    import matplotlib.pyplot as plt

    used = [d for d in order if d in set(links["source_doc_id"]) | set(links["target_doc_id"])]
    matrix = (links.pivot_table(index="source_doc_id", columns="target_doc_id", values="borrowed_chars",
                                aggfunc="sum").reindex(index=used, columns=used))
    labels = doc_labels(documents, used)
    fig, ax = plt.subplots(figsize=(0.45 * len(used) + 6, 0.4 * len(used) + 4))
    image = plots.annotated_heatmap(ax, matrix, lambda v: f"{v:.0f}", cmap="Blues",
                                    norm="log" if matrix.notna().any().any() else None)
    ax.set_xticks(range(len(used)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(used)), labels, fontsize=7)
    ax.set_xlabel("后出文件 later document (target)")
    ax.set_ylabel("先出文件 earlier document (source)")
    ax.set_title("文件间借用文字 Borrowed characters, source → target (substantive and quoted passages)")
    fig.colorbar(image, ax=ax, shrink=0.6, label="借用字数 borrowed characters (log scale)")
    return fig


def reuse_arcs_figure(links: pd.DataFrame, documents: pd.DataFrame, order: list[str]) -> Figure:
    """Documents on a time axis, an arc from the earlier to the later one, its width ∝ borrowed characters.

    Arcs are drawn in data coordinates, their height half their span, so the axes hold the tallest arc and
    no more; the legends sit beside the axes, not over the arcs.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    used = [d for d in order if d in set(links["source_doc_id"]) | set(links["target_doc_id"])]
    x = {d: i for i, d in enumerate(used)}
    kinds = documents.set_index("doc_id")["kind"]
    top = max(links["borrowed_chars"].max(), 1) if len(links) else 1
    span = max((abs(x[s] - x[t]) for s, t in zip(links["source_doc_id"], links["target_doc_id"], strict=True)),
               default=1)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.55 * len(used) + 2), 4.5))
    for _, p in links.iterrows():
        a, b = x[p["source_doc_id"]], x[p["target_doc_id"]]
        basis = p["direction_basis"]
        height = abs(b - a) / 2
        # a quadratic Bézier whose control point is twice the arc's height above the middle
        path = Path([(a, 0), ((a + b) / 2, 2 * height), (b, 0)], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
        colour = "grey" if basis == "unknown" else plots.KIND_COLORS.get(kinds[p["source_doc_id"]], "grey")
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-" if basis == "unknown" else "-|>", mutation_scale=10,
                                     color=colour, linewidth=0.8 + 5 * p["borrowed_chars"] / top, alpha=0.6,
                                     linestyle=ARC_STYLE.get(basis, "--")))
    ax.scatter(list(x.values()), [0] * len(x), s=70, zorder=3,
               color=[plots.KIND_COLORS.get(kinds[d], "black") for d in used])
    ax.set_xticks(list(x.values()), doc_labels(documents, used), rotation=50, ha="right", fontsize=8)
    ax.set_yticks([])
    ax.set_xlim(-0.6, len(used) - 0.4)
    ax.set_ylim(-0.05 * span, span / 2 * 1.08 + 0.1)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    present = [k for k in plots.KIND_LABELS if k in set(kinds[used])]
    kind_legend = ax.legend([Line2D([], [], marker="o", linestyle="", color=plots.KIND_COLORS[k]) for k in present],
                            [plots.kind_label(k) for k in present], fontsize=8, frameon=False, loc="upper left",
                            bbox_to_anchor=(1.0, 1.0), title="文件类型 document kind", title_fontsize=8)
    ax.add_artist(kind_legend)
    ax.legend([Line2D([], [], color="black", linestyle="-"), Line2D([], [], color="black", linestyle="--"),
               Line2D([], [], color="grey", linestyle=":")],
              ["按日期 ordered by dates", "依据较弱 ordered by weaker evidence", "方向不明 direction unknown"],
              fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(1.0, 0.0), title="连线 arc",
              title_fontsize=8)
    ax.set_title("文本借用关系 Who draws on whom: arcs from earlier to later document, width ∝ borrowed characters",
                 fontsize=10)
    return fig


def reuse_sankey(links: pd.DataFrame, documents: pd.DataFrame, order: list[str]) -> Any:
    """Plotly Sankey diagram of borrowed characters: sources left, targets right; only directed pairs."""
    import plotly.graph_objects as go

    used = [d for d in order if d in set(links["source_doc_id"]) | set(links["target_doc_id"])]
    x = {d: i for i, d in enumerate(used)}
    kinds = documents.set_index("doc_id")["kind"]
    short = plots.short_titles(documents)
    # a flow always has a source: an unknown direction must not draw one
    directed = links[links["direction_basis"] != "unknown"]
    fig = go.Figure(go.Sankey(
        node={"label": [short[d] for d in used] * 2, "pad": 12, "customdata": used * 2,
              "hovertemplate": "%{label}<br>%{customdata}<br>借用字数 borrowed characters: %{value}<extra></extra>",
              "color": [plots.KIND_COLORS.get(kinds[d], "grey") for d in used] * 2},
        link={"source": [x[s] for s in directed["source_doc_id"]],
              "target": [len(used) + x[t] for t in directed["target_doc_id"]],
              "value": directed["borrowed_chars"].astype(int).tolist(),
              "customdata": directed["direction_basis"].tolist(),
              "hovertemplate": "%{source.label} → %{target.label}<br>借用字数 borrowed characters: %{value}"
                               "<br>方向依据 direction: %{customdata}<extra></extra>"}))
    fig.update_layout(title="文本借用 Borrowed language between documents (characters)",
                      height=max(400, 28 * len(used) + 150), width=1100, font={"size": 10})
    return fig


def implementation_figure(implementation: pd.DataFrame, documents: pd.DataFrame, title: str,
                          max_rows: int = 12) -> Figure | None:
    """Each implemented document's implementers by lag in days, coloured by basis; None without a dated link."""
    import matplotlib.pyplot as plt

    impl = implementation[implementation["lag_days"].notna()]
    if impl.empty:
        return None
    short = plots.short_titles(documents)
    top = list(impl["implemented_doc_id"].value_counts().index[:max_rows])
    impl = impl[impl["implemented_doc_id"].isin(top)]
    rows = {d: i for i, d in enumerate(top)}
    labels = table("implementation").labels("basis")
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(top) + 2))
    for basis, g in impl.groupby("basis", sort=True):
        ax.scatter(g["lag_days"].astype(float), g["implemented_doc_id"].map(rows), s=40, alpha=0.7,
                   color=IMPLEMENTATION_COLORS.get(basis, "grey"), label=labels.get(basis, basis))
    ax.set_yticks(range(len(top)), [short.get(d, d) for d in top], fontsize=8)
    ax.set_ylim(len(top) - 0.5, -0.5)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel("实施滞后（天） days from the implemented document to the implementing one")
    ax.set_ylabel("被实施文件 implemented document")
    ax.set_title(title)
    ax.legend(title="依据 basis", fontsize=8, title_fontsize=8, frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))
    return fig
