"""The way of a financing need, declared once on core.workflow's shape and walked only by
services.needs: draft → shared → received → under review → approved (amount, rate, term) or
declined (a reason from the fixed list, and the bank's words) → disbursed (date, amount) →
repaid; the firm may withdraw it until a bank approves or declines it (an approved loan is
the bank's decision: services.needs refuses its withdrawal with its own words).
The way of a bridge loan (applied → approved → disbursed → repaid, or refused) is declared
here too and walked only by services/bridge.py; overdue is not a state but computed from the
due date on reading (bridge.draw_status)."""

from django.utils.translation import gettext_lazy as _

from zonedesk.core.actors import Actor
from zonedesk.core.workflow import Flow, Move
from zonedesk.finance import access
from zonedesk.finance.models import BridgeLoan, FinancingNeed

S = FinancingNeed.Status

FIRM = "firm"  # the firm's user, its officer, its zone's managers
BANK = "bank"  # a user of a bank the firm consented to, not handled by another bank
DECIDED = (S.APPROVED, S.DISBURSED, S.REPAID)  # the handling bank's own loan from then on


def _consented(need: FinancingNeed) -> str | None:
    """Refuses sharing a need no bank may see yet."""
    if not need.consents.filter(revoked_at__isnull=True).exists():
        return _("Give the firm's consent for at least one bank before sharing the need.")
    return None


def _may(actor: Actor, need: FinancingNeed, who: str) -> bool:
    if who == FIRM:
        return access.can_raise_need(actor, need.enterprise)
    banks = set(need.consents.filter(revoked_at__isnull=True).values_list("bank_id", flat=True))
    if need.status in DECIDED and need.bank_id is not None:
        # The bank that approved records the disbursement and the repayment of its own loan,
        # whatever became of the consent (finance.selectors.needs.DECIDED; docs/security.md).
        banks.add(need.bank_id)
    return access.bank_may_act(actor, need, banks)


def may_move(actor: Actor, need: FinancingNeed) -> bool:
    """Whether the actor is on either side of the need at all (the firm's, or a bank that may
    act on it): checked before its state, so that one who may not act learns nothing of it."""
    return _may(actor, need, FIRM) or _may(actor, need, BANK)


WITHDRAW = Move(who=FIRM)

NEED = Flow(
    name="finance.need",
    states=S,
    table={
        S.DRAFT: {S.SHARED: Move(who=FIRM, guards=(_consented,)), S.WITHDRAWN: WITHDRAW},
        S.SHARED: {S.RECEIVED: Move(who=BANK), S.WITHDRAWN: WITHDRAW},
        S.RECEIVED: {
            S.UNDER_REVIEW: Move(who=BANK),
            S.DECLINED: Move(
                who=BANK,
                requires={"reason": _("Choose the reason the need is declined.")},
            ),
            S.WITHDRAWN: WITHDRAW,
        },
        S.UNDER_REVIEW: {
            S.APPROVED: Move(
                who=BANK,
                requires={
                    "amount_wan": _("Give the amount approved."),
                    "rate_pct": _("Give the annual rate approved."),
                    "term_months": _("Give the term approved."),
                },
            ),
            S.DECLINED: Move(
                who=BANK,
                requires={"reason": _("Choose the reason the need is declined.")},
            ),
            S.WITHDRAWN: WITHDRAW,
        },
        S.APPROVED: {
            S.DISBURSED: Move(
                who=BANK,
                requires={
                    "on": _("Give the date of the disbursement."),
                    "amount_wan": _("Give the amount disbursed."),
                },
            ),
        },
        S.DISBURSED: {S.REPAID: Move(who=BANK, requires={"on": _("Give the date repaid.")})},
        S.DECLINED: {},
        S.REPAID: {},
        S.WITHDRAWN: {},
    },
    may=_may,
    refusals={
        FIRM: _("Only the firm, its liaison officer or the zone's leaders can do this."),
        BANK: _("Only a bank the firm shared the need with can do this."),
    },
    refused=_(
        "A need that is “%(from)s” cannot be “%(to)s”. The steps that may follow: %(allowed)s."
    ),
    none_left=_("none: the need is closed"),
    event_model="finance.NeedEvent",
    subject="need",
)

OPEN = NEED.states_where(lambda s: bool(NEED.table.get(s)))
WAITING_FOR_BANK = (S.SHARED,)


B = BridgeLoan.Status

FUND = "fund"  # the zone's leaders and liaison officers, who run the fund


def _bridge_may(actor: Actor, loan: BridgeLoan, who: str) -> bool:
    return access.can_act_on_bridge(actor, loan.fund.zone)


BRIDGE_LOAN = Flow(
    name="finance.bridge_loan",
    states=B,
    table={
        B.APPLIED: {
            B.APPROVED: Move(who=FUND),
            B.REFUSED: Move(who=FUND, requires={"note": _("Say why the loan is refused.")}),
        },
        B.APPROVED: {
            B.DISBURSED: Move(who=FUND),
            B.REFUSED: Move(who=FUND, requires={"note": _("Say why the loan is refused.")}),
        },
        B.DISBURSED: {B.REPAID: Move(who=FUND)},
        B.REPAID: {},
        B.REFUSED: {},
    },
    may=_bridge_may,
    refusals={FUND: _("Only the zone's leaders and liaison officers can move a bridge loan.")},
    refused=_(
        "A bridge loan that is “%(from)s” cannot be “%(to)s”. The steps that may follow: "
        "%(allowed)s."
    ),
    none_left=_("none: the bridge loan is closed"),
    event_model="finance.BridgeLoanEvent",
    subject="loan",
)
