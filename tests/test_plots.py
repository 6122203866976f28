"""Tests for policykit.present.plots: Chinese renders, files are byte-identical on rerun, labels are bilingual."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

import policykit  # noqa: E402
from policykit.present import plots  # noqa: E402

CHINESE = "数据要素×三年行动计划（2024—2026年）工业制造、现代农业、公共数据授权运营：“数据二十条”《意见》"


@pytest.fixture(autouse=True)
def reports_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Send every figure of a test to its own folder."""
    monkeypatch.setenv(plots.REPORTS_ENV, str(tmp_path))
    monkeypatch.delenv(plots.VARIANT_ENV, raising=False)
    return tmp_path


def _chinese_figure() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["工业制造", "现代农业", "−1"], [3, -1, 2])
    ax.set_title("数据要素×三年行动计划")
    ax.set_xlabel("行业 sector")
    plots.add_source(fig, ["data-x-action-plan-2024"])
    return fig


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_font_is_single_face_noto_sc_not_simhei() -> None:
    """The font file is mplfonts' Noto Sans CJK SC .otf (licence OFL), never SimHei."""
    path = plots.cjk_font_path()
    assert path.is_file() and path.suffix == ".otf"
    assert "simhei" not in path.name.lower()
    assert plots.cjk_font_name() == "Noto Sans CJK SC"


def test_font_covers_every_character() -> None:
    """Every character of CHINESE has a glyph in the font's cmap."""
    cmap = TTFont(plots.cjk_font_path(), lazy=True).getBestCmap()
    missing = sorted({ch for ch in CHINESE if ord(ch) not in cmap})
    assert missing == []


def test_font_covers_the_top_terms_of_every_document() -> None:
    """Every character of the 100 most frequent terms of each document has a glyph (word clouds, bar labels)."""
    from policykit import config

    if not (config.PROCESSED_DIR / "term_frequencies.parquet").is_file():
        pytest.skip("data/processed not built yet")
    tf = policykit.load("term_frequencies")
    top = tf[(tf.scope == "document") & (tf["rank"] <= 100)]
    cmap = TTFont(plots.cjk_font_path(), lazy=True).getBestCmap()
    missing = sorted({ch for term in top.term for ch in term if ord(ch) not in cmap})
    assert missing == []


def test_chinese_figure_draws_without_missing_glyphs() -> None:
    """Saving a figure with Chinese labels raises no 'Glyph … missing from font(s)' warning."""
    plots.use_cjk_font()
    fig = _chinese_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = plots.save_figure(fig, "chinese", "00_test")
    plt.close(fig)
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
    assert all(p.stat().st_size > 1000 for p in paths)
    pdf = paths[2].read_bytes()
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf and b"/Subtype /Image" not in pdf  # vector, font embedded
    assert b"CreationDate" not in pdf


def test_without_cjk_font_the_glyph_warning_fires() -> None:
    """Control: with only DejaVu Sans, the same labels do warn (so the test above can fail)."""
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("数据要素")
        with pytest.warns(UserWarning, match="missing from font"):
            fig.canvas.draw()
        plt.close(fig)


