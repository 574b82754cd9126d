"""The working-day calendar: the official arrangements (holidays.py, the chinese-calendar
package) overridden day by day by the administrators' own days (CalendarDay), cached for one
request.

The package is the base, so a deadline does not depend on the table's contents for the years it
covers (a test's flush of every table leaves them intact); the table adds the years the package
does not cover yet and local corrections. A year is known when the package covers it or the
table has a day in it; any other year counts weekends only, and the calendar says so
(`WorkCalendar.knows`).

A deadline computation needs the holidays of a year or two; a list page computes many. The
years read are kept in a context variable that `CalendarCacheMiddleware` (and `calendar_scope`
for commands) opens and closes, so one request reads each year once and the next request sees
an administrator's edit at once; outside a scope every call reads afresh.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from zonedesk.casework import holidays
from zonedesk.casework.calendar import WorkCalendar
from zonedesk.casework.models import CalendarDay

# year -> (days off, make-up working days, known)
Year = tuple[frozenset, frozenset, bool]
_years: ContextVar[dict[int, Year] | None] = ContextVar("zonedesk_casework_calendar", default=None)


@contextmanager
def calendar_scope() -> Iterator[None]:
    """Read each year's calendar at most once inside the block (nested blocks share it)."""
    if _years.get() is not None:
        yield
        return
    token = _years.set({})
    try:
        yield
    finally:
        _years.reset(token)


def _read(years: list[int]) -> dict[int, Year]:
    kinds = {day: kind for y in years for day, kind in holidays.official(y).items()}
    own = CalendarDay.objects.filter(
        date__gte=dt.date(min(years), 1, 1), date__lte=dt.date(max(years), 12, 31)
    ).values_list("date", "kind")
    entered = set()
    for day, kind in own:
        kinds[day] = kind
        entered.add(day.year)
    off: dict[int, set] = {y: set() for y in years}
    on: dict[int, set] = {y: set() for y in years}
    for day, kind in kinds.items():
        if day.year in off:
            (off if kind == CalendarDay.Kind.HOLIDAY else on)[day.year].add(day)
    return {
        y: (frozenset(off[y]), frozenset(on[y]), y in holidays.OFFICIAL_YEARS or y in entered)
        for y in years
    }


def work_calendar(start: dt.date, end: dt.date) -> WorkCalendar:
    """The public holidays and make-up working days of the years from `start` to `end`."""
    years = list(range(min(start, end).year, max(start, end).year + 1))
    cache = _years.get()
    if cache is None:
        found = _read(years)
    else:
        missing = [y for y in years if y not in cache]
        if missing:
            cache.update(_read(missing))
        found = {y: cache[y] for y in years}
    return WorkCalendar(
        days_off=frozenset().union(*(v[0] for v in found.values())),
        workdays=frozenset().union(*(v[1] for v in found.values())),
        known_years=frozenset(y for y, v in found.items() if v[2]),
    )


class CalendarCacheMiddleware:
    """Opens one calendar scope per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with calendar_scope():
            return self.get_response(request)
