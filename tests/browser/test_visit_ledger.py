"""The visit ledger in a real browser: an officer opens their own ledger from the user menu, a
leader filters the zone's by officer and kind, and the Excel holds what the page shows."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from zonedesk.casework.models import Contact
from zonedesk.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_opens_their_ledger_from_the_menu(
    demo, live_server, open_page, log_in, user_menu
):
    page, problems = open_page()
    log_in(page, live_server.url, "officer", then="/casework/")
    user_menu(page)
    page.locator("header").get_by_test_id("menu-my-ledger").click()
    expect(page).to_have_url(re.compile(r"/casework/ledger/\?officer=\d+$"))
    officer = User.objects.get(username="officer")
    mine = Contact.objects.filter(participants=officer).count()
    expect(page.get_by_test_id("ledger-count")).to_contain_text(f"共 {mine} 次")
    assert problems == []


def test_a_leader_filters_the_ledger_and_exports_it(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/casework/ledger/")
    officer = User.objects.get(username="officer")
    page.select_option("#id_officer", str(officer.pk))
    page.select_option("#id_kind", "on_site")
    page.fill("#id_date_from", "2020-01-01")
    page.get_by_test_id("ledger-show").click()
    expect(page).to_have_url(re.compile(r"kind=on_site"))
    expected = Contact.objects.filter(
        participants=officer, kind="on_site", date__gte="2020-01-01"
    ).count()
    assert expected > 0
    expect(page.get_by_test_id("ledger-count")).to_contain_text(f"共 {expected} 次")
    badges = page.locator("[data-testid=ledger] [data-testid^=contact-] .badge").first
    expect(badges).to_have_text("上门走访")

    with page.expect_download() as download:
        page.get_by_test_id("ledger-xlsx").click()
    data = Path(download.value.path()).read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["日期", "企业", "方式"]
    assert len(rows) - 1 == expected
    assert {r[2] for r in rows[1:]} == {"上门走访"}
    assert all(str(r[0]) >= "2020-01-01" for r in rows[1:])
    assert problems == []
