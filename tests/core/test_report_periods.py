"""The periods a report covers: month, quarter, half year and year, as typed."""

import pytest
from django.utils import translation

from zonedesk.core.period import Period
from zonedesk.core.report_periods import months, parse


@pytest.mark.parametrize(
    ("typed", "kind", "first", "last", "code", "count"),
    [
        ("2020-06", "month", (2020, 6), (2020, 6), "2020-06", 1),
        ("2020年6月", "month", (2020, 6), (2020, 6), "2020-06", 1),
        ("2020-Q2", "quarter", (2020, 4), (2020, 6), "2020-Q2", 3),
        ("2020q4", "quarter", (2020, 10), (2020, 12), "2020-Q4", 3),
        ("2020-H1", "half", (2020, 1), (2020, 6), "2020-H1", 6),
        (" 2020-h2 ", "half", (2020, 7), (2020, 12), "2020-H2", 6),
        ("2020", "year", (2020, 1), (2020, 12), "2020", 12),
    ],
)
def test_a_period_is_read_with_its_months(typed, kind, first, last, code, count):
    found = parse(typed)
    assert (found.kind, found.first, found.last) == (kind, Period(*first), Period(*last))
    assert (found.code, found.months, str(found), found.year) == (code, count, code, first[0])


@pytest.mark.parametrize("typed", ["", "2020-H3", "2020-Q5", "2020-13", "1999", "H1", "2020-H1x"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        parse(typed)


def test_labels_in_both_languages():
    with translation.override("en"):
        assert [parse(p).label for p in ("2020-06", "2020-Q2", "2020-H1", "2020-H2", "2020")] == [
            "June 2020",
            "2020, quarter 2",
            "the first half of 2020",
            "the second half of 2020",
            "the year 2020",
        ]


def test_the_difficulties_report_still_takes_a_month_or_a_quarter_only():
    assert months("2020-Q2")[:2] == (Period(2020, 4), Period(2020, 6))
    assert months("2020-06")[:2] == (Period(2020, 6), Period(2020, 6))
    with pytest.raises(ValueError):
        months("2020-H1")
