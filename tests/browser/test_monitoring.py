"""Production monitoring in a real browser: the dashboard, drill-down, phone entry, import."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from zonedesk.monitoring.models import MonthlyFigure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unexpected(problems, *refused: str) -> list[str]:
    """The page's problems apart from the 400 answers to the forms a test sends wrong on purpose."""
    answered_400 = [p for p in problems if p.startswith("HTTP 400 ")]
    if not answered_400 or not all(any(r in p for r in refused) for p in answered_400):
        return list(problems)
    return [p for p in problems if p not in answered_400 and "status of 400" not in p]


def test_leader_dashboard_shows_the_computed_status_and_drills_down(
    demo, live_server, open_page, log_in
):
    page, problems = open_page()
    log_in(page, live_server.url, "leader")
    expect(page.get_by_test_id("status-paragraph")).to_contain_text("在产企业 47 家")
    expect(page.get_by_test_id("status-paragraph")).to_contain_text("25.67% 以上")
    expect(page.get_by_test_id("class-level")).to_have_text("20")
    expect(page.get_by_test_id("class-above")).to_have_text("13")
    expect(page.get_by_test_id("class-below")).to_have_text("14")
    expect(page.get_by_test_id("catch-up")).to_have_text("11.65%")
    for measure in ("output_value_wan", "electricity_kwh", "employees"):
        page.locator(f"#trend-{measure} canvas").wait_for(state="attached")  # no eval under CSP
    # Every chart is also a table.
    page.locator("details summary").first.click()
    expect(page.get_by_test_id("trend-table-output_value_wan").locator("tbody tr")).to_have_count(
        13
    )
    # What-if: three days halted a month raises the rate needed.
    page.fill("#halted", "3")
    page.get_by_role("button", name="重新计算").click()
    expect(page.get_by_test_id("what-if-result")).to_be_visible()
    # Drill down: the firms above last year's capacity, new ones marked.
    page.get_by_role("link", name="超过去年同期").click()
    expect(page.locator("[data-testid=month-table] tbody tr")).to_have_count(13)
    expect(page.locator("[data-testid=month-table] .badge", has_text="新开工")).to_have_count(4)
    assert problems == []


def test_city_leader_sees_zones_and_opens_one(demo, live_server, open_page, log_in):
    page, problems = open_page()
    log_in(page, live_server.url, "city")
    expect(page.get_by_test_id("zones")).to_be_visible()
    page.get_by_test_id("zones").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"zone=demo"))
    expect(page.get_by_test_id("producing")).to_have_text("47")
    assert problems == []


def test_firm_reports_on_a_phone_and_the_officer_confirms(
    demo, live_server, open_page, log_in, phone
):
    page, problems = open_page(viewport=phone)
    log_in(page, live_server.url, "firm", then="/")
    page.goto(f"{live_server.url}/enterprises/")
    page.locator("[data-testid=enterprise-table] a").first.click()
    page.get_by_test_id("report-due").click()
    page.fill("#id_output_value_wan", "321.5")
    page.fill("#id_employees", "88")
    page.fill("#id_days_halted", "40")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-days_halted")).to_be_visible()
    assert not MonthlyFigure.objects.filter(output_value_wan="321.5").exists()
    page.fill("#id_days_halted", "2")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("firm-figures")).to_contain_text("321.50")
    figure = MonthlyFigure.objects.get(output_value_wan="321.5")
    assert figure.status == "submitted" and figure.submitted_by.username == "firm"
    problems_phone = unexpected(problems, "/monitoring/enterprises/")

    officer, problems = open_page()
    log_in(officer, live_server.url, "officer", then=figure.enterprise.get_absolute_url())
    card = officer.get_by_test_id("firm-figures")
    card.get_by_role("row", name=re.compile("321.50")).get_by_role("button", name="确认").click()
    expect(officer.locator(".alert-success, .alert")).to_contain_text("已确认")
    figure.refresh_from_db()
    assert figure.status == "confirmed" and figure.confirmed_by.username == "officer"
    assert problems_phone == [] and problems == []


def test_import_page_lists_the_bad_cell_and_stores_nothing(
    demo, live_server, open_page, tmp_path, log_in
):
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/import/")
    page.fill("#id_period", "2020-07")
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "月度数据模板-demo-2020-07.xlsx"
    book = openpyxl.load_workbook(template)
    ws = book.worksheets[0]
    for r in range(2, ws.max_row + 1):
        for c, v in enumerate([500, 480, 100000, 900, 60, 0], start=4):
            ws.cell(row=r, column=c, value=v)
    ws.cell(row=5, column=8, value="六十")
    path = tmp_path / "july.xlsx"
    book.save(path)
    page.fill("#id_period", "2020-07")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("六十")
    expect(errors.locator("tbody tr")).to_have_count(1)
    assert not MonthlyFigure.objects.filter(period="2020-07-01").exists()

    ws.cell(row=5, column=8, value=60)
    book.save(path)
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("month-table")).to_be_visible()
    assert MonthlyFigure.objects.filter(period="2020-07-01").count() == ws.max_row - 1
    assert unexpected(problems, "/monitoring/import/") == []


def test_a_large_upload_shows_its_progress_until_the_worker_is_done(
    demo, live_server, open_page, tmp_path, settings, log_in
):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_INLINE_BYTES": 0}
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/import/")
    page.fill("#id_period", "2020-07")
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    path = tmp_path / "july.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    for r in range(2, ws.max_row + 1):
        for c, v in enumerate([500, 480, 100000, 900, 60, 0], start=4):
            ws.cell(row=r, column=c, value=v)
    book.save(path)
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-state", "queued")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    # The page polls (htmx, every second) and shows the outcome without a reload.
    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=10_000)
    assert MonthlyFigure.objects.filter(period="2020-07-01").count() == ws.max_row - 1
    assert problems == []


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 1920, "height": 1080}, {"width": 390, "height": 844}],
)
def test_dashboard_title_keeps_its_line_beside_or_above_the_toolbar(
    demo, live_server, open_page, log_in, viewport
):
    """On a desktop the page title is one line (the toolbar goes below it when both do not fit);
    on a phone the title and every button of the toolbar are on screen, nothing sideways."""
    page, problems = open_page(viewport=viewport)
    log_in(page, live_server.url, "leader")
    title = page.locator("h2.page-title")
    expect(title).to_contain_text("2020年6月")
    lines = title.evaluate(
        "el => Math.round(el.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(el).lineHeight))"
    )
    if viewport["width"] >= 1366:
        assert lines == 1, f"the title takes {lines} lines at {viewport['width']} px"
    toolbar = page.get_by_test_id("scope-form")
    width = viewport["width"]
    for item in toolbar.locator("a, button, select, input:not([type=hidden])").all():
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, item.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []
