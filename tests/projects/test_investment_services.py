"""Key projects' monthly investment: entered month by month on the version read, and imported
from a sheet (every row or none; each refusal names its sheet, row, column, value and reason)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.xlsx import ImportRejected
from zonedesk.projects import services
from zonedesk.projects.models import MonthlyInvestment

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2020, 7, 15)
HEADER = [
    "Project code",
    "Project name",
    "Month",
    "Planned investment (10k yuan)",
    "Completed investment (10k yuan)",
]


@pytest.fixture
def project(world):
    return factories.project(
        world.zone_a, code="XM-A", signed_on=D(2020, 3, 10), service_officer=world.users["officer"]
    )


def _set(project, month, planned, done, *, actor=SYSTEM, version=None):
    return services.investment_set(
        actor=actor,
        project=project,
        month=month,
        planned_wan=Decimal(planned),
        done_wan=Decimal(done),
        expected_version=version,
        today=TODAY,
    )


def _stored(project) -> list[tuple]:
    return list(
        MonthlyInvestment.objects.filter(project=project)
        .order_by("month")
        .values_list("month", "planned_wan", "done_wan", "version")
    )


def test_a_month_is_entered_then_changed_on_the_version_read(world, project):
    row = _set(project, D(2020, 4, 20), "100.5", "80", actor=world.users["officer"])
    assert _stored(project) == [(D(2020, 4, 1), Decimal("100.5"), Decimal("80"), 1)]
    created = AuditEntry.objects.get(target_type="projects.monthlyinvestment", action="create")
    assert created.zone_id == world.zone_a.pk and created.changes["done_wan"] == [None, "80.00"]

    _set(project, D(2020, 4, 1), "100.5", "95", version=1)
    assert _stored(project) == [(D(2020, 4, 1), Decimal("100.5"), Decimal("95"), 2)]
    update = AuditEntry.objects.get(target_id=str(row.pk), action="update")
    assert update.changes == {"done_wan": ["80.00", "95.00"]}
    _set(project, D(2020, 4, 1), "100.5", "95", version=2)  # the same figures: nothing saved
    assert _stored(project)[0][3] == 2


def test_a_save_on_an_older_version_is_refused_naming_who_changed_it(world, project):
    _set(project, D(2020, 4, 1), "100", "80", actor=world.users["officer"])
    _set(project, D(2020, 4, 1), "100", "90", version=1, actor=world.users["leader"])
    with pytest.raises(StaleVersion) as stale:
        _set(project, D(2020, 4, 1), "100", "70", version=1)
    assert world.users["leader"].full_name in stale.value.message
    # A month the page showed empty, entered by someone since: refused too.
    with pytest.raises(StaleVersion) as entered:
        _set(project, D(2020, 4, 1), "100", "70")
    assert "entered by" in entered.value.message
    assert _stored(project) == [(D(2020, 4, 1), Decimal("100"), Decimal("90"), 2)]


@pytest.mark.parametrize(
    ("month", "planned", "done", "field", "words"),
    [
        (D(2020, 2, 1), "10", "0", "month", "before the project was signed (2020-03)"),
        (D(2020, 8, 1), "10", "1", "done_wan", "The month has not begun"),
        (D(2020, 5, 1), "-1", "0", "planned_wan", "greater than or equal to 0"),
        (D(2020, 5, 1), "1.234", "0", "planned_wan", "2 decimal places"),
    ],
)
def test_a_month_refused_changes_nothing(project, month, planned, done, field, words):
    with pytest.raises(ValidationFailed) as refused:
        _set(project, month, planned, done)
    assert words in " ".join(refused.value.errors[field])
    assert _stored(project) == []


def test_a_coming_months_plan_is_entered_with_nothing_completed(project):
    _set(project, D(2020, 12, 1), "500", "0")
    assert _stored(project)[0][:3] == (D(2020, 12, 1), Decimal(500), Decimal(0))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("leader", True),
        ("officer", True),
        ("officer2", False),  # an officer of the zone who does not serve the project
        ("department", False),
        ("auditor", False),
        ("bank", False),
        ("enterprise", False),
        ("officer_b", False),  # another zone's
    ],
)
def test_who_enters_the_investment(world, project, role, allowed):
    if allowed:
        _set(project, D(2020, 5, 1), "1", "1", actor=world.users[role])
        assert len(_stored(project)) == 1
    else:
        with pytest.raises(PermissionDenied):
            _set(project, D(2020, 5, 1), "1", "1", actor=world.users[role])
        assert _stored(project) == []


# --- the import ----------------------------------------------------------------------------------


def sheet(rows, header=HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("investment")
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    book.close()
    return out.getvalue()


def _import(zone, content, **kw):
    return services.investment_import(actor=SYSTEM, zone=zone, fileobj=content, today=TODAY, **kw)


def test_a_good_file_is_previewed_then_imported_and_again_changes_nothing(world, project):
    other = factories.project(world.zone_a, code="XM-B", signed_on=D(2019, 11, 1))
    _set(other, D(2020, 6, 1), "50", "40")
    content = sheet(
        [
            ["XM-A", "甲", "2020-04", 100, 80.5],
            ["XM-A", "", "2020/5", "120", "1,000.25"],
            ["XM-B", None, "2020年6月", 50, 45],  # updated
            ["XM-B", None, "2020-12", 300, 0],  # a coming month's plan
        ]
    )
    preview = services.investment_import_preview(
        actor=SYSTEM, zone=world.zone_a, fileobj=content, today=TODAY
    )
    assert [preview.count(c) for c in ("new", "updated", "unchanged")] == [3, 1, 0]
    assert len(_stored(project)) == 0  # a preview writes nothing
    result = _import(world.zone_a, content, expected_stored=preview.stored)
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    assert _stored(project) == [
        (D(2020, 4, 1), Decimal(100), Decimal("80.5"), 1),
        (D(2020, 5, 1), Decimal(120), Decimal("1000.25"), 1),
    ]
    assert [r[:3] for r in _stored(other)] == [
        (D(2020, 6, 1), Decimal(50), Decimal(45)),
        (D(2020, 12, 1), Decimal(300), Decimal(0)),
    ]
    # One entry for the month set by hand, then one per month added or changed.
    assert AuditEntry.objects.filter(target_type="projects.monthlyinvestment").count() == 5
    again = _import(world.zone_a, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_chinese_headers_are_read(world, project):
    header = ["项目编号", "项目名称", "月份", "计划投资（万元）", "完成投资（万元）"]
    _import(world.zone_a, sheet([["XM-A", "", "2020-04", 1, 1]], header=header))
    assert len(_stored(project)) == 1


def test_a_preview_whose_stored_months_changed_since_imports_nothing(world, project):
    content = sheet([["XM-A", "", "2020-04", 100, 80]])
    preview = services.investment_import_preview(
        actor=SYSTEM, zone=world.zone_a, fileobj=content, today=TODAY
    )
    _set(project, D(2020, 4, 1), "1", "1")
    with pytest.raises(ValidationFailed):
        _import(world.zone_a, content, expected_stored=preview.stored)
    assert _stored(project) == [(D(2020, 4, 1), Decimal(1), Decimal(1), 1)]


def test_rows_whose_figures_are_blank_are_skipped(world, project):
    """The template lists every project of the zone: the rows left without figures are skipped,
    not refused, even a code that is no longer the zone's; the filled row is imported."""
    for n in range(2, 40):
        factories.project(world.zone_a, code=f"XM-{n:02d}", signed_on=D(2020, 1, 6))
    rows = [["XM-A", "甲", "2020-06", 100, 80]]
    rows += [[f"XM-{n:02d}", f"项目{n}", "2020-06", None, ""] for n in range(2, 40)]
    rows.append(["XM-GONE", "已撤项目", "2020-06", None, None])
    result = _import(world.zone_a, sheet(rows))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert _stored(project) == [(D(2020, 6, 1), Decimal(100), Decimal(80), 1)]
    assert MonthlyInvestment.objects.count() == 1


