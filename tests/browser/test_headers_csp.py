"""The Content-Security-Policy in a real browser: the charts, their tooltips, the scope selector,
htmx's swaps, Swagger UI and the admin run under it (issue 14, docs/security.md).

Every page a signed-in user can reach by its links is rendered under the policy by the
walkthrough (tests/browser/test_walkthrough.py): the administrator's and the firm's desktop
walks open every page their links lead to, each HTML answer must carry the policy, and Chromium
reports what the policy blocks as a console error, a fault of the walk."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, reported to the console where the page's fixture collects it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def csp_page(open_page):
    page, problems = open_page()
    page.add_init_script(REPORT_VIOLATIONS)
    return page, problems


def test_charts_render_and_show_tooltips_under_the_policy(demo, live_server, open_page, log_in):
    page, problems = csp_page(open_page)
    log_in(page, live_server.url, "leader", then="/")
    page.locator("#industry-chart canvas").wait_for(state="attached")
    page.locator("#industry-chart canvas").hover()
    page.goto(f"{live_server.url}/monitoring/")
    for measure in ("output_value_wan", "electricity_kwh", "employees"):
        page.locator(f"#trend-{measure} svg").wait_for(state="attached")
    box = page.locator("#trend-output_value_wan").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)  # the tooltip is drawn in the chart (richText), no style attribute
    # The scope selector submits its form through app.js, not an inline onchange handler.
    assert page.locator("[onchange], [onclick]").count() == 0
    city, city_problems = csp_page(open_page)
    log_in(city, live_server.url, "city", then="/monitoring/?zone=demo")
    scope = city.get_by_test_id("scope-select")
    scope.select_option(index=scope.locator("option").count() - 1)
    expect(city).to_have_url(re.compile(r"scope="))
    assert city_problems == []
    # htmx still swaps the firm table in place (no eval, no injected <style>).
    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#id_q", "开明")
    expect(page).to_have_url(re.compile(r"q=%E5%BC%80%E6%98%8E"))
    assert page.locator("head style").count() == 0
    assert problems == [], problems


def test_policy_on_the_api_docs_and_the_admin(demo, live_server, open_page, log_in):
    """Swagger UI (django-ninja's local copy) and Django's admin run under the same policy."""
    page, problems = csp_page(open_page)
    log_in(page, live_server.url, "admin", then="/")
    # the admin last but one: the system administrator is not staff, so the site admin answers
    # 403 (under the same policy); Swagger UI must render
    for path in ("/admin/", "/api/v1/docs"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    expect(page.locator("#swagger-ui, #content").first).to_be_visible()
    assert [p for p in problems if "CSP" in p or "Content Security Policy" in p] == []
