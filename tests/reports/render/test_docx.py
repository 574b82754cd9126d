"""The .docx opened with python-docx: GB/T 9704-2012's page, grid, styles, East Asian fonts,
heading numbers, page-number fields and footers, the signature block, tables and charts.

Expected numbers are worked by hand from the standard: A4 is 11906 x 16838 twips; the margins
37/35/28/26 mm are 2098/1984/1587/1474 twips; the block is 11906 - 1587 - 1474 = 8845 twips wide
(156.0 mm) and 16838 - 2098 - 1984 = 12756 twips high (225.0 mm); 12756 / 22 = 579.8, so the
line pitch is 579 twips (22 lines fit); the character pitch is 8845 / 28 = 315.89 twips =
15.795 pt, which is 16 pt - 0.205 pt, and 0.205 x 4096 = 841: charSpace -841.
"""

import io
import re
import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn

from tests.reports.render.sample import sample_document
from zonedesk.reports.render import Numberer, chinese_number
from zonedesk.reports.render import docx as render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def docx_bytes():
    return render_docx.render(sample_document())


@pytest.fixture(scope="module")
def opened(docx_bytes):
    return docx.Document(io.BytesIO(docx_bytes))


def rfonts(style):
    return style.element.find(qn("w:rPr")).find(qn("w:rFonts"))


def size_pt(style):
    return int(style.element.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val"))) / 2


def test_page_is_a4_with_the_standard_margins(opened):
    s = opened.sections[0]
    assert (s.page_width.twips, s.page_height.twips) == (11906, 16838)
    assert (s.top_margin.twips, s.bottom_margin.twips) == (2098, 1984)
    assert (s.left_margin.twips, s.right_margin.twips) == (1587, 1474)
    width_mm = (s.page_width.twips - s.left_margin.twips - s.right_margin.twips) / 1440 * 25.4
    height_mm = (s.page_height.twips - s.top_margin.twips - s.bottom_margin.twips) / 1440 * 25.4
    assert width_mm == pytest.approx(156, abs=0.05)
    assert height_mm == pytest.approx(225, abs=0.05)
    # The footer's line (14 pt high) starts 7 mm below the block: 35 - 7 mm - 14 pt = 23.06 mm.
    assert s.footer_distance.mm == pytest.approx(23.06, abs=0.05)


def test_document_grid_is_22_lines_of_28_characters(opened):
    grid = opened.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) == "-841"
    # 22 lines of 579 twips fit the block's 12756; 23 do not.
    assert 22 * 579 <= 12756 < 23 * 579


def test_the_pdf_variant_has_a_line_grid_and_condensed_body_text():
    data = render_docx.render(sample_document(), for_pdf=True)
    d = docx.Document(io.BytesIO(data))
    grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None
    # 16 pt - 0.25 pt = 15.75 pt a character: 28 x 15.75 = 441 pt fit 8845 twips = 442.25 pt,
    # 29 do not.
    spacing = d.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert 28 * 15.75 <= 442.25 < 29 * 15.75


def test_styles_are_named_with_east_asian_fonts_and_sizes(opened):
    st = opened.styles
    expect = {
        "Normal": ("仿宋_GB2312", 16),
        "Title": ("方正小标宋简体", 22),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "Heading 3": ("仿宋_GB2312", 16),
        "Heading 4": ("仿宋_GB2312", 16),
        "Footer": ("宋体", 14),
        "页码": ("宋体", 14),
        "发文机关署名": ("仿宋_GB2312", 16),
        "成文日期": ("仿宋_GB2312", 16),
        "附件标识": ("黑体", 16),
        "表格文字": ("仿宋_GB2312", 12),
    }
    for name, (font, size) in expect.items():
        f = rfonts(st[name])
        for attr in ("eastAsia", "ascii", "hAnsi"):
            assert f.get(qn(f"w:{attr}")) == font, (name, attr)
        assert size_pt(st[name]) == size, name
    assert st["Title"].element.find(qn("w:pPr")).find(qn("w:jc")).get(qn("w:val")) == "center"
    # Headings keep their outline level (Word's navigation pane) and the body's 2-character indent.
    for level in (1, 2, 3, 4):
        ppr = st[f"Heading {level}"].element.find(qn("w:pPr"))
        assert ppr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
        assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    body = st["Normal"].element.find(qn("w:pPr"))
    assert body.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert body.find(qn("w:spacing")).get(qn("w:line")) == "579"
    assert body.find(qn("w:spacing")).get(qn("w:lineRule")) == "exact"
    # Left, not justified: a line a number left short is not spread out (docx.py, _styles).
    assert body.find(qn("w:jc")).get(qn("w:val")) == "left"


def test_no_theme_font_overrides_the_declared_ones(docx_bytes):
    styles = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/styles.xml").decode()
    # A *Theme attribute on w:rFonts would win over w:eastAsia (the python-docx pitfall).
    assert not re.search(r"<w:rFonts[^>]*Theme=", styles)
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S).group(0)
    assert 'w:eastAsia="仿宋_GB2312"' in defaults
    assert 'w:eastAsia="zh-CN"' in defaults


