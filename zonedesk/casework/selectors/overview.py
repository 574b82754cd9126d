"""A zone's problems counted: the overview by category and by department, and the facts of the
report's difficulties section."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from zonedesk.casework import difficulties as difficulties_text
from zonedesk.casework import flows
from zonedesk.casework.models import Problem
from zonedesk.casework.selectors.problems import (
    UNIT_READERS,
    _day_after,
    problem_scope,
    states_on,
)
from zonedesk.casework.workdays import calendar_scope, work_calendar
from zonedesk.core.period import Period
from zonedesk.org.access import is_active
from zonedesk.org.models import Role, Zone
from zonedesk.org.selectors import zone_list

# --- the zone's overview -------------------------------------------------------------------------


@dataclass
class OverviewRow:
    """Counts for one category or department (key "" is no department yet)."""

    key: str
    label: str
    raised: int = 0  # raised in the period
    open: int = 0  # waiting on the administration now
    overdue: int = 0
    resolved: int = 0  # resolved in the period
    avg_days_to_resolve: Decimal | None = None  # working days, raised to resolved
    satisfaction_avg: Decimal | None = None  # of those resolved in the period and rated
    _days: list[int] = field(default_factory=list, repr=False)
    _ratings: list[int] = field(default_factory=list, repr=False)

    def _finish(self) -> None:
        if self._days:
            self.avg_days_to_resolve = Decimal(sum(self._days)) / len(self._days)
        if self._ratings:
            self.satisfaction_avg = Decimal(sum(self._ratings)) / len(self._ratings)


@dataclass
class ZoneOverview:
    zone: Zone
    period: Period
    today: dt.date
    total: OverviewRow
    by_category: list[OverviewRow]
    by_department: list[OverviewRow]
    # Set for department staff: the counts are of the problems their department handles only.
    department_only: bool = False


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.first_day, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(period.shift(1).first_day, dt.time()))
    return start, end


def zone_overview(
    user, *, zone: Zone, period: Period, today: dt.date | None = None
) -> ZoneOverview | None:
    """Open, overdue and resolved problems of a zone by category and by department, with the
    average working days to resolve and the satisfaction; None when the zone is not the
    user's. Department staff see the problems their department handles (problem_scope)."""
    if not is_active(user):
        return None
    whole = user.is_superuser or user.has_role(*UNIT_READERS)
    if not (whole or (user.has_role(Role.DEPARTMENT) and user.department_id is not None)):
        return None
    if not zone_list(user).filter(pk=zone.pk).exists():
        return None
    today = today or timezone.localdate()
    start, end = _bounds(period)
    rows = list(
        problem_scope(user)
        .filter(enterprise__zone=zone)
        .filter(
            Q(status__in=flows.OPEN)
            | Q(created_at__gte=start, created_at__lt=end)
            | Q(resolved_at__gte=start, resolved_at__lt=end)
        )
        .values(
            "category",
            "department_id",
            "department__name",
            "status",
            "due_at",
            "created_at",
            "resolved_at",
            "satisfaction",
        )
    )
    total = OverviewRow("", "")
    categories = {c: OverviewRow(c, str(label)) for c, label in Problem.Category.choices}
    departments: dict[int | None, OverviewRow] = {}
    earliest = min(
        (timezone.localtime(r["created_at"]).date() for r in rows),
        default=period.first_day,
    )
    with calendar_scope():
        calendar = work_calendar(earliest, max(today, period.shift(1).first_day))
        for r in rows:
            dept = departments.setdefault(
                r["department_id"],
                OverviewRow(str(r["department_id"] or ""), r["department__name"] or ""),
            )
            targets = (total, categories[r["category"]], dept)
            is_open = r["status"] in flows.OPEN
            raised = start <= r["created_at"] < end
            resolved = r["resolved_at"] is not None and start <= r["resolved_at"] < end
            days = None
            if resolved:
                days = calendar.working_days_between(
                    timezone.localtime(r["created_at"]).date(),
                    timezone.localtime(r["resolved_at"]).date(),
                )
            for row in targets:
                row.raised += raised
                row.open += is_open
                row.overdue += is_open and r["due_at"] is not None and r["due_at"] < today
                if resolved:
                    row.resolved += 1
                    row._days.append(days)
                    if r["satisfaction"]:
                        row._ratings.append(r["satisfaction"])
    for row in (total, *categories.values(), *departments.values()):
        row._finish()
    by_category = sorted(
        (r for r in categories.values() if r.raised or r.open or r.resolved),
        key=lambda r: (-r.raised, -r.open, r.key),
    )
    by_department = sorted(departments.values(), key=lambda r: (r.key == "", r.label))
    return ZoneOverview(
        zone, period, today, total, by_category, by_department, department_only=not whole
    )


