"""Which key projects a user sees, their nodes with lights, and the scheduling meeting's list.

Lights are computed on reading (lights.py) from the stored dates and the working-day calendar
(casework's: official arrangements and the administrators' own days), so they are never stale.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from zonedesk.casework import clock
from zonedesk.casework.clock import ClockRow
from zonedesk.casework.selectors import clock_rows as work_clock_rows
from zonedesk.casework.selectors import problem_choices as clock_choices
from zonedesk.casework.selectors import work_calendar
from zonedesk.core.period import Period
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.monitoring.recovery import Addition
from zonedesk.monitoring.selectors import figure_history
from zonedesk.org.access import is_active
from zonedesk.org.models import Role, Zone
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, investment, lights, servicelog, templates_default
from zonedesk.projects.facts import LateNode, ProjectFacts, ServiceFacts
from zonedesk.projects.flows import NODE, REPLAN, TO_RESOLVED
from zonedesk.projects.models import (
    Guarantee,
    Kind,
    MonthlyInvestment,
    NodeEvent,
    NodeLightNotice,
    Project,
    ProjectNode,
    Replan,
    ServiceRequest,
)

DEFAULT_WARN_WORKDAYS = 5


def warn_days() -> int:
    """Working days before a planned date when a node turns yellow (settings
    ZONEDESK["PROJECT_WARN_WORKDAYS"], 5 by default)."""
    return int(settings.ZONEDESK.get("PROJECT_WARN_WORKDAYS", DEFAULT_WARN_WORKDAYS))


def project_scope(user) -> QuerySet[Project]:
    """Every project the user may see."""
    qs = Project.objects.all()
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    parts = []
    if user.has_role(*access.UNIT_READERS):
        parts.append(Q(zone__in=zone_list(user)))
    if user.has_role(Role.DEPARTMENT) and user.department_id is not None:
        parts.append(
            Q(pk__in=ProjectNode.objects.filter(department_id=user.department_id).values("project"))
            | Q(pk__in=Guarantee.objects.filter(department_id=user.department_id).values("project"))
        )
    if user.has_role(Role.ENTERPRISE):
        parts.append(
            Q(investor_id__in=EnterpriseMember.objects.filter(user=user).values("enterprise_id"))
        )
    if not parts:
        return qs.none()
    where = parts[0]
    for part in parts[1:]:
        where |= part
    return qs.filter(where)


class Lighter:
    """The light of nodes as of `today` (one calendar read for all of them)."""

    def __init__(self, today: dt.date):
        self.today, self.warn = today, warn_days()
        self.calendar = work_calendar(today, lights.horizon(today, self.warn))

    def __call__(self, node: ProjectNode) -> str | None:
        return lights.node_light(
            planned_on=node.planned_on,
            done_on=node.done_on,
            today=self.today,
            warn_days=self.warn,
            calendar=self.calendar,
        )


@dataclass
class ProjectRow:
    project: Project
    light: str
    stage: str  # the name of the first open node ("" when every node is done)
    done: int
    total: int
    stage_code: str = ""
    department_id: int | None = None  # the department in charge of the first open node


ALL_DONE = "done"  # the stage filter's value for projects whose every node is done


def project_rows(
    user,
    *,
    level: str | None = None,
    kind: str | None = None,
    light: str | None = None,
    stage: str | None = None,
    leader: int | None = None,
    department: int | None = None,
    today: dt.date | None = None,
) -> list[ProjectRow]:
    """The user's projects with their light (the worst of their open nodes) and stage,
    filtered by level, kind, light, stage (the code of the first open node, or ALL_DONE),
    leading cadre and the department in charge of the current node; red first, then yellow,
    then by code."""
    today = today or timezone.localdate()
    qs = project_scope(user).select_related("zone", "investor", "leading_cadre", "service_officer")
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if leader:
        qs = qs.filter(leading_cadre_id=leader)
    projects = list(qs.order_by("code", "pk"))
    nodes = defaultdict(list)
    for node in ProjectNode.objects.filter(project__in=[p.pk for p in projects]).order_by(
        "project", "seq"
    ):
        nodes[node.project_id].append(node)
    lighter = Lighter(today)
    rows = []
    for project in projects:
        own = nodes[project.pk]
        first_open = next((n for n in own if n.status == ProjectNode.Status.OPEN), None)
        rows.append(
            ProjectRow(
                project=project,
                light=lights.worst(lighter(n) for n in own),
                stage=first_open.name if first_open else "",
                stage_code=first_open.code if first_open else "",
                department_id=first_open.department_id if first_open else None,
                done=sum(n.status == ProjectNode.Status.DONE for n in own),
                total=len(own),
            )
        )
    if light:
        rows = [r for r in rows if r.light == light]
    if stage:
        rows = [r for r in rows if (r.stage_code or ALL_DONE) == stage]
    if department:
        rows = [r for r in rows if r.department_id == department]
    rows.sort(key=lambda r: -lights.ORDER[r.light])
    return rows


def project_get(user, *, pk: int) -> Project | None:
    return (
        project_scope(user)
        .select_related("zone__area", "investor", "leading_cadre", "service_officer")
        .filter(pk=pk)
        .first()
    )


@dataclass
class NodeRow:
    node: ProjectNode
    light: str | None
    waits_for: list[str]
    can_complete: bool
    can_replan: bool
    pending: Replan | None
    can_decide: bool
    own: bool = False  # the user asked for the waiting re-plan: may refuse it, not approve it
    can_block: bool = False  # may mark the node blocked by a guarantee item, or release it


def node_rows(user, project: Project, *, today: dt.date | None = None) -> list[NodeRow]:
    """The project's nodes in order, with their light, what each waits for, the re-plan that
    awaits a decision and what the user may do (for the buttons; the services check again)."""
    lighter = Lighter(today or timezone.localdate())
    nodes = list(
        project.nodes.select_related(
            "department", "person", "blocked_by__department"
        ).prefetch_related("depends_on")
    )
    for node in nodes:
        node.project = project
    pending = {
        r.node_id: r
        for r in Replan.objects.filter(node__project=project, status=Replan.Status.REQUESTED)
    }
    deciding = access.can_decide_replan(user, project)
    rows = []
    for node in nodes:
        replan = pending.get(node.pk)
        if replan is not None:
            replan.node = node
        rows.append(
            NodeRow(
                node=node,
                light=lighter(node),
                waits_for=[d.name for d in node.depends_on.all()],
                can_complete=bool(NODE.allowed(user, node)),
                can_replan=node.status == ProjectNode.Status.OPEN
                and replan is None
                and access.can_act_on_node(user, node),
                pending=replan,
                can_decide=replan is not None and deciding and bool(REPLAN.allowed(user, replan)),
                own=replan is not None and replan.requested_by_id == user.pk,
                can_block=node.status == ProjectNode.Status.OPEN
                and access.can_act_on_node(user, node),
            )
        )
    return rows


def replans_of(user, project: Project) -> QuerySet[Replan]:
    """The project's re-plans, newest first (the page's history)."""
    return Replan.objects.filter(node__project=project).select_related(
        "node", "requested_by", "decided_by"
    )


@dataclass
class PendingReplan:
    replan: Replan
    own: bool  # the user asked for it: may refuse (withdraw) it, not approve it


def replans_to_decide(user) -> list[PendingReplan]:
    """The re-plans awaiting a decision that the user may decide (a leader over the project's
    zone, or its leading cadre), oldest first: the leader's 待审批改期 list."""
    waiting = (
        Replan.objects.filter(status=Replan.Status.REQUESTED, node__project__in=project_scope(user))
        .select_related("node__project__zone__area", "node__department", "requested_by")
        .order_by("requested_at", "pk")
    )
    return [
        PendingReplan(r, own=r.requested_by_id == user.pk)
        for r in waiting
        if access.can_decide_replan(user, r.node.project)
    ]