def test_font_table_names_the_fallbacks(docx_bytes):
    table = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/fontTable.xml").decode()
    for declared, alt in (
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("方正小标宋简体", "宋体"),
    ):
        m = re.search(rf'<w:font w:name="{declared}">(.*?)</w:font>', table, re.S)
        assert m, declared
        assert f'<w:altName w:val="{alt}"/>' in m.group(1)
        assert '<w:charset w:val="86"/>' in m.group(1)


def test_headings_are_numbered_by_level(opened):
    headings = [
        (p.style.name, p.text) for p in opened.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "一、生产经营情况"),
        ("Heading 1", "二、存在的困难"),
        ("Heading 1", "三、主要工作"),
        ("Heading 2", "（一）一企一员一企一策"),
        ("Heading 3", "1．问题办理"),
        ("Heading 4", "（1）按期办结情况"),
        ("Heading 4", "（2）逾期问题"),
        ("Heading 3", "2．走访服务"),
        ("Heading 2", "（二）政策落实"),
        ("Heading 1", "四、下步打算"),
    ]
    title = opened.paragraphs[0]
    assert (title.style.name, title.text) == ("Title", "示范经开区2020年上半年工作总结")


def test_figures_are_plain_text_and_leads_run_in(opened, docx_bytes):
    body = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml").decode()
    assert not re.search("[\ue000-\ue002]", body)
    first = next(p for p in opened.paragraphs if p.text.startswith("园区目前在产企业"))
    assert "在产企业47家" in first.text and "增加6.28%" in first.text
    led = next(p for p in opened.paragraphs if p.text.startswith("一是"))
    assert led.runs[0].text == "一是"
    assert led.runs[0].style.name == "段首小标题"
    assert opened.styles["段首小标题"].font.bold is True
    assert led.runs[1].text.startswith("管委会")


def test_page_numbers_are_page_fields_odd_right_even_left(opened, docx_bytes):
    assert opened.settings.odd_and_even_pages_header_footer is True
    s = opened.sections[0]
    for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert p.text == "— 1 —"
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        side = "w:right" if align == "right" else "w:left"
        # one character (315.9 twips) in from the block's edge
        assert p._p.pPr.find(qn("w:ind")).get(qn(side)) == "316"
        assert p.style.name == "页码"


def test_issuer_and_date_close_the_text(opened):
    paras = opened.paragraphs
    i = next(n for n, p in enumerate(paras) if p.style.name == "发文机关署名")
    issuer, dated, note = paras[i], paras[i + 1], paras[i + 2]
    assert paras[i - 1].text == ""  # 正文下空一行
    assert issuer.text == "示范经济技术开发区管理委员会"
    assert dated.text == "2020年7月25日"
    assert dated.style.name == "成文日期"
    # Issuer 14 characters, 2 from the right: it starts at character 28 - 2 - 14 = 12; the date
    # (6.5 characters wide, shorter than 14 - 2) starts 2 further: a left indent of 14.
    assert issuer._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    assert dated._p.pPr.find(qn("w:ind")).get(qn("w:leftChars")) == "1400"
    assert note.style.name == "附注"
    assert "2020" in note.text and "18" in note.text


def test_annex_table(opened):
    (table,) = opened.tables
    assert [c.text for c in table.rows[0].cells] == ["指标", "本期", "上年同期", "同比（%）"]
    assert [c.text for c in table.rows[2].cells] == ["月总产值（万元）", "10210", "9400", "8.62"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    cell = table.rows[2].cells[1].paragraphs[0]
    assert cell.style.name == "表格文字"
    assert cell._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    mark = next(p for p in opened.paragraphs if p.style.name == "附件标识")
    assert mark.paragraph_format.page_break_before is True


def test_charts_are_svg_with_a_png_fallback(docx_bytes):
    d = docx.Document(io.BytesIO(docx_bytes))
    blips = d.element.body.xpath(".//a:blip")
    assert len(blips) == 2
    for blip in blips:
        png = d.part.related_parts[blip.get(qn("r:embed"))]
        assert png.content_type == "image/png"
        svg_blip = blip.find(
            ".//{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
        )
        svg = d.part.related_parts[svg_blip.get(qn("r:embed"))]
        assert svg.content_type == "image/svg+xml"
        assert svg.blob.startswith(b"<svg")
    pdf_variant = docx.Document(io.BytesIO(render_docx.render(sample_document(), for_pdf=True)))
    for blip in pdf_variant.element.body.xpath(".//a:blip"):
        assert (
            pdf_variant.part.related_parts[blip.get(qn("r:embed"))].content_type == "image/svg+xml"
        )


def test_core_properties_name_the_fonts(opened):
    cp = opened.core_properties
    assert cp.title == "示范经开区2020年上半年工作总结"
    assert "FandolFang" in cp.comments and "仿宋_GB2312" in cp.comments


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_numbering_resets_below_a_heading():
    n = Numberer()
    got = [n(lv) for lv in (1, 2, 3, 4, 4, 3, 2, 1, 2, 3)]
    assert got == [
        "一、",
        "（一）",
        "1．",
        "（1）",
        "（2）",
        "2．",
        "（二）",
        "二、",
        "（一）",
        "1．",
    ]
    with pytest.raises(ValueError):
        n(5)


def test_date_text():
    assert render_docx.date_text(date(2020, 7, 25), "zh-hans") == "2020年7月25日"
    assert render_docx.date_text(date(2021, 1, 5), "zh-hans") == "2021年1月5日"
