"""The bridge-loan fund's money and the writes before a loan moves: the fund, an application.
Every limit of the fund is enforced in one place, `draw_check`, which asks bridge.check_draw; a
refused draw names its figures and changes nothing.

Money promised is money out: an approved loan not yet disbursed holds its amount, so the
available balance and the firm's exposure that a new draw is checked against count the open
draws (bridge.outstanding) and the approved ones. Otherwise two approvals on one morning could
each pass and together exceed the fund.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework.selectors import work_calendar
from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audit_scope, audited_update, clean
from zonedesk.finance import access, bridge
from zonedesk.finance.models import BridgeFund, BridgeLoan
from zonedesk.finance.selectors.bridge import position
from zonedesk.finance.services.needs import moment

B = BridgeLoan.Status
FUND_FIELDS = (
    "zone",
    "name",
    "source",
    "size_wan",
    "share_of_commitment_pct",
    "cap_per_firm_wan",
    "longest_term_days",
    "fee_tiers",
    "overdue_daily_pct",
    "exclude_wage_arrears",
    "exclude_bad_credit",
)
APPLICATION_FIELDS = (
    "fund",
    "firm",
    "bank",
    "maturing_wan",
    "maturing_on",
    "committed_wan",
    "requested_wan",
    "term_days",
    "wage_arrears",
    "bad_credit",
    "note",
    "commitment_ref",
)


# A due date moves past at most a week-long holiday; a calendar of 60 days more is ample.
CALENDAR_DAYS = 60


class DrawRefused(ValidationFailed):
    """A draw the fund's limits refuse: `check` holds every refusal with its figures; the
    messages word them in the active language (the API answers 400 with them)."""

    def __init__(self, check: bridge.DrawCheck):
        self.check = check
        texts = [refusal_text(r) for r in check.refusals]
        super().__init__({"__all__": texts}, " ".join(texts))


def _wan(value) -> str:
    return f"{Decimal(value):,.2f}"


def flag_label(flag: str) -> str:
    return {
        bridge.WAGE_ARREARS: _("wage arrears"),
        bridge.BAD_CREDIT: _("a bad credit record"),
    }.get(flag, flag)


def refusal_text(refusal: bridge.Refusal) -> str:
    """A refusal in words, with its figures (万元), in the active language."""
    f = refusal.figures
    money = {k: _wan(v) for k, v in f.items() if k.endswith("_wan")}
    match refusal.code:
        case bridge.EXCLUDED:
            return _("The fund does not lend to a firm with %(flag)s.") % {
                "flag": flag_label(str(f["flag"]))
            }
        case bridge.NO_COMMITMENT:
            return (
                _(
                    "The bank has not committed in writing to renew the loan (committed: "
                    "%(committed_wan)s, 10k yuan)."
                )
                % money
            )
        case bridge.AMOUNT_NOT_POSITIVE:
            return _("The amount requested must be above zero (requested: %(requested_wan)s).") % (
                money
            )
        case bridge.SHARE_OF_COMMITMENT:
            return _(
                "%(requested_wan)s requested is above %(share)s%% of the renewal the bank "
                "committed (%(committed_wan)s): at most %(limit_wan)s (10k yuan)."
            ) % {**money, "share": f"{Decimal(f['share_pct']).normalize():f}"}
        case bridge.MATURING_AMOUNT:
            return (
                _(
                    "%(requested_wan)s requested is above the maturing loan (%(maturing_wan)s): at "
                    "most %(limit_wan)s (10k yuan)."
                )
                % money
            )
        case bridge.CAP_PER_FIRM:
            return (
                _(
                    "%(requested_wan)s requested is above the firm's cap: the cap is %(cap_wan)s, the "
                    "firm has %(exposure_wan)s out or approved, so at most %(limit_wan)s (10k yuan)."
                )
                % money
            )
        case bridge.AVAILABLE_BALANCE:
            return (
                _(
                    "%(requested_wan)s requested is above the fund's available balance "
                    "(%(available_wan)s, after the loans out and approved): at most %(limit_wan)s "
                    "(10k yuan)."
                )
                % money
            )
        case bridge.TERM:
            return _(
                "%(requested_days)d days requested; the fund lends for 1 to %(longest_term_days)d "
                "days."
            ) % {
                "requested_days": f["requested_days"],
                "longest_term_days": f["longest_term_days"],
            }
    return refusal.code


# --- the fund's money -------------------------------------------------------------------------


def draw_check(
    loan: BridgeLoan, *, amount_wan: Decimal, day: dt.date, besides: int | None = None
) -> bridge.DrawCheck:
    """Every limit of the loan's fund on a draw of `amount_wan` on `day` (bridge.check_draw)."""
    fund = loan.fund
    where = position(fund, loan.firm_id, day, besides=besides)
    return bridge.check_draw(
        fund.limits(),
        bridge.Application(
            firm=loan.firm_id,
            bank=loan.bank_id,
            requested_wan=Decimal(amount_wan),
            maturing_wan=loan.maturing_wan,
            committed_wan=loan.committed_wan,
            term_days=loan.term_days,
            flags=loan.flags,
        ),
        firm_exposure_wan=where.firm_exposure_wan,
        available_wan=where.available_wan,
    )


def _enforce(loan: BridgeLoan, *, amount_wan: Decimal, day: dt.date, besides=None) -> None:
    """Raise DrawRefused, with every refusal and its figures, when a limit refuses the draw."""
    check = draw_check(loan, amount_wan=amount_wan, day=day, besides=besides)
    if not check.allowed:
        raise DrawRefused(check)