def node_get(user, *, pk: int) -> ProjectNode | None:
    return (
        ProjectNode.objects.filter(project__in=project_scope(user))
        .select_related("project__zone__area")
        .filter(pk=pk)
        .first()
    )


def replan_get(user, *, pk: int) -> Replan | None:
    return (
        Replan.objects.filter(node__project__in=project_scope(user))
        .select_related("node__project__zone__area")
        .filter(pk=pk)
        .first()
    )


@dataclass
class MeetingItem:
    node: ProjectNode
    light: str
    late_days: int  # calendar days past the planned date (0 when yellow)

    @property
    def blocked_by(self) -> Guarantee | None:
        return self.node.blocked_by


def _attributed(node: ProjectNode) -> str:
    """Whose the node's delay is: the provider of the guarantee item blocking it, else the
    department in charge of the node ("" when none)."""
    if node.blocked_by_id is not None:
        return node.blocked_by.provider
    return node.department.name if node.department else ""


def _group_order(name: str) -> tuple:
    return (name == "", name)


def meeting(user, *, today: dt.date | None = None) -> list[tuple[str, list[MeetingItem]]]:
    """The scheduling meeting (调度会): the red and yellow open nodes of the user's projects,
    grouped by whose the delay is (a node blocked by a guarantee item: the item's department or
    utility; otherwise the department in charge; departments in name order, nodes without one
    last), red first within a group, then by planned date."""
    today = today or timezone.localdate()
    lighter = Lighter(today)
    horizon = lights.horizon(today, lighter.warn)
    nodes = (
        ProjectNode.objects.filter(
            project__in=project_scope(user),
            status=ProjectNode.Status.OPEN,
            planned_on__lte=horizon,
        )
        .select_related("project", "department", "person", "blocked_by__department")
        .order_by("planned_on", "project__code", "seq")
    )
    groups: dict[str, list[MeetingItem]] = defaultdict(list)
    for node in nodes:
        light = lighter(node)
        if light in (lights.RED, lights.YELLOW):
            late = max((today - node.planned_on).days, 0)
            groups[_attributed(node)].append(MeetingItem(node, light, late))
    out = []
    for name in sorted(groups, key=_group_order):
        items = sorted(groups[name], key=lambda i: (-lights.ORDER[i.light], i.node.planned_on))
        out.append((name, items))
    return out


