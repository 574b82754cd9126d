"""Node lights from the working-day calendar, as data (name / today / planned / calendar /
expected): red past the planned date, yellow within N working days of it, green otherwise;
weekends and public holidays are not working days, make-up days are."""

import datetime as dt

import pytest

from zonedesk.casework.calendar import WorkCalendar
from zonedesk.projects import lights

D = dt.date
PLAIN = WorkCalendar.of()
# 2020's National Day and Mid-Autumn: 1-8 October off; Sunday 27 September and Saturday 10
# October worked (国办发明电〔2019〕16号).
NATIONAL_DAY_2020 = WorkCalendar.of(
    days_off=[D(2020, 10, d) for d in range(1, 9)], workdays=[D(2020, 9, 27), D(2020, 10, 10)]
)

CASES = [
    # name, today, planned, warn, calendar, expected
    ("planned yesterday is red", D(2020, 6, 10), D(2020, 6, 9), 3, PLAIN, lights.RED),
    ("past on a Sunday is red on Monday", D(2020, 6, 8), D(2020, 6, 7), 3, PLAIN, lights.RED),
    ("planned today is yellow", D(2020, 6, 10), D(2020, 6, 10), 3, PLAIN, lights.YELLOW),
    ("planned today is yellow with no warning", D(2020, 6, 10), D(2020, 6, 10), 0, PLAIN, "yellow"),
    ("tomorrow with no warning is green", D(2020, 6, 10), D(2020, 6, 11), 0, PLAIN, lights.GREEN),
    # Friday 5 June; Tuesday 9 June is two working days on (Mon, Tue), four calendar days.
    ("over a weekend: 2 working days", D(2020, 6, 5), D(2020, 6, 9), 2, PLAIN, lights.YELLOW),
    ("over a weekend: 3 working days", D(2020, 6, 5), D(2020, 6, 10), 2, PLAIN, lights.GREEN),
    ("a Sunday counts nothing", D(2020, 6, 5), D(2020, 6, 7), 0, PLAIN, lights.YELLOW),
    # Wednesday 30 September to Friday 9 October: 7 working days on ordinary weeks, 1 in 2020.
    ("ordinary weeks before the holiday", D(2020, 9, 30), D(2020, 10, 9), 3, PLAIN, "green"),
    (
        "over the National Day holiday",
        D(2020, 9, 30),
        D(2020, 10, 9),
        3,
        NATIONAL_DAY_2020,
        "yellow",
    ),
    # Friday 25 September to Monday 28: Sunday 27 was worked, so two working days.
    ("a make-up Sunday counts", D(2020, 9, 25), D(2020, 9, 28), 1, NATIONAL_DAY_2020, "green"),
    ("without the make-up day", D(2020, 9, 25), D(2020, 9, 28), 1, PLAIN, lights.YELLOW),
]


@pytest.mark.parametrize(
    ("today", "planned", "warn", "calendar", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_node_light(today, planned, warn, calendar, expected):
    assert (
        lights.node_light(
            planned_on=planned, done_on=None, today=today, warn_days=warn, calendar=calendar
        )
        == expected
    )


def test_a_done_node_has_no_light():
    """Even done late: the light is for open nodes."""
    light = lights.node_light(
        planned_on=D(2020, 6, 1),
        done_on=D(2020, 6, 20),
        today=D(2020, 7, 1),
        warn_days=5,
        calendar=PLAIN,
    )
    assert light is None


def test_project_light_is_the_worst_open_node():
    assert lights.worst([None, lights.GREEN, lights.YELLOW, None]) == lights.YELLOW
    assert lights.worst([lights.YELLOW, lights.RED, lights.GREEN]) == lights.RED
    assert lights.worst([None, None]) == lights.GREEN
    assert lights.worst([]) == lights.GREEN


def test_horizon_covers_the_warning_over_the_spring_festival():
    """2021's Spring Festival: 11-17 February off, 7 and 20 February worked; the horizon still
    holds five working days after the eve."""
    cal = WorkCalendar.of(
        days_off=[D(2021, 2, d) for d in range(11, 18)], workdays=[D(2021, 2, 7), D(2021, 2, 20)]
    )
    today = D(2021, 2, 10)
    assert cal.add_working_days(today, 5) <= lights.horizon(today, 5)
