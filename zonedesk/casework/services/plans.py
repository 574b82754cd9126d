"""The firm's own plan (一企一策): actions the zone takes for it, by whom and by when."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import access
from zonedesk.casework.models import PlanAction, Problem
from zonedesk.casework.services.contacts import check_staff_of_zone
from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, clean

ACTION_FIELDS = ("kind", "title", "problem", "measure", "owner", "due_on", "status", "done_on")


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    enterprise,
    kind: str,
    title: str,
    owner,
    due_on: dt.date,
    problem: Problem | None = None,
    measure=None,
) -> PlanAction:
    """An action of the firm's plan, by its liaison officer or a manager; its owner is an
    official of the zone who acts on firms (casework.access.ACTING_ROLES), its problem is the firm's own, its measure covers the firm."""
    from zonedesk.policies.selectors import measures_for

    if not access.can_log_contact(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can plan for it.")
        )
    errors: dict[str, list[str]] = {}
    if problem is not None and problem.enterprise_id != enterprise.pk:
        errors["problem"] = [_("Not a problem of this firm.")]
    if measure is not None and not measures_for(enterprise.zone).filter(pk=measure.pk).exists():
        errors["measure"] = [_("This measure does not cover the firm.")]
    if not access.may_own_action(owner):
        errors["owner"] = [
            _(
                "%(user)s cannot be responsible for an action: only the zone's leaders, liaison "
                "officers and department staff can."
            )
            % {"user": owner}
        ]
    if errors:
        raise ValidationFailed(errors)
    check_staff_of_zone([owner], enterprise.zone, "owner")
    action = PlanAction(
        enterprise=enterprise,
        kind=kind,
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        problem=problem,
        measure=measure,
        created_by=user_or_none(actor),
    )
    clean(action)
    action.save()
    audit.record(
        actor=actor,
        action="create",
        instance=action,
        changes=audit.diff({}, audit.snapshot(action, ACTION_FIELDS)),
        **audit_scope(action),
    )
    return action


@transaction.atomic
def action_close(*, actor: Actor, action: PlanAction, status: str) -> PlanAction:
    """Mark an open action done (dated today) or dropped; a closed one stays as it is."""
    action = (
        PlanAction.objects.select_for_update().select_related("enterprise__zone").get(pk=action.pk)
    )
    if not access.can_log_contact(actor, action.enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can plan for it.")
        )
    if action.status != PlanAction.Status.OPEN or status not in (
        PlanAction.Status.DONE,
        PlanAction.Status.DROPPED,
    ):
        raise DomainError(_("Only an action still to do can be marked done or dropped."))
    before = audit.snapshot(action, ACTION_FIELDS)
    action.status = status
    action.done_on = timezone.localdate() if status == PlanAction.Status.DONE else None
    action.save(update_fields=["status", "done_on"])
    audit.record(
        actor=actor,
        action="update",
        instance=action,
        changes=audit.diff(before, audit.snapshot(action, ACTION_FIELDS)),
        **audit_scope(action),
    )
    return action
