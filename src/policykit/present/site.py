"""The documentation site: the README, docs/*.md and the executed notebooks as one static site.

``python -m policykit.present.site`` (``make site``) stages the pages into build/site-docs and builds them with
MkDocs (Material theme, mkdocs-jupyter; configuration in mkdocs.yml) into site/:

- the README becomes the home page; its links to docs/*.md point at those pages, and links to other
  files of the project (CHANGELOG.md, data/raw/MANIFEST.csv …) at copies under files/;
- every docs/*.md page (data dictionary, codebook, quality …), whatever pages exist;
- the executed notebooks of reports/notebooks/ (run by ``policykit figures``; run here if missing or made
  from other inputs: the hash of notebook, parameters, tables and code is kept beside each), with
  their figures; plotly figures are rendered with the plotly.js copy beside the pages, and links into
  reports/figures/ point at a copy under figures/.

No asset comes from the network: the theme's web fonts are off and MathJax (the notebooks hold no
formulas) is replaced by an empty local script.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policykit import config
from policykit.errors import InputError


def _project(*parts: str) -> Path:
    """A path in the project folder, resolved when it is used (config.ROOT follows POLICYKIT_ROOT)."""
    return config.ROOT.joinpath(*parts)


PLOTLY_MIME = "application/vnd.plotly.v1+json"
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def _stage_target(target: str, pages: dict[str, str], stage: Path, page: Path, root: Path,
                  copied: dict[Path, str]) -> str:
    """Where a link of page leads in the site, relative to the site's root: a staged page or a copy under files/.

    Web addresses and anchors come back unchanged. A Markdown file that is copied is recorded in copied (its
    own links are rewritten in turn by stage_markdown).
    """
    if re.match(r"^[a-z]+:|^#|^/", target):
        return target
    path, _, fragment = target.partition("#")
    suffix = f"#{fragment}" if fragment else ""
    source = Path(os.path.normpath(page.parent / path))
    rel = Path(os.path.relpath(source, root)).as_posix()
    if rel in pages:
        return pages[rel] + suffix
    if source.is_dir() and (source / "README.md").is_file():  # a folder: its README
        source, rel = source / "README.md", f"{rel}/README.md"
    if source.is_file() and not rel.startswith("../"):
        copy_to = stage / "files" / rel
        copy_to.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".md":
            copied.setdefault(source, f"files/{rel}")
        else:
            shutil.copyfile(source, copy_to)
        return f"files/{rel}{suffix}"
    raise InputError(page, f"link to {target}, which does not exist")


def _rewrite_links(text: str, pages: dict[str, str], stage: Path, page: Path, root: Path, at: str,
                   copied: dict[Path, str]) -> str:
    """Every link of a Markdown page staged at `at` (relative to the site's root) rewritten; images left alone."""
    import posixpath

    def one(m: re.Match) -> str:
        where = _stage_target(m["target"], pages, stage, page, root, copied)
        if re.match(r"^[a-z]+:|^#|^/", where):
            return f"[{m['text']}]({where})"
        path, _, fragment = where.partition("#")
        relative = posixpath.relpath(path, posixpath.dirname(at) or ".")
        return f"[{m['text']}]({relative}{'#' + fragment if fragment else ''})"

    return _LINK.sub(one, text)


def stage_markdown(stage: Path, docs_dir: Path | None = None, readme: Path | None = None) -> list[Path]:
    """Copy docs/*.md and the README (as index.md) into stage with their links rewritten; return the pages.

    Links to other project files (data/gold/…, benchmarks/README.md …) point at copies under files/, so that
    they resolve when the site is served, whichever page they are written in; a copied Markdown file has
    its own links rewritten the same way.
    """
    docs_dir = Path(docs_dir or _project("docs"))
    readme = Path(readme or _project("README.md"))
    root = readme.parent
    written = []
    pages: dict[str, str] = {}
    copied: dict[Path, str] = {}
    sources = sorted(Path(docs_dir).glob("*.md"))
    for page in sources:
        pages[Path(os.path.relpath(page, root)).as_posix()] = page.name
    for page in sources:
        text = _rewrite_links(page.read_text(encoding="utf-8"), pages, stage, page, root, page.name, copied)
        (stage / page.name).write_text(text, encoding="utf-8")
        written.append(stage / page.name)
    text = _rewrite_links(readme.read_text(encoding="utf-8"), pages, stage, readme, root, "index.md", copied)
    (stage / "index.md").write_text(text, encoding="utf-8")
    done: set[Path] = set()
    while set(copied) - done:  # Markdown files reached through links, each once
        source = sorted(set(copied) - done)[0]
        done.add(source)
        at = copied[source]
        text = _rewrite_links(source.read_text(encoding="utf-8"), pages, stage, source, root, at, copied)
        (stage / at).write_text(text, encoding="utf-8")
    return [stage / "index.md", *written]


def _plotly_html(figure: dict, div_id: str, with_script: bool) -> str:
    """HTML of a plotly figure that uses the plotly.min.js beside the page."""
    import plotly.io as pio

    return pio.to_html(figure, include_plotlyjs="directory" if with_script else False, full_html=False,
                       div_id=div_id, config={"displaylogo": False})


def figure_caption(markdown: str, limit: int = 300) -> str:
    """Caption of the figures under a Markdown cell, as their alt text: heading and first sentence, plain text."""
    lines = [line.strip() for line in markdown.splitlines()]
    heading = next((line.lstrip("#").strip() for line in lines if line.startswith("#")), "")
    body = " ".join(line for line in lines if line and not line.startswith(("#", "```", "|")))
    first = re.split(r"(?<=[.。!?！？])\s", body, maxsplit=1)[0] if body else ""
    text = ": ".join(part for part in (heading, first) if part)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"[*`]", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _alt_images(nb: Any) -> None:
    """Give every PNG output an img with alt text from the caption above it (the nearest Markdown cell)."""
    import html

    caption = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            caption = figure_caption(cell.source) or caption
            continue
        pngs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {}) and "text/html" not in o["data"]]
        for n, output in enumerate(pngs, 1):
            alt = caption + (f" (figure {n} of {len(pngs)})" if len(pngs) > 1 else "") or "figure"
            png = output["data"]["image/png"]
            png = "".join(png) if isinstance(png, list) else png
            output["data"]["text/html"] = (f'<img src="data:image/png;base64,{png.strip()}" '
                                           f'alt="{html.escape(alt, quote=True)}">')


