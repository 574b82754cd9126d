"""The guarantee graph on a desktop and a 390×844 phone: the chart fills its card inside the
viewport, every firm's name is drawn whole inside it and over no other, and a value missing from
the data (a guarantee without an amount, a firm without a name) draws "—" rather than break the
page's script. Console errors and uncaught exceptions are collected: there must be none."""

import json
import re

import pytest

from tests.browser.charts import FITS, chart_option, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
DATA = re.compile(
    r'(<script id="guarantee-graph-data" type="application/json">)(.*?)(</script>)', re.S
)


def _chart_box(page):
    """The drawn chart (ECharts' svg) and its container, on the page."""
    svg = page.locator("#guarantee-graph svg").first
    return svg.bounding_box(), page.locator("#guarantee-graph").bounding_box()


def _inside(box, card, viewport):
    assert box["width"] > 100 and box["height"] > 100, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, (box, viewport)
    # the chart is its card's size, not a default 100 × 100 nor wider than the card
    assert abs(box["width"] - card["width"]) <= 2 and abs(box["height"] - card["height"]) <= 2


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_graph_fits_its_card_and_names_every_firm(demo, live_server, open_page, log_in, size):
    viewport = VIEWPORTS[size]
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/finance/lending/graph/")
    option = chart_option(page, "#guarantee-graph")
    page.wait_for_timeout(800)
    box, card = _chart_box(page)
    _inside(box, card, viewport)
    nodes = option["series"][0]["data"]
    assert len(nodes) >= 5
    names = texts_fit(page.locator("#guarantee-graph"))
    for n in nodes:  # each firm's name drawn (wrapped lines join back into it)
        assert n["name"].replace(" ", "") in "".join(names).replace(" ", ""), n["name"]
    assert page.evaluate(FITS)
    assert problems == []


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_missing_values_draw_a_dash_not_an_error(demo, live_server, open_page, log_in, size):
    viewport = VIEWPORTS[size]
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/finance/lending/")

    def without_values(route):
        response = route.fetch()
        html = response.text()
        found = DATA.search(html)
        assert found, "the page carries its graph's data"
        g = json.loads(found.group(2))
        g["links"][0]["amount_wan"] = None
        del g["nodes"][0]["name"]
        g["nodes"][1]["name"] = None
        g["nodes"][2]["circle"] = None
        g["reach"] = {"firm": g["nodes"][3]["id"], "name": None, "firms": None}
        body = html[: found.start(2)] + json.dumps(g) + html[found.end(2) :]
        route.fulfill(response=response, body=body)

    page.route("**/finance/lending/graph/", without_values)
    page.goto(f"{live_server.url}/finance/lending/graph/")
    option = chart_option(page, "#guarantee-graph")
    page.wait_for_timeout(500)
    data = option["series"][0]["data"]
    assert sum(1 for n in data if n["name"] == "—") == 2
    box, card = _chart_box(page)
    _inside(box, card, viewport)
    # the edge without an amount says so in its tooltip
    tip = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('guarantee-graph'));
          const f = chart.getOption().tooltip[0].formatter;
          const l = chart.getOption().series[0].links[0];
          return f({dataType: 'edge', data: l, name: ''});
        }"""
    )
    assert tip.endswith("—"), tip
    assert problems == []


def test_an_amount_in_the_tooltip_reads_as_money(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/finance/lending/graph/")
    chart_option(page, "#guarantee-graph")
    tip = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('guarantee-graph'));
          const f = chart.getOption().tooltip[0].formatter;
          return f({dataType: 'edge', data: {source: 'x', target: 'y', amount: '1723'}, name: ''});
        }"""
    )
    assert tip.endswith("1,723.00 万元"), tip
    assert problems == []
