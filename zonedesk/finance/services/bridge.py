"""Every write of the bridge-loan fund. Here the one move service of a loan
(flows.BRIDGE_LOAN: approval, disbursement, repayment with its fee) and the escalation of
overdue loans; the fund, its limits and an application are in bridge_fund, re-exported here
(the views, the API, the command and the demo call this module).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, version_bump, version_check
from zonedesk.finance import bridge
from zonedesk.finance.flows import BRIDGE_LOAN
from zonedesk.finance.models import BridgeLoan
from zonedesk.finance.services.bridge_fund import (
    APPLICATION_FIELDS,
    CALENDAR_DAYS,
    FUND_EDITABLE,
    FUND_FIELDS,
    ApplicationData,
    B,
    DrawRefused,
    FundData,
    _enforce,
    _wan,
    bridge_fund_create,
    bridge_fund_update,
    bridge_loan_apply,
    draw_check,
    due_on,
    flag_label,
    refusal_text,
)
from zonedesk.finance.services.needs import moment

__all__ = [
    "APPLICATION_FIELDS",
    "CALENDAR_DAYS",
    "FUND_EDITABLE",
    "FUND_FIELDS",
    "MOVE_FIELDS",
    "ApplicationData",
    "B",
    "DrawRefused",
    "FundData",
    "RemindResult",
    "bridge_fund_create",
    "bridge_fund_update",
    "bridge_loan_apply",
    "bridge_loan_move",
    "bridge_overdue_remind",
    "draw_check",
    "due_on",
    "flag_label",
    "overdue_recipients",
    "refusal_text",
]

MOVE_FIELDS = (
    "status",
    "amount_wan",
    "disbursed_on",
    "due_on",
    "repaid_on",
    "fee_wan",
    "note",
    "commitment_ref",
)


def _locked(loan: BridgeLoan, expected_version: int | None) -> BridgeLoan:
    version_check(loan, expected_version)
    return (
        BridgeLoan.objects.select_for_update(of=("self",))
        .select_related("fund__zone__area", "firm", "bank")
        .get(pk=loan.pk)
    )


@transaction.atomic
def bridge_loan_move(
    *,
    actor: Actor,
    loan: BridgeLoan,
    to: str,
    amount_wan: Decimal | None = None,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
    commitment_ref: str = "",
) -> BridgeLoan:
    """The one move of a bridge loan along flows.BRIDGE_LOAN:

    - approved: for `amount_wan` (the amount requested by default), within every limit, and only
      on the bank's written renewal commitment: its letter uploaded with the application, or its
      reference (`commitment_ref`: what was signed and when) given with the application or now;
    - disbursed: on `on` (today by default, not in the future), the limits checked again on
      that day; the due date is stored (disbursement + the days, next working day);
    - repaid: on `on` (not before the disbursement, not in the future), the fee computed by
      bridge.fee (the tiers, and the overdue rate past the due date) and stored;
    - refused: with the reason in `note`.
    A refusal (a limit, a move the flow does not allow, a stale version) changes nothing."""
    loan = _locked(loan, expected_version)
    note = (note or "").strip()
    BRIDGE_LOAN.check(actor=actor, obj=loan, move=to, inputs={"note": note})
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationFailed({"on": [_("The date cannot be in the future.")]})
    before = audit.snapshot(loan, MOVE_FIELDS)
    payload: dict = {}
    if to == B.APPROVED:
        reference = (commitment_ref or "").strip()
        if reference:
            loan.commitment_ref = reference
            payload["commitment_ref"] = reference
        if not loan.commitment_ref and not loan.commitment_file:
            raise ValidationFailed(
                {
                    "commitment_ref": [
                        _(
                            "Give the bank's written commitment to renew the loan (what was "
                            "signed and when, e.g. the letter's number and date): the fund lends "
                            "only to repay a loan the bank has promised in writing to renew, and "
                            "the application carries neither the letter nor its reference."
                        )
                    ]
                }
            )
        amount = Decimal(amount_wan) if amount_wan is not None else loan.requested_wan
        if amount <= 0:
            # The limits' own refusal speaks of the amount requested; this field is the bank's.
            raise ValidationFailed(
                {
                    "amount_wan": [
                        _("The amount approved must be above zero (approved: %(a)s).")
                        % {"a": _wan(amount)}
                    ]
                }
            )
        _enforce(loan, amount_wan=amount, day=day, besides=loan.pk)
        loan.amount_wan = amount
        payload["amount_wan"] = audit.plain(amount)
    elif to == B.DISBURSED:
        _enforce(loan, amount_wan=loan.amount_wan, day=day, besides=loan.pk)
        loan.disbursed_on = day
        loan.due_on = due_on(loan, day)
        payload.update(disbursed_on=audit.plain(day), due_on=audit.plain(loan.due_on))
    elif to == B.REPAID:
        if day < loan.disbursed_on:
            raise ValidationFailed({"on": [_("The repayment cannot be before the disbursement.")]})
        fee = bridge.fee(loan.fund.limits(), loan.amount_wan, loan.disbursed_on, day, loan.due_on)
        loan.repaid_on = day
        loan.fee_wan = fee.total_wan
        payload.update(
            repaid_on=audit.plain(day), days=fee.days, fee_wan=audit.plain(fee.total_wan)
        )
    if note:
        loan.note = note
        payload["note"] = note
    BRIDGE_LOAN.apply(
        actor=actor,
        obj=loan,
        move=to,
        before=before,
        audited=MOVE_FIELDS,
        scope=audit_scope(loan.firm),
        at=moment(day),  # a move recorded for a past day is stamped on that day
        payload=payload,
    )
    version_bump(loan)
    return loan


# --- escalation of overdue loans (zonedesk finance remind) -------------------------------------


def overdue_recipients(loan: BridgeLoan) -> list:
    """Who is told of an overdue loan: the leaders of the fund's zone and the firm's liaison
    officer, each once, active users only."""
    from zonedesk.org.models import Role, User

    leaders = User.objects.filter(
        zone=loan.fund.zone, is_active=True, role_grants__role=Role.LEADER
    ).order_by("pk")
    people = [*leaders, loan.firm.officer]
    out = []
    for user in people:
        if user is not None and user.is_active and user not in out:
            out.append(user)
    return out


@dataclass(frozen=True)
class RemindResult:
    day: dt.date
    overdue: int  # loans out past their due date
    notifications: int  # sent today (a second run on the same day sends none)


def bridge_overdue_remind(*, actor: Actor, today: dt.date) -> RemindResult:
    """The daily run: each loan out past its due date is told to the zone's leaders and the
    firm's officer (notices, kind "reminder"), once a day while it stays overdue. The
    system's only."""
    from django.urls import reverse

    from zonedesk.core.actors import is_system
    from zonedesk.finance.selectors.bridge import overdue_loans
    from zonedesk.notices import services as notices
    from zonedesk.notices.registry import Kind as NoticeKind

    if not is_system(actor):
        raise PermissionDenied
    rows = overdue_loans(today=today)
    sent = 0
    for row in rows:
        loan = row.loan
        title = _(
            "Bridge loan of %(firm)s is %(days)d days overdue: %(amount)s (10k yuan) was due on "
            "%(due)s"
        ) % {
            "firm": loan.firm.name,
            "days": row.overdue_days,
            "amount": _wan(loan.amount_wan),
            "due": loan.due_on.isoformat(),
        }
        body = _(
            "The fund's money is out past its term at %(bank)s. Ask the bank when it renews the "
            "loan, and record the repayment on the loan's page."
        ) % {"bank": loan.bank.name}
        for user in overdue_recipients(loan):
            try:
                notices.notify(
                    actor=actor,
                    recipient=user,
                    kind=NoticeKind.REMINDER,
                    title=title,
                    body=body,
                    link=reverse("finance:bridge_loan", args=[loan.pk]),
                    # once a day per loan and person (the key is unique across recipients)
                    about=f"finance.bridge_loan:{loan.pk}:{user.pk}",
                    once_per_day=True,
                    today=today,
                )
            except notices.AlreadySent:
                continue
            sent += 1
    return RemindResult(day=today, overdue=len(rows), notifications=sent)
