"""Tests for policykit.present.diffview: terminal text, the HTML page (in headless Chromium) and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from policykit import cli
from policykit.present import diffview

P1 = "支持工业制造类企业融合设计、仿真、实验验证数据，培育数据驱动型产品研发新模式，提升企业创新能力。"
P2 = "到2025年底，推动科学数据有序开放共享，促进重大科技基础设施产生的各类科学数据互联互通。"
P3 = "开展数据要素应用典型案例评选，遴选一批典型应用，依托数字中国建设峰会发布典型案例，促进经验分享。"


def _comparison(threshold: float = 0.45) -> diffview.Comparison:
    docs = pd.DataFrame({"doc_id": ["plan", "plan-draft"], "kind": ["policy", "draft"],
                         "related_doc_id": [None, "plan"], "title": ["行动计划", "行动计划（征求意见稿）"]})
    rows = [
        ("plan-draft", "1", None, 1, 1, "一、", "重点行动", ""),
        ("plan-draft", "1.1", "1", 2, 2, "（一）", "数据要素×智能制造", P1),
        ("plan-draft", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2),
        ("plan", "1", None, 1, 1, "一、", "重点行动", ""),
        ("plan", "1.1", "1", 2, 2, "（一）", "数据要素×工业制造", P1.replace("提升", "增强")),
        ("plan", "1.2", "1", 2, 3, "（二）", "数据要素×科技创新", P2.replace("2025", "2026")),
        ("plan", "1.3", "1", 2, 4, "（三）", "加强宣传推广", P3),
    ]
    columns = ["doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading", "text"]
    prov = pd.DataFrame(rows, columns=columns)
    return diffview.comparison(docs, prov, "plan-draft", "plan", threshold)


def test_text_has_summary_units_and_edits() -> None:
    """Terminal output: counts by class, both headings side by side, edits with their number flag."""
    out = diffview.render_text(_comparison())
    assert "3 aligned units: modified 2 · added 1" in out
    assert "数据要素×智能制造" in out and "数据要素×工业制造" in out
    assert "~ 提升 → 增强" in out
    assert "~ 2025年底 → 2026年底  [number]" in out  # a date is one word of the diff


def test_fit_pads_cjk_to_terminal_columns() -> None:
    """'数据ab' takes 6 columns; fitted to 8 -> two spaces appended; to 4 -> cut with an ellipsis."""
    assert diffview._fit("数据ab", 8) == "数据ab  "
    assert diffview._width(diffview._fit("数据要素", 5)) == 5


def test_html_is_self_contained_and_marks_changes() -> None:
    """The page declares zh-CN, a CJK font stack, no external resources, <ins>/<del> and number marks."""
    page = diffview.render_html(_comparison())
    assert '<html lang="zh-CN">' in page and "Noto Sans CJK SC" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "<del>提升</del>" in page and "<ins>增强</ins>" in page
    assert '<del class="num">2025年底</del>' in page and '<ins class="num">2026年底</ins>' in page
    assert 'href="#u3"' in page and 'id="u3"' in page


def test_html_escapes_titles_and_text() -> None:
    """Markup in a title or a provision is shown as text by the template, never interpreted."""
    docs = pd.DataFrame({"doc_id": ["new", "old"], "kind": ["policy", "draft"], "related_doc_id": [None, "new"],
                         "title": ["<b>规则</b> & 办法", "旧<script>"]})
    columns = ["doc_id", "provision_id", "parent_id", "level", "ord", "label", "heading", "text"]
    prov = pd.DataFrame([("old", "1", None, 1, 1, "一、", "总则", "数据<i>要素</i>市场。"),
                         ("new", "1", None, 1, 1, "一、", "总则", "数据<i>要素</i>市场体系。")], columns=columns)
    page = diffview.render_html(diffview.comparison(docs, prov, "old", "new"))
    assert "<script>" not in page and "<b>规则" not in page and "<i>" not in page
    assert "&lt;b&gt;规则&lt;/b&gt; &amp; 办法" in page and "数据&lt;i&gt;要素&lt;/i&gt;市场" in page


def test_unknown_document_is_a_one_line_error(capsys, monkeypatch) -> None:
    """`policykit diff nowhere plan` -> exit status 1 and the one-line error of every command, naming the document."""
    cmp_docs = pd.DataFrame({"doc_id": ["plan"], "kind": ["policy"], "related_doc_id": [None], "title": ["计划"]})
    monkeypatch.setattr("policykit.api.load",
                        lambda name, **kw: cmp_docs if name == "documents" else pd.DataFrame())
    args = cli.parser().parse_args(["diff", "nowhere", "plan", "--threshold", "0.5"])
    assert args.threshold == 0.5
    assert cli.main(["diff", "nowhere", "plan", "--threshold", "0.5"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("policykit: error: ") and "nowhere" in err and "\n" not in err


@pytest.mark.slow
def test_diff_reads_any_data_folder(built, capsys) -> None:
    """`policykit diff OLDER NEWER --data DIR` compares two versions from the tables of any build folder."""
    data = Path(built.files[0]).parent
    assert cli.main(["diff", "data-x-action-plan-draft-2023", "data-x-action-plan-2024", "--data", str(data)]) == 0
    assert "数据要素×" in capsys.readouterr().out
    # one error format and exit code for every sub-command
    assert cli.main(["diff", "a", "b", "--data", str(data / "nowhere")]) == 1


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed (apt-get install chromium) — HTML not checked in a browser")
    return exe


@pytest.mark.browser
@pytest.mark.slow
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Chromium loads the page: Chinese text and the highlights are in the rendered DOM; a screenshot is written."""
    exe = _chromium()
    page = tmp_path / "diff.html"
    page.write_text(diffview.render_html(_comparison()), encoding="utf-8")
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert "数据要素×工业制造" in dom
    assert "<ins>增强</ins>" in dom and '<del class="num">2025年底</del>' in dom
    shot = tmp_path / "diff.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1400,2000", page.as_uri()],
                   capture_output=True, timeout=60)
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_moved_words_are_marked_on_both_sides() -> None:
    """A re-sequenced clause is shown as moved, not as an unrelated deletion and insertion."""
    from policykit.analysis.align import Aligned, Unit
    from policykit.analysis.worddiff import unit_edits

    draft = Unit("2.2", 1, "基本原则", "基本原则", "总体要求", "坚持安全有序，开放融合，推动发展。")
    final = Unit("2.2", 1, "基本原则", "基本原则", "总体要求", "坚持开放融合，安全有序，推动发展。")
    al = Aligned([draft], [final], "modified", 0.9)
    page = diffview._side_html(al, unit_edits(al), "draft") + diffview._side_html(al, unit_edits(al), "final")
    assert '<del class="moved">' in page and '<ins class="moved">' in page


