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


# Each visible header of a table as the lines it is drawn on (its characters grouped by the top
# of their boxes), so a header set one character per line, or cut inside 已审批, shows as such.
HEADER_LINES = """t => [...t.querySelectorAll('thead th')].filter(th => th.offsetParent).map(th => {
    const lines = new Map();
    const walk = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (let i = 0; i < n.length; i++) {
        if (!n.data[i].trim()) continue;
        range.setStart(n, i); range.setEnd(n, i + 1);
        const r = range.getBoundingClientRect();
        const top = Math.round(r.top);
        const key = [...lines.keys()].find(k => Math.abs(k - top) < 4);
        lines.set(key ?? top, (lines.get(key ?? top) || '') + n.data[i]);
      }
    }
    return [...lines.values()];
  })"""


def _headers_read_whole(table) -> None:
    """No header is drawn one character per line, split inside a short word (已审\\n批) or inside
    a bracket (（万\\n元）): a header of up to six characters is one line, a longer one at most
    two, each line at least two characters, and a line never ends with an open bracket."""
    for lines in table.evaluate(HEADER_LINES):
        whole = "".join(lines)
        assert len(lines) == 1 or (len(whole) > 6 and len(lines) <= 2), lines
        assert all(len(line) >= 2 for line in lines), lines
        assert not any(line.endswith(("（", "(")) for line in lines[:-1]), lines
        for open_, close in (("（", "）"), ("(", ")")):
            for line in lines:  # a bracket opened on a line closes on it
                assert line.count(open_) == line.count(close), lines


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", None)])
def test_the_finance_overviews_bank_table_scrolls_with_headers_whole(
    demo, live_server, open_page, log_in, size, viewport
):
    """On a phone the per-bank table keeps its columns and scrolls sideways inside its card (the
    page itself does not), its headers never one character per line; on a desktop 已审批 and
    已拒绝 stay on one line."""
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader", then="/finance/overview/?year=2020")
    table = page.get_by_test_id("by-bank")
    expect(table.locator("tbody tr").first).to_be_visible()
    wrapper = table.locator("xpath=..")
    assert "table-responsive" in wrapper.get_attribute("class")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if size == "phone":
        assert table.evaluate("t => t.scrollWidth") > wrapper.evaluate("w => w.clientWidth")
        assert wrapper.evaluate("w => getComputedStyle(w).overflowX") == "auto"
    _headers_read_whole(table)
    headers = table.evaluate(HEADER_LINES)
    for label in ("已审批", "已拒绝"):
        assert [label] in headers, headers
    assert problems == []


@pytest.mark.parametrize(
    ("user", "url", "table"),
    [
        ("bank", "/finance/inbox/", "needs"),
        ("leader", "/finance/overview/?year=2020", "by-month"),
        ("leader", "/finance/overview/?year=2020", "by-purpose"),
        ("leader", "/finance/overview/?year=2020", "by-type"),
        ("leader", "/finance/lending/", "interfirm-loans"),
        ("leader", "/finance/bridge/", "by-firm"),
    ],
)
def test_the_other_finance_tables_fit_a_phone(
    demo, live_server, open_page, log_in, user, url, table
):
    """The bank's inbox and the other financing tables on a phone: the page never scrolls
    sideways, a table either is cards or scrolls inside its .table-responsive, and no header
    it shows is set one character per line."""
    page, problems = open_page(viewport=PHONE)
    log_in(page, live_server.url, user, then=url)
    t = page.get_by_test_id(table).first
    expect(t).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if t.evaluate("t => t.scrollWidth > t.parentElement.clientWidth + 1"):
        assert "table-responsive" in t.locator("xpath=..").get_attribute("class")
    _headers_read_whole(t)
    assert problems == []
