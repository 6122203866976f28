"""Normalisation: readings, OpenCC, punctuation, markup, the × sign, offsets, idempotence."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from policykit.ingest.normalize import content_key, normalize, normalize_text, script_of


def test_readings_removed_real_brackets_kept() -> None:
    """中(zhōng)央 -> 中央; (二十一(yī)) -> （二十一）; (2024—2026年) and (委、局) stay brackets."""
    out = normalize("中(zhōng)央(二十一(yī))推動(2024—2026年)(委、局)我(wǒ)(wǒ)國")
    assert out.text == "中央（二十一）推动（2024—2026年）（委、局）我国"
    assert out.removed["readings"] == len("(zhōng)(yī)(wǒ)(wǒ)")


def test_latin_in_brackets_is_not_a_reading() -> None:
    """数据(AI) and 平台(app) are not readings (no tone mark); brackets around Latin stay half-width."""
    assert normalize_text("数据(AI)平台(app)") == "数据(AI)平台(app)"


def test_traditional_to_simplified_and_punctuation() -> None:
    """OpenCC t2s, half-width punctuation in Chinese context to full-width, numbers untouched."""
    assert normalize_text("數據要素乘數效應,賦能經濟;1,000個") == "数据要素乘数效应，赋能经济；1,000个"


def test_comma_beside_converted_brackets() -> None:
    """,(数据) -> ，（数据）in one pass (found by the idempotence property)."""
    assert normalize_text(",(数据)") == "，（数据）"


def test_markup_spaces_and_times_sign() -> None:
    """HTML tags and entities, markdown headings, odd spaces; 数据要素x -> 数据要素×."""
    raw = "# <h2>数据要素x智能制造</h2>\r\n\u3000\u3000推进&amp;落实\u00a0 数据要素X\r\n"
    out = normalize(raw)
    assert out.text == "数据要素×智能制造\n推进&落实 数据要素×\n"
    assert out.removed["markup"] == len("# <h2></h2>") + len("&amp;") - 1


def test_markdown_bold_and_links() -> None:
    """**加粗** and [邮箱](mailto:…) keep their text; a lone * stays."""
    out = normalize("**数据要素应用示范地区**，发送至[gjsjj@ndrc.gov.cn](mailto:gjsjj@ndrc.gov.cn)，5*3")
    assert out.text == "数据要素应用示范地区，发送至gjsjj@ndrc.gov.cn，5*3"
    assert out.removed["markup"] == 4 + len("[](mailto:gjsjj@ndrc.gov.cn)")


def test_offsets_point_back_to_raw() -> None:
    """Every canonical character maps to the raw character it came from."""
    raw = "第一(yī)條<b>規定</b>\r\n數據"
    out = normalize(raw)
    assert out.text == "第一条规定\n数据"
    assert [raw[i] for i in out.origin[:-1]] == list("第一條規定\n數據")
    assert out.raw_span(3, 5) == (raw.index("規"), raw.index("定") + 1)


def test_script_detection() -> None:
    """Traditional text is hant, simplified hans."""
    assert script_of("數據要素乘數效應賦能經濟社會發展") == "hant"
    assert script_of("数据要素乘数效应赋能经济社会发展") == "hans"


def test_content_key() -> None:
    """Only letters, digits and × remain."""
    assert content_key("“数据要素×” 三年，2024！") == "数据要素×三年2024"


PIECES = st.sampled_from([
    "数据", "數據", "要素", "(zhōng)", "(yī)", "(", ")", ",", ":", ";", "?", "!", " ", "\u3000", "\u00a0",
    "\n", "\r\n", "<p>", "</b>", "&amp;", "# ", "2024", "年", "x", "X", "（", "）", "—", "。", "a", "\t",
])


def test_nested_brackets_become_full_width_in_one_pass() -> None:
    """Brackets around brackets: the outer pair is converted too, so normalising twice changes nothing."""
    assert normalize_text("((数据))") == "（（数据））"
    assert normalize_text("(a(数据))") == "（a（数据））"
    assert normalize_text("(abc)") == "(abc)"


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
@example("((数据))")
def test_idempotent(raw: str) -> None:
    """Normalising canonical text changes nothing."""
    once = normalize_text(raw)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_offset_map_is_monotone(raw: str) -> None:
    """Offsets into the raw text never go backwards and stay in range."""
    out = normalize(raw)
    assert len(out.origin) == len(out.text) + 1
    assert all(a <= b for a, b in zip(out.origin, out.origin[1:], strict=False))
    assert out.origin[-1] == len(raw)


def test_html_comment_is_markup() -> None:
    """`<!-- INFO END -->` between a law's header and its body is removed and counted as markup."""
    raw = "# 某某法\n\n2020年4月10日 会议通过\n\n<!-- INFO END -->\n\n第一条 为了规范管理，制定本法。\n"
    doc = normalize(raw)
    assert "INFO END" not in doc.text and "<!--" not in doc.text
    assert doc.removed["markup"] == len("<!-- INFO END -->") + 2  # and the `# ` of the title line


def test_offset_map_is_compact_where_it_fits() -> None:
    import numpy as np

    from policykit.ingest.normalize import normalize, offset_dtype

    doc = normalize("第一条\r\n数据<b>要素</b>x")
    assert doc.origin.dtype == np.int32 and doc.text == "第一条\n数据要素×"
    assert doc.raw_span(4, 6) == (5, 7)  # 数据, after the CRLF folded into one character
    assert offset_dtype(2**31) is np.int64
