"""The project page's Gantt chart and the zone's project dashboard."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.org.models import Zone
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, lights
from zonedesk.projects.models import (
    Kind,
    Project,
    ProjectNode,
)
from zonedesk.projects.selectors.projects import NodeRow, project_scope, warn_days

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
    # The warnings of their own that nodes have (a handful of values, read from a small partial
    # index): a node is lit up to the date of its own warning, the others up to the zone's.
    own = sorted(
        ProjectNode.objects.filter(warn_days__isnull=False)
        .order_by()
        .values_list("warn_days", flat=True)
        .distinct()
    )
    calendar = work_calendar(today, lights.horizon(today, max([warn, *own])))
    until = lights.yellow_until(today, warn, calendar)
    lit = Q(warn_days__isnull=True, planned_on__lte=until)
    for days in own:
        lit |= Q(warn_days=days, planned_on__lte=lights.yellow_until(today, days, calendar))
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
            lit=Exists(open_nodes.filter(lit)),  # red or yellow
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
