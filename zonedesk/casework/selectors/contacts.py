"""The firms' contact plans: the contacts due and the firm's own plan (一企一策)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Q

from zonedesk.casework import flows
from zonedesk.casework.models import Contact, ContactPlan, PlanAction, Problem
from zonedesk.casework.selectors.problems import problems
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import MANAGER_ROLES, is_active
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_list

# --- contacts due --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDue:
    """A firm whose next visit or call is overdue, each kind counted from the last contact of
    that kind (a firm only ever phoned has never been visited: no day count, never a count
    from year 1)."""

    enterprise: Enterprise
    officer_id: int | None
    at_risk: bool
    visit_every_days: int
    call_every_days: int
    last_visit: dt.date | None
    last_contact: dt.date | None
    visit_days_overdue: int | None  # None: never visited, or not overdue
    call_days_overdue: int | None  # None: never contacted, or not overdue

    @property
    def never_contacted(self) -> bool:
        return self.last_contact is None

    @property
    def never_visited(self) -> bool:
        return self.last_visit is None

    @property
    def days_overdue(self) -> int | None:
        """The most days overdue of the kinds counted from a real contact (None: none is)."""
        late = [d for d in (self.visit_days_overdue, self.call_days_overdue) if d is not None]
        return max(late) if late else None


def _late(today: dt.date, last: dt.date | None, every: int) -> int | None:
    """Days past `every` since `last`; None when there was none, or it is not late yet."""
    if last is None:
        return None
    days = (today - last).days - every
    return days if days > 0 else None


def _intervals(plan) -> tuple[int, int, bool]:
    default = settings.ZONEDESK["CONTACT_PLAN_DEFAULT"]
    visit = plan.visit_every_days if plan else default["visit_every_days"]
    call = plan.call_every_days if plan else default["call_every_days"]
    at_risk = bool(plan and plan.at_risk)
    if at_risk:  # firms at risk are contacted twice as often
        visit, call = max(1, visit // 2), max(1, call // 2)
    return visit, call, at_risk


def contacts_due(user, *, today: dt.date) -> list[ContactDue]:
    """Firms whose last visit, or last contact of any kind, is older than their plan allows (a
    default plan from settings when they have none), or that were never visited:
    never-contacted first, then never-visited, then the most overdue. An officer
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
    return late_firms(firms, today=today)


def late_firms(firms, *, today: dt.date) -> list[ContactDue]:
    """Of `firms`, those whose last visit or contact by `today` is older than their plan allows,
    never-contacted first, then the most overdue.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    upto = Q(case_contacts__date__lte=today)
    firms = (
        firms.select_related("contact_plan", "officer", "zone")
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
        row = ContactDue(
            enterprise=firm,
            officer_id=firm.officer_id,
            at_risk=at_risk,
            visit_every_days=visit,
            call_every_days=call,
            last_visit=firm.last_visit,
            last_contact=firm.last_contact,
            visit_days_overdue=_late(today, firm.last_visit, visit),
            call_days_overdue=_late(today, firm.last_contact, call),
        )
        if row.never_visited or row.days_overdue is not None:
            out.append(row)
    out.sort(key=lambda r: (not r.never_contacted, not r.never_visited, -(r.days_overdue or 0)))
    return out


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


def action_owners(zone):
    """Who may be responsible for an action of a plan of the zone's firms: its active staff (of
    the zone or one of its departments) in a role that acts on firms, never an auditor, a
    security administrator, a firm or a bank user.

    Reference data: not scoped, because the caller passes the zone of a firm from a scoped
    selector, and a zone's officials are known to everyone who works with its firms."""
    from zonedesk.casework.access import ACTING_ROLES
    from zonedesk.org.models import User

    return (
        User.objects.filter(is_active=True, role_grants__role__in=ACTING_ROLES)
        .filter(Q(zone=zone) | Q(department__zone=zone))
        .distinct()
        .order_by("username")
    )


def action_choices(plan: FirmPlan):
    """What an action of the plan may name: an owner among the zone's officials who act on
    firms, one of the firm's unfinished problems, a measure it qualifies for and has not
    received.

    Reference data: not scoped, because `plan` comes from `firm_plan(user)`, which has checked
    the firm is the user's."""
    from zonedesk.policies.selectors import measures_of

    return (
        action_owners(plan.enterprise.zone),
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
    """The firm's contact plan as a form shows it (the defaults when it has none), with its
    version (0: none yet).

    Reference data: not scoped, because the caller passes a firm from a scoped selector."""
    plan = ContactPlan.objects.filter(enterprise=enterprise).first()
    default = settings.ZONEDESK["CONTACT_PLAN_DEFAULT"]
    if plan is None:
        return {**default, "at_risk": False, "leading_cadre": None, "version": 0}
    return {
        "version": plan.version,
        "visit_every_days": plan.visit_every_days,
        "call_every_days": plan.call_every_days,
        "at_risk": plan.at_risk,
        "leading_cadre": plan.leading_cadre_id,
    }


def action_get(user, *, pk: int) -> PlanAction | None:
    """An action of the plan of a firm the user sees."""
    return (
        PlanAction.objects.filter(pk=pk, enterprise__in=enterprise_scope(user))
        .select_related("enterprise")
        .first()
    )
