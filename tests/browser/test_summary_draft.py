"""A draft of the work summary in a real browser: the leader opens one from the summary page,
edits a paragraph around its figures, is refused a changed figure, saves version 2, and after a
stored figure is corrected sees the figure highlighted and listed with its value now."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_edits_a_draft_and_sees_a_stale_figure(demo, live_server, open_page, log_in):
    from django.db.models import F

    from zonedesk.monitoring.models import MonthlyFigure

    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/reports/summary/?zone=demo&period=2020-06")
    page.get_by_test_id("draft-open").click()
    expect(page.get_by_test_id("draft-versions").get_by_test_id("draft-version")).to_have_count(1)
    expect(page.get_by_test_id("stale-none")).to_be_visible()
    # The annex's two charts are there, drawn as SVG.
    expect(page.get_by_test_id("draft-preview").locator("figure svg")).to_have_count(2)

    first = page.get_by_test_id("draft-p1")
    text = first.input_value()
    # The figure with its name in words (the page is Chinese, the draft too), never its key.
    token = (
        "【12.78%｜产值同比】" if "【12.78%｜产值同比】" in text else "【12.78%｜output value YoY】"
    )
    assert token in text and "output_yoy" not in text and "[[" not in text
    # A changed figure is refused, with the paragraph and the value the data gives.
    first.fill(text.replace(token, token.replace("12.78%", "15.00%")))
    page.get_by_test_id("draft-save").click()
    expect(page.get_by_test_id("draft-errors")).to_contain_text("12.78%")
    expect(page.get_by_test_id("draft-errors")).not_to_contain_text("output_yoy")
    expect(page.get_by_test_id("draft-versions").get_by_test_id("draft-version")).to_have_count(1)
    # Edited around the figures: saved as version 2.
    page.get_by_test_id("draft-p1").fill("经园区核实，" + text)
    page.get_by_test_id("draft-save").click()
    expect(page.get_by_test_id("draft-versions").get_by_test_id("draft-version")).to_have_count(2)
    expect(page.get_by_test_id("draft-preview")).to_contain_text("经园区核实，")

    # A firm's June 2020 output corrected upwards since: the draft's +12.78% is stale.
    june = MonthlyFigure.objects.filter(period="2020-06-01", enterprise__zone__code="demo")
    firm = june.filter(output_value_wan__gt=0).order_by("enterprise_id").first().enterprise_id
    june.filter(enterprise_id=firm).update(output_value_wan=F("output_value_wan") + 1000)
    page.reload()
    stale = page.locator("[data-testid=stale-figure][data-figure=output_yoy]").first
    expect(stale).to_have_text("12.78%")
    expect(stale).to_have_attribute("data-now", "16.89%")
    assert stale.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(page.get_by_test_id("stale-list")).to_contain_text("16.89%")

    with page.expect_download() as download:
        page.get_by_test_id("draft-download-md").click()
    assert "经园区核实，" in download.value.path().read_text(encoding="utf-8")
    assert [p for p in problems if "400" not in p] == []  # the refused save only


def test_the_summary_and_the_draft_fit_a_phone(demo, live_server, open_page, log_in, phone):
    """At 390×844 neither page scrolls sideways: the annex's two charts take the screen's width
    (their viewBox keeps the drawing), not their printed 156 mm (590 px)."""
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "leader", then="/reports/summary/?zone=demo&period=2020-H1")
    charts = page.get_by_test_id("summary-chart").locator("svg")
    expect(charts).to_have_count(2)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box["width"] <= 390 and box["height"] > 100  # scaled, still drawn
    page.get_by_test_id("draft-open").click()
    expect(page.get_by_test_id("draft-preview").locator("figure svg")).to_have_count(2)
    assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
    assert problems == []
