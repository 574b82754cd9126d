"""The PDF, read back with pdfplumber and poppler: A4 pages, the text block of GB/T 9704-2012 at
its offsets (±1 mm), 22 lines of 28 characters, page numbers 7 mm below the block (odd right, even
left), text in reading order, the intended free fonts embedded (and no other), vector charts.

Hand-worked numbers: 1 mm = 72 / 25.4 pt = 2.8346 pt. The block runs from x = 28 mm (79.37 pt)
to 210 - 26 = 184 mm (521.57 pt) and from y = 37 mm (104.88 pt) to 297 - 35 = 262 mm
(742.68 pt) measured from the top. The line pitch is 579 twips = 28.95 pt.
"""

import io
import itertools
import subprocess
import time

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from tests.reports.render.sample import sample_document
from zonedesk.reports.render import pdf as render_pdf

MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 28 * MM, 184 * MM, 37 * MM, 262 * MM
PITCH = 579 / 20
TOL = 1 * MM


@pytest.fixture(scope="module")
def rendered():
    start = time.perf_counter()
    data = render_pdf.render(sample_document())
    return data, time.perf_counter() - start


@pytest.fixture(scope="module")
def pdf(rendered):
    with pdfplumber.open(io.BytesIO(rendered[0])) as p:
        yield p


def body_chars(page):
    return [c for c in page.chars if abs(c["size"] - 16) < 0.6]


