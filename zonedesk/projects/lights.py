"""Node lights from the working-day calendar. Pure Python, no Django.

An open node is
- red when its planned date has passed (planned < today);
- yellow when its planned date is today or at most `warn_days` working days after today
  (working days counted as casework.calendar counts them: in (today, planned]);
- green otherwise.
A done node has no light (None). A project's light is the worst light of its open nodes (green
when none is open). `calendar` is anything with `is_working_day(date)` (casework's
WorkCalendar: weekends, public holidays and make-up working days).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

GREEN, YELLOW, RED = "green", "yellow", "red"
ORDER = {GREEN: 0, YELLOW: 1, RED: 2}
_DAY = dt.timedelta(days=1)


class Calendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


def node_light(
    *,
    planned_on: dt.date,
    done_on: dt.date | None,
    today: dt.date,
    warn_days: int,
    calendar: Calendar,
) -> str | None:
    """The light of one node (None once it is done)."""
    if done_on is not None:
        return None
    if planned_on < today:
        return RED
    # Count the working days in (today, planned] only as far as the warning needs.
    day, count = today, 0
    while day < planned_on:
        day += _DAY
        if calendar.is_working_day(day):
            count += 1
            if count > warn_days:
                return GREEN
    return YELLOW


def worst(lights: Iterable[str | None]) -> str:
    """The worst of the lights of open nodes (None: a done node); green when none is open."""
    found = [light for light in lights if light is not None]
    return max(found, key=ORDER.__getitem__) if found else GREEN


def horizon(today: dt.date, warn_days: int) -> dt.date:
    """A date by which `warn_days` working days after `today` have surely passed (for reading
    the calendar's years): the longest run of days off in China is 9 (Spring Festival with
    the weekends), so 3 x n + 14 calendar days is ample."""
    return today + dt.timedelta(days=3 * warn_days + 14)


def yellow_until(today: dt.date, warn_days: int, calendar: Calendar) -> dt.date:
    """The last planned date whose open node is yellow today (node_light's rule as one date, for
    counting lights in SQL): an open node is red when planned < today, yellow when today <=
    planned <= this date, green after it. It is the day before the (warn_days + 1)-th working
    day after today."""
    day, count = today, 0
    while True:
        day += _DAY
        if calendar.is_working_day(day):
            count += 1
            if count > warn_days:
                return day - _DAY