def test_only_real_number_changes_are_highlighted() -> None:
    """增长1倍 -> 倍增 restates the value: flagged in the table but not highlighted; 2025 -> 2026 is."""
    from policykit.analysis.worddiff import word_edits

    same = word_edits("数据交易规模增长1倍。", "数据交易规模倍增。")
    assert any(e.touches_numbers for e in same) and all(e.value_changed == "false" for e in same if e.touches_numbers)
    assert not any(diffview.changes_value(e) for e in same)
    changed = word_edits("到2025年底完成。", "到2026年底完成。")
    assert [diffview.changes_value(e) for e in changed] == [True]
    page = diffview.render_html(_comparison())
    assert page.count('class="num"') == 3  # the legend, and the 2025 -> 2026 edit on its two sides


def test_a_moved_sentence_is_one_move_on_both_sides() -> None:
    """Sentences found verbatim on both sides in other places: [a, mid, b] -> [b, mid, a] is two moves."""
    from policykit.analysis.worddiff import moved_edits, word_edits

    a, b = "推进公共数据开放共享。", "健全数据要素市场规则体系。"
    mid = "加快培育一批数据商和第三方专业服务机构。"
    edits = word_edits(a + mid + b, b + mid + a)
    assert [e.op for e in edits] == ["move", "move"]
    assert {e.final_text for e in edits} == {a, b} and all(e.draft_text == e.final_text for e in edits)
    assert all(moved_edits(edits))


def test_law_versions_are_older_and_newer_and_rows_named_by_article() -> None:
    """Two versions of a law: rows labelled 第X条, sides called older and newer (not draft and final)."""
    from policykit.ingest.structure import build_provisions
    from policykit.present.diffview import comparison, render_text

    old = "某某条例\n\n第一章 总则\n\n第一条 为了加强管理，制定本条例。\n\n第二条 本条例自公布之日起施行。"
    new = "某某条例\n\n第一章 总则\n\n第一条 为了加强和规范管理，制定本条例。\n\n第二条 本条例自2024年1月1日起施行。"
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["某某条例", "某某条例"], "kind": ["policy", "policy"],
                         "text": [old, new]})
    cmp = comparison(docs, build_provisions(docs), "a", "b")
    assert cmp.sides == ("older", "newer")
    text = render_text(cmp)
    assert "older" in text and "第一条" in text and "第二条" in text
    assert "总则" not in text.split("(sim =")[0].split("edits\n", 1)[1]
