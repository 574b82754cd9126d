"""Key projects (issue 18) at province scale: 10,000 projects x 30 nodes (one project for every
ten synthetic firms: 10,000 at the suite's 100,000), signed over three years, about half on
time and the rest behind (zonedesk/demo/scale.py generate_projects, written once per database).

As the province's leader: the project dashboard's selector (projects.selectors.dashboard:
counts by stage, light, level, kind and zone, in SQL with EXISTS and correlated subqueries), the
dashboard page through the test client, and the scheduling meeting's selector (meeting_board:
the red and yellow open nodes, lit in Python from the working-day calendar, beside the open
guarantee items). The target: each under 1 s on PostgreSQL.

Instead: the lights counted per project in Python (project_rows, the list's selector, which reads
every node), on one zone and extrapolated to the province by its share of the projects."""

import secrets

from common import key_projects, median, row, timed, zone_leader
from django.test import Client
from django.urls import reverse

from zonedesk.core.actors import SYSTEM
from zonedesk.demo import scale
from zonedesk.org import services as org_services
from zonedesk.org.models import Area, Role, User, Zone
from zonedesk.projects import selectors
from zonedesk.projects.models import Project, ProjectNode

TITLE = "Key projects: the province's project dashboard and scheduling meeting"
TARGET = 1.0  # seconds, on PostgreSQL


def _user(province: Area) -> User:
    """The province's leader (the same account as the other province benchmarks)."""
    user = User.objects.filter(username="bench-province").first()
    if user is None:
        user = org_services.user_create(
            actor=SYSTEM,
            username="bench-province",
            password=secrets.token_urlsafe(18) + "Aa1-",  # four classes whatever the draw
            roles=[Role.LEADER],
            area=province,
        )
    return user


def run(*, runs: int, sample: int, log) -> list[dict]:
    n = key_projects(log)
    province = Area.objects.get(code=scale.PROVINCE)
    user = _user(province)
    nodes = ProjectNode.objects.filter(project__zone__area__code__startswith="99").count()

    board_times, board = timed(lambda: selectors.dashboard(user), runs)
    t = board.totals
    log(
        f"  dashboard selector: {median(board_times):.3f} s; {t.projects:,} projects, "
        f"red {t.red:,}, yellow {t.yellow:,}, green {t.green:,}"
    )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("projects:dashboard")

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    page()
    page_times, _ = timed(page, runs)
    log(f"  dashboard page: {median(page_times):.3f} s")

    meeting_times, groups = timed(lambda: selectors.meeting_board(user), runs)
    listed = sum(len(g.items) for g in groups)
    log(f"  meeting selector: {median(meeting_times):.3f} s, {listed:,} red or yellow nodes")

    # The per-project Python reference on the first zone, extrapolated by its share.
    zone = Zone.objects.filter(projects__isnull=False).order_by("code").first()
    zone_user = zone_leader(zone)
    in_zone = Project.objects.filter(zone=zone).count()
    per_zone_times, _ = timed(lambda: selectors.project_rows(zone_user), max(1, min(runs, 3)))
    instead = median(per_zone_times) * n / max(1, in_zone)
    client.logout()
    note = (
        f"{n:,} projects, {nodes:,} nodes over the province's zones; red {t.red:,}, "
        f"yellow {t.yellow:,}, green {t.green:,}"
    )
    return [
        row(
            "project dashboard selector for the province (projects.selectors.dashboard)",
            board_times,
            note=note,
            instead=instead,
            target=(f"< {TARGET:g} s on PostgreSQL", median(board_times) < TARGET),
        ),
        row(
            "project dashboard page, GET as the province's leader",
            page_times,
            note="through the test client, after one warm-up request",
            target=(f"< {TARGET:g} s on PostgreSQL", median(page_times) < TARGET),
        ),
        row(
            "scheduling meeting selector for the province (meeting_board)",
            meeting_times,
            note=f"{listed:,} red or yellow nodes, {len(groups)} department group(s) (the synthetic "
            "nodes have no department in charge)",
            target=(f"< {TARGET:g} s on PostgreSQL", median(meeting_times) < TARGET),
        ),
        row(
            "instead: lights per project in Python (project_rows), extrapolated",
            [instead],
            note=f"{median(per_zone_times):.3f} s for the {in_zone} projects of {zone.code}, "
            f"times {n:,} / {in_zone}",
        ),
    ]