def stage_notebook(executed: Path, stage: Path, reports_dir: Path, notebooks_dir: Path) -> Path:
    """Copy an executed notebook into stage/notebooks/, ready for the site (plotly rendered, links fixed)."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    # the notebooks wrote links relative to their working folder (notebooks/) into reports/figures/
    figures_link = Path(os.path.relpath(Path(reports_dir) / "figures", notebooks_dir)).as_posix()
    n_plotly = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME in data and "text/html" not in data:
                data["text/html"] = _plotly_html(copy.deepcopy(data[PLOTLY_MIME]),
                                                 f"{executed.stem}-plotly-{n_plotly}", n_plotly == 0)
                n_plotly += 1
            for mime in ("text/markdown", "text/html"):
                if mime in data:
                    text = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    data[mime] = text.replace(figures_link + "/", "../figures/")
    _alt_images(nb)
    target = stage / "notebooks" / executed.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    if n_plotly:
        from plotly.offline import get_plotlyjs

        (target.parent / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    return target


def stage_site(stage: Path | None = None, reports_dir: Path | None = None, notebooks_dir: Path | None = None,
               docs_dir: Path | None = None, *, run_missing: bool = True) -> list[Path]:
    """Fill stage with every page of the site; first run the notebooks whose executed copies are missing or stale."""
    from policykit.present.figures import notebook_names, run_notebooks

    stage = Path(stage or _project("build", "site-docs"))
    reports = Path(reports_dir or config.REPORTS_DIR)
    notebooks = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    names = notebook_names(notebooks)
    missing = [n for n in names if not (reports / "notebooks" / f"{n}.ipynb").is_file()]
    if run_missing:  # missing, or made from other inputs (notebook, parameters, tables, code) than now
        run_notebooks(names, out_dir=reports, notebooks_dir=notebooks, only_changed=True)
    elif missing:
        raise InputError(reports / "notebooks", f"no executed {', '.join(missing)}; run `policykit figures` first")
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "assets").mkdir(parents=True)
    (stage / "assets" / "no-mathjax.js").write_text(
        "/* The notebooks hold no formulas, so the site ships no MathJax (and loads nothing from the network). */\n",
        encoding="utf-8")
    pages = stage_markdown(stage, docs_dir)
    pages += [stage_notebook(reports / "notebooks" / f"{n}.ipynb", stage, reports, notebooks) for n in names]
    if (reports / "figures").is_dir():
        shutil.copytree(reports / "figures", stage / "figures",
                        ignore=lambda folder, files: [f for f in files if f.endswith(".svg")])
    return pages


def build_site(site_dir: Path | None = None, stage: Path | None = None, reports_dir: Path | None = None,
               notebooks_dir: Path | None = None, docs_dir: Path | None = None, *, run_missing: bool = True) -> Path:
    """Stage the pages and build the static site into site_dir; return its index.html."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = Path(site_dir or _project("site"))
    stage = Path(stage or _project("build", "site-docs"))
    stage_site(stage, reports_dir, notebooks_dir, docs_dir, run_missing=run_missing)
    cfg = load_config(config_file=str(_project("mkdocs.yml")), docs_dir=str(Path(stage).resolve()),
                      site_dir=str(Path(site_dir).resolve()))
    # mkdocs-jupyter caches converted notebooks under the working folder: keep that beside the stage
    cwd = Path.cwd()
    os.chdir(Path(stage).parent)
    try:
        build(cfg)
    finally:
        os.chdir(cwd)
    return Path(site_dir) / "index.html"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the site (python -m policykit.present.site [--out DIR] [--reports DIR])."""
    parser = argparse.ArgumentParser(prog="python -m policykit.present.site", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="site folder (default site/)")
    parser.add_argument("--reports", type=Path, default=None, help="reports folder with the executed notebooks")
    args = parser.parse_args(argv)
    try:
        index = build_site(args.out, reports_dir=args.reports)
    except InputError as exc:
        print(f"policykit: error: {exc}", file=sys.stderr)
        return 1
    print(f"site written to {index.parent} (open {index})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
