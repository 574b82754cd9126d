"""Period: a year-month value. Expected values are worked out by hand (calendar facts)."""

import dataclasses
import datetime as dt

import pytest

from zonedesk.core.period import Period


@pytest.mark.parametrize(
    "text",
    ["2020-06", "2020-6", "2020/6", "2020/06", "2020.6", "2020年6月", "2020年06月", " 2020 - 6 "],
)
def test_parse_accepts_the_written_forms(text):
    assert Period.parse(text) == Period(2020, 6)


def test_parse_accepts_dates_datetimes_and_periods():
    assert Period.parse(dt.date(2020, 6, 17)) == Period(2020, 6)
    assert Period.parse(dt.datetime(2020, 12, 31, 23, 59)) == Period(2020, 12)  # noqa: DTZ001
    p = Period(2021, 2)
    assert Period.parse(p) is p


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2020",
        "202006",
        "2020-13",
        "2020-0",
        "2020-06-01",
        "June 2020",
        "20-06",
        "1899-12",
        None,
    ],
)
def test_parse_rejects_anything_else(text):
    with pytest.raises(ValueError):
        Period.parse(text)


@pytest.mark.parametrize(("year", "month"), [(2020, 0), (2020, 13), (99, 12), (10000, 1)])
def test_constructor_rejects_out_of_range(year, month):
    with pytest.raises(ValueError):
        Period(year, month)


def test_bounds_are_accepted():
    """The first and last supported months are periods."""
    assert str(Period(1900, 1)) == "1900-01"
    assert str(Period(2999, 12)) == "2999-12"


@pytest.mark.parametrize("text", ["1999-12", "1900-06", "2100-01"])
def test_parse_accepts_only_months_people_may_enter(text):
    """Input is 2000-01..2099-12, so that comparisons two years back stay valid months."""
    with pytest.raises(ValueError):
        Period.parse(text)
    assert Period.parse("2000-01").shift(-24) == Period(1998, 1)


def test_of_and_first_day():
    """A date's period, and a period's first day."""
    assert Period.of(dt.date(2020, 2, 29)) == Period(2020, 2)
    assert Period(2020, 6).first_day == dt.date(2020, 6, 1)


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [
        (2020, 2, 29),  # 2020 divisible by 4: leap
        (2021, 2, 28),
        (1900, 2, 28),  # divisible by 100, not by 400: not leap
        (2000, 2, 29),  # divisible by 400: leap
        (2020, 4, 30),
        (2020, 7, 31),
        (2020, 12, 31),
    ],
)
def test_days(year, month, days):
    """A period knows its number of days, leap Februaries included."""
    assert Period(year, month).days == days


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (Period(2020, 6), 0, Period(2020, 6)),
        (Period(2020, 6), 1, Period(2020, 7)),
        (Period(2020, 12), 1, Period(2021, 1)),  # over the year end
        (Period(2020, 1), -1, Period(2019, 12)),  # back over the year start
        (Period(2020, 6), 12, Period(2021, 6)),
        (Period(2020, 6), -13, Period(2019, 5)),  # 12 back to 2019-06, one more to 2019-05
        (Period(2020, 6), 30, Period(2022, 12)),  # 2020-06 + 24 = 2022-06, + 6 = 2022-12
        (Period(2020, 6), -30, Period(2017, 12)),  # 2020-06 − 24 = 2018-06, − 6 = 2017-12
    ],
)
def test_shift(start, months, expected):
    """Shifting by months crosses year boundaries both ways."""
    assert start.shift(months) == expected


def test_previous_and_last_year():
    """The previous month and the same month last year."""
    assert Period(2020, 1).previous == Period(2019, 12)
    assert Period(2020, 6).previous == Period(2020, 5)
    assert Period(2020, 6).last_year == Period(2019, 6)
    assert Period(2020, 2).last_year == Period(2019, 2)


def test_shift_out_of_range_raises():
    with pytest.raises(ValueError):
        _ = Period(100, 1).previous
    with pytest.raises(ValueError):
        _ = Period(100, 6).last_year


def test_str_is_zero_padded():
    assert str(Period(2020, 6)) == "2020-06"
    assert str(Period(2020, 11)) == "2020-11"


def test_ordering_equality_hash():
    """Periods order by time, and equal periods are equal and hash alike however written."""
    assert Period(2019, 12) < Period(2020, 1) < Period(2020, 2)
    assert sorted([Period(2020, 3), Period(2019, 12), Period(2020, 1)]) == [
        Period(2019, 12),
        Period(2020, 1),
        Period(2020, 3),
    ]
    assert Period(2020, 6) == Period.parse("2020年6月")
    assert len({Period(2020, 6), Period.parse("2020-06"), Period(2020, 7)}) == 2


def test_frozen():
    """A period cannot be changed."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        Period(2020, 6).month = 7  # type: ignore[misc]


def test_round_trip_through_str():
    """A period written as text parses back to itself."""
    for p in (Period(2000, 1), Period(2020, 6), Period(2099, 12)):
        assert Period.parse(str(p)) == p
