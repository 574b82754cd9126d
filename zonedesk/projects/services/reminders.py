"""Reminders of lights (zonedesk projects remind)."""

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from zonedesk.core import audit, auditchain
from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope
from zonedesk.notices import services as notices
from zonedesk.notices.registry import Kind as NoticeKind
from zonedesk.projects import lights, selectors
from zonedesk.projects.models import (
    NodeLightNotice,
    ProjectNode,
)

# --- reminders of lights (zonedesk projects remind) ------------------------------------------


def light_recipients(node: ProjectNode) -> list:
    """Who is told of a node's light: its person in charge and the project's service officer
    (the project's leading cadre when it has neither), each once, active users only."""
    project = node.project
    people = [node.person, project.service_officer]
    if not any(people):
        people = [project.leading_cadre]
    out = []
    for user in people:
        if user is not None and user.is_active and user not in out:
            out.append(user)
    return out


@functools.lru_cache(maxsize=512)
def _day(day: dt.date, language: str) -> str:
    """A planned date in words (the batches of a run repeat a few hundred dates)."""
    return date_format(day)


def _light_text(node: ProjectNode, light: str, today: dt.date, warn: int) -> tuple[str, str]:
    """The notification's title and body, in the active language."""
    day = _day(node.planned_on, get_language())
    names = {"node": node.name, "project": node.project.name, "day": day}
    if light == lights.RED:
        title = _("“%(node)s” of %(project)s is late: it was planned for %(day)s") % names
        days = (today - node.planned_on).days
        body = ngettext(
            "The node is %(days)d day past its planned date.",
            "The node is %(days)d days past its planned date.",
            days,
        ) % {"days": days}
    else:
        title = _("“%(node)s” of %(project)s is due soon: it is planned for %(day)s") % names
        body = ngettext(
            "The node is planned within %(warn)d working day.",
            "The node is planned within %(warn)d working days.",
            warn,
        ) % {"warn": warn}
    if node.department_id is not None:
        body += " " + _("Department in charge: %(department)s.") % {
            "department": node.department.name
        }
    body += " " + _(
        "Complete it on the project's page when it is done, or ask a leader for a re-plan "
        "with the reason."
    )
    return title[:200], body


# Nodes told per transaction of the daily run: a run stopped half-way keeps what it told.
BATCH = 2000


def node_light_notify(
    *, actor: Actor, node: ProjectNode, light: str, today: dt.date
) -> NodeLightNotice | None:
    """Tell the node's people (light_recipients) that it turned `light` (yellow or red) on
    `today`, in their notification centre and by e-mail as each chose (notices, kind
    project_light), and record it (NodeLightNotice) so that it is told once per light and
    planned date. None, and nothing written, when nobody can be told, the node was completed or
    re-planned since it was read, or another run told it first. The system's only (the daily
    run, which tells its nodes in batches: nodes_light_notify)."""
    told = nodes_light_notify(actor=actor, changes=[(node, light)], today=today)
    return told[0] if told else None


@transaction.atomic
def nodes_light_notify(
    *,
    actor: Actor,
    changes: Sequence[tuple[ProjectNode, str]],
    today: dt.date,
) -> list[NodeLightNotice]:
    """node_light_notify() for many nodes in one transaction and a few queries whatever their
    number: the nodes are locked and read again (a node completed or re-planned since it was
    read is left out), the ones already told of that light at that date are left out (another
    run's), and the notices, notifications and audit entries of the rest are written in bulk.
    The notices written, in the order of `changes`."""
    if not is_system(actor):
        raise PermissionDenied
    if any(light not in NodeLightNotice.Light.values for _node, light in changes):
        raise ValidationFailed({"light": [_("Only a yellow or a red light is told.")]})
    wanted = [(node, light, light_recipients(node)) for node, light in changes]
    wanted = [(node, light, people) for node, light, people in wanted if people]
    if not wanted:
        return []
    ids = [node.pk for node, _light, _people in wanted]
    # Locked (PostgreSQL; SQLite's write transaction is the lock): a run at the same time waits
    # here, then finds this run's notices below and tells nothing twice.
    current = dict(
        ProjectNode.objects.select_for_update()
        .filter(pk__in=ids, status=ProjectNode.Status.OPEN)
        .values_list("pk", "planned_on")
    )
    told = set(
        NodeLightNotice.objects.filter(node_id__in=ids).values_list(
            "node_id", "light", "planned_on"
        )
    )
    wanted = [
        (node, light, people)
        for node, light, people in wanted
        if current.get(node.pk) == node.planned_on  # not completed nor re-planned since read
        and (node.pk, light, node.planned_on) not in told
    ]
    notices_ = NodeLightNotice.objects.bulk_create(
        [
            NodeLightNotice(
                node=node, light=light, planned_on=node.planned_on, on=today, recipients=len(people)
            )
            for node, light, people in wanted
        ],
        batch_size=notices.BATCH,
    )
    default_warn = selectors.warn_days()
    pages: dict[int, str] = {}
    sent = []
    for node, light, people in wanted:
        title, body = _light_text(node, light, today, selectors.node_warn(node, default_warn))
        page = pages.get(node.project_id) or pages.setdefault(
            node.project_id, reverse("projects:detail", args=[node.project_id])
        )
        about = f"projects.node:{node.pk}"
        sent += [notices.Notice(user, title, page, body, about) for user in people]
    notices.notify_many(actor=actor, kind=NoticeKind.PROJECT_LIGHT, notices=sent)
    auditchain.insert(
        [
            audit.row(
                actor=actor,
                action="create",
                target_type=NodeLightNotice._meta.label_lower,
                target_id=str(notice.pk),
                target_repr=str(notice),
                changes={
                    "node": [None, str(node)],
                    "light": [None, light],
                    "planned_on": [None, audit.plain(node.planned_on)],
                    "recipients": [None, [str(u) for u in people]],
                },
                **audit_scope(node.project),
            )
            for notice, (node, light, people) in zip(notices_, wanted, strict=True)
        ]
    )
    return notices_


@dataclass(frozen=True)
class RemindResult:
    day: dt.date
    told: int  # nodes whose light change was told
    notifications: int
    unreached: list[ProjectNode]  # yellow or red, with nobody to tell (asked again next run)


def lights_remind(*, actor: Actor, today: dt.date) -> RemindResult:
    """The daily run (`zonedesk projects remind`): each open node that turned yellow or red since
    it was last told of (selectors.light_changes) is told to its people, BATCH nodes at a time
    in a transaction each (nodes_light_notify), so a run stopped half-way loses nothing and a
    second run on the same day tells nobody anything twice. The system's only."""
    if not is_system(actor):
        raise PermissionDenied
    changes = selectors.light_changes(today=today)
    told, sent, unreached = 0, 0, []
    for k in range(0, len(changes), BATCH):
        chunk = changes[k : k + BATCH]
        for notice in nodes_light_notify(actor=actor, changes=chunk, today=today):
            told, sent = told + 1, sent + notice.recipients
        unreached += [node for node, _light in chunk if not light_recipients(node)]
    return RemindResult(day=today, told=told, notifications=sent, unreached=unreached)
