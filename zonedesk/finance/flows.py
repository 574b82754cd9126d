"""The way of a bridge loan (applied → approved → disbursed → repaid, or refused), declared once
on core.workflow's shape and walked only by services/bridge.py. Overdue is not a state: it is
computed from the due date on reading (bridge.draw_status)."""

from django.utils.translation import gettext_lazy as _

from zonedesk.core.actors import Actor
from zonedesk.core.workflow import Flow, Move
from zonedesk.finance import access
from zonedesk.finance.models import BridgeLoan

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
