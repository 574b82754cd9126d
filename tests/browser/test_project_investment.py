"""Key projects' investment in a real browser: an officer uploads a refused sheet, then one of
the month's completed investment, checks the preview, imports it and sees the list's totals for
the year change by what the sheet added, then the month on the project's page and its chart."""

import re
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import expect

from zonedesk.projects.models import MonthlyInvestment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _amount(page, testid) -> Decimal:
    return Decimal(page.get_by_test_id(testid).inner_text().replace(",", "").strip())


def _sheet(path, rows):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for c, h in enumerate(["项目编号", "项目名称", "月份", "计划投资（万元）", "完成投资（万元）"]):
        ws.write_string(0, c, h)
    for r, cells in enumerate(rows, start=1):
        for c, v in enumerate(cells):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    book.close()
    return str(path)


def test_an_officer_imports_the_months_investment_and_sees_the_totals_change(
    demo, live_server, open_page, log_in, tmp_path
):
    month = timezone.localdate().replace(day=1)
    row = (
        # The officer enters the investment of the projects they serve (projwalk).
        MonthlyInvestment.objects.filter(
            month=month, done_wan=0, project__service_officer__username="officer"
        )
        .select_related("project")
        .order_by("project__code")
        .first()
    )
    assert row is not None  # the demo plans this month for the projects under construction
    code, planned = row.project.code, float(row.planned_wan)
    page, problems = open_page()
    log_in(page, live_server.url, "officer", then="/projects/")
    expect(page.get_by_test_id("invest-totals")).to_be_visible()
    done_before = _amount(page, "totals-done")
    planned_before = _amount(page, "totals-planned")

    page.get_by_test_id("invest-import-link").click()
    # A bad file first: the problem named by its cell, nothing imported.
    bad = _sheet(tmp_path / "bad.xlsx", [[code, "", f"{month:%Y-%m}", planned, -5]])
    page.set_input_files("#id_file", bad)
    page.get_by_test_id("upload").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("完成投资（万元）")
    expect(errors).to_contain_text("不能为负数")
    # Then the month's completed investment: previewed, then imported.
    good = _sheet(tmp_path / "good.xlsx", [[code, "", f"{month:%Y-%m}", planned, 1234.5]])
    page.set_input_files("#id_file", good)
    page.get_by_test_id("upload").click()
    preview = page.get_by_test_id("invest-preview")
    expect(preview.get_by_test_id(f"change-{code}-{month:%Y-%m}")).to_contain_text("1,234.50")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("invest-result")).to_be_visible()
    page.get_by_test_id("to-list").click()
    page.wait_for_url(re.compile(r"/projects/$"))
    assert _amount(page, "totals-done") == done_before + Decimal("1234.50")
    assert _amount(page, "totals-planned") == planned_before
    row.refresh_from_db()
    assert row.done_wan == Decimal("1234.50") and row.version == 2
    # The project's page: the month in its table and the year's chart drawn (as SVG).
    page.goto(f"{live_server.url}/projects/{row.project.pk}/")
    expect(page.get_by_test_id(f"invest-{month:%Y-%m}")).to_contain_text("1,234.50")
    expect(page.locator("#invest-chart svg")).to_have_count(1)
    # The refused file was answered 400, on purpose; nothing else went wrong.
    assert [p for p in problems if "HTTP 400" not in p and "status of 400" not in p] == []
