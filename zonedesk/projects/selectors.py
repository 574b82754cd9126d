"""Which key projects a user sees, their nodes with lights, and the scheduling meeting's list.

Lights are computed on reading (lights.py) from the stored dates and the working-day calendar
(casework's: official arrangements and the administrators' own days), so they are never stale.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.org.access import is_active
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, lights, templates_default
from zonedesk.projects.facts import LateNode, ProjectFacts
from zonedesk.projects.flows import NODE, REPLAN
from zonedesk.projects.models import NodeEvent, Project, ProjectNode, Replan

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


def project_rows(
    user,
    *,
    level: str | None = None,
    kind: str | None = None,
    light: str | None = None,
    today: dt.date | None = None,
) -> list[ProjectRow]:
    """The user's projects with their light (the worst of their open nodes) and stage,
    filtered by level, kind and light; red first, then yellow, then by code."""
    today = today or timezone.localdate()
    qs = project_scope(user).select_related("zone", "investor", "leading_cadre", "service_officer")
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
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
                done=sum(n.status == ProjectNode.Status.DONE for n in own),
                total=len(own),
            )
        )
    if light:
        rows = [r for r in rows if r.light == light]
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


def node_rows(user, project: Project, *, today: dt.date | None = None) -> list[NodeRow]:
    """The project's nodes in order, with their light, what each waits for, the re-plan that
    awaits a decision and what the user may do (for the buttons; the services check again)."""
    lighter = Lighter(today or timezone.localdate())
    nodes = list(
        project.nodes.select_related("department", "person").prefetch_related("depends_on")
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


def meeting(user, *, today: dt.date | None = None) -> list[tuple[str, list[MeetingItem]]]:
    """The scheduling meeting (调度会): the red and yellow open nodes of the user's projects,
    grouped by the department in charge (departments in name order, nodes without one last),
    red first within a department, then by planned date."""
    today = today or timezone.localdate()
    lighter = Lighter(today)
    horizon = lights.horizon(today, lighter.warn)
    nodes = (
        ProjectNode.objects.filter(
            project__in=project_scope(user),
            status=ProjectNode.Status.OPEN,
            planned_on__lte=horizon,
        )
        .select_related("project", "department", "person")
        .order_by("planned_on", "project__code", "seq")
    )
    groups: dict[str, list[MeetingItem]] = defaultdict(list)
    for node in nodes:
        light = lighter(node)
        if light in (lights.RED, lights.YELLOW):
            late = max((today - node.planned_on).days, 0)
            groups[node.department.name if node.department else ""].append(
                MeetingItem(node, light, late)
            )
    out = []
    for name in sorted(groups, key=lambda n: (n == "", n)):
        items = sorted(groups[name], key=lambda i: (-lights.ORDER[i.light], i.node.planned_on))
        out.append((name, items))
    return out


LATE_LISTED = 5


def summary(user, *, zones, first, last, today: dt.date | None = None) -> ProjectFacts | None:
    """The key projects of the zones (each one the user's) for the work summary, from `first`
    to `last` (Periods): how many are followed and their investment, the nodes 开工, 竣工验收
    and 投产 done in the period, and the lights on the period's last day (or today if sooner;
    a node done after that day was open on it; its planned date the one in force that day,
    before any re-plan approved later). None when
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
        .select_related("project", "department")
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
                    department=node.department.name if node.department else "",
                    late_days=(day - node.planned_on).days,
                )
            )
        elif light == lights.YELLOW:
            yellow += 1
    late.sort(key=lambda n: (-n.late_days, n.project, n.node))
    events = NodeEvent.objects.filter(node__project__in=projects).aggregate(at=Max("at"))["at"]
    stamps = [t for t in (totals["created"], events) if t is not None]
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
    )
