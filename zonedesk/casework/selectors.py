"""Reads of casework, always scoped to the acting user; lists return querysets or plain
dataclasses that pages, the API, exports and reports share.

Who sees which problems: managers (leaders, administrators), officers and auditors see the
problems of the firms under their unit ("mine" narrows an officer to the firms assigned to
them); department staff see the problems their department is in charge of; an enterprise user
sees their own firm's problems only.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from zonedesk.casework import difficulties as difficulties_text
from zonedesk.casework import flows
from zonedesk.casework.models import Contact, ContactPlan, PlanAction, Problem
from zonedesk.casework.workdays import calendar_scope, work_calendar
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise, EnterpriseMember
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import MANAGER_ROLES, is_active
from zonedesk.org.models import Role, Zone
from zonedesk.org.selectors import zone_list

UNIT_READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)

__all__ = ["work_calendar"]


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


# --- contacts due --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDue:
    """A firm whose next visit or call is overdue (or that was never contacted)."""

    enterprise: Enterprise
    officer_id: int | None
    at_risk: bool
    visit_every_days: int
    call_every_days: int
    last_visit: dt.date | None
    last_contact: dt.date | None
    days_overdue: int | None  # None: never contacted


def _intervals(plan) -> tuple[int, int, bool]:
    default = settings.ZONEDESK["CONTACT_PLAN_DEFAULT"]
    visit = plan.visit_every_days if plan else default["visit_every_days"]
    call = plan.call_every_days if plan else default["call_every_days"]
    at_risk = bool(plan and plan.at_risk)
    if at_risk:  # firms at risk are contacted twice as often
        visit, call = max(1, visit // 2), max(1, call // 2)
    return visit, call, at_risk


def contacts_due(user, *, today: dt.date) -> list[ContactDue]:
    """Firms whose last visit or contact is older than their plan allows (a default plan from
    settings when they have none), never-contacted first, then the most overdue. An officer
    gets the firms assigned to them; managers get their unit's."""
    if not is_active(user):
        return []
    firms = Enterprise.objects.exclude(status=Enterprise.Status.CLOSED)
    if user.is_superuser or user.has_role(*MANAGER_ROLES):
        firms = firms.filter(zone__in=zone_list(user))
    elif user.has_role(Role.OFFICER):
        firms = firms.filter(officer=user, zone__in=zone_list(user))
    else:
        return []
    upto = Q(case_contacts__date__lte=today)
    firms = (
        firms.select_related("contact_plan", "officer")
        .annotate(
            last_contact=Max("case_contacts__date", filter=upto),
            last_visit=Max(
                "case_contacts__date",
                filter=upto & Q(case_contacts__kind__in=Contact.VISIT_KINDS),
            ),
        )
        .order_by("name", "id")
    )
    out = []
    for firm in firms:
        plan = getattr(firm, "contact_plan", None)
        visit, call, at_risk = _intervals(plan)
        if firm.last_contact is None:
            days = None
        else:
            late = [(today - firm.last_contact).days - call]
            late.append((today - (firm.last_visit or dt.date.min)).days - visit)
            days = max(late)
            if days <= 0:
                continue
        out.append(
            ContactDue(
                enterprise=firm,
                officer_id=firm.officer_id,
                at_risk=at_risk,
                visit_every_days=visit,
                call_every_days=call,
                last_visit=firm.last_visit,
                last_contact=firm.last_contact,
                days_overdue=days,
            )
        )
    out.sort(key=lambda r: (r.days_overdue is not None, -(r.days_overdue or 0)))
    return out


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


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.first_day, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(period.shift(1).first_day, dt.time()))
    return start, end


def zone_overview(
    user, *, zone: Zone, period: Period, today: dt.date | None = None
) -> ZoneOverview | None:
    """Open, overdue and resolved problems of a zone by category and by department, with the
    average working days to resolve and the satisfaction; None when the zone is not the
    user's (staff of the unit only)."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*UNIT_READERS)):
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
    return ZoneOverview(zone, period, today, total, by_category, by_department)


# --- the difficulties section ---------------------------------------------------------------------

SEVERITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


_DIFFICULTY_FIELDS = (
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
    user, *, zone: Zone, first: Period, last: Period, label: str, today: dt.date | None = None
) -> difficulties_text.Difficulties | None:
    """What the zone's firms raised from `first` to `last` (months), by category: firms
    affected, problems, resolved and how fast, overdue, two examples in the firms' words (the
    most severe; without the firm's name where it asked), the change on the period before, and
    the satisfaction. None when the zone is not the user's (staff of the unit only)."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*UNIT_READERS)):
        return None
    if not zone_list(user).filter(pk=zone.pk).exists():
        return None
    today = today or timezone.localdate()
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    start, _ = _bounds(first)
    _, end = _bounds(last)
    before, _ = _bounds(first.shift(-months))
    scope = problem_scope(user).filter(enterprise__zone=zone)
    rows = list(
        scope.filter(created_at__gte=start, created_at__lt=end)
        .values(*_DIFFICULTY_FIELDS)
        .order_by("created_at", "id")
    )
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