def lines_of(chars):
    """Characters grouped by line (their tops within 2 pt), top to bottom."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - c["top"]) < 2:
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def full_body_pages(pdf):
    """Pages whose text is body text only (no heading, title, table or chart): all 16 pt
    FangSong, and the page number."""
    out = []
    for page in pdf.pages[1:]:
        sized = [c for c in page.chars if c["text"].strip()]
        if (
            sized
            and all("FandolFang" in c["fontname"] or c["size"] < 15 for c in sized)
            and not page.curves
            # not the page the closing notes (as-of time, counting day) ran over to
            and len(lines_of(body_chars(page))) > 3
        ):
            out.append(page)
    return out


def test_pages_are_a4(pdf):
    assert len(pdf.pages) >= 6
    for page in pdf.pages:
        assert page.width == pytest.approx(595.28, abs=1)
        assert page.height == pytest.approx(841.89, abs=1)


HANGING = set("，。、；：！？）”’》")


def hangs(c) -> bool:
    """A line-end punctuation mark past the block's right edge (left-aligned lines are not
    squeezed, so it starts where the line's last character ends, at most a pitch before the
    edge, instead of exactly at it)."""
    return c["text"] in HANGING and c["x1"] > RIGHT + TOL


def test_text_stays_in_the_block(pdf):
    """Every character inside the block, except a line-end punctuation mark that hangs past the
    right edge (Word's default, 允许标点溢出边界, which LibreOffice follows too)."""
    hung = 0
    for page in pdf.pages:
        for c in page.chars:
            if c["top"] > BOTTOM + 3 * MM:  # the page number, checked below
                continue
            if hangs(c):
                hung += 1
                continue
            assert c["x0"] >= LEFT - TOL, (page.page_number, c["text"], c["x0"])
            assert c["x1"] <= RIGHT + TOL, (page.page_number, c["text"], c["x1"])
            assert c["top"] >= TOP - TOL, (page.page_number, c["text"], c["top"])
            assert c["bottom"] <= BOTTOM + TOL, (page.page_number, c["text"], c["bottom"])
    # Left-aligned lines are not squeezed to pull a closing mark back inside, so a line whose
    # 29th character is a mark hangs it (19 in the sample; justified, LibreOffice had kept most
    # inside by spreading or squeezing the line).
    assert hung < 30


def test_a_full_body_page_has_22_lines_of_28_characters_filling_the_block(pdf):
    pages = full_body_pages(pdf)
    assert pages, "the sample has pages of body text only"
    for page in pages:
        lines = lines_of(body_chars(page))
        assert len(lines) == 22, page.page_number
        tops = [ln[0]["top"] for ln in lines]
        for a, b in itertools.pairwise(tops):
            assert b - a == pytest.approx(PITCH, abs=0.3)
        # The 22 lines fill the block: the first starts at its top, the last ends at its bottom.
        first_cell_top = tops[0] - (PITCH - 16) / 2
        assert first_cell_top == pytest.approx(TOP, abs=1.5 * TOL)
        assert tops[0] + 21 * PITCH + PITCH - (PITCH - 16) / 2 == pytest.approx(
            BOTTOM, abs=1.5 * TOL
        )

        # Full lines (a paragraph's last line is not) of Chinese only (no half-width digits)
        # hold exactly 28 characters and are justified to both edges of the block; a
        # paragraph's first line is 2 characters in.
        def cjk(ln):
            return all(ord(c["text"]) > 0x2E80 for c in ln)

        # (A line followed by a line opening with digits may have been stretched: "12.78%"
        # does not break, so it went to the next line whole.)
        cjk_lines = [
            ln
            for i, ln in enumerate(lines[:-1])
            if cjk(ln)
            and ord(min(lines[i + 1], key=lambda c: c["x0"])["text"]) > 0x2E80
            and max(c["x1"] for c in ln if c["text"] not in HANGING) > RIGHT - TOL
        ]
        assert len(cjk_lines) >= 10
        for ln in cjk_lines:
            xs = sorted(
                (c for c in ln if not hangs(c)),
                key=lambda c: c["x0"],
            )
            if xs[0]["x0"] < LEFT + 2 * MM:
                assert len(xs) == 28, "".join(c["text"] for c in xs)
                assert xs[0]["x0"] == pytest.approx(LEFT, abs=TOL)
            else:
                assert len(xs) == 26 and xs[0]["x0"] == pytest.approx(
                    LEFT + 2 * 156 / 28 * MM, abs=TOL
                )
            assert xs[-1]["x1"] == pytest.approx(RIGHT, abs=TOL)


def test_page_numbers_are_7_mm_below_the_block_odd_right_even_left(pdf):
    for page in pdf.pages:
        n = page.page_number
        below = [c for c in page.chars if c["top"] > BOTTOM + 3 * MM]
        text = "".join(c["text"] for c in sorted(below, key=lambda c: c["x0"]))
        assert text.replace(" ", "") == f"—{n}—", (n, text)
        assert {round(c["size"]) for c in below} == {14}
        # The line of 四号 starts 7 mm below the block (269 mm from the top).
        assert min(c["top"] for c in below) == pytest.approx(BOTTOM + 7 * MM, abs=TOL)
        one_char = 156 / 28 * MM
        if n % 2:
            assert max(c["x1"] for c in below) == pytest.approx(RIGHT - one_char, abs=TOL)
        else:
            assert min(c["x0"] for c in below) == pytest.approx(LEFT + one_char, abs=TOL)


def test_date_starts_two_characters_right_of_the_issuer(pdf):
    one_char = 156 / 28 * MM
    for page in pdf.pages:
        lines = {ln["text"].replace(" ", ""): ln["chars"] for ln in page.extract_text_lines()}
        if "示范经济技术开发区管理委员会" in lines:
            issuer, dated = lines["示范经济技术开发区管理委员会"], lines["2020年7月25日"]
            assert issuer[-1]["x1"] == pytest.approx(RIGHT - 2 * one_char, abs=TOL)
            assert dated[0]["x0"] - issuer[0]["x0"] == pytest.approx(2 * one_char, abs=TOL)
            return
    pytest.fail("no signature block")


def test_text_extracts_in_reading_order(pdf):
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "").replace(" ", "")
    order = [
        "示范经开区2020年上半年工作总结",
        "一、生产经营情况",
        "园区目前在产企业47家",
        "二、存在的困难",
        "三、主要工作",
        "（一）一企一员一企一策",
        "1．问题办理",
        "（1）按期办结情况",
        "（2）逾期问题",
        "2．走访服务",
        "（二）政策落实",
        "四、下步打算",
        "示范经济技术开发区管理委员会",
        "2020年7月25日",
        "主要经济指标",
        "月总产值（万元）102109400",
    ]
    at = [text.find(s) for s in order]
    assert all(i >= 0 for i in at), dict(zip(order, at, strict=True))
    assert at == sorted(at)


def test_each_role_is_set_in_its_intended_substitute(pdf):
    first = pdf.pages[0]

    def font_of(page, snippet):
        text = "".join(c["text"] for c in page.chars)
        i = text.find(snippet)
        assert i >= 0, snippet
        names = {page.chars[j]["fontname"].split("+")[-1] for j in range(i, i + len(snippet))}
        assert len(names) == 1, (snippet, names)
        return names.pop()

    assert font_of(first, "示范经开区") == "NotoSerifCJKjp-Bold-VKana"  # 方正小标宋简体
    assert font_of(first, "生产经营情况") == "NotoSansCJKjp-Regular-VKana"  # 黑体
    assert font_of(first, "园区目前在产企业") == "FandolFang-Regular"  # 仿宋_GB2312
    page = next(p for p in pdf.pages if "一企一员一企一策" in "".join(c["text"] for c in p.chars))
    assert font_of(page, "一企一员一企一策") == "FandolKai-Regular"  # 楷体_GB2312
    assert font_of(first, "1") in {"NotoSerifCJKjp-Regular-VKana", "FandolFang-Regular"}


