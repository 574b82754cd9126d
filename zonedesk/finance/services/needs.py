"""Financing needs: raise, edit, and the one transition service along flows.NEED."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework.services.problems import deadline
from zonedesk.core import audit
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.fields import validate_text
from zonedesk.core.services import audit_scope, audited_update, clean, version_bump, version_check
from zonedesk.core.workflow import TransitionRefused
from zonedesk.finance import access
from zonedesk.finance.flows import BANK, DECIDED, FIRM, NEED, may_move
from zonedesk.finance.models import BankProduct, DeclineReason, FinancingNeed

S = FinancingNeed.Status
NEED_FIELDS = ("amount_wan", "term_months", "purpose", "collateral", "urgency", "note")
FLOW_FIELDS = (
    "status",
    "bank",
    "product",
    "shared_on",
    "respond_by",
    "responded_on",
    "approved_amount_wan",
    "approved_rate_pct",
    "approved_term_months",
    "decided_on",
    "decline_reason",
    "decline_note",
    "disbursed_on",
    "disbursed_amount_wan",
    "repaid_on",
)
EDITABLE = (S.DRAFT, S.SHARED)  # before a bank has taken it up


def response_days() -> int:
    """Working days a bank has for its first response (settings)."""
    return int(settings.ZONEDESK.get("FINANCE_RESPONSE_DAYS", 5))


@dataclass(frozen=True)
class NeedData:
    amount_wan: Decimal
    term_months: int
    purpose: str
    collateral: str
    urgency: str = "normal"
    note: str = ""


def _problem_errors(enterprise, problem) -> dict:
    if problem is None:
        return {}
    if problem.enterprise_id != enterprise.pk:
        return {"problem": [_("The problem is another firm's.")]}
    if problem.category != "finance":
        return {"problem": [_("Only a problem about working capital and financing.")]}
    return {}


def moment(on: dt.date | None) -> dt.datetime:
    """The time stamp of something done on `on`: now for today (or no date), noon of the day
    when recording a past day (as casework's steps), so a history replayed from paper, or the
    demo's 2020, reads in its own dates rather than the day it was typed in."""
    now = timezone.now()
    if on is None or on == timezone.localdate(now):
        return now
    if on > timezone.localdate(now):
        raise ValidationFailed({"on": [_("The date cannot be in the future.")]})
    return timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


@transaction.atomic
def need_create(
    *, actor: Actor, enterprise, data: NeedData, problem=None, on: dt.date | None = None
) -> FinancingNeed:
    """Raise a firm's need (a draft): the firm's user, its officer or the zone's managers; from a
    financing problem of the firm, linked to it. `on`: the day it was raised, when recorded
    later (default today)."""
    if not access.can_raise_need(actor, enterprise):
        raise PermissionDenied(
            _("Only the firm, its liaison officer or the zone's leaders can raise its needs.")
        )
    errors = _problem_errors(enterprise, problem)
    if errors:
        raise ValidationFailed(errors)
    need = FinancingNeed(
        enterprise=enterprise,
        problem=problem,
        raised_by=user_or_none(actor),
        created_at=moment(on),
        **{f: getattr(data, f) for f in NEED_FIELDS},
    )
    clean(need)
    need.save()
    audit.record(
        actor=actor,
        action="create",
        instance=need,
        changes=audit.diff({}, audit.snapshot(need, ("enterprise", "problem", *NEED_FIELDS))),
        **audit_scope(need),
    )
    return need


@transaction.atomic
def need_update(
    *, actor: Actor, need: FinancingNeed, data: NeedData, expected_version: int | None = None
) -> FinancingNeed:
    """Change what a need asks for, until a bank takes it up (draft or shared)."""
    if not access.can_raise_need(actor, need.enterprise):
        raise PermissionDenied(
            _("Only the firm, its liaison officer or the zone's leaders can change its needs.")
        )
    if need.status not in EDITABLE:
        raise ValidationFailed(
            {"status": [_("A need a bank has taken up cannot be changed: withdraw it instead.")]}
        )
    audited_update(
        actor=actor,
        instance=need,
        data=data,
        fields=NEED_FIELDS,
        expected_version=expected_version,
    )
    return need


# The dearest annual rate a bank's approval may carry (%): the old 24 % ceiling of the courts'
# protection of private lending (最高人民法院 2015); no bank loan comes near it, so a figure above
# is a typing error (a term typed into the rate).
MAX_RATE_PCT = Decimal(24)


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed({field: [_("Enter a number.")]}) from exc
    if not out.is_finite() or out <= 0:
        raise ValidationFailed({field: [_("Enter a number above zero.")]})
    return out


def _check_product_range(product, amount: Decimal | None, term_months: int) -> None:
    """An approval under a product stays within the product's amount and term ranges: a loan
    outside them is not the product the bank published (refused, each figure named)."""
    if product is None:
        return
    errors: dict[str, list[str]] = {}
    low, high = product.amount_min_wan, product.amount_max_wan
    if amount is not None and not low <= amount <= high:
        errors["amount_wan"] = [
            _(
                "The approved amount of %(amount)s (10k yuan) is outside the range of the "
                "product “%(product)s”, %(low)s to %(high)s (10k yuan): approve within it or "
                "choose another product."
            )
            % {
                "amount": f"{amount:,.2f}",
                "product": product.name,
                "low": f"{low:,.2f}",
                "high": f"{high:,.2f}",
            }
        ]
    shortest, longest = product.term_min_months, product.term_max_months
    if not shortest <= term_months <= longest:
        errors["term_months"] = [
            _(
                "The approved term of %(term)s months is outside the range of the product "
                "“%(product)s”, %(shortest)s to %(longest)s months: approve within it or "
                "choose another product."
            )
            % {
                "term": term_months,
                "product": product.name,
                "shortest": shortest,
                "longest": longest,
            }
        ]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def need_transition(
    *,
    actor: Actor,
    need: FinancingNeed,
    to: str,
    on: dt.date | None = None,
    amount_wan=None,
    rate_pct=None,
    term_months: int | None = None,
    reason: str = "",
    note: str = "",
    product: BankProduct | None = None,
    expected_version: int | None = None,
) -> FinancingNeed:
    """The one move of a need along flows.NEED, with the move's own fields: sharing sets the
    bank's response limit (working days), the bank's first move records its response (and makes
    it the bank handling the need), approval its amount, rate and term, a decline its reason,
    disbursement its date and amount, repayment its date. One on neither side of the need (a
    bank the firm did not share it with, or another bank handles it) is refused first, before
    its state, version or the move's fields say anything about it."""
    if not may_move(actor, need):
        raise PermissionDenied(NEED.refusals[BANK if access.is_bank_user(actor) else FIRM])
    version_check(need, expected_version)
    need = FinancingNeed.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if to == S.WITHDRAWN and need.status in DECIDED:
        raise TransitionRefused(
            _(
                "A need a bank has approved cannot be withdrawn: the loan is the bank's decision. "
                "If the firm no longer wants it, ask the bank to record that."
            ),
            state=need.status,
            move=to,
        )
    amount = _decimal(amount_wan, "amount_wan")
    rate = _decimal(rate_pct, "rate_pct")
    reason = (reason or "").strip()
    NEED.check(
        actor=actor,
        obj=need,
        move=to,
        inputs={
            "amount_wan": amount,
            "rate_pct": rate,
            "term_months": term_months or None,
            "reason": reason or None,
            "on": on or (timezone.localdate() if to != S.DISBURSED and to != S.REPAID else None),
        },
    )
    today = timezone.localdate()
    day = on or today
    if day > today:
        raise ValidationFailed({"on": [_("The date cannot be in the future.")]})
    before = audit.snapshot(need, FLOW_FIELDS)
    bank = getattr(actor, "bank", None) if access.is_bank_user(actor) else None
    if product is not None and bank is not None and product.bank_id != bank.pk:
        raise ValidationFailed({"product": [_("A product of your own bank.")]})
    match to:
        case S.SHARED:
            need.shared_on = day
            need.respond_by = deadline(day, response_days()).on
        case S.RECEIVED:
            need.responded_on = day
            if bank is not None:
                need.bank = bank
        case S.APPROVED:
            if term_months is None or not 1 <= int(term_months) <= 360:
                raise ValidationFailed(
                    {"term_months": [_("Enter a whole number of months from 1 to 360.")]}
                )
            if amount is not None and amount > need.amount_wan:
                raise ValidationFailed(
                    {
                        "amount_wan": [
                            _(
                                "At most the %(asked)s (10k yuan) the firm asked for: a larger "
                                "loan is a new need."
                            )
                            % {"asked": f"{need.amount_wan:,.2f}"}
                        ]
                    }
                )
            if rate is not None and rate > MAX_RATE_PCT:
                raise ValidationFailed(
                    {
                        "rate_pct": [
                            _("An annual rate of at most %(max)s%%.") % {"max": MAX_RATE_PCT}
                        ]
                    }
                )
            _check_product_range(product or need.product, amount, int(term_months))
            need.approved_amount_wan = amount
            need.approved_rate_pct = rate
            need.approved_term_months = int(term_months)
            need.decided_on = day
            if product is not None:
                need.product = product
        case S.DECLINED:
            if reason not in DeclineReason.values:
                raise ValidationFailed({"reason": [_("Choose one of the reasons.")]})
            if reason == DeclineReason.OTHER and not note.strip():
                raise ValidationFailed({"note": [_("Say why, in the bank's words.")]})
            need.decline_reason = reason
            need.decline_note = note.strip()
            try:
                validate_text(need.decline_note)
            except DjangoValidationError as exc:
                raise ValidationFailed({"note": exc.messages}) from exc
            need.decided_on = day
            need.responded_on = need.responded_on or day
            if bank is not None and need.bank_id is None:
                need.bank = bank
        case S.DISBURSED:
            if need.decided_on and day < need.decided_on:
                raise ValidationFailed({"on": [_("The date is before the approval.")]})
            if (
                amount is not None
                and need.approved_amount_wan
                and amount > need.approved_amount_wan
            ):
                raise ValidationFailed(
                    {
                        "amount_wan": [
                            _("At most the %(approved)s (10k yuan) approved.")
                            % {"approved": f"{need.approved_amount_wan:,.2f}"}
                        ]
                    }
                )
            need.disbursed_on = day
            need.disbursed_amount_wan = amount
        case S.REPAID:
            if need.disbursed_on and day < need.disbursed_on:
                raise ValidationFailed({"on": [_("The date is before the disbursement.")]})
            need.repaid_on = day
    NEED.apply(
        actor=actor,
        obj=need,
        move=to,
        before=before,
        audited=FLOW_FIELDS,
        scope=audit_scope(need.enterprise),
        at=moment(day),
        payload={
            k: audit.plain(v)
            for k, v in {
                "on": day,
                "amount_wan": amount,
                "rate_pct": rate,
                "term_months": term_months,
                "reason": reason,
                "note": note,
            }.items()
            if v not in (None, "")
        },
    )
    version_bump(need)
    return need
