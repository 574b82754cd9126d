"""The working-day calendar from the database (CalendarDay), cached for one request.

A deadline computation needs the holidays of a year or two; a list page computes many. The
years read are kept in a context variable that `CalendarCacheMiddleware` (and `calendar_scope`
for commands) opens and closes, so one request reads each year once and the next request sees
an administrator's edit at once; outside a scope every call reads afresh.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from zonedesk.casework.calendar import WorkCalendar
from zonedesk.casework.models import CalendarDay

_years: ContextVar[dict[int, tuple[frozenset, frozenset]] | None] = ContextVar(
    "zonedesk_casework_calendar", default=None
)


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


def _read(years: list[int]) -> dict[int, tuple[frozenset, frozenset]]:
    off: dict[int, set] = {y: set() for y in years}
    on: dict[int, set] = {y: set() for y in years}
    rows = CalendarDay.objects.filter(
        date__gte=dt.date(min(years), 1, 1), date__lte=dt.date(max(years), 12, 31)
    ).values_list("date", "kind")
    for day, kind in rows:
        if day.year in off:
            (off if kind == CalendarDay.Kind.HOLIDAY else on)[day.year].add(day)
    return {y: (frozenset(off[y]), frozenset(on[y])) for y in years}


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
    )


class CalendarCacheMiddleware:
    """Opens one calendar scope per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with calendar_scope():
            return self.get_response(request)
