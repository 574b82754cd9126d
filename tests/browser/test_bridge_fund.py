"""The bridge-loan fund in a real browser on a phone: the liaison officer opens the waiting
application, approves it and disburses it, and the fund's dashboard shows the money out; nothing
scrolls sideways."""

import pytest
from playwright.sync_api import expect

from zonedesk.finance.models import BridgeLoan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTHING_SCROLLS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_officer_approves_and_disburses_a_bridge_loan_on_a_phone(
    demo, live_server, open_page, log_in, phone
):
    loan = BridgeLoan.objects.get(status="applied")
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "officer", then="/finance/bridge/loans/?status=applied")

    row = page.get_by_test_id(f"loan-{loan.pk}")
    expect(row).to_be_visible()
    assert page.evaluate(NOTHING_SCROLLS)
    row.get_by_role("link").click()
    page.wait_for_url(f"**/finance/bridge/loans/{loan.pk}/")
    expect(page.get_by_test_id("limits-ok")).to_be_visible()

    page.get_by_test_id("move-approved").locator("button").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("loan-state")).to_have_attribute("data-state", "approved")

    page.get_by_test_id("move-disbursed").locator("button").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("loan-state")).to_have_attribute("data-state", "open")
    expect(page.get_by_test_id("due-on")).to_be_visible()
    assert page.evaluate(NOTHING_SCROLLS)

    loan.refresh_from_db()
    assert (loan.status, loan.amount_wan) == ("disbursed", loan.requested_wan)
    assert loan.due_on is not None

    page.goto(f"{live_server.url}/finance/bridge/")
    expect(page.get_by_test_id("out")).to_have_text("1,990.00")  # 1,710 out + 280 now
    expect(page.get_by_test_id("overdue")).to_have_text("2")
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []
