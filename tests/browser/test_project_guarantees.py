"""Element guarantees in a real browser: the service officer adds a utility connection to a
project's checklist, and the leader sees it on the scheduling meeting under that utility, with
the page printed on A4 without its navigation."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zonedesk.projects.models import Guarantee, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_item_added_on_the_project_page_is_on_the_meeting(demo, live_server, open_page, log_in):
    project = Project.objects.filter(service_officer__username="officer").order_by("code").first()
    page, problems = open_page()
    log_in(page, live_server.url, "officer", then=f"/projects/{project.pk}/")

    page.get_by_test_id("guarantee-add").locator("summary").click()
    form = page.get_by_test_id("guarantee-add-form")
    expect(form).to_be_visible()
    form.locator("#id_category").select_option("telecom")
    form.locator("#id_need").fill("千兆光纤专线（浏览器测试）")
    form.locator("#id_utility").fill("演示通信公司（合成）")
    due = timezone.localdate() - dt.timedelta(days=2)  # overdue already
    form.locator("#id_due_on").fill(due.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()

    item = Guarantee.objects.get(need="千兆光纤专线（浏览器测试）")
    row = page.get_by_test_id(f"guarantee-{item.pk}")
    expect(row).to_contain_text("演示通信公司（合成）")
    expect(row).to_have_attribute("data-overdue", "1")

    leader, more = open_page()
    log_in(leader, live_server.url, "leader", then="/projects/meeting/")
    listed = leader.get_by_test_id(f"meeting-guarantee-{item.pk}")
    expect(listed).to_be_visible()
    expect(listed).to_have_attribute("data-overdue", "1")
    group = leader.get_by_test_id("meeting-group").filter(has=listed)
    expect(group.locator(".card-title")).to_have_text("演示通信公司（合成）")

    leader.emulate_media(media="print")
    expect(leader.locator("aside.navbar")).to_be_hidden()
    expect(leader.get_by_test_id("meeting-export")).to_be_hidden()
    expect(listed).to_be_visible()
    assert problems == [] and more == []
