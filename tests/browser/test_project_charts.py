"""Key projects' charts in a real browser, on a desktop and a phone: the project dashboard's
stage and light charts, and a project page's Gantt-style chart of its nodes, drawn (SVG present)
from the page's data, every text whole inside the chart and none over another, with no console
error and nothing scrolling sideways."""

import re

import pytest

from tests.browser.charts import FITS, VIEWPORTS, chart_option, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@VIEWPORTS
def test_the_project_dashboard_draws_its_charts(demo, live_server, open_page, log_in, viewport):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/projects/dashboard/")
    total = int(page.get_by_test_id("total-projects").inner_text().replace(",", ""))
    assert total > 0
    stages = chart_option(page, "#stage-chart")
    assert sum(stages["series"][0]["data"]) == total
    lit = chart_option(page, "#light-chart")
    counts = [d["value"] for d in lit["series"][0]["data"]]
    red, yellow, green = (
        int(x) for x in page.get_by_test_id("total-lights").inner_text().split("/")
    )
    assert counts == [red, yellow, green] and sum(counts) == total
    # Each light's name and count shows whole inside the ring's card, on a phone too.
    shown = texts_fit(page.locator("#light-chart"))
    for name, count in zip(("红灯", "黄灯", "绿灯"), counts, strict=True):
        assert f"{name}: {count}" in shown, shown
    texts_fit(page.locator("#stage-chart"))
    # Sums of 万元 with thousands separators and two places, as the monitoring dashboard writes them.
    assert re.fullmatch(
        r"\d{1,3}(,\d{3})*\.\d\d", page.get_by_test_id("total-investment").inner_text()
    )
    assert re.fullmatch(
        r"\d{1,3}(,\d{3})*\.\d\d", page.get_by_test_id("yearly-investment").inner_text()
    )
    assert page.evaluate(FITS)
    assert problems == []


@VIEWPORTS
def test_a_project_page_draws_its_gantt_chart(demo, live_server, open_page, log_in, viewport):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/projects/")
    page.locator("table a[href^='/projects/']").first.click()
    page.wait_for_load_state("load")
    nodes = page.locator("[data-testid=nodes] tbody tr").count()
    option = chart_option(page, "#gantt-chart")
    baseline, planned, actual = [s for s in option["series"] if s["type"] == "scatter"]
    assert len(baseline["data"]) == nodes and len(planned["data"]) == nodes
    # As the caption says: a node once done is grey, its actual date a grey square (projwalk).
    grey = "#667382"
    assert actual["symbol"] == "rect" and actual["itemStyle"]["color"] == grey
    done = {a[1] for a in actual["data"]}
    assert done and all(
        p["itemStyle"]["color"] == grey for p in planned["data"] if p["value"][1] in done
    )
    assert planned["markLine"]["data"][0]["xAxis"]  # today marked
    # The dates under the chart and the nodes' names beside it: whole, and none over another.
    shown = texts_fit(page.locator("#gantt-chart"))
    assert len(shown) >= nodes + 2, shown  # the nodes and at least two dates
    assert page.evaluate(FITS)
    assert problems == []
