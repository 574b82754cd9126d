"""Key projects' charts in a real browser, on a desktop and a phone: the project dashboard's
stage and light charts, and a project page's Gantt-style chart of its nodes, drawn (SVG present)
from the page's data, with no console error and nothing scrolling sideways."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 375, "height": 812}],
    ids=["desk", "phone"],
)
FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _option(page, selector):
    chart = page.locator(selector)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg").first).to_be_attached()
    return chart.evaluate("e => echarts.getInstanceByDom(e).getOption()")


@VIEWPORTS
def test_the_project_dashboard_draws_its_charts(demo, live_server, open_page, log_in, viewport):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/projects/dashboard/")
    total = int(page.get_by_test_id("total-projects").inner_text())
    assert total > 0
    stages = _option(page, "#stage-chart")
    assert sum(stages["series"][0]["data"]) == total
    lit = _option(page, "#light-chart")
    counts = [d["value"] for d in lit["series"][0]["data"]]
    red, yellow, green = (
        int(x) for x in page.get_by_test_id("total-lights").inner_text().split("/")
    )
    assert counts == [red, yellow, green] and sum(counts) == total
    assert page.evaluate(FITS)
    assert problems == []


@VIEWPORTS
def test_a_project_page_draws_its_gantt_chart(demo, live_server, open_page, log_in, viewport):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/projects/")
    page.locator("table a[href^='/projects/']").first.click()
    page.wait_for_load_state("load")
    nodes = page.locator("[data-testid=nodes] tbody tr").count()
    option = _option(page, "#gantt-chart")
    baseline, planned, _actual = [s for s in option["series"] if s["type"] == "scatter"]
    assert len(baseline["data"]) == nodes and len(planned["data"]) == nodes
    assert planned["markLine"]["data"][0]["xAxis"]  # today marked
    assert page.evaluate(FITS)
    assert problems == []
