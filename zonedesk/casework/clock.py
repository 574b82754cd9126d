"""The round-the-clock clock (7x24) of a problem, in hours: plain values in and out, no Django.

A problem raised with a clock (a key project's service request) is to be responded to by
`respond_by` and resolved by `resolve_by`, instants counted from when it was raised with every
hour alike: a night, a weekend or a public holiday is not skipped (unlike the working-day
deadline `due_at` beside it). Hours taken are elapsed hours between two instants.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ClockRow:
    """One problem on the clock, as the service log and its figures read it."""

    problem_id: int
    title: str
    category: str  # its label
    status: str
    status_label: str
    department: str  # the department it is handed to ("" before it is)
    department_id: int | None
    raised_by: str
    raised_at: dt.datetime
    respond_by: dt.datetime | None
    resolve_by: dt.datetime | None
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None


def hours(start: dt.datetime, end: dt.datetime | None) -> float | None:
    """Elapsed hours from `start` to `end` (None while `end` is not reached)."""
    if end is None:
        return None
    return (end - start).total_seconds() / 3600


def response_hours(row: ClockRow) -> float | None:
    return hours(row.raised_at, row.responded_at)


def resolution_hours(row: ClockRow) -> float | None:
    return hours(row.raised_at, row.resolved_at)


def _late(limit: dt.datetime | None, done: dt.datetime | None, now: dt.datetime) -> bool:
    """Past its limit: done after it, or not done and the limit has passed by `now`. A step
    done after `now` (a figure as of an earlier day) counts as not yet done."""
    if limit is None:
        return False
    if done is not None and done <= now:
        return done > limit
    return now > limit


def late_response(row: ClockRow, now: dt.datetime) -> bool:
    return _late(row.respond_by, row.responded_at, now)


def late_resolution(row: ClockRow, now: dt.datetime) -> bool:
    return _late(row.resolve_by, row.resolved_at, now)


def overdue(row: ClockRow, now: dt.datetime) -> bool:
    """Its response or its resolution came, or is still awaited, past its limit."""
    return late_response(row, now) or late_resolution(row, now)