# --- the difficulties section ---------------------------------------------------------------------

SEVERITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


_DIFFICULTY_FIELDS = (
    "id",
    "category",
    "enterprise_id",
    "enterprise__name",
    "title",
    "anonymous",
    "status",
    "severity",
    "due_at",
    "created_at",
    "resolved_at",
    "satisfaction",
)


def _category_facts(
    key: str, label: str, mine: list[dict], previous: int, calendar, today: dt.date
) -> difficulties_text.CategoryFacts:
    """One category's facts from its problems of the period (`previous`: how many were raised
    in the period before)."""
    days = [
        calendar.working_days_between(
            timezone.localtime(r["created_at"]).date(),
            timezone.localtime(r["resolved_at"]).date(),
        )
        for r in mine
        if r["resolved_at"] is not None
    ]
    examples, said = [], set()
    for r in sorted(mine, key=lambda r: SEVERITY_ORDER.get(r["severity"], 9)):
        if r["title"] not in said and len(examples) < 2:
            said.add(r["title"])
            examples.append(r)
    return difficulties_text.CategoryFacts(
        key=key,
        label=label,
        raised=len(mine),
        firms=len({r["enterprise_id"] for r in mine}),
        resolved=len(days),
        overdue=sum(
            r["status"] in flows.OPEN and r["due_at"] is not None and r["due_at"] < today
            for r in mine
        ),
        avg_days=Decimal(sum(days)) / len(days) if days else None,
        previous=previous,
        examples=tuple(
            difficulties_text.Example("" if r["anonymous"] else r["enterprise__name"], r["title"])
            for r in examples
        ),
    )


def difficulties(
    user,
    *,
    zone: Zone | None = None,
    zones=(),
    first: Period,
    last: Period,
    label: str,
    today: dt.date | None = None,
) -> difficulties_text.Difficulties | None:
    """What the zone's firms (or those of `zones`, an area's) raised from `first` to `last`
    (months), by category: firms affected, problems, resolved and how fast, overdue, two
    examples in the firms' words (the most severe; without the firm's name where it asked), the
    change on the period before, and the satisfaction. None when a zone is not the user's
    (staff of the unit only). Resolved and overdue count as at the period's end (`today`, if
    that is earlier)."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*UNIT_READERS)):
        return None
    ids = sorted({z.pk for z in ([zone] if zone is not None else zones)})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    # Resolved and overdue as they stood at the period's end (today, if earlier), not now.
    today = min(today or timezone.localdate(), last.shift(1).first_day - dt.timedelta(days=1))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    start, _ = _bounds(first)
    _, end = _bounds(last)
    before, _ = _bounds(first.shift(-months))
    scope = problem_scope(user).filter(enterprise__zone__in=ids)
    found = scope.filter(created_at__gte=start, created_at__lt=end)
    rows = list(found.values(*_DIFFICULTY_FIELDS).order_by("created_at", "id"))
    then, cutoff = states_on(found, today), _day_after(today)
    for r in rows:
        r["status"], r["due_at"] = then.get(r["id"], (r["status"], r["due_at"]))
        if r["resolved_at"] is not None and r["resolved_at"] >= cutoff:
            r["resolved_at"] = r["satisfaction"] = None
    previous = dict(
        scope.filter(created_at__gte=before, created_at__lt=start)
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    ratings = [r["satisfaction"] for r in rows if r["satisfaction"]]
    with calendar_scope():
        earliest = min((timezone.localtime(r["created_at"]).date() for r in rows), default=today)
        calendar = work_calendar(earliest, max(today, last.shift(1).first_day))
        facts = [
            _category_facts(
                key,
                str(label_),
                [r for r in rows if r["category"] == key],
                previous.get(key, 0),
                calendar,
                today,
            )
            for key, label_ in Problem.Category.choices
        ]
    return difficulties_text.Difficulties(
        period=label,
        categories=tuple(facts),
        firms=len({r["enterprise_id"] for r in rows}),
        satisfaction=Decimal(sum(ratings)) / len(ratings) if ratings else None,
    )
