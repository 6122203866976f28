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
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
import wcwidth
from matplotlib import font_manager

from policykit import config, zh
from policykit.schema import table

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PIL.Image import Image

# Single-face Simplified Chinese OpenType font shipped by the mplfonts package (SIL OFL).
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
REPORTS_ENV = "POLICYKIT_REPORTS_DIR"
VARIANT_ENV = "POLICYKIT_VARIANT"
LANG_ENV = "POLICYKIT_LANG"
DPI = 150
SVG_HASHSALT = "policykit"
SOURCE_GID = "policykit-source"
SOURCE_WIDTH = 160  # characters per line of the source note

KIND_LABELS: dict[str, str] = table("documents").labels("kind")
"""Bilingual label of each documents.kind (from the registry), in the order used in legends."""

KIND_COLORS: dict[str, str] = {
    "policy": "#1f77b4",
    "draft": "#ff7f0e",
    "notice": "#2ca02c",
    "news": "#9467bd",
    "interpretation": "#8c564b",
    "report": "#7f7f7f",
    "judicial_interpretation": "#d62728",
    "case": "#17becf",
}
"""One fixed colour per documents.kind, so that every notebook colours kinds alike."""

SECTOR_EN: dict[str, str] = {
    "工业制造": "manufacturing",
    "智能制造": "smart manufacturing",
    "现代农业": "modern agriculture",
    "智慧农业": "smart agriculture",
    "商贸流通": "commerce and trade",
    "交通运输": "transport",
    "金融服务": "financial services",
    "科技创新": "science and technology innovation",
    "文化旅游": "culture and tourism",
    "医疗健康": "healthcare",
    "应急管理": "emergency management",
    "气象服务": "meteorological services",
    "城市治理": "urban governance",
    "绿色低碳": "green and low-carbon",
    "智慧城市": "smart cities",
}
"""English names of the sectors of the 数据要素× action plan (final names and draft variants)."""

TERMS_EN: dict[str, str] = {
    "数据要素": "data elements",
    "公共数据": "public data",
    "数据要素×": "data elements x",
    "授权运营": "authorised operation",
    "数据产业": "data industry",
    "数据标注": "data labelling",
    "数字政府": "digital government",
    "智慧城市": "smart cities",
    "数据资产": "data assets",
    "大模型": "large models",
    "人工智能": "AI",
    "可信数据空间": "trusted data spaces",
    "数据流通": "data circulation",
    "数据交易": "data trading",
    "数据基础设施": "data infrastructure",
    "高质量数据集": "high-quality datasets",
    "乘数效应": "multiplier effect",
}
"""English renderings of recurring terms, for axis labels."""

PARTS_EN: dict[str, str] = {
    "序言": "preamble",
    "激活数据要素潜能": "unlocking the potential of data elements",
    "总体要求": "general requirements",
    "重点行动": "key actions (sectors)",
    "强化保障支撑": "supporting measures",
    "做好组织实施": "organisation and implementation",
}
"""English names of the parts of the 数据要素× action plan."""

TARGET_KIND_LABELS: dict[str, str] = table("targets").labels("kind")
"""Bilingual label of each targets.kind (from the registry)."""

TARGET_KIND_STYLE: dict[str, tuple[str, str]] = {
    "goal": ("#1f77b4", "o"),
    "metric": ("#d62728", "D"),
    "effective_date": ("#2ca02c", "s"),
    "reporting_deadline": ("#9467bd", "v"),
    "comment_period": ("#8c564b", "P"),
    "rule": ("#17becf", "*"),
    "forecast": ("#ff7f0e", "^"),
    "reported_fact": ("#7f7f7f", "x"),
    "time_limit": ("#bcbd22", "h"),
}
"""Colour and matplotlib marker of each targets.kind, shared by every figure."""

