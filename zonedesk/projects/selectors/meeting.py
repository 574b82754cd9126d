"""The 调度会 (scheduling meeting): red and yellow nodes and open guarantee items by department;
the day's light changes for the reminders."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from zonedesk.projects import access, lights
from zonedesk.projects.models import (
    Guarantee,
    MonthlyInvestment,
    NodeLightNotice,
    Project,
    ProjectNode,
)
from zonedesk.projects.selectors.projects import Lighter, project_scope


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


NODE_COLUMNS = (
    "project_id",
    "seq",
    "code",
    "name",
    "status",
    "planned_on",
    "done_on",
    "version",
    "warn_days",
    "department_id",
    "person_id",
    "blocked_by_id",
)


def _attach(nodes: list[ProjectNode]) -> None:
    """The nodes' project, department, person and blocking item, each row read once and shared.

    At province scale the SQL is a few hundredths of a second of the selector's time and
    building the rows the rest: a node joined to its project, department, person and item built
    five objects per row; the node's own columns and the few distinct related rows read once
    take about a third of the time (bench/project_dashboard.py data, profiled with
    pyinstrument; docs/benchmarks.md)."""
    from zonedesk.org.models import Department, User

    def by_id(model, ids, *fields, related=()):
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        qs = model.objects.filter(pk__in=ids).select_related(*related)
        return {o.pk: o for o in (qs.only(*fields) if fields else qs)}

    projects = by_id(Project, (n.project_id for n in nodes), "name", "code", "zone_id")
    departments = by_id(Department, (n.department_id for n in nodes), "name")
    people = by_id(User, (n.person_id for n in nodes), "full_name", "username")
    items = by_id(Guarantee, (n.blocked_by_id for n in nodes), related=("department",))
    for n in nodes:
        n.project = projects[n.project_id]
        n.department = departments.get(n.department_id)
        n.person = people.get(n.person_id)
        n.blocked_by = items.get(n.blocked_by_id)


def meeting(user, *, today: dt.date | None = None) -> list[tuple[str, list[MeetingItem]]]:
    """The scheduling meeting (调度会): the red and yellow open nodes of the user's projects,
    grouped by whose the delay is (a node blocked by a guarantee item: the item's department or
    utility; otherwise the department in charge; departments in name order, nodes without one
    last), red first within a group, then by planned date."""
    today = today or timezone.localdate()
    lighter = Lighter(today)
    nodes = (
        ProjectNode.objects.filter(
            lighter.window(),
            project__in=project_scope(user),
            status=ProjectNode.Status.OPEN,
        )
        .only(*NODE_COLUMNS)
        .order_by("planned_on", "project__code", "seq")
    )
    lit = [(node, lighter(node)) for node in nodes]
    lit = [(node, light) for node, light in lit if light in (lights.RED, lights.YELLOW)]
    _attach([node for node, _light in lit])
    groups: dict[str, list[MeetingItem]] = defaultdict(list)
    for node, light in lit:
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

    Read in three plain steps, each an index range, whatever the number of projects: the open
    nodes that may be lit (Lighter.window) as bare dates, lit here; the notices already given to
    the lit ones; then the nodes still to tell, with their project (zone, officer, cadre),
    department and person. One query with the notices as NOT EXISTS and the related rows joined
    was costed high enough for PostgreSQL to compile it (JIT): 17 of its 26 s at 10,000 projects
    (docs/benchmarks.md, bench/project_remind.py)."""
    lighter = Lighter(today)
    rows = (
        ProjectNode.objects.filter(lighter.window(), status=ProjectNode.Status.OPEN)
        .order_by()
        .values_list("pk", "planned_on", "warn_days")
    )
    calendar, default = lighter.calendar, lighter.warn
    lit: dict[int, tuple[str, dt.date]] = {}
    for pk, planned_on, warn in rows:
        light = lights.node_light(
            planned_on=planned_on,
            done_on=None,
            today=today,
            warn_days=default if warn is None else warn,
            calendar=calendar,
        )
        if light in (lights.RED, lights.YELLOW):
            lit[pk] = (light, planned_on)
    told = set()
    ids = list(lit)
    for k in range(0, len(ids), CHUNK):
        told.update(
            NodeLightNotice.objects.filter(node_id__in=ids[k : k + CHUNK]).values_list(
                "node_id", "light", "planned_on"
            )
        )
    # Told red at its date, it stays red until done or re-planned: nothing more to tell.
    wanted = [
        pk
        for pk, (light, planned_on) in lit.items()
        if (pk, light, planned_on) not in told and (pk, lights.RED, planned_on) not in told
    ]
    nodes = []
    for k in range(0, len(wanted), CHUNK):
        nodes += ProjectNode.objects.filter(pk__in=wanted[k : k + CHUNK]).only(*NODE_COLUMNS)
    _attach_people(nodes)
    out = [(node, lit[node.pk][0]) for node in nodes if node.planned_on == lit[node.pk][1]]
    out.sort(key=lambda pair: (pair[0].planned_on, pair[0].project_id, pair[0].seq))
    return out


# Ids per IN (…) list (SQLite takes at most 32,766 parameters a statement).
CHUNK = 5000


def _attach_people(nodes: list[ProjectNode]) -> None:
    """The nodes' project (its zone and area, service officer and leading cadre), department and
    person, each distinct row read once and shared (the reminders' recipients and texts)."""
    from zonedesk.org.models import Department, User

    def by_id(model, ids, related=()):
        ids = list({i for i in ids if i is not None})
        out = {}
        for k in range(0, len(ids), CHUNK):
            qs = model.objects.filter(pk__in=ids[k : k + CHUNK]).select_related(*related)
            out.update((o.pk, o) for o in qs)
        return out

    projects = by_id(Project, (n.project_id for n in nodes), ("zone__area",))
    people = by_id(
        User,
        [n.person_id for n in nodes]
        + [p.service_officer_id for p in projects.values()]
        + [p.leading_cadre_id for p in projects.values()],
    )
    departments = by_id(Department, (n.department_id for n in nodes))
    for p in projects.values():
        p.service_officer = people.get(p.service_officer_id)
        p.leading_cadre = people.get(p.leading_cadre_id)
    for n in nodes:
        n.project = projects[n.project_id]
        n.person = people.get(n.person_id)
        n.department = departments.get(n.department_id)


@dataclass
class GuaranteeRow:
    guarantee: Guarantee
    overdue: bool  # open and its due date is past
    can_edit: bool = False
    blocking: list[str] | None = None  # the names of the nodes it blocks
    # Calendar days past the due date when overdue (0 otherwise), as a red node's late_days: the
    # nodes' red is "planned date before today", counted in calendar days (docs/statistics.md).
    late_days: int = 0


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
        overdue = g.overdue_on(today)
        late = (today - g.due_on).days if overdue else 0
        items[g.provider].append(GuaranteeRow(g, overdue, late_days=late))
    names = sorted(set(nodes) | set(items), key=_group_order)
    return [MeetingGroup(n, nodes.get(n, []), items.get(n, [])) for n in names]