def light_changes(*, today: dt.date) -> list[tuple[ProjectNode, str]]:
    """The open nodes that are yellow or red on `today` and whose people have not been told of
    that light at the node's present planned date (NodeLightNotice), with the light, in order of
    planned date. Reference data: not scoped, because it serves the system's daily reminder run
    (services.lights_remind), which tells each node's own people and nobody else.

    Only the nodes planned up to the warning's horizon can be yellow or red; a node already told
    of as red at its planned date is left to the database (it stays red until done or re-planned).
    """
    lighter = Lighter(today)
    told = NodeLightNotice.objects.filter(node=OuterRef("pk"), planned_on=OuterRef("planned_on"))
    nodes = (
        ProjectNode.objects.filter(
            status=ProjectNode.Status.OPEN,
            planned_on__lte=lights.horizon(today, lighter.warn),
        )
        .alias(told_red=Exists(told.filter(light=lights.RED)))
        .filter(told_red=False)
        .annotate(told_yellow=Exists(told.filter(light=lights.YELLOW)))
        .select_related(
            "project__zone__area",
            "project__service_officer",
            "project__leading_cadre",
            "department",
            "person",
        )
        .order_by("planned_on", "project_id", "seq")
    )
    out = []
    for node in nodes:
        light = lighter(node)
        if light == lights.RED or (light == lights.YELLOW and not node.told_yellow):
            out.append((node, light))
    return out