TARGET_CHANGE_COLORS: dict[str, str] = {
    "unchanged": "#f2f2f2",
    "reworded": "#dbe9f6",
    "tightened": "#d9f0d3",
    "loosened": "#fde0dd",
    "added": "#fff2cc",
    "dropped": "#e7d4e8",
}
"""Cell colour of each target_changes.change in tables drawn as figures."""

TARGET_CHANGE_LABELS: dict[str, str] = table("target_changes").labels("change")
"""Bilingual label of each target_changes.change (from the registry)."""


def cjk_font_path() -> Path:
    """Path of the Simplified Chinese font file used for every figure."""
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: CJK font missing; reinstall the mplfonts package")
    return path


def cjk_font_name() -> str:
    """Family name of the CJK font (as matplotlib reads it from the file)."""
    return font_manager.FontProperties(fname=cjk_font_path()).get_name()


def use_cjk_font() -> None:
    """Make matplotlib draw Chinese with the bundled font, from the file (no font-cache lookup)."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = cjk_font_name()
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [name] + [f for f in rc["font.sans-serif"] if f != name]
    rc["axes.unicode_minus"] = False  # the CJK font has no U+2212 minus sign
    rc["svg.hashsalt"] = SVG_HASHSALT
    rc["figure.dpi"] = 100


def kind_label(kind: str) -> str:
    """Bilingual label of a document kind (the kind itself if unknown)."""
    return KIND_LABELS.get(kind, kind)


def english_label(name: str, mapping: Mapping[str, str] | None = None, *, bilingual: bool = True) -> str:
    """Label a Chinese name in English: '工业制造 manufacturing' (or only the English with bilingual=False).

    The first known key found inside name is used, so headings such as '数据要素×工业制造' work too;
    names with no known key are returned unchanged.
    """
    mapping = SECTOR_EN if mapping is None else mapping
    for key in sorted(mapping, key=len, reverse=True):  # longest key first: 数据要素× before 数据要素
        if key in name:
            return f"{key} {mapping[key]}" if bilingual else mapping[key]
    return name


def sector_label(name: str, *, bilingual: bool = True) -> str:
    """Label a sector name or sector heading of the action plan in English where the sector is known."""
    return english_label(name, SECTOR_EN, bilingual=bilingual)


def shorten(text: str, width: int = 18) -> str:
    """Text cut to width characters with an ellipsis, for tick labels of long Chinese titles."""
    return zh.shorten(str(text), width)


def doc_titles(documents: pd.DataFrame) -> pd.Series:
    """Each document's title by doc_id; its assigned display_title where the text has no title line."""
    titles = documents.set_index("doc_id")["title"]
    if "display_title" in documents.columns:
        titles = titles.fillna(documents.set_index("doc_id")["display_title"])
    return titles.fillna(titles.index.to_series())


def use_data(data: str | os.PathLike | None) -> None:
    """Point policykit.load() and the figures' source lines at a folder of tables (None: leave as is)."""
    from policykit.api import DATA_ENV

    if data is not None and str(data):
        os.environ[DATA_ENV] = str(Path(data).expanduser().resolve())


