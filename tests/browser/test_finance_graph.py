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


# The graph as drawn: each name's lines (svg text), the nodes' and the arrows' points in the
# chart's pixels (convertToPixel: the layouts are in the graph's own coordinates) (a curved arrow sampled along its quadratic curve).
DRAWN = """e => {
  const chart = echarts.getInstanceByDom(e);
  const box = e.getBoundingClientRect();
  const series = chart.getModel().getSeriesByIndex(0);
  const nodes = series.getData();
  const edges = series.getEdgeData();
  const px = (p) => chart.convertToPixel({seriesIndex: 0}, p);
  const points = [];
  for (let i = 0; i < nodes.count(); i++) points.push(px(nodes.getItemLayout(i)));
  const curves = [];
  for (let i = 0; i < edges.count(); i++) {
    const [p1, p2, cp] = edges.getItemLayout(i);
    const c = cp || [(p1[0] + p2[0]) / 2, (p1[1] + p2[1]) / 2];
    const pts = [];
    for (let t = 0.1; t <= 0.9; t += 0.05) {
      const u = 1 - t;
      pts.push(px([u * u * p1[0] + 2 * u * t * c[0] + t * t * p2[0],
                   u * u * p1[1] + 2 * u * t * c[1] + t * t * p2[1]]));
    }
    curves.push(pts);
  }
  const texts = [...e.querySelectorAll('svg text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left - box.left, right: b.right - box.left,
            top: b.top - box.top, bottom: b.bottom - box.top};
  }).filter(t => t.text.trim() && t.right > t.left);
  return {points, curves, texts, height: box.height};
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_names_wrap_whole_outside_the_circle_and_the_chart_fits_them(
    demo, live_server, open_page, log_in, size
):
    """A name breaks before its bracket, never inside it (no line "某某（合成" over a lone "）");
    the names sit outside the circle, over no arrow and no other name; the chart is as tall as
    what it draws (no empty band under it on a phone)."""
    page, problems = open_page(viewport=VIEWPORTS[size])
    log_in(page, live_server.url, "leader", then="/finance/lending/graph/")
    chart_option(page, "#guarantee-graph")
    page.wait_for_timeout(800)
    drawn = page.locator("#guarantee-graph").evaluate(DRAWN)
    texts = drawn["texts"]
    assert len(texts) >= 5
    for t in texts:
        line = t["text"]
        assert line.count("（") == line.count("）") and line.count("(") == line.count(")"), line
    texts_fit(page.locator("#guarantee-graph"))  # none over another
    for curve in drawn["curves"]:
        for x, y in curve:
            for t in texts:
                inside = t["left"] + 1 < x < t["right"] - 1 and t["top"] + 1 < y < t["bottom"] - 1
                assert not inside, (t, (x, y))
    tops = [t["top"] for t in texts] + [p[1] - 13 for p in drawn["points"]]
    bottoms = [t["bottom"] for t in texts] + [p[1] + 13 for p in drawn["points"]]
    content = max(bottoms) - min(tops)
    assert drawn["height"] - content <= 60, (drawn["height"], content)
    assert problems == []