@dataclass
class GuaranteeRow:
    guarantee: Guarantee
    overdue: bool  # open and its due date is past
    can_edit: bool = False
    blocking: list[str] | None = None  # the names of the nodes it blocks


def project_guarantee(project_id: int, pk: int) -> Guarantee | None:
    """The guarantee item `pk` if it is one of the project's (a node of the project may be marked
    blocked by it), else None. The project was found in the caller's scope already."""
    return Guarantee.objects.filter(pk=pk, project_id=project_id).first()


def investment_month(project: Project, month: dt.date) -> MonthlyInvestment | None:
    """The project's stored month (its first day), if any. The project is the caller's already."""
    return project.investments.filter(month=month).first()


def guarantee_rows(user, project: Project, *, today: dt.date | None = None) -> list[GuaranteeRow]:
    """The project's element guarantee items (open first, then by due date), each with whether
    it is overdue, the nodes it blocks and whether the user may change it."""
    today = today or timezone.localdate()
    items = list(project.guarantees.select_related("department").prefetch_related("blocked_nodes"))
    rows = []
    for g in items:
        g.project = project
        rows.append(
            GuaranteeRow(
                guarantee=g,
                overdue=g.overdue_on(today),
                can_edit=access.can_edit_guarantee(user, g),
                blocking=[
                    n.name for n in g.blocked_nodes.all() if n.status == ProjectNode.Status.OPEN
                ],
            )
        )
    rows.sort(key=lambda r: (r.guarantee.done_on is not None, r.guarantee.due_on, r.guarantee.pk))
    return rows


def guarantee_get(user, *, pk: int) -> Guarantee | None:
    return (
        Guarantee.objects.filter(project__in=project_scope(user))
        .select_related("project__zone__area", "department")
        .filter(pk=pk)
        .first()
    )


@dataclass
class MeetingGroup:
    name: str  # the department or utility ("" when none)
    items: list[MeetingItem]
    guarantees: list[GuaranteeRow]


