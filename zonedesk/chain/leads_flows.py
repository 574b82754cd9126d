"""The way of an investment lead, declared once on core.workflow's shape and walked only by
leads_services.lead_transition: 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, one stage at a time.
An open lead may be paused with a reason (it resumes at any open stage up to the one it was paused at) or
dropped with a reason (final). Signing creates the key project (a manager's move: the zone's own
leaders and administrators register key projects); 落地 follows once that project is in
production."""

from django.utils.translation import gettext_lazy as _

from zonedesk.chain import leads_access as access
from zonedesk.chain.leads_models import Lead
from zonedesk.core.actors import Actor
from zonedesk.core.workflow import Flow, Move

S = Lead.Stage

OWNER = "owner"  # the lead's owner, or the zone's leaders and administrators
MANAGER = "manager"  # the zone's leaders and administrators

OPEN_STAGES = (S.LEAD, S.CONTACT, S.VISIT, S.NEGOTIATION)
# The funnel's way, in order: how far a lead got is its furthest stage on this list.
WAY = (S.LEAD, S.CONTACT, S.VISIT, S.NEGOTIATION, S.SIGNED, S.LANDED)


def _producing(lead: Lead) -> str | None:
    """Refuses 落地 before the signed lead's project is in production."""
    project = lead.project
    if project is None or project.state == "active":
        return _("The lead lands when its key project goes into production (投产).")
    return None


def _resumable(to: str):
    """Refuses resuming a paused lead further than the stage it was paused at."""

    def guard(lead: Lead) -> str | None:
        if lead.paused_from and WAY.index(to) > WAY.index(lead.paused_from):
            return _("A paused lead resumes at the stage it was paused at, or an earlier one.")
        return None

    return guard


def _may(actor: Actor, lead: Lead, who: str) -> bool:
    if who == MANAGER:
        return access.can_manage_leads(actor, lead.zone)
    return access.can_edit_lead(actor, lead)


DROP = Move(who=OWNER, requires={"reason": _("Say why the lead is dropped.")})
PAUSE = Move(who=OWNER, requires={"reason": _("Say why the lead is paused.")})

LEAD = Flow(
    name="chain.lead",
    states=S,
    table={
        S.LEAD: {S.CONTACT: Move(who=OWNER), S.PAUSED: PAUSE, S.DROPPED: DROP},
        S.CONTACT: {S.VISIT: Move(who=OWNER), S.PAUSED: PAUSE, S.DROPPED: DROP},
        S.VISIT: {S.NEGOTIATION: Move(who=OWNER), S.PAUSED: PAUSE, S.DROPPED: DROP},
        S.NEGOTIATION: {
            S.SIGNED: Move(
                who=MANAGER,
                requires={
                    "first_production_month": _("Give the planned month of first production.")
                },
            ),
            S.PAUSED: PAUSE,
            S.DROPPED: DROP,
        },
        S.SIGNED: {S.LANDED: Move(who=OWNER, guards=(_producing,))},
        S.PAUSED: {
            **{s: Move(who=OWNER, guards=(_resumable(s),)) for s in OPEN_STAGES},
            S.DROPPED: DROP,
        },
        S.LANDED: {},
        S.DROPPED: {},
    },
    may=_may,
    refusals={
        OWNER: _("Only the lead's owner or the zone's leaders can move it."),
        MANAGER: _(
            "Only the zone's leaders or administrators sign a lead: signing registers a key "
            "project."
        ),
    },
    refused=_(
        "A lead at “%(from)s” cannot go to “%(to)s”. The steps that may follow: %(allowed)s."
    ),
    none_left=_("none: the lead is closed"),
    event_model="chain.LeadEvent",
    subject="lead",
    field="stage",
)
