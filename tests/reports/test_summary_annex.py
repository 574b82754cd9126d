"""The summary's annex: the key-figure tables and two charts (the year's output by month against
last year, the capacity classes) drawn from the stored rows, in the .docx as SVG pictures and in
the PDF as vector paths."""

import io
import re
import zipfile
from decimal import Decimal

import pdfplumber
import pytest
from django.db.models import F
from lxml import etree

from zonedesk.reports import summary
from zonedesk.reports.document import Chart

SVG = "{http://www.w3.org/2000/svg}"


def _leader():
    from zonedesk.org.models import User

    return User.objects.get(username="leader")


def _charts(doc) -> list[Chart]:
    return [b for b in doc.annex if isinstance(b, Chart)]


def _desc(chart: Chart) -> str:
    return etree.fromstring(chart.svg.encode()).find(f"{SVG}desc").text


def _june_2020(desc: str) -> str:
    """This year's June value in the line chart's description ("2020: 一月 …, 六月 27437.63, …")."""
    this_year = desc.split(";")[0]
    return this_year.split(", ")[5].rsplit(" ", 1)[1]


@pytest.fixture
def h1(demo):
    return summary.build(_leader(), zone="demo", period="2020-H1", lang="zh")


@pytest.mark.django_db
def test_the_annex_has_the_key_figures_and_two_charts_after_them(h1):
    """Section 一's annex: the key figures and the capacity classes as tables, then the trend and
    the classes charts, each with its source; the classes chart shows 20 / 13 / 14 as the text
    says, the trend twelve months of 2019 and January to June of 2020 (June: 27,437.63 against
    24,328.45, the key-figure table's row)."""
    kinds = [type(b).__name__ for b in h1.annex[:4]]
    assert kinds == ["Table", "Table", "Chart", "Chart"]
    assert h1.annex[0].rows[0][:3] == ("产值（万元）", "27,437.63", "24,328.45")
    trend, classes = _charts(h1)
    assert "2020" in trend.caption and "2019" in trend.caption
    assert trend.source.selector == classes.source.selector == "monitoring.selectors.status"
    root = etree.fromstring(trend.svg.encode())
    lines = list(root.iter(f"{SVG}polyline"))
    assert [line.get("stroke-dasharray") is not None for line in lines] == [False, True]
    this_year, last_year = _desc(trend).split("; ")
    assert (
        re.match(r"2020年?: 一月 23389\.19, ", this_year) and "六月 27437.63, 七月 ," in this_year
    )
    assert re.match(r"2019年?: 一月 21856\.51, ", last_year) and "六月 24328.45" in last_year
    assert "十二月 32527.62" in last_year
    counts = re.findall(r" (\d+)(?:,| \()", _desc(classes))
    assert counts == ["20", "13", "14"]


@pytest.mark.django_db
def test_the_trend_chart_reads_the_stored_rows(demo):
    """One firm's June 2020 output up by 1,000 (10k yuan): the chart's June goes from 27,437.63
    to 28,437.63 (the zone's June total, as section 一 states it)."""
    from zonedesk.monitoring.models import MonthlyFigure

    before = _june_2020(_desc(_charts(summary.build(_leader(), zone="demo", period="2020-H1"))[0]))
    assert Decimal(before) == Decimal("27437.63")
    june = MonthlyFigure.objects.filter(period="2020-06-01", enterprise__zone__code="demo")
    firm = june.filter(output_value_wan__gt=0).order_by("enterprise_id").first().enterprise_id
    june.filter(enterprise_id=firm).update(output_value_wan=F("output_value_wan") + 1000)
    after = _june_2020(_desc(_charts(summary.build(_leader(), zone="demo", period="2020-H1"))[0]))
    assert Decimal(after) == Decimal("28437.63")


@pytest.mark.django_db
def test_the_docx_holds_both_charts_as_svg_pictures(h1):
    from zonedesk.reports.render import docx

    data = docx.render(h1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        svgs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".svg")]
        pngs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        body = z.read("word/document.xml").decode()
    assert len(svgs) == 2 and len(pngs) == 2  # each with its PNG fallback
    assert body.count("<w:drawing>") == 2
    for chart in _charts(h1):
        assert chart.caption in body


@pytest.mark.django_db
def test_the_pdf_draws_the_charts_as_vector_paths(h1):
    from zonedesk.reports.render import pdf

    with pdfplumber.open(io.BytesIO(pdf.render(h1))) as p:
        assert not any(page.images for page in p.pages)
        drawn = [page for page in p.pages if len(page.curves) + len(page.lines) > 20]
        text = "".join(page.extract_text() or "" for page in drawn)
    assert drawn, "the charts' shapes are in the PDF as paths"
    assert "2019" in text  # the trend chart's caption