def meeting_board(user, *, today: dt.date | None = None) -> list[MeetingGroup]:
    """The scheduling meeting's page and export: for each department (or utility), its red and
    yellow nodes (meeting()) beside its open guarantee items (overdue ones first, then by due
    date); groups in name order, the one without a name last."""
    today = today or timezone.localdate()
    nodes = dict(meeting(user, today=today))
    open_items = (
        Guarantee.objects.filter(project__in=project_scope(user), done_on__isnull=True)
        .select_related("project", "department")
        .order_by("due_on", "project__code", "pk")
    )
    items: dict[str, list[GuaranteeRow]] = defaultdict(list)
    for g in open_items:
        items[g.provider].append(GuaranteeRow(g, g.overdue_on(today)))
    names = sorted(set(nodes) | set(items), key=_group_order)
    return [MeetingGroup(n, nodes.get(n, []), items.get(n, [])) for n in names]


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
        .filter(Q(planned_on__lte=lights.horizon(day, lighter.warn)) | Q(pk__in=planned_then))
        .select_related("project", "department", "blocked_by__department")
    )
    for node in open_then:
        node.planned_on = planned_then.get(node.pk, node.planned_on)
        light = lights.node_light(
            planned_on=node.planned_on,
            done_on=None,
            today=day,
            warn_days=lighter.warn,
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


def _month_rows(projects) -> dict[int, list[investment.MonthRow]]:
    out: dict[int, list[investment.MonthRow]] = defaultdict(list)
    for pid, month, planned, done in MonthlyInvestment.objects.filter(
        project__in=projects
    ).values_list("project_id", "month", "planned_wan", "done_wan"):
        out[pid].append(investment.MonthRow(month, planned, done))
    return out


def investment_totals(projects: list[Project], *, today: dt.date | None = None):
    """The year's figures of `projects` (the user's, already scoped) through this month: all of
    them, per level and per kind (investment.zone_totals)."""
    through = today or timezone.localdate()
    rows = _month_rows([p.pk for p in projects])
    return investment.zone_totals(
        (investment.ProjectRows(p.level, p.kind, tuple(rows[p.pk])) for p in projects),
        through=through,
    )


@dataclass
class InvestmentView:
    year: investment.YearFigures
    months: list[MonthlyInvestment]  # newest first
    can_enter: bool
    first_month: dt.date  # the project's signing month: none earlier may be entered
    chart: dict | None = None  # the year's months for the page's chart (None: none entered)


def investment_of(user, project: Project, *, today: dt.date | None = None) -> InvestmentView:
    """A project's monthly investment for its page: the year's figures and every month."""
    today = today or timezone.localdate()
    months = list(project.investments.order_by("-month"))
    year = investment.year_figures(
        (investment.MonthRow(m.month, m.planned_wan, m.done_wan) for m in months), through=today
    )
    this_year = sorted((m for m in months if m.month.year == today.year), key=lambda m: m.month)
    chart = None
    if this_year:
        from django.utils.translation import gettext as _
        from django.utils.translation import pgettext

        chart = {
            "months": [
                pgettext("chart axis month", "%(month)d") % {"month": m.month.month}
                for m in this_year
            ],
            "planned": [str(m.planned_wan) for m in this_year],
            "done": [str(m.done_wan) for m in this_year],
            "names": {
                "planned": pgettext("investment", "Planned"),
                "done": pgettext("investment", "Completed"),
                "unit": _("10k yuan"),
            },
        }
    return InvestmentView(
        year=year,
        months=months,
        can_enter=access.can_enter_investment(user, project.zone),
        first_month=project.signed_on.replace(day=1),
        chart=chart,
    )


def investment_zones(user) -> list:
    """The zones whose projects' investment the user may import, by code."""
    return [z for z in zone_list(user).order_by("code") if access.can_enter_investment(user, z)]


def investment_template_projects(user, zone) -> list[tuple[str, str]]:
    """(code, name) of the zone's projects the user sees, by code, for the import's template."""
    return list(project_scope(user).filter(zone=zone).order_by("code").values_list("code", "name"))


# --- service requests (7x24) -----------------------------------------------------------------


@dataclass
class ServiceLogRow:
    """One service request on the project's page: the clock's row, the hours taken, whether
    it ran past a limit, and what the user may record on it (the services check again)."""

    request: ServiceRequest
    clock: ClockRow
    response_hours: float | None
    resolution_hours: float | None
    late_response: bool
    late_resolution: bool
    can_respond: bool
    can_resolve: bool

    @property
    def overdue(self) -> bool:
        return self.late_response or self.late_resolution


def service_log(user, project: Project, *, now: dt.datetime | None = None) -> list[ServiceLogRow]:
    """The project's service requests, newest first, on the round-the-clock clock (hours,
    nights and weekends counted). The project is one the user sees (project_get)."""
    now = now or timezone.now()
    requests = {r.problem_id: r for r in project.service_requests.all()}
    clocks = {c.problem_id: c for c in work_clock_rows(requests)}
    rows = []
    for problem_id, request in requests.items():
        c = clocks[problem_id]
        rows.append(
            ServiceLogRow(
                request=request,
                clock=c,
                response_hours=clock.response_hours(c),
                resolution_hours=clock.resolution_hours(c),
                late_response=clock.late_response(c, now),
                late_resolution=clock.late_resolution(c, now),
                can_respond=c.status == "submitted" and _may_respond(user, project),
                can_resolve=c.status in TO_RESOLVED and _may_resolve(user, project, c),
            )
        )
    rows.sort(key=lambda r: (r.clock.raised_at, r.request.pk), reverse=True)
    return rows


def _may_respond(user, project: Project) -> bool:
    return access.is_manager(user, project) or access.is_service_officer(user, project)


def _may_resolve(user, project: Project, c: ClockRow) -> bool:
    if _may_respond(user, project):
        return True
    return (
        is_active(user)
        and user.has_role(Role.DEPARTMENT)
        and user.department_id is not None
        and user.department_id == c.department_id
    )


def service_request_get(user, *, pk: int) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.filter(project__in=project_scope(user))
        .select_related("project__zone__area", "problem__enterprise__zone__area")
        .filter(pk=pk)
        .first()
    )