def datapackage_descriptor() -> dict[str, Any]:
    """The datapackage.json of the tables load() reads (a folder or a release archive); {} if there is none."""
    import json
    import zipfile

    from policykit.api import _zip_member, data_source

    where = data_source()
    try:
        if where.is_dir() and (where / "datapackage.json").is_file():
            return json.loads((where / "datapackage.json").read_text(encoding="utf-8"))
        if where.is_file() and zipfile.is_zipfile(where):
            with zipfile.ZipFile(where) as archive:
                member = _zip_member(archive, "datapackage.json")
                if member:
                    return json.loads(archive.read(member).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return {}


def dataset_version() -> str:
    """Version of the dataset shown (its datapackage.json if built, else the package version)."""
    from policykit import __version__

    return str(datapackage_descriptor().get("version") or __version__)


def corpus_name() -> str:
    """Name of the corpus the tables shown were built from: raw folder (and catalog), else the data folder's name."""
    from policykit.api import data_source

    corpus = datapackage_descriptor().get("corpus") or {}
    name = corpus.get("name") or data_source().name
    return f"{name} (catalog {corpus['catalog']})" if corpus.get("catalog") else str(name)


def source_line(doc_ids: Iterable[str] | None = None) -> str:
    """Source note for the bottom of a figure: dataset version, corpus and the documents shown."""
    docs = "all documents" if doc_ids is None else "documents " + ", ".join(sorted(set(doc_ids)))
    return f"Source: policykit dataset v{dataset_version()}, corpus {corpus_name()}, {docs}"


# --- short titles ---------------------------------------------------------------------------------------

SHORT_TITLE_WIDTH = 22
"""Characters of a short title (a document label on an axis or over a panel)."""
_ISSUER_PREFIX = re.compile(r"^.{0,40}?关于(?=.{4})")  # 国务院办公厅关于… -> …
# a bracketed version marker at the end of a title: （征求意见稿）, （2019年修正）, （试行）, (草案)
_TITLE_SUFFIX = re.compile(r"([（(][^（）()]{0,12}(?:征求意见稿|草案|送审稿|讨论稿|试行|暂行|修正|修订)"
                           r"[^（）()]{0,6}[）)])$")


def short_title(title: str, width: int = SHORT_TITLE_WIDTH) -> str:
    """The short-title rule: no issuer before 关于, no 《》 or 中华人民共和国, a bracketed version marker kept whole.

    A title longer than width keeps its start and its version marker (（征求意见稿）, （2019年修正） …) and
    loses the middle, so that a draft and its final version stay apart.
    """
    text = re.sub(r"[《》]", "", str(title)).strip()
    text = _ISSUER_PREFIX.sub("", text)
    text = re.sub(r"中华人民共和国(?=\S{2})", "", text)  # the state's name, in every national law's title
    if len(text) <= width:
        return text
    suffix = _TITLE_SUFFIX.search(text)
    tail = suffix.group(1) if suffix and len(suffix.group(1)) < width - 4 else ""
    head = text[: len(text) - len(tail)]
    return head[: width - len(tail) - 1].rstrip("（(—-·、，,：: ") + "…" + tail


def short_titles(documents: pd.DataFrame, width: int = SHORT_TITLE_WIDTH) -> pd.Series:
    """Short title of each document by doc_id: its short_title where given, else the rule; made unique by date.

    Documents whose short titles are the same (versions of one law) get their date appended, then their doc_id.
    """
    titles = doc_titles(documents)
    short = titles.map(lambda t: short_title(t, width))
    if "short_title" in documents.columns:
        given = documents.set_index("doc_id")["short_title"]
        short = given.where(given.notna() & (given.astype(str) != ""), short).astype(str)
    dates = documents.set_index("doc_id").apply(lambda r: date_label(r.to_dict()), axis=1) if len(documents) else short
    clash = short.duplicated(keep=False)
    short = short.where(~clash, short + " · " + dates.reindex(short.index).astype(str))
    clash = short.duplicated(keep=False)
    return short.where(~clash, short + " · " + short.index.to_series())


def pair_names(documents: pd.DataFrame, earlier: str, later: str) -> tuple[str, str]:
    """Names of the sides of a version pair: 征求意见稿/正式稿 for a draft -> final pair, else short title and date."""
    by_id = documents.set_index("doc_id")
    short = short_titles(documents)
    if by_id.loc[earlier, "kind"] == "draft" and by_id.loc[later, "kind"] != "draft":
        return ("征求意见稿 draft", "正式稿 final")
    names = []
    for doc_id in (earlier, later):
        when = date_label(by_id.loc[doc_id].to_dict())
        names.append(short[doc_id] if when in short[doc_id] else f"{short[doc_id]} ({when})")
    return names[0], names[1]


# --- languages of labels --------------------------------------------------------------------------------

LANGS = ("both", "zh", "en")
"""Languages of figure labels: both ('中文 English', as the schema writes labels), Chinese only, English only."""
# '中文 English': a Chinese half (no Latin letters, not ending on a separator such as · or :, so that
# '条例 · law-2019' is a title and an id, not a label) and an English half (opening with a letter or a quote, so that
# '本条例施行 (by 2012-10-01)' is a sentence and its date; no Han characters)
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z\n]*[\u4e00-\u9fff][^A-Za-z\n]*?)(?<![·:：/—])[ \u3000]+"
                        r"(?P<en>[A-Za-z\"“][^\u4e00-\u9fff\n]*)$")
