"""Key projects in a real browser on a phone: a leader opens the scheduling meeting (each node a
card, nothing scrolling sideways), goes to a late project and completes its next node."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = (
    "document.documentElement.scrollWidth <= window.innerWidth + 1 && "
    "[...document.querySelectorAll('.table-responsive, table')]"
    ".every(e => e.scrollWidth <= e.clientWidth + 1)"
)


def test_a_leader_holds_the_scheduling_meeting_on_a_phone(demo, live_server, open_page, log_in):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/meeting/")
    groups = page.get_by_test_id("meeting-group")
    expect(groups.first).to_be_visible()
    assert groups.count() >= 2
    assert page.locator("[data-light=red]").count() > 0
    assert page.locator("[data-light=yellow]").count() > 0
    assert page.evaluate(NOTHING_SCROLLS)

    # The first late node's project: its next node is completed from the phone.
    groups.first.locator("tbody tr a").first.click()
    form = page.locator("form[data-testid^=complete-]").first
    expect(form).to_be_visible()
    code = form.get_attribute("data-testid").removeprefix("complete-")
    assert page.evaluate(NOTHING_SCROLLS)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    row = page.get_by_test_id(f"node-{code}")
    expect(row.locator(f"[data-testid=complete-{code}]")).to_have_count(0)
    expect(row.locator("[data-light]")).to_have_count(0)  # done: no light
    assert problems == []


def _one_line(page, selector: str) -> bool:
    """Every element matched is one line high (its height under 1.5 of its line height)."""
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].every(e => {
            const s = getComputedStyle(e);
            const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;
            return e.getBoundingClientRect().height < line * 1.5;
        })""",
        selector,
    )


def test_a_leader_decides_a_re_plan_on_a_phone(demo, live_server, open_page, log_in):
    """From the outside walk: the leader finds the re-plan waiting at 待审批改期, approves it
    there; the meeting's dates and legend read on a phone."""
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/")
    expect(page.get_by_test_id("light-legend")).to_be_visible()
    page.get_by_test_id("replans-link").click()
    rows = page.locator("[data-testid=replans-pending] tbody tr[data-testid^=replan-]")
    expect(rows).to_have_count(1)
    assert page.evaluate(NOTHING_SCROLLS)
    rows.first.get_by_role("button", name="同意", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(rows).to_have_count(0)

    page.goto(f"{live_server.url}/projects/meeting/")
    expect(page.get_by_test_id("light-legend")).to_be_visible()
    assert page.locator("td.text-nowrap").count() > 10
    assert _one_line(page, "[data-testid^=meeting-node-] td.text-nowrap")
    assert page.evaluate(NOTHING_SCROLLS)
    assert problems == []


def test_the_demo_firm_user_sees_their_project_with_a_note(demo, live_server, open_page, log_in):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "firm", then="/projects/")
    expect(page.get_by_test_id("role-note")).to_be_visible()
    rows = page.locator("[data-testid=projects] tbody tr[data-testid^=project-]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("电子元器件扩能项目")
    expect(rows.first).to_contain_text(",")  # 万元 grouped in thousands
    assert problems == []


def test_an_emptied_actual_date_does_not_complete_the_node(demo, live_server, open_page, log_in):
    """The completion form shows today; emptied, the browser asks for the date and the node
    stays open (the server refuses an empty date too: tests/projects/test_pages.py)."""
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/meeting/")
    page.get_by_test_id("meeting-group").first.locator("tbody tr a").first.click()
    form = page.locator("form[data-testid^=complete-]").first
    code = form.get_attribute("data-testid").removeprefix("complete-")
    date = form.locator("input[name=done_on]")
    assert date.input_value()  # today, shown
    date.fill("")
    form.locator("button[type=submit]").click()
    assert date.evaluate("e => e.validity.valueMissing")
    expect(
        page.get_by_test_id(f"node-{code}").locator(f"[data-testid=complete-{code}]")
    ).to_have_count(1)
    expect(page.locator(".alert-success")).to_have_count(0)
    assert problems == []


def test_a_refused_completion_leaves_the_address_on_the_project(
    demo, live_server, open_page, log_in
):
    """A completion in the future is refused: the project page comes back with the reason, at
    the project's own address (not the form's POST address), so a reload does not post again."""
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, "leader", then="/projects/meeting/")
    page.get_by_test_id("meeting-group").first.locator("tbody tr a").first.click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/"))
    project_path = page.evaluate("window.location.pathname")
    form = page.locator("form[data-testid^=complete-]").first
    code = form.get_attribute("data-testid").removeprefix("complete-")
    form.locator("input[name=done_on]").fill("2099-01-01")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger").first).to_be_visible()
    assert page.evaluate("window.location.pathname") == project_path
    # the refusal itself is the one 400 (at the form's address, echoed on the console)
    refusal = [p for p in problems if p.startswith("HTTP 400") and "/complete/" in p]
    assert len(refusal) == 1
    assert [p for p in problems if p not in refusal and "status of 400" not in p] == []
    seen = len(problems)
    page.reload()  # a GET of the project page: nothing is sent again
    expect(page.get_by_test_id(f"complete-{code}")).to_have_count(1)
    assert len(problems) == seen
