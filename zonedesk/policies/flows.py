"""The way of a benefit, as a table: identified → notified → applied → approved → disbursed, or
rejected / declined (core.workflow).

Who: the firm's staff (its zone's managers and liaison officer) notify, approve, reject and
record the money; the firm itself applies (so may its staff, on its behalf) and declines. The
system (the demo loader replaying firms' own steps, commands) may make every move.

Guards refuse a move for one pair: a measure paid without application (免申即享) has no
"applied"; a measure no longer in force takes no new firms ("notified"); a firm that does not
qualify under the current rules is neither notified nor approved. A refusal or a decline needs
a reason (`requires`); the amount and date of an approval or a payment are checked by
`services.entitlement_move`, whose messages depend on the pair and are reported together.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.actors import Actor, is_system
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.workflow import Flow, Move
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument

S = Entitlement.State
STAFF, FIRM, EITHER = "staff", "firm", "either"


def in_force(document: PolicyDocument, today: dt.date | None = None) -> bool:
    """Whether the document applies on a date (its last day included), by default today."""
    from zonedesk.policies.asof import IN_FORCE, validity

    return validity(document, today or timezone.localdate()) == IN_FORCE


def _by_application(entitlement: Entitlement) -> str | None:
    if entitlement.measure.mode == Measure.Mode.AUTOMATIC:
        return _("The measure is paid without application (免申即享).")
    return None


def _in_force(entitlement: Entitlement) -> str | None:
    """In force on the as-of date of the firm's zone (asof), the date it was decided on."""
    from zonedesk.policies.asof import NOT_YET, firm_as_of

    as_of = firm_as_of(entitlement.enterprise)
    status = as_of.status(entitlement.measure.document)
    if status == NOT_YET:
        return _("The measure is not yet in force on %(date)s: firms cannot be told of it.") % {
            "date": as_of.date.isoformat()
        }
    if status != "in_force":
        return _("The measure is no longer in force: firms cannot be told of it.")
    return None


def _qualifies(entitlement: Entitlement) -> str | None:
    if entitlement.decision != Entitlement.Decision.ELIGIBLE:
        return _("The firm does not qualify under the current rules.")
    return None


# A refusal or a decline says why (the amounts and the date of the other steps are checked by
# the service, which reports them together).
REASON = {"note": _("Give the reason.")}


def may(actor: Actor, entitlement: Entitlement, who: str) -> bool:
    """Staff: those who may edit the firm's registry entry; firm: its own enterprise user."""
    from zonedesk.enterprises import access as enterprise_access

    if is_system(actor):  # the demo loader replays firms' own steps too
        return True
    firm = entitlement.enterprise
    staff = enterprise_access.can_edit(actor, firm)
    member = enterprise_access.is_member(actor, firm)
    return {STAFF: staff, FIRM: member, EITHER: staff or member}[who]


ENTITLEMENT = Flow(
    name="policies.entitlement",
    states=S,
    field="state",
    table={
        S.IDENTIFIED: {
            S.NOTIFIED: Move(STAFF, guards=(_in_force, _qualifies)),
            S.DECLINED: Move(FIRM, requires=REASON),
        },
        S.NOTIFIED: {
            S.APPLIED: Move(EITHER, guards=(_by_application,)),
            S.APPROVED: Move(STAFF, guards=(_qualifies,)),
            S.DECLINED: Move(FIRM, requires=REASON),
        },
        S.APPLIED: {
            S.APPROVED: Move(STAFF, guards=(_qualifies,)),
            S.REJECTED: Move(STAFF, requires=REASON),
        },
        S.APPROVED: {S.DISBURSED: Move(STAFF)},
    },
    may=may,
    refusals={who: PermissionDenied.default_message for who in (STAFF, FIRM, EITHER)},
    refused=_("“%(to)s” cannot follow “%(from)s”."),
    event_model="policies.EntitlementEvent",
    subject="entitlement",
)

# The states a move leads to: the benefit is on its way (refused or declined included). A pair
# in one of them stays stored when the firm stops qualifying, and a re-match never changes its
# state; the others ('' and "identified") are the matcher's to write and delete.
IN_WORKFLOW: tuple[str, ...] = ENTITLEMENT.states_where(
    lambda state: any(ENTITLEMENT.target(s, m) == state for s, m in ENTITLEMENT.pairs())
)
