"""Utility data in a real browser: the power company's sheet uploaded (refused, then accepted
with its unmatched accounts listed), the account number recorded on the firm's page, the
index on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from zonedesk.monitoring.models import MonthlyFigure, UtilityReading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-utility-pw"


@pytest.fixture
def people(transactional_db):
    world = factories.world()
    leader = world.users["leader"]
    leader.set_password(PASSWORD)
    leader.save(update_fields=["password"])
    for firm in (world.firm_a, world.firm_a2):
        for day in ("2019-06-01", "2020-06-01"):
            MonthlyFigure.objects.create(
                enterprise=firm, period=day, output_value_wan=100, employees=10
            )
    factories.utility_accounts(world.firm_a2, power=["3100000002"])
    return world


def _log_in(page, base):
    page.goto(f"{base}/monitoring/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/monitoring/"))


def _sheet(rows, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(
        factories.utility_sheet(
            factories.POWER_HEADER, rows, title="国网开江县供电公司 用电量明细", total=True
        )
    )
    return str(path)


def _upload(page, path):
    page.select_option("#id_kind", "power")
    page.set_input_files("#id_file", path)
    page.get_by_test_id("upload").click()


def _upload_and_confirm(page, path):
    _upload(page, path)
    page.get_by_test_id("confirm").click()


def test_leader_uploads_the_power_sheet_records_an_account_and_sees_the_index(
    people, live_server, open_page, tmp_path
):
    page, problems = open_page()
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/monitoring/utility/import/?zone=zone-a")

    # A negative reading: the whole file is refused, the cell named.
    bad = _sheet([[1, "3100000001", "甲一机械", "开江", "2020-06", -3, 0]], tmp_path, "bad.xlsx")
    _upload(page, bad)
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("用电量(千瓦时)")
    expect(errors.locator("tbody tr")).to_have_count(1)
    assert not UtilityReading.objects.exists()

    rows = [
        [1, "3100000001", "甲一机械有限公司", "开江", "2019-06", 1000, 0],
        [2, "3100000002", "甲二食品有限公司", "开江", "2019-06", 1000, 0],
        [3, "3100000001", "甲一机械有限公司", "开江", "2020-06", 1300, 0],
        [4, "3100000002", "甲二食品有限公司", "开江", "2020-06", 900, 0],
    ]
    good = _sheet(rows, tmp_path, "good.xlsx")
    _upload_and_confirm(page, good)
    expect(page.get_by_test_id("utility-result")).to_be_visible()
    unmatched = page.get_by_test_id("utility-unmatched")
    expect(unmatched.locator("tbody tr")).to_have_count(1)
    expect(unmatched).to_contain_text("3100000001")

    # The unmatched number belongs to firm_a: record it on the firm's page.
    page.goto(f"{live_server.url}/enterprises/{people.firm_a.pk}/")
    page.get_by_test_id("edit-utility-accounts").click()
    page.fill("#id_power_accounts", "3100000001")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{people.firm_a.pk}/$"))
    expect(page.get_by_test_id("power-accounts")).to_have_text("3100000001")
    expect(page.get_by_test_id("utility-months").locator("tbody tr")).to_have_count(2)

    # Its readings joined the firm: (1300 + 900) / (1000 + 1000) on the dashboard.
    page.goto(f"{live_server.url}/monitoring/?zone=zone-a&period=2020-06")
    expect(page.get_by_test_id("utility-share-power")).to_have_text("110.00%")
    expect(page.get_by_test_id("status-paragraph")).to_contain_text("110.00%")

    # The same file again: nothing unmatched, nothing changed.
    page.goto(f"{live_server.url}/monitoring/utility/import/?zone=zone-a")
    _upload_and_confirm(page, good)
    expect(page.get_by_test_id("utility-counts")).to_contain_text("4")
    expect(page.get_by_test_id("utility-unmatched")).to_have_count(0)
    assert UtilityReading.objects.filter(enterprise__isnull=True).count() == 0
    assert [p for p in problems if "HTTP 400" not in p and "status of 400" not in p] == []


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_a_partial_upload_is_previewed_and_keeps_the_months_other_accounts(
    people, live_server, open_page, tmp_path, viewport
):
    """June with both accounts stored; a sheet with one of them: the preview shows it updated
    (1000 → 1200) and the other kept; importing keeps it. Ticking "replace the whole month"
    on a second upload removes it."""
    factories.utility_accounts(people.firm_a, power=["3100000001"])
    for number, kwh in (("3100000001", 1000), ("3100000002", 900)):
        UtilityReading.objects.create(
            zone=people.zone_a,
            kind="power",
            period="2020-06-01",
            account_number=number,
            account_name="甲",
            electricity_kwh=kwh,
        )
    page, problems = open_page(viewport=viewport)
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/monitoring/utility/import/?zone=zone-a")
    partial = [[1, "3100000001", "甲一机械有限公司", "开江", "2020-06", 1200, 0]]
    _upload(page, _sheet(partial, tmp_path, "partial.xlsx"))

    preview = page.get_by_test_id("utility-preview")
    changed = preview.get_by_test_id("change-3100000001-2020-06")
    expect(changed).to_contain_text("1,000.00")
    expect(changed).to_contain_text("1,200.00")
    other = preview.get_by_test_id("other-3100000002-2020-06")
    expect(other.locator(".when-kept")).to_be_visible()
    expect(other.locator(".when-removed")).to_be_hidden()
    assert UtilityReading.objects.get(account_number="3100000001").electricity_kwh == 1000
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("utility-kept")).to_be_visible()
    june = dict(UtilityReading.objects.values_list("account_number", "electricity_kwh"))
    assert june == {"3100000001": 1200, "3100000002": 900}

    # The same sheet, the whole month replaced: the other account goes.
    _upload(page, _sheet(partial, tmp_path, "partial.xlsx"))
    page.get_by_test_id("replace-month").check()
    expect(page.get_by_test_id("other-3100000002-2020-06").locator(".when-removed")).to_be_visible()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("utility-counts")).to_be_visible()
    assert list(UtilityReading.objects.values_list("account_number", flat=True)) == ["3100000001"]
    assert problems == []
