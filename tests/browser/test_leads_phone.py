"""An officer works an investment lead on a phone (390x844): finds it on the pipeline board,
moves it 线索 → 接洽 → 考察 → 洽谈 with the page's buttons, logs a visit, and sees the moves and
the visit in the lead's history; signing is left to the zone's leaders. Nothing scrolls the
whole page sideways (the board's columns scroll inside their row)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _fits(page, problems, where):
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS), where
    assert problems == [], where


def test_officer_moves_a_lead_through_stages_on_a_phone(
    demo, live_server, open_page, log_in, phone
):
    from zonedesk.chain.leads_models import Lead

    lead = (
        Lead.objects.filter(owner__username="officer", stage="lead", merged_into=None)
        .order_by("pk")
        .first()
    )
    assert lead is not None
    page, problems = open_page(viewport=phone)
    base = live_server.url
    log_in(page, base, "officer", then="/leads/board/")
    _fits(page, problems, "board")
    expect(page.get_by_test_id("column-lead")).to_be_visible()
    card = page.get_by_test_id(f"card-{lead.pk}")
    card.scroll_into_view_if_needed()
    card.click()
    page.wait_for_url(f"**/leads/{lead.pk}/")
    _fits(page, problems, "lead")
    expect(page.get_by_test_id("lead-stage")).to_have_text("线索")
    for move, label in (("contact", "接洽"), ("visit", "考察"), ("negotiation", "洽谈")):
        page.get_by_test_id(f"do-{move}").click()
        expect(page.get_by_test_id("lead-stage")).to_have_text(label)
        _fits(page, problems, move)
    # the officer does not sign: a key project is the leaders' to register
    expect(page.get_by_test_id("do-signed")).to_have_count(0)
    expect(page.get_by_test_id("do-paused")).to_be_visible()
    form = page.get_by_test_id("activity-form")
    form.locator("select[name=kind]").select_option("visit")
    form.locator("textarea[name=note]").fill("赴企业总部拜访（浏览器测试）")
    page.get_by_test_id("activity-save").click()
    timeline = page.get_by_test_id("lead-timeline")
    expect(timeline).to_contain_text("赴企业总部拜访（浏览器测试）")
    expect(timeline.get_by_test_id("timeline-event").first).to_contain_text("洽谈")
    _fits(page, problems, "logged")
    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    assert lead.events.filter(actor__username="officer").count() == 3
