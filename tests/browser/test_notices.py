"""The escalation page and the notification centre in a real browser: a leader reminds the
person responsible for an overdue problem with one click; that person sees the badge, opens the
centre, follows the notification to the problem, and the badge is gone."""

import re

import pytest
from playwright.sync_api import expect

from zonedesk.notices.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leaders_reminder_reaches_the_officer_on_a_phone(
    demo, live_server, open_page, log_in, user_menu, phone
):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/casework/")
    user_menu(page)
    page.locator("header").get_by_test_id("menu-escalation").click()
    expect(page).to_have_url(re.compile(r"/casework/escalation/$"))

    row = (
        page.locator("[data-testid=late-problem] [data-testid^=row-problem-]")
        .filter(has=page.get_by_test_id("remind"))
        .first
    )
    row_id = row.get_attribute("data-testid")
    row.get_by_test_id("remind").click()
    expect(page).to_have_url(re.compile(r"/casework/escalation/#problem-\d+$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id(row_id).get_by_test_id("reminded")).to_be_visible()
    expect(page.get_by_test_id(row_id).get_by_test_id("remind")).to_have_count(0)
    assert problems == []

    # The demo's own notifications (its key projects' re-plans) stay as they were.
    sent = Notification.objects.get(kind="reminder")
    assert sent.sender.username == "leader"
    unread = Notification.objects.filter(recipient=sent.recipient, read_at__isnull=True).count()
    officer, problems = open_page(viewport=phone)
    log_in(officer, live_server.url, sent.recipient.username, then="/casework/")
    badge = officer.locator("[data-testid=notices-badge]:visible")
    expect(badge.get_by_test_id("notices-unread")).to_have_text(str(unread))
    badge.click()
    expect(officer).to_have_url(re.compile(r"/notices/$"))
    item = officer.get_by_test_id(f"notification-{sent.pk}")
    expect(item).to_contain_text(sent.title)
    item.get_by_test_id("open").click()
    expect(officer).to_have_url(re.compile(re.escape(sent.link) + "$"))
    expect(officer.locator("[data-testid=notices-badge]:visible")).to_be_visible()
    if unread == 1:
        expect(officer.locator("[data-testid=notices-unread]:visible")).to_have_count(0)
    else:
        expect(officer.locator("[data-testid=notices-unread]:visible")).to_have_text(
            str(unread - 1)
        )
    scroll = officer.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert scroll <= 0
    assert problems == []


def test_the_centre_lists_what_is_due_and_saves_the_channels(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "officer", then="/notices/")
    expect(page.get_by_test_id("due-item").first).to_be_visible()
    page.locator("[data-testid=preferences] input[name=reminder][value=email]").uncheck()
    page.get_by_test_id("save-preferences").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(
        page.locator("[data-testid=preferences] input[name=reminder][value=email]")
    ).not_to_be_checked()
    expect(
        page.locator("[data-testid=preferences] input[name=reminder][value=inapp]")
    ).to_be_checked()
    assert problems == []
