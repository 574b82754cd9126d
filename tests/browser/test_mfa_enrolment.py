"""Two-step verification in a real browser: an officer sets up an authenticator from the user
menu (the QR code, the secret typed in, a first code), keeps the recovery codes, and is asked for
a code at the next log-in; the demo administrator passes it with the demo's known secret."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from zonedesk.demo.data import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret_b32: str, later_steps: int = 0) -> str:
    """What an authenticator app shows for the secret now (or `later_steps` 30-second steps
    on: a code counts once, and one step of clock drift is allowed)."""
    key = b32decode(secret_b32.replace(" ", ""))
    return f"{totp(key, t0=-30 * later_steps):06d}"


def test_an_officer_sets_up_the_second_factor_and_needs_it_at_the_next_log_in(
    demo, live_server, open_page, user_menu
):
    page, problems = open_page()
    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/enterprises/$"))  # optional: not asked yet

    user_menu(page)
    page.locator("header").get_by_test_id("menu-second-factor").click()
    page.get_by_test_id("setup").click()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("secret").inner_text()
    page.fill("#id_code", "000000" if _code(secret) != "000000" else "111111")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("error-code")).to_be_visible()  # a wrong first code
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second
    page.fill("#id_code", _code(secret))
    page.get_by_test_id("confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)

    user_menu(page)
    page.locator("header").get_by_test_id("logout").click()
    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/account/second-factor/verify/"))
    page.fill("#id_code", _code(secret, later_steps=1))  # the set-up used this step's code
    page.get_by_test_id("verify").click()
    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    assert problems == []


def test_the_demo_administrator_passes_with_the_demo_secret(demo, live_server, open_page):
    page, problems = open_page()
    page.goto(f"{live_server.url}/users/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/account/second-factor/verify/"))
    page.fill("#id_code", _code(TOTP_SECRET))
    page.get_by_test_id("verify").click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    assert problems == []


def test_the_shared_log_in_helper_passes_the_second_step(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "admin", then="/users/")
    expect(page).to_have_url(re.compile(r"/users/$"))
    assert problems == []
