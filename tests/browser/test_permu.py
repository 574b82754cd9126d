"""The per-mu (亩均效益) evaluation page in a real browser, on the demo zone."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_zone_is_graded_and_the_list_exports(demo, live_server, open_page, log_in):
    """2019: 42 firms graded A 10 / B 19 / C 10 / D 3 (rank shares 25/70/95 %), 2 halted all
    year not evaluated (未参评, counted apart), 7 not graded (no land, no figures in 2019, closed,
    under construction); the list downloads as xlsx. 2020 says it covers January-June only."""
    page, problems = open_page()
    log_in(page, live_server.url, "leader")
    page.get_by_test_id("permu-link").click()
    expect(page.get_by_test_id("permu-months")).to_have_count(0)  # 2019: a whole year
    for grade, n in {"A": 10, "B": 19, "C": 10, "D": 3, "not_producing": 2, "none": 7}.items():
        expect(page.get_by_test_id(f"grade-{grade}")).to_have_text(str(n))
    rows = page.locator("[data-testid=permu-table] tbody tr")
    expect(rows).to_have_count(51)
    expect(rows.first.get_by_test_id("grade")).to_have_text("A")

    with page.expect_download() as download:
        page.get_by_test_id("permu-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    grades = [r[-3] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(g for g in grades if g) == ["A"] * 10 + ["B"] * 19 + ["C"] * 10 + ["D"] * 3

    # 2020 (January to June) against 2019: some firms moved class, each shown with both grades.
    page.get_by_test_id("year").fill("2020")
    page.get_by_role("button", name="显示").click()
    months = re.compile(r"1\D{1,4}6")  # 1—6 月 / months 1 to 6
    expect(page.get_by_test_id("permu-months")).to_contain_text(months)
    expect(page.get_by_test_id("permu-paragraph")).to_contain_text(months)
    moved = page.get_by_test_id("moved").locator("a")
    expect(moved.first).to_be_visible()
    assert moved.count() > 0
    assert problems == []


def _in_view(page, locator) -> bool:
    """Whether the element lies wholly inside the window (nothing of it off to the right)."""
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_firm_grade_and_score_are_in_view_on_a_desktop_and_a_phone(
    demo, live_server, open_page, log_in, viewport
):
    """The firm, its grade and its score are on screen without scrolling sideways; the firm's
    column stays in place when the table is scrolled; on a phone the indicators open under the
    firm's name."""
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/monitoring/permu/?zone=demo&year=2019")
    first = page.locator("[data-testid=permu-table] tbody tr").first
    expect(first.get_by_test_id("grade")).to_have_text("A")
    for cell in ("firm", "grade", "score"):
        assert _in_view(page, first.get_by_test_id(cell)), f"{cell} is off-screen at {viewport}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # Scrolled to its right end, the table still shows which firm each row is.
    scroller = page.locator("[data-testid=permu-table]").locator("xpath=..")
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert _in_view(page, first.get_by_test_id("firm").locator("a"))

    details = first.get_by_test_id("details")
    if viewport["width"] < 576:
        expect(details).to_be_visible()
        details.locator("summary").click()
        expect(details).to_contain_text("亩均税收")
    else:
        expect(details).to_be_hidden()
    assert problems == []