# what joins labels on one line: '文件 document: 政策文件 policy', '目标的变化 Target changes, 征求意见稿 draft → …'
_PIECES = re.compile(r"(\s*[:：]\s+|\s+·\s+|,\s+|\s+→\s+)")
_ENDS = re.compile(r"^(?P<lead>\s*)(?P<body>.*?)(?P<tail>[:：]?\s*)$", re.DOTALL)
_MARKUP = re.compile(r"(<[^<>]*>|%\{[^{}]*\})")  # plotly's HTML tags and %{…} placeholders
_LINE_BREAK = re.compile(r"(<br\s*/?>)", re.IGNORECASE)


def _label_in_lang(label: str, lang: str) -> str:
    """One label '中文 English' in lang (whitespace and a colon at either end kept); anything else unchanged."""
    ends = _ENDS.match(label)
    m = _BILINGUAL.match(ends["body"]) if ends else None
    return f"{ends['lead']}{m.group(lang).strip()}{ends['tail']}" if m and ends else label


def _line_in_lang(line: str, lang: str) -> str:
    """A line in lang: the whole line as one label, else each label of several joined by ': ', ' · ', ', ', ' → '."""
    whole = _label_in_lang(line, lang)
    if whole != line:
        return whole
    return "".join(_label_in_lang(piece, lang) for piece in _PIECES.split(line))


def in_lang(text: str, lang: str = "both") -> str:
    """A label in one language: each line '中文 English' becomes '中文' (zh) or 'English' (en); others stay.

    A line of several labels joined by ': ', ' · ', ', ' or ' → ' ('文件 document: 政策文件 policy') has each one
    rewritten.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if lang == "both":
        return text
    return "\n".join(_line_in_lang(line, lang) for line in str(text).split("\n"))


def markup_in_lang(text: str, lang: str = "both") -> str:
    """in_lang for plotly text: lines split at <br>, tags (<b>) and placeholders (%{value}) left as they are."""
    if lang == "both":
        return in_lang(text, lang)
    parts = []
    for line in _LINE_BREAK.split(str(text)):
        if _LINE_BREAK.fullmatch(line):
            parts.append(line)
            continue
        whole = "".join(in_lang(p, lang) if not _MARKUP.fullmatch(p) else p for p in _MARKUP.split(line))
        plain = _MARKUP.sub("", line)
        # a label split by tags ('<b>目标</b> goal') is rare; the pieces between tags are what is rewritten
        parts.append(whole if plain.strip() else line)
    return "".join(parts)


PLOTLY_TEXT_KEYS = frozenset({"text", "name", "ticktext", "hovertext", "hovertemplate", "texttemplate", "label",
                              "labels", "values", "customdata", "x", "y"})
"""Attributes of a plotly figure whose strings are labels (titles, legends, ticks, hover, table cells, nodes)."""
_PLOTLY_SKIP = frozenset({"template"})


def _plotly_changes(value: Any, lang: str, key: str) -> tuple[bool, Any]:
    """(changed, value in lang) for one attribute of a plotly figure's JSON; only labels are rewritten."""
    if isinstance(value, dict):
        changed = {}
        for k, v in value.items():
            if k in _PLOTLY_SKIP:
                continue
            did, new = _plotly_changes(v, lang, k)
            if did:
                changed[k] = new
        return bool(changed), changed
    if isinstance(value, str):
        new = markup_in_lang(value, lang) if key in PLOTLY_TEXT_KEYS else value
        return new != value, new
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        value = value.tolist()
    if isinstance(value, list | tuple):
        results = [_plotly_changes(v, lang, key) for v in value]
        if not any(did for did, _ in results):
            return False, value
        # a list is replaced whole: dicts in it (annotations) keep their other attributes
        return True, [_merge(v, new) if isinstance(v, dict) else new
                      for v, (_, new) in zip(value, results, strict=True)]
    return False, value


