"""The working-day calendar, pure: table-driven cases (name / input / expected)."""

import datetime as dt

import pytest

from zonedesk.casework import holidays
from zonedesk.casework.calendar import WorkCalendar, add_working_days, working_days_between

D = dt.date
NATIONAL_DAY_2020 = WorkCalendar.of(
    days_off=[D(2020, 10, d) for d in range(1, 9)],
    workdays=[D(2020, 9, 27), D(2020, 10, 10)],
)
PLAIN = WorkCalendar()

ADD_CASES = [
    # name, calendar, start, n, expected
    ("zero days is the day itself", PLAIN, D(2020, 6, 6), 0, D(2020, 6, 6)),
    ("monday plus one", PLAIN, D(2020, 6, 1), 1, D(2020, 6, 2)),
    ("friday plus one skips the weekend", PLAIN, D(2020, 6, 5), 1, D(2020, 6, 8)),
    ("friday plus three", PLAIN, D(2020, 6, 5), 3, D(2020, 6, 10)),
    ("saturday plus one", PLAIN, D(2020, 6, 6), 1, D(2020, 6, 8)),
    ("sunday plus five", PLAIN, D(2020, 6, 7), 5, D(2020, 6, 12)),
    ("fifteen days is three weeks", PLAIN, D(2020, 6, 1), 15, D(2020, 6, 22)),
    ("year boundary", PLAIN, D(2020, 12, 30), 3, D(2021, 1, 4)),
    ("make-up sunday counts", NATIONAL_DAY_2020, D(2020, 9, 25), 1, D(2020, 9, 27)),
    ("holiday week skipped", NATIONAL_DAY_2020, D(2020, 9, 29), 2, D(2020, 10, 9)),
    ("make-up saturday after the week", NATIONAL_DAY_2020, D(2020, 9, 30), 2, D(2020, 10, 10)),
    ("from inside the holiday", NATIONAL_DAY_2020, D(2020, 10, 3), 1, D(2020, 10, 9)),
    ("thirty across the holiday", NATIONAL_DAY_2020, D(2020, 9, 21), 30, D(2020, 11, 6)),
]


@pytest.mark.parametrize(("name", "cal", "start", "n", "expected"), ADD_CASES)
def test_add_working_days(name, cal, start, n, expected):
    """Adding working days skips weekends and holidays and counts make-up working days."""
    assert cal.add_working_days(start, n) == expected, name


@pytest.mark.parametrize(("name", "cal", "start", "n", "expected"), ADD_CASES)
def test_between_inverts_add(name, cal, start, n, expected):
    """Counting the working days up to the n-th gives n back."""
    assert cal.working_days_between(start, expected) == n, name


BETWEEN_CASES = [
    ("same day", PLAIN, D(2020, 6, 1), D(2020, 6, 1), 0),
    ("a full week", PLAIN, D(2020, 6, 1), D(2020, 6, 8), 5),
    ("a weekend only", PLAIN, D(2020, 6, 5), D(2020, 6, 7), 0),
    ("backwards is negative", PLAIN, D(2020, 6, 8), D(2020, 6, 1), -5),
    ("national day week", NATIONAL_DAY_2020, D(2020, 9, 25), D(2020, 10, 11), 6),
    ("over new year", PLAIN, D(2020, 12, 25), D(2021, 1, 8), 10),
]


@pytest.mark.parametrize(("name", "cal", "start", "end", "expected"), BETWEEN_CASES)
def test_working_days_between(name, cal, start, end, expected):
    """The working days after the start up to the end, negative backwards, holidays skipped."""
    assert cal.working_days_between(start, end) == expected, name


def test_function_forms_take_the_sets():
    """The module functions take the extra days off and working days as keyword sets."""
    off = {D(2020, 10, d) for d in range(1, 9)}
    on = {D(2020, 9, 27), D(2020, 10, 10)}
    assert add_working_days(D(2020, 9, 30), 2, days_off=off, workdays=on) == D(2020, 10, 10)
    assert working_days_between(D(2020, 9, 26), D(2020, 9, 27), days_off=off, workdays=on) == 1


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        PLAIN.add_working_days(D(2020, 6, 1), -1)


def test_shipped_holidays():
    """The data file holds 2020 (with the extended Spring Festival) and 2026 as published."""
    rows = holidays.read()
    days = {d: kind for d, kind, _ in rows}
    assert {d.year for d in days} == {2020, 2026}
    assert [d for d, k in days.items() if k == "workday" and d.year == 2020] == [
        D(2020, 1, 19),
        D(2020, 4, 26),
        D(2020, 5, 9),
        D(2020, 6, 28),
        D(2020, 9, 27),
        D(2020, 10, 10),
    ]
    assert sum(1 for d, k in days.items() if k == "holiday" and d.year == 2026) == 33
    assert days[D(2020, 2, 1)] == "holiday"  # the make-up day was cancelled by the extension
    assert all(d.weekday() >= 5 for d, k in days.items() if k == "workday")


KNOWS_CASES = [
    # name, known years, start, end, expected
    ("a hand-made calendar knows every year", None, D(1999, 1, 1), D(2099, 1, 1), True),
    ("inside a known year", {2039}, D(2039, 6, 1), D(2039, 6, 30), True),
    ("into an unknown year", {2039}, D(2039, 12, 30), D(2040, 1, 2), False),
    ("backwards from an unknown year", {2039}, D(2040, 1, 2), D(2039, 12, 30), False),
    ("across a gap", {2039, 2041}, D(2039, 12, 1), D(2041, 1, 5), False),
    ("two known years", {2039, 2040}, D(2039, 12, 30), D(2040, 1, 2), True),
]


@pytest.mark.parametrize(("name", "known", "start", "end", "expected"), KNOWS_CASES)
def test_knows_every_year_of_the_span(name, known, start, end, expected):
    """A result is certain only when every year from start to end has its arrangement."""
    assert WorkCalendar.of(known_years=known).knows(start, end) is expected, name