def test_an_officer_imports_only_the_projects_they_serve(world, project):
    """An officer's sheet with a row of a project served by someone else is refused at that row,
    naming who enters its investment; nothing is stored."""
    factories.project(world.zone_a, code="XM-B", signed_on=D(2020, 1, 6))
    content = sheet([["XM-A", "", "2020-06", 1, 1], ["XM-B", "", "2020-06", 2, 2]])
    with pytest.raises(ImportRejected) as refused:
        services.investment_import(
            actor=world.users["officer"], zone=world.zone_a, fileobj=content, today=TODAY
        )
    [error] = refused.value.errors
    assert (error.row, error.value) == (3, "XM-B")
    assert "the project's service officer" in error.reason
    assert MonthlyInvestment.objects.count() == 0


def test_a_sheet_without_any_figure_is_refused(world, project):
    """A template returned as downloaded has no data row: refused, nothing stored."""
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, sheet([["XM-A", "甲", "2020-06", None, None]]))
    assert "no data rows" in refused.value.errors[0].reason
    assert _stored(project) == []


def test_a_blank_figure_keeps_the_stored_one(world, project):
    """One figure blank: the stored one stays (0 for a month not stored yet)."""
    _set(project, D(2020, 4, 1), "100", "80")
    result = _import(
        world.zone_a,
        sheet([["XM-A", "", "2020-04", None, 90], ["XM-A", "", "2020-05", 50, None]]),
    )
    assert (result.created, result.updated) == (1, 1)
    assert _stored(project) == [
        (D(2020, 4, 1), Decimal(100), Decimal(90), 2),
        (D(2020, 5, 1), Decimal(50), Decimal(0), 1),
    ]