def _merge(base: dict, changes: dict) -> dict:
    """A copy of base with the (nested) changes applied."""
    out = dict(base)
    for k, v in changes.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def apply_plotly_lang(fig: Any, lang: str = "both") -> Any:
    """Rewrite every bilingual text of a plotly figure in lang; returns fig (changed in place).

    Titles, axis and tick labels, legend entries and titles, hover texts and templates, table cells, node labels.
    """
    in_lang("", lang)  # refuses an unknown language
    if lang == "both":
        return fig
    did, changes = _plotly_changes(fig.layout.to_plotly_json(), lang, "layout")
    if did:
        fig.update_layout(changes)
    for trace in fig.data:
        did, changes = _plotly_changes(trace.to_plotly_json(), lang, "trace")
        if did:
            trace.update(changes)
    return fig


def apply_lang(fig: Figure, lang: str = "both") -> None:
    """Rewrite every bilingual text of fig (titles, axis and tick labels, legends) in lang."""
    from matplotlib.text import Text

    if lang == "both":
        in_lang("", lang)
        return
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()  # tick labels are redrawn from the formatter at each draw
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [in_lang(str(t), lang) for t in formatter.seq]
            elif isinstance(formatter, FuncFormatter):  # labels given with set_ticks(ticks, labels)
                formatter.func = (lambda f: lambda x, pos=None: in_lang(str(f(x, pos)), lang))(formatter.func)
    texts = list(fig.findobj(Text))
    for ax in fig.axes:  # findobj does not reach the texts of table cells
        texts += [cell.get_text() for table in ax.tables for cell in table.get_celld().values()]
    for text in texts:
        if text.get_gid() != SOURCE_GID and text.get_text():
            text.set_text(in_lang(text.get_text(), lang))


def use_lang(lang: str) -> None:
    """Draw the labels of every figure saved from now on in lang (both, zh or en)."""
    in_lang("", lang)  # refuses an unknown language
    os.environ[LANG_ENV] = lang


def add_source(fig: Figure, doc_ids: Iterable[str] | None = None, *, text: str | None = None) -> None:
    """Put the source line (or text) in small grey type under fig; save_figure keeps it below everything."""
    note = textwrap.fill(text or source_line(doc_ids), width=SOURCE_WIDTH, break_on_hyphens=False)
    fig.text(0.01, 0.0, note, ha="left", va="top", fontsize=7, color="0.4", gid=SOURCE_GID)


def _place_source(fig: Figure) -> None:
    """Move source lines just below the bounding box of everything else (tick labels vary in height)."""
    notes = [t for t in fig.texts if t.get_gid() == SOURCE_GID]
    if not notes:
        return
    for note in notes:
        note.set_visible(False)
    box = fig.get_tightbbox(fig.canvas.get_renderer())  # inches; invisible artists are left out
    width, height = fig.get_size_inches()
    for note in notes:
        note.set_visible(True)
        # figure fractions, not inches: savefig's tight bbox shifts figure coordinates only
        note.set_position((box.x0 / width, (box.y0 - 0.06) / height))


def default_figures_dir(notebook: str) -> Path:
    """Folder of the figures of the default run of notebook (reports/figures/<notebook>/)."""
    return Path(os.environ.get(REPORTS_ENV) or config.REPORTS_DIR) / "figures" / notebook


