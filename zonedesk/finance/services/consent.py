"""The firm's consent to show a need to a bank: given per bank, revocable, audited. A bank sees
a need only while its consent stands (finance.selectors.need_scope)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, clean
from zonedesk.enterprises.access import is_member
from zonedesk.finance import access
from zonedesk.finance.models import Consent, FinancingNeed
from zonedesk.finance.services.needs import moment

CONSENT_FIELDS = ("need", "bank", "covers_figures", "covers_contacts", "written", "revoked_at")
CLOSED = (FinancingNeed.Status.WITHDRAWN, FinancingNeed.Status.REPAID)


def _already(bank) -> str:
    return _(
        "The firm's consent for %(bank)s on this need stands already: choose a bank without "
        "one, or revoke that consent first to give it again."
    ) % {"bank": bank.name}


@transaction.atomic
def consent_grant(
    *,
    actor: Actor,
    need: FinancingNeed,
    bank,
    covers_figures: bool = False,
    covers_contacts: bool = False,
    written: str = "",
    on: dt.date | None = None,
) -> Consent:
    """The firm consents that `bank` sees `need` (and its monthly figures and contacts, if it
    says so). The firm's user gives it; its officer records the firm's written consent (what
    and when it was signed). `on`: the day it was given, when recorded later (default now)."""
    if not access.can_consent(actor, need.enterprise):
        raise PermissionDenied(
            _("Only the firm, or its liaison officer with the firm's written consent, can do this.")
        )
    written = (written or "").strip()
    officer = not is_member(actor, need.enterprise) and access.is_officer_of(actor, need.enterprise)
    if officer and not written:
        raise ValidationFailed(
            {"written": [_("Record the firm's written consent: what it signed and when.")]}
        )
    if need.status in CLOSED:
        raise ValidationFailed({"need": [_("The need is closed.")]})
    if bank is None:
        raise ValidationFailed({"bank": [_("Choose a bank.")]})
    if need.consents.filter(bank=bank, revoked_at__isnull=True).exists():
        raise ValidationFailed({"bank": [_already(bank)]})
    consent = Consent(
        need=need,
        bank=bank,
        covers_figures=bool(covers_figures),
        covers_contacts=bool(covers_contacts),
        written=written[:200],
        granted_by=user_or_none(actor),
        granted_at=moment(on),
    )
    clean(consent, exclude=[f.name for f in Consent._meta.fields if f.name != "written"])
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError as exc:
        raise ValidationFailed({"bank": [_already(bank)]}) from exc
    audit.record(
        actor=actor,
        action="create",
        instance=consent,
        changes=audit.diff({}, audit.snapshot(consent, CONSENT_FIELDS)),
        **audit_scope(need.enterprise),
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor: Actor, consent: Consent, on: dt.date | None = None) -> Consent:
    """Withdraw the consent: the bank no longer sees the need, from this moment (`on`: the day
    the firm withdrew it, when recorded later)."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("need__enterprise__zone__area")
        .get(pk=consent.pk)
    )
    if not access.can_consent(actor, consent.need.enterprise):
        raise PermissionDenied(
            _("Only the firm, or its liaison officer with the firm's written consent, can do this.")
        )
    if consent.revoked_at is not None:
        raise ValidationFailed({"consent": [_("The consent was already revoked.")]})
    before = audit.snapshot(consent, CONSENT_FIELDS)
    consent.revoked_at = moment(on)
    consent.revoked_by = user_or_none(actor)
    consent.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action="update",
        instance=consent,
        changes=audit.diff(before, audit.snapshot(consent, CONSENT_FIELDS)),
        **audit_scope(consent.need.enterprise),
    )
    return consent
