"""Re-plans: a node's planned date moves only through a re-plan a leader approves."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    clean,
    version_bump,
)
from zonedesk.notices import services as notices
from zonedesk.notices.registry import Kind as NoticeKind
from zonedesk.org.models import Role
from zonedesk.projects import access
from zonedesk.projects.flows import REPLAN
from zonedesk.projects.models import (
    Project,
    ProjectNode,
    Replan,
)
from zonedesk.projects.services.nodes import _locked_node

REPLAN_FIELDS = ("node", "from_on", "to_on", "reason", "status")


def _date_of(node: ProjectNode) -> dt.date:
    """When a node is (to be) reached: its actual date once done, else its planned date."""
    return node.done_on if node.done_on is not None else node.planned_on


def _replan_errors(node: ProjectNode, to_on: dt.date, today: dt.date) -> dict:
    """What is wrong with moving `node` to `to_on`: a date already past, or one before a node
    it waits for (that node's actual date once done, else its planned date)."""
    errors: dict[str, list[str]] = {}
    if to_on < today:
        errors["to_on"] = [_("The new date cannot be in the past.")]
        return errors
    for before in node.depends_on.all():
        if to_on < _date_of(before):
            errors.setdefault("to_on", []).append(
                _(
                    "The new date is before %(date)s, the date of “%(node)s”, which this node "
                    "waits for."
                )
                % {"date": date_words(_date_of(before)), "node": before.name}
            )
    return errors


def date_words(day: dt.date) -> str:
    """A date in prose in the active language (2026年12月6日; 6 December 2026)."""
    return formats.date_format(day, "DATE_FORMAT")


def _leaders_to_ask(replan: Replan, project: Project) -> list:
    """The active users who may approve `replan`: the leaders of the project's zone and of the
    areas over it, and its leading cadre; not the one who asked (nor, unless leading cadre, a
    superuser: the platform's operators are not the zone's leaders)."""
    User = get_user_model()
    leaders = Q(role_grants__role=Role.LEADER, is_superuser=False) & (
        Q(zone_id=project.zone_id) | Q(zone__isnull=True, area__isnull=False)
    )
    candidates = User.objects.filter(is_active=True).filter(
        leaders | Q(pk=project.leading_cadre_id or 0)
    )
    return [
        u
        for u in candidates.distinct().select_related("zone", "area").order_by("username")
        if u.pk != replan.requested_by_id and access.can_decide_replan(u, project)
    ]


def _notify_asked(actor: Actor, replan: Replan, node: ProjectNode) -> None:
    project = node.project
    words = {
        "project": project.name,
        "node": node.name,
        "from": date_words(replan.from_on),
        "to": date_words(replan.to_on),
        "reason": replan.reason,
        "by": getattr(actor, "full_name", "") or str(actor),
    }
    for leader in _leaders_to_ask(replan, project):
        notices.notify(
            actor=actor,
            recipient=leader,
            kind=NoticeKind.REPLAN_ASKED,
            title=_("Re-plan to decide: %(project)s, %(node)s") % words,
            body=_(
                "%(by)s asks to move “%(node)s” of %(project)s from %(from)s to %(to)s: %(reason)s"
            )
            % words,
            link=reverse("projects:replans"),
            about=f"projects.replan:{replan.pk}",
        )


def _notify_decided(actor: Actor, replan: Replan, node: ProjectNode) -> None:
    asker = replan.requested_by
    if asker is None or not asker.is_active or asker.pk == getattr(actor, "pk", None):
        return
    project = node.project
    words = {"project": project.name, "node": node.name, "to": date_words(replan.to_on)}
    if replan.status == Replan.Status.APPROVED:
        title = _("Re-plan approved: %(project)s, %(node)s to %(to)s") % words
    else:
        title = _("Re-plan refused: %(project)s, %(node)s") % words
    notices.notify(
        actor=actor,
        recipient=asker,
        kind=NoticeKind.REPLAN_DECIDED,
        title=title,
        body=replan.decision_note,
        link=reverse("projects:detail", args=[project.pk]),
        about=f"projects.replan:{replan.pk}",
    )


@transaction.atomic
def replan_request(
    *,
    actor: Actor,
    node: ProjectNode,
    to_on: dt.date,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Replan:
    """Ask to move an open node's planned date to `to_on` (not in the past, not before a node
    it waits for), with the reason; the leaders who may approve it are notified. `at`: when it
    was asked (now by default; the demo dates its re-plans in the past)."""
    at = at or timezone.now()
    node = _locked_node(node, expected_version)
    if not access.can_act_on_node(actor, node):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer, or the person or "
                "department in charge of the node can ask for a re-plan."
            )
        )
    errors = {}
    if node.status == ProjectNode.Status.DONE:
        errors["__all__"] = [
            _("“%(node)s” is done; its plan no longer moves.") % {"node": node.name}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the new date.")]
    if to_on == node.planned_on:
        errors["to_on"] = [_("The new date is the planned date already.")]
    else:
        errors.update(_replan_errors(node, to_on, timezone.localdate(at)))
    if node.replans.filter(status=Replan.Status.REQUESTED).exists():
        errors["__all__"] = [
            _("A re-plan of “%(node)s” already awaits a decision.") % {"node": node.name}
        ]
    if errors:
        raise ValidationFailed(errors)
    replan = Replan(
        node=node,
        from_on=node.planned_on,
        to_on=to_on,
        reason=reason.strip(),
        requested_by=user_or_none(actor),
        requested_at=at,
    )
    clean(replan)
    replan.save()
    REPLAN.event(
        actor=actor,
        obj=replan,
        move=Replan.Status.REQUESTED,
        from_state="",
        to_state=replan.status,
        at=at,
    ).save()
    audit.record(
        actor=actor,
        action="create",
        instance=replan,
        changes=audit.diff({}, audit.snapshot(replan, REPLAN_FIELDS)),
        **audit_scope(node.project),
    )
    _notify_asked(actor, replan, node)
    return replan


def _asked_it(actor: Actor, replan: Replan) -> bool:
    return getattr(actor, "pk", None) is not None and replan.requested_by_id == actor.pk


def _move(*, actor: Actor, node: ProjectNode, to_on: dt.date, reason: str, project) -> None:
    """Move a locked node's planned date (its baseline stays), audited with the reason."""
    node_before = audit.snapshot(node, ("planned_on",))
    node.planned_on = to_on
    node.save(update_fields=["planned_on"])
    version_bump(node)
    audit.record(
        actor=actor,
        action="update",
        instance=node,
        changes={
            **audit.diff(node_before, audit.snapshot(node, ("planned_on",))),
            "replan_reason": [None, reason],  # the re-plan's words, not its id
        },
        **audit_scope(project),
    )


def _cascade(
    *, actor: Actor, node: ProjectNode, old_on: dt.date, project, at: dt.datetime
) -> list[Replan]:
    """The open nodes waiting for `node` whose planned date now falls before its new date move
    too, keeping their distance from it (never less than none), each an approved re-plan
    "随前置节点顺延", and so on down the chain."""
    moved, queue = [], [(node, old_on)]
    reason = _("Moved with the node it waits for")
    while queue:
        before, before_old = queue.pop(0)
        after = (
            ProjectNode.objects.select_for_update(of=("self",))
            .filter(depends_on=before, status=ProjectNode.Status.OPEN)
            .order_by("seq")
        )
        for dependent in after:
            if dependent.planned_on >= before.planned_on:
                continue
            gap = max((dependent.planned_on - before_old).days, 0)
            old, to_on = dependent.planned_on, before.planned_on + dt.timedelta(days=gap)
            replan = Replan(
                node=dependent,
                from_on=old,
                to_on=to_on,
                reason=reason,
                status=Replan.Status.APPROVED,
                requested_by=user_or_none(actor),
                decided_by=user_or_none(actor),
                requested_at=at,
                decided_at=at,
            )
            clean(replan)
            replan.save()
            for move, from_state in (
                (Replan.Status.REQUESTED, ""),
                (Replan.Status.APPROVED, "requested"),
            ):
                REPLAN.event(
                    actor=actor, obj=replan, move=move, from_state=from_state, to_state=move, at=at
                ).save()
            audit.record(
                actor=actor,
                action="create",
                instance=replan,
                changes=audit.diff({}, audit.snapshot(replan, REPLAN_FIELDS)),
                **audit_scope(project),
            )
            _move(actor=actor, node=dependent, to_on=to_on, reason=reason, project=project)
            moved.append(replan)
            queue.append((dependent, old))
    return moved


@transaction.atomic
def replan_decide(
    *,
    actor: Actor,
    replan: Replan,
    decision: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Replan:
    """Approve (the node's planned date moves, its baseline stays, and the open nodes waiting
    for it that would now fall before it move with it) or refuse (with a note); whoever asked
    is notified. The re-plan's row is locked first: of two leaders deciding at once, the second
    finds it decided and is refused. `at`: when it was decided (now by default)."""
    at = at or timezone.now()
    replan = (
        Replan.objects.select_for_update(of=("self",))
        .select_related("node__project__zone__area", "requested_by")
        .get(pk=replan.pk)
    )
    note = (note or "").strip()
    REPLAN.check(actor=actor, obj=replan, move=decision, inputs={"note": note or None})
    if decision == Replan.Status.APPROVED and _asked_it(actor, replan):
        # Who asks does not approve (a leader may still refuse, i.e. withdraw, their own).
        raise PermissionDenied(
            _("A re-plan is approved by someone other than the one who asked for it.")
        )
    before = audit.snapshot(replan, ("status", "decision_note"))
    project = replan.node.project
    node = replan.node
    if decision == Replan.Status.APPROVED:
        node = _locked_node(replan.node, None)
        if node.status == ProjectNode.Status.DONE:
            raise ValidationFailed(
                {
                    "__all__": [
                        _("“%(node)s” is done; its plan no longer moves.") % {"node": node.name}
                    ]
                }
            )
        # The nodes it waits for may have moved since it was asked (not the past: a leader may
        # approve a re-plan whose day has come).
        errors = _replan_errors(node, replan.to_on, dt.date.min)
        if errors:
            raise ValidationFailed(errors)
        old_on = node.planned_on
        _move(actor=actor, node=node, to_on=replan.to_on, reason=replan.reason, project=project)
        _cascade(actor=actor, node=node, old_on=old_on, project=project, at=at)
    replan.decided_by = user_or_none(actor)
    replan.decided_at = at
    replan.decision_note = note
    REPLAN.apply(
        actor=actor,
        obj=replan,
        move=decision,
        before=before,
        audited=("status", "decision_note"),
        scope=audit_scope(project),
        at=at,
        payload={"from_on": audit.plain(replan.from_on), "to_on": audit.plain(replan.to_on)},
    )
    _notify_decided(actor, replan, node)
    # The other leaders asked to decide it have nothing left to do: their notices are settled.
    notices.notifications_settle(
        actor=actor, kind=NoticeKind.REPLAN_ASKED, about=f"projects.replan:{replan.pk}"
    )
    return replan


# Monthly investment ---------------------------------------------------------------------------