def figures_dir(notebook: str) -> Path:
    """Folder that receives the figures of notebook (and of the current variant, if any)."""
    variant = os.environ.get(VARIANT_ENV)
    return default_figures_dir(notebook) / variant if variant else default_figures_dir(notebook)


def write_output(data: bytes, name: str, notebook: str) -> Path | None:
    """Write one output file of notebook; in a variant run, only if it differs from the default run's.

    Returns the path written, or None when a variant's file equals the published default (a stale
    copy from an earlier variant run is removed).
    """
    path = figures_dir(notebook) / name
    default = default_figures_dir(notebook) / name
    if path != default and default.is_file() and default.read_bytes() == data:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


FIGURE_FORMATS: dict[str, dict[str, Any]] = {
    # Dates, tool versions and random ids are what make figure files differ between runs.
    "png": {"dpi": DPI, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "Creator": None, "Producer": None}},  # vector, for LaTeX
}
"""The files save_figure writes for every figure, with their savefig options."""


def save_figure(fig: Figure, name: str, notebook: str) -> list[Path]:
    """Write fig as <name>.png, .svg and .pdf under reports/figures/<notebook>/; byte-identical on rerun.

    In a variant run only the files that differ from the default run's are written (see write_output).
    Labels are drawn in the language of $POLICYKIT_LANG (the notebooks' lang parameter; default both).
    """
    apply_lang(fig, os.environ.get(LANG_ENV) or "both")
    _place_source(fig)
    written = []
    # pdf.fonttype 42 embeds the CJK font as a (subset) TrueType/CFF font: text stays text, and small.
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path", "pdf.fonttype": 42}):
        for fmt, options in FIGURE_FORMATS.items():
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, bbox_inches="tight", **options)
            path = write_output(buffer.getvalue(), f"{name}.{fmt}", notebook)
            if path is not None:
                written.append(path)
    return written


def save_plotly(fig: Any, name: str, notebook: str) -> Path | None:
    """Write a plotly figure as interactive HTML that works offline; byte-identical on rerun.

    Returns the path written (None in a variant run when the page equals the default run's). Labels are
    rewritten in the language of $POLICYKIT_LANG first (apply_plotly_lang), so fig.show() after it agrees.
    """
    apply_plotly_lang(fig, os.environ.get(LANG_ENV) or "both")
    # "directory" points the page at one plotly.min.js beside it (no network needed, one copy per folder);
    # a fixed div id replaces plotly's random uuid.
    html = fig.to_html(include_plotlyjs="directory", full_html=True, div_id=f"policykit-{name}",
                       config={"displaylogo": False})
    path = write_output(html.encode("utf-8"), f"{name}.html", notebook)
    if path is not None:
        script = path.parent / "plotly.min.js"
        if not script.is_file():
            from plotly.offline import get_plotlyjs

            script.write_text(get_plotlyjs(), encoding="utf-8")
    return path


def save_text(text: str, name: str, notebook: str) -> Path | None:
    """Write a text output of notebook (e.g. an HTML page) beside its figures, under the same variant rule."""
    return write_output(text.encode("utf-8"), name, notebook)


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


def chronological(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents in time order: by date, else by period (month, when only that is known), undated last."""
    when = pd.to_datetime(documents["date"]).fillna(pd.to_datetime(documents["period"], format="%Y-%m"))
    return documents.assign(when=when).sort_values(["when", "doc_id"], na_position="last").reset_index(drop=True)


def date_label(row: Mapping[str, Any]) -> str:
    """A document's date as a label: the date, else its month, else 'undated 不详'."""
    for key in ("date", "period"):
        value = row.get(key)
        if isinstance(value, (str, dt.date)) and value:
            return value if isinstance(value, str) else value.isoformat()  # a date column holds datetime.date
    return "undated 不详"


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
