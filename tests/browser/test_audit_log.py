"""The auditor in a real browser: logs in, filters the audit log by action and text, sees names
(not ids), downloads the filtered entries; the log-in and the export are in the log."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from zonedesk.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-pw"


@pytest.fixture
def people(transactional_db):
    world = factories.world()
    for u in world.users.values():
        u.set_password(PASSWORD)
        u.save(update_fields=["password"])
    return world


def test_the_auditor_filters_and_exports_the_log(people, live_server, open_page):
    page, problems = open_page()
    page.goto(f"{live_server.url}/audit/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/audit/$"))

    page.select_option("#id_action", "create")
    page.fill("#id_text", "甲二")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("甲二食品有限公司")
    expect(table).to_contain_text("甲经开区")  # the zone by name
    expect(table).not_to_contain_text("甲一机械有限公司")

    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert problems == []
    auditor = people.users["auditor"]
    assert AuditEntry.objects.filter(actor=auditor, action="login").exists()
    export = AuditEntry.objects.get(actor=auditor, action="export")
    assert export.changes["rows"] == 1 and "text=" in export.changes["query"]


def test_the_auditor_filters_by_firm_and_reads_each_row_s_firm(people, live_server, open_page):
    factories.problem(people.firm_a2, title="订单下滑（合成）")
    factories.problem(people.firm_a, title="用工短缺（合成）")
    page, problems = open_page()
    page.goto(f"{live_server.url}/audit/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_firm", "甲二")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("订单下滑（合成）")
    expect(table).not_to_contain_text("用工短缺（合成）")
    firms = table.get_by_test_id("audit-firm")
    expect(firms.first).to_have_text("甲二食品有限公司")
    assert set(firms.all_text_contents()) == {"甲二食品有限公司"}
    assert problems == []
