"""Dates a text states about itself: date lines, signatures, 施行 sentences, lower bounds."""

from __future__ import annotations

from policykit.ingest.dates import arabic_dates, line_date, text_dates


def test_date_lines() -> None:
    """The verb on a date line says which date it is; another act's name in 《》 does not count."""
    assert line_date("2020年4月10日 第十三届全国人民代表大会常务委员会第十七次会议通过").kind == "signed"
    assert line_date("2019年10月22日 中华人民共和国国务院令第722号公布").kind == "published"
    assert line_date("2021年1月1日 施行").kind == "effective"
    amended = line_date("2009年8月27日 第十一届全国人民代表大会常务委员会第十次会议"
                        "《关于修改部分法律的决定》第一次修正")
    assert amended.kind == "signed" and amended.date == "2009-08-27"
    assert line_date("（2014年11月1日第十二届全国人民代表大会常务委员会第十一次会议通过）").date == "2014-11-01"
    assert line_date("发布时间：2023/12/15 来源：国家数据局").kind == "published"
    assert line_date("2023年12月31日").kind == "signed"  # a bare signature date
    assert line_date("2023年12月15日，国家数据局发布《行动计划》，旨在发挥数据要素作用。") is None
    assert line_date("2023年13月45日") is None


def test_text_dates_latest_of_each_kind() -> None:
    """An amended text: the latest adoption or amendment is its signed date; 施行 sentence as fallback."""
    text = ("某某条例\n\n1999年4月29日 会议通过\n\n2017年9月1日 会议第二次修正\n\n"
            "第一条 为了规范管理，制定本条例。\n\n第九条 本条例自2018年1月1日起施行。")
    d = text_dates(text)
    assert (d.signed.date, d.effective.date) == ("2017-09-01", "2018-01-01")
    assert d.signed_all == ("1999-04-29", "2017-09-01") and d.ordering().date == "2017-09-01"
    assert d.lower_bound is None


def test_signature_published_effective_and_lower_bound() -> None:
    """Signature -> signed; 自发布之日起施行 -> published; undated -> latest past date as a lower bound.

    A future deadline is never a lower bound.
    """
    notice = ("关于建立机制的通知\n\n发布时间：2025-01-20\n\n各地区要落实。\n\n本通知自发布之日起施行。\n\n"
              "国家数据局\n2025年1月15日")
    d = text_dates(notice)
    assert (d.signed.date, d.published.date, d.effective.date) == ("2025-01-15", "2025-01-20", "2025-01-20")
    report = "一、概况\n\n截至2024年9月10日，已建成数据交易场所。力争2026年12月31日前完成。"
    d = text_dates(report)
    assert d.ordering() is None and d.lower_bound.date == "2024-09-10"


def test_chinese_numeral_dates() -> None:
    """二○○四年十月一日 is read as 2004-10-01."""
    assert arabic_dates("本规定自二○○四年十月一日起施行") == "本规定自2004年10月1日起施行"
    assert arabic_dates("二〇二三年十二月三十一日") == "2023年12月31日"
    assert text_dates("第四十四条 本规定自二○○四年十月一日起施行。").effective.date == "2004-10-01"
