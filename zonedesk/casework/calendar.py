"""Working days (工作日): weekends are off unless listed as make-up working days (调休上班), and
public holidays are off. Pure Python, no Django: the sets come from the database or a test.

`add_working_days(d, n)` is the n-th working day after `d` (the day itself is not counted, as
in "受理后3个工作日内": accepted on a Friday, the third working day is the next Wednesday);
`working_days_between(a, b)` counts the working days in (a, b], so the two are inverse:
`working_days_between(d, add_working_days(d, n)) == n`.

A calendar knows the years whose official arrangement it holds (`known_years`; None for a
calendar made by hand, which knows every year); `knows(a, b)` says whether every year from a
to b is one, i.e. whether a result over that span is certain rather than counted on ordinary
weeks.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Extra days off (public holidays) and extra working days (make-up weekend days), and the
    years whose arrangement they hold (None: every year)."""

    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    known_years: frozenset[int] | None = None

    @classmethod
    def of(
        cls,
        days_off: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        known_years: Iterable[int] | None = None,
    ):
        known = None if known_years is None else frozenset(known_years)
        return cls(frozenset(days_off), frozenset(workdays), known)

    def knows(self, start: dt.date, end: dt.date) -> bool:
        """Whether the arrangement of every year from `start` to `end` is known."""
        if self.known_years is None:
            return True
        first, last = sorted((start.year, end.year))
        return all(year in self.known_years for year in range(first, last + 1))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start`; `start` itself for n = 0."""
        if n < 0:
            raise ValueError(f"n must not be negative: {n}")
        day = start
        while n:
            day += _DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += _DAY
            count += self.is_working_day(day)
        return count


def add_working_days(
    start: dt.date,
    n: int,
    *,
    days_off: Iterable[dt.date] = (),
    workdays: Iterable[dt.date] = (),
) -> dt.date:
    return WorkCalendar.of(days_off, workdays).add_working_days(start, n)


def working_days_between(
    start: dt.date,
    end: dt.date,
    *,
    days_off: Iterable[dt.date] = (),
    workdays: Iterable[dt.date] = (),
) -> int:
    return WorkCalendar.of(days_off, workdays).working_days_between(start, end)
