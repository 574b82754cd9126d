"""The financing overview and the guarantee graph on a 390×844 phone: every chart text whole,
inside its chart and over no other (names wrap, months shorten), the wide tables scroll inside
their card rather than squeeze their columns, and nothing scrolls the page sideways. With
ZD_SHOTS set, screenshots (finpolish-*.png) are left in that folder for a person to look at."""

import pytest

from tests.browser.charts import FITS, chart_option, shot, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CHARTS = ("#month-chart", "#purpose-chart", "#type-chart", "#bank-chart")


def test_the_overview_reads_on_a_phone(demo, live_server, open_page, log_in):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/finance/overview/?year=2020")

    for chart in CHARTS:
        chart_option(page, chart)
        assert texts_fit(page.locator(chart)), chart
    months = chart_option(page, "#month-chart")["xAxis"][0]
    assert months["axisLabel"]["interval"] == 0  # every month named, none hidden
    banks = page.get_by_test_id("by-bank")
    wrapper = banks.locator("xpath=..")
    # The table keeps its columns whole and scrolls inside its card.
    assert banks.evaluate("t => t.scrollWidth") > wrapper.evaluate("w => w.clientWidth")
    row = page.get_by_test_id("bank-row").first
    assert row.locator("td").first.evaluate("td => td.getClientRects().length") == 1
    assert row.locator("td").first.bounding_box()["height"] < 40  # one line, not five
    assert page.evaluate(FITS)
    shot(page, "finpolish-overview", full_page=True)
    shot(page.locator("#bank-chart"), "finpolish-overview-banks")
    shot(page.locator("#month-chart"), "finpolish-overview-months")
    assert problems == []


def test_the_guarantee_graph_keeps_every_name_inside_on_a_phone(
    demo, live_server, open_page, log_in
):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/finance/lending/graph/")

    option = chart_option(page, "#guarantee-graph")
    page.wait_for_timeout(1500)  # past the layout's animation

    names = texts_fit(page.locator("#guarantee-graph"))
    assert len(option["series"][0]["data"]) >= 5
    assert "".join(names).count("有限公司") >= 5  # the names are drawn, not dropped
    assert page.evaluate(FITS)
    shot(page, "finpolish-graph", full_page=True)
    assert problems == []


def test_the_lending_registers_warnings_wrap_whole_on_a_phone(demo, live_server, open_page, log_in):
    """超过法定利率上限, 借款方在担保圈内: each badge wraps inside its cell, none is cut off."""
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/finance/lending/")

    badges = page.locator("td .badge")
    assert badges.count() >= 2
    for i in range(badges.count()):
        badge = badges.nth(i)
        if not badge.is_visible():
            continue
        assert badge.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), badge.inner_text()
        box, cell = badge.bounding_box(), badge.locator("xpath=..").bounding_box()
        assert (
            box["x"] >= cell["x"] - 1 and box["x"] + box["width"] <= cell["x"] + cell["width"] + 1
        )
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    shot(page, "finwalk3-lending", full_page=True)
    assert problems == []
