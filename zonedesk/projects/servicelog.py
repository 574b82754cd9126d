"""A key project's service log in figures (7x24): requests raised in a period, the average
hours to respond and to resolve, how many ran past their limits, per department. Plain values
in and out, no Django (selectors.service_facts reads the rows; casework.clock keeps the clock).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from zonedesk.casework.clock import (
    ClockRow,
    overdue,
    resolution_hours,
    response_hours,
)
from zonedesk.projects.facts import DepartmentService, ServiceFacts


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _tally(
    rows: list[ClockRow], now: dt.datetime
) -> tuple[int, int, int, float | None, float | None, int]:
    """(requests, responded, resolved, mean response hours, mean resolution hours, overdue),
    counting only the responses and resolutions that came by `now`."""
    responses = [response_hours(r) for r in rows if r.responded_at and r.responded_at <= now]
    resolutions = [resolution_hours(r) for r in rows if r.resolved_at and r.resolved_at <= now]
    return (
        len(rows),
        len(responses),
        len(resolutions),
        _mean(responses),
        _mean(resolutions),
        sum(overdue(r, now) for r in rows),
    )


def figures(
    rows: Iterable[ClockRow], *, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> ServiceFacts:
    """The requests raised from `start` (included) to `end` (excluded), as of `now`: their
    count, the mean elapsed hours from raising to the first response and to the resolution
    (of those responded or resolved by `now`, one decimal), how many were overdue (a response
    or a resolution past its limit, or still awaited past it at `now`); the same per
    department it was handed to (not yet handed: ""), departments in name order."""
    raised = [r for r in rows if start <= r.raised_at < end and r.raised_at <= now]
    by_department: dict[str, list[ClockRow]] = defaultdict(list)
    for r in raised:
        by_department[r.department].append(r)
    n, responded, resolved, response, resolution, late = _tally(raised, now)
    return ServiceFacts(
        requests=n,
        responded=responded,
        resolved=resolved,
        avg_response_hours=response,
        avg_resolution_hours=resolution,
        overdue=late,
        departments=tuple(
            DepartmentService(name, *_tally(by_department[name], now))
            for name in sorted(by_department, key=lambda d: (d == "", d))
        ),
    )
