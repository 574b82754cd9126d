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
