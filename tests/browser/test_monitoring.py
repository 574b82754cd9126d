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
        page.locator(f"#trend-{measure} svg").wait_for(state="attached")  # no eval under CSP
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


def test_confirm_all_asks_first_and_names_the_flagged_reports_it_leaves(
    demo, live_server, open_page, log_in
):
    """The leader's "confirm all" opens a confirmation page: the reports it confirms, and the
    ones flagged 请核对 it leaves for one-by-one review; confirmed, those stay submitted and the
    result says how many were left."""
    june = MonthlyFigure.objects.filter(period="2020-06-01", enterprise__zone__code="demo")
    flagged = june.filter(status="submitted").order_by("pk").first()
    flagged.output_value_wan *= 100  # 万元 typed as 元
    flagged.save()
    confirmed = june.filter(status="confirmed").count()
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/month/?zone=demo&period=2020-06")
    expect(page.get_by_test_id("confirm-all-flagged")).to_be_visible()
    page.get_by_test_id("confirm-all").click()
    expect(page).to_have_url(re.compile(r"/monitoring/month/confirm/ask/"))
    left = page.get_by_test_id("confirm-all-left")
    expect(left).to_contain_text(flagged.enterprise.name)
    assert june.filter(status="confirmed").count() == confirmed  # nothing before the yes
    page.get_by_test_id("confirm-all-yes").click()
    expect(page).to_have_url(re.compile(r"/monitoring/month/\?"))
    expect(page.locator(".alert-warning").first).to_be_visible()
    flagged.refresh_from_db()
    assert flagged.status == "submitted"
    assert june.filter(status="confirmed").count() > confirmed
    assert problems == []


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
    # Checked, then previewed: every firm's July is new, nothing is written before confirming.
    expect(page.get_by_test_id("import-preview")).to_be_visible()
    assert not MonthlyFigure.objects.filter(period="2020-07-01").exists()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("import-done")).to_be_visible()
    expect(page.get_by_test_id("firms-created").locator("[data-testid=firm]")).to_have_count(
        ws.max_row - 1
    )
    page.get_by_test_id("import-done").get_by_role("link").click()
    expect(page.get_by_test_id("month-table")).to_be_visible()
    assert MonthlyFigure.objects.filter(period="2020-07-01").count() == ws.max_row - 1
    assert unexpected(problems, "/monitoring/import/") == []


def test_the_preview_names_the_month_a_sheet_overwrites_before_it_is_written(
    demo, live_server, open_page, tmp_path, log_in
):
    """June 2020's template (the stored figures filled in) with one firm's output changed:
    the preview lists that firm alone, its output stored → in the file and whose figures they
    were; confirmed, the result names it as changed and the others as unchanged."""
    page, problems = open_page()
    log_in(page, live_server.url, "leader", then="/monitoring/import/")
    page.fill("#id_period", "2020-06")
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    path = tmp_path / "june.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    code, name, stored = (ws.cell(row=2, column=c).value for c in (1, 2, 4))
    ws.cell(row=2, column=4, value=float(stored) + 100)
    book.save(path)
    before = MonthlyFigure.objects.get(enterprise__credit_code=code, period="2020-06-01")
    reported = MonthlyFigure.objects.filter(period="2020-06-01").count()

    page.fill("#id_period", "2020-06")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()

    preview = page.get_by_test_id("import-preview")
    expect(preview).to_be_visible()
    rows = page.get_by_test_id("preview-overwrites").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    expect(rows.first).to_contain_text(
        f"{before.output_value_wan} → {before.output_value_wan + 100}"
    )
    expect(rows.first.get_by_test_id("source")).to_have_attribute(
        "data-source", "confirmed" if before.status == "confirmed" else re.compile("own|office")
    )
    assert MonthlyFigure.objects.get(pk=before.pk).output_value_wan == before.output_value_wan

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("import-done")).to_be_visible()
    changed = page.get_by_test_id("firms-updated")
    expect(changed.locator("[data-testid=firm]")).to_have_count(1)
    expect(changed).to_contain_text(name)
    unchanged = page.get_by_test_id("firms-unchanged")
    unchanged.locator("summary").click()
    expect(unchanged.locator("[data-testid=firm]")).to_have_count(reported - 1)
    after = MonthlyFigure.objects.get(pk=before.pk)
    assert after.output_value_wan == before.output_value_wan + 100
    assert problems == []


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

    # The page polls (htmx, every second) and shows the preview without a reload; confirmed,
    # the worker stores it and the page shows the outcome.
    expect(page.get_by_test_id("import-preview")).to_be_visible(timeout=10_000)
    assert not MonthlyFigure.objects.filter(period="2020-07-01").exists()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("import-job")).to_have_attribute("data-state", "queued")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=10_000)
    assert MonthlyFigure.objects.filter(period="2020-07-01").count() == ws.max_row - 1
    assert problems == []


