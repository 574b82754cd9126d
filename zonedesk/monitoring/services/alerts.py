"""Acknowledging an early warning (monitoring.alerts): who looked at it, when, and why."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.services import audit_scope, clean
from zonedesk.enterprises import access as enterprise_access
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import alert_selectors, alerts
from zonedesk.monitoring.models import AlertAck

NOTE_MAX = 500
ACK_AUDITED = ("enterprise", "period", "rule", "note")


@transaction.atomic
def alert_acknowledge(
    *,
    actor: Actor,
    enterprise: Enterprise,
    period: Period,
    rule: str,
    note: str,
    basis: str = "preliminary",
) -> AlertAck:
    """The firm's liaison officer (or a manager of its zone) acknowledges one of the month's
    warnings with a note; a second acknowledgement of the same warning replaces the note.
    Refused when the warning does not fire for the firm's month on the list's `basis` (快报 or
    审定; nothing to acknowledge)."""
    if not enterprise_access.can_edit(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm's liaison officer or a zone leader can acknowledge its warnings.")
        )
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say what was found or done (a note is required).")]
    elif len(note) > NOTE_MAX:
        errors["note"] = [
            _("The note is %(n)d characters long; at most %(max)d are kept.")
            % {"n": len(note), "max": NOTE_MAX}
        ]
    if rule not in alerts.RULES:
        errors["rule"] = [
            _("“%(rule)s” is not a warning rule; the rules are %(rules)s.")
            % {"rule": rule[:40], "rules": ", ".join(alerts.RULES)}
        ]
    elif basis not in alert_selectors.BASES:
        errors["basis"] = [
            _("Not one of: %(values)s.") % {"values": ", ".join(alert_selectors.BASES)}
        ]
    elif not any(
        w.rule == rule for w in alert_selectors.firm_warnings(enterprise, period, basis=basis)
    ):
        errors["rule"] = [
            _("%(firm)s has no “%(rule)s” warning for %(period)s: nothing to acknowledge.")
            % {"firm": enterprise.name, "rule": AlertAck.Rule(rule).label, "period": period}
        ]
    if errors:
        raise ValidationFailed(errors)
    ack = (
        AlertAck.objects.select_for_update()
        .filter(enterprise=enterprise, period=period.first_day, rule=rule)
        .first()
    )
    before = audit.snapshot(ack, ACK_AUDITED) if ack is not None else {}
    if ack is None:
        ack = AlertAck(enterprise=enterprise, period=period.first_day, rule=rule)
    ack.note, ack.by, ack.at = note, user_or_none(actor), timezone.now()
    clean(ack, exclude=["enterprise"])
    ack.save()
    changes = audit.diff(before, audit.snapshot(ack, ACK_AUDITED))
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=ack,
        changes=changes,
        **audit_scope(ack),
    )
    return ack