# --- the firm's own plan (一企一策) ----------------------------------------------------------------


@dataclass(frozen=True)
class FirmPlan:
    """One page for a leader's visit: the firm, its latest month, its open problems, the
    support it qualifies for but has not received, and the actions planned."""

    enterprise: Enterprise
    latest: object | None  # its latest MonthlyFigure
    output_yoy: Decimal | None
    problems: list
    unclaimed: list  # open entitlements (policies)
    actions: list


def firm_plan(user, *, enterprise: Enterprise) -> FirmPlan:
    from zonedesk.monitoring.indicators import change
    from zonedesk.monitoring.selectors import figure_history
    from zonedesk.policies.selectors import OPEN, actionable, entitlement_scope, level_order

    history = figure_history(user, enterprise=enterprise, months=13)
    latest = history[0] if history else None
    year_before = next((f for f in history if latest and f.month == latest.month.last_year), None)
    unclaimed = list(
        entitlement_scope(user)
        .filter(actionable(), enterprise=enterprise, decision="eligible", state__in=OPEN)
        .select_related("measure__document")
        .order_by(level_order(), "measure_id")
    )
    return FirmPlan(
        enterprise=enterprise,
        latest=latest,
        output_yoy=change(latest.output_value_wan, year_before.output_value_wan)
        if latest and year_before
        else None,
        problems=list(
            problems(user, enterprise=enterprise)
            .filter(status__in=flows.OPEN)
            .order_by("due_at", "id")
        ),
        unclaimed=unclaimed,
        actions=list(
            PlanAction.objects.filter(enterprise=enterprise, enterprise__in=enterprise_scope(user))
            .select_related("owner", "problem", "measure")
            .order_by("status", "due_on", "id")
        ),
    )


def action_choices(plan: FirmPlan):
    """What an action of the plan may name: an owner working for the firm's zone, one of the
    firm's unfinished problems, a measure it qualifies for and has not received.

    Reference data: not scoped, because `plan` comes from `firm_plan(user)`, which has checked
    the firm is the user's."""
    from zonedesk.org.models import User
    from zonedesk.policies.selectors import measures_of

    zone = plan.enterprise.zone
    owners = User.objects.filter(is_active=True).filter(Q(zone=zone) | Q(department__zone=zone))
    return (
        owners.order_by("username"),
        Problem.objects.filter(enterprise=plan.enterprise).exclude(status__in=flows.FINAL),
        measures_of(plan.unclaimed),
    )


def cadres(enterprise: Enterprise):
    """Who may be a firm's leading cadre (包联领导): the leaders of its zone.

    Reference data: not scoped, because the caller passes a firm from a scoped selector and a
    zone's leaders are known to everyone who works with its firms."""
    from zonedesk.org.models import User

    return (
        User.objects.filter(
            is_active=True, zone=enterprise.zone, role_grants__role__in=MANAGER_ROLES
        )
        .distinct()
        .order_by("username")
    )


def plan_initial(enterprise: Enterprise) -> dict:
    """The firm's contact plan as a form shows it (the defaults when it has none).

    Reference data: not scoped, because the caller passes a firm from a scoped selector."""
    plan = ContactPlan.objects.filter(enterprise=enterprise).first()
    default = settings.ZONEDESK["CONTACT_PLAN_DEFAULT"]
    if plan is None:
        return {**default, "at_risk": False, "leading_cadre": None}
    return {
        "visit_every_days": plan.visit_every_days,
        "call_every_days": plan.call_every_days,
        "at_risk": plan.at_risk,
        "leading_cadre": plan.leading_cadre_id,
    }


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


def action_get(user, *, pk: int) -> PlanAction | None:
    """An action of the plan of a firm the user sees."""
    return (
        PlanAction.objects.filter(pk=pk, enterprise__in=enterprise_scope(user))
        .select_related("enterprise")
        .first()
    )
