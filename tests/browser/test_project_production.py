"""Promised versus actual in a real browser on a phone: a leader opens one of the demo's producing
projects (a new firm of 2020) and reads its promises beside the firm's reported figures, nothing
scrolling sideways."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = (
    "document.documentElement.scrollWidth <= window.innerWidth + 1 && "
    "[...document.querySelectorAll('[data-testid=production] .table-responsive, "
    "[data-testid=production] table')].every(e => e.scrollWidth <= e.clientWidth + 1)"
)


def test_a_leader_reads_promised_versus_actual_on_a_phone(demo, live_server, open_page, log_in):
    from zonedesk.projects.models import Project

    project = Project.objects.filter(state="producing", investor__isnull=False).first()
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then=f"/projects/{project.pk}/")
    card = page.get_by_test_id("production")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("production-window")).to_contain_text(project.investor.name)
    output = page.get_by_test_id("pa-output")
    cells = output.locator("td")
    expect(cells).to_have_count(4)
    # promised, actual (the firm's reports) and their ratio are all figures, none a dash
    for i in (1, 2, 3):
        assert cells.nth(i).inner_text().strip() not in ("", "—")
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []
