"""Projects, their nodes and re-plans as the acting user may see them; the project form's choices."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.org.access import is_active
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, lights
from zonedesk.projects.flows import NODE, REPLAN
from zonedesk.projects.models import (
    MAX_WARN_DAYS,
    Guarantee,
    Project,
    ProjectNode,
    Replan,
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


def node_warn(node: ProjectNode, default: int) -> int:
    """The node's yellow warning in working days: its own (from its template node), else the
    zone's setting `default`."""
    return default if node.warn_days is None else node.warn_days


class Lighter:
    """The light of nodes as of `today` (one calendar read for all of them); a node with a
    warning of its own (ProjectNode.warn_days) is lit with it, the others with `warn`."""

    def __init__(self, today: dt.date):
        self.today, self.warn = today, warn_days()
        self.calendar = work_calendar(today, lights.horizon(today, max(self.warn, MAX_WARN_DAYS)))

    def __call__(self, node: ProjectNode) -> str | None:
        return lights.node_light(
            planned_on=node.planned_on,
            done_on=node.done_on,
            today=self.today,
            warn_days=node_warn(node, self.warn),
            calendar=self.calendar,
        )

    def window(self) -> Q:
        """The open nodes that may be yellow or red today (the rest are surely green): planned
        up to the warning's horizon, or, for a node whose own warning is longer, up to the
        horizon of the longest a node may have."""
        return Q(planned_on__lte=lights.horizon(self.today, self.warn)) | Q(
            warn_days__gt=self.warn,
            planned_on__lte=lights.horizon(self.today, MAX_WARN_DAYS),
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
    complete_errors: dict | None = None  # the page's refused completion form's field errors


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


def open_node(project, code: str) -> ProjectNode | None:
    """The project's node of that template code, while it is open (None once done, or when the
    project's template has no such node)."""
    return project.nodes.filter(code=code, status=ProjectNode.Status.OPEN).first()


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


def project_named(
    user, zone, *, firm_id: int | None = None, leader: str = "", officer: str = ""
) -> dict:
    """The API's names resolved among project_form_choices of `zone`: the firm of id `firm_id`,
    the leader and the officer of those user names (None for each not given or not found)."""
    choices = project_form_choices(user, [zone])
    return {
        "investor": choices["firms"].filter(zone=zone, pk=firm_id).first() if firm_id else None,
        "leading_cadre": choices["leaders"].filter(username=leader).first() if leader else None,
        "service_officer": (
            choices["officers"].filter(username=officer).first() if officer else None
        ),
    }


def zone_department(pk: int, *, zone=None):
    """The department `pk` (of `zone` when given; the services check the zone again), or None."""
    from zonedesk.org.models import Department

    departments = Department.objects.filter(pk=pk)
    if zone is not None:
        departments = departments.filter(zone=zone)
    return departments.first()
