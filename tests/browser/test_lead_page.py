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


def test_desktop_board_shows_every_stage_inside_itself(demo, live_server, open_page, log_in):
    """At 1366x768 the board holds all eight stages, 暂停 and 放弃 too: the page never scrolls
    sideways, the board does, and its "later stages" button brings 放弃 into view."""
    page, problems = open_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_server.url, "leader", then="/leads/board/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    board = page.get_by_test_id("lead-board")
    for stage in ("lead", "negotiation", "signed", "landed", "paused", "dropped"):
        expect(board.get_by_test_id(f"column-{stage}")).to_have_count(1)
    expect(page.get_by_test_id("board-hint")).to_be_visible()
    assert board.evaluate("b => b.scrollWidth > b.clientWidth")
    # the "later stages" button scrolls the board to its end (放弃 in view), then is disabled
    dropped = board.get_by_test_id("column-dropped")
    expect(dropped).not_to_be_in_viewport()
    expect(page.get_by_test_id("board-left")).to_be_disabled()
    for _ in range(5):
        if page.get_by_test_id("board-right").is_disabled():
            break
        page.get_by_test_id("board-right").click()
        page.wait_for_timeout(600)
    expect(page.get_by_test_id("board-right")).to_be_disabled()
    expect(dropped).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []


def test_merge_asks_before_it_merges(demo, live_server, open_page, log_in):
    """Merging a duplicate asks first: dismissed, nothing is merged; accepted, it is."""
    from zonedesk.chain import leads_selectors
    from zonedesk.chain.leads_models import Lead
    from zonedesk.org.models import User

    leader = User.objects.get(username="leader")
    pair = None
    for lead in Lead.objects.filter(zone__code="demo", merged_into=None).order_by("pk"):
        page_data = leads_selectors.lead_page(leader, lead)
        if page_data.duplicates:
            pair = (lead, page_data.duplicates[0].lead)
            break
    assert pair is not None
    keep, drop = pair
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then=f"/leads/{keep.pk}/")
    answers = []

    def answer(dialog):
        answers.append(dialog.message)
        dialog.dismiss() if len(answers) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_test_id(f"merge-{drop.pk}").click()
    page.wait_for_timeout(300)
    drop.refresh_from_db()
    assert drop.merged_into_id is None and "无法撤销" in answers[0]
    page.get_by_test_id(f"merge-{drop.pk}").click()
    expect(page.get_by_test_id("merged-from")).to_be_visible()
    drop.refresh_from_db()
    assert drop.merged_into_id == keep.pk
    assert problems == []
