"""Every year's public holidays: the State Council's notices as the chinese-calendar package
carries them are the base of every deadline, the administrators' days override them and cover
the years the package lacks, and a deadline in a year covered by neither is counted on ordinary
weeks and flagged on the pages and in the API.

The expected due dates below are worked out by hand from the notices themselves (quoted beside
each case), not from the package, so a wrong or missing year in the package fails here.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from zonedesk.casework import holidays
from zonedesk.casework.calendar import WorkCalendar
from zonedesk.casework.models import CalendarDay, Problem, ProblemEvent
from zonedesk.casework.services import problem_transition
from zonedesk.casework.services.problems import deadline
from zonedesk.core.actors import SYSTEM
from zonedesk.org.models import Department

pytestmark = pytest.mark.django_db
D = dt.date
S = Problem.Status

# 国务院办公厅关于XXXX年部分节假日安排的通知, the notices the cases below are read from.
NOTICE_2019 = "国务院办公厅关于2019年部分节假日安排的通知（国办发明电〔2018〕15号，2018年12月4日）"
NOTICE_2021 = "国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号，2020年11月25日）"
NOTICE_2023 = "国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号，2022年12月8日）"
NOTICE_2025 = "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）"

# n is a casework limit: 1 (accept), 3 (reply) or 15 (resolve) working days.
NOTICE_CASES = [
    # 2019 春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
    ("2019 Spring Festival: Saturday 2 Feb is worked", NOTICE_2019, D(2019, 2, 1), 1, D(2019, 2, 2)),
    ("2019 Spring Festival: both weekend days, then the week off", NOTICE_2019, D(2019, 2, 1), 3, D(2019, 2, 11)),
    ("2019 Spring Festival: raised inside the week", NOTICE_2019, D(2019, 2, 5), 1, D(2019, 2, 11)),
    # 2019 国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
    ("2019 National Day: Sunday 29 Sep is worked", NOTICE_2019, D(2019, 9, 27), 1, D(2019, 9, 29)),
    ("2019 National Day: accepted on Thursday 26 Sep", NOTICE_2019, D(2019, 9, 26), 3, D(2019, 9, 30)),
    ("2019 National Day: raised on 30 Sep", NOTICE_2019, D(2019, 9, 30), 1, D(2019, 10, 8)),
    ("2019 National Day: Saturday 12 Oct counts", NOTICE_2019, D(2019, 9, 30), 15, D(2019, 10, 25)),
    # 2021 春节：2月11日至17日放假调休，共7天。2月7日（星期日）、2月20日（星期六）上班。
    ("2021 Spring Festival: Sunday 7 Feb is worked", NOTICE_2021, D(2021, 2, 5), 1, D(2021, 2, 7)),
    ("2021 Spring Festival: raised on the eve", NOTICE_2021, D(2021, 2, 10), 1, D(2021, 2, 18)),
    ("2021 Spring Festival: Saturday 20 Feb is the third", NOTICE_2021, D(2021, 2, 10), 3, D(2021, 2, 20)),
    # 2021 国庆节：10月1日至7日放假调休，共7天。9月26日（星期日）、10月9日（星期六）上班。
    ("2021 National Day: Sunday 26 Sep is worked", NOTICE_2021, D(2021, 9, 24), 1, D(2021, 9, 26)),
    ("2021 National Day: raised on 30 Sep", NOTICE_2021, D(2021, 9, 30), 1, D(2021, 10, 8)),
    ("2021 National Day: Saturday 9 Oct is the third", NOTICE_2021, D(2021, 9, 29), 3, D(2021, 10, 9)),
    # 2023 春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
    ("2023 Spring Festival: Saturday 28 Jan is worked", NOTICE_2023, D(2023, 1, 20), 1, D(2023, 1, 28)),
    ("2023 Spring Festival: Sunday 29 Jan is the third", NOTICE_2023, D(2023, 1, 19), 3, D(2023, 1, 29)),
    # 2023 中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
    ("2023 National Day: Saturday 7 Oct is worked", NOTICE_2023, D(2023, 9, 28), 1, D(2023, 10, 7)),
    ("2023 National Day: Sunday 8 Oct is the third", NOTICE_2023, D(2023, 9, 27), 3, D(2023, 10, 8)),
    # 2025 春节：1月28日至2月4日放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
    ("2025 Spring Festival: Sunday 26 Jan is worked", NOTICE_2025, D(2025, 1, 24), 1, D(2025, 1, 26)),
    ("2025 Spring Festival: raised on 27 Jan", NOTICE_2025, D(2025, 1, 27), 1, D(2025, 2, 5)),
    ("2025 Spring Festival: Saturday 8 Feb counts", NOTICE_2025, D(2025, 1, 27), 15, D(2025, 2, 24)),
    # 2025 国庆节、中秋节：10月1日至8日放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
    ("2025 National Day: Sunday 28 Sep is worked", NOTICE_2025, D(2025, 9, 26), 1, D(2025, 9, 28)),
    ("2025 National Day: raised on 30 Sep", NOTICE_2025, D(2025, 9, 30), 1, D(2025, 10, 9)),
    ("2025 National Day: Saturday 11 Oct is the third", NOTICE_2025, D(2025, 9, 30), 3, D(2025, 10, 11)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "notice", "start", "n", "expected"), NOTICE_CASES)
def test_due_dates_across_the_holiday_weeks_follow_the_notices(name, notice, start, n, expected):
    """The n-th working day after a date in the National Day and Spring Festival weeks of
    2019, 2021, 2023 and 2025 is the one the notice gives, with no calendar row in the
    database (as after a transactional test's flush)."""
    CalendarDay.objects.all().delete()
    assert deadline(start, n) == (expected, False), f"{name} ({notice})"
    # the case does test the notice: on ordinary weeks the answer would differ
    assert WorkCalendar().add_working_days(start, n) != expected, name


@pytest.fixture
def dept(world):
    return Department.objects.get(zone=world.zone_a, name="经济发展局")


def test_a_case_raised_on_30_september_2019_is_due_on_8_october(world, dept):
    """The issue's example: raised on Monday 30 Sep 2019, to be accepted within one working
    day; 1-7 Oct were off (国办发明电〔2018〕15号), so it is due on Tuesday 8 Oct, not 1 Oct.
    Accepted that day, the reply is due three working days later, on 10 Oct."""
    problem = factories.problem(world.firm_a, on=D(2019, 9, 30))
    assert (problem.due_at, problem.due_uncertain) == (D(2019, 10, 8), False)
    problem = problem_transition(
        actor=SYSTEM, problem=problem, to=S.ACCEPTED, department=dept, on=D(2019, 9, 30)
    )
    assert (problem.due_at, problem.due_uncertain) == (D(2019, 10, 10), False)


def test_deadlines_of_2020_do_not_depend_on_the_calendar_table(world, dept):
    """2020's days were rows loaded by a migration; with the package as the base, emptying the
    table (a transactional test's flush) leaves the National Day week and the make-up Saturday
    10 Oct in place (国办发明电〔2019〕16号)."""
    CalendarDay.objects.all().delete()
    problem = problem_transition(
        actor=SYSTEM,
        problem=factories.problem(world.firm_a, on=D(2020, 9, 29)),
        to=S.ACCEPTED,
        department=dept,
        on=D(2020, 9, 29),
    )
    assert (problem.due_at, problem.due_uncertain) == (D(2020, 10, 10), False)


def test_the_package_carries_every_year_since_2004_with_its_make_up_days():
    """The installed chinese-calendar covers 2004 to 2026 without a gap; every year has make-up
    working days (调休), all on weekends, and no day is both off and worked."""
    assert set(range(2004, 2027)) <= holidays.OFFICIAL_YEARS
    assert max(holidays.OFFICIAL_YEARS) - min(holidays.OFFICIAL_YEARS) + 1 == len(
        holidays.OFFICIAL_YEARS
    )
    for year in sorted(holidays.OFFICIAL_YEARS):
        days = holidays.official(year)
        worked = [d for d, kind in days.items() if kind == holidays.WORKDAY]
        assert worked and all(d.weekday() >= 5 for d in worked), year
        assert any(kind == holidays.HOLIDAY for kind in days.values()), year
    assert holidays.SOURCE.startswith("chinese-calendar ")


def test_the_file_migration_0002_loaded_agrees_with_the_package():
    """2020 and 2026 as checked by hand against their notices (data/holidays_cn.csv) are
    exactly the package's days of those years."""
    shipped = {(day, kind) for day, kind, _ in holidays.read()}
    package = {
        (day, kind) for year in (2020, 2026) for day, kind in holidays.official(year).items()
    }
    assert shipped == package


def test_an_administrators_day_overrides_the_package(world):
    """A day the administrator sets wins over the package's: 7 Oct 2019 made a working day
    brings the due date forward, 12 Oct 2019 made a day off pushes it back."""
    admin = world.users["admin"]
    from zonedesk.casework import services

    services.calendar_day_set(actor=admin, date=D(2019, 10, 7), kind="workday", name="本地调整")
    assert deadline(D(2019, 9, 30), 1) == (D(2019, 10, 7), False)
    services.calendar_day_set(actor=admin, date=D(2019, 10, 12), kind="holiday", name="本地调整")
    # 9 Oct (Wed) + 3: 10, 11, (12 now off, 13 Sunday), 14 Oct
    assert deadline(D(2019, 10, 9), 3) == (D(2019, 10, 14), False)


UNCOVERED = 2040


FLAG = 'data-testid="due-uncertain"'  # the ordinary-weeks badge (casework/partials)


def test_a_year_covered_by_neither_is_counted_on_ordinary_weeks_and_flagged(world, client_for):
    """Raised on Friday 28 Sep 2040 (no notice yet, no administrator's day): due on Monday
    1 Oct as on ordinary weeks, and flagged on the problem page, the list, the API, the event
    and the Excel list."""
    assert UNCOVERED not in holidays.OFFICIAL_YEARS
    assert not CalendarDay.objects.filter(date__year=UNCOVERED).exists()
    problem = factories.problem(world.firm_a, on=D(UNCOVERED, 9, 28), title="年份未录入")
    assert (problem.due_at, problem.due_uncertain) == (D(UNCOVERED, 10, 1), True)
    event = ProblemEvent.objects.get(problem=problem)
    assert event.payload["due_uncertain"] is True

    officer = client_for(world.users["officer"])
    page = officer.get(f"/casework/problems/{problem.pk}/").content.decode()
    assert 'data-testid="due-uncertain"' in page and 'data-testid="due-uncertain-text"' in page
    listed = officer.get("/casework/").content.decode()
    assert "年份未录入" in listed and 'data-testid="due-uncertain"' in listed

    detail = officer.get(f"/api/v1/problems/{problem.pk}").json()
    assert (detail["due_at"], detail["due_uncertain"]) == (f"{UNCOVERED}-10-01", True)
    items = officer.get("/api/v1/problems").json()["items"]
    assert [(i["id"], i["due_uncertain"]) for i in items] == [(problem.pk, True)]

    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(
        io.BytesIO(officer.get("/casework/problems.xlsx").content)
    )
    row = book.get_sheet_by_index(0).to_python()[1]
    # beside the due date, as the sheet writes booleans (是/否); the overdue column says 否
    assert str(row[7]).startswith(f"{UNCOVERED}-10-01") and (row[8], row[9]) == ("是", "否")


def test_a_covered_year_is_not_flagged_anywhere(world, client_for):
    problem = factories.problem(world.firm_a, on=D(2025, 9, 30), title="已录入年份")
    officer = client_for(world.users["officer"])
    assert FLAG not in officer.get(f"/casework/problems/{problem.pk}/").content.decode()
    assert FLAG not in officer.get("/casework/").content.decode()
    assert officer.get(f"/api/v1/problems/{problem.pk}").json()["due_uncertain"] is False


def test_an_administrators_entry_for_an_uncovered_year_is_used_and_clears_the_flag(
    world, client_for, dept
):
    """The administrator enters 2040's days in the site admin (a made-up arrangement: the real
    notice does not exist yet). A deadline computed afterwards skips them and is not flagged;
    one computed before keeps its date and flag (a calendar edit moves no deadline already set)
    until its next step computes the next deadline on the entered days."""
    before = factories.problem(world.firm_a, on=D(UNCOVERED, 9, 28), title="录入前")
    assert before.due_uncertain

    root = factories.User.objects.create_superuser("root", password="x")
    site_admin = client_for(root)
    entered = [(D(UNCOVERED, 9, 29), "workday")] + [
        (D(UNCOVERED, 10, d), "holiday") for d in range(1, 6)
    ]
    for day, kind in entered:
        response = site_admin.post(
            "/admin/casework/calendarday/add/",
            {"date": day.isoformat(), "kind": kind, "name": "国庆节"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert CalendarDay.objects.filter(date__year=UNCOVERED).count() == 6

    after = factories.problem(world.firm_a, on=D(UNCOVERED, 9, 28), title="录入后")
    assert (after.due_at, after.due_uncertain) == (D(UNCOVERED, 9, 29), False)  # Saturday worked
    officer = client_for(world.users["officer"])
    assert FLAG not in officer.get(f"/casework/problems/{after.pk}/").content.decode()
    assert officer.get(f"/api/v1/problems/{after.pk}").json()["due_uncertain"] is False

    before.refresh_from_db()
    assert (before.due_at, before.due_uncertain) == (D(UNCOVERED, 10, 1), True)
    accepted = problem_transition(
        actor=SYSTEM, problem=before, to=S.ACCEPTED, department=dept, on=D(UNCOVERED, 9, 28)
    )
    # 29 Sep (Saturday, worked), 1-5 Oct off, then Monday 8 and Tuesday 9 Oct
    assert (accepted.due_at, accepted.due_uncertain) == (D(UNCOVERED, 10, 9), False)
    page = officer.get(f"/casework/problems/{before.pk}/").content.decode()
    assert FLAG not in page


def test_the_flag_costs_no_query_per_row(world, client_for):
    """The list page and the API list run as many queries for six flagged problems as for
    one: the flag is stored with the due date, not looked up per row."""
    officer = client_for(world.users["officer"])
    factories.problem(world.firm_a, on=D(UNCOVERED, 3, 1))

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert officer.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = (queries("/casework/"), queries("/api/v1/problems"))
    for day in range(2, 7):
        factories.problem(world.firm_a, on=D(UNCOVERED, 3, day))
    assert Problem.objects.filter(due_uncertain=True).count() == 6
    assert (queries("/casework/"), queries("/api/v1/problems")) == one


def test_the_schema_documents_the_flag(client):
    schema = client.get("/api/v1/openapi.json").json()
    prop = schema["components"]["schemas"]["ProblemOut"]["properties"]["due_uncertain"]
    assert prop["type"] == "boolean" and "ordinary weeks" in prop["description"]
    assert "due_uncertain" in schema["components"]["schemas"]["ProblemOut"]["required"]


def test_every_deadline_of_an_uncovered_year_carries_the_flag(world, dept):
    """Accepted, replied and extended in 2040: each deadline is flagged (the extension's
    because the limit it was checked against was counted on ordinary weeks); resolved, the
    problem has no deadline and no flag."""
    from tests.factories import problem_step_inputs

    problem = factories.problem(world.firm_a, on=D(UNCOVERED, 9, 3))
    for step, on in [
        (S.ACCEPTED, D(UNCOVERED, 9, 3)),
        (S.IN_PROGRESS, D(UNCOVERED, 9, 3)),
        (S.REPLIED, D(UNCOVERED, 9, 4)),
        ("extended", D(UNCOVERED, 9, 5)),
    ]:
        step_inputs = problem_step_inputs(problem, step, department=dept, transfer_to=None)
        problem = problem_transition(actor=SYSTEM, problem=problem, to=step, on=on, **step_inputs)
        assert problem.due_at is not None and problem.due_uncertain, step
    assert ProblemEvent.objects.filter(problem=problem, payload__due_uncertain=True).count() == 4
    problem = problem_transition(
        actor=SYSTEM, problem=problem, to=S.RESOLVED, reason="已解决", on=D(UNCOVERED, 9, 6)
    )
    assert (problem.due_at, problem.due_uncertain) == (None, False)