def test_fonts_are_embedded_and_only_the_intended_ones(rendered):
    # poppler's pdffonts, not our reader: name, type, encoding, emb, sub, uni, object, id
    out = subprocess.run(["pdffonts", "-"], input=rendered[0], capture_output=True, check=True)  # noqa: S607
    rows = [ln.split() for ln in out.stdout.decode().splitlines()[2:] if ln.strip()]
    fonts = {r[0].split("+")[-1]: r[-5] for r in rows}
    assert fonts == {
        "FandolFang-Regular": "yes",
        "FandolKai-Regular": "yes",
        "NotoSansCJKjp-Regular-VKana": "yes",
        "NotoSerifCJKjp-Bold-VKana": "yes",
        "NotoSerifCJKjp-Regular-VKana": "yes",
    }


def test_metadata_names_the_fonts(pdf):
    meta = pdf.metadata
    assert meta["Title"] == "示范经开区2020年上半年工作总结"
    assert "FandolFang" in meta["Subject"] and "仿宋_GB2312" in meta["Subject"]


def test_charts_are_vector(pdf):
    assert not any(p.images for p in pdf.pages)
    drawn = [p for p in pdf.pages if len(p.curves) + len(p.lines) + len(p.rects) > 20]
    assert drawn, "the charts' shapes are in the PDF as paths"


def test_an_unmapped_font_is_refused_not_substituted_silently():
    d = docx.Document()
    run = d.add_paragraph().add_run("Silently substituted?")
    run.font.name = "Liberation Sans"
    run._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), "Liberation Sans")
    buf = io.BytesIO()
    d.save(buf)
    converted = render_pdf.convert(buf.getvalue())
    # What fontconfig puts in its place depends on the machine (Liberation Sans where installed,
    # else DejaVu Sans): whichever it is, the check refuses it by name.
    with pytest.raises(render_pdf.FontError, match=r"unexpected \['[A-Za-z]"):
        render_pdf.check_fonts(converted)


def test_speed_of_a_zone_sized_document(rendered, record_property):
    """Both formats of a zone's half-year summary (about 10 pages): the issue asks for under 5 s
    on this machine; the test fails only past 30 s (a hung or misconfigured conversion), and
    the measured time is recorded (docs/decisions.md has the numbers)."""
    from zonedesk.reports.render import docx as render_docx

    start = time.perf_counter()
    render_docx.render(sample_document())
    render_pdf.render(sample_document())
    took = time.perf_counter() - start
    record_property("both_formats_s", round(took, 2))
    print(
        f"docx+pdf of a {len(pdfplumber.open(io.BytesIO(rendered[0])).pages)}-page summary: {took:.2f} s"
    )
    assert took < 30


def test_no_body_line_is_spread_out(pdf):
    """Body text is not justified character by character: on every body line two neighbouring
    Chinese characters sit one pitch apart (156 mm / 28), however short the line ("不 含 新 开
    工 企 业" was a line before a number that went whole to the next line, spread to fill)."""
    pitch = 156 * MM / 28
    checked = 0
    for page in pdf.pages:
        for ln in lines_of(body_chars(page)):
            xs = sorted(ln, key=lambda c: c["x0"])
            for a, b in itertools.pairwise(xs):
                if ord(a["text"]) > 0x2E80 and ord(b["text"]) > 0x2E80 and not hangs(b):
                    assert b["x0"] - a["x0"] == pytest.approx(pitch, abs=0.3), (
                        page.page_number,
                        "".join(c["text"] for c in xs),
                    )
                    checked += 1
    assert checked > 500


def test_a_long_title_breaks_after_the_issuer_not_inside_a_word():
    """演示经济技术开发区（合成数据）2020年上半年工作总结 is wider than a line of the 二号 title
    (20 characters): it breaks after the issuer, "2020年上半年工作总结" whole on the second line
    (it broke as "…2020年上 / 半年工作总结")."""
    from dataclasses import replace

    issuer = "演示经济技术开发区（合成数据）"
    doc = replace(sample_document(pages=1), title=f"{issuer}2020年上半年工作总结", issuer=issuer)
    with pdfplumber.open(io.BytesIO(render_pdf.render(doc))) as p:
        big = [c for c in p.pages[0].chars if c["size"] > 20]
        lines = [
            "".join(c["text"] for c in sorted(ln, key=lambda c: c["x0"])) for ln in lines_of(big)
        ]
    assert lines == [issuer, "2020年上半年工作总结"]
