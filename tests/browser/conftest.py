"""Headless Chromium from Debian's package, driven by Playwright (no browser download)."""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Assertions wait up to 15 s for a page to settle (Playwright's default is 5 s): on CI's two cores
# the live server, Chromium and the other test process share them, and a page that computes (the
# rule editor's preview over a zone's firms) was seen to answer after 5 s under that load. A
# passing assertion returns as soon as it holds; only a failing one waits the whole time.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors, uncaught exceptions and failed requests seen by a page."""


@pytest.fixture
def open_page(browser):
    contexts = []

    def make(*, viewport=None, **options):
        """A page in a context of its own; `options` go to Playwright's `new_context`."""
        context = browser.new_context(
            viewport=viewport or {"width": 1366, "height": 900}, locale="zh-CN", **options
        )
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )
        # A request aborted because the page moved on (ERR_ABORTED) is not a fault of the page.
        page.on(
            "requestfailed",
            lambda r: (
                problems.append(f"failed {r.url}: {r.failure}")
                if "ERR_ABORTED" not in (r.failure or "")
                else None
            ),
        )
        return page, problems

    yield make
    for context in contexts:
        context.close()


# --- the demo zone and its people ------------------------------------------------------------------


@pytest.fixture
def demo(transactional_db):
    """The demo zone, loaded by the first test of the process and put back from a snapshot
    for the next ones (tests/dbsnapshot.py: demo_loaded)."""
    from tests import dbsnapshot

    with dbsnapshot.demo_loaded():
        yield


@pytest.fixture
def log_in():
    """Log a demo user in on the page's login form, then land on `then`; a user with an
    authenticator (the demo's administrators) then enters its code on the second page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.otp_codes import totp_code
    from zonedesk.demo.data import PASSWORD

    def log_in(page, base, username, then="/monitoring/"):
        page.goto(f"{base}{then}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is not None:
            page.wait_for_url(re.compile(r"/account/second-factor/verify/"))
            page.fill("#id_code", totp_code(device))
            page.click("[data-testid=verify]")

    return log_in


@pytest.fixture
def user_menu():
    """Open the header's user menu: once the page's scripts have run (a click before Bootstrap
    binds the dropdown opens nothing), and only when it shows."""
    from playwright.sync_api import expect

    def user_menu(page):
        page.wait_for_load_state("load")
        toggle = page.locator("header [data-testid=user-menu]")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")

    return user_menu


@pytest.fixture
def phone():
    """A phone's viewport, for `open_page(viewport=phone)`."""
    return {"width": 390, "height": 844}