@pytest.mark.slow
def test_save_figure_is_byte_identical(reports_dir: Path) -> None:
    """Two saves of the same figure give identical PNG and SVG bytes, with no dates or tool names."""
    plots.use_cjk_font()
    first = [_digest(p) for p in plots.save_figure(_chinese_figure(), "same", "00_test")]
    second = [_digest(p) for p in plots.save_figure(_chinese_figure(), "same", "00_test")]
    plt.close("all")
    assert first == second
    svg = (reports_dir / "figures" / "00_test" / "same.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in (reports_dir / "figures" / "00_test" / "same.png").read_bytes()[:4096]


def test_variant_figures_go_to_their_own_folder(reports_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """POLICYKIT_VARIANT=final_plan -> figures/03_terms/final_plan/."""
    monkeypatch.setenv(plots.VARIANT_ENV, "final_plan")
    assert plots.figures_dir("03_terms") == reports_dir / "figures" / "03_terms" / "final_plan"


@pytest.mark.slow
def test_variant_writes_only_what_its_parameters_change(reports_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A variant's figure equal to the default run's is not copied; one that differs is written beside it."""
    plots.use_cjk_font()
    default = plots.save_figure(_chinese_figure(), "same", "00_test")
    published = [p.read_bytes() for p in default]
    monkeypatch.setenv(plots.VARIANT_ENV, "top_n-30")
    assert plots.save_figure(_chinese_figure(), "same", "00_test") == []
    fig = _chinese_figure()
    fig.axes[0].set_title("变体 variant")
    changed = plots.save_figure(fig, "same", "00_test")
    plt.close("all")
    assert [p.parent for p in changed] == [reports_dir / "figures" / "00_test" / "top_n-30"] * 3
    assert [p.read_bytes() for p in default] == published  # the published default is untouched
    page = plots.save_text("<p>x</p>", "page.html", "00_test")
    assert page == reports_dir / "figures" / "00_test" / "top_n-30" / "page.html"


def test_source_line_names_version_and_sorted_documents() -> None:
    """['b', 'a', 'b'] -> 'Source: policykit dataset v…, documents a, b'; None -> all documents."""
    line = plots.source_line(["b", "a", "b"])
    assert line.startswith("Source: policykit dataset v")
    assert line.endswith(", documents a, b")
    assert plots.source_line(None).endswith(", all documents")


def test_source_note_sits_below_the_axes() -> None:
    """After saving, the source note is below the x-axis label."""
    plots.use_cjk_font()
    fig = _chinese_figure()
    plots.save_figure(fig, "note", "00_test")
    renderer = fig.canvas.get_renderer()
    note = next(t for t in fig.texts if t.get_gid() == plots.SOURCE_GID)
    xlabel = fig.axes[0].xaxis.label
    assert note.get_window_extent(renderer).y1 <= xlabel.get_window_extent(renderer).y0
    plt.close(fig)


def test_labels() -> None:
    """Policy -> '政策文件 policy'; '数据要素×工业制造' -> '工业制造 manufacturing'; unknown unchanged."""
    assert plots.kind_label("policy") == "政策文件 policy"
    assert plots.kind_label("other") == "other"
    assert set(plots.KIND_LABELS) == set(plots.KIND_COLORS)
    assert plots.sector_label("数据要素×工业制造") == "工业制造 manufacturing"
    assert plots.sector_label("（三）数据要素×绿色低碳", bilingual=False) == "green and low-carbon"
    assert plots.sector_label("保障措施") == "保障措施"
    assert plots.english_label("推进公共数据开放", plots.TERMS_EN) == "公共数据 public data"
    assert plots.english_label("数据要素×行动", plots.TERMS_EN) == "数据要素× data elements x"


def test_shorten() -> None:
    """'“数据要素×”三年行动计划' at width 8 -> "“数据要素×”…"; short text unchanged."""
    assert plots.shorten("“数据要素×”三年行动计划", 8) == "“数据要素×”…"
    assert plots.shorten("数据  要素", 8) == "数据 要素"


def test_wordcloud_is_deterministic_and_order_free() -> None:
    """The same frequencies in any order, same seed -> the same pixels."""
    a = plots.wordcloud_image({"数据要素": 5, "公共数据": 3, "场景": 3}, seed=1, width=200, height=100)
    b = plots.wordcloud_image({"场景": 3, "公共数据": 3, "数据要素": 5}, seed=1, width=200, height=100)
    assert a.size == (200, 100)
    assert a.tobytes() == b.tobytes()
    with pytest.raises(ValueError):
        plots.wordcloud_image({})


def test_save_plotly_offline_and_deterministic(reports_dir: Path) -> None:
    """HTML loads plotly.min.js from beside it (no CDN), with a fixed div id; reruns are identical."""
    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure(go.Bar(x=["工业制造", "现代农业"], y=[1, 2]))
    first = plots.save_plotly(fig, "bars", "00_test").read_bytes()
    path = plots.save_plotly(fig, "bars", "00_test")
    html = path.read_text(encoding="utf-8")
    assert path.read_bytes() == first
    assert (path.parent / "plotly.min.js").is_file()
    assert 'src="plotly.min.js"' in html and "cdn.plot.ly" not in html
    assert 'id="policykit-bars"' in html


def test_chronological_orders_by_date_then_period_undated_last() -> None:
    """Date first, a month-only period in its month, undated documents last; ties by doc_id."""
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["u", "b", "a", "m"], "date": [None, "2024-01-15", "2022-12-02", None],
                         "period": [None, "2024-01", "2022-12", "2023-09"]})
    out = plots.chronological(docs)
    assert list(out.doc_id) == ["a", "m", "b", "u"]
    assert [plots.date_label(r) for _, r in out.iterrows()] == ["2022-12-02", "2023-09", "2024-01-15", "undated 不详"]


def test_annotated_heatmap_writes_every_value() -> None:
    """Each non-null cell gets its label; null cells stay empty."""
    import numpy as np
    import pandas as pd

    fig, ax = plt.subplots()
    plots.annotated_heatmap(ax, pd.DataFrame([[1.0, np.nan], [3.0, 4.0]]), lambda v: f"{v:.0f}", cmap="Blues")
    assert sorted(t.get_text() for t in ax.texts) == ["1", "3", "4"]
    plt.close(fig)


def test_source_line_names_the_corpus_of_the_tables_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    (tmp_path / "datapackage.json").write_text(json.dumps({"version": "9.1", "corpus": {"name": "laws30",
                                                                                          "catalog": None}}))
    monkeypatch.setenv("POLICYKIT_DATA", str(tmp_path))
    assert plots.source_line(None) == "Source: policykit dataset v9.1, corpus laws30, all documents"


def test_short_titles_keep_the_draft_marker_and_tell_versions_apart() -> None:
    import pandas as pd

    docs = pd.DataFrame({
        "doc_id": ["plan-draft", "plan", "law-2019", "law-2023"],
        "title": ["国家数据局等部门关于印发“数据要素×”三年行动计划（2024—2026年）（征求意见稿）",
                  "国家数据局等部门关于印发“数据要素×”三年行动计划（2024—2026年）", "道路运输条例", "道路运输条例"],
        "date": ["2023-12-15", "2023-12-31", "2019-03-02", "2023-07-20"], "period": [None] * 4})
    short = plots.short_titles(docs, 22)
    assert short["plan-draft"].endswith("（征求意见稿）") and short["plan-draft"] != short["plan"]
    assert all(len(s) <= 22 for s in short[["plan-draft", "plan"]])
    assert short["law-2019"] == "道路运输条例 · 2019-03-02" and short["law-2023"] == "道路运输条例 · 2023-07-20"


def test_pair_names_say_draft_and_final_only_for_a_draft() -> None:
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["d", "f", "a", "b"], "title": ["计划（征求意见稿）", "计划", "条例", "条例"],
                         "kind": ["draft", "policy", "policy", "policy"],
                         "date": ["2023-01-01", "2023-02-01", "2019-03-02", "2023-07-20"], "period": [None] * 4})
    assert plots.pair_names(docs, "d", "f") == ("征求意见稿 draft", "正式稿 final")
    names = plots.pair_names(docs, "a", "b")
    assert names == ("条例 · 2019-03-02", "条例 · 2023-07-20") and "draft" not in "".join(names)


def test_labels_in_one_language() -> None:
    assert plots.in_lang("文件时间线 Documents by date", "zh") == "文件时间线"
    assert plots.in_lang("文件时间线 Documents by date", "en") == "Documents by date"
    tick = "关于数据的意见\ndata-twenty-articles-2022"
    assert plots.in_lang(tick, "en") == tick
    assert plots.in_lang("文件时间线 Documents by date", "both") == "文件时间线 Documents by date"
    with pytest.raises(ValueError):
        plots.in_lang("x", "fr")
    fig, ax = plt.subplots()
    ax.set_yticks([0, 1], ["政策 policy", "草案 draft"])
    ax.set_title("文件篇幅 Document length")
    plots.apply_lang(fig, "en")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["policy", "draft"] and ax.get_title() == "Document length"
    plt.close(fig)


def test_labels_joined_on_one_line_and_titles_with_ids() -> None:
    """Several labels on a line are rewritten one by one; a short title with its id or date is left whole."""
    assert plots.in_lang("文件 document: 政策文件 policy", "en") == "document: policy"
    assert plots.in_lang("文件 document: 政策文件 policy", "zh") == "文件: 政策文件"
    assert plots.in_lang("日期 date: ", "zh") == "日期: "
    for kept in ("条例 · law-2019", "船员条例 · 2020-03-27 · chuanyuan-2020", "到2026年 (2026-12-31)",
                 "本条例施行 (by 2012-10-01)"):  # a sentence and its deadline, as a table cell holds them
        assert plots.in_lang(kept, "en") == plots.in_lang(kept, "zh") == kept
    hover = "<b>目标 goal</b> · d-1<br>借用字数 borrowed characters: %{value}<extra></extra>"
    assert plots.markup_in_lang(hover, "en") == "<b>goal</b> · d-1<br>borrowed characters: %{value}<extra></extra>"
    assert plots.markup_in_lang(hover, "zh") == "<b>目标</b> · d-1<br>借用字数: %{value}<extra></extra>"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plotly_figures_follow_lang(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """save_plotly keeps one half of every bilingual text: title, axes, ticks, legend, hover, table cells, nodes."""
    import json

    import pandas as pd

    go = pytest.importorskip("plotly.graph_objects")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pd.to_datetime(["2024-01-01"]), y=[0], name="政策文件 policy",
                             legendgrouptitle_text="文件 documents", customdata=[["目标 goal", "plan-2024"]],
                             hovertemplate="<b>%{customdata[0]}</b><br>日期 date: %{x|%Y-%m-%d}<extra></extra>"))
    fig.add_trace(go.Table(header={"values": ["变化类型 change", "doc_id"]},
                           cells={"values": [["新增 added", "未变 unchanged"], ["plan-2024", "计划"]]}))
    fig.add_trace(go.Sankey(node={"label": ["征求意见稿 draft", "正式稿 final"]},
                            link={"source": [0], "target": [1], "value": [3]}))
    fig.update_layout(title="文件时间线 Documents by date", xaxis_title="日期 date", legend_title_text="类型 kind")
    fig.update_yaxes(tickvals=[0], ticktext=["条例<br>law-2019"])
    monkeypatch.setenv(plots.LANG_ENV, lang)
    page = plots.save_plotly(fig, "timeline", "00_test").read_text(encoding="utf-8")
    shown = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
    zh, en = lang == "zh", lang == "en"
    for both, one in (("文件时间线 Documents by date", "文件时间线" if zh else "Documents by date"),
                      ("政策文件 policy", "政策文件" if zh else "policy"),
                      ("日期 date: ", "日期: " if zh else "date: "),
                      ("新增 added", "新增" if zh else "added"), ("征求意见稿 draft", "征求意见稿" if zh else "draft"),
                      ("类型 kind", "类型" if zh else "kind"), ("文件 documents", "文件" if zh else "documents")):
        assert both not in shown and one in shown, (both, one)
    assert "条例<br>law-2019" in shown and '"计划"' in shown and "2024-01-01" in shown  # data and ids untouched
    written = page.encode("ascii", "backslashreplace").decode("unicode_escape")  # plotly writes \\uXXXX
    assert ("Documents by date" in written) is en and ("文件时间线" in written) is zh  # the page written is the same


def test_witnesses_figure_says_when_no_document_has_several_witnesses() -> None:
    """One file per document: one panel of what normalisation removed, titled so; at most WITNESS_ROWS rows."""
    import pandas as pd

    n = plots.WITNESS_ROWS + 5
    single = pd.DataFrame({"doc_id": [f"law-{i:02d}" for i in range(n)],
                           "source_file": [f"法规/l{i}.md" for i in range(n)],
                           "script": "hans", "is_primary": True, "agreement": 1.0, "n_differences": 0,
                           "removed_readings": 0, "removed_markup": list(range(1, n + 1)), "differences": ""})
    fig = plots.witnesses_figure(single)
    assert len(fig.axes) == 1 and "What normalisation removed from each file" in fig._suptitle.get_text()
    assert "no witnesses to compare" in fig.axes[0].get_title() and "5 more witnesses" in fig.axes[0].get_title()
    assert len(fig.axes[0].patches) == 2 * plots.WITNESS_ROWS  # readings and markup bars of the rows kept
    plt.close(fig)
    several = pd.concat([single.head(2), single.head(2).assign(source_file=["b.txt", "c.txt"], is_primary=False,
                                                               n_differences=[2, 0], agreement=[0.97, 1.0])])
    fig = plots.witnesses_figure(several)
    assert len(fig.axes) == 2 and "What differs between the witnesses" in fig._suptitle.get_text()
    plt.close(fig)
    assert plots.witnesses_figure(single.assign(removed_markup=0)) is None


def test_table_cells_and_pair_titles_follow_lang() -> None:
    """apply_lang reaches the cells of a drawn table; a title naming a pair of versions is rewritten part by part."""
    import pandas as pd

    fig = plots.table_figure(pd.DataFrame({"变化 change": ["改写 reworded", "计划"]}),
                             "目标的变化 Target changes, 征求意见稿 draft → 正式稿 final")
    plots.apply_lang(fig, "en")
    cells = sorted(c.get_text().get_text() for c in fig.axes[0].tables[0].get_celld().values())
    assert cells == ["change", "reworded", "计划"]
    assert fig.axes[0].get_title() == "Target changes, draft → final"
    plt.close(fig)
    pair_title = "目标的变化 Target changes, 征求意见稿 draft → 正式稿 final"
    assert plots.in_lang(pair_title, "zh") == "目标的变化, 征求意见稿 → 正式稿"


def test_annotated_heatmap_with_one_value_on_a_log_scale() -> None:
    """A single value (the log norm's ends are equal) is still written in its cell."""
    import numpy as np
    import pandas as pd

    fig, ax = plt.subplots()
    plots.annotated_heatmap(ax, pd.DataFrame([[np.nan, 42.0], [np.nan, np.nan]]), lambda v: f"{v:.0f}",
                            cmap="Blues", norm="log")
    assert [t.get_text() for t in ax.texts] == ["42"]
    plt.close(fig)


def test_doc_titles_fall_back_to_the_display_title_then_the_id() -> None:
    """A document without a title line is named by its display_title; without either, by its doc_id."""
    import pandas as pd

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["标题甲", None, None],
                         "display_title": ["标题甲", "（无题）第一行", None]})
    assert plots.doc_titles(docs).to_dict() == {"a": "标题甲", "b": "（无题）第一行", "c": "c"}
