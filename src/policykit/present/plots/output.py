"""Figure files: the CJK font, the source note under each figure, and byte-identical PNG, SVG, PDF and HTML."""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib import font_manager

from policykit import config
from policykit.present.plots.lang import LANG_ENV, SOURCE_GID, apply_lang, apply_plotly_lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Single-face Simplified Chinese OpenType font shipped by the mplfonts package (SIL OFL).
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
REPORTS_ENV = "POLICYKIT_REPORTS_DIR"
VARIANT_ENV = "POLICYKIT_VARIANT"
DPI = 150
SVG_HASHSALT = "policykit"
SOURCE_WIDTH = 160  # characters per line of the source note


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
