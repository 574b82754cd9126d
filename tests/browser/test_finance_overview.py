"""The financing overview in a real browser, on a desktop and a phone: the demo leader's totals,
the charts drawn from the page's data (the months add up to the needs shared), every text whole
inside its chart and none over another, nothing scrolling sideways and no console error; the
demo bank user sees its own bank's row only, and no chart of the zone."""

import pytest
from playwright.sync_api import expect

from tests.browser.charts import FITS, VIEWPORTS, chart_option, texts_fit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@VIEWPORTS
def test_the_leader_sees_the_zones_financing_with_its_charts(
    demo, live_server, open_page, log_in, viewport
):
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/finance/overview/?year=2020")
    total = int(page.get_by_test_id("total-needs").inner_text().replace(",", ""))
    assert total >= 30
    months = chart_option(page, "#month-chart")
    assert (
        len(months["xAxis"][0]["data"]) == page.locator("[data-testid=by-month] tbody tr").count()
    )
    shown_months = [
        int(r.inner_text().replace(",", ""))
        for r in page.locator("[data-testid=by-month] tbody tr td:nth-child(2)").all()
    ]
    assert sum(shown_months) == total
    banks = chart_option(page, "#bank-chart")
    assert len(banks["yAxis"][0]["data"]) == page.get_by_test_id("bank-row").count() >= 2
    for chart in ("#month-chart", "#purpose-chart", "#type-chart", "#bank-chart"):
        chart_option(page, chart)
        assert texts_fit(page.locator(chart)), chart
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


def test_the_per_bank_table_shows_every_column_on_a_laptop(demo, live_server, open_page, log_in):
    """At 1366×768 the per-bank table's headers wrap so that its last column (平均获批年利率)
    is inside the card, not cut off; no figure of four digits or more lacks its separator."""
    import re

    from tests.browser.charts import shot

    page, problems = open_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_server.url, "leader", then="/finance/overview/?year=2020")
    banks = page.get_by_test_id("by-bank")
    wrapper = banks.locator("xpath=..")
    assert banks.evaluate("t => t.scrollWidth") <= wrapper.evaluate("w => w.clientWidth") + 1
    last = banks.locator("thead th").last.bounding_box()
    card = wrapper.bounding_box()
    assert last["x"] + last["width"] <= card["x"] + card["width"] + 1
    text = page.locator("main, .page-body").first.inner_text()
    shot(page, "finwalk3-overview", full_page=True)
    assert not re.findall(r"(?<![\d,.\-])\d{4,}\.\d", text)
    assert problems == []
