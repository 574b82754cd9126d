"""The above-size page in a real browser: the demo's 2020 statuses derived again after a firm's
2019 revenue moved to the threshold, then the firm set below size by hand; on a phone, the
firm and its effective status stay in view."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from zonedesk.monitoring.models import FirmSize, MonthlyFigure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "主要产品线停产，经县统计局核准退出规模以上统计"


def _firm_brought_to_the_threshold() -> FirmSize:
    """The demo's below-size firm of 2020 nearest the 2,000万元 line, its 2019 revenue raised to
    exactly 2,000 (one month's revenue + the difference): derived again, it is above size."""
    status = (
        FirmSize.objects.filter(
            enterprise__zone__code="demo", year=2020, derived=False, override__isnull=True
        )
        .select_related("enterprise")
        .order_by("-basis_revenue_wan")
        .first()
    )
    month = MonthlyFigure.objects.filter(
        enterprise=status.enterprise, period__year=2019, revenue_wan__isnull=False
    ).first()
    month.revenue_wan += Decimal(2000) - status.basis_revenue_wan
    month.save(update_fields=["revenue_wan"])
    return status


def _show(page):
    page.get_by_role("button", name="Show").or_(page.get_by_role("button", name="显示")).click()


def test_the_leader_derives_the_year_and_sets_a_firm_by_hand(demo, live_server, open_page, log_in):
    status = _firm_brought_to_the_threshold()
    firm = status.enterprise
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/?zone=demo&period=2020-06")
    page.get_by_test_id("sizes-link").click()
    expect(page).to_have_url(re.compile(r"/monitoring/sizes/\?zone=demo&year=2020"))
    row = page.get_by_test_id(f"size-{firm.pk}")
    expect(row.get_by_test_id("effective")).to_contain_text(re.compile("Below size|规下"))
    expect(row.get_by_test_id("derived")).to_contain_text(re.compile("Not reached|未达到"))

    # Derive 2020 again, past the confirmation: the firm's 2,000.00 is at the line: above.
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_test_id("derive").click()
    expect(page.locator(".alert-success")).to_contain_text("2020")
    assert asked and "2020" in asked[0]
    row = page.get_by_test_id(f"size-{firm.pk}")
    expect(row.get_by_test_id("basis")).to_have_text("2,000.00")
    expect(row.get_by_test_id("effective")).to_contain_text(re.compile("Above size|规上"))
    assert FirmSize.objects.get(pk=status.pk).above is True

    # Set it below size by hand: a reason is required; then it is kept, with who and when.
    row.get_by_test_id(f"override-{firm.pk}").click()
    form = page.get_by_test_id("size-override-form")
    form.locator("select[name=status]").select_option("below")
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-reason")).to_be_visible()
    form.locator("textarea[name=reason]").fill(REASON)
    form.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(rf"/monitoring/sizes/.*#firm-{firm.pk}$"))
    row = page.get_by_test_id(f"size-{firm.pk}")
    expect(row.get_by_test_id("effective")).to_contain_text(re.compile("Below size|规下"))
    expect(row.get_by_test_id("override")).to_contain_text(REASON)
    expect(row.get_by_test_id("override")).to_contain_text("李主任")

    # The hand-set firms only: this one (the demo sets none by hand).
    page.get_by_test_id("show").select_option("overridden")
    _show(page)
    expect(page.locator("[data-testid=size-table] tbody tr")).to_have_count(1)
    expect(page.get_by_test_id(f"size-{firm.pk}")).to_be_visible()
    # The form sent without a reason on purpose was answered 400 (and its console line); no more.
    refused = [p for p in problems if "400" in p]
    assert len(refused) <= 2 and all("/monitoring/sizes/firms/" in p or "400" in p for p in refused)
    assert [p for p in problems if p not in refused] == []


def test_on_a_phone_the_firm_and_its_status_stay_in_view(
    demo, live_server, open_page, log_in, phone
):
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "leader", then="/monitoring/sizes/?zone=demo&year=2020")
    first = page.locator("[data-testid=size-table] tbody tr").first
    expect(first.locator("td").first.get_by_role("link")).to_be_in_viewport()
    expect(first.get_by_test_id("effective")).to_be_in_viewport()
    expect(first.get_by_test_id("basis")).to_be_hidden()
    assert problems == []
