"""Key projects (issue 18): the daily reminder run (`zonedesk projects remind`,
projects.services.lights_remind) at province scale, 10,000 projects x 30 nodes (the data of
project_dashboard.py, generated once per database), each project served by one of 20 bench
officers (with an e-mail address) and one project in three with another officer in charge of
its nodes, so a node tells one or two people.

Timed: the first run of a day (every red and yellow node told: its notice row, a notification
per person in the centre, an e-mail queued per person, the audit entries), after the notices of
the run before are removed; then a second run on the same day, which tells nobody. The target:
the first run under 10 s on both databases.

Instead: the run as it was before it was batched, one node at a time in its own transaction
(the notice, notices.notify and an audit entry per person and per node), on a sample of the day's
changes, extrapolated to all of them."""

import datetime as dt
import os
import secrets
import time

from common import key_projects, median, row, timed
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zonedesk.core import audit
from zonedesk.core.actors import SYSTEM
from zonedesk.core.services import audit_scope
from zonedesk.demo import scale
from zonedesk.notices import services as notices
from zonedesk.notices.models import Notification
from zonedesk.notices.registry import Kind as NoticeKind
from zonedesk.org import services as org_services
from zonedesk.org.models import Role, User, Zone
from zonedesk.projects import selectors, services
from zonedesk.projects.models import NodeLightNotice, Project, ProjectNode
from zonedesk.projects.services.reminders import _light_text

TITLE = "Key projects: the daily reminder run (zonedesk projects remind)"
TARGET = 10.0  # seconds, on both databases
OFFICERS = 20


def _synthetic():
    return Project.objects.filter(zone__area__code__startswith=scale.PROVINCE[:2])


def _people(log) -> list[User]:
    """The bench officers, created once, and every synthetic project served by one of them."""
    zone = Zone.objects.filter(pk__in=scale.synthetic_zones()).order_by("code").first()
    officers = []
    for k in range(OFFICERS):
        username = f"bench-officer-{k:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = org_services.user_create(
                actor=SYSTEM,
                username=username,
                password=secrets.token_urlsafe(18) + "Aa1-",
                roles=[Role.OFFICER],
                zone=zone,
                full_name=f"基准测试干部{k:02d}",
            )
            User.objects.filter(pk=user.pk).update(email=f"{username}@bench.example.cn")
        officers.append(user)
    if _synthetic().filter(service_officer__isnull=True).exists():
        pks = list(_synthetic().order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            for k, officer in enumerate(officers):
                mine = pks[k::OFFICERS]
                Project.objects.filter(pk__in=mine).update(service_officer=officer)
                # One project in three: another officer in charge of its nodes.
                other = officers[(k + 1) % OFFICERS]
                ProjectNode.objects.filter(project_id__in=mine[::3]).update(person=other)
        log(f"  {len(pks):,} projects served by {OFFICERS} bench officers")
    return officers


def _forget() -> None:
    """The day's notices, notifications and e-mails of the synthetic projects removed, so the
    next run tells every change again (the audit log keeps its entries: it is append-only)."""
    with transaction.atomic():
        NodeLightNotice.objects.filter(node__project__in=_synthetic()).delete()
        Notification.objects.filter(kind=NoticeKind.PROJECT_LIGHT).delete()


def node_at_a_time(node: ProjectNode, light: str, today: dt.date, warn: int) -> int:
    """The reminder of one node as the run wrote it before it was batched (its own transaction;
    the notice, one notices.notify per person, an audit entry): the reference."""
    people = services.light_recipients(node)
    if not people:
        return 0
    with transaction.atomic():
        still = ProjectNode.objects.filter(
            pk=node.pk, status=ProjectNode.Status.OPEN, planned_on=node.planned_on
        )
        if not still.exists():
            return 0
        notice = NodeLightNotice.objects.create(
            node=node, light=light, planned_on=node.planned_on, on=today, recipients=len(people)
        )
        title, body = _light_text(node, light, today, warn)
        link = reverse("projects:detail", args=[node.project_id])
        for user in people:
            notices.notify(
                actor=SYSTEM,
                recipient=user,
                kind=NoticeKind.PROJECT_LIGHT,
                title=title,
                body=body,
                link=link,
                about=f"projects.node:{node.pk}",
                today=today,
            )
        audit.record(
            actor=SYSTEM,
            action="create",
            instance=notice,
            changes={
                "node": [None, str(node)],
                "light": [None, light],
                "planned_on": [None, audit.plain(node.planned_on)],
                "recipients": [None, [str(u) for u in people]],
            },
            **audit_scope(node.project),
        )
    return len(people)


def run(*, runs: int, sample: int, log) -> list[dict]:
    n = key_projects(log)
    _people(log)
    today = timezone.localdate()
    nodes = ProjectNode.objects.filter(project__in=_synthetic()).count()

    cpu: list[float] = []

    def first_run():
        started = time.process_time()
        result = services.lights_remind(actor=SYSTEM, today=today)
        cpu.append(time.process_time() - started)
        return result

    first_times, first = timed(first_run, runs, before=lambda i: _forget())
    log(
        f"  first run: {median(first_times):.3f} s; {first.told:,} nodes told, "
        f"{first.notifications:,} notifications"
    )
    again_times, again = timed(lambda: services.lights_remind(actor=SYSTEM, today=today), runs)
    log(f"  second run: {median(again_times):.3f} s; {again.told:,} nodes told")

    # The reference: one node at a time, on a sample of the day's changes.
    _forget()
    changes = selectors.light_changes(today=today)
    picked = changes[:: max(1, len(changes) // max(1, sample))][:sample]
    warn = selectors.warn_days()
    one_times, _sent = timed(
        lambda: [node_at_a_time(node, light, today, warn) for node, light in picked], 1
    )
    instead = one_times[0] * len(changes) / max(1, len(picked))
    _forget()
    note = (
        f"{n:,} projects, {nodes:,} nodes; {first.told:,} nodes turned yellow or red, "
        f"{first.notifications:,} notifications (each in the centre and an e-mail queued); "
        f"{median(cpu):.2f} s of this process's CPU (median), the rest the database and waiting "
        f"(1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return [
        row(
            "reminder run, first of the day (lights_remind)",
            first_times,
            note=note,
            instead=instead,
            target=(f"< {TARGET:g} s", median(first_times) < TARGET),
        ),
        row(
            "reminder run, again on the same day (tells nobody)",
            again_times,
            note=f"{again.told} nodes told",
            target=(f"< {TARGET:g} s", median(again_times) < TARGET),
        ),
        row(
            "instead: one node at a time (the run before it was batched), extrapolated",
            [instead],
            note=f"{one_times[0]:.3f} s for {len(picked):,} of the {len(changes):,} changes, "
            f"times {len(changes):,} / {len(picked):,}",
        ),
    ]
