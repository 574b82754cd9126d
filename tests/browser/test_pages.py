"""A person's walk through the pages in a real browser: log in, the list, search, the detail."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-pw"


@pytest.fixture
def people(transactional_db):
    world = factories.world()
    for u in world.users.values():
        u.set_password(PASSWORD)
        u.save(update_fields=["password"])
    for i in range(30):
        factories.firm(world.zone_a, f"浏览器测试企业{i:02d}有限公司")
    return world


def log_in(page, base, username):
    page.goto(f"{base}/enterprises/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_leader_walks_list_search_and_detail_without_errors(people, live_server, open_page):
    page, problems = open_page()
    log_in(page, live_server.url, "leader")

    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    expect(page.get_by_test_id("result-count")).to_contain_text("32")
    expect(page.locator("[data-testid=enterprise-table] tbody tr")).to_have_count(25)

    page.fill("#id_q", "甲一")  # htmx swaps the table in place
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    expect(page).to_have_url(re.compile(r"q=%E7%94%B2%E4%B8%80"))

    page.get_by_role("link", name="甲一机械有限公司").click()
    expect(page.locator("h2.page-title")).to_have_text("甲一机械有限公司")
    expect(page.get_by_test_id("contact-phone")).to_have_text("13812345678")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("total-firms")).to_have_text("32")
    page.locator("#industry-chart canvas").wait_for(state="attached")  # no eval under CSP
    assert problems == []


def test_department_user_sees_masked_phones(people, live_server, open_page):
    page, problems = open_page()
    log_in(page, live_server.url, "department")
    page.goto(f"{live_server.url}/enterprises/{people.firm_a.pk}/")
    expect(page.get_by_test_id("contact-phone")).to_have_text("138****5678")
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    assert problems == []


def test_out_of_scope_firm_is_not_found(people, live_server, open_page):
    page, _problems = open_page()
    log_in(page, live_server.url, "leader")
    response = page.goto(f"{live_server.url}/enterprises/{people.firm_b.pk}/")
    assert response.status == 404


def test_phone_sized_screen_has_a_menu_and_the_list(people, live_server, open_page):
    page, problems = open_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "officer")
    expect(page.locator("[data-testid=enterprise-table] tbody tr").first).to_be_visible()
    page.click(".navbar-toggler")
    expect(page.get_by_role("link", name="企业", exact=True)).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, "the page should not scroll sideways on a phone"
    assert problems == []


def test_edit_form_reports_a_bad_credit_code_on_its_field(people, live_server, open_page):
    page, problems = open_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/enterprises/{people.firm_a.pk}/edit/")
    page.fill("#id_credit_code", "91110108551385082A")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-credit_code")).to_contain_text("校验")
    assert problems == []


def test_logging_out(people, live_server, open_page, user_menu):
    """Logging out from the user menu leads back to the login page."""
    page, problems = open_page()
    log_in(page, live_server.url, "auditor")
    user_menu(page)
    page.locator("header").get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert problems == []
