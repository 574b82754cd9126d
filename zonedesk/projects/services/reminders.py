"""Reminders of lights (zonedesk projects remind)."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
)
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


def _light_text(node: ProjectNode, light: str, today: dt.date, warn: int) -> tuple[str, str]:
    """The notification's title and body, in the active language."""
    names = {"node": node.name, "project": node.project.name, "day": date_format(node.planned_on)}
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


@transaction.atomic
def node_light_notify(
    *, actor: Actor, node: ProjectNode, light: str, today: dt.date, warn: int
) -> NodeLightNotice | None:
    """Tell the node's people (light_recipients) that it turned `light` (yellow or red) on
    `today`, in their notification centre and by e-mail as each chose (notices, kind
    project_light), and record it (NodeLightNotice) so that it is told once per light and
    planned date. None, and nothing written, when nobody can be told, the node was completed or
    re-planned since it was read, or another run told it first. The system's only (the daily
    run)."""
    if not is_system(actor):
        raise PermissionDenied
    if light not in NodeLightNotice.Light.values:
        raise ValidationFailed({"light": [_("Only a yellow or a red light is told.")]})
    people = light_recipients(node)
    if not people:
        return None
    still = ProjectNode.objects.filter(
        pk=node.pk, status=ProjectNode.Status.OPEN, planned_on=node.planned_on
    )
    if not still.exists():  # completed or re-planned since it was read
        return None
    try:
        with transaction.atomic():
            notice = NodeLightNotice.objects.create(
                node=node, light=light, planned_on=node.planned_on, on=today, recipients=len(people)
            )
    except IntegrityError:  # a run at the same time told it first
        return None
    title, body = _light_text(node, light, today, warn)
    link = reverse("projects:detail", args=[node.project_id])
    for user in people:
        notices.notify(
            actor=actor,
            recipient=user,
            kind=NoticeKind.PROJECT_LIGHT,
            title=title,
            body=body,
            link=link,
            about=f"projects.node:{node.pk}",
            today=today,
        )
    audit.record(
        actor=actor,
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
    return notice


@dataclass(frozen=True)
class RemindResult:
    day: dt.date
    told: int  # nodes whose light change was told
    notifications: int
    unreached: list[ProjectNode]  # yellow or red, with nobody to tell (asked again next run)


def lights_remind(*, actor: Actor, today: dt.date) -> RemindResult:
    """The daily run (`zonedesk projects remind`): each open node that turned yellow or red since
    it was last told of (selectors.light_changes) is told to its people, one node at a time in
    its own transaction (node_light_notify), so a run stopped half-way loses nothing and a second
    run on the same day tells nobody anything twice. The system's only."""
    if not is_system(actor):
        raise PermissionDenied
    warn = selectors.warn_days()
    told, sent, unreached = 0, 0, []
    for node, light in selectors.light_changes(today=today):
        notice = node_light_notify(actor=actor, node=node, light=light, today=today, warn=warn)
        if notice is not None:
            told, sent = told + 1, sent + notice.recipients
        elif not light_recipients(node):
            unreached.append(node)
    return RemindResult(day=today, told=told, notifications=sent, unreached=unreached)
