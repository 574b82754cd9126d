"""The leads funnel's chart in Chromium, on a desktop and on a phone: one bar per stage of the
way with the leads that reached it, the conversion to the next beside it, the same figures as
the table under it, every text whole inside the chart."""

import pytest
from playwright.sync_api import expect

from tests.browser.charts import FITS, VIEWPORTS, chart_option, shot, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@VIEWPORTS
def test_funnel_chart_shows_the_tables_figures(demo, live_server, open_page, log_in, viewport):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/leads/funnel/")
    chart = page.get_by_test_id("funnel-chart")
    expect(chart).to_have_attribute("data-ready", "1")
    option = chart_option(page, "#funnel-chart")
    table = page.get_by_test_id("funnel-all")
    reached = [int(t) for t in table.get_by_test_id("reached").all_inner_texts()]
    assert option["series"][0]["data"] == reached
    assert reached[0] > 0
    assert option["yAxis"][0]["data"][:2] == ["线索", "接洽"]
    page.wait_for_timeout(500)  # the bars' entry animation
    words = texts_fit(chart)
    first = table.locator("tbody tr").first.locator("td").nth(2).inner_text()  # "58.33%"
    assert any(first in w for w in words), (first, words)
    assert page.evaluate(FITS)
    tag = "desk" if viewport["width"] > 600 else "phone"
    shot(page, f"funnel-{tag}", full_page=False)
    assert problems == []
