"""The tables officials read on the move, at a phone's width (375 px): each row a card whose
cells are labelled lines, so 同比 and the rates are on the screen and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
NOTHING_SCROLLS = (
    "document.documentElement.scrollWidth <= window.innerWidth + 1 && "
    "[...document.querySelectorAll('.table-responsive, table')]"
    ".every(e => e.scrollWidth <= e.clientWidth + 1)"
)


def _on_screen(page, locator) -> bool:
    """Whether the element is shown and lies wholly inside the viewport's width."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return (
        box is not None
        and box["width"] > 0
        and box["x"] >= 0
        and box["x"] + box["width"] <= PHONE["width"] + 1
    )


def _label(page, cell) -> str:
    """The label a card shows before a cell's value (its ::before content)."""
    return cell.evaluate("e => getComputedStyle(e, '::before').content")


@pytest.mark.parametrize(
    ("user", "url", "table", "cell", "label"),
    [
        ("leader", "/monitoring/month/?zone=demo&period=2020-06", "month-table", "yoy", "同比"),
        ("city", "/policies/coverage/?zone=demo", "coverage-levels", "done-rate", "应享尽享"),
        ("city", "/policies/coverage/?zone=demo", "coverage-zones", "notified-rate", "一条不漏"),
        ("leader", "/policies/open/?zone=demo", "open-table", "estimate", "万元"),
        ("leader", "/casework/overview/?zone=demo", "by-category", "satisfaction", "满意"),
    ],
)
def test_a_phone_shows_every_row_as_a_card_with_its_yoy_and_rates(
    demo, live_server, open_page, log_in, user, url, table, cell, label
):
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, user, then=url)
    rows = page.get_by_test_id(table).locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 1
    assert page.evaluate(NOTHING_SCROLLS)
    value = page.get_by_test_id(table).get_by_test_id(cell).first
    expect(value).to_be_visible()
    assert _on_screen(page, value)
    assert label in _label(page, value)
    # A row is a card: its cells stacked one above the other, not side by side.
    first, second = rows.first.locator("td").nth(0), rows.first.locator("td").nth(1)
    assert second.bounding_box()["y"] > first.bounding_box()["y"]
    assert problems == []


def test_on_a_desktop_the_tables_stay_tables(demo, live_server, open_page, log_in):
    """The cards are for phones: on a desktop the month table keeps its header and columns."""
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/month/?zone=demo&period=2020-06")
    table = page.get_by_test_id("month-table")
    expect(table.locator("thead")).to_be_visible()
    first = table.locator("tbody tr").first.locator("td")
    assert first.nth(1).bounding_box()["y"] == pytest.approx(
        first.nth(0).bounding_box()["y"], abs=2
    )
    assert problems == []
