"""Casework in a real browser on a phone: a firm raises a problem from its page, its officer
accepts it for a department, the department resolves it, the firm confirms and rates it."""

import pytest
from playwright.sync_api import expect

from zonedesk.casework.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step(page, name, **fields):
    details = page.locator(
        "[data-testid=steps] details", has=page.locator("summary", has_text=name)
    )
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = details.locator("form")
    for selector, value in fields.items():
        field = form.locator(f"[name={selector}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(
                label=value
            ) if value and not value.isdigit() else field.select_option(value)
        else:
            field.fill(value)
    form.get_by_role("button", name="保存").click()


def test_a_problem_goes_its_way_on_phones(demo, live_server, open_page, log_in, phone):
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "firm", then="/casework/")
    page.goto(f"{live_server.url}/enterprises/")
    page.locator("table a, .list-group a").first.click()
    page.get_by_test_id("raise-problem").click()
    page.select_option("#id_category", "export")
    page.fill("#id_title", "出口订单无法交付（测试）")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_have_text("待受理")
    url = page.url
    problem = Problem.objects.get(title="出口订单无法交付（测试）")
    officer_name = problem.enterprise.officer.username

    officer, officer_problems = open_page(viewport=phone)
    log_in(officer, live_server.url, officer_name, then="/casework/")
    officer.get_by_text("出口订单无法交付（测试）").click()
    step(officer, "已受理")  # no department chosen: refused, said beside it
    expect(
        officer.locator("[data-testid=steps] .invalid-feedback, [data-testid=steps] .alert")
    ).not_to_have_count(0)
    step(officer, "已受理", department="经济发展局")  # the demo dept user's
    expect(officer.get_by_test_id("status")).to_have_text("已受理")

    dept, dept_problems = open_page(viewport=phone)
    log_in(dept, live_server.url, "dept", then=url.replace(live_server.url, ""))
    step(dept, "办理中")
    step(dept, "已答复", reason="已联系货代，下周安排舱位")
    step(dept, "已办结", reason="舱位已落实")
    expect(dept.get_by_test_id("status")).to_have_text("已办结")

    page.goto(url)
    step(page, "企业已确认", satisfaction="5", comment="满意")
    expect(page.get_by_test_id("status")).to_have_text("企业已确认")
    problem.refresh_from_db()
    assert (problem.status, problem.satisfaction) == ("confirmed", 5)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for seen in (problems, officer_problems, dept_problems):
        assert [p for p in seen if "HTTP 400" not in p and "status of 400" not in p] == []
