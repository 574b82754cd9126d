"""A lead's page in Chromium: a refused form leaves the lead's own address in the bar (not the
POST address), the drop button reads 放弃, a pause asks for its reason, and the signing form has
visible labels with a missing month shown at its field."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refused_forms_keep_the_lead_address(demo, live_server, open_page, log_in):
    from zonedesk.chain.leads_models import Lead

    lead = (
        Lead.objects.filter(stage="negotiation", merged_into=None, zone__code="demo")
        .order_by("pk")
        .first()
    ) or Lead.objects.filter(stage="negotiation", merged_into=None).order_by("pk").first()
    assert lead is not None
    page, problems = open_page()
    base = live_server.url
    own = f"/leads/{lead.pk}/"
    log_in(page, base, "leader", then=own)
    expect(page.get_by_test_id("do-dropped")).to_have_text("放弃")
    # a pause without its reason: refused at the field, the address stays the lead's
    page.get_by_test_id("do-paused").click()
    expect(page.get_by_test_id("move-paused").get_by_test_id("error-reason")).to_be_visible()
    assert page.evaluate("window.location.pathname") == own
    # signing without the month: the error at the month, the date kept, labels visible
    form = page.get_by_test_id("move-signed")
    expect(form.get_by_text("签约日期")).to_be_visible()
    expect(form.get_by_text("计划投产月份")).to_be_visible()
    form.locator("input[name=signed_on]").fill("2020-05-06")
    form.get_by_test_id("do-signed").click()
    form = page.get_by_test_id("move-signed")
    expect(form.get_by_test_id("error-first_production_month")).to_be_visible()
    expect(form.locator("input[name=signed_on]")).to_have_value("2020-05-06")
    assert page.evaluate("window.location.pathname") == own
    # an activity without its note: the same
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("activity-form")).to_be_visible()
    assert page.evaluate("window.location.pathname") == own
    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    # the refusals answer 400, which the browser logs; nothing else went wrong
    assert [p for p in problems if "400" not in p] == []
