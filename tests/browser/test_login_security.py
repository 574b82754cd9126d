"""In a real browser: a user changes their password from the user menu, and a user name locked
after five failed log-ins is told how long to wait."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Unused-in-tests-1"  # factories' users
NEW = "Kaijiang-2026-zone"


@pytest.fixture
def people(transactional_db):
    return factories.world()


def log_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_a_user_changes_their_password_from_the_user_menu(
    people, live_server, open_page, user_menu
):
    page, problems = open_page()
    log_in(page, live_server.url, "officer", PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    user_menu(page)
    page.locator("header [data-testid=password-change-link]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_password1", "woaini1314")
    page.fill("#id_password2", "woaini1314")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-password1").first).to_be_visible()

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_password1", NEW)
    page.fill("#id_password2", NEW)
    page.get_by_test_id("save").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".alert-success")).to_be_visible()

    user_menu(page)
    page.locator("header [data-testid=logout]").click()
    log_in(page, live_server.url, "officer", NEW)
    expect(page).to_have_url(f"{live_server.url}/")
    assert problems == []


def test_a_locked_user_name_is_told_how_long_to_wait(people, live_server, open_page):
    page, problems = open_page()
    for _ in range(4):
        log_in(page, live_server.url, "leader", "Wrong-password-9")
        expect(page.locator(".alert-danger")).to_be_visible()
    log_in(page, live_server.url, "leader", "Wrong-password-9")
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("15")  # minutes to wait, in either language
    first_message = alert.inner_text()

    log_in(page, live_server.url, "leader", PASSWORD)  # the right password: still locked
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".alert-danger")).to_have_text(first_message)
    assert problems == []
