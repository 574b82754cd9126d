"""The inter-firm lending and guarantee register (企业间互助): a loan between firms and a
guarantee between firms, registered by the zone's leaders and liaison officers. The flags (a
rate above the legal ceiling, a guarantee circle) are computed on reading (selectors/lending.py)
from finance/lending.py; registering never refuses a flagged row: the register records what
firms did, and the flag is what the zone follows up."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, clean
from zonedesk.finance import access, lending
from zonedesk.finance.models import Guarantee, InterFirmLoan

LOAN_FIELDS = (
    "lender",
    "borrower",
    "amount_wan",
    "term_months",
    "rate_pct",
    "contract_on",
    "note",
)
GUARANTEE_FIELDS = (
    "guarantor",
    "guaranteed",
    "amount_wan",
    "creditor",
    "starts_on",
    "ends_on",
    "note",
)


# The largest loan or guarantee between two firms of a zone the register takes (10k yuan): ten
# billion yuan, beyond any firm of an industrial zone; a bigger figure is a unit typed wrong
# (yuan into the 10k-yuan field).
MAX_AMOUNT_WAN = Decimal(1_000_000)


def _wan(value) -> str:
    return f"{Decimal(value):,.2f}"


def _amount_error(amount) -> list[str] | None:
    if amount is not None and Decimal(amount) > MAX_AMOUNT_WAN:
        return [
            _(
                "%(amount)s (10k yuan) is above the most the register takes, %(max)s (10k yuan, "
                "ten billion yuan): check the unit (the field is in 10k yuan, not yuan)."
            )
            % {"amount": _wan(amount), "max": _wan(MAX_AMOUNT_WAN)}
        ]
    return None


def _zone_checked(actor: Actor, first, second) -> None:
    """The actor registers for a zone of theirs: at least one of the two firms is in it."""
    if not any(
        firm is not None and access.can_register_lending(actor, firm.zone)
        for firm in (first, second)
    ):
        raise PermissionDenied(
            _("Only the zone's leaders and liaison officers can register lending between firms.")
        )


@dataclass(frozen=True)
class LoanData:
    lender: object
    borrower: object
    amount_wan: Decimal
    term_months: int
    rate_pct: Decimal
    contract_on: dt.date
    note: str = ""
    guarantees: list = field(default_factory=list)  # Guarantee rows securing the loan


@transaction.atomic
def interfirm_loan_create(*, actor: Actor, data: LoanData) -> InterFirmLoan:
    """A loan between two firms. Its guarantees must guarantee the borrower."""
    _zone_checked(actor, data.lender, data.borrower)
    errors = {}
    if data.lender is not None and data.lender == data.borrower:
        errors["borrower"] = [_("A firm cannot lend to itself.")]
    wrong = [g for g in data.guarantees if g.guaranteed_id != getattr(data.borrower, "pk", None)]
    if wrong:
        errors["guarantees"] = [_("A guarantee of the loan must guarantee its borrower.")]
    if _amount_error(data.amount_wan):
        errors["amount_wan"] = _amount_error(data.amount_wan)
    today = timezone.localdate()
    if data.contract_on is not None and data.contract_on > today:
        errors["contract_on"] = [
            _(
                "The contract date %(day)s is after today (%(today)s): the register records "
                "loans already agreed."
            )
            % {"day": data.contract_on.isoformat(), "today": today.isoformat()}
        ]
    if errors:
        raise ValidationFailed(errors)
    same = (
        InterFirmLoan.objects.select_for_update()
        .filter(
            lender=data.lender,
            borrower=data.borrower,
            amount_wan=data.amount_wan,
            contract_on=data.contract_on,
        )
        .order_by("pk")
        .first()
    )
    if same is not None:
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "This loan is registered already: No. %(pk)s, %(lender)s to "
                        "%(borrower)s, %(amount)s (10k yuan), contract of %(day)s (registered "
                        "on %(created)s). Open that record instead of registering it twice."
                    )
                    % {
                        "pk": same.pk,
                        "lender": same.lender.name,
                        "borrower": same.borrower.name,
                        "amount": _wan(same.amount_wan),
                        "day": same.contract_on.isoformat(),
                        "created": timezone.localtime(same.created_at).date().isoformat(),
                    }
                ]
            }
        )
    loan = InterFirmLoan(
        **{f: getattr(data, f) for f in LOAN_FIELDS if f != "note"},
        note=(data.note or "").strip(),
        created_by=user_or_none(actor),
    )
    clean(loan)
    loan.save()
    loan.guarantees.set(data.guarantees)
    ceiling = lending.rate_ceiling(loan.contract_on)
    audit.record(
        actor=actor,
        action="create",
        instance=loan,
        changes={
            **audit.diff({}, audit.snapshot(loan, LOAN_FIELDS)),
            "guarantees": [None, [g.pk for g in data.guarantees]],
            "ceiling_pct": [None, audit.plain(ceiling.ceiling_pct)],
        },
        **audit_scope(loan.borrower),
    )
    return loan


def ends_before_start(starts_on: dt.date, ends_on: dt.date) -> str:
    return _(
        "The end date %(end)s is before the start date %(start)s: a guarantee ends on or after "
        "the day it starts."
    ) % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}


@dataclass(frozen=True)
class GuaranteeData:
    guarantor: object
    guaranteed: object
    amount_wan: Decimal
    starts_on: dt.date
    ends_on: dt.date | None = None
    creditor: str = ""
    note: str = ""


@transaction.atomic
def guarantee_create(*, actor: Actor, data: GuaranteeData) -> Guarantee:
    """A guarantee between firms; a firm guaranteeing itself, or a negative amount, is refused
    (lending.edge_problems)."""
    _zone_checked(actor, data.guarantor, data.guaranteed)
    problems = lending.edge_problems(
        lending.Guarantee(
            getattr(data.guarantor, "pk", None),
            getattr(data.guaranteed, "pk", None),
            Decimal(data.amount_wan),
        )
    )
    errors = {}
    if "self_guarantee" in problems:
        errors["guaranteed"] = [_("A firm cannot guarantee itself.")]
    if "amount_negative" in problems:
        errors["amount_wan"] = [_("The amount guaranteed cannot be negative.")]
    elif _amount_error(data.amount_wan):
        errors["amount_wan"] = _amount_error(data.amount_wan)
    if data.ends_on is not None and data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = [ends_before_start(data.starts_on, data.ends_on)]
    if errors:
        raise ValidationFailed(errors)
    guarantee = Guarantee(
        **{f: getattr(data, f) for f in GUARANTEE_FIELDS if f not in ("note", "creditor")},
        creditor=(data.creditor or "").strip(),
        note=(data.note or "").strip(),
        created_by=user_or_none(actor),
    )
    clean(guarantee)
    guarantee.save()
    audit.record(
        actor=actor,
        action="create",
        instance=guarantee,
        changes=audit.diff({}, audit.snapshot(guarantee, GUARANTEE_FIELDS)),
        **audit_scope(guarantee.guaranteed),
    )
    return guarantee
