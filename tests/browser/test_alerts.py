"""The early-warning page in a real browser: the demo's June 2020 warnings, acknowledged."""

import re

import pytest
from playwright.sync_api import expect

from zonedesk.demo import data, monthly, utility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_opens_the_warnings_and_acknowledges_one(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/?zone=demo&period=2020-06")
    page.get_by_test_id("alerts-link").click()
    table = page.get_by_test_id("alert-table")
    plan = data.firm_plan()
    # Two drifts: one firm's own reports (demo.monthly), one firm's power company's readings
    # against its reports (demo.utility).
    drift = table.locator("tr[data-testid$=-power_drift]")
    expect(drift).to_have_count(2)
    expect(drift.first).to_contain_text("%")
    expect(table).to_contain_text(plan[monthly.DRIFTING]["name"])
    expect(table).to_contain_text(plan[utility.DRIFTING]["name"])
    falling = table.locator("tr[data-testid$=-declining]")
    expect(falling).to_have_count(1)
    expect(falling).to_contain_text("→")
    # The firm's name leads to its casework page.
    link = table.get_by_role("link", name=plan[monthly.DECLINING]["name"])
    expect(link).to_have_attribute("href", re.compile(r"/casework/firms/\d+/plan/"))
    # Acknowledge the decline with a note: it stays listed, greyed, with who, when and why.
    falling.locator("input[name=note]").fill("订单转移，已走访")
    falling.get_by_role("button").click()
    acknowledged = table.locator("tr[data-testid$=-declining]")
    expect(acknowledged).to_have_attribute("data-acknowledged", "")
    expect(acknowledged).to_contain_text("订单转移，已走访")
    expect(acknowledged).to_contain_text("李主任")
    # Open warnings only: the acknowledged one is gone from the list.
    page.get_by_test_id("state").select_option("open")
    page.get_by_role("button", name="Show").or_(page.get_by_role("button", name="显示")).click()
    expect(table.locator("tr[data-testid$=-declining]")).to_have_count(0)
    expect(table.locator("tr[data-testid$=-power_drift]")).to_have_count(2)
    assert problems == []


def _inside(page, locator) -> bool:
    """Whether the element lies wholly inside the viewport's width (nothing to scroll to)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_on_a_phone_each_warning_reads_and_is_acknowledged_without_scrolling_sideways(
    demo, live_server, open_page, log_in, phone
):
    """At 390 px every warning is a block of its own: the firm, the rule, the reason and the
    acknowledge box all lie inside the screen, and the page does not scroll sideways."""
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "leader", then="/monitoring/alerts/?zone=demo&period=2020-06")
    table = page.get_by_test_id("alert-table")
    falling = table.locator("tr[data-testid$=-declining]")
    expect(falling).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Nothing scrolls sideways inside the list either (a wide table in a scrolling box would
    # keep the page narrow and the ack box out of sight).
    assert page.evaluate(
        "[...document.querySelectorAll('[data-testid=alert-table], .table-responsive')]"
        ".every(e => e.scrollWidth <= e.clientWidth + 1)"
    )
    reason = falling.get_by_test_id("alert-why")
    expect(reason).to_contain_text("→")
    assert _inside(page, reason)
    note, button = falling.locator("input[name=note]"), falling.get_by_role("button")
    note.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    assert _inside(page, note) and _inside(page, button)
    # Acknowledged on the phone: greyed, with who and the note, still inside the screen.
    note.fill("已电话核实")
    button.click()
    done = table.locator("tr[data-testid$=-declining]")
    expect(done).to_have_attribute("data-acknowledged", "")
    expect(done).to_contain_text("已电话核实")
    assert _inside(page, done.get_by_test_id(re.compile(r"^ack-\d+-declining$")))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []
