"""The facts of the projects' paragraph of the summary, and the list's filter choices."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from zonedesk.org.access import is_active
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, investment, lights, templates_default
from zonedesk.projects.facts import LateNode, ProjectFacts
from zonedesk.projects.models import (
    Guarantee,
    MonthlyInvestment,
    NodeEvent,
    ProjectNode,
    Replan,
)
from zonedesk.projects.selectors.meeting import _attributed
from zonedesk.projects.selectors.projects import Lighter, node_warn, project_scope
from zonedesk.projects.selectors.requests import service_facts

LATE_LISTED = 5


def summary(
    user,
    *,
    zones,
    first,
    last,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ProjectFacts | None:
    """The key projects of the zones (each one the user's) for the work summary, from `first`
    to `last` (Periods): how many are followed and their investment, the nodes 开工, 竣工验收
    and 投产 done in the period, and the lights on the period's last day (or today if sooner;
    a node done after that day was open on it; its planned date the one in force that day,
    before any re-plan approved later), and the service requests raised in the period with
    their hours (as of `now`, or the period's end if sooner). None when
    the user is not staff of the unit or a zone is not theirs."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*access.UNIT_READERS)):
        return None
    ids = sorted({z.pk for z in zones})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    start = first.first_day
    end = last.shift(1).first_day - dt.timedelta(days=1)
    day = min(today or timezone.localdate(), end)
    projects = project_scope(user).filter(zone__in=ids, signed_on__lte=end)
    totals = projects.aggregate(
        n=Count("id"),
        total=Sum("total_investment_wan"),
        yearly=Sum("yearly_investment_wan"),
        created=Max("created_at"),
    )
    nodes = ProjectNode.objects.filter(project__in=projects)
    done_in = nodes.filter(done_on__gte=start, done_on__lte=end)
    counts = {
        code: done_in.filter(code=code).count()
        for code in (
            templates_default.START,
            templates_default.ACCEPTED,
            templates_default.PRODUCING,
        )
    }
    lighter = Lighter(day)
    red, yellow, late = 0, 0, []
    # The plan in force on the day: a re-plan approved after it had not yet moved the date (its
    # `from_on` was the date then), so a later re-plan does not rewrite an earlier summary.
    planned_then: dict[int, dt.date] = {}
    for node_id, from_on in (
        Replan.objects.filter(
            node__in=nodes, status=Replan.Status.APPROVED, decided_at__date__gt=day
        )
        .order_by("node_id", "decided_at")
        .values_list("node_id", "from_on")
    ):
        planned_then.setdefault(node_id, from_on)
    open_then = (
        nodes.filter(Q(done_on__isnull=True) | Q(done_on__gt=day))
        .filter(lighter.window() | Q(pk__in=planned_then))
        .select_related("project", "department", "blocked_by__department")
    )
    for node in open_then:
        node.planned_on = planned_then.get(node.pk, node.planned_on)
        light = lights.node_light(
            planned_on=node.planned_on,
            done_on=None,
            today=day,
            warn_days=node_warn(node, lighter.warn),
            calendar=lighter.calendar,
        )
        if light == lights.RED:
            red += 1
            late.append(
                LateNode(
                    project=node.project.name,
                    node=node.name,
                    department=_attributed(node),
                    late_days=(day - node.planned_on).days,
                    blocked_category=node.blocked_by.category if node.blocked_by_id else "",
                    blocked_need=node.blocked_by.need_label if node.blocked_by_id else "",
                )
            )
        elif light == lights.YELLOW:
            yellow += 1
    late.sort(key=lambda n: (-n.late_days, n.project, n.node))
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    if now is None:  # a given `today` is taken as of its end, never later than now
        now = timezone.now()
        if today:
            now = min(now, dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz))
    service = service_facts(projects, start=start_at, end=end_at, now=min(now, end_at))
    events = NodeEvent.objects.filter(node__project__in=projects).aggregate(at=Max("at"))["at"]
    # Investment: completed in the period's months; the rate is the year's (of the period's
    # last month) completed through that month over the year's plan (investment.py).
    invested = MonthlyInvestment.objects.filter(project__in=projects)
    months = [
        investment.MonthRow(month, planned, done)
        for month, planned, done in invested.values_list("month", "planned_wan", "done_wan")
    ]
    year = investment.year_figures(months, through=last.first_day)
    invest_at = invested.aggregate(at=Max("updated_at"))["at"]
    items = Guarantee.objects.filter(project__in=projects)
    not_done = items.filter(Q(done_on__isnull=True) | Q(done_on__gt=day))
    guarantees = items.aggregate(
        done=Count("id", filter=Q(done_on__gte=start, done_on__lte=end)),
        open=Count("id", filter=Q(pk__in=not_done.values("pk"))),
        overdue=Count("id", filter=Q(pk__in=not_done.filter(due_on__lt=day).values("pk"))),
        created=Max("created_at"),
    )
    stamps = [
        t for t in (totals["created"], events, guarantees["created"], invest_at) if t is not None
    ]
    return ProjectFacts(
        projects=totals["n"],
        total_investment_wan=totals["total"] or Decimal(0),
        yearly_investment_wan=totals["yearly"] or Decimal(0),
        started=counts[templates_default.START],
        completed=counts[templates_default.ACCEPTED],
        producing=counts[templates_default.PRODUCING],
        red=red,
        yellow=yellow,
        day=day,
        warn_days=lighter.warn,
        late=tuple(late[:LATE_LISTED]),
        as_of=max(stamps) if stamps else None,
        invest_done_wan=investment.done_between(months, start, last.first_day),
        invest_rate=year.rate,
        invest_plan_wan=year.planned_year,
        guarantees_done=guarantees["done"],
        guarantees_open=guarantees["open"],
        guarantees_overdue=guarantees["overdue"],
        service=service,
        producing_output_wan=projects.filter(
            pk__in=done_in.filter(code=templates_default.PRODUCING).values("project")
        ).aggregate(s=Sum("expected_output_wan"))["s"]
        or Decimal(0),
    )


def filter_choices(user) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The list's leader and department choices: the leading cadres of the user's projects
    and the departments in charge of their nodes (pk, name), by name."""
    from zonedesk.org.models import Department, User

    scope = project_scope(user)
    leaders = [
        (u.pk, u.full_name or u.username)
        for u in User.objects.filter(led_projects__in=scope).distinct()
    ]
    departments = list(
        Department.objects.filter(project_nodes__project__in=scope)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    return sorted(leaders, key=lambda c: c[1]), departments
