"""Text of the documents that are not plain text files: HTML pages, Word (.docx) files and PDFs.

- HTML: the main text of the page, through BeautifulSoup: the <main> or <article> element where the
  page has one (else <body>), without navigation, headers, footers, sidebars, forms and scripts; one
  line per block element (paragraph, heading, list item, table row);
- DOCX: the paragraphs and table rows of the body, one a line, through python-docx;
- PDF: the text layer of every page, through pypdf; a PDF without one (scanned images) is refused:
  it needs OCR first.

The libraries are imported on first use: they belong to the `build` extra (pip install 'policykit[build]').
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from policykit.errors import InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)

# elements that never hold the main text of a page
_CHROME = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "iframe",
           "svg", "button", "select")
_BLOCKS = ("p", "div", "section", "article", "main", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br",
           "blockquote", "pre", "dt", "dd", "table", "ul", "ol", "center")
_CHROME_ROLES = re.compile(r"^(navigation|banner|contentinfo|complementary|search|menu|menubar)$")


def format_of(path: Path) -> str:
    """The format of a file by its suffix: text, html, docx or pdf."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return "text"


def _needs(module: str, where: str | Path) -> None:
    """Raise a clear InputError when an optional library of the build extra is missing."""
    raise InputError(where, f"reading this format needs {module}: pip install 'policykit[build]'")


def html_text(data: bytes, where: str | Path) -> tuple[str, str]:
    """(main text, encoding) of an HTML page."""
    try:
        from bs4 import BeautifulSoup
    except ModuleNotFoundError:
        _needs("beautifulsoup4", where)
    soup = BeautifulSoup(data, "html.parser")
    encoding = (soup.original_encoding or "utf-8").lower()
    for tag in soup.find_all(_CHROME):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": _CHROME_ROLES}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in root.get_text().splitlines())
    text = "\n".join(line for line in lines if line)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if title and not text.startswith(title) and not root.find(["h1", "h2"]):
        text = f"{title}\n{text}"  # a page whose heading is only in <title>
    return text, encoding


def docx_text(data: bytes, where: str | Path) -> str:
    """Text of a Word file: its body's paragraphs and table rows (cells joined by tabs), in order."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ModuleNotFoundError:
        _needs("python-docx", where)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile, KeyError and lxml errors for a broken file
        raise InputError(where, f"not a readable Word (.docx) file ({type(exc).__name__})") from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
    return "\n".join(lines)


def pdf_text(data: bytes, where: str | Path) -> str:
    """Text layer of a PDF, page after page; a PDF without one is an InputError."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ModuleNotFoundError:
        _needs("pypdf", where)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(where, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise InputError(where, f"PDF without a text layer ({len(pages)} page(s) of images?): run OCR on it first "
                                "and add the text as a .txt file")
    return text
