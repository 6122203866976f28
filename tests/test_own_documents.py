"""A folder of one's own documents: nested folders, HTML, DOCX, PDF and files that cannot or must not be read."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from policykit.cli import main
from policykit.errors import BadFilesError, InputError
from policykit.ingest.extract import docx_text, html_text, pdf_text
from policykit.ingest.ids import readable_id
from policykit.ingest.sources import read_raw, scan

PLAN = ("关于推进数据标注产业发展的实施方案\n\n一、总体要求\n\n"
        "推动数据标注产业高质量发展，到2027年培育一批骨干企业。\n\n二、重点任务\n\n（一）加强数据供给。提升数据质量。\n\n（二）完善标准体系。制定数据标注标准。\n")
NOTICE_A = "关于开展公共数据授权运营试点的通知\n\n一、试点范围\n\n选择若干地方开展试点。\n"
NOTICE_B = "关于开展数据资产登记工作的通知\n\n一、登记范围\n\n各地区开展数据资产登记。\n"
HTML = ("<html><head><title>关于加强数据安全管理的意见</title></head><body>"
        "<nav><a href='/'>首页</a> | <a href='/news'>新闻中心</a></nav>"
        "<header>国家数据局 网站导航</header>"
        "<main><h1>关于加强数据安全管理的意见</h1><p>一、总体要求</p><p>统筹发展和安全，完善数据安全治理。</p>"
        "<p>二、主要任务</p><p>（一）健全制度。建立数据分类分级保护制度。</p></main>"
        "<footer>版权所有 联系我们</footer></body></html>")
DOCX_LINES = ["关于促进数据产业发展的指导意见", "一、总体要求", "培育数据产业生态，壮大数据企业。", "二、重点任务",
              "（一）提升数据资源供给能力。"]
PDF_LINES = ["关于建立公共数据资源授权运营价格形成机制的通知", "一、总体要求", "规范公共数据资源授权运营收费。"]


def _simhei() -> Path | None:
    """A TrueType CJK font for the PDF generator (mplfonts ships SimHei), or None."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or spec.origin is None:
        return None
    font = Path(spec.origin).parent / "fonts" / "SimHei.ttf"
    return font if font.is_file() else None