def due_on(loan: BridgeLoan, disbursed_on: dt.date) -> dt.date:
    """Disbursement + the loan's days, moved to the next working day (遇节假日顺延) by the stored
    calendar of public holidays."""
    calendar = work_calendar(disbursed_on, disbursed_on + dt.timedelta(days=CALENDAR_DAYS))
    return bridge.due_date(disbursed_on, loan.term_days, calendar.is_working_day)


# --- writes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundData:
    zone: object
    name: str
    source: str
    size_wan: Decimal
    share_of_commitment_pct: Decimal = Decimal(95)
    cap_per_firm_wan: Decimal | None = None
    longest_term_days: int = 10
    fee_tiers: list | None = None
    overdue_daily_pct: Decimal | None = None
    exclude_wage_arrears: bool = True
    exclude_bad_credit: bool = True


@transaction.atomic
def bridge_fund_create(*, actor: Actor, data: FundData) -> BridgeFund:
    """A zone's bridge-loan fund with its limits (refused when the limits cannot be applied)."""
    if not access.can_set_up_fund(actor, data.zone):
        raise PermissionDenied(_("Only the zone's leaders can set up a bridge-loan fund."))
    values = {f: getattr(data, f) for f in FUND_FIELDS}
    if values["fee_tiers"] is None:
        values.pop("fee_tiers")
    fund = BridgeFund(**values)
    clean(fund)
    fund.save()
    audit.record(
        actor=actor,
        action="create",
        instance=fund,
        changes=audit.diff({}, audit.snapshot(fund, FUND_FIELDS)),
        **audit_scope(fund),
    )
    return fund


FUND_EDITABLE = (*(f for f in FUND_FIELDS if f != "zone"), "active")


@transaction.atomic
def bridge_fund_update(
    *,
    actor: Actor,
    fund: BridgeFund,
    data: FundData,
    active: bool = True,
    expected_version: int | None = None,
) -> BridgeFund:
    """Change a fund's size, source and limits (its zone stays): the leaders and administrators
    over its zone; `expected_version` is the one the editor read (StaleVersion if another save
    came first). The size cannot fall below what is out and held for approved loans today."""
    if not access.can_set_up_fund(actor, fund.zone):
        raise PermissionDenied(_("Only the zone's leaders can set up a bridge-loan fund."))
    values = {f: getattr(data, f) for f in FUND_FIELDS if f != "zone"}
    if values["fee_tiers"] is None:
        values["fee_tiers"] = fund.fee_tiers
    values["active"] = bool(active)
    size = values["size_wan"]
    if size is not None and size != fund.size_wan:
        where = position(fund, 0, timezone.localdate())
        committed = fund.size_wan - where.available_wan
        if size < committed:
            raise ValidationFailed(
                {
                    "size_wan": [
                        _(
                            "The fund has %(committed)s (10k yuan) out or held for approved "
                            "loans: its size cannot be less."
                        )
                        % {"committed": _wan(committed)}
                    ]
                }
            )
    audited_update(
        actor=actor,
        instance=fund,
        data=values,
        fields=FUND_EDITABLE,
        expected_version=expected_version,
    )
    return fund


@dataclass(frozen=True)
class ApplicationData:
    firm: object
    bank: object
    maturing_wan: Decimal
    maturing_on: dt.date
    committed_wan: Decimal
    requested_wan: Decimal
    term_days: int | None = None
    wage_arrears: bool = False
    bad_credit: bool = False
    note: str = ""
    commitment_file: object = None  # an uploaded file (PDF, JPEG, PNG), or None
    commitment_ref: str = ""  # what the bank signed and when (the letter's number and date)


@transaction.atomic
def bridge_loan_apply(
    *, actor: Actor, fund: BridgeFund, data: ApplicationData, today: dt.date | None = None
) -> BridgeLoan:
    """A firm's application to the fund, made by an officer or leader of the firm's zone. The
    fund's limits are checked at once (draw_check): an application they refuse is not stored,
    and the refusal names its figures."""
    if not access.can_act_on_bridge(actor, fund.zone):
        raise PermissionDenied(
            _("Only the zone's leaders and liaison officers can apply to the bridge-loan fund.")
        )
    if data.firm is None or data.firm.zone_id != fund.zone_id:
        raise ValidationFailed({"firm": [_("The firm must be one of the fund's zone.")]})
    if not fund.active:
        raise ValidationFailed({"__all__": [_("The fund takes no applications now.")]})
    loan = BridgeLoan(
        fund=fund,
        firm=data.firm,
        bank=data.bank,
        maturing_wan=data.maturing_wan,
        maturing_on=data.maturing_on,
        committed_wan=data.committed_wan,
        requested_wan=data.requested_wan,
        term_days=data.term_days or fund.longest_term_days,
        wage_arrears=data.wage_arrears,
        bad_credit=data.bad_credit,
        note=(data.note or "").strip(),
        commitment_ref=(data.commitment_ref or "").strip(),
        applied_by=None if getattr(actor, "pk", None) is None else actor,
        # Recorded for a past day (the demo's 2020, a paper file entered late): dated that day.
        applied_at=moment(today) if today and today < timezone.localdate() else timezone.now(),
    )
    if data.commitment_file is not None:
        loan.commitment_file = data.commitment_file
    clean(loan, exclude=["fee_wan"])
    _enforce(loan, amount_wan=loan.requested_wan, day=today or timezone.localdate())
    loan.save()
    audit.record(
        actor=actor,
        action="create",
        instance=loan,
        changes=audit.diff({}, audit.snapshot(loan, APPLICATION_FIELDS)),
        **audit_scope(loan.firm),
    )
    return loan
