"""The documentation site: staged pages, no network assets, and the built pages in headless Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from policykit import config
from policykit.present import site

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocs_jupyter")


def test_readme_links_point_at_site_pages_or_copies(tmp_path: Path) -> None:
    """README links: docs/x.md -> x.md, other project files -> files/…, anchors and web addresses unchanged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "codebook.md").write_text("# 编码手册\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    (tmp_path / "CITATION.cff").write_bytes(b"cff-version: 1.2.0\n")
    readme.write_text("[a](docs/codebook.md#x) [b](CITATION.cff) [c](#top) [d](https://example.org) ![i](x.png)\n",
                      encoding="utf-8")
    stage = tmp_path / "stage"
    stage.mkdir()
    pages = site.stage_markdown(stage, docs, readme)
    assert [p.name for p in pages] == ["index.md", "codebook.md"]
    assert (stage / "index.md").read_text(encoding="utf-8") == \
        "[a](codebook.md#x) [b](files/CITATION.cff) [c](#top) [d](https://example.org) ![i](x.png)\n"
    assert (stage / "files" / "CITATION.cff").read_bytes() == b"cff-version: 1.2.0\n"


def test_links_of_docs_pages_to_project_files_resolve_in_the_site(tmp_path: Path) -> None:
    """docs/x.md linking ../data/gold/a.csv or a folder (its README) -> files/…, copied; other pages kept."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "data" / "gold").mkdir(parents=True)
    (tmp_path / "data" / "gold" / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "README.md").write_text("[a](../data/gold/a.csv) [c](../docs/codebook.md)\n",
                                                        encoding="utf-8")
    (docs / "codebook.md").write_text("[g](../data/gold/a.csv) [b](../benchmarks/) [q](quality.md#s)\n",
                                      encoding="utf-8")
    (docs / "quality.md").write_text("# q\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("[g](data/gold/a.csv)\n", encoding="utf-8")
    stage = tmp_path / "stage"
    stage.mkdir()
    site.stage_markdown(stage, docs, readme)
    assert (stage / "codebook.md").read_text(encoding="utf-8") == \
        "[g](files/data/gold/a.csv) [b](files/benchmarks/README.md) [q](quality.md#s)\n"
    assert (stage / "files" / "data" / "gold" / "a.csv").is_file()
    assert (stage / "files" / "benchmarks" / "README.md").read_text(encoding="utf-8") == \
        "[a](../data/gold/a.csv) [c](../../codebook.md)\n"  # a copied page's own links resolve too


def test_a_broken_readme_link_is_an_error(tmp_path: Path) -> None:
    """A link to a file that does not exist stops the build, naming it."""
    from policykit.errors import InputError

    readme = tmp_path / "README.md"
    readme.write_text("[gone](docs/nowhere.md)\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "stage").mkdir()
    with pytest.raises(InputError, match="docs/nowhere.md"):
        site.stage_markdown(tmp_path / "stage", tmp_path / "docs", readme)


def test_plotly_outputs_are_rendered_with_the_local_script(tmp_path: Path) -> None:
    """A plotly output (JSON only) gets HTML that loads plotly.min.js from beside the page; figure links are fixed."""
    import plotly.graph_objects as go

    nb = nbformat.v4.new_notebook()
    figure = go.Figure(go.Bar(x=["数据"], y=[1])).to_plotly_json()
    nb.cells = [nbformat.v4.new_code_cell("fig.show()", outputs=[
        nbformat.v4.new_output("display_data", data={site.PLOTLY_MIME: figure, "text/plain": "Figure"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": "[page](../reports/figures/02/comparison.html)"}),
    ])]
    executed = tmp_path / "reports" / "notebooks" / "02.ipynb"
    executed.parent.mkdir(parents=True)
    nbformat.write(nb, executed)
    staged = site.stage_notebook(executed, tmp_path / "stage", tmp_path / "reports", tmp_path / "notebooks")
    outputs = nbformat.read(staged, as_version=4).cells[0].outputs
    assert '<script charset="utf-8" src="plotly.min.js"></script>' in outputs[0].data["text/html"]
    assert "https://" not in outputs[0].data["text/html"]
    assert outputs[1].data["text/markdown"] == "[page](../figures/02/comparison.html)"
    assert (staged.parent / "plotly.min.js").stat().st_size > 1_000_000


# --- the built site ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_site(executed_reports: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the executed notebooks of this test session."""
    root = tmp_path_factory.mktemp("site")
    index = site.build_site(root / "site", root / "stage", reports_dir=executed_reports, run_missing=False)
    return index.parent


@pytest.mark.slow
def test_site_has_every_page_and_no_network_assets(built_site: Path) -> None:
    """Home page, every docs/*.md page, every notebook; no script, style sheet, font or image from the web."""
    expected = ["index.html", *(f"{p.stem}.html" for p in sorted((config.ROOT / "docs").glob("*.md")))]
    expected += [f"notebooks/{p.stem}.html" for p in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))]
    for page in expected:
        assert (built_site / page).is_file(), page
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        remote = re.findall(r"<(?:script|img|link|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]+", html)
        assert remote == [], f"{page.relative_to(built_site)} loads {remote[:2]}"
    for sheet in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", sheet.read_text(encoding="utf-8")), sheet.name


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    """The built site on a local web server (so that a checking page may look into the pages it frames)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


CHECK_PAGE = """<!doctype html><meta charset="utf-8"><pre id="result">pending</pre>
<iframe id="page" src="{page}" width="1400" height="2000"></iframe>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => setTimeout(() => {{
  const doc = frame.contentDocument;
  const images = [...doc.images].map(i => ({{src: i.getAttribute("src").slice(0, 60),
                                             ok: i.complete && i.naturalWidth > 0}}));
  const text = doc.body.innerText;
  const links = [...doc.querySelectorAll("a[href]")].map(a => a.href).filter(h => h.startsWith(location.origin));
  document.getElementById("result").textContent = JSON.stringify({{
    title: doc.title, han: (text.match(/[\\u4e00-\\u9fff]/g) || []).length, text: text.slice(0, 20000),
    images, links, plotly: doc.querySelectorAll(".js-plotly-plot .main-svg").length}});
}}, 4000));
</script>"""


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed (make test-browser) — site not checked in a browser")
    return exe


def _render(served: str, built_site: Path, page: str, tmp_path: Path) -> dict:
    """Open page in headless Chromium (inside a checking page) and return what the browser saw."""
    check = built_site / f"check-{Path(page).stem}.html"
    check.write_text(CHECK_PAGE.format(page=f"/{page}"), encoding="utf-8")
    flags = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--virtual-time-budget=20000",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", f"{served}/{check.name}"], capture_output=True, text=True,
                         timeout=120).stdout
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found and found[1] != "pending", f"the checking page did not finish: {dom[:300]}"
    import html

    return json.loads(html.unescape(found[1]))


def _assert_links_resolve(served: str, links: list[str]) -> None:
    for link in sorted(set(links)):
        with urllib.request.urlopen(link.split("#")[0]) as response:  # noqa: S310 - our own local server
            assert response.status == 200, link


@pytest.mark.slow
@pytest.mark.browser
def test_index_renders_in_headless_chromium(served: str, built_site: Path, tmp_path: Path) -> None:
    """The home page: Chinese text decoded and laid out, the navigation names the notebooks, every link resolves."""
    seen = _render(served, built_site, "index.html", tmp_path)
    assert seen["han"] > 50 and "数据要素×" in seen["text"]
    assert any(link.endswith("/notebooks/01_corpus.html") for link in seen["links"])
    assert any(link.endswith("/data-dictionary.html") for link in seen["links"])
    _assert_links_resolve(served, seen["links"])
    shot = tmp_path / "index.png"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p2'}",
                    f"--screenshot={shot}", "--window-size=1400,1600", f"{served}/index.html"],
                   capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 20_000


@pytest.mark.slow
@pytest.mark.browser
def test_notebook_page_shows_its_figures(served: str, built_site: Path, tmp_path: Path) -> None:
    """A notebook page: its Chinese narrative, every figure loaded (matplotlib images, plotly charts), links resolve."""
    seen = _render(served, built_site, "notebooks/01_corpus.html", tmp_path)
    assert "数据集概览" in seen["text"] and seen["han"] > 100
    figures = [i for i in seen["images"] if i["src"].startswith("data:image/png")]
    assert len(figures) >= 4 and all(i["ok"] for i in seen["images"]), seen["images"]
    _assert_links_resolve(served, seen["links"])
    plotly = _render(served, built_site, "notebooks/04_targets.html", tmp_path)
    assert plotly["plotly"] >= 1, "the plotly timeline did not draw"


def test_figures_get_alt_text_from_the_caption_above_them(tmp_path: Path) -> None:
    """A PNG output is shown as an img whose alt is the heading and first sentence of the Markdown cell above."""
    import base64

    nb = nbformat.v4.new_notebook()
    png = base64.b64encode(b"\x89PNG fake").decode()
    nb.cells = [nbformat.v4.new_markdown_cell("## Sizes（篇幅）\n\n`n_chars` counts [characters](x.md). More."),
                nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
                    "display_data", data={"image/png": png, "text/plain": "<Figure>"})])]
    executed = tmp_path / "reports" / "notebooks" / "01_x.ipynb"
    executed.parent.mkdir(parents=True)
    nbformat.write(nb, executed)
    staged = site.stage_notebook(executed, tmp_path / "stage", tmp_path / "reports", tmp_path / "notebooks")
    html = nbformat.read(staged, as_version=4).cells[1].outputs[0]["data"]["text/html"]
    assert html == f'<img src="data:image/png;base64,{png}" alt="Sizes（篇幅）: n_chars counts characters.">'


@pytest.fixture(scope="module")
def served_by_http_server(built_site: Path) -> Iterator[str]:
    """The built site served by `python -m http.server` on 127.0.0.1 in a subprocess (stopped after the tests)."""
    import select
    import sys

    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(built_site)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], 30)
        line = server.stdout.readline() if ready else ""
        port = re.search(r"port (\d+)", line)
        assert port, f"http.server did not start within 30 s: {line!r}"
        yield f"http://127.0.0.1:{port[1]}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _page_links(page: Path) -> list[str]:
    """The href of every link of a built page (as written in the HTML)."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            href = dict(attrs).get("href")
            if tag == "a" and href:
                self.hrefs.append(href)

    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


@pytest.mark.slow
@pytest.mark.browser
def test_no_link_of_the_site_is_broken_when_served(served_by_http_server: str, built_site: Path,
                                                    tmp_path: Path) -> None:
    """Every link of every page, served over HTTP, answers 200: links into data/gold and benchmarks included."""
    from urllib.error import HTTPError
    from urllib.parse import urljoin, urlparse

    _chromium()
    base = served_by_http_server
    seen = _render(base, built_site, "codebook.html", tmp_path)  # what the browser makes of a docs page's links
    assert any("/files/data/gold/" in link for link in seen["links"]), seen["links"]
    broken: list[str] = []
    checked: set[str] = set()
    pages = sorted(p for p in built_site.rglob("*.html") if not p.name.startswith("check-"))
    for page in pages:
        page_url = f"{base}/{page.relative_to(built_site).as_posix()}"
        for href in _page_links(page):
            url = urljoin(page_url, href).split("#")[0]
            if urlparse(url).netloc != urlparse(base).netloc or url in checked:
                continue
            checked.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own local server
                    ok = response.status == 200
            except HTTPError:
                ok = False
            if not ok:
                broken.append(f"{page.relative_to(built_site)} -> {href}")
    assert checked and broken == [], broken[:10]
