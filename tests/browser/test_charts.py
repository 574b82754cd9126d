"""The dashboard's trend charts in a real browser, on a desktop and a phone: straight lines,
every month label whole with the latest month labelled, and zone totals of electricity in
万千瓦时 (water in 万吨) on the charts, their tables and the cards alike."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/monitoring/?zone=demo&period=2020-06"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 375, "height": 812}],
    ids=["desk", "phone"],
)
def test_trend_charts_draw_straight_lines_with_whole_labels_in_officials_units(
    demo, live_server, open_page, log_in, viewport
):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then=URL)
    charts = page.locator(".trend-chart")
    expect(charts).to_have_count(3)
    for i in range(3):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg text").first).to_be_attached()
        option = chart.evaluate("e => echarts.getInstanceByDom(e).getOption()")
        assert all(s["type"] == "line" and not s.get("smooth") for s in option["series"])
        # The latest month (June 2020) is labelled, whole, inside the chart; so is every label.
        box = chart.bounding_box()
        labels = chart.evaluate(
            """e => [...e.querySelectorAll('svg text')].map(t => {
                 const b = t.getBoundingClientRect();
                 return {text: t.textContent, left: b.left, right: b.right};
               })"""
        )
        june = [x for x in labels if x["text"] == "6月"]
        assert len(june) == 2, labels  # June 2019 (with its year under it) and June 2020
        latest = max(june, key=lambda x: x["left"])
        assert latest["left"] > box["x"] + box["width"] / 2
        for label in labels:
            assert box["x"] - 1 <= label["left"] and label["right"] <= box["x"] + box["width"] + 1
        assert any(x["text"] == "2020年" for x in labels)  # the year under January
    electricity = page.locator("#trend-electricity_kwh")
    option = electricity.evaluate("e => echarts.getInstanceByDom(e).getOption()")
    assert option["yAxis"][0]["name"] == "万千瓦时"
    expect(page.get_by_test_id("trend-title-electricity_kwh")).to_have_text("用电量 (万千瓦时)")
    expect(page.get_by_test_id("card-electricity_kwh")).to_contain_text("万千瓦时")
    expect(page.get_by_test_id("card-water_t")).to_contain_text("万吨")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []
