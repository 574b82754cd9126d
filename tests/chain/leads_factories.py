"""Leads for the tests: made through the app's own services."""

import datetime as dt
from decimal import Decimal

from zonedesk.chain import leads_services as services
from zonedesk.chain.leads_models import Lead
from zonedesk.core.actors import SYSTEM

# How to reach each stage from 线索 (the inputs each move needs are in `step_inputs`).
PATHS = {
    "lead": [],
    "contact": ["contact"],
    "visit": ["contact", "visit"],
    "negotiation": ["contact", "visit", "negotiation"],
    "signed": ["contact", "visit", "negotiation", "signed"],
    "landed": ["contact", "visit", "negotiation", "signed", "landed"],
    "paused": ["contact", "visit", "negotiation", "paused"],
    "dropped": ["dropped"],
}


def lead(zone, owner, *, name: str = "远航新材料有限公司", on=None, **fields) -> Lead:
    data = {
        "name": name,
        "region": "yangtze",
        "source": "exhibition",
        "owner": owner,
        "investment_wan": Decimal("30000"),
        "output_wan": Decimal("50000"),
        "industry_code": "3311",
        **fields,
    }
    return services.lead_create(actor=SYSTEM, zone=zone, data=services.LeadData(**data), on=on)


def step_inputs(move: str) -> dict:
    match move:
        case "dropped":
            return {"reason": "企业决定投向他地（合成）"}
        case "paused":
            return {"reason": "企业投资计划推迟（合成）"}
        case "signed":
            return {"first_production_month": dt.date(2031, 6, 1)}
    return {}


def produce(lead: Lead) -> None:
    """Puts the lead's project in production (as its 投产 node would), for landing."""
    from zonedesk.projects.models import Project

    if lead.project_id is not None:
        Project.objects.filter(pk=lead.project_id).update(state="producing")
        lead.project.refresh_from_db()


def walk(lead: Lead, stage: str, *, actor=SYSTEM, on=None) -> Lead:
    """Moves the lead to `stage`, every move today or on the day `on`."""
    for move in PATHS[stage]:
        lead.refresh_from_db()
        if move == "landed":
            produce(lead)
        lead = services.lead_transition(actor=actor, lead=lead, to=move, on=on, **step_inputs(move))
    lead.refresh_from_db()
    return lead
