"""The work summary in Markdown, from a hand-made Document: headings numbered by level and
restarted below a higher one, figures unmarked, tables, the sections left out as a comment."""

import datetime as dt

from zonedesk.reports import markdown
from zonedesk.reports.document import (
    Document,
    Heading,
    Omitted,
    Paragraph,
    Source,
    Table,
    chinese_number,
    figure,
    number,
)

SOURCE = Source("monitoring.selectors.status", "甲经开区", "2020年6月", None)


def _doc(lang="zh-hans", **kw) -> Document:
    return Document(
        title="甲经开区2020年上半年工作总结",
        issuer="甲经开区",
        dated=dt.date(2020, 7, 25),
        blocks=(
            Heading(1, "生产经营情况"),
            Paragraph(f"在产企业 {figure('47', 'producing')} 家。", SOURCE),
            Heading(1, "主要工作"),
            Heading(2, "一企一员、一企一策"),
            Heading(3, "走访"),
            Heading(4, "上门"),
            Heading(4, "电话"),
            Heading(2, "政策落实"),
            Heading(3, "省级"),
            Heading(1, "下步打算"),
            Paragraph("督办超期问题。", SOURCE, lead="一是"),
        ),
        annex=(
            Table(
                "主要指标", ("指标", "本月"), (("产值|万元", "27,437.63"),), SOURCE, (False, True)
            ),
        ),
        omitted=(Omitted("重点项目", "尚无项目数据"),),
        lang=lang,
        **kw,
    )


def test_headings_are_numbered_by_level_and_figures_unmarked():
    text = markdown.render(_doc())
    lines = [line for line in text.splitlines() if line.startswith("#")]
    assert lines[-1].startswith("## ")  # the annex
    assert lines[:-1] == [
        "# 甲经开区2020年上半年工作总结",
        "## 一、生产经营情况",
        "## 二、主要工作",
        "### （一）一企一员、一企一策",
        "#### 1.走访",
        "##### （1）上门",
        "##### （2）电话",
        "### （二）政策落实",
        "#### 1.省级",
        "## 三、下步打算",
    ]
    assert "在产企业 47 家。" in text
    assert "\ue000" not in text and "\ue002" not in text
    assert "一是督办超期问题。" in text
    assert "| 产值\\|万元 | 27,437.63 |" in text
    assert "| --- | ---: |" in text
    assert "<!--" in text and "重点项目: 尚无项目数据" in text
    assert text.endswith("\n")


def test_english_headings_and_the_numbers_of_a_long_list():
    text = markdown.render(_doc(lang="en"))
    assert "## 1. 生产经营情况" in text
    assert "### (1) 一企一员、一企一策" in text
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]
    assert [number(level, 12) for level in (1, 2, 3, 4)] == ["十二、", "（十二）", "12.", "（12）"]


def test_the_as_of_time_ends_the_document():
    text = markdown.render(_doc(as_of=dt.datetime(2020, 7, 10, 9, 0, tzinfo=dt.UTC)))
    assert "2020年7月10日 17:00" in text.splitlines()[-1]  # Asia/Shanghai
