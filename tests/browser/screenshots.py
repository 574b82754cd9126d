"""The README's screenshots, taken from the demo in a real browser: `make screenshots` (or
`pytest tests/browser/screenshots.py`; not collected with the suite, its name is not test_*).

Each shot is a user, a page, a viewport and what to do there before the picture; the files go to
docs/screenshots/ under the names the README uses. Refresh them after a change of the pages the
README shows; the README's text stays as it is.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _firm(name: str) -> int:
    from zonedesk.enterprises.models import Enterprise

    return Enterprise.objects.get(name=name).pk


def _first_problem(page, base) -> None:
    page.goto(f"{base}/casework/")
    page.locator("[data-testid=problems] a.list-group-item").first.click()
    page.wait_for_load_state("load")


def _weak_password(page, base) -> None:
    page.goto(f"{base}/accounts/password/")
    page.fill("#id_old_password", "Zonedesk-Demo-2026")
    page.fill("#id_password1", "woaini1314")
    page.fill("#id_password2", "woaini1314")
    page.get_by_test_id("save").click()
    page.wait_for_load_state("load")


def _new_token(page, base) -> None:
    page.goto(f"{base}/account/tokens/")
    page.fill("#id_name", "数据报送脚本")
    page.get_by_test_id("create-token").click()
    page.wait_for_load_state("load")


def _first_chain(page, base) -> None:
    from zonedesk.chain.models import Chain

    page.goto(f"{base}/chain/{Chain.objects.order_by('code').first().pk}/")
    page.wait_for_timeout(800)  # the tree's entry animation


def _project(name: str):
    """A function opening the demo project of that name."""

    def open_project(page, base) -> None:
        from zonedesk.projects.models import Project

        page.goto(f"{base}/projects/{Project.objects.get(name=name).pk}/")

    return open_project


# (file, user, path or a function that opens the page, viewport, full page, clip: a height from
# the top, or the selector of the one element to take)
SHOTS = [
    ("overview.png", "officer", "/", DESKTOP, False, None),
    ("firm-list.png", "leader", "/enterprises/", DESKTOP, False, None),
    ("firm-list-phone.png", "officer", "/enterprises/", PHONE, False, None),
    ("monitoring-dashboard.png", "leader", "/monitoring/", DESKTOP, True, None),
    ("monitoring-dashboard-statistics.png", "leader", "/monitoring/", DESKTOP, True, 1250),
    ("monitoring-alerts.png", "leader", "/monitoring/alerts/", DESKTOP, True, 1110),
    (
        "policies-coverage.png",
        "leader",
        "/policies/coverage/",
        {"width": 1280, "height": 900},
        False,
        None,
    ),
    (
        "policies-firm.png",
        "leader",
        lambda page, base: page.goto(f"{base}/policies/firms/{_firm('开明食品有限公司（合成）')}/"),
        {"width": 1280, "height": 1000},
        False,
        None,
    ),
    (
        "casework-problem-phone.png",
        "officer",
        _first_problem,
        {"width": 390, "height": 900},
        False,
        None,
    ),
    ("projects-meeting.png", "leader", "/projects/meeting/", DESKTOP, False, None),
    ("projects-dashboard.png", "leader", "/projects/dashboard/", DESKTOP, False, None),
    (
        "projects-gantt.png",
        "leader",
        _project("电子元器件扩能项目（合成）"),
        DESKTOP,
        False,
        "#gantt",
    ),
    # A window as tall as the form (a full-page picture would cut the fixed sidebar short).
    ("projects-new.png", "leader", "/projects/new/", {"width": 1366, "height": 1290}, False, None),
    ("finance-overview.png", "leader", "/finance/overview/", DESKTOP, True, 1400),
    ("finance-inbox.png", "bank", "/finance/inbox/", DESKTOP, False, None),
    ("chain-map.png", "leader", _first_chain, DESKTOP, False, None),
    ("leads-board-phone.png", "officer", "/leads/board/", PHONE, False, None),
    ("account-password.png", "admin", _weak_password, DESKTOP, False, None),
    ("account-tokens.png", "admin", _new_token, DESKTOP, False, None),
]


@pytest.mark.parametrize(("name", "username", "where", "viewport", "full", "clip"), SHOTS)
def test_screenshot(
    demo, live_server, open_page, log_in, name, username, where, viewport, full, clip
):
    page, _problems = open_page(viewport=viewport)
    log_in(page, live_server.url, username, then="/")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    if callable(where):
        where(page, live_server.url)
    else:
        page.goto(f"{live_server.url}{where}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)  # the charts' first drawing
    if isinstance(clip, str):
        element = page.locator(clip)
        element.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        element.screenshot(path=str(OUT / name))
        return
    options = {"path": str(OUT / name), "full_page": full}
    if clip:
        options["clip"] = {"x": 0, "y": 0, "width": viewport["width"], "height": clip}
    page.screenshot(**options)
