"""Monthly figures from Excel: the template round trip, every bad cell named, nothing half-stored."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests import factories
from tests.factories import JUNE, saved
from tests.factories import MONTHLY_ROW as GOOD
from tests.factories import filled_template as filled
from tests.factories import monthly_template as template
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.core.xlsx import ImportRejected
from zonedesk.monitoring import imports
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.services import monthly_import

pytestmark = pytest.mark.django_db


def run(world, book, user="leader", period=JUNE):
    return monthly_import(
        actor=world.users[user], zone=world.zone_a, period=period, fileobj=saved(book)
    )


def test_template_lists_the_zones_reporting_firms(world):
    ws = template(world).worksheets[0]
    codes = {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}
    assert codes == {world.firm_a.credit_code, world.firm_a2.credit_code}
    assert ws.cell(row=2, column=3).value == "2020-06"
    assert ws.cell(row=1, column=4).value == "产值（万元）"


def test_filled_template_is_stored_and_audited(world):
    result = run(world, filled(world))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    row = MonthlyFigure.objects.get(enterprise=world.firm_a, period=JUNE.first_day)
    assert row.output_value_wan == Decimal("1234.50") and row.employees == 85
    assert row.electricity_kwh == 250000 and row.capacity_utilisation_pct == Decimal("78.50")
    assert row.status == "submitted" and row.submitted_by == world.users["leader"]
    entries = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure")
    assert entries.count() == 2 and entries.first().zone_id == world.zone_a.pk
    # The same sheet again changes nothing; one changed cell updates one row.
    assert run(world, filled(world)).unchanged == 2
    book = filled(world)
    book.worksheets[0].cell(row=2, column=4, value=2000)
    result = run(world, book)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert entries.count() == 3
    assert entries.order_by("-id").first().changes["output_value_wan"][1] == "2000.00"


def test_import_records_one_submitted_step_per_created_or_changed_row(world):
    """A new row's step starts from no state; a changed confirmed row goes back to submitted
    (its step says from where); an unchanged row takes no step."""
    from zonedesk.monitoring.models import FigureEvent
    from zonedesk.monitoring.services import figure_confirm

    run(world, filled(world))
    steps = FigureEvent.objects.order_by("id")
    assert [(e.move, e.from_state, e.to_state) for e in steps] == [
        ("submitted", "", "submitted")
    ] * 2
    assert {e.actor for e in steps} == {world.users["leader"]}
    figure_a = MonthlyFigure.objects.get(enterprise=world.firm_a)
    figure_confirm(actor=world.users["officer"], figure=figure_a)
    book = filled(world)
    row_a = next(
        r
        for r in range(2, 4)
        if book.worksheets[0].cell(row=r, column=1).value == world.firm_a.credit_code
    )
    book.worksheets[0].cell(row=row_a, column=4, value=2000)

    run(world, book)

    last = FigureEvent.objects.filter(figure=figure_a).last()
    assert (last.move, last.from_state, last.to_state) == ("submitted", "confirmed", "submitted")
    assert FigureEvent.objects.count() == 4  # two reports, one confirmation, one correction
    figure_a.refresh_from_db()
    assert figure_a.status == "submitted" and figure_a.confirmed_by is None


def test_english_headers_and_an_export_round_trip(world):
    run(world, filled(world, lang="en"))
    cols, rows = imports.export_rows(world.users["leader"], world.zone_a, JUNE)
    assert len(rows) == 2 and rows[0][2] == "2020-06"
    from zonedesk.core.xlsx import write_workbook

    exported = io.BytesIO(write_workbook([(imports.sheet_name(), cols, rows)]))
    result = monthly_import(
        actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=exported
    )
    assert result.unchanged == 2


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (4, "一千", "不是数字"),
        (4, -5, "不能为负数"),
        (4, 12.345, "最多 2 位小数"),
        (8, 85.5, "应为整数"),
        (9, 31, "该月只有 30 天"),
        (8, None, "必填"),
        (3, "2020-05", "另一个月份"),
        (3, "2020-13", "不是月份"),
        (3, "1900-06", "不是月份"),
        (4, "123,45", "不是数字"),  # a decimal comma is ambiguous
        (4, "1.234,5", "不是数字"),
        (5, "inf", "不是数字"),
        (5, "1e400", "最大为"),
        (5, "NaN", "不是数字"),
        (5, 1e300, "最大为"),
    ],
)
def test_one_bad_cell_rejects_the_file_and_names_the_cell(world, column, value, reason):
    book = filled(world)
    ws = book.worksheets[0]
    ws.cell(row=3, column=column).value = value  # (cell(value=None) would not clear it)
    header = ws.cell(row=1, column=column).value
    with pytest.raises(ImportRejected) as caught, translation.override("zh-hans"):
        run(world, book)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, header)
    assert reason in error.reason, error.reason
    assert not MonthlyFigure.objects.exists()
    assert not AuditEntry.objects.filter(target_type="monitoring.monthlyfigure").exists()


def test_unknown_duplicate_and_foreign_firms_are_named(world):
    book = filled(world)
    ws = book.worksheets[0]
    ws.append([world.firm_b.credit_code, "", "2020-06", *GOOD])
    ws.append([ws.cell(row=2, column=1).value, "", "2020-06", *GOOD])
    stranger = factories.credit_code("511723", 77777)
    ws.append([stranger, "", "2020-06", *GOOD])
    ws.append(["91510000MA6CXXXXX0", "", "2020-06", *GOOD])
    with pytest.raises(ImportRejected) as caught:
        run(world, book)
    with translation.override("zh-hans"):
        reasons = {e.row: e.reason for e in caught.value.errors}
    assert "zone-a" in reasons[4] and "zone-b" not in reasons[4]  # other zones are not revealed
    assert "第 2 行" in reasons[5] or "2" in reasons[5]
    assert "zone-a" in reasons[6]
    assert 7 in reasons
    assert not MonthlyFigure.objects.exists()


def test_missing_columns_and_empty_sheets_are_refused(world):
    book = filled(world)
    book.worksheets[0].delete_cols(4)
    with pytest.raises(ImportRejected) as caught:
        run(world, book)
    assert caught.value.errors[0].row == 1
    empty = openpyxl.Workbook()
    with pytest.raises(ImportRejected):
        run(world, empty)


def test_only_the_zones_managers_import(world):
    for name in ("officer", "enterprise", "officer_b", "bank", "auditor"):
        with pytest.raises(PermissionDenied):
            run(world, filled(world), user=name)
    assert run(world, filled(world), user="city_leader").created == 2


def test_a_future_month_is_refused(world):
    from zonedesk.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        run(world, filled(world, period=Period(2099, 1)), period=Period(2099, 1))


def test_import_monthly_command(world, tmp_path, capsys):
    """The import-monthly command stores a good file and refuses a bad one, naming the cell."""
    good = tmp_path / "june.xlsx"
    filled(world).save(good)
    call_command("import-monthly", str(good), "--zone", "zone-a", "--period", "2020-06")
    assert "2" in capsys.readouterr().out
    assert MonthlyFigure.objects.count() == 2
    bad_book = filled(world)
    bad_book.worksheets[0].cell(row=2, column=4, value="abc")
    bad = tmp_path / "bad.xlsx"
    bad_book.save(bad)
    with pytest.raises(CommandError, match=r"nothing was imported|未导入"):
        call_command("import-monthly", str(bad), "--zone", "zone-a", "--period", "2020-06")
    err = capsys.readouterr().err
    assert "第 2 行" in err and "abc" in err


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_template_saved_by_libreoffice_calc_imports(world, tmp_path, fmt):
    """The filled template re-saved by LibreOffice Calc (as .xlsx and as .ods) imports as is."""
    source = tmp_path / "filled.xlsx"
    filled(world).save(source)
    with factories.resaved_by_calc(source, fmt, tmp_path).open("rb") as fh:
        result = monthly_import(
            actor=world.users["leader"], zone=world.zone_a, period=JUNE, fileobj=fh
        )
    assert result.created == 2
    row = MonthlyFigure.objects.get(enterprise=world.firm_a2, period=JUNE.first_day)
    assert row.output_value_wan == Decimal("1234.50") and row.orders_wan == Decimal("3000.00")


def test_created_rows_are_audited_with_their_ids(world):
    run(world, filled(world))
    ids = set(MonthlyFigure.objects.values_list("id", flat=True))
    entries = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure")
    assert {int(e.target_id) for e in entries} == ids


def test_an_empty_days_halted_cell_means_none(world):
    book = filled(world)
    book.worksheets[0].cell(row=2, column=9).value = None
    run(world, book)
    assert MonthlyFigure.objects.filter(days_halted=0).count() == 2


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１２３．４５", "123.45"),
        ("1,234.5", "1234.50"),
        (" 88 ", "88.00"),
        ("１，２３４", "1234.00"),
    ],
)
def test_numbers_as_officials_type_them(world, typed, stored):
    book = filled(world)
    book.worksheets[0].cell(row=2, column=4).value = typed
    run(world, book)
    code = book.worksheets[0].cell(row=2, column=1).value
    assert str(MonthlyFigure.objects.get(enterprise__credit_code=code).output_value_wan) == stored


def test_rows_left_empty_are_firms_not_reported_yet(world):
    book = filled(world)
    for c in range(4, 13):
        book.worksheets[0].cell(row=3, column=c).value = None
    assert run(world, book).created == 1


def test_a_sheet_without_an_optional_column_keeps_its_stored_values(world):
    """A re-import lacking a column leaves that figure as stored; the audit entry names only
    what changed, old and new as stored."""
    run(world, filled(world))
    book = filled(world)
    ws = book.worksheets[0]
    ws.cell(row=2, column=4, value=2000)
    ws.delete_cols(11)  # orders on hand
    result = run(world, book)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert set(MonthlyFigure.objects.values_list("orders_wan", flat=True)) == {Decimal("3000.00")}
    entry = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure").order_by("-id")[0]
    assert entry.action == "update"
    assert entry.changes == {"output_value_wan": ["1234.50", "2000.00"]}


def test_tax_and_energy_columns_are_optional_and_imported(world):
    """税收 and 综合能耗: columns of the template, read when filled in, empty when not."""
    book = filled(world)
    ws = book.worksheets[0]
    with translation.override("en"):
        headers = [h.lower() for h in (c.header for c in imports.columns().values())]
    keys = list(imports.columns())
    tax, energy = keys.index("tax_wan") + 1, keys.index("energy_tce") + 1
    assert "tax paid (10k yuan)" in headers and "energy use (tce)" in headers
    ws.cell(row=2, column=tax, value=12.5)
    ws.cell(row=2, column=energy, value="30.25")

    run(world, book)

    rows = {
        f.enterprise_id: (f.tax_wan, f.energy_tce)
        for f in MonthlyFigure.objects.filter(period=JUNE.first_day)
    }
    firm_at_row_2 = ws.cell(row=2, column=1).value
    mine = world.firm_a if world.firm_a.credit_code == firm_at_row_2 else world.firm_a2
    other = world.firm_a2 if mine == world.firm_a else world.firm_a
    assert rows[mine.pk] == (Decimal("12.50"), Decimal("30.25"))
    assert rows[other.pk] == (None, None)
    book.worksheets[0].cell(row=2, column=energy, value=-1)
    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        run(world, book)
    assert [e.reason for e in exc.value.errors] == ["Cannot be negative."]
