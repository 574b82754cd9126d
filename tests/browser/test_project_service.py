"""A key project's 7x24 service log in a real browser on a phone: the service officer records a
request that came in at 22:00, hands it to a department, and records its resolution before
midnight; the log shows the hours taken on the round-the-clock clock, not overdue."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTHING_SCROLLS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_service_officer_records_a_night_request_on_a_phone(
    demo, live_server, open_page, log_in, phone
):
    from zonedesk.projects.models import Project

    project = Project.objects.filter(
        service_officer__username="officer", investor__isnull=False
    ).first()
    night = timezone.localdate() - dt.timedelta(days=1)
    stamp = lambda h, m: f"{night:%Y-%m-%d}T{h:02d}:{m:02d}"  # noqa: E731
    title = "夜间施工现场停电（浏览器测试）"

    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "officer", then=f"/projects/{project.pk}/")
    log = page.locator("#service-log")
    log.locator("summary").click()
    raise_form = page.get_by_test_id("service-raise")
    raise_form.locator("[name=title]").fill(title)
    raise_form.locator("[name=category]").select_option("energy")
    raise_form.locator("[name=raised_via]").select_option("phone")
    raise_form.locator("[name=at]").fill(stamp(22, 0))
    assert page.evaluate(NOTHING_SCROLLS)
    raise_form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()

    row = page.locator("tr[data-testid^=service-]", has_text=title)
    expect(row.get_by_test_id("raised-at")).to_contain_text(f"{night:%Y-%m-%d} 22:00")
    respond = row.locator("form[data-testid^=respond-]")
    respond.locator("[name=department]").select_option(label="规划建设局")
    # The date-time field has a visible label (projwalk), the one it is found by.
    expect(respond.locator("label", has_text="发生时间（非现在时填写）")).to_be_visible()
    respond.get_by_label("发生时间（非现在时填写）").fill(stamp(22, 20))
    respond.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()

    row = page.locator("tr[data-testid^=service-]", has_text=title)
    resolve = row.locator("form[data-testid^=resolve-]")
    resolve.locator("[name=resolution]").fill("供电所抢修完毕，恢复送电")
    resolve.locator("[name=at]").fill(stamp(23, 50))
    resolve.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()

    row = page.locator("tr[data-testid^=service-]", has_text=title)
    expect(row.get_by_test_id("responded-at")).to_contain_text(f"{night:%Y-%m-%d} 22:20")
    expect(row.get_by_test_id("resolved-at")).to_contain_text(f"{night:%Y-%m-%d} 23:50")
    # 20 minutes to respond, 1 h 50 to resolve: within 2 h and 24 h.
    expect(row.get_by_test_id("hours")).to_contain_text("0.3")
    expect(row.get_by_test_id("hours")).to_contain_text("1.8")
    expect(row.get_by_test_id("overdue")).to_have_count(0)
    expect(row.locator("form")).to_have_count(0)
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []
