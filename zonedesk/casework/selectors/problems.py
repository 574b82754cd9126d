"""Which problems a user sees, the lists of them, and who a problem may be put in the charge of."""

import datetime as dt

from django.db.models import BooleanField, Case, F, Max, Q, QuerySet, Value, When
from django.utils import timezone

from zonedesk.casework import flows
from zonedesk.casework.clock import ClockRow
from zonedesk.casework.models import Problem, ProblemEvent
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.org.access import MANAGER_ROLES, is_active
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_list

UNIT_READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)


def problem_scope(user) -> QuerySet[Problem]:
    """Every problem the user may see."""
    qs = Problem.objects.all()
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    parts = []
    if user.has_role(*UNIT_READERS):
        parts.append(Q(enterprise__zone__in=zone_list(user)))
    if user.has_role(Role.DEPARTMENT) and user.department_id is not None:
        parts.append(Q(department_id=user.department_id))
    if user.has_role(Role.ENTERPRISE):
        parts.append(
            Q(enterprise_id__in=EnterpriseMember.objects.filter(user=user).values("enterprise_id"))
        )
    if not parts:
        return qs.none()
    where = parts[0]
    for part in parts[1:]:
        where |= part
    return qs.filter(where)


def _overdue(today: dt.date) -> Q:
    return Q(status__in=flows.OPEN, due_at__lt=today)


def problems(
    user,
    *,
    status: str | None = None,
    category: str | None = None,
    overdue: bool | None = None,
    mine: bool = False,
    department=None,
    enterprise=None,
    today: dt.date | None = None,
) -> QuerySet[Problem]:
    """The user's problems, filtered. `mine`: the firms assigned to the user (or their own
    firm), the problems in their charge, or raised by them."""
    qs = problem_scope(user).select_related(
        "enterprise", "enterprise__officer", "department", "assignee"
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if overdue is not None:
        cond = _overdue(today or timezone.localdate())
        qs = qs.filter(cond) if overdue else qs.exclude(cond)
    if mine:
        own = EnterpriseMember.objects.filter(user=user).values("enterprise_id")
        qs = qs.filter(
            Q(enterprise__officer=user)
            | Q(assignee=user)
            | Q(raised_by=user)
            | Q(enterprise_id__in=own)
        )
    if department is not None:
        qs = qs.filter(department=department)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs


def problems_as_of(user, *, zones):
    """When the newest change to a problem of the zones' firms the user sees was made."""
    found = problem_scope(user).filter(enterprise__zone__in=[z.pk for z in zones])
    return found.aggregate(t=Max("updated_at"))["t"]


def _day_after(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))


def states_on(qs: QuerySet[Problem], on: dt.date) -> dict[int, tuple[str, dt.date | None]]:
    """Each problem of `qs` raised by the end of the day `on`: its status and its current
    step's due date as they stood at that day's end, replayed from its events (each step
    records its new status, and a changed deadline as `due_to`). A problem without an event by
    then (made or changed outside the services) keeps its stored status and due date."""
    cutoff = _day_after(on)
    out = {
        pk: (status, due)
        for pk, status, due in qs.filter(created_at__lt=cutoff).values_list(
            "id", "status", "due_at"
        )
    }
    if not out:
        return {}
    steps = (
        ProblemEvent.objects.filter(problem_id__in=out, at__lt=cutoff)
        .order_by("at", "id")
        .values_list("problem_id", "to_state", "payload")
    )
    replayed: dict[int, tuple[str, dt.date | None]] = {}
    for pk, to_state, payload in steps:
        due = replayed.get(pk, (None, None))[1]
        if "due_to" in (payload or {}):
            due = dt.date.fromisoformat(payload["due_to"]) if payload["due_to"] else None
        replayed[pk] = (to_state, due)
    return out | replayed


def overdue_on(qs: QuerySet[Problem], on: dt.date) -> set[int]:
    """The problems of `qs` that waited on the administration past their deadline at the end
    of the day `on` (as `flows.is_overdue` judges today), from their events."""
    return {
        pk
        for pk, (status, due) in states_on(qs, on).items()
        if status in flows.OPEN and due is not None and due < on
    }


def overdue_first(qs: QuerySet[Problem], today: dt.date) -> QuerySet[Problem]:
    """The problems in the order they call for attention: overdue first, then by the current
    step's deadline (none last), then as raised."""
    return qs.annotate(
        is_overdue=Case(
            When(_overdue(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by(F("is_overdue").desc(), F("due_at").asc(nulls_last=True), "id")


def problem_get(user, *, pk: int) -> Problem | None:
    """One problem with its events, or None when out of the user's scope."""
    return (
        problem_scope(user)
        .select_related("enterprise__zone", "department", "assignee", "raised_by", "contact")
        .prefetch_related("events__actor")
        .filter(pk=pk)
        .first()
    )


def overdue_for_leader(user, today: dt.date) -> QuerySet[Problem]:
    """The overdue problems of the leader's unit, longest overdue first (managers only)."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*MANAGER_ROLES)):
        return Problem.objects.none()
    return problems(user, overdue=True, today=today).order_by("due_at", "id")


def department_queue(user) -> QuerySet[Problem]:
    """What waits on the user's department, soonest deadline first."""
    if not is_active(user) or not user.has_role(Role.DEPARTMENT) or user.department_id is None:
        return Problem.objects.none()
    return (
        problems(user, department=user.department_id)
        .filter(status__in=flows.OPEN)
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def departments_for(problem: Problem) -> QuerySet:
    """The departments a problem may be put in the charge of: those of its firm's zone.

    Reference data: not scoped, because the caller passes a problem from `problem_get(user)`,
    and a zone's departments are known to everyone who works with its firms."""
    from zonedesk.org.models import Department

    return Department.objects.filter(zone_id=problem.enterprise.zone_id).order_by("name")


def active_user(user, *, pk: int):
    """A person to put in charge, among the active staff of the zones under the user's unit (the
    transition then checks they work for the department)."""
    from zonedesk.org.models import User

    zones = zone_list(user)
    return (
        User.objects.filter(pk=pk, is_active=True)
        .filter(Q(zone__in=zones) | Q(department__zone__in=zones))
        .first()
    )


def problems_due_for(user, *, today: dt.date, within_days: int) -> QuerySet[Problem]:
    """The open problems whose current step is due within `within_days` of `today` (or overdue)
    and that wait on the user: put in their charge, in their department's charge with nobody
    named, or of a firm they are the liaison officer of. Soonest deadline first."""
    if not is_active(user):
        return Problem.objects.none()
    mine = Q(assignee=user) | Q(enterprise__officer=user)
    if user.has_role(Role.DEPARTMENT) and user.department_id is not None:
        mine |= Q(department_id=user.department_id, assignee__isnull=True)
    return (
        problem_scope(user)
        .filter(mine, status__in=flows.OPEN, due_at__lte=today + dt.timedelta(days=within_days))
        .select_related("enterprise")
        .order_by("due_at", "id")
    )


def clock_rows(problem_ids) -> list[ClockRow]:
    """The problems on the round-the-clock clock (clock.py), raised first first.

    Reference data: not scoped, because the caller has already scoped the records these
    problems belong to (a key project's service log: projects.selectors scopes the projects)."""
    qs = (
        Problem.objects.filter(pk__in=list(problem_ids))
        .select_related("department", "raised_by")
        .order_by("created_at", "pk")
    )
    return [
        ClockRow(
            problem_id=p.pk,
            title=p.title,
            category=p.get_category_display(),
            status=p.status,
            status_label=p.get_status_display(),
            department=p.department.name if p.department_id else "",
            department_id=p.department_id,
            raised_by=str(p.raised_by) if p.raised_by_id else "",
            raised_at=p.created_at,
            respond_by=p.respond_by,
            resolve_by=p.resolve_by,
            responded_at=p.responded_at,
            resolved_at=p.resolved_at,
        )
        for p in qs
    ]


def problem_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of a problem's category, way raised and severity, for other apps' forms.

    Reference data: not scoped, because they are the same for every user."""
    return {
        "category": list(Problem.Category.choices),
        "raised_via": list(Problem.Via.choices),
        "severity": list(Problem.Severity.choices),
    }