GOOD = ["XM-A", "", "2020-04", 100, 80]


@pytest.mark.parametrize(
    ("cells", "column", "value", "reason"),
    [
        (["XM-Z", "", "2020-05", 1, 1], "Project code", "XM-Z", "No key project of the zone"),
        ([None, "", "2020-05", 1, 1], "Project code", "", "Required."),
        (["XM-A", "", None, 1, 1], "Month", "", "Required."),
        (["XM-A", "", "April", 1, 1], "Month", "April", "Not a month: write YYYY-MM"),
        (["XM-A", "", "2020-02", 1, 1], "Month", "2020-02", "before the project was signed"),
        (
            ["XM-A", "", "2020-08", 1, 1],
            "Completed investment (10k yuan)",
            "1.00",
            "The month has not begun",
        ),
        (
            ["XM-A", "", "2020-05", "abc", 1],
            "Planned investment (10k yuan)",
            "abc",
            "Not a number.",
        ),
        (
            ["XM-A", "", "2020-05", -5, 1],
            "Planned investment (10k yuan)",
            "-5",
            "Cannot be negative.",
        ),
        (
            ["XM-A", "", "2020-05", 1, 1.234],
            "Completed investment (10k yuan)",
            "1.234",
            "At most 2 decimal places.",
        ),
        (
            ["XM-A", "", "2020-05", 1e13, 1],
            "Planned investment (10k yuan)",
            "10000000000000",
            "Too large",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_the_cell(
    world, project, cells, column, value, reason
):
    content = sheet([GOOD, cells])
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, content)
    errors = refused.value.errors
    assert len(errors) == 1, [str(e) for e in errors]
    e = errors[0]
    assert (e.sheet, e.row, e.column, e.value) == ("investment", 3, column, value)
    assert reason in e.reason
    assert _stored(project) == []


def test_the_same_project_and_month_twice_is_refused(world, project):
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, sheet([GOOD, ["XM-A", "", "2020/4", 5, 5]]))
    (e,) = refused.value.errors
    assert (e.row, e.column) == (3, "Project code")
    assert e.reason == "The same project is on row 2 for 2020-04."
    assert _stored(project) == []


def test_a_project_of_another_zone_is_not_found(world, project):
    factories.project(world.zone_b, code="XM-OUT", signed_on=D(2019, 1, 1))
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, sheet([["XM-OUT", "", "2020-04", 1, 1]]))
    assert "No key project of the zone has this code." in refused.value.errors[0].reason


@pytest.mark.parametrize(
    ("header", "rows", "reason"),
    [
        (HEADER[:3] + HEADER[4:], [GOOD[:3] + GOOD[4:]], "A required column is missing."),
        ([*HEADER, "Remarks"], [[*GOOD, "x"]], "Unknown column."),
        ([*HEADER, "Month"], [[*GOOD, "2020-04"]], "The column appears twice."),
        (HEADER, [], "The sheet has no data rows."),
        ([], [], "The sheet is empty."),
    ],
)
def test_a_bad_layout_refuses_the_file(world, project, header, rows, reason):
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, sheet(rows, header=header))
    assert reason in [e.reason for e in refused.value.errors]
    assert _stored(project) == []


def test_a_file_that_is_no_spreadsheet_is_refused(world, project):
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, b"project,month\nXM-A,2020-04\n")
    assert "not a readable spreadsheet" in refused.value.errors[0].reason
    assert _stored(project) == []


def test_every_refusal_is_said_in_chinese(world, project):
    content = sheet([["XM-Z", "", "April", "abc", -1]])
    with translation.override("zh-hans"), pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, content)
    reasons = [e.reason for e in refused.value.errors]
    assert len(reasons) == 4  # the cells' problems and the unknown code, at once
    assert all(not any("a" <= ch <= "z" for ch in r.replace("YYYY-MM", "")) for r in reasons), (
        reasons
    )


def test_only_the_zones_staff_import(world, project):
    with pytest.raises(PermissionDenied):
        services.investment_import(
            actor=world.users["department"], zone=world.zone_a, fileobj=sheet([GOOD])
        )
    assert _stored(project) == []
