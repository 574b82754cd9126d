"""Key projects on a phone (390x844), as the leader and the service officer walk them on a site
visit: the list, a project, the 调度会 and the dashboard. Found by an outside walk: the list's
department filter cut its own choice short, and the projects' kind was worded 方式 (the form's
类型). Nothing scrolls the whole page sideways (tables scroll inside their wrapper), every
select shows its choice whole, and the export of the 调度会 is worded as the app's other
exports to a spreadsheet."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"

# The selects whose chosen option's text is wider than the room the select gives it.
CUT_SELECTS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('select')].filter(s => s.offsetParent).map(s => {
    const cs = getComputedStyle(s);
    ctx.font = cs.font;
    const text = s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : '';
    const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return {name: s.name, text, width: ctx.measureText(text).width, room};
  }).filter(s => s.width > s.room + 1);
}"""


def _walked(page, problems, where):
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS), where
    assert page.evaluate(CUT_SELECTS) == [], where
    assert problems == [], where


@pytest.mark.parametrize("username", ["leader", "officer"])
def test_the_projects_pages_fit_a_phone(demo, live_server, open_page, log_in, phone, username):
    page, problems = open_page(viewport=phone)
    base = live_server.url
    log_in(page, base, username, then="/projects/")
    _walked(page, problems, "list")
    kinds = page.locator("[data-testid=project-filters] select[name=kind] option").first
    assert kinds.inner_text() == "全部类型"
    first = page.locator("[data-testid=projects] tbody tr").first
    assert first.locator("td[data-label='类型']").count() == 1
    first.locator("a[href^='/projects/']").first.click()
    _walked(page, problems, "project")
    assert page.locator("[data-testid=project-facts] dt", has_text="类型").count() == 1
    page.goto(f"{base}/projects/meeting/")
    _walked(page, problems, "meeting")
    exported = page.get_by_test_id("meeting-export").inner_text().strip()
    page.goto(f"{base}/projects/dashboard/")
    _walked(page, problems, "dashboard")
    assert page.locator("h3", has_text="按类型").count() == 1
    # The 调度会's export says what the firm list's and the monitoring pages' say (导出 Excel:
    # Excel is a product's name, which the Chinese pages keep, tests/browser/test_walkthrough.py).
    page.goto(f"{base}/enterprises/")
    assert page.get_by_test_id("export").inner_text().strip() == exported == "导出 Excel"