def service_facts(projects: QuerySet[Project], *, start, end, now) -> ServiceFacts:
    """The service requests of `projects` raised from `start` to `end` (instants), as of
    `now` (servicelog.figures)."""
    ids = ServiceRequest.objects.filter(
        project__in=projects, created_at__gte=start, created_at__lt=end
    ).values_list("problem_id", flat=True)
    return servicelog.figures(work_clock_rows(ids), start=start, end=end, now=now)


def service_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of a request's category and way raised (casework's).

    Reference data: not scoped, because they are the same for every user."""
    return clock_choices()


def production_pipeline(user, *, zone_ids: list[int], year: int) -> list[Addition]:
    """The recovery forecast's additions (settings ZONEDESK["RECOVERY_PIPELINES"]), summed by
    month in SQL (one row per planned month, however many projects: the dashboard reads it on
    every request, for its cache key): the projects of the zones the user sees that are under
    way (not yet producing) with an expected annual output, from the month of their 投产 node's
    current plan (a re-plan moves it; the project's first planned month when the node is not in
    its template), up to `year`."""
    planned = ProjectNode.objects.filter(
        project=OuterRef("pk"), code=templates_default.PRODUCING, status=ProjectNode.Status.OPEN
    ).values("planned_on")[:1]
    rows = (
        project_scope(user)
        .filter(zone_id__in=zone_ids, state=Project.State.ACTIVE, expected_output_wan__gt=0)
        .annotate(planned=Coalesce(Subquery(planned), "first_production_month"))
        .filter(planned__lt=dt.date(year + 1, 1, 1))
        .annotate(month=TruncMonth("planned"))
        .order_by()
        .values("month")
        .annotate(annual=Sum("expected_output_wan"), n=Count("id"))
        .order_by("month")
    )
    return [Addition("", r["month"].year, r["month"].month, r["annual"], r["n"]) for r in rows]


@dataclass(frozen=True)
class Promised:
    """One line of promised versus actual: what the project promised, what its firm did."""

    promised: Decimal | None
    actual: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        """actual / promised (1 = as promised); None without both or with nothing promised."""
        if self.promised is None or self.actual is None or self.promised <= 0:
            return None
        return self.actual / self.promised


@dataclass(frozen=True)
class PromisedActual:
    """A producing project's promises against its firm's reported figures over the latest 12
    months (docs/statistics.md "Promised versus actual")."""

    firm_name: str
    first: Period | None  # the window's months: the 12 ending with the firm's latest report
    last: Period | None
    months: int  # months in the window the firm reported
    tax_months: int  # of them, months with the tax stored
    output: Promised  # expected annual output vs output of the window (万元)
    tax: Promised  # expected annual tax vs tax of the window (万元)
    intensity: Promised  # 万元/亩: total investment / site area vs / the firm's land in use
    output_per_mu: Promised  # 万元/亩: expected output / site area vs the window's / land


def _per(amount: Decimal | None, area: Decimal | None) -> Decimal | None:
    return amount / area if amount is not None and area else None


def promised_actual(user, project: Project) -> PromisedActual | None:
    """Promised versus actual once the project is in production and linked to its firm, from
    the firm's figures the user may see (monitoring's selectors); None before."""
    if project.state == Project.State.ACTIVE or project.investor_id is None:
        return None
    firm = project.investor
    rows = figure_history(user, enterprise=firm, months=12)
    last = Period.of(rows[0].period) if rows else None
    window = [r for r in rows if last is not None and Period.of(r.period) > last.shift(-12)]
    output = sum((r.output_value_wan for r in window), Decimal(0)) if window else None
    taxed = [r.tax_wan for r in window if r.tax_wan is not None]
    land = firm.land_area_mu
    return PromisedActual(
        firm_name=firm.name,
        first=last.shift(-11) if last else None,
        last=last,
        months=len(window),
        tax_months=len(taxed),
        output=Promised(project.expected_output_wan, output),
        tax=Promised(project.expected_tax_wan, sum(taxed, Decimal(0)) if taxed else None),
        intensity=Promised(
            _per(project.total_investment_wan, project.site_area_mu),
            _per(project.total_investment_wan, land),
        ),
        output_per_mu=Promised(
            _per(project.expected_output_wan, project.site_area_mu), _per(output, land)
        ),
    )


# --- the project form's choices (pform) ------------------------------------------------------


def creatable_zones(user) -> QuerySet:
    """The zones the user may add a key project to (a leader's or an administrator's)."""
    zones = list(zone_list(user))
    return zone_list(user).filter(
        pk__in=[z.pk for z in zones if access.can_create_project(user, z)]
    )


def project_form_choices(user, zones) -> dict:
    """The firms, leaders and officers a project of `zones` may name: the firms of the zones, the
    active leaders over one of them, the active officers of one of them (the service checks
    the project's own zone again)."""
    from zonedesk.enterprises.models import Enterprise
    from zonedesk.org.access import zone_in_unit
    from zonedesk.org.models import User

    zones = list(zones)
    people = (
        User.objects.filter(is_active=True, is_superuser=False)
        .select_related("zone", "area")
        .order_by("full_name", "username")
    )
    leaders = [
        u.pk
        for u in people.filter(role_grants__role=Role.LEADER).distinct()
        if any(zone_in_unit(u, z) for z in zones)
    ]
    return {
        "firms": Enterprise.objects.filter(zone__in=zones).order_by("name"),
        "leaders": people.filter(pk__in=leaders),
        "officers": people.filter(role_grants__role=Role.OFFICER, zone__in=zones).distinct(),
    }


# --- the project page's Gantt chart and the zone's project dashboard -------------------------


def gantt(rows: list[NodeRow], *, today: dt.date) -> dict:
    """The project page's Gantt-style chart, from the page's node rows (node_rows: no query of
    its own): per node in order its name, baseline, planned (the re-planned date when it moved)
    and actual dates as ISO strings (None when missing) and its light ("done" once done), and
    today. The chart draws them; the nodes table shows the same."""
    return {
        "today": today.isoformat(),
        "nodes": [
            {
                "name": r.node.name,
                "baseline": r.node.baseline_on.isoformat(),
                "planned": r.node.planned_on.isoformat(),
                "actual": r.node.done_on.isoformat() if r.node.done_on else None,
                "light": r.light or "done",
                "replanned": r.node.replanned,
            }
            for r in rows
        ],
    }


@dataclass
class DashboardGroup:
    key: str  # the level, kind or zone code
    label: str
    projects: int
    red: int
    yellow: int
    total_investment_wan: Decimal
    yearly_investment_wan: Decimal

    @property
    def green(self) -> int:
        return self.projects - self.red - self.yellow


@dataclass
class DashboardStage:
    seq: int | None  # the furthest done node's place (None: no node done yet)
    name: str  # its name ("" when none)
    projects: int


@dataclass
class Dashboard:
    today: dt.date
    yellow_until: dt.date  # an open node planned up to this date is yellow (lights.yellow_until)
    totals: DashboardGroup
    stages: list[DashboardStage]
    by_level: list[DashboardGroup]
    by_kind: list[DashboardGroup]
    by_zone: list[DashboardGroup]


def dashboard_zones(user):
    """The zones the dashboard may show the user (their own: one for zone staff, all of a city's
    or province's for area users)."""
    if not access.can_view_dashboard(user):
        return zone_list(user).none()
    return zone_list(user)


def dashboard(user, *, zones=None, today: dt.date | None = None) -> Dashboard | None:
    """The project dashboard of the user's zones (or of `zones`, each one of theirs): projects by
    stage (the name of the furthest node done), by light (a project's light is its worst open
    node's: red when one is past its planned date, yellow when one is planned up to
    `yellow_until`, green otherwise), by level, kind and zone, each with its total investment
    and its investment planned this year. Counted in SQL: one query grouped by level, kind,
    zone and light (EXISTS over the open nodes), summed here per table, and one by stage (a
    correlated subquery); never a loop over projects in Python. None when the user may not see it."""
    if not access.can_view_dashboard(user):
        return None
    today = today or timezone.localdate()
    warn = warn_days()
    until = lights.yellow_until(today, warn, work_calendar(today, lights.horizon(today, warn)))
    allowed = dashboard_zones(user)
    if zones is not None:
        allowed = allowed.filter(pk__in=[z.pk for z in zones])
    projects = project_scope(user).filter(zone__in=allowed)
    open_nodes = ProjectNode.objects.filter(project=OuterRef("pk"), status=ProjectNode.Status.OPEN)
    # One grouped query: the projects by level, kind, zone and light (at most a few thousand
    # groups however many projects), summed below into each table.
    cells = (
        projects.order_by()
        .annotate(
            red=Exists(open_nodes.filter(planned_on__lt=today)),
            lit=Exists(open_nodes.filter(planned_on__lte=until)),  # red or yellow
        )
        .values("level", "kind", "zone", "red", "lit")
        .annotate(
            n=Count("id"), total=Sum("total_investment_wan"), yearly=Sum("yearly_investment_wan")
        )
    )
    sums: dict[tuple[str, object], DashboardGroup] = {}

    def add(c: dict, dimension: str, key) -> None:
        g = sums.setdefault(
            (dimension, key), DashboardGroup(str(key), "", 0, 0, 0, Decimal(0), Decimal(0))
        )
        g.projects += c["n"]
        g.red += c["n"] if c["red"] else 0
        g.yellow += c["n"] if c["lit"] and not c["red"] else 0
        g.total_investment_wan += c["total"] or 0
        g.yearly_investment_wan += c["yearly"] or 0

    for c in cells:
        for dimension in ("level", "kind", "zone"):
            add(c, dimension, c[dimension])
        add(c, "", "")

    def grouped(dimension: str, labels: dict) -> list[DashboardGroup]:
        out = []
        for key, label in labels.items():
            if (dimension, key) in sums:
                g = sums[(dimension, key)]
                g.label = str(label)
                out.append(g)
        return out

    zone_rows = []
    for z in Zone.objects.filter(pk__in={k for d, k in sums if d == "zone"}).order_by("code"):
        g = sums[("zone", z.pk)]
        g.key, g.label = z.code, z.name
        zone_rows.append(g)

    furthest = ProjectNode.objects.filter(
        project=OuterRef("pk"), status=ProjectNode.Status.DONE
    ).order_by("-seq")
    stages = (
        projects.order_by()
        .annotate(
            stage_seq=Subquery(furthest.values("seq")[:1]),
            stage_name=Subquery(furthest.values("name")[:1]),
        )
        .values("stage_seq", "stage_name")
        .annotate(n=Count("id"))
    )
    stage_rows = sorted(
        (DashboardStage(s["stage_seq"], s["stage_name"] or "", s["n"]) for s in stages),
        key=lambda s: (s.seq is not None, s.seq or 0, s.name),
    )
    return Dashboard(
        today=today,
        yellow_until=until,
        totals=sums.get(("", ""), DashboardGroup("", "", 0, 0, 0, Decimal(0), Decimal(0))),
        stages=stage_rows,
        by_level=grouped("level", dict(Project.Level.choices)),
        by_kind=grouped("kind", dict(Kind.choices)),
        by_zone=zone_rows,
    )
