"""The charts: well-formed SVG, text as outlines (no font needed), whole axis labels, gaps for
missing values, the dashboard's palette, and refusals of mismatched data."""

from decimal import Decimal

import pytest
from lxml import etree

from zonedesk.reports.render import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return etree.fromstring(svg.encode())


def test_line_chart_is_svg_with_outlined_text_and_gaps():
    svg = charts.line_chart(
        "月总产值",
        ["1月", "2月", "3月", "4月"],
        [
            ("本年", [Decimal("10"), None, Decimal("30"), Decimal("45")]),
            ("上年同期", [Decimal(12)] * 4),
        ],
        "万元",
    )
    root = parse(svg)
    assert root.get("width") == "156mm" and root.get("height") == "90mm"
    assert not list(root.iter(f"{SVG}text"))  # outlines only
    titles = [t.text for t in root.iter(f"{SVG}title")]
    for label in ("月总产值", "本年", "上年同期", "万元", "1月", "4月", "10", "50"):
        assert label in titles, label
    lines = list(root.iter(f"{SVG}polyline"))
    # This year: 1月 alone (a gap at 2月), then 3月-4月 as one line; last year one dashed line.
    assert len(lines) == 2
    assert lines[0].get("stroke") == "#5470c6" and lines[0].get("stroke-dasharray") is None
    assert lines[1].get("stroke") == "#91cc75" and lines[1].get("stroke-dasharray")
    assert len(list(root.iter(f"{SVG}circle"))) == 3 + 4


def test_bar_chart_starts_at_zero_and_labels_values():
    root = parse(
        charts.bar_chart(
            "",
            ["持平", "超过", "未达"],
            [20, 13, 14],
            "家",
            colors=["#3ba272", "#fac858", "#ee6666"],
        )
    )
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert {"20", "13", "14", "0", "家", "持平"} <= set(titles)
    assert [r.get("fill") for r in root.iter(f"{SVG}rect")][1:] == ["#3ba272", "#fac858", "#ee6666"]


@pytest.mark.parametrize(
    ("values", "from_zero", "expected"),
    [
        ([6890, 10210], False, (6000, 11000, 1000)),
        ([13, 20], True, (0, 20, 5)),
        ([0.5, 2.4], True, (0, 3, 1)),
    ],
)
def test_axis_ranges_have_whole_nice_steps(values, from_zero, expected):
    assert charts.axis_range(values, from_zero=from_zero) == expected


def test_mismatched_data_is_refused():
    with pytest.raises(ValueError, match="3 values for 2 categories"):
        charts.bar_chart("", ["a", "b"], [1, 2, 3], "")
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        charts.line_chart("", ["a", "b"], [("x", [Decimal(1)])], "")


def test_a_unit_wider_than_the_axis_labels_stays_inside_the_chart():
    """ "10k yuan" above labels of at most five digits: every point of its outline has x >= 0."""
    import re

    svg = charts.bar_chart("", ["a", "b"], [Decimal(40000), Decimal(5)], "10k yuan")
    unit = next(p for p in parse(svg).iter(f"{SVG}path") if p.findtext(f"{SVG}title") == "10k yuan")
    xs = [float(x) for x in re.findall(r"[MLQCZ]?(-?[\d.]+) -?[\d.]+", unit.get("d"))]
    assert xs and min(xs) >= 0
