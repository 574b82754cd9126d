"""What the chart tests share (key projects' and the financing overview's): the desktop and
phone viewports, the no-sideways-scroll check, and the check that every text of an ECharts chart
is whole, inside the chart and over no other."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 375, "height": 812}],
    ids=["desk", "phone"],
)
FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


# Every text an SVG chart draws that shows in its box: its words and its box on the page.
TEXTS = """e => [...e.querySelectorAll('svg text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom};
  }).filter(b => b.text.trim() && b.right > b.left)"""


def texts_fit(chart):
    """The chart's texts within its box, none cut short ("...") and none over another;
    a text drawn wholly outside the box (not shown) is left out."""
    box = chart.bounding_box()
    x0, x1, y0, y1 = box["x"], box["x"] + box["width"], box["y"], box["y"] + box["height"]
    texts = [
        t
        for t in chart.evaluate(TEXTS)
        if t["right"] > x0 and t["left"] < x1 and t["bottom"] > y0 and t["top"] < y1
    ]
    for t in texts:
        assert "..." not in t["text"] and "…" not in t["text"], t
        assert x0 - 1 <= t["left"] and t["right"] <= x1 + 1, (t, box)
        assert y0 - 1 <= t["top"] and t["bottom"] <= y1 + 1, (t, box)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            apart = (
                a["right"] <= b["left"] + 1
                or b["right"] <= a["left"] + 1
                or a["bottom"] <= b["top"] + 1
                or b["bottom"] <= a["top"] + 1
            )
            assert apart, (a, b)
    return [t["text"] for t in texts]


def chart_option(page, selector):
    chart = page.locator(selector)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg").first).to_be_attached()
    return chart.evaluate("e => echarts.getInstanceByDom(e).getOption()")


def shot(page, name: str, *, full_page: bool = False) -> None:
    """A screenshot to look at, into the folder ZD_SHOTS names (none when it is unset); `page`
    may be a locator too (a shot of that element)."""
    folder = os.environ.get("ZD_SHOTS")
    if folder:
        options = {"full_page": True} if full_page else {}
        page.screenshot(path=str(Path(folder) / f"{name}.png"), **options)
