"""Figures for the notebooks: Chinese fonts, bilingual labels, source lines, deterministic files.

Every notebook figure goes through this module, so that Chinese renders everywhere and a rerun
writes byte-identical files. Typical use in a notebook::

    from policykit.present import plots
    plots.use_cjk_font()                      # once, before drawing
    fig, ax = plt.subplots()
    ...                                        # draw with Chinese labels freely
    plots.add_source(fig, ["data-x-action-plan-2024"])  # "Source: policykit dataset v…, documents …"
    plots.save_figure(fig, "timeline", "01_corpus")   # reports/figures/01_corpus/timeline.png, .svg, .pdf

Interactive figures: ``plots.save_plotly(fig, "sankey", "02_draft_vs_final")`` writes HTML that works
offline (plotly.js is written once beside the files). Word clouds: ``plots.wordcloud_image(freqs)``.

Output folders: ``reports/figures/<notebook>/`` under the project, or under ``$POLICYKIT_REPORTS_DIR``
when set; a run with parameters (``POLICYKIT_VARIANT`` set by the figure runner) writes to
``reports/figures/<notebook>/<variant>/`` so that variants never overwrite the default figures, and only
the files that differ from the default run's: a figure the parameters do not change is not copied.

The package is split by job: ``output`` (the font, the source note, the files), ``lang`` (the language of
labels), ``labels`` (what figures call things), ``charts`` (word clouds, heat maps, tables as figures) and a
module per figure family (``statements``, ``witnesses``; the reuse figures are policykit.present.reuse_plots).
Everything is importable from ``policykit.present.plots``.
"""

from __future__ import annotations

from policykit.present.plots.charts import (
    annotated_heatmap,
    table_figure,
    wordcloud_image,
    wrap_cjk,
)
from policykit.present.plots.labels import (
    KIND_COLORS,
    KIND_LABELS,
    PARTS_EN,
    SECTOR_EN,
    SHORT_TITLE_WIDTH,
    TARGET_CHANGE_COLORS,
    TARGET_CHANGE_LABELS,
    TARGET_KIND_LABELS,
    TARGET_KIND_STYLE,
    TERMS_EN,
    chronological,
    date_label,
    doc_titles,
    english_label,
    kind_label,
    pair_names,
    sector_label,
    short_title,
    short_titles,
    shorten,
)
from policykit.present.plots.lang import (
    LANG_ENV,
    LANGS,
    PLOTLY_TEXT_KEYS,
    SOURCE_GID,
    apply_lang,
    apply_plotly_lang,
    in_lang,
    markup_in_lang,
    use_lang,
)
from policykit.present.plots.output import (
    CJK_FONT_FILE,
    DPI,
    FIGURE_FORMATS,
    REPORTS_ENV,
    SOURCE_WIDTH,
    SVG_HASHSALT,
    VARIANT_ENV,
    add_source,
    cjk_font_name,
    cjk_font_path,
    corpus_name,
    datapackage_descriptor,
    dataset_version,
    default_figures_dir,
    figures_dir,
    save_figure,
    save_plotly,
    save_text,
    source_line,
    use_cjk_font,
    use_data,
    write_output,
)
from policykit.present.plots.statements import (
    INSTRUMENT_COLORS,
    STATEMENT_CHANGE_COLORS,
    STRENGTH_COLORS,
    statement_mix,
    statement_mix_figure,
    strength_change_figure,
)
from policykit.present.plots.witnesses import (
    WITNESS_ROWS,
    witness_rows,
    witnesses_figure,
)

__all__ = [
    "CJK_FONT_FILE", "DPI", "FIGURE_FORMATS", "INSTRUMENT_COLORS", "KIND_COLORS", "KIND_LABELS", "LANGS", "LANG_ENV",
    "PARTS_EN", "PLOTLY_TEXT_KEYS", "REPORTS_ENV", "SECTOR_EN", "SHORT_TITLE_WIDTH", "SOURCE_GID", "SOURCE_WIDTH",
    "STATEMENT_CHANGE_COLORS", "STRENGTH_COLORS", "SVG_HASHSALT", "TARGET_CHANGE_COLORS", "TARGET_CHANGE_LABELS",
    "TARGET_KIND_LABELS", "TARGET_KIND_STYLE", "TERMS_EN", "VARIANT_ENV", "WITNESS_ROWS", "add_source",
    "annotated_heatmap", "apply_lang", "apply_plotly_lang", "chronological", "cjk_font_name", "cjk_font_path",
    "corpus_name", "datapackage_descriptor", "dataset_version", "date_label", "default_figures_dir", "doc_titles",
    "english_label", "figures_dir", "in_lang", "kind_label", "markup_in_lang", "pair_names", "save_figure",
    "save_plotly", "save_text", "sector_label", "short_title", "short_titles", "shorten", "source_line",
    "statement_mix", "statement_mix_figure", "strength_change_figure", "table_figure", "use_cjk_font", "use_data",
    "use_lang", "witness_rows", "witnesses_figure", "wordcloud_image", "wrap_cjk", "write_output",
]
