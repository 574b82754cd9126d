"""The financing overview in a real browser, on a desktop and a phone: the demo leader's totals,
the charts drawn from the page's data (the months add up to the needs shared), every text whole
inside its chart and none over another, nothing scrolling sideways and no console error; the
demo bank user sees its own bank's row only, and no chart of the zone."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 375, "height": 812}],
    ids=["desk", "phone"],
)
FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"
TEXTS = """e => [...e.querySelectorAll('svg text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom};
  }).filter(b => b.text.trim() && b.right > b.left)"""


def _texts_fit(chart):
    """The chart's texts within its box, none cut short and none over another (the same check
    as the key projects' charts, tests/browser/test_project_charts.py)."""
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


def _option(page, selector):
    chart = page.locator(selector)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg").first).to_be_attached()
    return chart.evaluate("e => echarts.getInstanceByDom(e).getOption()")


@VIEWPORTS
def test_the_leader_sees_the_zones_financing_with_its_charts(
    demo, live_server, open_page, log_in, viewport
):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/finance/overview/?year=2020")
    total = int(page.get_by_test_id("total-needs").inner_text().replace(",", ""))
    assert total >= 30
    months = _option(page, "#month-chart")
    assert (
        len(months["xAxis"][0]["data"]) == page.locator("[data-testid=by-month] tbody tr").count()
    )
    shown_months = [
        int(r.inner_text().replace(",", ""))
        for r in page.locator("[data-testid=by-month] tbody tr td:nth-child(2)").all()
    ]
    assert sum(shown_months) == total
    banks = _option(page, "#bank-chart")
    assert len(banks["yAxis"][0]["data"]) == page.get_by_test_id("bank-row").count() >= 2
    for chart in ("#month-chart", "#purpose-chart", "#type-chart", "#bank-chart"):
        _option(page, chart)
        assert _texts_fit(page.locator(chart)), chart
    assert page.evaluate(FITS)
    assert problems == []


def test_the_bank_sees_its_own_row_only_on_a_phone(demo, live_server, open_page, log_in):
    from zonedesk.org.models import User

    bank = User.objects.get(username="bank").bank
    page, problems = open_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "bank", then="/finance/overview/?year=2020")
    rows = page.get_by_test_id("bank-row")
    expect(rows).to_have_count(1)
    assert bank.name in rows.inner_text()
    assert page.get_by_test_id("overview-totals").count() == 0
    assert page.locator(".chart").count() == 0
    assert page.evaluate(FITS)
    assert problems == []
