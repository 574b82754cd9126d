"""Key projects in a real browser on a phone: a leader opens the scheduling meeting (each node a
card, nothing scrolling sideways), goes to a late project and completes its next node."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = (
    "document.documentElement.scrollWidth <= window.innerWidth + 1 && "
    "[...document.querySelectorAll('.table-responsive, table')]"
    ".every(e => e.scrollWidth <= e.clientWidth + 1)"
)


def test_a_leader_holds_the_scheduling_meeting_on_a_phone(demo, live_server, open_page, log_in):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/meeting/")
    groups = page.get_by_test_id("meeting-group")
    expect(groups.first).to_be_visible()
    assert groups.count() >= 2
    assert page.locator("[data-light=red]").count() > 0
    assert page.locator("[data-light=yellow]").count() > 0
    assert page.evaluate(NOTHING_SCROLLS)

    # The first late node's project: its next node is completed from the phone.
    groups.first.locator("tbody tr a").first.click()
    form = page.locator("form[data-testid^=complete-]").first
    expect(form).to_be_visible()
    code = form.get_attribute("data-testid").removeprefix("complete-")
    assert page.evaluate(NOTHING_SCROLLS)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    row = page.get_by_test_id(f"node-{code}")
    expect(row.locator(f"[data-testid=complete-{code}]")).to_have_count(0)
    expect(row.locator("[data-light]")).to_have_count(0)  # done: no light
    assert problems == []