@pytest.mark.parametrize(
    "viewport",
    [
        {"width": 1366, "height": 900},
        {"width": 1920, "height": 1080},
        {"width": 390, "height": 844},
    ],
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


def _class_counts(page) -> dict[str, str]:
    return {k: page.get_by_test_id(f"class-{k}").inner_text() for k in ("level", "above", "below")}


def test_excel_what_if_and_early_warning_keep_the_size_and_basis(
    demo, live_server, open_page, log_in
):
    """Above-size firms on confirmed reports: the Excel file, the what-if and the early warning
    all use that scope, not all firms on every report."""
    page, problems = open_page()
    log_in(page, live_server.url, "leader")
    everyone = _class_counts(page)
    page.goto(f"{live_server.url}/monitoring/alerts/?zone=demo&period=2020-06&who=all")
    all_missing = int(page.get_by_test_id("count-missing").inner_text())

    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_test_id("size-select").select_option("above")
    expect(page).to_have_url(re.compile(r"size=above"))
    page.get_by_test_id("basis-select").select_option("confirmed")
    expect(page).to_have_url(re.compile(r"basis=confirmed"))
    scoped = _class_counts(page)
    assert scoped != everyone  # the demo's below-size firms make a difference

    # The Excel file: the capacity classes of the scope shown.
    with page.expect_download() as download:
        page.get_by_test_id("dashboard-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    classes = [r for r in book["产能分类"].iter_rows(min_row=2, values_only=True)]
    assert [str(n) for _label, n in classes[:3]] == [
        scoped["level"],
        scoped["above"],
        scoped["below"],
    ]

    # The what-if keeps the scope: same counts, the switches unchanged.
    page.fill("#halted", "45")
    page.get_by_test_id("what-if").get_by_role("button").click()
    expect(page.get_by_test_id("what-if-result")).to_be_visible()
    expect(page).to_have_url(re.compile(r"halted=45"))
    assert "size=above" in page.url and "basis=confirmed" in page.url
    expect(page.get_by_test_id("size-select")).to_have_value("above")
    expect(page.get_by_test_id("basis-select")).to_have_value("confirmed")
    assert _class_counts(page) == scoped

    # The early warning of the scope: fewer firms (above-size only), and on confirmed reports
    # the firms whose June report awaits confirmation count as not reported.
    page.get_by_test_id("alerts-link").click()
    expect(page.get_by_test_id("size-select")).to_have_value("above")
    expect(page.get_by_test_id("basis-select")).to_have_value("confirmed")
    page.get_by_test_id("who").select_option("all")
    page.get_by_role("button", name="显示").click()
    expect(page).to_have_url(re.compile(r"size=above"))
    firms = page.get_by_test_id("alert-table").locator("tbody[id^=firm-]")
    above = firms.count()
    page.get_by_test_id("size-select").select_option("all")
    page.get_by_role("button", name="显示").click()
    expect(page).not_to_have_url(re.compile(r"size=above"))
    assert "basis=confirmed" in page.url
    assert 0 < above < firms.count()
    assert int(page.get_by_test_id("count-missing").inner_text()) > all_missing
    page.get_by_test_id("dashboard-link").click()
    expect(page.get_by_test_id("basis-select")).to_have_value("confirmed")
    assert problems == []