def _write_docx(path: Path, lines: list[str]) -> None:
    """A Word file with one paragraph per line and a small table."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    grid = document.add_table(rows=1, cols=2)
    grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "指标", "目标值"
    document.save(str(path))


def _write_pdf(path: Path, lines: list[str]) -> bool:
    """A PDF with a text layer, made with fpdf2 and a CJK font; False where either is missing."""
    font = _simhei()
    if importlib.util.find_spec("fpdf") is None or font is None:
        return False
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, "\n".join(lines))
    pdf.output(str(path))
    return True


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[Path, bool]:
    """A folder as people have them, and whether the PDF could be made.

    Nested text files with equal names, HTML, DOCX, a PDF, a backup file, an empty file and a binary file.
    """
    raw = tmp_path / "mine"
    (raw / "2024" / "plans").mkdir(parents=True)
    (raw / "a").mkdir()
    (raw / "b").mkdir()
    (raw / "2024" / "plans" / "plan.md").write_text(PLAN, encoding="utf-8")
    (raw / "a" / "notice.txt").write_text(NOTICE_A, encoding="utf-8")
    (raw / "b" / "notice.txt").write_text(NOTICE_B, encoding="gb18030")
    (raw / "page.html").write_text(HTML, encoding="utf-8")
    _write_docx(raw / "opinions.docx", DOCX_LINES)
    made_pdf = _write_pdf(raw / "pricing.pdf", PDF_LINES)
    (raw / "2024" / "plans" / "plan.md~").write_text(PLAN, encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "scan.txt").write_bytes(bytes(range(256)) * 8)
    return raw, made_pdf


def test_extractors_take_the_main_text() -> None:
    """HTML without navigation, header and footer; DOCX paragraphs and table rows."""
    text, encoding = html_text(HTML.encode("utf-8"), "page.html")
    assert text.splitlines()[0] == "关于加强数据安全管理的意见" and "二、主要任务" in text.splitlines()
    assert "首页" not in text and "网站导航" not in text and "版权所有" not in text and encoding == "utf-8"
    with pytest.raises(InputError, match="not a readable Word"):
        docx_text(b"PK\x03\x04 not really a zip", "x.docx")
    with pytest.raises(InputError, match="not a readable PDF|without a text layer"):
        pdf_text(b"%PDF-1.4\n%%EOF\n", "x.pdf")


def test_docx_and_pdf_text(tmp_path: Path) -> None:
    """A generated Word file and PDF give back their lines."""
    _write_docx(tmp_path / "o.docx", DOCX_LINES)
    text = docx_text((tmp_path / "o.docx").read_bytes(), "o.docx")
    assert text.splitlines()[:5] == DOCX_LINES and "指标\t目标值" in text
    if not _write_pdf(tmp_path / "p.pdf", PDF_LINES):
        pytest.skip("no PDF generator with a CJK font (fpdf2 and mplfonts' SimHei) in this environment")
    assert pdf_text((tmp_path / "p.pdf").read_bytes(), "p.pdf").splitlines() == PDF_LINES


def test_scan_reads_sub_folders_and_names_skipped_files(mixed: tuple[Path, bool]) -> None:
    """Relative paths name the files; the backup file is skipped by name; empty and binary are bad files."""
    raw, made_pdf = mixed
    files, skipped = scan(raw)
    names = [p.relative_to(raw).as_posix() for p in files]
    assert {"a/notice.txt", "b/notice.txt", "2024/plans/plan.md", "page.html", "opinions.docx"} <= set(names)
    assert ("pricing.pdf" in names) == made_pdf
    assert [(s.name, s.reason) for s in skipped] == [("2024/plans/plan.md~", "skipped: a backup or temporary file")]
    with pytest.raises(BadFilesError) as caught:
        read_raw(raw)
    assert [name for name, _ in caught.value.bad] == ["empty.txt", "scan.txt"]
    lines = str(caught.value).splitlines()
    assert len(lines) == 3 and lines[1].strip() == "empty.txt: empty file" and "binary" in lines[2]


def test_keep_going_builds_the_rest_and_accounts_for_every_file(mixed: tuple[Path, bool], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    """Build --keep-going exits 0; every input is in sources, read or skipped with its reason."""
    raw, made_pdf = mixed
    out = tmp_path / "data" / "processed"
    capsys.readouterr()
    assert main(["build", "-q", "--raw", str(raw), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err and "scan.txt: " in err and "--keep-going" in err
    assert not (tmp_path / "data").exists()  # a failed build leaves no empty folder behind
    assert main(["build", "--keep-going", "--raw", str(raw), "--out", str(out), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "skipped 3 file(s)" in err and "  empty.txt: not read: empty file" in err
    sources = pd.read_parquet(out / "sources.parquet")
    every = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    assert sorted(sources["source_file"]) == every
    status = dict(zip(sources["source_file"], sources["status"], strict=True))
    assert {n for n, s in status.items() if s == "skipped"} == {"2024/plans/plan.md~", "empty.txt", "scan.txt"}
    read = sources[sources["status"] == "read"].set_index("source_file")
    assert read.loc["page.html", "format"] == "html" and read.loc["opinions.docx", "format"] == "docx"
    assert (read["n_documents"] >= 1).all() and sources["skipped_reason"].isna().eq(sources["status"] == "read").all()
    documents = pd.read_parquet(out / "documents.parquet")
    assert documents["doc_id"].str.fullmatch(r"[a-z0-9][a-z0-9-]*").all()
    titles = set(documents["title"].dropna())
    assert {"关于开展公共数据授权运营试点的通知", "关于开展数据资产登记工作的通知", "关于加强数据安全管理的意见",
            "关于促进数据产业发展的指导意见"} <= titles
    assert ("关于建立公共数据资源授权运营价格形成机制的通知" in titles) == made_pdf
    witnesses = pd.read_parquet(out / "witnesses.parquet")
    assert {"a/notice.txt", "b/notice.txt"} <= set(witnesses["source_file"])
    capsys.readouterr()
    assert main(["check", "--raw", str(raw)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["2024/plans/plan.md~: skipped: a backup or temporary file", "empty.txt: not read: empty file",
                     lines[2]] and lines[2].startswith("scan.txt: not read: binary")


def test_readable_ids_are_ascii_title_and_year() -> None:
    """Pinyin words of the title, then the year; untitled texts take their first line."""
    made = readable_id("关于促进数据产业发展的指导意见", "2024-12-31")
    assert made.startswith("guanyu-cujin-shuju-chanye") and made.endswith("-fazhan-de-zhidao-yijian-2024")
    assert made == readable_id("关于促进数据产业发展的指导意见", "2024-01-01")  # the year, not the day
    assert readable_id(None, None, "\n数据的基础资源地位已成为共识。").startswith("untitled-shuju-de-jichu")
    assert len(readable_id("关于" + "数据要素市场化配置改革" * 10 + "的意见", "2023-01-02")) <= 65


def test_bad_arguments_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A file as --raw, a catalog that does not exist, --scratch without a cluster: one line each, naming the option."""
    (tmp_path / "one.txt").write_text(PLAN, encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--raw", str(tmp_path / "one.txt"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "is a file; --raw takes a folder" in err and err.count("\n") == 1
    assert main(["build", "--raw", str(tmp_path), "--catalog", "/nonexistent.toml", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "/nonexistent.toml: catalog not found" in err and err.count("\n") == 1
    assert main(["build", "--raw", str(tmp_path), "--scratch", str(tmp_path / "s"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "s: shared storage is used only by a build on a Dask cluster" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()
