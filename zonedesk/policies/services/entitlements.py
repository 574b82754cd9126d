"""The way of a benefit: one step at a time along flows.ENTITLEMENT, checked, stamped with actor
and time in an event row, and audited."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.services import audit_scope
from zonedesk.policies.flows import ENTITLEMENT
from zonedesk.policies.models import Entitlement

S = Entitlement.State
# What a step may change on the pair besides its state (audited with it).
STEP_FIELDS = ("state", "approved_wan", "disbursed_wan", "disbursed_on")


def next_moves(actor: Actor, entitlement: Entitlement) -> list[str]:
    """The steps this user may take next on the benefit's way (for the pages' buttons; the
    move itself checks again)."""
    return ENTITLEMENT.allowed(actor, entitlement)


def _step_errors(
    entitlement: Entitlement, to: str, amount_wan: Decimal | None, on: dt.date | None
) -> dict[str, list[str]]:
    """What the step lacks: an amount for an approval or a payment (no more than approved),
    and the date the money arrived (a reason is the flow's `requires`)."""
    errors = {}
    if to in (S.APPROVED, S.DISBURSED):
        if amount_wan is None:
            errors["amount_wan"] = [_("Give the amount (10k yuan).")]
        elif amount_wan <= 0:
            errors["amount_wan"] = [_("The amount must be more than 0.")]
        elif (
            to == S.DISBURSED and entitlement.approved_wan and amount_wan > entitlement.approved_wan
        ):
            errors["amount_wan"] = [
                _("More than the approved %(approved)s (10k yuan): record what arrived.")
                % {"approved": entitlement.approved_wan}
            ]
    if to == S.DISBURSED:
        # An approval is often recorded after the fact, so only the measure's start bounds the
        # date from below.
        earliest = entitlement.measure.document.valid_from
        if on is None or on > timezone.localdate():
            errors["on"] = [_("Give the date the money or relief arrived (not in the future).")]
        elif on < earliest:
            errors["on"] = [
                _("Before the measure took effect (%(date)s).") % {"date": earliest.isoformat()}
            ]
    return errors


@transaction.atomic
def entitlement_move(
    *,
    actor: Actor,
    entitlement: Entitlement,
    to: str,
    amount_wan: Decimal | None = None,
    on: dt.date | None = None,
    note: str = "",
) -> Entitlement:
    """One step on the benefit's way (identified → notified → applied → approved → disbursed,
    or rejected / declined). A step the table or its guards do not allow is refused with the
    reason (TransitionRefused); every step is stamped with actor and time and audited."""
    entitlement = (
        Entitlement.objects.select_for_update()
        .select_related("enterprise__zone__area", "measure__document")
        .get(pk=entitlement.pk)
    )
    ENTITLEMENT.check(actor=actor, obj=entitlement, move=to, inputs={"note": note})
    errors = _step_errors(entitlement, to, amount_wan, on)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(entitlement, STEP_FIELDS)
    if to == S.APPROVED:
        entitlement.approved_wan = amount_wan
    if to == S.DISBURSED:
        entitlement.disbursed_wan, entitlement.disbursed_on = amount_wan, on
    if to in (S.REJECTED, S.DECLINED):
        entitlement.reason = note.strip()
    ENTITLEMENT.apply(
        actor=actor,
        obj=entitlement,
        move=to,
        before=before,
        audited=STEP_FIELDS,
        scope=audit_scope(entitlement),
        amount_wan=amount_wan,
        note=note.strip(),
    )
    return entitlement
